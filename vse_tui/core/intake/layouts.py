"""The CSV exports helpdesk tools write by default, as the importer recognises them: the columns a
layout is known by, which column gives which field, and what its priority, impact and state words
mean here. The words are data (`data/imports/`, one table per tool and language); a file matching
no layout is read with the usual column names of every language (and `--map`).

Fields: ref (the ticket key), summary, details, opened_at, responded_at, restored_at, closed_at,
updated_at, event_time (an event log's row time), sequence (a tool's modification count), priority,
impact, urgency, state, state_category (the tool's own class of a status: Jira's Status Category,
ServiceNow's active), substate, reporter, reporter_contact, resolver (who has it), actor (who made
an event), group, category, product, customer, restore_duration and close_duration (a list export's
own durations from opening)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..model.data import data_dir

FIELDS = ("ref", "summary", "details", "opened_at", "responded_at", "restored_at", "closed_at", "updated_at", "event_time",
          "sequence", "priority", "impact", "urgency", "state", "state_category", "substate", "reporter",
          "reporter_contact", "resolver", "actor", "group", "category", "product", "customer", "restore_duration",
          "close_duration")
DATE_FIELDS = ("opened_at", "responded_at", "restored_at", "closed_at", "updated_at", "event_time")
STATES = ("new", "in progress", "waiting for customer", "waiting for supplier", "restored", "closed")
LANGUAGES = {"en": "English", "es": "Spanish", "pt-BR": "Portuguese (Brazil)", "pt-PT": "Portuguese (Portugal)",
             "fr": "French", "de": "German"}


@dataclass(frozen=True)
class Layout:
    """One tool's default export in one language."""

    name: str
    known_by: tuple[tuple[str, ...], ...]  # lower-case columns (each one of a few names) that all appear
    columns: dict[str, tuple[str, ...]]  # field -> the tool's column names, in preference order
    priorities: dict[str, str] = field(default_factory=dict)  # its words -> P1..P5
    levels: dict[str, str] = field(default_factory=dict)  # impact/urgency words -> high/medium/low
    states: dict[str, str] = field(default_factory=dict)  # exact state words -> a state here
    categories: dict[str, str] = field(default_factory=dict)  # status category words -> a state here
    numeric_priority: str = ""  # "rt": 0-100, higher is more urgent
    note: str = ""
    language: str = "en"
    variant: str = ""

    @property
    def title(self) -> str:
        """The layout as the preview names it: the tool, its variant, its language."""
        extra = [self.variant] if self.variant else []
        if self.language != "en":
            extra.append(LANGUAGES.get(self.language, self.language))
        return self.name + (f" ({', '.join(extra)})" if extra else "")


def _lower(words: dict[str, Any]) -> dict[str, str]:
    return {str(k).strip().lower(): str(v) for k, v in words.items()}


@cache
def _words() -> dict[str, Any]:
    with open(data_dir() / "imports" / "words.toml", "rb") as fh:
        return tomllib.load(fh)


@cache
def layouts() -> tuple[Layout, ...]:
    """Every tool and language of `data/imports/` (the shared words file aside)."""
    out: list[Layout] = []
    folder = data_dir() / "imports"
    for path in sorted(folder.glob("*.toml")):
        if path.name == "words.toml":
            continue
        with open(path, "rb") as fh:
            table = tomllib.load(fh)
        english = table.get("en", {})
        for key, part in table.items():
            if not isinstance(part, dict):
                continue
            language = part.get("language", key)
            words = {name: {**_lower(english.get(name, {})), **_lower(part.get(name, {}))}
                     for name in ("priorities", "levels", "states", "categories")}
            out.append(Layout(
                table["tool"], tuple(tuple(n.strip().lower() for n in k.split("|")) for k in part["known_by"]),
                {f: tuple(c.lower() for c in cols) for f, cols in part.get("columns", {}).items()},
                words["priorities"], words["levels"], words["states"], words["categories"],
                table.get("numeric_priority", ""), table.get("note", ""), language, part.get("variant", "")))
    return tuple(out)


@cache
def generic_states(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """What a part of a state word means here: the file's language first, then every other one."""
    words = _words()
    first = [language] if language in words else []
    return tuple((w.lower(), s) for lang in first + [k for k in words if k != language] for w, s in words[lang]["states"])


@cache
def generic_words(kind: str) -> dict[str, str]:
    """Priority or level words of every language (they do not clash)."""
    out: dict[str, str] = {}
    for table in _words().values():
        out.update(_lower(table.get(kind, {})))
    return out


@cache
def common_names() -> dict[str, tuple[str, ...]]:
    """field -> the usual column names of every language, English first."""
    out: dict[str, list[str]] = {}
    for table in _words().values():
        for name, columns in table.get("columns", {}).items():
            into = out.setdefault(name, [])
            into += [c.lower() for c in columns if c.lower() not in into]
    return {k: tuple(v) for k, v in out.items()}


def detect(header: list[str]) -> Layout | None:
    """The layout whose columns all appear in `header` (the one naming most of the file wins)."""
    lowered = {h.strip().lower() for h in header}
    found = [lay for lay in layouts() if all(any(n in lowered for n in names) for names in lay.known_by)]
    if not found:
        return None
    return max(found, key=lambda lay: (len(lay.known_by), sum(1 for cols in lay.columns.values()
                                                               for c in cols if c in lowered)))


LAYOUTS = layouts()

__all__ = ["DATE_FIELDS", "FIELDS", "LANGUAGES", "LAYOUTS", "STATES", "Layout", "common_names", "detect",
           "generic_states", "generic_words", "layouts"]
