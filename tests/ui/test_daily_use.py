"""A shop of three every day: who has it, the next step's key, the global palette, screen keys that
go where they say, and the bugs found on the way."""

from vse_tui.cli import main
from vse_tui.core.governance.roles import add_person
from vse_tui.core.incidents import process as core
from vse_tui.screens.common.forms import FormScreen
from vse_tui.screens.incidents.capture import QuickCapture
from vse_tui.screens.incidents.detail import IncidentDetailScreen
from vse_tui.widgets.picker import Picker
from vse_tui.widgets.rowlist import RowList

from .conftest import SIZE, burst, palette_lists, until, widget_text


async def test_capture_with_an_assignee_reassign_filter_and_dashboard_order(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    store = app.store
    sam, _ = add_person(store, "Sam Ortiz", roles="PT:incident", os_user="sam")
    others = core.log_incident(store, "Sam's printer", assignee="Sam Ortiz")
    nobody = core.log_incident(store, "Nobody's VPN", impact="high", urgency="high")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *list("Mail down for Acme"))
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture)
        app.screen.query_one("#assignee", Picker).value = store.actor.person  # me
        await pilot.press("ctrl+s")
        await pilot.pause()
        mine = store.records("incidents", order="-seq", limit=1)[0]
        assert mine.assignee == store.actor.person
        history = [h for h in store.history(mine.uuid) if h["action"] == "create"]
        assert '"assignee"' in history[0]["new_value"]  # who has it, from the first row
        # the dashboard: mine first, then nobody's, then the rest, with initials
        await pilot.press("d")
        await pilot.pause()
        panel = app.screen.query_one("#open-incidents", RowList)
        order = [panel.get_row_at(i)[1] for i in range(panel.row_count)]
        assert order == [mine.id, nobody.id, others.id]
        assert str(panel.get_row_at(2)[4]) == "SO"
        # the list: whose filter, and A reassigns
        await pilot.press("i", "w")  # everyone -> mine
        await pilot.pause()
        table = app.screen.query_one("#list", RowList)
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == [mine.id]
        await pilot.press("w")  # mine -> unassigned
        await pilot.pause()
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == [nobody.id]
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#f-who", Picker).value = sam.uuid
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.get("incidents", nobody.id).assignee == sam.uuid
        assert table.row_count == 0  # nobody's: none left
        rows = [h for h in store.history(nobody.uuid) if h["field"] == "assignee"]
        assert rows and rows[-1]["task"] == "IN.2.2"


