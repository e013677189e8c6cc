"""The smaller promises of the first week: each said once, each checked."""

import os

from .conftest import SIZE, until


def _titles(app) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    notify = app.notify

    def keep(message, *args, **kwargs):
        said.append((kwargs.get("title", ""), str(message)))
        return notify(message, *args, **kwargs)

    app.notify = keep
    return said


async def test_a_loose_config_file_is_named_for_what_it_is(make_app, tmp_path):
    from vse_tui.paths import config_path

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "dark"\n', encoding="utf-8")
    os.chmod(config, 0o644)
    app = make_app(tmp_path / "shop.db")
    said = _titles(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: said)
        await pilot.pause()
    assert ("Check your config file's permissions", f"Readable by other users: {config}. Make it private with "
            "chmod 600.") in said
    assert not any("database" in title for title, _text in said)  # the database is private: not its warning


async def test_the_config_is_read_again_when_the_file_changes(make_app, tmp_path):
    from vse_tui.paths import config_path

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "dark"\n', encoding="utf-8")
    os.chmod(config, 0o600)
    app = make_app(tmp_path / "shop.db")
    said = _titles(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        config.write_text('theme = "light"\n[keys]\nnew_incident = "ctrl+o"\n', encoding="utf-8")
        await until(pilot, lambda: app.theme == "textual-light")
        assert app.config.keys == {"new_incident": "ctrl+o"}
        assert ("Config reloaded", f"Read again from {config}") in said
        await pilot.press("ctrl+o")  # the new key works at once
        await pilot.pause()
        assert type(app.screen).__name__ == "QuickCapture"
        await pilot.press("escape")
        config.write_text('theme = "purple"\n', encoding="utf-8")  # a mistake: said, and nothing changes
        await until(pilot, lambda: any(t == "The config was not reloaded" for t, _m in said))
        assert app.theme == "textual-light"


async def test_chosen_and_ticked_read_without_colour(make_app, tmp_path):
    from textual.widgets import Checkbox, RadioButton

    app = make_app(tmp_path / "shop.db", ask_who=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "WhoScreen")
        boxes = {box.id: str(box.render()) for box in app.screen.query(Checkbox)}
        assert boxes and all(("✓" in text) != ("✗" in text) for text in boxes.values())
        assert "✓" in boxes["who-role-SM"] and "✗" in boxes["who-role-IM"]
        await pilot.press("escape")
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "QuickCapture")
        marks = {b.name: str(b.render()) for b in app.screen.query_one("#impact").query(RadioButton)}
        assert "●" in marks["medium"] and "○" in marks["high"] and "○" in marks["low"]
        app.screen.query_one("#impact").focus()
        await pilot.press("up")  # moving is choosing: the mark moves with it
        await pilot.pause()
        marks = {b.name: str(b.render()) for b in app.screen.query_one("#impact").query(RadioButton)}
        assert "●" in marks["high"] and "○" in marks["medium"]


async def test_the_wizard_s_notices_leave_its_key_hints_in_view(make_app, demo_db):
    from textual.widgets._toast import Toast

    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("g", "w")
        await until(pilot, lambda: type(app.screen).__name__ == "WizardScreen")
        # the demo shop wrote its improvement report, so the last step has nothing to plan: back one
        await pilot.press("ctrl+b")
        await until(pilot, lambda: app.screen.query("#step-form .row") and app.screen.focused is not None)
        said = _titles(app)
        await pilot.press("ctrl+s")  # a step saved: "... saved" is said
        await until(pilot, lambda: said or str(app.screen.query_one("#step-error").render()))
        assert said, str(app.screen.query_one("#step-error").render())
        await until(pilot, lambda: app.screen.query(Toast))
        await pilot.pause()
        keys = app.screen.query_one("#step-keys").region
        assert keys.area and "save" in str(app.screen.query_one("#step-keys").render())
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(keys), (toast.region, keys)


