"""A record form's choice list in another language: each option is the code's word in the language
spoken, and what is saved is the code (a database moves between languages unchanged)."""

from __future__ import annotations

from textual.widgets import Select

from tests.ui.conftest import SIZE
from vse_tui import i18n
from vse_tui.core.model.records import ConfigurationItem
from vse_tui.screens.common.forms import FormScreen


async def test_a_record_forms_choice_list_shows_words_in_spanish_and_saves_the_code(make_app, tmp_path):
    app = make_app(tmp_path / "shop.db")
    ci = app.store.add(ConfigurationItem(name="NAS", ci_type="hardware"))
    i18n.set_language("es")
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.open_record(ci.id)
            await pilot.pause()
            await pilot.press("E")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen), app.screen
            select = app.screen.query_one("#f-ci_type", Select)
            options = {str(label): value for label, value in select._options if value is not Select.NULL}
            assert options["hardware"] == "hardware" and options["red"] == "network", options
            assert options["componente del servicio"] == "service component", options
            select.value = "network"
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen)
    finally:
        i18n.set_language("en")
    assert app.store.get("configuration_items", ci.id).ci_type == "network"


def test_every_choice_list_has_a_prompt_in_the_language_spoken():
    """Textual's own prompt is the English "Select": every Select the app makes names its own, and a
    form's says the field's hint, or "(none)", in the language spoken."""
    import ast
    from pathlib import Path

    from vse_tui.screens.common.forms import Field, build_widget

    root = Path(__file__).parents[2] / "vse_tui"
    bare = [f"{path.relative_to(root)}:{node.lineno}" for folder in ("screens", "widgets")
            for path in sorted((root / folder).rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Select"
            and "prompt" not in {k.arg for k in node.keywords}]
    assert not bare, bare
    i18n.set_language("es")
    try:
        assert build_widget(Field("template", "Preaprobado", "select", None, [("CHG-0001 x", "CHG-0001")])
                            ).prompt == "(ninguno)"
    finally:
        i18n.set_language("en")
