"""Every text a person reads, in their language: gettext catalogues, one language at a time.

Wrap a text where it is used: ``_("Incident saved")``; values go in with named braces and
``str.format``: ``_("Incident {ref} closed").format(ref=ref)`` (never an f-string or ``%`` inside
``_()``, never a sentence glued from translated pieces); a count with
``ngettext("{n} incident", "{n} incidents", n).format(n=n)``; a short word whose meaning needs a hint
with ``pgettext("key bar", "Close")``. A text defined at import time (a module constant, a class
attribute, a default argument) is marked with ``N_("...")`` and translated where it is shown with
``_(CONSTANT)``, because the language is chosen after the modules are imported.

The catalogues are ``locale/<language>/LC_MESSAGES/<area>.po`` beside this file (one file per area of
the code, so that they can be written side by side), compiled to ``<area>.mo`` when the package is
built. All the areas of one language are read as one catalogue the first time a text is asked for
in that language (the ``.mo`` when it is there and not older than its ``.po``, else the ``.po``).
English is the source language and needs no catalogue. What is stored never depends on the language
(dates in UTC ISO 8601, status codes, identifiers), so a database moves between people of different
languages unchanged.

The language is chosen (``choose``) from ``--lang``, else the config's ``language``, else the
environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``); ``formats`` writes and reads dates, numbers,
durations and yes/no answers the way the language does.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .compile import read_po
from .pseudo import pseudo

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "es", "pt_BR", "fr")
# each language by its own name, as the error for an unknown one and the docs list them
PSEUDO = "en_XA"  # the pseudo-language of vse_tui.i18n.pseudo: for finding what is cut or not wrapped
NAMES = {"en": "English", "es": "Español", "pt_BR": "Português (Brasil)", "fr": "Français"}
LOCALE_DIR = Path(__file__).parent / "locale"

_language = SOURCE_LANGUAGE
_note = ""  # why the language is not exactly the one asked for (pt_PT is spoken as pt_BR)
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


def parse_po(text: str) -> tuple[dict[str, list[str]], str]:
    """The messages of a `.po` file (msgid, or context + EOT + msgid, to its forms; fuzzy ones left
    out) and its header."""

    messages = {key: forms for key, (_plural, forms) in read_po(text).items()}
    header = messages.pop("", [""])[0]
    return messages, header


def _plural_rule(header: str) -> Callable[[int], int]:
    for line in header.splitlines():
        if line.lower().startswith("plural-forms:"):
            rule = line.split("plural=", 1)[1].strip().rstrip(";")
            return _gettext.c2py(rule)
    return lambda n: int(n != 1)


def read_mo(data: bytes) -> tuple[dict[str, list[str]], str]:
    """The messages of a compiled `.mo` file, in the shape `parse_po` gives."""

    compiled = _gettext.GNUTranslations(io.BytesIO(data))
    messages: dict[str, list[str]] = {}
    plurals: dict[str, dict[int, str]] = {}
    for key, value in compiled._catalog.items():  # type: ignore[attr-defined]
        if isinstance(key, tuple):
            plurals.setdefault(key[0], {})[key[1]] = value
        else:
            messages[key] = [value]
    for key, forms in plurals.items():
        messages[key] = [forms[i] for i in sorted(forms)]
    header = messages.pop("", [""])[0]
    return messages, header


class PseudoCatalogue(Catalogue):
    """The pseudo-language (see .pseudo): every message pseudo-translated when it is asked for."""

    def __init__(self) -> None:
        super().__init__({}, lambda n: int(n != 1))

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        if found is None:
            found = self.messages[message] = [pseudo(message)]
        return found[0]

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def _area_messages(folder: Path) -> tuple[dict[str, list[str]], str]:
    """Every area of one language's folder: each `.mo` that is not older than its `.po`, else the `.po`."""
    messages: dict[str, list[str]] = {}
    header = ""
    areas = {p.stem for p in folder.glob("*.po")} | {p.stem for p in folder.glob("*.mo")}
    for area in sorted(areas):
        po, mo = folder / f"{area}.po", folder / f"{area}.mo"
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            part, part_header = read_mo(mo.read_bytes())
        else:
            part, part_header = parse_po(po.read_text(encoding="utf-8"))
        # an area that leaves a text untranslated never hides another area's translation of it
        messages.update({key: forms for key, forms in part.items() if forms and forms[0]})
        header = header or part_header
    return messages, header


