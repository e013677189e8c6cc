"""What became of a message we sent, kept on the record it is about.

A message is *queued* when it is written to the outbox, *sent* when a mail server accepted it (its
reply kept), *refused* when a server said no for good (a 5xx code, kept with its words: the message
is held for a person, never retried by itself), *bounced* when a delivery status report came back
for it after it was accepted, and *dropped* when a person gave it up. A refused or bounced message
may be retried, to the same or another address: it is queued again. A temporary failure (a 4xx
code, a server that cannot be reached) leaves it queued: the outbox notes the attempt, the record
does not change. The record gains one history row per change of state, never one per attempt.

Only a message that was sent is evidence that someone was told: the response time of an incident
is the moment its first IN.2.3 notice was accepted by a server (or a call recorded with what was
said), never the moment it was queued; a notice refused or bounced takes that back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, either

from ..kernel import clock
from ..kernel.errors import InputError, NotFound
from ..present.labels import code_word

if TYPE_CHECKING:
    from pathlib import Path

    from ..model.ports import Reader, StorePort
    from .mail import Bounce

STATES = ("queued", "sent", "refused", "bounced", "dropped")
FAILED = ("refused", "bounced", "dropped")
# a message received this far from the Date it carries shows that Date beside when it came in
DATED_APART = timedelta(minutes=15)


def state_word(state: str | None) -> str:
    """A mail's delivery state as a person reads it, in their language (the code is what is stored)."""
    return code_word("mail", state)


def delivery_state(note: Any) -> str:
    """The state of the mail that carried a notification ("" when it was no mail of ours: a call,
    a mail written by hand and recorded)."""
    if getattr(note, "state", ""):
        return note.state
    if not note.message_id:
        return ""
    return "sent" if note.sent_at else "queued"


def reached(note: Any) -> bool:
    """Whether a notification is evidence that the party was told: recorded by a person (a call,
    a conversation, a mail sent by hand), or a mail of ours that a server accepted and that did not
    come back."""
    return delivery_state(note) in ("", "sent")


def told_at(note: Any) -> datetime | None:
    """When the party was told by this notification: when its mail was accepted, or when it was
    recorded; None when it did not reach them."""
    if not reached(note):
        return None
    return note.sent_at or note.at


def first_response(notes: list[Any]) -> datetime | None:
    """The first moment an IN.2.3 notification reached the party (None when none did)."""
    return min((t for n in notes if n.task == "IN.2.3" and (t := told_at(n)) is not None), default=None)


def record_state(store: StorePort, meta: dict[str, Any], state: str, detail: str, *,
                 at: datetime | None = None) -> bool:
    """Set the delivery state of the outbox message `meta` on the record it is about; a history row
    only when the state (or the address) changes. Returns whether the record changed."""
    if state not in STATES:
        raise ValueError(state)
    if meta.get("incident") and meta.get("message_id"):
        return _on_incident(store, meta, state, detail, at)
    if meta.get("kind") and meta.get("record") and meta.get("message_id"):
        try:
            record = store.get(meta["kind"], meta["record"])
        except NotFound:
            return False
        last = last_mail_state(store, meta["kind"], record.uuid, meta["message_id"])
        if last == (state, meta.get("to", "")):
            return False
        store.log_event(meta["kind"], record, "mail", None, None,
                        {"state": state, "message_id": meta["message_id"], "to": meta.get("to", ""),
                         "detail": detail[:300]})
        return True
    return False


def last_mail_state(store: StorePort, kind: str, uuid: str, message_id: str) -> tuple[str, str] | None:
    """(state, address) of the last mail history row of a change or feedback entry about one message."""

    for row in reversed(store.history(uuid)):
        if row.get("action") != "mail" or not row.get("new_value"):
            continue
        try:
            value = json.loads(row["new_value"])
        except ValueError:
            continue
        if isinstance(value, dict) and value.get("message_id") == message_id:
            return str(value.get("state", "")), str(value.get("to", ""))
    return None


def _on_incident(store: StorePort, meta: dict[str, Any], state: str, detail: str, at: datetime | None) -> bool:
    try:
        inc = store.get("incidents", meta["incident"])
    except NotFound:
        return False
    notes = list(inc.notifications)
    for i, note in enumerate(notes):
        if note.message_id != meta["message_id"]:
            continue
        address = meta.get("to") or note.address
        if delivery_state(note) == state and note.address == address:
            return False
        when = at or store.write_time()
        update: dict[str, Any] = {"state": state, "delivery": detail[:300], "address": address}
        if state == "sent":
            update["sent_at"] = when
        elif state == "queued":
            update["sent_at"] = None
        if address != note.address:
            update["to"] = _told(store, inc, address)
        notes[i] = note.model_copy(update=update)
        changes: dict[str, Any] = {"notifications": notes}
        first = first_response(notes)
        if inc.responded_at is None and first is not None:
            changes["responded_at"] = first
        elif inc.responded_at is not None and first != inc.responded_at and _set_by_mail(inc, note):
            changes["responded_at"] = first  # the notice that stood for the response did not reach them
        with store.transaction():
            store.update("incidents", inc.uuid, changes, task=note.task)
        return True
    return False


