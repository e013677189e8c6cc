"""What an assessor asks first about each approval of a record: who, the roles they held then,
what it means (a rejection with its reason), how, when, which version and content, and the
login and host that recorded it (from the record's history, not from the approval's own words)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..governance.approvals import meaning_text
from ..governance.people import roles_of

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Approval, Record


@dataclass(frozen=True)
class Signoff:
    approval: Approval
    roles: tuple[str, ...]  # the role codes the approver held when approving
    meaning: str  # "approved", "accepted by the customer", "rejected: <reason>" ...
    recorded_by: str  # "kim@laptop (Kim Lee)", from the history row that stored it
    recorded_at: str | None


def _count(raw: Any) -> int:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return 0
    return len(value) if isinstance(value, list) else 0


def recorded(store: StorePort, record: Record) -> list[dict[str, Any] | None]:
    """For each approval of `record`, in order, the history row that stored it first (None where
    the history does not say)."""
    out: list[dict[str, Any] | None] = [None] * len(record.approvals)
    held = 0
    for row in store.history(record.uuid):
        if row["action"] == "create" and row["new_value"]:
            try:
                snapshot = json.loads(row["new_value"])
            except ValueError:
                continue
            now = len(snapshot.get("approvals") or []) if isinstance(snapshot, dict) else 0
        elif row["action"] == "update" and row["field"] == "approvals":
            now = _count(row["new_value"])
        else:
            continue
        for i in range(held, min(now, len(out))):
            out[i] = row
        held = max(held, now)
    return out


def signoffs(store: StorePort, record: Record) -> list[Signoff]:
    rows = recorded(store, record)
    out = []
    for a, row in zip(record.approvals, rows, strict=True):
        roles = tuple(sorted(roles_of(store, a.person, a.at))) if a.person else ()
        meaning: str = a.meaning
        if a.meaning == "reviewed" and record.KIND == "change_requests" and a.note and record.status == "rejected" \
                and a is record.approvals[-1]:
            meaning = _("rejected: {note}").format(note=a.note)
        elif a.note:
            meaning = f"{meaning_text(a.meaning)} ({a.note})"
        else:
            meaning = meaning_text(a.meaning)
        if row is None:
            by = _("not in the history")
        else:
            login = row.get("os_user") or row.get("operator") or "?"
            host = row.get("host") or "?"
            person = row.get("person")
            name = store.titles("people", {"uuid": person}).get(person, "") if person else ""
            by = f"{login}@{host} " + (f"({name})" if name else _("(mapped to no person)"))
        out.append(Signoff(a, roles, meaning, by, row["at"] if row else None))
    return out


__all__ = ["Signoff", "recorded", "signoffs"]
