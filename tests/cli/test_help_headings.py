"""argparse's own words in the reader's language, written the way the language writes them: the
sections of --help ("options :" in French, with its space before the colon; "opciones:" in
Spanish) and the usage line; a field's label and its error as one sentence."""

from __future__ import annotations

import pytest

from vse_tui import i18n
from vse_tui.cli import main

HEADINGS = {"en": ("usage: ", "positional arguments:", "options:"),
            "es": ("uso: ", "argumentos posicionales:", "opciones:"),
            "pt_BR": ("uso: ", "argumentos posicionais:", "opções:"),
            "fr": ("utilisation : ", "arguments positionnels :", "options :")}


@pytest.mark.parametrize("lang", sorted(HEADINGS))
def test_help_sections_are_headed_as_the_language_writes_them(lang, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    try:
        with pytest.raises(SystemExit):
            main(["--lang", lang, "incident", "show", "--help"])
    finally:
        i18n.set_language("en")
    lines = capsys.readouterr().out.splitlines()
    usage, positional, options = HEADINGS[lang]
    assert lines[0].startswith(usage + "vse-tui incident show")
    assert positional in lines and options in lines, lines
    if lang == "fr":
        assert "arguments positionnels:" not in lines and "options:" not in lines


def test_a_field_error_keeps_the_languages_colon(store):
    from vse_tui.core.kernel.errors import InputError
    from vse_tui.core.present.fields import resolve_ref

    with i18n.using("fr"), pytest.raises(InputError) as said:
        resolve_ref(store, "customers", "Nobody Inc", "Client")
    assert str(said.value).startswith("Client : ")
