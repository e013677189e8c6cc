"""The codes a report shows, as its reader's language says them: a task's state in the evidence map,
a person's affiliation, a change's type, what an approval meant and how it was given. What is stored stays in English;
the work products' statuses, the records' states and the fields' labels are the standard's names
(`core.model.standard`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from vse_tui.i18n import N_, _

from ..i18n.formats import date_text

TASK_STATES = {"done": N_("done"), "partly done": N_("partly done"), "not started": N_("not started"),
               "stale": N_("stale")}
AFFILIATIONS = {"internal": N_("internal"), "customer": N_("customer"), "supplier": N_("supplier")}
MEANINGS = {"approved": N_("approved"), "reviewed": N_("reviewed"),
            "accepted by the customer": N_("accepted by the customer"),
            "accepted by the supplier": N_("accepted by the supplier")}
CHANGE_TYPES = {"emergency": N_("emergency"), "normal": N_("normal"), "pre-approved": N_("pre-approved")}
HOW = {"signature": N_("signature"), "email": N_("e-mail"), "paper": N_("paper"), "meeting": N_("meeting"),
       "verbal": N_("verbal"), "other": N_("other")}


def _word(table: dict[str, str], code: Any) -> str:
    text = "" if code is None else str(code)
    return _(table[text]) if text in table else text


def task_state(code: str | None) -> str:
    return _word(TASK_STATES, code)


def affiliation(code: str | None) -> str:
    return _word(AFFILIATIONS, code)


def meaning(code: str | None) -> str:
    return _word(MEANINGS, code)


def change_type(code: str | None) -> str:
    return _word(CHANGE_TYPES, code)


def how(code: str | None) -> str:
    return _word(HOW, code)


def status(code: str | None) -> str:
    """A work product's status ("approved") in the reader's language."""
    # here, not at the top: importing it loads pydantic
    from ..core.model.standard import status_name

    return status_name(code)


def state(code: str | None) -> str:
    """A record's state ("in progress") in the reader's language."""
    # here, not at the top: importing it loads pydantic
    from ..core.model.standard import state_name

    return state_name(code)


def field(name: str) -> str:
    """A record's field as the report names it: the standard's label in the reader's language, in
    English the field's own name spaced ("acceptance criteria")."""
    # here, not at the top: importing it loads pydantic
    from ..core.model.standard import field_label

    return field_label(name, english=name.replace("_", " "))


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
