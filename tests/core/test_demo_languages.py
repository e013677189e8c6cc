"""The demo shop made in Spanish, Brazilian Portuguese or French writes its records in that language
(`vse-tui --lang es demo`): every text of the demo's material has its translation, with the same
{placeholders}, and a demo made in the language (the smallest one, a few seconds) holds no English
sentence in its records: no text the demo asked its catalogue for and did not find, no English
material left, no common English word outside the stored codes (states, kinds, rules)."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from tests.stored import stored_texts
from vse_tui import demo_material as m
from vse_tui import i18n
from vse_tui.core.model.records import Record
from vse_tui.core.present.labels import CODES
from vse_tui.demo import make_demo

LANGUAGES = ["es", "pt_BR", "fr"]
# words English writes and none of the three languages does (French "on", Spanish "no" and "a", Portuguese
# "for" left out)
ENGLISH = re.compile(r"\b(?:the|The|and|with|was|were|from|of|to|by|at|is|are|we|our|after|before|every|has|"
                     r"been|when|this|that|there)\b")


def _material() -> list[str]:
    """Every text of the material the demo writes (codes, people's names, brands and the {app}
    placeholder left out)."""
    out = [*m.SERVICES, *(c[0] for c in m.CUSTOMERS), *(c[3] for c in m.CUSTOMERS if c[3])]
    out += [text for pair in m.SUPPLY for text in pair]
    out += [item[0] for items in m.ITEMS.values() for item in items if item[0] != "{app}"]
    for kinds in m.KINDS.values():
        for kind in kinds:
            out += [kind.summary, kind.category, *kind.seen, *kind.causes, *kind.fixes]
    out += [*m.CHECKS, *m.STEPS, *m.DIAGNOSES, *(text for change in m.CHANGES for text in change)]
    out += [*(text for texts in m.FEEDBACK.values() for text in texts), *m.OUTCOMES.values(), *m.WHY, *m.ANSWERS]
    return out


def _fields(text: str) -> list[str]:
    return sorted(name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name)


def _codes() -> set[str]:
    """What the app stores as a code: the choices' codes and every record's states."""
    codes = {code for table in CODES.values() for code in table}
    classes: list[type] = [Record]
    while classes:
        cls = classes.pop()
        codes |= set(getattr(cls, "STATES", ()) or ())
        classes += cls.__subclasses__()
    return codes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_of_the_demo_s_material_is_translated_with_its_placeholders(lang):
    words = m.words(lang)
    assert words, f"no demo catalogue for {lang}"
    assert not [text for text in _material() if text not in words]
    assert not [(english, said) for english, said in words.items() if _fields(english) != _fields(said)]
    assert not [english for english, said in words.items() if said == english and ENGLISH.search(english)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_demo_made_in_a_language_writes_its_records_in_it(lang, tmp_path):
    missing: set[str] = set()
    with i18n.using(lang):  # as `vse-tui --lang es demo` makes it: in the language spoken
        built, _counts = make_demo(tmp_path / "demo.db", as_of=date(2026, 11, 30), incidents=1, missing=missing)
    assert not missing, f"texts the {lang} demo catalogue lacks: {sorted(missing)}"
    stored = stored_texts(built) - _codes()
    english = [text for text in _material() if len(text) > 12 and " " in text]
    left = sorted(s for s in stored if ENGLISH.search(s) or any(text in s for text in english))
    assert not left, "English left in the records:\n" + "\n".join(s[:160] for s in left[:20])
