"""A technician in Brazilian Portuguese on an 80x24 terminal: every key of the bar says what it does,
a form's list of people and its choices are seen whole, the Governance table is not cut, a coloured
status does not run into the next column, and telling a caller reached by phone defaults to phone."""

from __future__ import annotations

import pytest

from vse_tui import i18n

from .conftest import until

SMALL = (80, 24)


@pytest.fixture
def portuguese():
    i18n.set_language("pt_BR")
    yield
    i18n.set_language("en")


def _bar_problems(app) -> list[str]:
    from vse_tui.widgets.footer import KeyFooter

    footer = app.screen.query_one(KeyFooter)
    text = footer.render().plain
    problems = [f"{key.display} drawn without its words" for key, worded in footer.drawn if not worded]
    if not any(key.action == "keys" for key, _worded in footer.drawn):
        problems.append("? is not on the bar")
    problems += [f"row wider than the screen: {row!r}" for row in text.splitlines() if len(row) > SMALL[0]]
    own = {key.key for key in footer.keys if key.own and key.enabled}
    drawn = {key.key for key, _worded in footer.drawn}
    problems += [f"{key} offered but not on the bar" for key in sorted(own - drawn)]
    return [f"{type(app.screen).__name__}: {p}\n{text}" for p in problems]


async def test_every_key_on_the_bar_says_what_it_does_at_80x24(portuguese, make_app, demo_db):
    from vse_tui.screens.incidents.detail import IncidentDetailScreen
    from vse_tui.widgets.footer import KeyFooter

    app = make_app(demo_db)
    problems: list[str] = []
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: bool(app.screen.query(KeyFooter)) and bool(app.screen.query_one(KeyFooter).keys))
        problems += _bar_problems(app)
        for key, name in (("i", "IncidentsScreen"), ("g", "GovernanceScreen"), ("c", "ControlScreen"),
                          ("r", "RelationshipScreen")):
            await pilot.press(key)
            await until(pilot, lambda name=name: type(app.screen).__name__ == name
                        and bool(app.screen.query_one(KeyFooter).keys))
            await pilot.pause()
            problems += _bar_problems(app)
        open_one = next(iter(app.store.records("incidents", {"state": "in progress"})))
        app.open_record(open_one.id)
        await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.incident
                    and bool(app.screen.query_one(KeyFooter).keys))
        await pilot.pause()
        problems += _bar_problems(app)
        rows = app.screen.query_one(KeyFooter).render().plain.splitlines()
        assert 1 < len(rows) <= 3, rows  # the incident's dozen keys take the rows they need, no more
    assert not problems, "\n".join(problems)


def _inside(inner, outer) -> bool:
    return inner.x >= outer.x and inner.y >= outer.y and inner.right <= outer.right and inner.bottom <= outer.bottom


async def _closing_own_work(pilot, app):
    """The close form of an incident the person at the keyboard restored: it asks who checked the fix."""
    from vse_tui.core.incidents import process as core
    from vse_tui.screens.common.forms import FormScreen
    from vse_tui.screens.incidents.detail import IncidentDetailScreen

    inc = next(iter(app.store.records("incidents", {"state": "in progress"})))
    core.restore(app.store, inc.id, solution="Swapped the docking station")
    app.open_record(inc.id)
    await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.incident)
    await pilot.press("x")
    await until(pilot, lambda: isinstance(app.screen, FormScreen)
                and app.screen.query_one("#form-fields").styles.max_height is not None)
    await pilot.pause()
    return app.screen


async def test_the_close_form_shows_who_may_have_checked_the_fix_whole_at_80x24(portuguese, make_app, demo_db):
    from textual.containers import VerticalScroll

    from vse_tui.widgets.picker import Picker

    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        form = await _closing_own_work(pilot, app)
        picker = form.query_one("#f-checked_by", Picker)
        fields = form.query_one("#form-fields", VerticalScroll)
        assert fields.region.height >= 10, fields.region  # the notes leave the fields room
        picker.focus()
        await pilot.press("down")  # opens the list
        await until(pilot, lambda: picker.expanded)
        # the open list is scrolled into view after the next refresh: on a busy machine, a few pauses on
        await until(pilot, lambda: _inside(picker.region, fields.region), timeout=30)
        assert _inside(picker.region, fields.region), (picker.region, fields.region)  # seen whole, not cut
        every = [label for value, label in picker.matches if value is not None]
        text = picker.render().plain
        listed = [label for label in every if label in text]
        assert len(listed) >= 5, text  # more than the four the technician saw
        if len(listed) < len(every):  # the rest said, and reached with the arrows
            assert f"{len(every) + 1} resultados" in text, text
        for _ in range(len(picker.matches)):
            await pilot.press("down")
        await until(pilot, lambda: _inside(picker.region, fields.region), timeout=30)
        assert every[-1] in picker.render().plain
        assert _inside(picker.region, fields.region)


