"""Mail in and mail out, as the standard's IN.2.1, IN.2.3 and IN.2.4 need it: a message that comes
in becomes an incident (or a reply on one), a notification goes out as a real message.

Reading a message never raises: what cannot be read says why. What is never an incident, and is
never answered: automatic replies and bulk mail (RFC 3834's Auto-Submitted other than "no",
X-Auto-Response-Suppress, Precedence bulk/list/junk), delivery reports (RFC 3464), mail from a
mailer daemon or with an empty return path, and mail from the shop's own address (helpdesks that
answer each other loop forever). Our own messages carry `Auto-Submitted: auto-generated` for the
same reason. HTML is turned into text, never rendered."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, make_msgid, parsedate_to_datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..kernel import clock
from ..kernel.errors import InputError

if TYPE_CHECKING:
    from ..model.ports import StorePort

TICKET_TAG = re.compile(r"\[((?:INC|CHG|FB)-\d{4,})\]", re.IGNORECASE)  # an incident, a change, a feedback entry
MAX_TEXT = 100_000  # characters of a body kept on the incident
REOPENS_PER_HOUR = 3  # a thread may reopen an incident by mail this often, no more (mail loops)


@dataclass
class Incoming:
    """One message as the intake reads it."""

    message_id: str | None = None
    fingerprint: str = ""  # sha256 of the raw message: its identity when it has no Message-ID
    subject: str = ""
    sender_name: str = ""
    sender: str = ""  # the address
    date: datetime | None = None
    text: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # In-Reply-To and References
    ticket: str | None = None  # [INC-0042] (or [CHG-n], [FB-n]) in the subject
    skip: str | None = None  # why it is never an incident (an auto-reply, a bounce...)
    bounce: Bounce | None = None  # a delivery status report: which message of ours failed, to whom, why
    error: str | None = None  # why it cannot be read

    @property
    def key(self) -> str:
        return self.message_id or f"sha256:{self.fingerprint}"


@dataclass
class Bounce:
    """What a delivery status report (RFC 3464) says about a message of ours that did not arrive:
    its Message-ID (from the returned headers), the recipient, the status code and the reason."""

    message_id: str | None = None
    recipient: str = ""
    status: str = ""  # 5.1.1
    reason: str = ""  # the remote server's words (Diagnostic-Code), else the action
    action: str = "failed"  # failed (a bounce) or delayed (still being tried: nothing to record)


class _Text(HTMLParser):
    """HTML to plain text: the words, line breaks where blocks end; scripts and styles dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - a broken page still gives its words
        pass
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
        return str(value).strip() if value is not None else ""
    except Exception:  # noqa: BLE001 - a header that will not decode
        raw = msg.get_all(name, failobj=[""])
        return str(raw[0]) if raw else ""


def _raw_header(msg: Message, name: str) -> str:
    """A header's value as it was written (unfolded, encoded words kept): a comment in it is kept."""
    for key, value in msg.raw_items() if hasattr(msg, "raw_items") else msg.items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())
    return ""


def _decoded_words(text: str) -> str:
    try:
        return str(make_header(decode_header(text)))
    except (LookupError, UnicodeError, ValueError, TypeError):
        return text


