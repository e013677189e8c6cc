"""Editing and approving a stored work product: each edit is a new version (the previous one stays
in history and can be compared), each approval records who, when and how."""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from pydantic import ValidationError

from .errors import InputError, describe_validation_error
from .records import Approval, model_for
from .standard import load_standard

# The task an edit or an approval of a work product performs, where the standard names one.
EDIT_TASK = {
    "WP.15": "GO.1.1", "WP.08": "GO.3.1", "WP.14": "GO.2.4", "WP.04": "GO.2.3", "WP.05": "GO.3.2",
    "WP.07": "GO.4.1", "WP.17": "CO.3.5", "WP.09": "CO.1.5", "WP.10": "RE.1.3", "WP.03": "RE.2.5",
    "WP.21": "RE.2.5", "WP.12": "CO.2.2", "WP.02": "CO.1.4", "WP.19": "RE.2.4",
}
APPROVE_TASK = {
    "WP.14": "GO.2.2", "WP.04": "GO.2.3", "WP.05": "GO.3.2", "WP.07": "GO.4.2", "WP.17": "CO.1.3",
    "WP.09": "CO.1.5", "WP.10": "RE.1.2", "WP.03": "RE.2.2", "WP.21": "RE.2.2", "WP.19": "RE.2.4",
    "WP.11": "CO.2.1", "WP.08": "GO.1.2", "WP.15": "GO.1.1", "WP.16": "CO.2.3", "WP.12": "CO.1.3",
}

NOT_EDITABLE = {"id", "uuid", "status", "state", "version", "created_at", "updated_at", "created_by",
                "updated_by", "approvals", "notes"}


def _is_date(annotation) -> bool:
    if annotation is date:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return date in typing.get_args(annotation)
    return False


def editable_fields(kind: str) -> list[tuple[str, str]]:
    """(field, how to edit it) for the generic editor, in model order: 'text' for plain text,
    'date' for a date typed as YYYY-MM-DD, 'state' for the operational state."""
    model = model_for(kind)
    out = []
    for name, info in model.model_fields.items():
        if name in NOT_EDITABLE:
            continue
        if info.annotation is str:
            out.append((name, "text"))
        elif _is_date(info.annotation):
            out.append((name, "date"))
    if model.STATES:
        out.append(("state", "state"))
    return out


def editable_text_fields(kind: str) -> list[str]:
    return [name for name, how in editable_fields(kind) if how == "text"]


def parse_edit(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Turn what the editor shows (text) back into field values, with clear errors."""
    how = dict(editable_fields(kind))
    out: dict[str, Any] = {}
    for name, value in values.items():
        if how.get(name) == "date":
            text = (value or "").strip()
            try:
                out[name] = date.fromisoformat(text) if text else None
            except ValueError:
                raise InputError(f"{name.replace('_', ' ')}: {text!r} is not a date (use YYYY-MM-DD)") from None
        else:
            out[name] = value
    return out


def status_after_edit(wp_code: str | None, status: str | None) -> str | None:
    """An approved document edited becomes 'updated' where the work product has that status, or goes
    back to 'draft' where it must be approved again; otherwise it keeps its status (a new version)."""
    if not wp_code or status is None:
        return status
    wp = load_standard().wp(wp_code)
    if status in ("approved", "updated") and "updated" in wp.statuses and wp.can_move(status, "updated"):
        return "updated"
    if status == "approved" and wp.can_move("approved", "draft"):
        return "draft"
    return status


def edit(store, kind: str, ref: str, changes: dict[str, Any]):
    rec = store.get(kind, ref)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in parse_edit(kind, changes).items()}
    if all(getattr(rec, k) == v for k, v in clean.items()):
        return rec
    clean["status"] = status_after_edit(rec.WP, rec.status)
    return store.update(kind, rec.uuid, clean, task=EDIT_TASK.get(rec.WP or ""))


def approve(store, kind: str, ref: str, approval: Approval):
    """Record an approval on the current version; a draft becomes approved."""
    rec = store.get(kind, ref)
    changes: dict[str, Any] = {"approvals": [*rec.approvals, approval]}
    if rec.WP:
        wp = load_standard().wp(rec.WP)
        if rec.status == "draft" and wp.can_move("draft", "approved"):
            changes["status"] = "approved"
        elif rec.status not in ("approved", "updated", "draft"):
            raise InputError(f"{rec.id} is {rec.status}; only a draft, approved or updated {wp.name.lower()} takes an approval")
    return store.update(kind, rec.uuid, changes, task=APPROVE_TASK.get(rec.WP or ""))
