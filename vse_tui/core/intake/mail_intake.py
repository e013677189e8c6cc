"""What a message that came in does: a new incident (IN.2.1), or the customer's reply on one.

A new message becomes an incident with its subject as the summary, its text as the details, opened
when the shop received it (the import: a Date header is what the sender's computer said, kept and
shown with the message, never the incident's opening time, which the service-level figures count
from), its sender as the reporter (name and address kept; the customer found from a contact's address or
the customer's domain), its attachments as the incident's files and its Message-ID kept. A reply
(`[INC-0042]` in the subject, or In-Reply-To/References naming a message of ours) is added to
that incident as the customer's reply; an incident waiting for the customer resumes, a closed one
is reopened (no more than REOPENS_PER_HOUR times an hour by mail: a loop stops there). The same
message never makes two incidents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, ngettext, pgettext, using
from vse_tui.i18n import language as language_now

from ..governance.people import language_of
from ..incidents.process import NOTIFY_TEMPLATE, _get, log_incident, message_for, notify, reopen, set_waiting
from ..kernel import clock
from ..kernel.errors import InputError, NotFound
from ..model.records.registry import PREFIXES
from .mail import REOPENS_PER_HOUR, Incoming, outgoing, wire
from .mail_delivery import _told, bounced

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.control import ChangeRequest
    from ..model.records.governance import FeedbackEntry
    from ..model.records.incident import Incident


@dataclass
class Outcome:
    """What became of one message: "new", "reply", "held" (a stranger's mail to a closed incident,
    kept for a person to accept), "bounce" (a delivery report about a message of ours), "known"
    (seen before), "skipped" (never an incident: `why`), "unreadable" (left in place: `why`)."""

    what: str
    incident: str | None = None  # the record it landed on (an incident, a change, a feedback entry)
    why: str = ""


@dataclass
class IntakeResult:
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)  # (the message's name, what became of it)
    empty: str = ""  # when nothing was found: where it looked and why it found nothing

    def count(self, what: str) -> int:
        return sum(1 for _, o in self.outcomes if o.what == what)

    def line(self) -> str:
        if not self.outcomes and self.empty:
            return _("no message: {why}").format(why=self.empty)
        parts = [ngettext("{n} new incident", "{n} new incidents", self.count("new")).format(n=self.count("new")),
                 ngettext("{n} reply", "{n} replies", self.count("reply")).format(n=self.count("reply"))]
        if self.count("held"):
            parts.append(_("{n} held for a person (a stranger's mail to a closed incident)").format(n=self.count("held")))
        if self.count("bounce"):
            parts.append(_("{n} bounced (delivery reports on messages we sent)").format(n=self.count("bounce")))
        parts += [_("{n} already here").format(n=self.count("known")),
                  _("{n} skipped (automatic or bulk)").format(n=self.count("skipped")),
                  _("{n} unreadable").format(n=self.count("unreadable"))]
        return ", ".join(parts)


def receive(store: StorePort, mail: Incoming, known: set[str], max_attachment: int = 25 << 20) -> Outcome:
    """Turn one message into an incident or a reply (see the module's doc). `known`: the message
    ids already here (updated)."""
    if mail.error:
        return Outcome("unreadable", why=mail.error)
    if mail.key in known:
        return Outcome("known")
    if mail.bounce is not None:
        meta, why = bounced(store, mail.bounce)
        known.add(mail.key)
        if meta is None:
            return Outcome("skipped", why=why)
        return Outcome("bounce", meta.get("id"), why=f"{meta.get('to')}: {why}")
    if mail.skip:
        return Outcome("skipped", why=mail.skip)
    target = _replied_to(store, mail)
    if target is not None and target[0] == "incidents":
        outcome = _reply(store, target[1], mail)
    elif target is not None:
        outcome = _reply_about(store, target[0], target[1], mail)
    else:
        outcome = _new(store, mail, max_attachment)
    known.add(mail.key)
    return outcome


def _replied_to(store: StorePort, mail: Incoming) -> tuple[str, Any] | None:
    """(kind, record) a message answers: the tag in its subject ([INC-n], [CHG-n], [FB-n]), else a
    Message-ID of ours (or of a message on a record) in its In-Reply-To or References."""

    if mail.ticket:
        kind = PREFIXES.get(mail.ticket.split("-", 1)[0])
        row = store.row("incidents", ["uuid", "id", "status", "state"], {"id": mail.ticket}) if kind == "incidents" \
            else None
        if kind and row:  # the common case, read without the incident's whole thread

            return kind, SimpleNamespace(uuid=row[0], id=row[1], status=row[2], state=row[3])
        if kind:
            try:
                return kind, store.get(kind, mail.ticket)
            except NotFound:
                pass
    found = store.record_for_messages(mail.references)
    if found:
        try:
            return found[0], store.get(found[0], found[1])
        except NotFound:
            return None
    return None


def _entry(mail: Incoming, kind: str) -> dict[str, Any]:
    """A message as an incident's mail keeps it (checked by the model), in its stored form."""
    # here, not at the top: importing it loads pydantic
    from ..model.records.incident import Mail

    now = clock.now()
    return Mail(message_id=mail.key, sender=mail.sender, sender_name=mail.sender_name, subject=mail.subject,
                at=mail.date or now, received_at=now, text=mail.text, kind=kind).model_dump(mode="json")


def _new(store: StorePort, mail: Incoming, max_attachment: int) -> Outcome:
    customer = _customer_for(store, mail.sender)
    reporter = mail.sender_name or mail.sender
    with store.transaction():
        inc = log_incident(store, mail.subject or "(no subject)", customer=customer, use_last=False,
                           reporter=reporter, reporter_contact=mail.sender,
                           details=mail.text or "(the message had no text)")
        store.append("incidents", inc.uuid, "mail", [_entry(mail, "new")], task="IN.2.1")
        for name, data in mail.attachments:
            _attach(store, inc, name, data, max_attachment)
    return Outcome("new", inc.id)


def may_reopen(store: StorePort, inc: Incident, sender: str) -> bool:
    """Whether mail from `sender` may reopen the closed incident `inc`: the reporter's address, an
    address that wrote on it before, or a contact (or the domain) of its customer. Anyone else's
    mail is held for a person to accept (a stranger who knows the tag cannot reopen it)."""
    sender = (sender or "").strip().lower()
    if not sender:
        return False
    if sender == (inc.reporter_contact or "").strip().lower():
        return True
    if any(m.sender == sender and m.kind != "held" for m in inc.mail):
        return True
    if any((n.address or "").lower() == sender for n in inc.notifications):
        return True
    return bool(inc.customer) and _customer_for(store, sender) == inc.customer


def _reply(store: StorePort, inc: Any, mail: Incoming) -> Outcome:
    """A reply on an incident: added to its mail (the message once, never the thread again); an
    incident waiting for the customer resumes; a closed one reopens when the sender may reopen it
    (may_reopen), else the message is held for a person."""

    with store.transaction():
        row = store.row("incidents", ["status", "state"], {"uuid": inc.uuid})
        status, state = (row[0], row[1]) if row else (inc.status, inc.state)
        if status == "closed":
            current = store.get("incidents", inc.uuid)
            if not may_reopen(store, current, mail.sender):
                store.append("incidents", inc.uuid, "mail", [_entry(mail, "held")], task="IN.2.2")
                return Outcome("held", inc.id, why=_("{sender} is not the reporter nor a contact of its customer "
                                                     "(vse-tui mail accept {id})").format(
                    sender=mail.sender or _("no address"), id=inc.id))
        store.append("incidents", inc.uuid, "mail", [_entry(mail, "reply")], task="IN.2.2")
        if state == "waiting for customer":
            set_waiting(store, inc.id or inc.uuid, None)  # the customer answered: the clock runs again
        elif status == "closed":
            current = store.get("incidents", inc.uuid)
            hour_ago = clock.now() - timedelta(hours=1)
            recent = [m for m in current.mail if m.kind == "reply" and m.received_at >= hour_ago]
            if len(recent) <= REOPENS_PER_HOUR:
                reopen(store, current.uuid, _("the customer replied by mail: {subject}").format(
                    subject=mail.subject or _("(no subject)")))
    return Outcome("reply", inc.id)


def accept_held(store: StorePort, ref: str, message_id: str | None = None) -> Incident:
    """A person accepts a held message (the latest one, or the one with `message_id`): it becomes a
    reply on the incident, which reopens when closed. Returns the incident."""

    inc = store.get("incidents", ref)
    held = [i for i, m in enumerate(inc.mail) if m.kind == "held" and (message_id is None or m.message_id == message_id)]
    if not held:
        raise InputError(_("{id} holds no message waiting for a person").format(id=inc.id) if message_id is None else
                         _("{id} holds no held message {message_id}").format(id=inc.id, message_id=message_id))
    entries = list(inc.mail)
    entry = entries[held[-1]]
    entries[held[-1]] = entry.model_copy(update={"kind": "reply"})
    with store.transaction():
        store.update("incidents", inc.uuid, {"mail": entries}, task="IN.2.2")
        if inc.status == "closed":
            reopen(store, inc.uuid, _("{who} accepted mail from {sender}: {subject}").format(
                who=store.actor.operator, sender=entry.sender, subject=entry.subject or _("(no subject)")))
    return store.get("incidents", inc.uuid)


def _reply_about(store: StorePort, kind: str, record: Any, mail: Incoming) -> Outcome:
    """A reply to a change notice or a feedback answer: kept in the record's history (who, when,
    the subject and the text)."""
    store.log_event(kind, record, "mail", None, None,
                    {"state": "reply", "message_id": mail.key, "from": mail.sender, "name": mail.sender_name,
                     "subject": mail.subject, "at": clock.iso(mail.date or clock.now()), "text": mail.text})
    return Outcome("reply", record.id)


def _attach(store: StorePort, inc: Any, name: str, data: bytes, max_attachment: int) -> None:
    # here, not at the top: importing it loads pydantic
    from ..model.records.parties import Attachment

    safe = "".join(c for c in name if c.isprintable() and c not in "/\\")[:255] or "attachment.bin"
    try:
        sha, size = store.keep_bytes(data, max_attachment)
    except InputError:
        return
    store.add(Attachment(record=inc.uuid, name=safe, sha256=sha, size=size, note=_("came with the message")))


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


def notify_address(store: StorePort, inc: Any, to: str | None = None) -> str:
    """Where an incident's notice goes: `to`, else the reporter's contact, else the e-mail of the
    person of the reporter's name; without "@" when there is no address to write to."""
    address = (to or inc.reporter_contact or "").strip()
    if "@" not in address:
        contact = store.row("people", ["email"], {"name": inc.reporter}) if inc.reporter else None
        address = (contact[0] if contact else "") or address
    return address


def notify_by_mail(store: StorePort, ref: str, *, task: str, sender: str, message: str | None = None,
                   to: str | None = None) -> tuple[Any, ...]:
    """IN.2.3/IN.2.4/IN.2.5 by e-mail: the policy's message filled in, recorded as the notification
    (with its Message-ID and address, state queued) and queued in the outbox as a real message. It
    counts as a response once a server accepted it (core.mail_delivery). Returns the incident and
    the queued file."""

    inc = _get(store, ref)
    address = notify_address(store, inc, to)
    if not (to or "").strip() and "@" not in address:  # a phone number, or nothing: no address to write to
        raise InputError(_("{id}: the reporter has no e-mail address: give the address to write to, or record "
                           "how they were told (by phone, in person)").format(id=inc.id))
    if message is None:  # the policy's message, in the language of whoever it goes to
        language = language_of(store, address, name=inc.reporter or "", organisation=inc.customer)
        text = message_for(store, inc, NOTIFY_TEMPLATE[task], language=language or language_now())
    else:
        text = message
    first = next((m.message_id for m in inc.mail if m.kind == "new"), None)
    told = _told(store, inc, address)
    msg = outgoing(inc, to=address, to_name=told if told != address else "", sender=sender,
                   shop=store.setting("shop_name", "") or "", text=text, in_reply_to=first)
    mid = str(msg["Message-ID"]).strip()
    with store.transaction():
        updated = notify(store, inc.id or inc.uuid, task=task, to=told, how="email", message=text,
                         mail={"message_id": mid, "address": address, "state": "queued", "delivery": "queued"})
        path = store.queue_mail(wire(msg), {"incident": updated.uuid, "id": updated.id, "message_id": mid,
                                            "task": task, "to": address, "attempts": 0, "error": ""})
    return updated, path


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
    """The answer to a feedback entry, in the current language (mail_draft chooses the contact's)."""
    outcome = (entry.investigation_outcome or "").strip()
    if not outcome:
        raise InputError(_("{id} has no investigation outcome yet: record what was found (or give the "
                           "message to send)").format(id=entry.id))
    greeting = greeting or (entry.contact if entry.contact and "@" not in entry.contact else "")
    when = clock.to_local(entry.received_at).strftime("%Y-%m-%d") if entry.received_at else ""
    shop = store.setting("shop_name", "") or ""
    if when:
        thanks = {"compliment": pgettext("mail", "Thank you for your compliment of {day} ({ref})."),
                  "complaint": pgettext("mail", "Thank you for your complaint of {day} ({ref})."),
                  }.get(entry.feedback_type, pgettext("mail", "Thank you for your comment of {day} ({ref})."))
    else:
        thanks = {"compliment": pgettext("mail", "Thank you for your compliment ({ref})."),
                  "complaint": pgettext("mail", "Thank you for your complaint ({ref})."),
                  }.get(entry.feedback_type, pgettext("mail", "Thank you for your comment ({ref})."))
    return (_hello(greeting) + "\n\n" + thanks.format(day=when, ref=entry.id) + "\n"
            + f"{entry.description.strip()}\n\n" + pgettext("mail", "What we found and did:") + f"\n{outcome}\n\n"
            f"{who}{', ' + shop if shop else ''}")


def _hello(name: str) -> str:
    """The first line of a mail to a customer."""
    return pgettext("mail", "Hello {name},").format(name=name) if name else pgettext("mail", "Hello,")


def change_notice_text(store: StorePort, change: ChangeRequest, who: str, greeting: str = "") -> str:
    """The notice of a planned change to its customer, in the current language (mail_draft chooses
    the contact's)."""
    def moment(value: datetime | None) -> str:
        return clock.to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""

    start, end = moment(change.planned_at), moment(change.planned_end)
    when = (pgettext("mail", "{start} to {end}").format(start=start, end=end) if start and end
            else start or pgettext("mail", "not scheduled yet; we will write again when it is"))
    service = store.row("services", ["name"], {"uuid": change.service}) if change.service else None
    lines = [_hello(greeting) + "\n\n" + pgettext("mail", "We plan a change that concerns you: {ref} {title}.").format(
        ref=change.id, title=change.title), pgettext("mail", "When: {when}").format(when=when)]
    if service:
        lines.append(pgettext("mail", "Service: {service}").format(service=service[0]))
    if change.business_impact.strip():
        lines.append(pgettext("mail", "What it means for you: {impact}").format(impact=change.business_impact.strip()))
    if change.backout_plan.strip():
        lines.append(pgettext("mail", "If it has to be undone: {backout}").format(backout=change.backout_plan.strip()))
    shop = store.setting("shop_name", "") or ""
    lines.append("\n" + pgettext("mail", "Reply to this message with any question.")
                 + f"\n\n{who}{', ' + shop if shop else ''}")
    return "\n".join(lines)


def mail_draft(store: StorePort, kind: str, ref: str, who: str = "", with_text: bool = True) -> dict[str, Any]:
    """What a feedback entry's answer or a change's notice would say and to whom: the record, the
    address found ("" when none), the name, the language it is written in (the contact's, else their
    organisation's, else the shop's), the subject and the text (an error when the text has nothing to
    say yet: a feedback entry not investigated)."""

    if kind not in ("feedback", "change_requests"):
        raise InputError(_("mail about a {kind} record is not something we send").format(kind=kind))
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
        where = _("the entry's contact, or a contact of its company")  # for the one at the keyboard
        language = language_of(store, address, name=name, organisation=record.company) or language_now()
        with using(language):
            return {"record": record, "address": address, "name": name, "language": language,
                    "where": where, "subject": {
                        "compliment": pgettext("mail", "Your compliment: {text}"),
                        "complaint": pgettext("mail", "Your complaint: {text}"),
                    }.get(record.feedback_type, pgettext("mail", "Your comment: {text}")).format(
                        text=record.description.strip().splitlines()[0][:80]),
                    "text": feedback_answer_text(store, record, who, name) if with_text else ""}
    address, name = _contact_address(store, record.customer)
    where = _("a contact of the change's customer")
    language = language_of(store, address, name=name, organisation=record.customer) or language_now()
    with using(language):
        return {"record": record, "address": address, "name": name, "language": language,
                "where": where,
                "subject": pgettext("mail", "Planned change: {title}").format(title=record.title),
                "text": change_notice_text(store, record, who, name) if with_text else "",
                "warning": window_past(record)}


def window_past(change: ChangeRequest) -> str:
    """A warning when a change's window is already over (or began): a notice of a planned change
    would then tell the customer of something that already happened. "" when it is ahead."""
    end = change.planned_end or change.planned_at
    if end is None or end > clock.now():
        return ""
    if change.planned_end:
        return _("{id}'s window ({start} to {end}) is already past: the notice speaks of a planned change; reschedule "
                 "it or say so in --message").format(id=change.id, start=clock.local_text(change.planned_at),
                                                     end=clock.local_text(change.planned_end))
    return _("{id}'s window ({start}) is already past: the notice speaks of a planned change; reschedule it or say so "
             "in --message").format(id=change.id, start=clock.local_text(change.planned_at))


def mail_about(store: StorePort, kind: str, ref: str, *, sender: str, who: str = "", to: str | None = None,
               message: str | None = None) -> tuple[Any, Any, str]:
    """A feedback entry's answer or a change's notice as a real message, queued in the outbox; the
    record's history keeps what was queued, to whom, with its Message-ID, and later each delivery
    or failure. Returns the record, the queued file and the address."""

    if message is not None and not message.strip():
        raise InputError(_("Message: say something"))
    draft = mail_draft(store, kind, ref, who, with_text=message is None)
    record = draft["record"]
    text = message if message is not None else draft["text"]
    address = (to or draft["address"] or "").strip()
    if not (to or "").strip() and "@" not in address:  # a phone number, or nothing: no address to write to
        raise InputError(_("To: no e-mail address for {id} ({where}); give one").format(id=record.id, where=draft['where']))
    msg = outgoing(record, to=address, to_name=draft["name"], sender=sender,
                   shop=store.setting("shop_name", "") or "", text=text, subject=draft["subject"])
    mid = str(msg["Message-ID"]).strip()
    with store.transaction():
        store.log_event(kind, record, "mail", None, None,
                        {"state": "queued", "to": address, "message_id": mid, "subject": str(msg["Subject"]),
                         "text": text})
        path = store.queue_mail(wire(msg), {"kind": kind, "record": record.uuid, "id": record.id,
                                             "message_id": mid, "task": "answer" if kind == "feedback" else "notice",
                                             "to": address, "attempts": 0, "error": ""})
    return record, path, address


__all__ = ["IntakeResult", "Outcome", "accept_held", "mail_about", "mail_draft", "may_reopen", "notify_address",
           "notify_by_mail", "receive"]
