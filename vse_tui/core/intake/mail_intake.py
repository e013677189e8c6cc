"""What a message that came in does: a new incident (IN.2.1), or the customer's reply on one.

A new message becomes an incident with its subject as the summary, its text as the details, its
sender as the reporter (name and address kept; the customer found from a contact's address or
the customer's domain), its attachments as the incident's files and its Message-ID kept. A reply
(`[INC-0042]` in the subject, or In-Reply-To/References naming a message of ours) is added to
that incident as the customer's reply; an incident waiting for the customer resumes, a closed one
is reopened (no more than REOPENS_PER_HOUR times an hour by mail: a loop stops there). The same
message never makes two incidents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..kernel import clock
from ..kernel.errors import InputError, NotFound, VseError
from .mail import REOPENS_PER_HOUR, Incoming

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.control import ChangeRequest
    from ..model.records.governance import FeedbackEntry
    from ..model.records.incident import Incident, Mail


@dataclass
class Outcome:
    """What became of one message: "new", "reply", "known" (seen before), "skipped" (never an
    incident: `why`), "unreadable" (left in place: `why`)."""

    what: str
    incident: str | None = None
    why: str = ""


@dataclass
class IntakeResult:
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)  # (the message's name, what became of it)

    def count(self, what: str) -> int:
        return sum(1 for _, o in self.outcomes if o.what == what)

    def line(self) -> str:
        return (f"{self.count('new')} new incidents, {self.count('reply')} replies, {self.count('known')} already "
                f"here, {self.count('skipped')} skipped (automatic or bulk), {self.count('unreadable')} unreadable")


def receive(store: StorePort, mail: Incoming, known: set[str], max_attachment: int = 25 << 20) -> Outcome:
    """Turn one message into an incident or a reply (see the module's doc). `known`: the message
    ids already here (updated)."""
    if mail.error:
        return Outcome("unreadable", why=mail.error)
    if mail.key in known:
        return Outcome("known")
    if mail.skip:
        return Outcome("skipped", why=mail.skip)
    target = _replied_to(store, mail)
    if target is not None:
        outcome = _reply(store, target, mail)
    else:
        outcome = _new(store, mail, max_attachment)
    known.add(mail.key)
    return outcome


def _replied_to(store: StorePort, mail: Incoming) -> Incident | None:
    if mail.ticket:
        try:
            return store.get("incidents", mail.ticket)
        except NotFound:
            pass
    uuid = store.incident_for_messages(mail.references)
    return store.get("incidents", uuid) if uuid else None


def _entry(mail: Incoming, kind: str) -> Mail:
    from ..model.records.incident import Mail

    now = clock.now()
    return Mail(message_id=mail.key, sender=mail.sender, sender_name=mail.sender_name, subject=mail.subject,
                at=mail.date or now, received_at=now, text=mail.text, kind=kind)


def _new(store: StorePort, mail: Incoming, max_attachment: int) -> Outcome:
    from ..incidents.process import log_incident

    customer = _customer_for(store, mail.sender)
    reporter = mail.sender_name or mail.sender
    with store.transaction():
        inc = log_incident(store, mail.subject or "(no subject)", customer=customer, use_last=False,
                           reporter=reporter, reporter_contact=mail.sender,
                           details=mail.text or "(the message had no text)")
        store.update("incidents", inc.uuid, {"mail": [_entry(mail, "new")]}, task="IN.2.1")
        for name, data in mail.attachments:
            _attach(store, inc, name, data, max_attachment)
    return Outcome("new", inc.id)


def _reply(store: StorePort, inc: Incident, mail: Incoming) -> Outcome:
    from ..incidents.process import reopen, set_waiting

    with store.transaction():
        current = store.get("incidents", inc.uuid)
        store.update("incidents", current.uuid, {"mail": [*current.mail, _entry(mail, "reply")]}, task="IN.2.2")
        current = store.get("incidents", inc.uuid)
        if current.state == "waiting for customer":
            set_waiting(store, current.uuid, None)  # the customer answered: the clock runs again
        elif current.status == "closed":
            hour_ago = clock.now() - timedelta(hours=1)
            recent = [m for m in current.mail if m.kind == "reply" and m.received_at >= hour_ago]
            if len(recent) <= REOPENS_PER_HOUR:
                reopen(store, current.uuid, f"the customer replied by mail: {mail.subject or '(no subject)'}")
    return Outcome("reply", inc.id)


def _attach(store: StorePort, inc: Incident, name: str, data: bytes, max_attachment: int) -> None:
    from ..model.records.parties import Attachment

    safe = "".join(c for c in name if c.isprintable() and c not in "/\\")[:255] or "attachment.bin"
    try:
        sha, size = store.keep_bytes(data, max_attachment)
    except InputError:
        return
    store.add(Attachment(record=inc.uuid, name=safe, sha256=sha, size=size, note="came with the message"))


def _customer_for(store: StorePort, address: str) -> str | None:
    """The customer a sender belongs to: a contact's address, else the customer's own domain."""
    if not address:
        return None
    row = store.row("people", ["organisation"], {"email": address, "affiliation": "customer"})
    if row and row[0]:
        return row[0]
    domain = address.rsplit("@", 1)[-1]
    for uuid, email in store.rows("customers", ["uuid", "email"]):
        if email and email.lower().rsplit("@", 1)[-1] == domain:
            return uuid
    return None


def notify_by_mail(store: StorePort, ref: str, *, task: str, sender: str, message: str | None = None,
                   to: str | None = None) -> tuple[Any, ...]:
    """IN.2.3/IN.2.4/IN.2.5 by e-mail: the policy's message filled in, recorded as the notification
    (with its Message-ID and address) and queued in the outbox as a real message. Returns the
    incident and the queued file."""
    from ..incidents.process import NOTIFY_TEMPLATE, _get, message_for, notify
    from .mail import outgoing

    inc = _get(store, ref)
    address = (to or inc.reporter_contact or "").strip()
    if "@" not in address:
        contact = store.row("people", ["email"], {"name": inc.reporter}) if inc.reporter else None
        address = (contact[0] if contact else "") or address
    text = message if message is not None else message_for(store, inc, NOTIFY_TEMPLATE[task])
    first = next((m.message_id for m in inc.mail if m.kind == "new"), None)
    msg = outgoing(inc, to=address, to_name=inc.reporter, sender=sender,
                   shop=store.setting("shop_name", "") or "", text=text, in_reply_to=first)
    mid = str(msg["Message-ID"])
    with store.transaction():
        updated = notify(store, inc.id or inc.uuid, task=task, to=inc.reporter or address, how="email", message=text)
        notes = list(updated.notifications)
        notes[-1] = notes[-1].model_copy(update={"message_id": mid, "address": address, "delivery": "queued"})
        updated = store.update("incidents", updated.uuid, {"notifications": notes}, task=task)
        try:
            path = store.queue_mail(bytes(msg), {"incident": updated.uuid, "id": updated.id, "message_id": mid,
                                                 "task": task, "to": address, "attempts": 0, "error": ""})
        except VseError:
            raise
    return updated, path


def delivered(store: StorePort, incident_uuid: str, message_id: str, sent: bool, detail: str) -> None:
    """Record a delivery attempt on the notification it carried: sent (when, through what) or the
    error; a history row like every other change."""
    inc = store.get("incidents", incident_uuid)
    notes = list(inc.notifications)
    for i, n in enumerate(notes):
        if n.message_id == message_id:
            notes[i] = n.model_copy(update={"sent_at": clock.now() if sent else n.sent_at,
                                            "delivery": detail[:300]})
            store.update("incidents", inc.uuid, {"notifications": notes}, task=n.task)
            return


# ---------------------------------------------------------------- a feedback answer, a change notice


def _contact_address(store: StorePort, organisation: str | None) -> tuple[str, str]:
    """(address, name) of the first contact with an address at a customer or supplier, else the
    organisation's own address; ("", "") when there is none."""
    if not organisation:
        return "", ""
    for name, email in store.rows("people", ["name", "email"], {"organisation": organisation}, order="name"):
        if email and "@" in email:
            return email.strip(), name
    for kind in ("customers", "suppliers"):
        row = store.row(kind, ["email", "name"], {"uuid": organisation})
        if row and row[0] and "@" in row[0]:
            return row[0].strip(), row[1] or ""
    return "", ""


def feedback_answer_text(store: StorePort, entry: FeedbackEntry, who: str, greeting: str = "") -> str:
    outcome = (entry.investigation_outcome or "").strip()
    if not outcome:
        raise InputError(f"{entry.id} has no investigation outcome yet: record what was found (or give the "
                         "message to send)")
    greeting = greeting or (entry.contact if entry.contact and "@" not in entry.contact else "")
    when = clock.to_local(entry.received_at).strftime("%Y-%m-%d") if entry.received_at else ""
    shop = store.setting("shop_name", "") or ""
    return (f"Hello{' ' + greeting if greeting else ''},\n\n"
            f"Thank you for your {entry.feedback_type}{' of ' + when if when else ''} ({entry.id}).\n"
            f"{entry.description.strip()}\n\nWhat we found and did:\n{outcome}\n\n"
            f"{who}{', ' + shop if shop else ''}")


def change_notice_text(store: StorePort, change: ChangeRequest, who: str, greeting: str = "") -> str:
    def moment(value: datetime | None) -> str:
        return clock.to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""

    start, end = moment(change.planned_at), moment(change.planned_end)
    when = f"{start} to {end}" if start and end else start or "not scheduled yet; we will write again when it is"
    service = store.row("services", ["name"], {"uuid": change.service}) if change.service else None
    lines = [f"Hello{' ' + greeting if greeting else ''},\n\nWe plan a change that concerns you: {change.id} "
             f"{change.title}.", f"When: {when}"]
    if service:
        lines.append(f"Service: {service[0]}")
    if change.business_impact.strip():
        lines.append(f"What it means for you: {change.business_impact.strip()}")
    if change.backout_plan.strip():
        lines.append(f"If it has to be undone: {change.backout_plan.strip()}")
    shop = store.setting("shop_name", "") or ""
    lines.append(f"\nReply to this message with any question.\n\n{who}{', ' + shop if shop else ''}")
    return "\n".join(lines)


def mail_draft(store: StorePort, kind: str, ref: str, who: str = "", with_text: bool = True) -> dict[str, Any]:
    """What a feedback entry's answer or a change's notice would say and to whom: the record, the
    address found ("" when none), the name, the subject and the text (an error when the text has
    nothing to say yet: a feedback entry not investigated)."""
    if kind not in ("feedback", "change_requests"):
        raise InputError(f"mail about a {kind} record is not something we send")
    record: Any = store.get(kind, ref)  # a feedback entry or a change request, as kind says
    who = who or store.actor.operator
    if kind == "feedback":
        contact = (record.contact or "").strip()
        named = store.row("people", ["email", "name"], {"name": contact}) if contact and "@" not in contact else None
        if "@" in contact:
            address, name = contact, ""
        elif named and named[0] and "@" in named[0]:  # the person who gave it, by name
            address, name = named[0].strip(), named[1]
        else:
            address, name = _contact_address(store, record.company)
        name = name or (record.contact if "@" not in (record.contact or "") else "")
        return {"record": record, "address": address, "name": name, "where": "the entry's contact, or a contact of "
                "its company", "subject": f"Your {record.feedback_type}: "
                f"{record.description.strip().splitlines()[0][:80]}",
                "text": feedback_answer_text(store, record, who, name) if with_text else ""}
    address, name = _contact_address(store, record.customer)
    return {"record": record, "address": address, "name": name, "where": "a contact of the change's customer",
            "subject": f"Planned change: {record.title}",
            "text": change_notice_text(store, record, who, name) if with_text else ""}


def mail_about(store: StorePort, kind: str, ref: str, *, sender: str, who: str = "", to: str | None = None,
               message: str | None = None) -> tuple[Any, Any, str]:
    """A feedback entry's answer or a change's notice as a real message, queued in the outbox; the
    record's history keeps what was queued, to whom, with its Message-ID, and later each delivery
    or failure. Returns the record, the queued file and the address."""
    from .mail import outgoing

    if message is not None and not message.strip():
        raise InputError("Message: say something")
    draft = mail_draft(store, kind, ref, who, with_text=message is None)
    record = draft["record"]
    text = message if message is not None else draft["text"]
    address = (to or draft["address"] or "").strip()
    if not address:
        raise InputError(f"To: no e-mail address for {record.id} ({draft['where']}); give one")
    msg = outgoing(record, to=address, to_name=draft["name"], sender=sender,
                   shop=store.setting("shop_name", "") or "", text=text, subject=draft["subject"])
    mid = str(msg["Message-ID"])
    with store.transaction():
        store.log_event(kind, record, "mail", None, None,
                        {"state": "queued", "to": address, "message_id": mid, "subject": str(msg["Subject"]),
                         "text": text})
        path = store.queue_mail(bytes(msg), {"kind": kind, "record": record.uuid, "id": record.id,
                                             "message_id": mid, "task": "answer" if kind == "feedback" else "notice",
                                             "to": address, "attempts": 0, "error": ""})
    return record, path, address


def delivered_about(store: StorePort, kind: str, record_uuid: str, message_id: str, sent: bool, detail: str) -> None:
    """A delivery attempt of a feedback answer or a change notice, kept in the record's history."""
    record = store.get(kind, record_uuid)
    store.log_event(kind, record, "mail", None, None,
                    {"state": "sent" if sent else "not sent", "message_id": message_id, "detail": detail[:300]})


__all__ = ["IntakeResult", "Outcome", "delivered", "delivered_about", "mail_about", "mail_draft", "notify_by_mail", "receive"]