def _set_by_mail(inc: Any, note: Any) -> bool:
    """Whether the incident's response time stands on a notice's delivery (it equals the moment a
    notice of ours was accepted), so that a notice that came back takes it back."""
    return note.task == "IN.2.3" and any(n.sent_at == inc.responded_at for n in inc.notifications
                                         if n.task == "IN.2.3" and n.message_id)


def _told(store: StorePort, inc: Any, address: str) -> str:
    """Who a notification names as told: the reporter when it went to their address, else the person
    with that address, else the address itself."""
    if address and address.lower() == (inc.reporter_contact or "").strip().lower() and inc.reporter:
        return inc.reporter
    row = store.row("people", ["name"], {"email": address}) if address else None
    return (row[0] if row and row[0] else "") or address


# ---------------------------------------------------------------- each message, as the screens and `show` list it


@dataclass
class Message:
    """One message on a record as a person reads it: which way it went, when, with whom, what
    became of it (queued, sent, refused, bounced, dropped; a reply, held for a person; for a
    notification given another way, how), the server's words, the subject and the text."""

    at: datetime | None
    way: str  # "to" (ours) or "from" (theirs)
    who: str
    state: str
    detail: str = ""
    subject: str = ""
    text: str = ""
    task: str = ""
    by: str = ""  # the person of the shop who told them (a notification)

    def heading(self, names: dict[str, str] | None = None) -> str:
        """One line: when, which way, with whom, what became of it (`names`: person uuid -> name)."""
        when = clock.local_text(self.at) if self.at else ""
        what = {"new": _("opened it"), "reply": _("a reply"), "held": _("HELD for a person (not the reporter nor a "
                                                                         "contact of the customer)")}.get(self.state)
        what = what or code_word("mail", self.state)  # queued, sent, refused...: the stored code in words
        if self.way == "from":
            line = f"{when}  " + _("mail from {who}: {what}").format(who=self.who, what=what)
        elif self.task:
            line = f"{when}  " + _("{task} to {who}: {what}").format(task=self.task, who=self.who, what=what)
        else:
            line = f"{when}  " + _("to {who}: {what}").format(who=self.who, what=what)
        if self.detail and self.detail != self.state:
            line += f" ({self.detail})"
        if self.by:
            line += ", " + _("by {who}").format(who=(names or {}).get(self.by, self.by))
        return line


def mail_texts(store: Reader, uuid: str) -> dict[str, str]:
    """Message-ID -> text of each message on an incident: kept once, in the history row that added
    it (the incident's row keeps the message without its text)."""

    out: dict[str, str] = {}
    for row in store.history(uuid):
        if row.get("action") != "append" or row.get("field") != "mail":
            continue
        try:
            items = json.loads(row.get("new_value") or "[]")
        except ValueError:
            continue
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("message_id"):
                out[str(item["message_id"])] = str(item.get("text", ""))
    return out


def messages_of(store: Reader, kind: str, record: Any) -> list[Message]:
    """Every message on a record, oldest first: for an incident the mail that came in and each
    notification (with its delivery state); for a change or a feedback entry the notices or answers
    sent (each with its last state) and the replies, from its history."""
    out: list[Message] = []
    if kind == "incidents":
        texts = mail_texts(store, record.uuid) if any(not m.text for m in record.mail) else {}
        for m in record.mail:  # when the shop received it; the Date it carries said beside it when far from that
            dated = _("dated {when} by its sender").format(when=clock.local_text(m.at)) \
                if abs(m.at - m.received_at) > DATED_APART else ""
            out.append(Message(m.received_at, "from", f"{m.sender_name} <{m.sender}>" if m.sender_name else m.sender,
                               m.kind, dated, subject=m.subject, text=m.text or texts.get(m.message_id, "")))
        for n in record.notifications:
            state = delivery_state(n)
            who = f"{n.to} <{n.address}>" if n.address and n.address != n.to else (n.address or n.to)
            out.append(Message(n.sent_at if state == "sent" and n.sent_at else n.at, "to", who,
                               state or _("told by {how}").format(how=code_word("how", n.how)),
                               n.delivery if state else "", text=n.message, task=n.task,
                               by=n.by))
    else:
        sent: dict[str, Message] = {}
        for row in store.history(record.uuid):
            if row.get("action") != "mail":
                continue
            try:
                value = json.loads(row.get("new_value") or "{}")
            except ValueError:
                continue
            if not isinstance(value, dict):
                continue
            at = clock.parse_datetime(row["at"]) if row.get("at") else None
            state = str(value.get("state", ""))
            if state == "reply":
                who = f"{value.get('name')} <{value.get('from')}>" if value.get("name") else str(value.get("from", ""))
                out.append(Message(at, "from", who, "reply", subject=str(value.get("subject", "")),
                                   text=str(value.get("text", ""))))
                continue
            mid = str(value.get("message_id", ""))
            if mid in sent:
                known = sent[mid]
                known.state, known.detail = state, str(value.get("detail", ""))
                known.who = str(value.get("to") or known.who)
                if state == "sent":
                    known.at = at
            else:
                sent[mid] = Message(at, "to", str(value.get("to", "")), state, str(value.get("detail", "")),
                                    str(value.get("subject", "")), str(value.get("text", "")))
                out.append(sent[mid])
    return sorted(out, key=lambda m: m.at.isoformat() if m.at else "")


