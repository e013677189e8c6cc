"""Importing a helpdesk's export from the TUI: choose it, see what was recognised, fix a value word,
read the rejects, confirm."""

import time
from pathlib import Path

from textual.widgets import Select

from vse_tui.screens.common.forms import ConfirmScreen
from vse_tui.screens.incidents.import_screen import ImportScreen

from .conftest import SIZE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


async def settle(pilot, app) -> None:
    """Until the screen's planning or import, run apart, has shown its result (the directory tree's
    own loader never finishes: it is not waited for)."""
    end = time.monotonic() + 120  # however busy the machine
    while time.monotonic() < end:
        await pilot.pause(0.05)
        running = [w for w in app.workers if w.group in ("import-plan", "import-run") and not w.is_finished]
        if not running and isinstance(app.screen, ImportScreen) and not app.screen.busy:
            await pilot.pause()
            return
    raise AssertionError("the import screen did not settle")


async def test_choose_an_export_fix_a_word_and_import(make_app, tmp_path):
    sheet = tmp_path / "jira.csv"
    text = (FIXTURES / "jira_service_management.csv").read_text().replace(",Lowest,", ",Meh,")
    sheet.write_text(text)
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "I")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        app.screen.choose(sheet)
        await settle(pilot, app)
        summary = str(app.screen.query_one("#import-summary").render())
        assert "Jira Service Management" in summary and "column 'Issue key'" in summary
        assert "To import: 4 tickets" in summary and "rejected: 1 row" in summary
        assert "priority: 'Meh'" in str(app.screen.query_one("#import-rejects").render())
        meh = next(s for s in app.screen.query(Select) if getattr(s, "word", None) == ("priority", "Meh"))
        row = str(meh.parent.query_one("Label").render())  # the field by its name, not its key
        assert row.startswith("priority: Meh"), row
        meh.value = "P5"
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        assert "To import: 5 tickets" in str(app.screen.query_one("#import-summary").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, app)
        assert app.store.count("incidents") == 5
        assert app.store.get("incidents", "ITSD-104").priority == "P5"
        assert "already here (skipped; ^t brings them up to date): 5" in str(
            app.screen.query_one("#import-summary").render())
        assert len(list(tmp_path.glob("x-backup-*-before-import*.db"))) == 1  # a backup before it stored anything
        # the export again, one ticket since resolved there: ^u brings it up to date as a new version
        sheet.write_text(text.replace("Meh", "Lowest").replace(
            "VPN drops every hour,ITSD-102,10102,Incident,Waiting for customer,", "VPN drops every hour,ITSD-102,"
            "10102,Incident,Resolved,").replace("10/Oct/12 9:05 AM,10/Oct/12 9:30 AM,,", "10/Oct/12 9:05 AM,"
                                                "10/Oct/12 9:30 AM,10/Oct/12 11:05 AM,"))
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert "already here, brought up to date (^t): 5" in str(app.screen.query_one("#import-summary").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, app)
        vpn = app.store.get("incidents", "ITSD-102")
        assert (vpn.state, vpn.version, app.store.count("incidents")) == ("restored", 2, 5)
        assert len(list(tmp_path.glob("x-backup-*-before-import*.db"))) == 2