def skip_reason(msg: Message, sender: str, own: set[str]) -> str | None:
    """Why a message must never become an incident nor be answered, or None."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return _("an automatic message (Auto-Submitted: {auto})").format(auto=auto)
    if msg.get("X-Auto-Response-Suppress") is not None:
        return _("an automatic message (X-Auto-Response-Suppress)")
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("bulk", "list", "junk"):
        return _("bulk mail (Precedence: {precedence})").format(precedence=precedence)
    report = msg.get_param("report-type", "")
    if msg.get_content_type() == "multipart/report" and str(report).lower() in (
            "delivery-status", "disposition-notification"):
        return _("a delivery report (a bounce)")
    local = sender.split("@", 1)[0].lower()
    if local in ("mailer-daemon", "postmaster") or sender.lower().startswith("mailer-daemon"):
        return _("from a mailer daemon (a bounce)")
    return_path = _header(msg, "Return-Path")
    if return_path.replace(" ", "") == "<>":
        return _("an empty return path (a bounce or an automatic message)")
    if sender.lower() in own:
        return _("from the shop's own address (it would answer itself)")
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe"):
        return _("mailing list mail")
    return None


OBFUSCATED = re.compile(r"^\s*([^\s@<>()\"]+)\s+(?:at|\(at\)|\[at\])\s+([^\s@<>()\"]+\.[^\s@<>()\"]+)\s*(.*)$",
                        re.IGNORECASE)  # "dana at acme.example (Dana Wells)", as mailing-list archives write it
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # no message of a shop's customers was written before this
SKEW = timedelta(minutes=15)  # a sender's clock may run this far ahead


def sender_of(value: str) -> tuple[str, str]:
    """(name, address) of a From header as mail clients and archives write it: `Name <addr>`,
    `addr (Name)`, RFC 2047 encoded names, `user at host` of mailing-list archives. The name is one
    line of text; an address never comes from the name (a name holding addresses stays a name)."""
    value = " ".join(value.split())
    hidden = OBFUSCATED.match(value)
    if hidden:
        rest = hidden.group(3).strip()
        name = rest[1:-1] if rest.startswith("(") and rest.endswith(")") else rest
        return header_text(_decoded_words(name)), f"{hidden.group(1)}@{hidden.group(2)}".lower()
    try:
        parsed = HeaderRegistry()("From", value)
        addresses = [a for a in parsed.addresses if a.addr_spec and "@" in a.addr_spec]  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an unparseable header: the plain reading below
        addresses = []
    if addresses:
        first = addresses[0]
        name = first.display_name or ""
        if not name:  # `addr (Name)`: the comment is the name
            comment = re.search(r"\(([^()]*)\)\s*$", value)
            name = _decoded_words(comment.group(1)) if comment else ""
        return header_text(name), first.addr_spec.strip().lower()
    pairs = getaddresses([value])
    name, address = pairs[0] if pairs else ("", "")
    return header_text(name), (address.strip().lower() if "@" in address else "")


def _received_times(msg: Message) -> list[datetime]:
    """When each server on the way received the message (the date after the last `;` of a Received header)."""
    out = []
    for value in msg.get_all("Received", failobj=[]) or []:
        text = str(value)
        if ";" not in text:
            continue
        try:
            when = parsedate_to_datetime(text.rsplit(";", 1)[1].strip())
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        out.append(clock.ensure_utc(when if when.tzinfo else when.replace(tzinfo=UTC)))
    return out


def sent_at(msg: Message, written: datetime | None, arrived: datetime) -> datetime:
    """When the message was sent, within sane bounds: its Date, never after it reached us (the
    first server that received it, else now, with a little clock skew) and never before 1990 nor
    long before the first server saw it; otherwise the first server's time, else `arrived`."""
    hops = _received_times(msg)
    first_hop = min(hops) if hops else None
    latest = (first_hop or arrived) + SKEW
    earliest = max(EARLIEST, first_hop - timedelta(days=7)) if first_hop else EARLIEST
    if written is not None and earliest <= written <= latest:
        return min(written, arrived)
    if first_hop is not None and EARLIEST <= first_hop <= arrived + SKEW:
        return min(first_hop, arrived)
    return arrived


def parse(raw: bytes, own: set[str] | None = None, max_attachment: int = 25 << 20,
          arrived: datetime | None = None) -> Incoming:
    """What a message says; never raises (a message that cannot be read has its `error`).
    `arrived`: when it reached us (default now); its date is kept within sane bounds of it."""
    out = Incoming(fingerprint=hashlib.sha256(raw).hexdigest())
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - any parser failure: listed, left in place
        out.error = _("cannot be parsed ({name__})").format(name__=type(exc).__name__)
        return out
    try:
        if msg.defects and not msg.keys():
            out.error = _("malformed: no headers could be read")
            return out
        mid = _header(msg, "Message-ID")
        out.message_id = mid.strip() or None
        out.subject = " ".join(_header(msg, "Subject").split())[:300]
        out.sender_name, out.sender = sender_of(_raw_header(msg, "From") or _header(msg, "From"))
        when = _header(msg, "Date")
        written = None
        if when:
            try:
                parsed = parsedate_to_datetime(when)
                written = clock.ensure_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
            except (TypeError, ValueError, IndexError, OverflowError):
                written = None
        out.date = sent_at(msg, written, arrived or clock.now())
        refs = " ".join(_header(msg, h) for h in ("In-Reply-To", "References"))
        out.references = re.findall(r"<[^<>\s]+>", refs)
        tag = TICKET_TAG.search(out.subject)
        out.ticket = tag.group(1).upper() if tag else None
        out.bounce = delivery_report(msg)
        out.skip = skip_reason(msg, out.sender, {a.lower() for a in (own or set())})
        if not out.sender and not out.skip:
            out.skip = _("no sender address")
        out.text, out.attachments, problem = _body(msg, max_attachment)
        if problem:
            out.error = problem
    except Exception as exc:  # noqa: BLE001 - an unknown charset, a broken part: listed, never a crash
        out.error = _("cannot be read ({name__}: {exc})").format(name__=type(exc).__name__, exc=str(exc)[:80])
    return out


