"""Editing and approving a stored work product: each edit is a new version (the previous one stays
in history and can be compared), each approval records who, when and how."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from vse_tui.i18n import N_, _

from ..kernel.errors import InputError
from ..model.lifecycle import closed_to_editing
from ..model.records import model_for
from ..model.records.relationship import Service
from ..model.standard import load_standard
from ..present.fields import field_specs, parse
from ..present.invalid import describe_validation_error
from ..present.labels import code_word
from ..relationship.process import catalogue_change
from .approvals import (
    APPROVE_TASK,  # noqa: F401  (the task an approval performs, by work product)
    content_hash,
)
from .approvals import approve as approve_version
from .people import check_person_name

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Record

# The task an edit or an approval of a work product performs, where the standard names one.
EDIT_TASK = {
    "WP.15": "GO.1.1", "WP.08": "GO.3.1", "WP.14": "GO.2.4", "WP.04": "GO.2.3", "WP.05": "GO.3.2",
    "WP.07": "GO.4.1", "WP.17": "CO.3.5", "WP.09": "CO.1.5", "WP.10": "RE.1.3", "WP.03": "RE.2.5",
    "WP.21": "RE.2.5", "WP.12": "CO.2.2", "WP.02": "CO.1.4", "WP.19": "RE.2.4",
}

# The task that creating a record of a work product performs.
CREATE_TASK = {
    "WP.10": "RE.1.1", "WP.03": "RE.2.1", "WP.21": "RE.2.1", "WP.06": "RE.2.3", "WP.19": "RE.2.4",
    "WP.11": "CO.1.2", "WP.12": "CO.1.2", "WP.17": "CO.1.2", "WP.02": "CO.1.4", "WP.09": "CO.1.5",
    "WP.16": "CO.2.3", "WP.13": "CO.2.4", "WP.20": "CO.3.1", "WP.07": "GO.4.1",
}


# Kinds whose operational state moves through their own steps, never through the generic editor.
FLOW_STATES = {"change_requests": N_("its steps (a, s, w, b, t, y, p, o on the change)"),
               "feedback": N_("its steps (s on the entry)"), "incidents": N_("its steps on the incident screen")}


def editable_fields(kind: str) -> list[tuple[str, str]]:
    """(field, how it is typed) for the generic editor, in model order (see core.fields)."""

    return [(s.name, s.how) for s in field_specs(kind)]


def create(store: StorePort, kind: str, values: dict[str, Any], task: str | None = None, **fixed: Any) -> Record:
    """A new record of `kind` from what a person typed (plus `fixed` values the app sets)."""

    model = model_for(kind)
    for spec in field_specs(kind):
        given = values.get(spec.name)
        if spec.required and spec.name not in fixed and (given is None or (isinstance(given, str) and not given.strip())):
            raise InputError(_("{label}: required").format(label=spec.label))
    data = {k: v for k, v in parse(store, kind, values).items() if v is not None or k in fixed}
    data.update(fixed)
    if kind == "people":
        data["name"] = check_person_name(store, data.get("name"))
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _(model.LABEL).lower())) from None
    return store.add(record, task=task or CREATE_TASK.get(model.WP or ""))


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


def edit(store: StorePort, kind: str, ref: str, changes: dict[str, Any],
         check: Callable[[Record, Record], None] | None = None) -> Record:
    """A new version of a record from what a person typed. An approved catalogue entry changes
    through a change request (RE.1.3): one is raised and linked when none is named. `check(before,
    after)` may refuse the new version (an InputError) before anything is written."""

    rec = store.get(kind, ref)
    closed = closed_to_editing(rec)
    if closed:
        raise InputError(closed)
    clean = parse(store, kind, changes)
    if kind == "people" and "name" in clean and clean["name"] != getattr(rec, "name", None):
        clean["name"] = check_person_name(store, clean["name"], rec.uuid)
    model = type(rec)
    if kind in FLOW_STATES and "state" in clean and clean["state"] not in (None, rec.state):
        raise InputError(_("The state of a {what} moves through {steps}, not by editing").format(
            what=_(model.LABEL).lower(), steps=_(FLOW_STATES[kind])))
    clean = {k: v for k, v in clean.items() if not (k == "state" and kind in FLOW_STATES)}
    if kind == "change_requests" and clean.get("change_type") == "pre-approved" and getattr(rec, "change_type", None) != "pre-approved":
        raise InputError(_("A change becomes pre-approved only by being made from a pre-approved type (one that went through the full normal path once); raise a new change from that type instead"))
    current = rec.model_dump()
    # a field left blank that was never filled is unchanged: no "(empty)" version of it
    clean = {k: v for k, v in clean.items() if not (v in ("", None) and current.get(k) in ("", None))}
    try:
        probe = model.model_validate({**current, **clean})
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, rec.id or _(model.LABEL))) from None
    if all(getattr(probe, k) == getattr(rec, k) for k in clean):
        return rec
    if check is not None:
        check(rec, probe)
    clean["status"] = status_after_edit(rec.WP, rec.status)
    with store.transaction():
        if kind == "services" and rec.status in ("approved", "updated"):
            if isinstance(rec, Service):
                clean["change_requests"] = catalogue_change(store, rec, sorted(k for k in clean if k != "status"))
        return store.update(kind, rec.uuid, clean, task=edit_task(store, rec))


def approval_undone(before: Record, after: Record) -> str | None:
    """What an edit did to an approval, in words, when it changed content that stood approved: the
    new version is no longer approved and needs approving again. None when nothing stood approved."""

    current = content_hash(before)
    approved = next((a for a in reversed(before.approvals) if a.meaning == "approved" and a.content == current), None)
    if approved is None or content_hash(after) == current:
        return None
    return _("{ref} was approved in v{approved}; version {version} is {status} and needs approving again").format(
        ref=after.id, approved=approved.version, version=after.version, status=code_word("status", after.status))


def edit_task(store: StorePort, rec: Record) -> str | None:
    """The task an edit of `rec` performs. A draft (a catalogue entry the setup made, an agreement
    not yet approved) is still being written by the task that creates it (RE.1.1, RE.2.1...). The
    procedures (WP.17) are updated from a deployment review (CO.3.5) only once a deployment was
    reviewed; before that an edit still defines them (CO.1.2)."""
    created = CREATE_TASK.get(rec.WP or "")
    if created and getattr(rec, "status", None) == "draft":
        return created  # a draft is still being written: the task that drafts it, not a review's
    task = EDIT_TASK.get(rec.WP or "")
    if task == "CO.3.5" and not store.exists("change_requests", {"state": "reviewed"}):
        return "CO.1.2"
    return task


def approve(store: StorePort, kind: str, ref: str, who: str | None = None, *, how: str = "signature",
            meaning: str = "approved", noted_by: str | None = None, note: str | None = None,
            mitigation: str | None = None, sign: bool = False, key: str | None = None,
            evidence: str | None = None) -> Record:
    """Record an approval of the current version (see core.approvals); a draft becomes approved."""

    return approve_version(store, kind, ref, who, how=how, meaning=meaning, noted_by=noted_by, note=note,
                           mitigation=mitigation, sign=sign, key=key, evidence=evidence)
