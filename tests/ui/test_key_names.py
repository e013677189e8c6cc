"""A key is named in the language spoken, by one function, wherever its name is shown: the key bar
(the app's get_key_display), `?`'s list, a hint's sentence and the evidence map's line."""

from textual.binding import Binding

from vse_tui.i18n import using
from vse_tui.widgets.keys import key_label, key_name, key_word


def test_keys_are_named_in_french_and_english_keeps_its_forms():
    from vse_tui.app import VseApp

    with using("fr"):
        assert [key_name(k) for k in ("enter", "escape", "shift+tab", "ctrl+s")] == ["Entrée", "Échap", "Maj+Tab", "^s"]
        assert key_label("escape,question_mark,q") == "Échap, ?, q"
        assert VseApp.get_key_display(VseApp.__new__(VseApp), Binding("escape", "back")) == "Échap"
        assert key_word("enter") == "Entrée"
    with using("es"):
        assert key_name("shift+tab") == "Mayús+Tab"
    assert key_label("escape,enter,shift+tab") == "Esc, Enter, Shift+Tab"  # `?` in English as it was
    assert key_word("escape") == "esc"  # the hints' English word as it was


def test_the_pickers_hint_names_its_keys_in_french():
    from types import SimpleNamespace

    from vse_tui.widgets.picker import Picker

    with using("fr"):
        hint = Picker._help(SimpleNamespace(multiple=False))  # type: ignore[arg-type]
    assert "Entrée choisit" in hint and "Échap garde" in hint, hint