def test_assignment_from_the_command_line(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "x.db")
    assert main(["people", "add", "Sam Ortiz", "--roles", "PT:incident", "--db", db]) == 0
    assert main(["incident", "add", "Printer jam", "--assign", "Sam Ortiz", "--db", db]) == 0
    assert main(["incident", "add", "VPN down", "--db", db]) == 0
    capsys.readouterr()
    assert main(["incident", "list", "--assignee", "Sam Ortiz", "--format", "csv", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Printer jam" in out and "VPN down" not in out
    assert main(["incident", "list", "--unassigned", "--format", "csv", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "VPN down" in out and "Printer jam" not in out
    assert main(["incident", "assign", "INC-0002", "Sam Ortiz", "--db", db]) == 0
    assert "assigned to Sam Ortiz" in capsys.readouterr().out
    assert main(["incident", "assign", "INC-0002", "Nobody Known", "--db", db]) == 1
    assert "no person" in capsys.readouterr().err


async def test_screen_keys_go_to_the_screen_not_a_record_left_open(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentDetailScreen)
        app.open_record("INC-0001")
        await pilot.pause()
        await pilot.press("c", "r", "d")
        await pilot.pause()
        assert app.screen.TITLE_TEXT == "Dashboard"


async def test_the_next_step_names_its_key_and_leads_the_key_bar(make_app, tmp_path):
    from vse_tui.config import Config
    from vse_tui.core.control import changes
    from vse_tui.widgets.footer import KeyFooter

    app = make_app(tmp_path / "x.db")
    app.config = Config(keys={"change_build": "B"})  # a key remapped in the config
    store = app.store
    ch = changes.request(store, "Swap NAS disk")
    changes.evaluate(store, ch.id, True, how="email")
    changes.schedule(store, ch.id, changes.clock.now() + changes.timedelta(days=2))
    changes.design(store, ch.id)
    inc = core.log_incident(store, "Printer jam")
    async with app.run_test(size=(120, 30)) as pilot:
        app.open_record(ch.id)
        await pilot.pause()
        await pilot.pause()
        path = widget_text(app, "#path")
        assert "CO.2.4" in path and "next: press B" in path
        footer = app.screen.query_one(KeyFooter)
        assert footer.keys[0].action == "build" and footer.keys[0].display == "B"
        await pilot.press("escape")
        app.open_record(inc.id)
        await pilot.pause()
        await pilot.pause()
        hint = str(app.screen.query_one("#why").render())
        assert "IN.2.2" in hint and "press k" in hint
        assert app.screen.query_one(KeyFooter).keys[0].action == "classify"


async def test_a_deployed_change_cannot_be_cancelled_and_says_so_before_any_typing(make_app, tmp_path):
    from vse_tui.core.control import changes
    from vse_tui.widgets.footer import KeyFooter

    app = make_app(tmp_path / "x.db")
    ch = changes.request(app.store, "Patch now", change_type="emergency")
    changes.deploy(app.store, ch.id)
    async with app.run_test(size=(200, 30)) as pilot:
        app.open_record(ch.id)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        footer = app.screen.query_one(KeyFooter)
        cancel = next((k for k in footer.keys if k.action == "cancel_change"), None)
        assert cancel is None or not cancel.enabled


async def test_the_palette_offers_every_screens_commands_from_the_dashboard(make_app, demo_db):
    from textual.command import CommandPalette

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Performance report", "Audit check", "Setup wizard", "Log feedback", "Change calendar",
                       "Evidence map", "Import incidents"):
            assert wanted in titles, wanted
        assert len(titles) == len(set(t.lower() for t in titles))  # each once
        helps = " ".join(c.help for c in app.get_system_commands(app.screen))
        assert "question_mark" not in helps and "key q" not in helps  # keys as a person reads them
        await pilot.press("ctrl+p", *list("performance"))
        await palette_lists(pilot, "performance")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("enter")

        def on_performance() -> bool:
            return (getattr(app.screen, "TITLE_TEXT", "").startswith("Service performance")
                    or "performance" in type(app.screen).__name__.lower())

        await until(pilot, on_performance)  # the command runs once the palette has closed
        assert on_performance()
        await pilot.press("escape", "d")
        await pilot.pause()
        await pilot.press("ctrl+p", *list("INC-0001"))
        await palette_lists(pilot, "INC-0001")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen))
        assert isinstance(app.screen, IncidentDetailScreen) and app.screen.ref == "INC-0001"  # the exact id first


async def test_the_incident_shows_both_targets_met_or_late_by_how_much(make_app, tmp_path, monkeypatch):
    from datetime import timedelta

    from vse_tui.core.kernel import clock

    app = make_app(tmp_path / "x.db")
    store = app.store
    start = clock.now()
    inc = core.log_incident(store, "Mail server down", impact="high", urgency="high")  # P1: 15m / 4h by default
    monkeypatch.setenv("VSE_TUI_NOW", (start + timedelta(minutes=10)).isoformat())
    core.notify(store, inc.id, task="IN.2.3", to="Dana")
    monkeypatch.setenv("VSE_TUI_NOW", (start + timedelta(hours=6)).isoformat())
    core.restore(store, inc.id, solution="Replaced the disk")
    async with app.run_test(size=(160, 40)) as pilot:
        app.open_record(inc.id)
        await pilot.pause()
        head = str(app.screen.query_one("#head").render())
        assert "respond within 15m: met" in head and "resolve within 4h: late by 2h" in head
        assert "left" not in head  # restored: a verdict, not a countdown


async def test_keys_typed_at_full_speed_all_land_in_their_fields(make_app, tmp_path):
    """Keys arrive in bursts (over SSH, from a fast typist): none lost, none in the wrong field."""
    from textual.widgets import TextArea

    from vse_tui.screens.governance.wizard import WizardScreen

    app = make_app(tmp_path / "x.db")
    summary = "Router reboots every night at 2am"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *list(summary), "tab", "tab", "tab", "tab", "tab", "tab", "right", "tab", "right",
                          "right")
        await pilot.pause()
        assert app.screen.query_one("#summary").value == summary
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = app.store.records("incidents")[0]
        assert inc.summary == summary and (inc.impact, inc.urgency) == ("low", "high")  # radio moves kept
        app.push_screen(WizardScreen())
        await pilot.pause()
        await pilot.pause()
        goals, objectives = "Keep every office online, fix fast", "Restore 95% within target"
        keys = ["tab", *[k if k != " " else "space" for k in goals], "tab",
                *[k if k != " " else "space" for k in objectives]]
        await burst(pilot, *keys)  # all at once, as a terminal delivers them
        assert app.screen.query_one("#f-goals", TextArea).text == goals
        assert app.screen.query_one("#f-objectives", TextArea).text == objectives


