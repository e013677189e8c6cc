"""The catalogue reader: contexts, plural forms, fuzzy entries, languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from vse_tui import i18n

PO = r'''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: vse_tui/screens/dashboard.py
msgid "Open incidents"
msgstr "Incidents ouverts"

msgctxt "key bar"
msgid "Close"
msgstr "Clore"

msgid "%(n)d incident"
msgid_plural "%(n)d incidents"
msgstr[0] "%(n)d incident"
msgstr[1] "%(n)d incidents"

#, fuzzy
msgid "Save"
msgstr "Sauver peut-être"

msgid "A long "
"text"
msgstr "Un long "
"texte"
'''


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "screens.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_catalogues", {})
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


def test_messages_contexts_plurals_and_fuzzy(french: None) -> None:
    assert i18n._("Open incidents") == "Incidents ouverts"
    assert i18n.pgettext("key bar", "Close") == "Clore"
    assert i18n._("Close") == "Close"  # without its context it is another message
    # French counts 0 and 1 as singular
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 0) % {"n": 0} == "0 incident"
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 2) % {"n": 2} == "2 incidents"
    assert i18n._("Save") == "Save"  # a fuzzy translation is not used
    assert i18n._("A long text") == "Un long texte"
    assert i18n._("Not in the catalogue") == "Not in the catalogue"


def test_english_needs_no_catalogue() -> None:
    i18n.set_language("en")
    assert i18n._("Open incidents") == "Open incidents"
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 1) % {"n": 1} == "1 incident"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        i18n.set_language("xx")
