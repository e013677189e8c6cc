"""The glossary: one word per term and language, and the catalogues keep it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import vse_tui.i18n

GLOSSARY = Path(vse_tui.i18n.__file__).parent / "glossary.toml"
TRANSLATED = ("es", "pt_BR", "fr")
KEYS = {"en", "note", "match", "check", *TRANSLATED, *(f"{lang}_forms" for lang in TRANSLATED)}


def glossary() -> dict[str, dict]:
    with GLOSSARY.open("rb") as handle:
        return tomllib.load(handle)


def test_every_term_has_one_word_in_every_language() -> None:
    terms = glossary()
    assert len(terms) >= 80
    for name, term in terms.items():
        assert set(term) <= KEYS, f"{name}: unknown keys {set(term) - KEYS}"
        for lang in ("en", *TRANSLATED):
            word = term.get(lang)
            assert isinstance(word, str) and word.strip() == word and word, f"{name}: no {lang} word"


def test_no_english_word_is_two_terms() -> None:
    seen: dict[str, str] = {}
    for name, term in glossary().items():
        assert term["en"] not in seen, f"{name} and {seen.get(term['en'])} are both {term['en']!r}"
        seen[term["en"]] = name