async def test_a_burst_of_keys_lands_each_in_its_field(make_app, tmp_path):
    """As a terminal delivers keys from a fast typist or over SSH: all at once, before the first is
    handled. Text after a Tab goes to the next field; letters typed into a list narrow it."""
    from vse_tui.core.model.records import Customer, Service

    from .conftest import burst

    app = make_app(tmp_path / "x.db")
    store = app.store
    for name in ("Acme Bakery", "Bolt Logistics", "Riverside Library"):
        store.add(Customer(name=name))
    store.add(Service(name="Network and Wi-Fi", status="approved"))
    store.add(Service(name="E-mail", status="approved"))
    sam, _ = add_person(store, "Sam Ortiz", roles="IM,PT:incident")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await burst(pilot, *"VPN drops", "tab", "tab", "tab", *"riv", "enter", "tab", *"netw", "enter", "tab", *"sam", "enter",
                    "tab", "left", "ctrl+s")
        inc = store.records("incidents")[0]
        assert inc.summary == "VPN drops"
        assert store.get("customers", inc.customer).name == "Riverside Library"
        assert store.get("services", inc.service).name == "Network and Wi-Fi"
        assert inc.assignee == sam.uuid and inc.impact == "high"


async def test_a_picker_narrows_as_you_type_even_at_full_speed(make_app, tmp_path):
    from vse_tui.core.model.records import Customer, Service

    app = make_app(tmp_path / "x.db")
    store = app.store
    for name in ("Acme Bakery", "Bolt Logistics", "Riverside Library"):
        store.add(Customer(name=name))
    store.add(Service(name="Network and Wi-Fi", status="approved"))
    sam, _ = add_person(store, "Sam Ortiz", roles="IM,PT:incident")
    async with app.run_test(size=SIZE) as pilot:
        # one burst: the summary, then "riv" + Enter in the customer's list, "net" in the service's, "sa" for who
        await pilot.press("n", *list("Printer jam"), "tab", "tab", "tab", "r", "i", "v", "enter", "tab", "n", "e", "t",
                          "enter",
                          "tab", "s", "a", "enter", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        inc = store.records("incidents")[0]
        assert inc.summary == "Printer jam"
        assert store.get("customers", inc.customer).name == "Riverside Library"
        assert store.get("services", inc.service).name == "Network and Wi-Fi"
        assert inc.assignee == sam.uuid


async def test_a_long_form_at_80x24_keeps_save_in_view_and_shows_the_error_beside_its_field(make_app, tmp_path):
    from textual.widgets import Button, OptionList

    from vse_tui.core.model.records import Customer

    app = make_app(tmp_path / "x.db")
    app.store.add(Customer(name="Riverside Library"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        kinds = app.screen.query_one("#kinds", OptionList)
        kinds.focus()
        kinds.highlighted = next(i for i in range(kinds.option_count) if kinds.get_option_at_index(i).id == "customer_agreements")
        await pilot.pause()
        await pilot.pause()
        footer = " ".join(k.description for k in app.screen.query_one("KeyFooter").keys)
        assert "Add customer agreement" in footer  # the key bar names what a adds to
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen) and len(form.fields) > 12
        names = [f.name for f in form.fields]
        required = [f.name for f in form.fields if f.required]
        assert names[:len(required)] == required  # what must be filled comes first
        save = form.query_one("#save", Button)
        assert save.region.bottom <= 24  # Save on screen
        await pilot.press(*list("Support for the library"), "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        error = form.query_one("#e-customer")
        assert "Customer: required" in str(error.render()) and error.display
        assert form.focused is form.query_one("#f-customer") and error.region.bottom <= 24  # there, in view
        await pilot.press("r", "i", "v", "enter")  # typed straight into the focused picker
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        agreement = app.store.records("customer_agreements")[0]
        assert agreement.title == "Support for the library"
        assert app.store.get("customers", agreement.customer).name == "Riverside Library"


async def test_columns_use_the_room_there_is_at_80_120_and_200_columns(make_app, tmp_path):
    long = "Booking system slow every morning since the update of the reservation module"
    path = tmp_path / "x.db"
    core.log_incident(make_app(path).store, long)
    for width, whole, cut_to in ((200, True, None), (120, False, 20), (80, False, 14)):
        app = make_app(path)
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.press("i")
            await pilot.pause()
            await pilot.pause()
            table = app.screen.query_one("#list", RowList)
            lines = [table.render_line(y).text for y in range(2)]
            assert all(len(line) <= table.size.width for line in lines)
            shown = lines[1]
            assert (long in shown) == whole, (width, shown)
            if cut_to:
                assert long[:cut_to] in shown  # cut only as much as the room asks
            assert "left" in lines[0]  # the time left is never pushed off the screen
            if width == 80:
                assert "service" not in lines[0] and "opened" not in lines[0]  # left out before the summary is cut
            else:
                assert "service" in lines[0]


async def test_bugs_found_on_the_way_wizard_and_dashboard(make_app, tmp_path):
    from vse_tui.core.governance import setup
    from vse_tui.core.governance.approvals import new
    from vse_tui.core.kernel.errors import InputError
    from vse_tui.screens.dashboard import DashboardScreen
    from vse_tui.screens.governance.wizard import WizardScreen

    from .conftest import type_into

    app = make_app(tmp_path / "new.db", open_wizard=True)
    store = app.store
    sam, _ = add_person(store, "Sam Ortiz", roles="MGT,IM")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        await type_into(pilot, "#f-shop_name", "Harbour Lane IT")
        await type_into(pilot, "#f-goals", "Keep small offices running")
        app.screen.query_one("#f-approved_by", Picker).value = sam.uuid
        await pilot.press("ctrl+s")  # Sam's approval, typed at Kim's keyboard with nothing to show it: refused
        await pilot.pause()
        assert app.screen.step.key == "goals" and "on their behalf" in widget_text(app, "#step-error")
        next(b for b in app.screen.query("#f-how RadioButton") if b.name == "email").value = True
        mail = tmp_path / "sam.eml"
        mail.write_text("From: Sam Ortiz <sam@shop.example>\nSubject: Re: our goals\n\nApproved as written.\n")
        await type_into(pilot, "#f-evidence", str(mail))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.step.key == "scope", widget_text(app, "#step-error")
        assert app.screen.query_one("#f-approved_by", Picker).value == sam.uuid  # the approver is kept
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "Harbour Lane IT" in widget_text(app, "#topbar")  # not "(shop not named yet)"
    goals = store.latest("business_goals").approvals[0]
    assert (goals.by, goals.how, goals.recorded_by) == ("Sam Ortiz", "email", store.actor.person)
    assert store.get("attachments", goals.evidence).name == "sam.eml"
    # resources: a due date with no training, and a date typed where the training goes, are refused
    assignment = store.records("role_assignments")[0]
    for values, words in (({f"need_{assignment.uuid}": "", f"due_{assignment.uuid}": "2026-12-31"}, "needs the training"),
                          ({f"need_{assignment.uuid}": "31/12/2026"}, "looks like a date")):
        try:
            setup.save(store, "resources", values, new(store, sam.uuid, "signature"))
        except InputError as exc:
            assert words in str(exc)
        else:
            raise AssertionError(values)
    assert store.count("training") == 0


async def test_bugs_found_on_the_way_change_incident_and_feedback(make_app, tmp_path, capsys):
    from vse_tui.core.control import changes
    from vse_tui.core.relationship.process import log_feedback
    from vse_tui.screens.common.forms import ConfirmScreen

    app = make_app(tmp_path / "x.db")
    store = app.store
    sam, _ = add_person(store, "Sam Ortiz", roles="CM,IM,PT:incident")
    ch = changes.request(store, "Swap NAS disk")
    mail = tmp_path / "sam.eml"
    mail.write_text("From: Sam Ortiz <sam@shop.example>\nSubject: Re: Swap NAS disk\n\nApproved.\n")
    # Kim at the keyboard, Sam approved by e-mail: recorded on his behalf, his message attached
    changes.evaluate(store, ch.id, True, how="email", who=sam.uuid, evidence=str(mail))
    inc = core.log_incident(store, "Mail server down", impact="high", urgency="high")
    entry = log_feedback(store, "Invoices arrive late")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(ch.id)
        await pilot.pause()
        await pilot.pause()
        path = widget_text(app, "#path")
        assert "approved by Sam Ortiz" in path and "Kim Lee" not in path.split("CO.2.2")[0]
        await pilot.press("escape")
        app.open_record(inc.id)
        await pilot.pause()
        await pilot.pause()
        await pilot.press("x")  # close a P1 never classified nor notified
        await pilot.pause()
        info = widget_text(app, "#form-info")
        assert "never classified nor the affected party notified" in info
        await pilot.press("escape")
        await pilot.pause()
        if isinstance(app.screen, ConfirmScreen):
            await pilot.press("y")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        app.open_record(entry.id)
        await pilot.pause()
        await pilot.pause()
        assert "next: acknowledged" in widget_text(app, "#steps") and "press s" in widget_text(app, "#steps")
        assert app.screen.query_one("KeyFooter").keys[0].action == "step"
    # the refusal names the command (and the screen's action), not a wrong key
    assert main(["--db", str(tmp_path / "x.db"), "change", "add", "Another disk", "--template", ch.id]) == 1
    err = capsys.readouterr().err
    assert "missing:" in err and "(t on" not in err


async def test_a_radio_set_opens_with_its_cursor_on_the_chosen_value(make_app, tmp_path):
    from vse_tui.screens.common.forms import Field
    from vse_tui.widgets.choice import Choice

    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        options = [("low", "low"), ("medium", "medium"), ("high", "high")]
        app.push_screen(FormScreen([Field("level", "Level", "radio", "high", options)], lambda v: v, "Pick"))
        await pilot.pause()
        await pilot.pause()
        choice = app.screen.query_one(Choice)
        assert choice.pressed_index == 2 and choice._selected == 2  # one place, not two that look chosen


async def test_the_dashboard_counts_breaches_again_only_after_a_write(make_app, tmp_path, monkeypatch):
    from vse_tui.core.incidents import lists as incident_lists

    calls = []
    real = incident_lists.weekly_breaches
    monkeypatch.setattr(incident_lists, "weekly_breaches", lambda *a, **k: calls.append(1) or real(*a, **k))
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.reload()
        screen.reload()
        await pilot.pause()
        assert len(calls) == 1  # refreshes without a write reuse the count
        core.log_incident(app.store, "Printer jam")
        screen.reload()
        await pilot.pause()
        assert len(calls) == 2


async def test_enter_in_a_form_goes_to_the_next_line_and_saves_from_the_last(make_app, tmp_path):
    from vse_tui.screens.common.forms import Field

    app = make_app(tmp_path / "x.db")
    got: list = []
    async with app.run_test(size=SIZE) as pilot:
        form = FormScreen([Field("first", "First"), Field("second", "Second")], lambda v: v, "Two lines")
        app.push_screen(form, got.append)
        await pilot.pause()
        await burst(pilot, *"one", "enter", *"two")  # as fast as a terminal sends them
        assert app.screen is form and not got  # the next line, nothing saved yet
        assert app.focused is form.query_one("#f-second")
        await pilot.press("enter")
        await pilot.pause()
        assert got == [{"first": "one", "second": "two"}]
        assert app.screen is not form


async def test_closing_an_incident_classified_without_items_counts_it_classified(make_app, tmp_path):
    """An incident classified without naming a configuration item (none was involved) is
    classified: the close dialog neither calls it never classified nor asks for an item."""
    app = make_app(tmp_path / "x.db")
    inc = core.log_incident(app.store, "Printer offline", impact="medium", urgency="medium")
    core.classify(app.store, inc.uuid, category="hardware")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await pilot.pause()
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        info = widget_text(app, "#form-info")
        assert "never classified" not in info and "IN.2.2" not in info and "configuration item" not in info, info
        assert "was never the affected party notified nor restored with a solution" in info, info
