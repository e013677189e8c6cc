"""Sentences that agree: a count is said with ngettext, never "incident(s)", and a translation never
hedges a gender or a number it could not know ("Nenhum(a) {label}", "un(e) {kinds} existant(e)",
"tentativa(s)"): where the noun comes in from outside, the sentence is built so it needs no
agreement with it ("Introuvable : {label} {ref}", "un enregistrement existant de type {kinds}")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vse_tui import i18n
from vse_tui.i18n.compile import read_po

LOCALE = Path(i18n.__file__).parent / "locale"
TRANSLATED = ("es", "pt_BR", "fr")
# a word with a hedged ending: (s), (a), (e), (es), (as), (os), (ns), (ões)
HEDGE = re.compile(r"[^\W\d_]\((?:s|a|e|es|as|os|ns|ões|x)\)(?!\w)")
ENGLISH_COUNT = re.compile(r"[a-z]\(s\)")


def _entries(lang: str):
    for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        for key, (_plural, forms) in read_po(path.read_text(encoding="utf-8")).items():
            if key:
                yield path.stem, key.split("\x04")[-1], forms


def test_no_english_message_counts_with_a_hedged_plural():
    found = sorted({f"{area}: {msgid!r}" for area, msgid, _forms in _entries("fr") if ENGLISH_COUNT.search(msgid)})
    assert not found, "say a count with ngettext('{n} thing', '{n} things', n):\n" + "\n".join(found)


def test_no_english_message_says_a_count_of_one_with_a_plural_noun():
    """ngettext("{n} incidents", "{n} incidents", n) printed "1 incidents": a singular that is its own
    plural, its count followed by a plural noun."""
    found = sorted({f"{area}: {msgid!r}" for lang in TRANSLATED for area, msgid, _forms, plural in _plurals(lang)
                    if plural == msgid and re.search(r"\{n\} (?:[a-z]+ )?[a-z]+s\b", msgid)})
    assert not found, "give the singular its own words:\n" + "\n".join(found)


def _plurals(lang: str):
    for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        for key, (plural, forms) in read_po(path.read_text(encoding="utf-8")).items():
            if key and plural:
                yield path.stem, key.split("\x04")[-1], forms, plural


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_translation_hedges_a_gender_or_a_number(lang):
    found = [f"{area}: {form!r}" for area, _msgid, forms in _entries(lang) for form in forms if HEDGE.search(form)]
    assert not found, "\n".join(found)


def test_backup_is_masculine_in_brazilian_portuguese():
    """'o backup', as Brazilian IT says it (the trial read 'uma backup')."""
    feminine = re.compile(r"\b(?:uma|a|da|na|pela|dessa|desta|essa|esta)\s+backup\b", re.IGNORECASE)
    found = [form for _area, _msgid, forms in _entries("pt_BR") for form in forms if feminine.search(form)]
    assert not found, found


def test_a_message_about_a_kind_of_record_named_from_outside_needs_no_agreement():
    """'No {label} {ref}' in Portuguese and French: the label may be a feminine or a masculine noun."""

    with i18n.using("pt_BR"):
        text = i18n._("No {label} {ref}").format(label="mudança", ref="CHG-0999")
        assert "(a)" not in text and "mudança CHG-0999" in text
    with i18n.using("fr"):
        text = i18n._("an existing {kinds}").format(kinds="personne")
        assert "(e)" not in text and "personne" in text
    for lang in TRANSLATED:  # said inside an item's own brackets ("(une entrée ou plus, ...)"): none of its own
        with i18n.using(lang):
            assert "(" not in i18n._("an existing {kinds}"), lang


@pytest.mark.parametrize("lang", ("en", *TRANSLATED))
def test_a_label_leaves_out_the_unit_its_value_is_shown_in(lang):
    """'Délai de résolution (minutes) | 3j 21h' said two units: a figure stored in minutes or days is
    shown as a duration, so its label names no unit."""
    from vse_tui.core.present.labels import field_name, field_words

    with i18n.using(lang):
        for name in ("time_to_resolve_minutes", "waiting_minutes"):
            for label in (field_name(name), field_words(name)):
                assert not re.search(r"minut|\(min", label, re.IGNORECASE), (lang, name, label)


def test_no_message_separates_with_a_hyphen():
    """'Carte des preuves - Atelier': a title and a name go apart with a colon, said per language."""
    found = sorted({msgid for _area, msgid, _forms in _entries("fr") if re.search(r"\w - \{", msgid)})
    assert not found, found


@pytest.mark.parametrize("lang", ("en", *TRANSLATED))
def test_a_status_and_a_state_have_two_names_and_messages_keep_them(lang):
    """Spanish labelled both a record's status and its state 'Estado'; Portuguese said 'situação' in
    a history row and 'estado' in the line above it."""
    from vse_tui.core.model.data import field_label

    with i18n.using(lang):
        status, state = field_label("status"), field_label("state")
        assert status.lower() != state.lower()
        line = i18n._("priority {priority} (impact {impact}, urgency {urgency})   status {status}   state {state}")
    assert f" {status.lower()} {{status}}" in line.lower() and f" {state.lower()} {{state}}" in line.lower(), line
