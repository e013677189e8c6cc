"""The glossary: one word per term and language, and the catalogues keep it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import vse_tui.i18n

GLOSSARY = Path(vse_tui.i18n.__file__).parent / "glossary.toml"
TRANSLATED = ("es", "pt_BR", "fr")
KEYS = {"en", "note", "match", "check", "never_match", *TRANSLATED, *(f"{lang}_forms" for lang in TRANSLATED),
        *(f"{lang}_never" for lang in TRANSLATED)}


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


# ---------------------------------------------------------------- the catalogues keep the glossary

LOCALE = Path(vse_tui.i18n.__file__).parent / "locale"
# what names a value, a command or a key rather than a term: {reporter}, 'vse-tui audit check', JSON keys
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|vse-tui(?: [a-z][\w-]*| --?[\w-]+| [A-Z][\w.-]*)*"
                         r"|JSON \([^)]*\)")
ABBREVIATION = re.compile(r"(?<![\w-])(\w{3,})\.")
# stored codes and keys a message names and its translation keeps as they are: (default: comment),
# PT:change|incident, priority:Highest=P1, risks=...
CODES = re.compile(r"\(default: [^)]*\)|[:=]'[^']*'|[\w.-]+(?:[|:=][\w.'-]+)+|\w+=")
QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|\([^()]*\)")
# terms whose English word is also a plain verb ("if it reports damage"): a verb use is not the term
VERB = re.compile(r"(?:\b(?:it|which|that|who|they|to|will|can|may|must|should)\s+)$", re.IGNORECASE)
ALSO_VERBS = {"report", "impact", "target", "comment"}


def _inflected(word: str, lang: str) -> set[str]:
    """A word and the forms a sentence may bend it into: plural, feminine (and both)."""
    w = word.casefold()
    forms = {w}
    if lang == "es":
        forms |= {w + "s", w + "es"}
        if w.endswith("ión"):
            forms.add(w[:-3] + "iones")
        if w.endswith("z"):
            forms.add(w[:-1] + "ces")
        if w.endswith("o"):
            forms |= {w[:-1] + "a", w[:-1] + "as"}
        if w.endswith("or"):
            forms |= {w + "a", w + "as"}
    elif lang == "pt_BR":
        forms |= {w + "s", w + "es"}
        if w.endswith("ão"):
            forms |= {w[:-2] + "ões", w[:-2] + "ães"}
        if w.endswith("l"):
            forms.add(w[:-1] + "is")
        if w.endswith("m"):
            forms.add(w[:-1] + "ns")
        if w.endswith("o"):
            forms |= {w[:-1] + "a", w[:-1] + "as"}
    elif lang == "fr":
        forms |= {w + "s", w + "x", w + "e", w + "es"}
        if w.endswith("al"):
            forms.add(w[:-2] + "aux")
    return forms


def _pattern(forms: list[str]) -> re.Pattern[str]:
    alternatives = []
    for form in forms:
        if form.endswith("*"):
            alternatives.append(re.escape(form[:-1].casefold()) + r"[\w-]*")
        else:
            alternatives.append(re.escape(form.casefold()))
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?![\w-])",
                      re.IGNORECASE)


def term_checks() -> list[tuple[str, re.Pattern[str], dict[str, re.Pattern[str]]]]:
    """For each term the check looks at: its name, what finds it in English, and per language what
    its word looks like in a translation (the glossary's word bent, or one of its listed forms)."""
    out = []
    for name, term in glossary().items():
        if term.get("check") is False:
            continue
        english = term.get("match") or [term["en"], term["en"] + "s"]
        wanted = {}
        for lang in TRANSLATED:
            head = term[lang].split()[0].split("'")[-1]  # a phrase is known by its first word
            forms = sorted(_inflected(term[lang], lang) | _inflected(head, lang)) + list(term.get(f"{lang}_forms", []))
            wanted[lang] = _pattern(forms)
        out.append((name, _pattern(english), wanted))
    return out


def _abbreviated(translated: str, term: dict, lang: str) -> bool:
    """A narrow column's cut word ("restabl.", "fourniss.") that begins the language's word or a form."""
    starts = [term[lang].casefold(), *(f.rstrip("*").casefold() for f in term.get(f"{lang}_forms", []))]
    return any(len(cut) >= 3 and any(start.startswith(cut.casefold()) or cut.casefold().startswith(start)
                                     for start in starts)
               for cut in ABBREVIATION.findall(translated))


def glossary_misses(lang: str) -> list[str]:
    """Every translated message of every area catalogue of `lang` whose English holds a glossary term
    and whose translation does not hold that language's word for it."""
    checks = term_checks()
    misses = []
    for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        messages, _header = vse_tui.i18n.parse_po(path.read_text(encoding="utf-8"))
        for key, forms in messages.items():
            shown = key.split("\x04")[-1]
            english = CODES.sub(" ", PLACEHOLDER.sub(" ", shown))  # {reporter} names a value, not a term
            translated = " ".join(f for f in forms if f)
            if not translated:
                continue  # untranslated: the completeness check's business
            # a quoted or bracketed list the translation keeps word for word names codes, not terms
            english = QUOTED.sub(lambda m, kept=translated: " " if m.group(0).strip("'\"()") in kept else m.group(0),
                                 english)
            for name, finds, wanted in checks:
                found = [m for m in finds.finditer(english)
                         if not (name in ALSO_VERBS and VERB.search(english[:m.start()]))
                         # kept word for word: a code or a key the message names (English left in a
                         # translation is the completeness checks' business)
                         and not re.search(r"(?<![\w-])" + re.escape(m.group(0)) + r"(?![\w-])", translated)]
                if found and not wanted[lang].search(translated) \
                        and not _abbreviated(translated, glossary()[name], lang):
                    misses.append(f"{path.name}: [{name} -> {glossary()[name][lang]}] {shown!r} -> {translated!r}")
    return misses


def test_the_check_finds_a_term_and_its_inflections() -> None:
    checks = {name: (finds, wanted) for name, finds, wanted in term_checks()}
    finds, wanted = checks["change_request"]
    assert finds.search("Raise a change request") and finds.search("3 change requests")
    assert not finds.search("--change-request") and not finds.search("change_request_method")
    assert wanted["es"].search("Crear una solicitud de cambio") and wanted["es"].search("3 solicitudes de cambio")
    assert not wanted["es"].search("Crear una petición de cambio")
    assert wanted["pt_BR"].search("3 requisições de mudança") and not wanted["pt_BR"].search("pedido de mudança")
    finds, wanted = checks["incident"]
    assert wanted["fr"].search("l'incident INC-0042") and wanted["es"].search("Incidentes abiertos")
    assert not wanted["es"].search("Incidencias abiertas")
    finds, wanted = checks["approval"]
    assert not finds.search("a pre-approved change") and finds.search("Approved by {who}")
    assert wanted["es"].search("Aprobada por {who}") and wanted["pt_BR"].search("Aprovado por {who}")
    finds, wanted = checks["configuration_item"]
    assert wanted["fr"].search("Éléments de configuration") and wanted["pt_BR"].search("3 itens de configuração")
    assert checks["version"][1]["es"].search("Comparar versiones")
    assert checks["restore"][1]["es"].search("restabl.") is None and _abbreviated("restabl.", glossary()["restore"], "es")


# Messages known to leave the glossary's word when this check came in, one per line ("lang  area  term
# msgid" as glossary_key() writes it): the check holds every other message to the glossary, and a
# line here goes once its catalogue is put right.
KNOWN = Path(__file__).parent / "fixtures" / "glossary_known.txt"


def glossary_key(miss: str, lang: str) -> str:
    area, _sep, rest = miss.partition(": [")
    term, _sep, rest = rest.partition(" -> ")
    msgid = rest.split("] ", 1)[1].split(" -> ")[0]
    return f"{lang}  {area.removesuffix('.po')}  {term}  {msgid}"


def known() -> set[str]:
    if not KNOWN.exists():
        return set()
    return {line for line in KNOWN.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogues_keep_the_glossary(lang: str) -> None:
    misses = [m for m in glossary_misses(lang) if glossary_key(m, lang) not in known()]
    assert not misses, (f"{len(misses)} messages leave the glossary's word (vse_tui/i18n/glossary.toml):\n"
                        + "\n".join(misses[:40]))


def old_words(lang: str) -> list[str]:
    """Every translation of `lang` that says a term by a word the glossary set aside for it (its
    `<lang>_never`: French "reconnu" for an acknowledged warning, Spanish "periodo"), in a message
    whose English holds the term (its `match`, or `never_match`)."""
    found = []
    for name, term in glossary().items():
        never = term.get(f"{lang}_never")
        if not never:
            continue
        english = _pattern(list(term.get("match") or [term["en"], term["en"] + "s"]) + list(term.get("never_match", [])))
        old = _pattern(never)
        for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
            messages, _header = vse_tui.i18n.parse_po(path.read_text(encoding="utf-8"))
            for key, forms in messages.items():
                translated = " ".join(f for f in forms if f)
                if english.search(key.split("\x04")[-1]) and (hit := old.search(translated)):
                    found.append(f"{path.name}: [{name} -> {term[lang]}, not {hit.group(0)}] {translated!r}")
    return found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_term_is_said_by_a_word_set_aside(lang: str) -> None:
    found = old_words(lang)
    assert not found, "\n".join(found[:40])