def delivery_report(msg: Message) -> Bounce | None:
    """A delivery status report (multipart/report; report-type=delivery-status): the first
    recipient's action, status and diagnostic, and the Message-ID of the message it returns (from
    its message/rfc822 or text/rfc822-headers part). None for any other message."""
    if msg.get_content_type() != "multipart/report" or str(msg.get_param("report-type", "")).lower() != "delivery-status":
        return None
    out = Bounce()
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            fields = _status_fields(part)
            for block in fields[1:] or fields:  # the per-message block first, then one per recipient
                if block.get("action"):
                    out.action = block["action"].lower()
                    out.status = block.get("status", "")
                    recipient = block.get("original-recipient") or block.get("final-recipient") or ""
                    out.recipient = recipient.split(";", 1)[-1].strip().strip("<>").lower()
                    diagnostic = block.get("diagnostic-code", "")
                    out.reason = header_text(diagnostic.split(";", 1)[-1] if ";" in diagnostic else diagnostic, 300)
                    break
        elif kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers") and out.message_id is None:
            out.message_id = _returned_message_id(part)
    return out


def _status_fields(part: Message) -> list[dict[str, str]]:
    """The blocks of a message/delivery-status part as dicts of lower-case field names."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses each block as a message of headers
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                blocks.append({k.lower(): " ".join(str(v).split()) for k, v in block.items()})
        return blocks
    text = payload if isinstance(payload, str) else ""
    blocks = []
    current: dict[str, str] = {}
    for line in re.split(r"\r?\n", text):
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        if line[:1] in " \t" and current:
            last = next(reversed(current))
            current[last] += " " + line.strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            current[name.strip().lower()] = value.strip()
    if current:
        blocks.append(current)
    return blocks


def _returned_message_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        found = _header(payload[0], "Message-ID")
    else:
        text = payload if isinstance(payload, str) else ""
        match = re.search(r"^Message-ID:\s*(<[^<>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
        found = match.group(1) if match else ""
    match = re.search(r"<[^<>\s]+>", found or "")
    return match.group(0) if match else None


def _body(msg: Message, max_attachment: int) -> tuple[str, list[tuple[str, bytes]], str | None]:
    """The plain text (HTML turned into text when there is no plain part) and the attachments."""
    text, html = "", ""
    files: list[tuple[str, bytes]] = []
    for part in msg.walk() if msg.is_multipart() else [msg]:
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        name = part.get_filename()
        kind = part.get_content_type()
        if disposition == "attachment" or (name and kind not in ("text/plain", "text/html")):
            payload = part.get_payload(decode=True) or b""
            data = payload if isinstance(payload, bytes) else str(payload).encode("utf-8")
            if len(data) > max_attachment:
                return "", [], _("an attachment of {size} MiB is over the limit ({limit} MiB)").format(size=len(data) >> 20, limit=max_attachment >> 20)
            files.append((name or "attachment.bin", data))
            continue
        if kind == "text/plain" and not text:
            text = _decoded(part)
        elif kind == "text/html" and not html:
            html = _decoded(part)
    if not text and html:
        text = html_to_text(html)
    return text.replace("\r\n", "\n").strip()[:MAX_TEXT], files, None


def _decoded(part: Message) -> str:
    """A text part's content; an unknown or lying charset is read as UTF-8 with replacements."""
    try:
        # read with policy=default, a part is an EmailMessage (a Message without it: AttributeError)
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AttributeError):
        data = part.get_payload(decode=True) or b""
        return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data)


