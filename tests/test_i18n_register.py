"""One register per language, and each language's own punctuation: Spanish speaks to the shop as
usted, Brazilian Portuguese as você, French as vous (a business tool; see docs/languages.md); French
puts a space before : ; ? and !. A message that slips into tú, tu or the European Portuguese words
(ficheiro, ecrã, utilizador) fails here with its msgid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vse_tui import i18n

LOCALE = Path(i18n.__file__).parent / "locale"

# words only the informal register (or another variant of the language) uses: none is also a word
# of the formal one, so a hit is a slip, never a false alarm
FORBIDDEN = {
    "es": r"tú|tu|tus|ti|contigo|te|puedes|tienes|quieres|debes|necesitas|estás|eres|haz",
    "pt_BR": r"tu|teu|tua|teus|tuas|ti|contigo|podes|tens|queres|deves|ficheiros?|ecrã|utilizador(?:es)?|registos?"
             r"|contactos?|equipa",
    "fr": r"tu|toi|ton|ta|tes|te|t'|peux|veux|dois|as",
}


def _forbidden(lang: str) -> re.Pattern[str]:
    """The words, in small letters or with a capital (never all capitals: TI is an acronym)."""
    words = FORBIDDEN[lang].split("|")
    either = "|".join(f"[{w[0]}{w[0].upper()}]{w[1:]}" for w in words)
    return re.compile(rf"(?<![\w'’-])(?:{either})(?![\w'’-])")


def _messages(lang: str) -> list[tuple[str, str]]:
    out = []
    for path in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
        for key, forms in i18n.parse_po(path.read_text(encoding="utf-8"))[0].items():
            out += [(key.split("\x04")[-1], form) for form in forms if form]
    return out


def _prose(text: str) -> str:
    """A message without what is not its language's prose: fields, quoted or `coded` text, commands,
    mail headers (Auto-Submitted: ...), codes (PT:change), times (08:30), URLs and paths."""
    text = re.sub(r"\b(?:Auto-Submitted|Precedence|List-Id|X-[\w-]+):|\b[A-Za-z]+://\S+|\b[\w.-]+:(?=\S)", " ", text)
    return re.sub(r"\{[^{}]*\}|%\(\w+\)[sdr]|`[^`]*`|'[^']*'|\"[^\"]*\"|«[^»]*»|HH:MM", " ", text)


@pytest.mark.parametrize("lang", sorted(FORBIDDEN))
def test_one_register_per_language(lang: str) -> None:
    forbidden = _forbidden(lang)
    slips = [f"{msgid!r}: {text!r}" for msgid, text in _messages(lang) if forbidden.search(_prose(text))]
    assert not slips, f"{lang}: words of another register:\n" + "\n".join(slips[:30])


def test_french_puts_a_space_before_its_high_punctuation() -> None:
    glued = re.compile(r"[\w)\]»]([:;?!])(?=\s|$)")
    slips = [f"{msgid!r}: {text!r}" for msgid, text in _messages("fr") if glued.search(_prose(text))]
    assert not slips, "French wants a space before : ; ? !:\n" + "\n".join(slips[:30])


def test_the_guard_finds_a_slip() -> None:
    assert _forbidden("es").search(_prose("Tu trabajo: guarda tu trabajo"))
    assert not _forbidden("es").search(_prose("Servicios de TI"))
    assert re.search(r"[\w)\]»]([:;?!])(?=\s|$)", _prose("Remplacer la base?"))
    assert not re.search(r"[\w)\]»]([:;?!])(?=\s|$)", _prose("en-tête Auto-Submitted: {auto} ; PT:change à 08:30"))


# what a French "de", "que", "le" or "la" may stand before as it is: numbers, dates, times, codes
# that start with a consonant; before a name, an id (INC-0042), a label or a status French elides
# ("d'Alex", "qu'INC-0042"), which a filled-in field cannot do: the sentence is turned another way
ELIDES_BEFORE = re.compile(r"(?<![\w'’])(?:de|que|le|la|ne|se|ce|jusque|lorsque|puisque) \{(?!(?:n|count|day|at|due|when|"
                           r"reviewed|deployed|planned|first|limit|need|size|seq|last|duration|kinds|expected_version|"
                           r"deployed_at|start|end|version|key|roles|wp|code|task|files_dir|part)\b)")


def test_french_never_elides_before_a_field() -> None:
    slips = [f"{msgid!r}: {text!r}" for msgid, text in _messages("fr") if ELIDES_BEFORE.search(text)]
    assert not slips, "French would elide before these fields (d'INC-0042, qu'Alex): say it another way:\n" + \
        "\n".join(slips[:30])
    assert ELIDES_BEFORE.search("Notifier à propos de {ref}") and not ELIDES_BEFORE.search("Notifier ({ref}) le {day}")


def test_a_list_of_clauses_is_joined_as_the_language_joins_it() -> None:
    """French spaces its semicolon between clauses ("rétabli ; notifié"), so no list a person reads
    is joined with a bare "; " in the code: `i18n.listed` (or the "list separator" it reads) is."""
    with i18n.using("fr"):
        assert i18n.listed(["rétabli", "notifié"]) == "rétabli ; notifié"
    assert i18n.listed(["restored", "notified"]) == "restored; notified"
    root = Path(i18n.__file__).parents[1]
    glued = [f"{path.relative_to(root)}:{n}" for place in ("screens", "core", "reports", "cli", "widgets")
             for path in sorted((root / place).rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"""["']; ["']\s*(?:\.join\(|\+)|\+=? ["']; ["']""", line)]
    assert not glued, glued


def test_french_writes_one_apostrophe_and_one_space_before_its_punctuation() -> None:
    """The catalogue writes the straight apostrophe (l'incident) and a plain space before : ; ? !
    throughout, so that two messages side by side never differ in either."""
    curly = [f"{msgid!r}: {text!r}" for msgid, text in _messages("fr") if "’" in text]
    odd_space = [f"{msgid!r}: {text!r}" for msgid, text in _messages("fr") if re.search("[\u00a0\u202f][:;?!]", text)]
    assert not curly and not odd_space, "\n".join((curly + odd_space)[:20])