# ---------------------------------------------------------------- the outbox, as a person handles it


def find_message(store: StorePort, ref: str, *, states: tuple[str, ...] = STATES) -> tuple[Path, dict[str, Any]]:
    """One message of the outbox by its key (as `mail outbox` lists it, or its start) or by its
    record's id when that record has one such message."""
    ref = (ref or "").strip()
    if not ref:
        raise InputError(_("Say which message: its key as `vse-tui mail outbox` lists it, or its record's id"))
    items = [(p, m) for p, m in store.outbox_all() if m.get("state") in states]
    by_key = [(p, m) for p, m in items if str(m.get("key", "")).lower().startswith(ref.lower())]
    by_record = [(p, m) for p, m in items if str(m.get("id", "")).upper() == ref.upper()]
    found = by_key or by_record
    if not found:
        if states != STATES:
            raise InputError(_("No message {ref} that is {states} (see `vse-tui mail outbox`)").format(
                ref=ref, states=either(states)))
        raise InputError(_("No message {ref} in the outbox (see `vse-tui mail outbox`)").format(ref=ref))
    if len(found) > 1:
        keys = ", ".join(str(m.get("key")) for _, m in found)
        raise InputError(_("{ref} names {n} messages ({keys}): give the key of one").format(ref=ref, n=len(found), keys=keys))
    return found[0]


def drop(store: StorePort, ref: str) -> dict[str, Any]:
    """Give up a message that waits or was refused: moved to the outbox's dropped/ folder (kept),
    the record saying it was dropped. Returns its note."""
    path, meta = find_message(store, ref, states=("queued", "refused", "bounced"))
    by = store.actor.operator
    meta.update(state="dropped", dropped_at=clock.iso(store.write_time()), dropped_by=by)
    with store.transaction():
        record_state(store, meta, "dropped", _("dropped by {who}").format(who=by))
        store.outbox_move(path, meta, "dropped")
    return meta


def retry(store: StorePort, ref: str, to: str | None = None) -> dict[str, Any]:
    """Queue a refused, bounced or waiting message again, to the same address or to `to`: it goes out
    with the next `mail send`. Returns its note."""

    # here, not at the top: it loads the email package, which no start needs (~5 ms)
    from .mail import is_address, readdressed

    path, meta = find_message(store, ref, states=("queued", "refused", "bounced"))
    address = (to or meta.get("to") or "").strip()
    if not is_address(address):
        raise InputError(_("--to: {address!r} is not an e-mail address").format(address=address))
    raw = None
    if address != meta.get("to"):
        raw = readdressed(path.read_bytes(), address)
    meta.update(state="queued", to=address, attempts=0, error="", retried_at=clock.iso(store.write_time()))
    with store.transaction():
        record_state(store, meta, "queued", _("queued again for {address} by {who}").format(
            address=address, who=store.actor.operator))
        store.outbox_move(path, meta, "new", raw=raw)
    return meta


def bounced(store: StorePort, report: Bounce) -> tuple[dict[str, Any] | None, str]:
    """A delivery status report matched to the message of ours it is about (its Message-ID, else the
    last message sent to its recipient), which becomes "bounced" on its record. Returns the
    message's note (None when none matches) and what was found."""
    if report.action != "failed":
        return None, _("a delivery report saying {action} (nothing to record)").format(action=report.action or _("nothing"))
    sent = [(p, m) for p, m in store.outbox_all() if m.get("state") == "sent"]
    match = None
    if report.message_id:
        match = next(((p, m) for p, m in sent if m.get("message_id") == report.message_id
                      and (not report.recipient or str(m.get("to", "")).lower() == report.recipient)), None)
    if match is None and report.recipient and not report.message_id:
        match = next(((p, m) for p, m in reversed(sent) if str(m.get("to", "")).lower() == report.recipient), None)
    if match is None:
        return None, _("a delivery report about no message the outbox sent")
    path, meta = match
    reason = " ".join(x for x in (report.status, report.reason) if x) or _("returned by the receiving server")
    meta.update(state="bounced", bounced_at=clock.iso(store.write_time()), error=reason)
    with store.transaction():
        record_state(store, meta, "bounced", reason)
        store.outbox_note(path, meta)
    return meta, reason


__all__ = ["FAILED", "STATES", "Message", "bounced", "delivery_state", "drop", "find_message", "first_response", "mail_texts", "messages_of", "reached",
           "record_state", "retry", "told_at"]
