"""At 80x24 every screen and form can be used: whatever has the focus is on screen (a Tab never
lands on a field the person cannot see), and the Roles grid scrolls sideways to the box in focus."""

import pytest
from textual.errors import NoWidget
from textual.widgets import Checkbox

from .conftest import until

SMALL = (80, 24)


def focus_problem(app) -> str | None:
    """None when the focused widget is wholly on screen (or, larger than its view, partly);
    otherwise what is wrong."""
    screen = app.screen
    widget = screen.focused
    if widget is None:
        return None
    try:
        geometry = screen.find_widget(widget)
    except NoWidget:
        return f"{widget!r} has the focus but is not drawn"
    region, clip = geometry.region, geometry.clip.intersection(screen.region)
    seen = region.intersection(clip)
    if not seen.area:
        return f"{widget!r} has the focus but is out of view ({region} outside {clip})"
    if seen.width < min(region.width, clip.width) or seen.height < min(region.height, clip.height):
        return f"{widget!r} has the focus but is cut ({region} seen as {seen})"
    return None


class Walk:
    """Opens screens and forms, tabs through each, and keeps every place where the focus is out of view."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot
        self.problems: list[str] = []
        self.seen: list[str] = []

    async def check(self, where: str, tabs: int = 4) -> None:
        app = self.pilot.app
        await self.pilot.pause()
        self.seen.append(f"{where}: {type(app.screen).__name__}")
        for n in range(tabs + 1):
            if n:
                await self.pilot.press("tab")
                await self.pilot.pause()
            problem = focus_problem(app)
            if problem:
                self.problems.append(f"{where} (after {n} tabs): {problem}")
                return

    async def keys(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()


async def _the_map_and_governance(app, pilot, walk) -> None:
    await walk.check("dashboard")
    await walk.keys("escape", "d", "e")
    await walk.check("evidence map")
    await walk.keys("enter")
    await walk.check("why a task")
    await walk.keys("escape", "a")
    await walk.check("audit check")
    await walk.keys("escape", "escape")
    await _process_screens(app, pilot, walk, (("g", ("a",)),))


async def _control_and_relationship(app, pilot, walk) -> None:
    await _process_screens(app, pilot, walk, (("c", ("a", "m")), ("r", ("a", "f", "p"))))


async def _process_screens(app, pilot, walk, screens) -> None:
    """Each process screen, the forms its keys open, one of its records and that record's edit form."""
    from vse_tui.screens.common.record import RecordScreen

    for key, forms in screens:
        await walk.keys("d", key)
        await walk.check(f"screen {key}", tabs=3)
        for form in forms:
            await walk.keys(form)
            await walk.check(f"screen {key}, key {form}")
            await walk.keys("escape", "escape")
            await until(pilot, lambda: app.screen.TITLE_TEXT != "")
        await walk.keys("d", key, "right", "enter")
        await until(pilot, lambda: isinstance(app.screen, RecordScreen))
        await walk.check(f"screen {key}, a record")
        await walk.keys("e")
        await walk.check(f"screen {key}, a record, edit")
        await walk.keys("escape", "escape", "escape")


async def _the_incidents_capture_keys_palette_and_setup(app, pilot, walk) -> None:
    from vse_tui.screens.incidents.detail import IncidentDetailScreen as IncidentScreen

    await walk.keys("d", "i")
    await walk.check("incidents", tabs=2)
    await walk.keys("slash")
    await walk.check("incidents, search", tabs=2)
    await walk.keys("escape", "escape", "d", "i", "enter")
    await until(pilot, lambda: isinstance(app.screen, IncidentScreen))
    await walk.check("an incident", tabs=3)
    for form in ("k", "l", "e", "w", "A"):
        await walk.keys(form)
        await walk.check(f"an incident, key {form}")
        while not isinstance(app.screen, IncidentScreen):
            await walk.keys("escape")
    await walk.keys("escape", "escape", "n")
    await walk.check("quick capture")
    await walk.keys("escape", "escape", "y")
    await walk.keys("question_mark")
    await walk.check("keys")
    await walk.keys("escape", "ctrl+p")
    await walk.check("palette", tabs=2)
    await walk.keys("escape", "escape", "g", "w")
    for _step in range(9):  # each step of the setup from where it opens (the demo shop's: the last)
        await walk.check(f"wizard step {app.screen.index + 1}", tabs=10)
        if app.screen.index == 8:
            break
        step = app.screen.index + 1
        app.screen.call_later(app.screen.show_step, step)
        await until(pilot, lambda step=step: app.screen.index == step and not app.screen._loading)


# The walk in three parts, each from the dashboard of its own copy of the demo shop (built once for
# the run), so that they run side by side; with how many places each part looks at.
WALKS = {
    "map and governance": (_the_map_and_governance, 8),
    "control and relationship": (_control_and_relationship, 11),
    "incidents, capture, keys, palette, setup": (_the_incidents_capture_keys_palette_and_setup, 12),
}