def load(language: str) -> Catalogue | None:
    """The catalogue of a language (None for English), read once, the first time it is asked for."""
    if language == SOURCE_LANGUAGE:
        return None
    found = _catalogues.get(language)
    if found is None and language == PSEUDO:
        found = _catalogues[language] = PseudoCatalogue()
    if found is None:
        messages, header = _area_messages(LOCALE_DIR / language / "LC_MESSAGES")
        found = _catalogues[language] = Catalogue(messages, _plural_rule(header))
    return found


class UnknownLanguage(ValueError):
    """A language asked for by name (--lang, the config) that the app does not speak."""

    def __init__(self, asked: str) -> None:
        available = ", ".join(f"{code} ({NAMES[code]})" for code in LANGUAGES)
        super().__init__(_("unknown language '{asked}': the languages available are {available}").format(
            asked=asked, available=available))
        self.asked = asked


def normalize(tag: str) -> tuple[str | None, str]:
    """The language we speak for a locale name (`es_MX.UTF-8` -> es, `pt_PT` -> pt_BR, `C` -> en),
    None when we speak none of it; and, when the match needs a word to the person (Portuguese
    spoken as Brazilian Portuguese), the name asked for ("" otherwise): see `language_note`."""
    text = tag.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if text in ("", "C", "POSIX"):
        return SOURCE_LANGUAGE, ""
    base, _sep, region = text.partition("_")
    base = base.lower()
    exact = f"{base}_{region.upper()}" if region else base
    if exact in LANGUAGES or exact == PSEUDO:
        return exact, ""
    if base == "pt":
        return "pt_BR", tag.strip()
    if base in LANGUAGES:
        return base, ""
    return None, ""


def from_environment(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The language the environment asks for, as the C library reads it: the first of LC_ALL,
    LC_MESSAGES, LANG that is set; English when it names a language we do not speak. With the note
    of `normalize`."""

    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            found, note = normalize(value)
            return (found or SOURCE_LANGUAGE), note
    return SOURCE_LANGUAGE, ""


def resolve(asked: str) -> tuple[str, str]:
    """The language named by a person (--lang, the config): `es`, `pt-BR`, `fr_CA`, `pt`... With
    the note of `normalize`. UnknownLanguage when we do not speak it."""
    found, note = normalize(asked) if asked.strip() not in ("", "C", "POSIX") else (None, "")
    if found is None:
        raise UnknownLanguage(asked)
    return found, note


def choose(flag: str | None, configured: str | None, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The language of this run: --lang, else the config's `language`, else the environment.
    Returns (language, note); UnknownLanguage for a flag or config naming one we do not speak."""
    if flag is not None:
        return resolve(flag)
    if configured:
        return resolve(configured)
    return from_environment(environ)


def set_language(language: str, asked: str = "") -> None:
    """Speak this language from now on (one of LANGUAGES); `asked`: the locale name it stands for
    when that needs a word (the second value of `choose`)."""
    global _language, _note
    if language not in LANGUAGES and language != PSEUDO:
        raise UnknownLanguage(language)
    _language = language
    _note = asked


def language_note() -> str:
    """A word for the person when the language spoken is not the one asked for ("" when it is)."""
    if not _note:
        return ""
    return _("{asked}: Portuguese is spoken here as Brazilian Portuguese (pt_BR)").format(asked=_note)


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
             "francais": "fr", "french": "fr", **{name.lower(): code for code, name in NAMES.items()}}
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


def listed(parts: Iterable[str]) -> str:
    """Clauses joined as the language separates them: "; " in English, " ; " in French (one
    separator for every list of reasons, problems or steps a person reads)."""
    return pgettext("list separator", "; ").join(parts)


def either(parts: Iterable[str]) -> str:
    """Alternatives as a sentence offers them: "a, b or c", the language's own "or" before the last
    (one function for every list of choices, roles or keys a person reads)."""
    items = list(parts)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + _(" or ") + items[-1]


def pgettext(context: str, message: str) -> str:
    catalogue = load(_language)
    if catalogue is None:
        return message
    if language() == PSEUDO:
        return catalogue.gettext(message)
    found = catalogue.gettext(context + "\x04" + message)
    return message if found == context + "\x04" + message else found