async def test_search_offers_all_statuses(make_app, demo_db):
    from vse_tui.widgets.paged_table import PagedTable

    from .conftest import widget_text

    app = make_app(demo_db)
    closed = next(iter(app.store.records("incidents", {"status": "closed"}, limit=1)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "slash")
        await pilot.pause()
        assert "ctrl+t: search all statuses" in widget_text(app, "#status")
        await pilot.press(*closed.id)
        await pilot.pause()
        table = app.screen.query_one("#list", PagedTable)
        assert closed.id not in [table.get_row_at(i)[1] for i in range(table.row_count)]  # open only, as filtered
        assert "ctrl+t to search all statuses" in widget_text(app, "#empty")
        await pilot.press("ctrl+t")  # the same words over every status
        await until(pilot, lambda: table.row_count and closed.id in [table.get_row_at(i)[1] for i in range(table.row_count)])
        assert "status: all (searching)" in widget_text(app, "#status")
        await pilot.press("ctrl+t")  # and back to the filter
        await pilot.pause()
        assert "status: open" in widget_text(app, "#status")
        assert app.screen.status_filter == "open"


async def test_enter_makes_a_new_line_in_a_multi_line_field_and_moves_on_in_a_one_line_one(make_app, demo_db):
    from textual.widgets import Input, TextArea

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "w")
        # the wizard reopens where the demo shop left it (its last step, with nothing left to plan)
        await until(pilot, lambda: type(app.screen).__name__ == "WizardScreen" and app.screen.query("#step-keys"))
        await pilot.pause()
        app.screen.call_later(app.screen.show_step, 0)
        await until(pilot, lambda: app.screen.index == 0 and app.screen.query("#f-goals"))
        goals = app.screen.query_one("#f-goals", TextArea)
        goals.focus()
        goals.move_cursor(goals.document.end)
        before = goals.text
        await pilot.press("enter", "x")
        await pilot.pause()
        assert goals.text == before + "\nx" and app.screen.focused is goals and app.screen.index == 0
        name = app.screen.query_one("#f-shop_name", Input)
        name.focus()
        await pilot.press("enter")  # a one-line field: the next field
        await pilot.pause()
        assert app.screen.focused is not name and app.screen.index == 0


def test_every_duration_on_a_record_says_its_unit(demo_store):
    import re

    from vse_tui.core.present.display import record_lines

    report = demo_store.records("performance_reports", limit=1)[0]
    text = "\n".join(f"{label}: {shown}" for label, shown in record_lines(demo_store, report))
    assert "billable minutes:" in text
    bare = re.findall(r"minutes: (\d+)\b(?!h|m|d)", text)
    assert not bare, bare  # "373" alone says nothing: "6h 13m" does
    attached = demo_store.records("attachments", limit=1)[0]
    assert any(label == "size" and shown.endswith("bytes") for label, shown in record_lines(demo_store, attached))


async def test_a_key_typed_on_arriving_in_a_filled_field_keeps_what_it_holds(make_app, demo_db):
    """Arriving in a field that holds the shop's name (or an owner's name on the roles step), a key
    typed at once (`?`, looking for help) is added to it; it does not wipe what was there."""
    from textual.widgets import Input

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "w")
        # the wizard reopens where the demo shop left it (its last step, with nothing left to plan)
        await until(pilot, lambda: type(app.screen).__name__ == "WizardScreen" and app.screen.query("#step-keys"))
        await pilot.pause()
        app.screen.call_later(app.screen.show_step, 0)
        await until(pilot, lambda: app.screen.index == 0 and app.screen.query("#f-shop_name"))
        name = app.screen.query_one("#f-shop_name", Input)
        before = name.value
        assert before
        name.focus()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert name.value.startswith(before), name.value
        app.screen.call_later(app.screen.show_step, 2)  # the roles step: the first person's name
        await until(pilot, lambda: app.screen.index == 2 and app.screen.query("#r0-name"))
        person = app.screen.query_one("#r0-name", Input)
        before = person.value
        assert before
        person.focus()
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert person.value.startswith(before), person.value