@pytest.mark.parametrize("part", list(WALKS))
async def test_every_screen_and_form_keeps_the_focus_in_view_at_80x24(make_app, demo_db, part):
    walk_part, places = WALKS[part]
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        walk = Walk(pilot)
        await until(pilot, lambda: app.screen.TITLE_TEXT == "Dashboard")
        await walk_part(app, pilot, walk)
        assert not walk.problems, "\n".join(walk.problems)
        assert len(walk.seen) == places, walk.seen


async def test_tab_through_the_roles_grid_shows_every_box_at_80x24(make_app, demo_db):
    from vse_tui.screens.governance.wizard import ROLE_CODES

    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("g", "w")
        await until(pilot, lambda: getattr(app.screen, "index", None) is not None and app.screen.is_mounted)
        app.screen.call_later(app.screen.show_step, 2)
        await until(pilot, lambda: app.screen.query("#r0-name") and not app.screen._loading)
        assert app.screen.step.key == "roles"
        rows = app.screen.role_rows
        assert rows >= 3
        boxes = 0
        grid = app.screen.query_one("#roles-grid")
        app.screen.query_one("#r0-name").focus()
        for _n in range(rows * (1 + len(ROLE_CODES) + 3)):
            await pilot.press("tab")
            await pilot.pause()
            problem = focus_problem(app)
            assert problem is None, problem
            if isinstance(app.screen.focused, Checkbox):
                boxes += 1
        assert boxes >= (len(ROLE_CODES) + 3) * (rows - 1)
        assert grid.max_scroll_x > 0  # wider than the terminal: it scrolled to get there
        # the last column, relationship, reached and ticked from the keyboard
        box = app.screen.query_one(f"#r{rows - 1}-area-relationship", Checkbox)
        box.focus()
        await pilot.pause()
        assert focus_problem(app) is None and grid.scroll_x > 0
        await pilot.press("space")
        await pilot.pause()
        assert box.value and app.screen.query_one(f"#r{rows - 1}-PT", Checkbox).value


async def test_a_person_practises_in_several_areas(make_app, tmp_path):
    from vse_tui.core.governance.roles import holdings, load

    app = make_app(tmp_path / "shop.db", open_wizard=True)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: getattr(app.screen, "step", None) is not None and app.screen.query("#step-form"))
        app.screen.call_later(app.screen.show_step, 2)
        await until(pilot, lambda: app.screen.query("#r0-name"))
        for area in ("change", "incident"):
            app.screen.query_one(f"#r0-area-{area}", Checkbox).value = True
        await pilot.pause()
        assert app.screen.query_one("#r0-PT", Checkbox).value  # an area ticked: a practitioner
        assert "PT:change,PT:incident" in app.screen.role_values()[0][3]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.step.key != "roles" or str(app.screen.query_one("#step-error").render()))
        assert app.screen.step.key != "roles", str(app.screen.query_one("#step-error").render())
    people, assignments, _acks = load(app.store)
    me = next(h for h in holdings(people, assignments) if h.person.name == "Kim Lee")
    assert me.practitioner_areas == {"change", "incident"}


async def test_an_incident_s_header_and_history_read_whole_at_80x24_and_120x40(make_app, demo_db):
    from textual.widgets import DataTable

    from .conftest import widget_text

    for size in (SMALL, (120, 40)):
        app = make_app(demo_db)
        async with app.run_test(size=size) as pilot:
            await pilot.press("i", "enter")
            await until(pilot, lambda app=app: type(app.screen).__name__ == "IncidentDetailScreen" and app.screen.incident)
            await pilot.pause()
            head = widget_text(app, "#head", width=size[0] - 2)
            steps = widget_text(app, "#steps", width=size[0] - 2)
            assert "resolve" in head and "targets count" in head, head
            assert "Closed" in steps and "IN.2.5" in steps, steps
            for name in ("#head", "#steps"):
                region = app.screen.query_one(name).region
                assert app.screen.region.contains_region(region)
                assert region.height == len(widget_text(app, name, width=region.width - 2).rstrip("\n").splitlines())
            table = app.screen.query_one("#history", DataTable)
            assert table.row_count > 3
            assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)  # nothing cut
            what = table.columns[next(k for k in table.columns if k.value == "what")]
            assert what.width >= 30  # what changed, readable (and wrapped, never cut)


def test_a_target_says_what_it_counts():
    from datetime import time

    from vse_tui.core.incidents.hours import Hours, target_span, targets_words

    office = Hours(start=time(8), end=time(18))
    assert target_span(2 * 1440, office) == "2 service days (Mon-Fri 08:00-18:00)"  # each a day of 08:00-18:00
    assert target_span(30, office) == "30m of service hours (Mon-Fri 08:00-18:00)"
    assert target_span(240, None) == "4h, round the clock"
    assert targets_words(60, 480, office) == "respond 1 service hour · resolve 8 service hours (Mon-Fri 08:00-18:00)"
    assert targets_words(15, 240, Hours(always=True)) == "respond 15m · resolve 4h, round the clock"


