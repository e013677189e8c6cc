"""Every screen opens on the demo data, its keys work, and nothing is a dead end."""

from textual.widgets import DataTable, OptionList

from vse_tui.screens.common.help import KeysScreen
from vse_tui.screens.common.record import RecordScreen
from vse_tui.screens.incidents.list import IncidentsScreen
from vse_tui.widgets.paged_table import PagedTable
from vse_tui.widgets.rowlist import RowList

from .conftest import SIZE, told, type_into, until


async def test_screen_keys_switch_and_title_names_the_screen(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        for key, title in (("g", "Governance"), ("c", "Control"), ("r", "Relationship"), ("i", "Incidents"), ("d", "Dashboard")):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.TITLE_TEXT == title
            assert title in str(app.screen.query_one("#topbar").render())


async def test_dashboard_enter_opens_the_incident(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#open-incidents", RowList)
        assert table.row_count == app.store.count("incidents", {"status__ne": "closed"}) > 0
        first = table.cursor_key
        assert first == table.get_row_at(0)[1]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.ref == first


async def test_dashboard_panels_move_and_open_with_the_keyboard_and_mouse(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        incidents = app.screen.query_one("#open-incidents", RowList)
        await pilot.press("down", "down")
        assert incidents.cursor_row == 2
        await pilot.press("tab")
        changes = app.screen.query_one("#changes", RowList)
        assert app.screen.focused is changes
        await pilot.press("end")
        await pilot.pause()
        assert changes.cursor_row == changes.row_count - 1 and changes.scroll_y > 0  # scrolled to show it
        last = changes.cursor_key
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.ref == last
        await pilot.press("escape", "shift+tab")
        await pilot.pause()
        assert app.screen.focused is incidents and incidents.cursor_row == 2  # kept across the visit
        second = incidents.get_row_at(1)[1]
        await pilot.click(RowList, offset=(5, 3))  # the header is line 1 inside the border
        await pilot.pause()
        assert app.screen.ref == second


async def test_incident_list_pages_from_sqlite(make_app, demo_db, monkeypatch):
    from vse_tui.screens.common import base

    # the screen's own refresh every few seconds counts again; not during this test, however slow
    monkeypatch.setattr(base, "REFRESH_SECONDS", 3600)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "f")  # status filter: open -> all
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentsScreen)
        table = screen.query_one("#list", PagedTable)
        assert screen.total_rows == app.store.count("incidents") > 200 and table.row_count == 100
        counted = []
        count = app.store.count_incidents
        app.store.count_incidents = lambda q=None: counted.append(q) or count(q)
        first = [table.get_row_at(i)[1] for i in range(100)]
        await pilot.press("end", "down")
        await pilot.pause()
        assert screen.page_offset == 100 and table.row_count == 100 and table.cursor_row == 0
        second = [table.get_row_at(i)[1] for i in range(100)]
        assert not set(first) & set(second)  # the next hundred, by priority then age
        await pilot.press("up")
        await pilot.pause()
        assert screen.page_offset == 0 and table.cursor_row == 99
        assert counted == []  # paging keeps the list's count: it does not grow with the database
        await pilot.press("p")  # priority P1
        await pilot.pause()
        assert len(counted) == 1  # another filter: counted again
        assert all(str(table.get_row_at(i)[2]) == "P1" for i in range(table.row_count))
        await pilot.press("x", "slash", *list("printer"), "enter")
        await pilot.pause()
        assert table.row_count > 0
        assert all("printer" in str(table.get_row_at(i)[4]).lower() for i in range(table.row_count))


async def test_process_screens_list_work_products_and_open_records(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        records = app.screen.query_one("#records", RowList)
        assert records.row_count == app.store.count("change_requests") > 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert app.screen.query_one("#history", DataTable).row_count >= 1
        await pilot.press("escape", "r")
        await pilot.pause()
        kinds = app.screen.query_one("#kinds", OptionList)
        kinds.focus()
        kinds.highlighted = 1  # customer agreements
        await pilot.pause()
        assert app.screen.query_one("#records", RowList).row_count == 4


async def test_keys_help_lists_every_binding_of_the_screen(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysScreen)
        text = str(app.screen.query_one("Static").render())
        for words in ("Status filter", "Priority filter", "Sort", "New incident", "Quit", "Governance"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentsScreen)


async def test_keys_can_be_remapped_by_binding_id(make_app, tmp_path):
    from vse_tui.app import VseApp
    from vse_tui.config import Config
    from vse_tui.screens.incidents.capture import QuickCapture

    app = make_app(tmp_path / "x.db")
    app.config = Config(operator="Kim", keys={"new_incident": "a"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture)
    assert VseApp


async def test_empty_database_says_what_to_do(make_app, tmp_path):
    app = make_app(tmp_path / "empty.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Press n" in str(app.screen.query_one("#incidents-empty").render())
        await pilot.press("i")
        await pilot.pause()
        assert "Press n to log the first one" in str(app.screen.query_one("#empty").render())


async def test_training_due_is_reachable_from_the_incidents_screen(make_app, demo_db):
    from vse_tui.screens.governance.training import TrainingDueScreen

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "t")
        await pilot.pause()
        assert isinstance(app.screen, TrainingDueScreen)
        options = app.screen.query_one("#training", OptionList)
        assert options.option_count >= 2
        lines = {o.id: str(o.prompt) for o in options.options}
        assert lines["TRN-0002"].endswith("1d overdue lapsed")  # Kim's lapsed competence, not "met"
        assert lines["TRN-0001"].endswith(" met")
        await pilot.press("escape", "g")  # the governance screen's list of training records says it too
        await pilot.pause()
        kinds = app.screen.query_one("#kinds", OptionList)
        kinds.highlighted = next(n for n, o in enumerate(kinds.options) if o.id == "training")
        await pilot.pause()
        rows = dict(app.screen.query_one("#records", RowList)._rows)
        assert [str(c) for c in rows["TRN-0002"]][3] == "lapsed" and [str(c) for c in rows["TRN-0001"]][3] == "met"
        await pilot.press("i", "t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen) and app.screen.kind == "training"


async def test_training_is_recorded_met_and_renewed_with_a_key(make_app, tmp_path):
    from vse_tui.core.governance import process as gov
    from vse_tui.screens.common.forms import FormScreen
    from vse_tui.screens.governance.training import TrainingDueScreen

    app = make_app(tmp_path / "t.db")
    store = app.store
    gov.save_roles(store, [(store.actor.person, "Kim Lee", "", "SM,CM,RM,MGT,PT:incident")], gov.approval(store, None))
    needs = [(a.uuid, "Service management foundation", "") for a in store.records("role_assignments")]
    gov.save_resources(store, needs, "Foundation course for everyone", gov.approval(store, None))
    first = store.records("training")[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "t")
        await pilot.pause()
        assert isinstance(app.screen, TrainingDueScreen)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await type_into(pilot, "#f-due_on", "2027-11-20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        met = store.get("training", first.id)
        assert (met.state, str(met.due_on)) == ("met", "2027-11-20")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_into(pilot, "#f-due_on", "2028-11-20")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert str(store.get("training", first.id).due_on) == "2028-11-20"
    assert [h["task"] for h in store.history(first.uuid) if h["field"] == "due_on"] == ["IN.1.1", "IN.1.2"]


async def test_evidence_map_lists_all_tasks_and_opens_the_evidence(make_app, demo_db):
    from vse_tui.screens.evidence.map import EvidenceScreen
    from vse_tui.screens.evidence.why import AuditFindingsScreen, TaskWhyScreen

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await app.workers.wait_for_complete()  # the map is read apart from the screen
        await pilot.pause()
        table = app.screen.query_one("#evidence", DataTable)
        keys = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert len([k for k in keys if not k.startswith("#")]) == 40
        assert "39 of 40" in str(app.screen.query_one("#evidence-summary").render())
        table.move_cursor(row=keys.index("GO.2.2"))
        await pilot.press("enter")  # why GO.2.2 is done: each rule, with the records it is about
        await pilot.pause()
        assert isinstance(app.screen, TaskWhyScreen)
        head = str(app.screen.query_one("#why-head").render())
        assert "GO.2.2" in head and "done" in head
        lines = app.screen.query_one("#why-lines", OptionList)
        texts = [str(lines.get_option_at_index(i).prompt) for i in range(lines.option_count)]
        assert any(t.startswith("✓") and "POL-" in t for t in texts), texts
        lines.highlighted = next(i for i, t in enumerate(texts) if "POL-" in t)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen) and app.screen.kind == "policies"
        await pilot.press("escape", "escape")
        await pilot.pause()
        table.move_cursor(row=keys.index("GO.2.2"))
        await pilot.press("o")  # straight to the evidence
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen) and app.screen.kind == "policies"
        await pilot.press("escape", "a")  # the audit check: the demo's planted findings
        await pilot.pause()
        assert isinstance(app.screen, AuditFindingsScreen)
        await app.workers.wait_for_complete()  # the check runs apart from the screen
        await pilot.pause()
        assert "7 findings" in str(app.screen.query_one("#why-head").render())
        await pilot.press("escape", "f")
        await pilot.pause()
        rows = [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]
        assert [k for k in rows if not k.startswith("#")] == ["IN.1.2"]  # a competence lapsed in the demo


async def test_the_audit_pack_is_written_apart_from_the_screen(make_app, demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("VSE_TUI_EXPORT_DIR", str(tmp_path / "exports"))
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("p")  # the period first: a word that is not one is refused in the form
        await pilot.pause()
        await pilot.press(*"last year", "ctrl+s")
        await pilot.pause()
        assert "is not a period" in str(app.screen.query_one("#form-error").render())
        said = told(app)
        await pilot.press(*["backspace"] * 9, *"2026-11", "enter")  # Enter in the form's one line saves
        await until(pilot, lambda: any("Writing the audit pack" in m for m in said))
        await until(pilot, lambda: any("index.html" in m for m in said))  # the worker's own word that it is done
        packs = list((tmp_path / "exports").glob("audit-pack-*/index.html"))
        assert len(packs) == 1 and (packs[0].parent / "wp" / "WP.18.md").exists()
        assert "Period of this pack: 2026-11" in (packs[0].parent / "index.md").read_text()
        assert any(str(packs[0]) in m for m in said)


def test_dashboard_and_list_open_without_the_validation_library(demo_db):
    """The first screen and the incident list read plain rows; pydantic and the models load when
    a record is opened (this is what keeps the start quick; see benchmarks/)."""
    import os
    import subprocess
    import sys

    code = f"""
import sys
import vse_tui.app
from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import open_store
vse_tui.app.WARM_UP_AFTER = 600  # the models load in a thread a second after the start: not here
from vse_tui.session import identify
store = open_store({str(demo_db)!r})
identify(store)  # VSE_TUI_OPERATOR: Kim Lee, a person of the demo shop
app = VseApp(store, Config(operator="Kim Lee"))
async def pilot(p):
    await p.pause()
    dashboard = "pydantic" in sys.modules
    await p.press("i")
    await p.pause()
    await p.press("pagedown")
    await p.pause()
    listed = "pydantic" in sys.modules
    await p.press("enter")
    await p.pause()
    print(dashboard, listed, "pydantic" in sys.modules, type(p.app.screen).__name__)
    p.app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=pilot)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "VSE_TUI_OPERATOR": "Kim Lee"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-4:] == ["False", "False", "True", "IncidentDetailScreen"]


async def test_key_bar_shows_the_screen_keys_dims_unavailable_ones_and_clicks(make_app, demo_db):
    from vse_tui.widgets.footer import KeyFooter

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.screen.query_one(KeyFooter).render()
        assert "/ Find" in text.plain and " g Governance " in text.plain
        rows = text.plain.splitlines()
        assert rows[0].rstrip().endswith("^p Palette")  # at the end of the first row
        row = next(n for n, line in enumerate(rows) if " g Governance" in line)
        await pilot.click(KeyFooter, offset=(rows[row].index(" g Governance") + 1, row))
        await pilot.pause()
        assert app.screen.TITLE_TEXT == "Governance"
        assert " w " in app.screen.query_one(KeyFooter).render().plain  # the Governance keys now

        closed = app.store.records("incidents", {"status": "closed"}, limit=1)[0]
        app.open_record(closed.id)
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert " o Reopen " in footer.render().plain  # short of room, what cannot be done goes first
        assert not footer.keys[[k.key for k in footer.keys].index("x")].enabled
        await pilot.resize_terminal(400, 40)
        await pilot.pause()
        bar = footer.render()
        start = bar.plain.index(" x Close")  # with room, shown dimmed
        assert all(span.style.dim for span in bar.spans if span.start <= start + 1 < span.end)
        reopen = bar.plain.index(" o Reopen")
        assert not any(span.style.dim for span in bar.spans if span.start <= reopen + 1 < span.end)


async def test_a_theme_change_reaches_screens_opened_before_and_after_it(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")  # opened while dark
        await pilot.pause()
        assert app.screen.styles.background.brightness < 0.5
        await pilot.press("d")
        app.theme = "textual-light"
        await pilot.pause()
        for key in ("g", "i", "d"):  # g: first opened now; i: opened before the change
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.styles.background.brightness > 0.5, key


async def test_the_configured_light_theme_is_used_from_the_first_screen(demo_db):
    from vse_tui.app import VseApp
    from vse_tui.config import Config
    from vse_tui.store import Actor, open_store

    app = VseApp(open_store(demo_db, Actor(operator="Kim")), Config(operator="Kim", theme="light"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert app.screen.styles.background.brightness > 0.5


def test_the_record_models_load_in_a_thread_after_the_start(demo_db):
    import os
    import subprocess
    import sys

    code = f"""
import asyncio, sys
import vse_tui.app
from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import open_store
vse_tui.app.WARM_UP_AFTER = 1.0
from vse_tui.session import identify
store = open_store({str(demo_db)!r})
identify(store)  # VSE_TUI_OPERATOR: Kim Lee, a person of the demo shop
app = VseApp(store, Config(operator="Kim Lee"))
seen = []
warm_up = VseApp._warm_up
def spy(self):  # what was loaded when the warm-up began, however late a busy machine runs the pilot
    seen.append("vse_tui.core.model.records.control" in sys.modules)
    warm_up(self)
VseApp._warm_up = spy
async def pilot(p):
    await p.pause()
    for _ in range(6000):  # the warm-up's own signal, however busy the machine (at most five minutes)
        if p.app.warm:
            break
        await asyncio.sleep(0.05)
    await p.app.workers.wait_for_complete()
    print(seen[0], "vse_tui.core.model.records.control" in sys.modules)
    p.app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=pilot)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "VSE_TUI_OPERATOR": "Kim Lee"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["False", "True"]


async def test_a_refused_answer_can_be_awaited_like_any_dismissal(make_app, tmp_path):
    """A modal answers once; a second answer, or one while another screen is on top of it, is
    refused. Textual awaits a dismissal when it pops screens, so a refused one must be awaitable
    too (it was None: awaiting it raised TypeError)."""
    from vse_tui.screens.common.forms import ConfirmScreen

    app = make_app(tmp_path / "x.db")
    answers = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        below, above = ConfirmScreen("First?"), ConfirmScreen("Second?")
        app.push_screen(below, answers.append)
        await pilot.pause()
        app.push_screen(above, answers.append)
        await pilot.pause()
        await below.dismiss(True)  # not the screen on top: refused
        assert app.screen is above and answers == []
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is below and answers == [True]
        await pilot.press("escape")  # no (n is "new incident", never an answer)
        await pilot.pause()
        await below.dismiss(True)  # answered already: refused
        assert answers == [True, False]


async def test_the_evidence_map_takes_a_highlight_of_no_row(make_app, tmp_path):
    """A table refilled under its cursor announces a highlighted row that is none (row -1, no
    key): the map shows no task's detail instead of stopping the app (the keyboard fuzz met it)."""
    from vse_tui.screens.evidence.map import EvidenceScreen

    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#evidence", DataTable)
        table.post_message(DataTable.RowHighlighted(table, -1, None))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, EvidenceScreen)
        assert str(app.screen.query_one("#evidence-detail").render()).strip() == ""


async def test_the_evidence_maps_detail_at_80x24_takes_the_room_its_text_needs(make_app, tmp_path):
    """On a heading row the detail is one useful line (the count, the tasks not done), not four
    empty rows; on a task it grows to its lines, which are never cut."""
    from vse_tui.screens.evidence.map import EvidenceScreen

    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#evidence", DataTable)
        detail = app.screen.query_one("#evidence-detail")
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "#GO"


        def rows() -> int:  # the screen rows its text takes at this width
            return sum(-(-len(line) // detail.size.width) for line in str(detail.render()).splitlines())

        assert str(detail.render()).startswith("GO: 0 of 10 tasks done · not done: GO.1.1, GO.1.2, ")
        assert detail.size.height == rows() == 2  # the ten tasks wrap onto a second line
        await pilot.press("down")  # the activity GO.1: one line
        await pilot.pause()
        assert str(detail.render()) == "GO.1: 0 of 2 tasks done · not done: GO.1.1, GO.1.2"
        assert detail.size.height == 1
        await pilot.press("down")  # its first task: every line of it
        await pilot.pause()
        assert str(detail.render()).startswith("GO.1.1 not started")
        assert detail.size.height == rows() >= len(str(detail.render()).splitlines()) == 4, detail.size


async def test_a_refresh_tick_while_the_app_closes_does_nothing(make_app, tmp_path):
    """The refresh timer can fire once more while the app is closing on a busy machine, its screens
    already taken off: it has nothing to refresh and must not raise (it did: No screens on stack)."""
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        reloads = []
        screen.reload = lambda: reloads.append(1)
        screen._tick()
        assert reloads == [1]  # on top: it re-reads
        stacks = app._screen_stacks
        app._screen_stacks = {mode: [] for mode in stacks}  # as the app leaves them while closing
        try:
            screen._tick()
        finally:
            app._screen_stacks = stacks
        assert reloads == [1]


async def test_keys_help_names_a_key_as_the_key_bar_does(make_app, demo_db):
    """French closes ("clôture") an incident but "ferme" a window: the help under ? says what x does
    on an incident with the key bar's verb."""
    from vse_tui import i18n
    from vse_tui.screens.incidents.detail import IncidentDetailScreen

    app = make_app(demo_db)
    i18n.set_language("fr")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("i", "enter")
            await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen))
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, KeysScreen))
            lines = str(app.screen.query_one("Static").render()).splitlines()
            x = [line for line in lines if line.strip().startswith("x ")]
            assert x and "Clôturer" in x[0] and "Fermer" not in x[0], x
    finally:
        i18n.set_language("en")
