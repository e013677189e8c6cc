"""Every text a person reads, in their language: gettext catalogues, one language at a time.

Wrap a text where it is used: ``_("Incident saved")``; a count with ``ngettext("%(n)d incident",
"%(n)d incidents", n) % {"n": n}``; a short word whose meaning needs a hint with
``pgettext("key bar", "Close")``. A text defined at import time (a module constant, a class
attribute, a default argument) is marked with ``N_("...")`` and translated where it is shown with
``_(CONSTANT)``, because the language is chosen after the modules are imported.

The catalogues are ``locale/<language>/LC_MESSAGES/<area>.po`` beside this file (one file per area of
the code, so that they can be written side by side); all the areas of one language are read as one
catalogue the first time a text is asked for in that language. English is the source language and
needs no catalogue. What is stored never depends on the language (dates in UTC ISO 8601, status
codes, identifiers), so a database moves between people of different languages unchanged.
"""

from __future__ import annotations

import ast
import gettext as _gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "es", "pt_BR", "fr")
LOCALE_DIR = Path(__file__).parent / "locale"

_language = SOURCE_LANGUAGE
_catalogues: dict[str, Catalogue] = {}


class Catalogue:
    """One language's messages, read from its `.po` files."""

    def __init__(self, messages: dict[str, list[str]], plural: Callable[[int], int]) -> None:
        self.messages = messages
        self.plural = plural

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        return found[0] if found and found[0] else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self.messages.get(singular)
        if found and len(found) > 1:
            index = self.plural(n)
            if 0 <= index < len(found) and found[index]:
                return found[index]
        return singular if n == 1 else plural


def _unquote(text: str) -> str:
    value = ast.literal_eval(text.strip())
    if not isinstance(value, str):
        raise ValueError(f"not a quoted text: {text!r}")
    return value


def parse_po(text: str) -> tuple[dict[str, list[str]], str]:
    """The messages of a `.po` file (msgid, or context + EOT + msgid, to its forms) and its header."""
    messages: dict[str, list[str]] = {}
    entry: dict[str, str] = {}
    forms: dict[int, str] = {}
    current: tuple[str, int] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, forms, fuzzy
        if "msgid" in entry and (not fuzzy or entry["msgid"] == ""):
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            values = [forms[i] for i in sorted(forms)] if forms else [entry.get("msgstr", "")]
            messages[key] = values
        entry, forms, fuzzy = {}, {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
            continue
        if line.startswith('"') and current is not None:
            name, index = current
            if name == "msgstr[]":
                forms[index] += _unquote(line)
            else:
                entry[name] += _unquote(line)
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and ("msgstr" in entry or forms or (keyword == "msgctxt" and "msgid" in entry)):
            flush()
        if keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            forms[index] = _unquote(rest)
            current = ("msgstr[]", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            entry[keyword] = _unquote(rest)
            current = (keyword, 0)
        else:
            raise ValueError(f"a .po line not understood: {raw!r}")
    flush()
    header = messages.pop("", [""])[0]
    return messages, header


def _plural_rule(header: str) -> Callable[[int], int]:
    for line in header.splitlines():
        if line.lower().startswith("plural-forms:"):
            rule = line.split("plural=", 1)[1].strip().rstrip(";")
            return _gettext.c2py(rule)
    return lambda n: int(n != 1)


def load(language: str) -> Catalogue | None:
    """The catalogue of a language (None for English), read once."""
    if language == SOURCE_LANGUAGE:
        return None
    found = _catalogues.get(language)
    if found is None:
        messages: dict[str, list[str]] = {}
        header = ""
        for path in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
            part, part_header = parse_po(path.read_text(encoding="utf-8"))
            messages.update(part)
            header = header or part_header
        found = _catalogues[language] = Catalogue(messages, _plural_rule(header))
    return found


def set_language(language: str) -> None:
    """Speak this language from now on (one of LANGUAGES)."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    _language = language


def language() -> str:
    return _language


@contextmanager
def using(language: str | None) -> Iterator[None]:
    """Speak `language` inside the block, then the language spoken before (mail to a customer in the
    customer's language); None or "" changes nothing."""
    global _language
    before = _language
    if language:
        set_language(language)
    try:
        yield
    finally:
        _language = before


def match_language(tag: str | None) -> str | None:
    """One of LANGUAGES for a language as people write it ("es", "es-MX", "pt_BR", "pt", "fr_CA.UTF-8",
    "Español"); None when it is none of them."""
    text = (tag or "").strip().split(".", 1)[0].replace("-", "_").lower()
    if not text:
        return None
    names = {"english": "en", "inglés": "en", "español": "es", "spanish": "es", "castellano": "es",
             "português": "pt_BR", "portugues": "pt_BR", "portuguese": "pt_BR", "français": "fr",
             "francais": "fr", "french": "fr"}
    if text in names:
        return names[text]
    base = text.split("_", 1)[0]
    if base == "pt":
        return "pt_BR"
    return base if base in LANGUAGES else None


def _(message: str) -> str:
    catalogue = load(_language)
    return catalogue.gettext(message) if catalogue else message


def N_(message: str) -> str:
    """Mark a text defined at import time; translate it with `_` where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    catalogue = load(_language)
    if catalogue is None:
        return singular if n == 1 else plural
    return catalogue.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    catalogue = load(_language)
    if catalogue is None:
        return message
    found = catalogue.gettext(context + "\x04" + message)
    return message if found == context + "\x04" + message else found
