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
