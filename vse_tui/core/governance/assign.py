"""Who has it: incidents, change requests and feedback entries are assigned to a person of the
shop (or to nobody). Assigning is a change like any other: a new version with its history row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..kernel.errors import InputError
from .people import find_person, unknown_person, unmapped_login

if TYPE_CHECKING:
    from ..model.ports import StorePort

ASSIGNABLE = {"incidents": "IN.2.2", "change_requests": None, "feedback": "RE.2.3"}


def who(store: StorePort, text: str | None) -> str | None:
    """The uuid of the active person of the shop `text` names ("me": the person at the keyboard;
    empty or "nobody": None)."""

    text = (text or "").strip()
    if not text or text.lower() in ("nobody", "none", "-"):
        return None
    if text.lower() == "me":
        if not store.actor.person:
            raise InputError(unmapped_login(store, "'me'"))
        return str(store.actor.person)
    found = find_person(store, text)
    if not found:
        raise unknown_person(store, text, _("Assignee: no person {text!r}").format(text=text), "internal")
    row = store.row("people", ["affiliation", "state", "title"], {"uuid": found[0]})
    if not row or row[0] != "internal":
        raise InputError(_("Assignee: {name} is not a person of the shop").format(name=row[2] if row else text))
    if row[1] != "active":
        raise InputError(_("Assignee: {row} is no longer active").format(row=row[2]))
    return found[0]


def assign(store: StorePort, kind: str, ref: str, person: str | None) -> Any:
    """Give the record `ref` of `kind` to `person` (a name, id, "me", or nobody)."""
    if kind not in ASSIGNABLE:
        raise InputError(_("{kind} cannot be assigned").format(kind=kind))
    target = who(store, person)
    record = store.get(kind, ref)
    if getattr(record, "assignee", None) == target:
        return record
    return store.update(kind, record.uuid, {"assignee": target}, task=ASSIGNABLE[kind])


def initials(name: str) -> str:
    """'Sam Ortiz' -> 'SO' (what a narrow column shows of who has it)."""
    parts = [p for p in name.replace("-", " ").split() if p]
    return "".join(p[0].upper() for p in parts[:2]) if parts else ""


def initials_by_person(store: StorePort) -> dict[str, str]:
    """Each person's uuid -> their initials (the lists' "who" column)."""
    return {uuid: initials(name) for uuid, name in store.titles("people").items()}


__all__ = ["ASSIGNABLE", "assign", "initials", "initials_by_person", "who"]
