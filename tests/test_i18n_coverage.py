"""Nothing a person reads is left out of translation: every text reaching a person is wrapped
(tests/i18n_scan.py says where texts reach a person), and every message of every catalogue is
translated in es, pt_BR and fr with the same fields and markup."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from tests import i18n_scan
from vse_tui import i18n

LOCALE = Path(i18n.__file__).parent / "locale"
TRANSLATED = ("es", "pt_BR", "fr")


def test_the_scan_finds_unwrapped_texts_and_lets_wrapped_ones_through() -> None:
    source = '''
from textual.binding import Binding
BINDINGS = [Binding("n", "new", "New incident"), Binding("q", "quit", N_("Quit"))]
def f(self, ref):
    self.notify(f"Incident {ref} closed", title=_("Done"))
    self.notify(_("Incident {ref} closed").format(ref=ref))
    self.query_one("#x").border_title = "Open incidents"
    raise InputError("the summary is empty")
    raise InputError(ngettext("{n} day", "{n} days", 2).format(n=2))
    print(ref, "INC-0042", "GO.1.1")
    p.add_argument("--db", help="database file")
'''
    found = {text for _line, text in i18n_scan.scan_source(source)}
    assert found == {"New incident", "Incident {} closed", "Open incidents", "the summary is empty", "database file"}


def test_every_text_a_person_reads_is_wrapped() -> None:
    allowed = i18n_scan.baseline()
    new = [f"{path}:{line}: {text!r}" for path, line, text in i18n_scan.scan()
           if i18n_scan.key(path, text) not in allowed]
    assert not new, ("texts a person reads, not wrapped for translation (wrap them with _(), or N_() at import "
                     "time; see docs/languages.md):\n" + "\n".join(new))


def _fields(text: str) -> list[str]:
    """The fields ({ref}, %(n)d, %s) and markup ([b], [/]) of a message, sorted."""
    return sorted(re.findall(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]|\[/?[a-z@#$][\w .=#@$:-]*\]|\[/\]", text))


def _catalogue(language: str, area: str) -> dict[str, list[str]]:
    path = LOCALE / language / "LC_MESSAGES" / f"{area}.po"
    return i18n.parse_po(path.read_text(encoding="utf-8"))[0] if path.exists() else {}


def _plurals(language: str, area: str) -> dict[str, str]:
    """msgid -> msgid_plural of the plural messages of one catalogue."""
    from vse_tui.i18n.compile import read_po

    path = LOCALE / language / "LC_MESSAGES" / f"{area}.po"
    if not path.exists():
        return {}
    return {key: plural for key, (plural, _forms) in read_po(path.read_text(encoding="utf-8")).items() if plural}


AREAS = sorted({p.stem for p in LOCALE.glob("*/LC_MESSAGES/*.po")})


@pytest.mark.parametrize("area", AREAS)
def test_every_message_is_translated_in_every_language_with_the_same_fields(area: str) -> None:
    catalogues = {lang: _catalogue(lang, area) for lang in TRANSLATED}
    every = set().union(*catalogues.values())
    problems = []
    for lang, messages in catalogues.items():
        waiting = i18n_scan.untranslated_baseline(lang)  # a catalogue still being written
        plurals = _plurals(lang, area)
        for msgid in sorted(every - set(messages) - waiting):
            problems.append(f"{lang}/{area}: missing {msgid!r}")
        for msgid, forms in messages.items():
            shown = msgid.split("\x04", 1)[-1]
            if not all(forms):
                if msgid not in waiting:
                    problems.append(f"{lang}/{area}: not translated {shown!r}")
                continue
            plural = plurals.get(msgid)
            for form in forms:
                got = _fields(form)
                if plural is None:
                    if got != _fields(shown):
                        problems.append(f"{lang}/{area}: fields or markup differ in {shown!r}: {form!r}")
                    continue
                # a plural's form takes the fields of the singular or the plural (the "one" form may
                # leave the count out, or keep it)
                one, many = set(_fields(shown)), set(_fields(plural))
                if not (one & many) <= set(got) <= (one | many):
                    problems.append(f"{lang}/{area}: fields or markup differ in {shown!r}: {form!r}")
    assert not problems, "\n".join(problems)


@functools.cache
def _wrapped_texts() -> frozenset[str]:
    """Every msgid the code asks for (what `pybabel extract` would find), context EOT msgid."""
    import ast

    found: set[str] = set()
    for path in i18n_scan.PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if node.func.id in ("_", "N_", "ngettext") and args and args[0]:
                found.add(args[0])
            elif node.func.id == "pgettext" and len(args) > 1 and args[0] and args[1]:
                found.add(args[0] + "\x04" + args[1])
    return frozenset(found)


def missing_translations(language: str) -> list[str]:
    messages: dict[str, list[str]] = {}
    for area in AREAS:
        messages.update(_catalogue(language, area))
    return sorted(t for t in _wrapped_texts() if not all(messages.get(t) or [""]))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_wrapped_text_has_a_translation(language: str) -> None:
    missing = missing_translations(language)
    known = i18n_scan.untranslated_baseline(language)
    new = [m for m in missing if m not in known]
    assert not new, f"{len(new)} texts without a {language} translation:\n" + "\n".join(map(repr, new[:200]))