async def test_capture_says_the_target_s_unit(make_app, demo_db):
    from vse_tui.widgets.picker import Picker

    from .conftest import widget_text

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "QuickCapture")
        office = next(u for u, t in app.store.titles("services").items() if t.startswith("Managed work"))
        app.screen.query_one("#service", Picker).value = office
        await pilot.pause()
        text = " ".join(widget_text(app, "#target").split())
        assert "service days (Mon-Fri" in text or "service hours (Mon-Fri" in text, text  # a day target: service days


async def test_the_evidence_map_and_the_performance_report_read_whole(make_app, demo_db):
    from textual.widgets import DataTable

    from .conftest import widget_text

    for size in (SMALL, (120, 40)):
        app = make_app(demo_db)
        async with app.run_test(size=size) as pilot:
            await pilot.press("e")
            table = app.screen.query_one("#evidence", DataTable)
            await until(pilot, lambda table=table: table.row_count > 40)
            await pilot.pause()
            assert table.virtual_size.width <= table.size.width, (size, table.virtual_size, table.size)
            titles = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
            assert "Define change types and how to request a change" in titles  # whole, wrapped if need be
            await pilot.press("escape", "r", "p")
            await until(pilot, lambda app=app: getattr(app.screen, "report", None) is not None)
            await pilot.pause()
            width = app.screen.query_one("#perf-table").size.width
            figures = widget_text(app, "#perf-table", width=width)
            for heading in ("opened", "response", "resolved", "breached", "mean to", "p90 to", "changes", "feedback",
                            "billable", "Bolt Logistics"):
                assert heading in figures, (size, heading, figures)
            assert "…" not in figures.split("\n", 2)[0] + figures.split("\n", 2)[1]  # no heading cut
            charts = widget_text(app, "#perf-charts", width=width)
            assert "met," in charts and "missed" in charts  # met and missed said in words beside the bars


async def test_no_label_of_the_setup_is_cut_mid_word(make_app, demo_db):
    from textual.widgets import Label

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "w")
        await until(pilot, lambda: type(app.screen).__name__ == "WizardScreen" and app.screen.query("#step-form"))
        for step in (0, 1, 3, 4, 5, 6, 7):
            app.screen.call_later(app.screen.show_step, step)
            await until(pilot, lambda step=step: app.screen.index == step and app.screen.query("#step-form .row"))
            await pilot.pause()
            for label in app.screen.query("#step-form .row > Label").results(Label):
                text = str(label.render()).strip()
                inner = label.content_region.width
                longest = max((len(word) for word in text.split()), default=0)
                assert longest <= inner, (step, text, inner)  # wrapped between words, never "Confidentialit/y"


async def test_the_incident_key_bar_shows_every_key_it_offers_at_80x24(make_app, demo_db):
    """At 80 columns an open incident offers a dozen keys: every one is drawn with its words, never
    left out (log time `l` and edit `E` were) nor drawn alone (most were): the bar takes the rows
    it needs; `?` names them all."""
    from textual.widgets import Static

    from vse_tui.i18n import _
    from vse_tui.screens.common.help import KeysScreen, key_label
    from vse_tui.screens.incidents.detail import IncidentDetailScreen
    from vse_tui.widgets.footer import KeyFooter

    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        open_one = next(iter(app.store.records("incidents", {"state": "in progress"})))
        app.open_record(open_one.id)
        await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.incident)
        footer = app.screen.query_one(KeyFooter)
        await until(pilot, lambda: bool(footer.keys))
        offered = {key.key for key in footer.keys if key.enabled and key.own}  # the app's keys may yield
        assert {"l", "E", "k", "x"} <= offered  # log time and edit can be used on an open incident
        line = footer.render().plain
        drawn = {key.key for _row, _start, _end, key in footer._spans}
        assert offered | {"question_mark"} <= drawn, f"keys offered but not on the bar: {sorted(offered - drawn)}"
        bare = [key.key for key, worded in footer.drawn if not worded]
        assert not bare, f"keys drawn without their words: {bare}\n{line}"
        assert " l Log time " in line and " E Edit " in line, line
        assert all(len(row) <= SMALL[0] for row in line.splitlines()) and len(line.splitlines()) <= 3, line

        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen))
        text = str(app.screen.query_one(Static).render())
        for binding in IncidentDetailScreen.BINDINGS:
            assert key_label(binding.key) in text and _(binding.description) in text, binding.key


async def test_help_names_keys_as_they_are_pressed(make_app, demo_db):
    """`?` on the calendar and the process screens says ← → [ ], never "left" or
    "left_square_bracket"."""
    from textual.widgets import Static

    from vse_tui.screens.common.help import KeysScreen
    from vse_tui.screens.common.process import ProcessScreen

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ProcessScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen))
        text = str(app.screen.query_one(Static).render())
        assert "←" in text and "→" in text, text
        for name in ("left", "right", "question_mark", "square_bracket", "escape"):
            assert name not in text, name
