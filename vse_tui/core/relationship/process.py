"""Service relationship (RE): the catalogue's change control and the feedback log's steps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..governance.people import person_ref
from ..kernel.errors import InputError, NotFound
from ..present.invalid import describe_validation_error
from ..present.labels import code_word, field_words

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.governance import FeedbackEntry
    from ..model.records.relationship import Service

# The steps of the customer experience approach (WP.04) an entry moves through, and where
# each may go next. Escalation is a side road from any open step.
FEEDBACK_NEXT: dict[str, tuple[str, ...]] = {
    "received": ("acknowledged", "escalated"),
    "acknowledged": ("investigated", "escalated"),
    "investigated": ("answered", "escalated"),
    "answered": ("closed", "escalated"),
    "escalated": ("investigated", "answered", "closed"),
    "closed": (),
}
FEEDBACK_TASK = "RE.2.3"


def catalogue_change(store: StorePort, service: Service, fields: list[str]) -> list[str]:
    """An approved catalogue entry changes through a change request (the note to RE.1.3): link
    the open one raised for it, or raise one now. Returns the entry's list of change requests."""
    # here, not at the top: importing it loads pydantic
    from ..model.records.control import ChangeRequest

    linked = list(getattr(service, "change_requests", []) or [])
    if linked and store.exists("change_requests", {"uuid": linked, "status": "draft", "state": "requested"}):
        return linked
    change = store.add(ChangeRequest(
        title=_("Catalogue change: {name}").format(name=service.name)[:300],
        purpose=_("Change the catalogue entry {id} ({fields}).").format(
            id=service.id, fields=", ".join(field_words(f) for f in fields)),
        scope=_("Service catalogue entry {id}").format(id=service.id), service=service.uuid, change_type="normal", risk="low",
        requested_by=store.actor.person or "",
    ), task="RE.1.3")
    return [*linked, change.uuid]


def log_feedback(store: StorePort, description: str, *, feedback_type: str = "comment", source: str = "customer",
                 company: str | None = None, contact: str = "", special_needs: str = "",
                 received_at: datetime | None = None, incidents: list[str] | None = None,
                 changes: list[str] | None = None) -> FeedbackEntry:
    """A new entry in the feedback log (RE.2.3), received now unless told otherwise."""
    from pydantic import ValidationError

    # here, not at the top: importing it loads pydantic
    from ..model.records.governance import FeedbackEntry

    description = (description or "").strip()
    if not description:
        raise InputError(_("Description: required (what did they say?)"))
    try:
        entry = FeedbackEntry(description=description, feedback_type=feedback_type, source=source, company=company,
                              contact=contact.strip(), special_needs=special_needs.strip(),
                              received_at=received_at or store.write_time(), incidents=incidents or [],
                              changes=changes or [])
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _("feedback entry"))) from None
    with store.transaction():
        saved = store.add(entry, task=FEEDBACK_TASK)
        if company:
            store.set_pref("last_feedback_company", company)
    return saved


def feedback_step(store: StorePort, ref: str, step: str, *, outcome: str = "",
                  signed_off_by: str | None = None) -> FeedbackEntry:
    """Move a feedback entry to its next step. Investigating records the outcome; closing needs a
    sign-off (who, and now). The log's status goes from maintained to updated on the first move."""
    entry = store.get("feedback", ref)
    allowed = FEEDBACK_NEXT.get(entry.state or "received", ())
    if step not in allowed:
        nxt = ", ".join(code_word("state", a) for a in allowed) if allowed else _("none: the entry is closed")
        raise InputError(_("{id} is {state}; it can go to {nxt}").format(id=entry.id, state=code_word("state", entry.state or "received"), nxt=nxt))
    changes: dict[str, Any] = {"state": step, "status": "updated"}
    outcome = (outcome or "").strip()
    if outcome:
        changes["investigation_outcome"] = (
            f"{entry.investigation_outcome}\n{outcome}".strip() if entry.investigation_outcome else outcome)
    if step == "investigated" and not (outcome or entry.investigation_outcome):
        raise InputError(_("Outcome: say what the investigation found"))
    if step == "closed":
        if not (signed_off_by or "").strip():
            raise InputError(_("Signed off by: required to close an entry (who agrees it is dealt with)"))
        who = person_ref(store, signed_off_by, _("Signed off by"), None)
        changes.update(signed_off_by=who, signed_off_at=store.write_time())
    return store.update("feedback", entry.uuid, changes, task=FEEDBACK_TASK)


def last_feedback_company(store: StorePort) -> str | None:
    value = store.pref("last_feedback_company")
    if value and (store.exists("customers", {"uuid": value}) or store.exists("suppliers", {"uuid": value})):
        return value
    return None


def company_name(store: StorePort, uuid: str | None) -> str:
    if not uuid:
        return ""
    for table in ("customers", "suppliers"):
        row = store.row(table, ["title"], {"uuid": uuid})
        if row:
            return row[0]
    raise NotFound(_("No customer or supplier {uuid}").format(uuid=uuid))


def record_no_suppliers(store: StorePort, none: bool = True) -> None:
    """Record that the shop has no suppliers (`none`), or withdraw that statement: a versioned
    setting with its history row (who said it, when), so that no task waits for a supplier
    agreement (WP.21) the shop cannot have. Refused while a supplier is recorded."""
    from .queries import NO_SUPPLIERS, current_suppliers

    if none:
        suppliers = current_suppliers(store)
        if suppliers:
            raise InputError(_("The shop has suppliers recorded ({names}): a supplier agreement (WP.21) is needed with "
                               "each; mark a supplier the shop no longer works with as former first").format(
                names=", ".join(sorted(suppliers.values()))))
    store.set_setting("suppliers", NO_SUPPLIERS if none else None, task="RE.2.1")