async def test_a_forms_choices_stand_in_columns_in_view_at_80x24(make_app, demo_db):
    """In French the ways a closure was confirmed are too long for one line: they stand in columns,
    each in view, instead of one under the other out of sight."""
    from vse_tui.widgets.choice import Choice, Mark

    i18n.set_language("fr")
    try:
        app = make_app(demo_db)
        async with app.run_test(size=SMALL) as pilot:
            form = await _closing_own_work(pilot, app)
            choice = form.query_one("#f-how", Choice)
            fields = form.query_one("#form-fields")
            await pilot.pause()
            marks = list(choice.query(Mark))
            assert len(marks) >= 4
            assert choice.region.height < len(marks), choice.region  # not one under the other
            for mark in marks:
                assert _inside(mark.region, fields.region), (str(mark.label), mark.region, fields.region)
    finally:
        i18n.set_language("en")


async def test_the_governance_table_is_not_cut_at_80x24(portuguese, make_app, demo_db):
    from vse_tui.widgets.rowlist import RowList

    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("g")
        await until(pilot, lambda: type(app.screen).__name__ == "GovernanceScreen")
        table = app.screen.query_one("#records", RowList)
        await until(pilot, lambda: table.row_count > 0)
        await pilot.pause()
        width = table.size.width
        widths = table._widths(width)
        header = table._line_text(tuple(i18n._(label) for label, _w in table.columns)).plain
        assert len(header.rstrip()) <= width, (header, width)  # nothing runs past the edge
        shown = [i18n._(label) for (label, _w), w in zip(table.columns, widths) if w]
        for label in shown:
            assert f" {label} " in f"{header} ", (label, header)  # each heading whole
        assert {"id", "título", "status"} <= set(shown), shown
        assert "aprovado" in table._line_text(table.get_row_at(0)).plain


async def test_a_coloured_status_does_not_run_into_the_next_column_in_a_screenshot(make_app, demo_db):
    """The change list drew "approved" (green) as a run of text of its own and "  scheduled" as the
    next: a screenshot (an SVG snapshot) opened in librsvg showed "approvedscheduled", the spaces a
    run starts with dropped. The SVG keeps its spaces as drawn."""
    import re

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await until(pilot, lambda: type(app.screen).__name__ == "ControlScreen")
        await pilot.pause()
        svg = app.export_screenshot()
    root = re.search(r"<svg[^>]*>", svg)
    assert root and 'xml:space="preserve"' in root.group(0), root
    runs = re.findall(r">((?:&#160;)+)scheduled", svg)
    assert runs, "the state column's run starts with its spaces"  # which a viewer now keeps


async def test_telling_a_caller_with_only_a_phone_number_defaults_to_the_phone(make_app, tmp_path):
    from vse_tui.core.governance.roles import add_person
    from vse_tui.core.incidents import process as core
    from vse_tui.screens.common.forms import FormScreen
    from vse_tui.screens.incidents.detail import IncidentDetailScreen
    from vse_tui.widgets.choice import Choice

    app = make_app(tmp_path / "shop.db")
    add_person(app.store, "Dana Wells", affiliation="customer", phone="+55 11 5555-0100")
    by_phone = core.log_incident(app.store, "Printer jammed", reporter="Dana Wells")  # her record has a phone only
    by_mail = core.log_incident(app.store, "No mail", reporter="Rui Costa", reporter_contact="rui@acme.example")
    async with app.run_test(size=(120, 40)) as pilot:
        for inc, expected in ((by_phone, "phone"), (by_mail, "email")):
            app.open_record(inc.id)
            await until(pilot, lambda inc=inc: isinstance(app.screen, IncidentDetailScreen) and app.screen.incident
                        and app.screen.incident.id == inc.id)
            await pilot.press(app.screen.key_for("notify_party"))
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            await pilot.pause()
            pressed = app.screen.query_one("#f-how", Choice).pressed_button
            assert pressed is not None and pressed.name == expected, (inc.id, pressed)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen))
            await pilot.press("escape")
