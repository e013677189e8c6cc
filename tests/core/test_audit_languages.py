"""The audit check an assessor reads speaks the chosen language: in Spanish, Brazilian Portuguese and
French no English word of the app's is left in its output (what the shop wrote, names and codes
aside), and in the pseudo-language every word the app adds comes through translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.junk_shop import build_junk
from vse_tui import i18n
from vse_tui.core.evidence.audit_check import audit_check, to_markdown
from vse_tui.store import Actor, open_store

LOCALE = Path(i18n.__file__).parent / "locale"
NAMES = Path(i18n.__file__).parents[2] / "data" / "standard" / "names"
WORD = re.compile(r"(?<![\w'-])(?<![A-Z]:)[A-Za-z]*[a-z][A-Za-z]*(?![\w'-])")  # not PT:change, a role code


@pytest.fixture(scope="module")
def junk(tmp_path_factory):
    """A shop full of what an assessor questions: placeholder text, self-approvals, instant changes."""
    store = open_store(tmp_path_factory.mktemp("junk") / "junk.db", Actor(operator="jo", os_user="jo", host="box"))
    build_junk(store)
    yield store
    store.close()


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text) if len(w) >= 3}


def _shop_words(store) -> set[str]:
    """The words the shop itself wrote that a finding shows as written: its records' titles and
    people's names, the training needs, the mitigations (stored codes are not among them: a code
    shown to a person is the app's English)."""
    from vse_tui.core.model.records import BY_KIND

    out: set[str] = set()
    for kind in BY_KIND:
        for rec in store.records(kind):
            out |= _words(rec.title_text)
    for kind, name in (("training", "requirement"), ("acknowledgements", "mitigation")):
        out |= _words(" ".join(str(v) for (v,) in store.rows(kind, [name])))
    return out


def _language_words(lang: str) -> set[str]:
    """The words of the language: those its catalogues use where the English does not (a code a
    message keeps as it is, such as `customer` in `--on customer`, is not one), and the standard's
    names. A word the language shares with English (service, version, incident) is not English left."""
    out = set()
    for path in (LOCALE / lang / "LC_MESSAGES").glob("*.po"):
        for key, forms in i18n.parse_po(path.read_text(encoding="utf-8"))[0].items():
            out |= _words(" ".join(forms)) - _words(key)
    names = (NAMES / f"{lang}.toml").read_text(encoding="utf-8")
    return out | _words(re.sub(r"^[^=]*=", "", names, flags=re.MULTILINE))


def _check(store, lang: str) -> str:
    with i18n.using(lang):
        return to_markdown(audit_check(store), "Ñandú")


@pytest.mark.parametrize("lang", ["es", "pt_BR", "fr"])
def test_no_english_word_is_left_in_the_audit_check(junk, lang: str) -> None:
    english = _words(_check(junk, "en")) - _shop_words(junk)
    shown = _check(junk, lang)
    assert shown != _check(junk, "en")
    left = (_words(shown) & english) - _language_words(lang)
    lines = [line for line in shown.splitlines() if _words(line) & left]
    assert not left, f"English left in the {lang} audit check: {sorted(left)}\n" + "\n".join(lines[:10])


def test_every_word_the_audit_check_adds_is_translated(junk) -> None:
    """In the pseudo-language a text that went through translation is accented between « and »: a
    plain word outside them that the shop did not write is the app's, never translated."""
    from vse_tui.core.model.standard import load_standard
    from vse_tui.i18n.pseudo import CLOSE, OPEN

    shown = _check(junk, i18n.PSEUDO)
    with i18n.using("en"):  # the standard's names have no pseudo-language: they are data here
        names = " ".join(f"{w.code} {w.name}" for w in load_standard().work_products)
    outside, depth = [], 0
    for ch in shown:
        depth += ch == OPEN
        depth -= ch == CLOSE and depth > 0
        outside.append(ch if depth == 0 and ch not in (OPEN, CLOSE) else " ")
    left = _words("".join(outside)) - _shop_words(junk) - _words(names)
    assert not left, f"not translated: {sorted(left)}"



def test_the_guide_judges_a_record_the_same_in_every_language(store, junk) -> None:
    """The guide tells an input the shop lacked from what the record lacks, and a step not performed
    from one performed badly, by what kind of reason it is, never by reading its words (which are
    in the person's language): a new shop's first incident and change, and the junk shop's."""
    from vse_tui.core.control.changes import request
    from vse_tui.core.evidence.guide import record_steps
    from vse_tui.core.incidents.process import log_incident

    log_incident(store, "Ímpresora sin papel", details="Ñoño")
    request(store, "Cambio de ruter", purpose="Más velocidad")

    def verdicts(shop, lang: str) -> list[tuple]:
        with i18n.using(lang):
            out = []
            for kind in ("change_requests", "incidents", "customer_agreements", "feedback"):
                for rec in shop.records(kind):
                    out += [(rec.id, s.task, s.done, s.performed, len(s.missing), len(s.inputs),
                             [(n.wp, n.kind) for n in s.needs]) for s in record_steps(shop, rec)]
            return out

    for shop in (store, junk):
        english = verdicts(shop, "en")
        for lang in ("es", "pt_BR", "fr"):
            assert verdicts(shop, lang) == english, lang
    assert any(s[6] for s in verdicts(store, "en"))  # a step not performed names the inputs the shop lacks


@pytest.mark.parametrize("lang", ["es", "pt_BR", "fr"])
def test_the_audit_checks_rules_name_no_module_of_the_code(lang: str) -> None:
    """The rules an audit check lists are prose: no module of the code ("reports.figures") in them."""
    from vse_tui.core.evidence.audit_check import RULES

    module = re.compile(r"\b(core|reports|store|screens|cli)\.[a-z_]+")
    with i18n.using(lang):
        said = [i18n._(text) for text in RULES.values()]
    assert not [t for t in said if module.search(t)], [t for t in said if module.search(t)]
