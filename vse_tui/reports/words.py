"""The codes a report shows, as its reader's language says them: a task's state in the evidence map,
a person's affiliation, a change's type, what an approval meant and how it was given. What is stored stays in English;
the work products' statuses, the records' states and the fields' labels are the standard's names
(`core.model.standard`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..core.present.labels import CODES, code_word, field_name
from ..i18n.formats import date_text

# the tables live with every other stored code's words (core.present.labels): one way to word a code
TASK_STATES = CODES["task_state"]
AFFILIATIONS = CODES["affiliation"]
MEANINGS = CODES["meaning"]
CHANGE_TYPES = CODES["change_type"]
HOW = CODES["how"]


def task_state(code: str | None) -> str:
    return code_word("task_state", code)


def affiliation(code: str | None) -> str:
    return code_word("affiliation", code)


def meaning(code: str | None) -> str:
    return code_word("meaning", code)


def change_type(code: str | None) -> str:
    return code_word("change_type", code)


def how(code: str | None) -> str:
    return code_word("how", code)


def status(code: str | None) -> str:
    """A work product's status ("approved") in the reader's language."""
    return code_word("status", code)


def state(code: str | None) -> str:
    """A record's state ("in progress") in the reader's language."""
    return code_word("state", code)


def field(name: str) -> str:
    """A record's field as the report names it: the standard's label in the reader's language, in
    English the field's own name spaced ("acceptance criteria")."""
    return field_name(name)


def day(value: Any) -> str:
    """A day (a date, or its ISO text as a report's data holds it) as the reader's language writes it."""

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return date_text(value) if isinstance(value, date) else ("" if value is None else str(value))


__all__ = ["AFFILIATIONS", "CHANGE_TYPES", "HOW", "change_type", "MEANINGS", "TASK_STATES", "affiliation", "day", "field", "how", "meaning", "state",
           "status", "task_state"]
