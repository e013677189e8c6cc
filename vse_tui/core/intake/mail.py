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
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid, parsedate_to_datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from ..kernel import clock
from ..kernel.errors import InputError

if TYPE_CHECKING:
    from ..model.ports import StorePort

TICKET_TAG = re.compile(r"\[(INC-\d{4,})\]", re.IGNORECASE)
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
    ticket: str | None = None  # [INC-0042] in the subject
    skip: str | None = None  # why it is never an incident (an auto-reply, a bounce...)
    error: str | None = None  # why it cannot be read

    @property
    def key(self) -> str:
        return self.message_id or f"sha256:{self.fingerprint}"


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


def skip_reason(msg: Message, sender: str, own: set[str]) -> str | None:
    """Why a message must never become an incident nor be answered, or None."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"an automatic message (Auto-Submitted: {auto})"
    if msg.get("X-Auto-Response-Suppress") is not None:
        return "an automatic message (X-Auto-Response-Suppress)"
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("bulk", "list", "junk"):
        return f"bulk mail (Precedence: {precedence})"
    report = msg.get_param("report-type", "")
    if msg.get_content_type() == "multipart/report" and str(report).lower() in (
            "delivery-status", "disposition-notification"):
        return "a delivery report (a bounce)"
    local = sender.split("@", 1)[0].lower()
    if local in ("mailer-daemon", "postmaster") or sender.lower().startswith("mailer-daemon"):
        return "from a mailer daemon (a bounce)"
    return_path = _header(msg, "Return-Path")
    if return_path.replace(" ", "") == "<>":
        return "an empty return path (a bounce or an automatic message)"
    if sender.lower() in own:
        return "from the shop's own address (it would answer itself)"
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe"):
        return "mailing list mail"
    return None


def parse(raw: bytes, own: set[str] | None = None, max_attachment: int = 25 << 20) -> Incoming:
    """What a message says; never raises (a message that cannot be read has its `error`)."""
    out = Incoming(fingerprint=hashlib.sha256(raw).hexdigest())
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - any parser failure: listed, left in place
        out.error = f"cannot be parsed ({type(exc).__name__})"
        return out
    try:
        if msg.defects and not msg.keys():
            out.error = "malformed: no headers could be read"
            return out
        mid = _header(msg, "Message-ID")
        out.message_id = mid.strip() or None
        out.subject = " ".join(_header(msg, "Subject").split())[:300]
        pairs = getaddresses([_header(msg, "From")])
        name, address = pairs[0] if pairs else ("", "")
        out.sender_name, out.sender = name.strip(), address.strip().lower()
        when = _header(msg, "Date")
        if when:
            try:
                parsed = parsedate_to_datetime(when)
                out.date = clock.ensure_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
            except (TypeError, ValueError, IndexError, OverflowError):
                out.date = None
        refs = " ".join(_header(msg, h) for h in ("In-Reply-To", "References"))
        out.references = re.findall(r"<[^<>\s]+>", refs)
        tag = TICKET_TAG.search(out.subject)
        out.ticket = tag.group(1).upper() if tag else None
        out.skip = skip_reason(msg, out.sender, {a.lower() for a in (own or set())})
        if not out.sender and not out.skip:
            out.skip = "no sender address"
        out.text, out.attachments, problem = _body(msg, max_attachment)
        if problem:
            out.error = problem
    except Exception as exc:  # noqa: BLE001 - an unknown charset, a broken part: listed, never a crash
        out.error = f"cannot be read ({type(exc).__name__}: {str(exc)[:80]})"
    return out


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
                return "", [], f"an attachment of {len(data) >> 20} MiB is over the limit ({max_attachment >> 20} MiB)"
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


def outgoing(inc: Any, *, to: str, to_name: str, sender: str, shop: str, text: str, subject: str | None = None,
             domain: str | None = None, in_reply_to: str | None = None) -> EmailMessage:
    """A notification as a real message: [INC-0042] in the subject, our Message-ID, marked as
    automatic so that no autoresponder answers it and no helpdesk loops on it."""
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", (to or "").strip()):
        raise InputError(f"To: {to!r} is not an e-mail address (the reporter's contact, or a customer contact's)")
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", (sender or "").strip()):
        raise InputError("From: set the shop's address in the config's [mail] section (from = \"desk@example.org\")")
    msg = EmailMessage()
    msg["From"] = f"{shop} <{sender}>" if shop else sender
    msg["To"] = f"{to_name} <{to}>" if to_name and to_name != to else to
    msg["Subject"] = f"[{inc.id}] {subject or inc.summary}"[:250]
    msg["Message-ID"] = make_msgid(idstring=inc.id.lower(), domain=domain or sender.split("@", 1)[1])
    msg["Date"] = clock.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(text)
    return msg


def known_message_ids(store: StorePort) -> set[str]:
    """Every Message-ID the shop has seen or sent (incoming mail, notifications)."""
    return store.mail_ids()


__all__ = ["Incoming", "html_to_text", "known_message_ids", "outgoing", "parse", "skip_reason"]