# ---------------------------------------------------------------- outgoing


ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\.][^@\s<>,;:\"()\[\]\\]*")


def header_text(value: str | None, limit: int = 250) -> str:
    """User text made fit for a header value: one line (CR, LF, tabs and other control characters
    become spaces, runs of spaces one), cut at `limit` characters."""
    text = "".join(c if c.isprintable() else " " for c in (value or ""))
    return " ".join(text.split())[:limit]


def is_address(value: str | None) -> bool:
    """One plain address (`user@host.tld`): no name, no list, no quotes or brackets."""
    return bool(ADDRESS.fullmatch((value or "").strip()))


def _mailbox(name: str, address: str) -> Any:
    """A name and an address as one header mailbox: the name quoted as needed, so that whatever it
    holds (commas, brackets, other addresses) it stays a name and never becomes a recipient."""

    return Address(display_name=header_text(name, 120), addr_spec=address.strip())


def wire(msg: EmailMessage) -> bytes:
    """A message as it goes over SMTP (RFC 5321/5322): CRLF line ends, headers folded at 78
    characters, the body ending in one line break (no empty last line)."""
    return msg.as_bytes(policy=policy.SMTP)


def on_the_wire(raw: bytes) -> bytes:
    """Bytes queued by any version made fit to send: every line end CRLF, no blank lines after the
    body's last line, one CRLF at the end."""
    text = re.sub(rb"\r?\n|\r", b"\r\n", raw)
    head, sep, body = text.partition(b"\r\n\r\n")
    if not sep:
        return text.rstrip(b"\r\n") + b"\r\n"
    return head + sep + body.rstrip(b"\r\n") + b"\r\n"


def outgoing(inc: Any, *, to: str, to_name: str, sender: str, shop: str, text: str, subject: str | None = None,
             domain: str | None = None, in_reply_to: str | None = None) -> EmailMessage:
    """A notification as a real message: [INC-0042] in the subject, our Message-ID, marked as
    automatic so that no autoresponder answers it and no helpdesk loops on it. Every header value
    that comes from user text (a summary, a name, the shop's name) is one line; the To: header
    holds the one address `to`, whatever the name says."""
    if not is_address(to):
        raise InputError(_("To: {to!r} is not an e-mail address (the reporter's contact, or a customer contact's)").format(to=to))
    if not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+", (sender or "").strip()):
        raise InputError(_("From: set the shop's address in the config's [mail] section (from = \"desk@example.org\")"))
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = _mailbox(shop, sender) if header_text(shop) else sender.strip()
    msg["To"] = _mailbox(to_name, to) if header_text(to_name) and header_text(to_name) != to.strip() else to.strip()
    msg["Subject"] = f"[{inc.id}] {header_text(subject or inc.summary, 236)}"
    msg["Message-ID"] = make_msgid(idstring=inc.id.lower(), domain=domain or sender.strip().split("@", 1)[1])
    msg["Date"] = format_datetime(clock.now().astimezone(UTC))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    reply_to = re.findall(r"<[^<>\s]+>", in_reply_to or "")
    if reply_to:
        msg["In-Reply-To"] = reply_to[0]
        msg["References"] = reply_to[0]
    body = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    msg.set_content(body.strip("\n") + "\n")
    return msg


def readdressed(raw: bytes, to: str) -> bytes:
    """A queued message sent again to another address: its To: the new address alone, its Date now;
    its Message-ID kept (a late report about the old address is told apart by its recipient)."""
    msg = BytesParser(policy=policy.SMTP).parsebytes(raw)
    del msg["To"]
    msg["To"] = to.strip()
    del msg["Date"]
    msg["Date"] = format_datetime(clock.now().astimezone(UTC))
    return wire(msg)


def known_message_ids(store: StorePort) -> set[str]:
    """Every Message-ID the shop has seen or sent (incoming mail, notifications)."""
    return store.mail_ids()


__all__ = ["Bounce", "Incoming", "delivery_report", "header_text", "html_to_text", "is_address", "known_message_ids",
           "on_the_wire", "outgoing", "parse", "readdressed", "sender_of", "sent_at", "skip_reason", "wire"]
