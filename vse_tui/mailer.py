"""Mail at the edges: reading the messages a mail fetcher left (a Maildir, an mbox file, a folder of
.eml files or one .eml) and delivering the outbox over SMTP. What a message means for an
incident is the core's (core.intake.mail, core.intake.mail_intake); this module only moves bytes.

The app never speaks IMAP: mbsync, offlineimap, getmail or fetchmail fill a local Maildir, and
`vse-tui mail import` reads its unseen messages (in new/, and in cur/ without the S flag, where a
mail client that looked at the folder leaves them), marking each one it has dealt with as seen
(moved to cur/ with the S flag, as Maildir wants). An mbox or .eml file is left as it is. A message that
cannot be read stays where it is and is listed with the reason."""

from __future__ import annotations

import mailbox
import os
import re
import shlex
import smtplib
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vse_tui.i18n import _

from .config import MailSettings
from .core.intake import mail
from .core.intake.mail import on_the_wire
from .core.intake.mail_delivery import record_state
from .core.intake.mail_intake import IntakeResult, Outcome, receive
from .core.kernel import clock
from .core.kernel.errors import InputError
from .paths import config_path


@dataclass
class Source:
    """One message where a fetcher left it: its name (for the report), its bytes, and how to mark it seen."""

    name: str
    raw: bytes
    seen: Callable[[], None]
    arrived: datetime | None = None  # when it reached its mailbox, when the place says (an mbox's From_ line)


def _noop() -> None:
    return None


@dataclass
class Found:
    """What reading a place found: how many messages, and (when none) where it looked and why."""

    count: int = 0
    why: str = ""


def read_messages(path: str | Path, everything: bool = False, found: Found | None = None) -> Iterator[Source]:
    """The unseen messages of a Maildir (new/, and cur/ without the seen flag), every message of an
    mbox file, every .eml of a folder, or one .eml, one at a time (memory stays flat whatever the
    mailbox's size). `everything`: a Maildir's seen messages too. `found`: filled as it goes; when
    nothing was found, it says why."""
    found = found if found is not None else Found()
    place = Path(path).expanduser()
    if not place.exists():
        raise InputError(_("{place} does not exist (a Maildir, an mbox file or .eml files)").format(place=place))
    if place.is_dir() and (place / "new").is_dir() and (place / "cur").is_dir():
        passed = [0]
        for source in _maildir(place, everything, passed):
            found.count += 1
            yield source
        if not found.count:
            found.why = (_("{place} is a Maildir with no unseen message in new/ or cur/ ({n} in cur/ already marked "
                           "seen: `vse-tui mail import --all` reads those too; a message already here is never read "
                           "twice)").format(place=place, n=passed[0]) if passed[0] else
                         _("{place} is a Maildir with no unseen message in new/ or cur/ (it is empty)").format(place=place))
    elif place.is_dir():
        for eml in sorted(place.glob("*.eml")):
            found.count += 1
            yield Source(eml.name, eml.read_bytes(), _noop)
        if not found.count:
            others = sum(1 for p in place.iterdir() if p.is_file())
            found.why = (_("{place} is a folder with no .eml file ({n} other files) and not a Maildir (no new/ and cur/ "
                           "in it)").format(place=place, n=others) if others else
                         _("{place} is a folder with no .eml file and not a Maildir (no new/ and cur/ in it)").format(
                             place=place))
    elif place.suffix.lower() == ".eml":
        found.count += 1
        yield Source(place.name, place.read_bytes(), _noop)
    else:
        with place.open("rb") as fh:
            head = fh.read(5)
        if head != b"From ":
            found.why = (_("{place} is not an mbox file (it does not start with a 'From ' line)") if head else
                         _("{place} is empty")).format(place=place)
            return
        box = mailbox.mbox(str(place), create=False)
        try:
            for n, key in enumerate(box.iterkeys(), start=1):
                arrived = None
                try:
                    raw = box.get_bytes(key, from_=True)
                    first, _sep, raw = raw.partition(b"\n")
                    arrived = _from_line_date(first)
                except Exception as exc:  # noqa: BLE001 - a damaged entry: reported by the intake
                    raw = f"X-Unreadable: {type(exc).__name__}\n\n".encode()
                found.count += 1
                yield Source(f"{place.name} #{n}", raw, _noop, arrived)
        finally:
            box.close()
        if not found.count:
            found.why = _("{place} holds no message").format(place=place)


def _from_line_date(line: bytes) -> datetime | None:
    """The date of an mbox From_ line (`From dana at acme.example  Thu Nov 26 08:15:00 2026`), in UTC."""

    found = re.search(r"([A-Z][a-z]{2}) +([A-Z][a-z]{2}) +(\d{1,2}) +(\d{1,2}:\d\d:\d\d) +(\d{4})",
                      line.decode("ascii", "replace"))
    if not found:
        return None
    try:
        when = datetime.strptime(" ".join(found.groups()), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return clock.ensure_utc(when.replace(tzinfo=UTC))


def _flags(name: str) -> str:
    return name.split(":2,", 1)[1] if ":2," in name else ""


def _maildir(place: Path, everything: bool, passed: list[int]) -> Iterator[Source]:
    """Maildir's unseen messages, oldest first: those in new/ and those in cur/ without the S flag
    (a mail client that looked at the folder moves new mail to cur/ unread); seen = moved to cur/
    with the S flag added to its flags. `passed[0]` counts the seen ones left alone."""
    items = []
    for sub in ("new", "cur"):
        for item in (place / sub).iterdir():
            if item.name.startswith(".") or not item.is_file():
                continue
            if sub == "cur" and "S" in _flags(item.name) and not everything:
                passed[0] += 1
                continue
            items.append(item)
    for item in sorted(items, key=lambda p: p.name):

        def seen(item: Path = item) -> None:
            flags = _flags(item.name)
            if "S" in flags and item.parent.name == "cur":
                return
            target = place / "cur" / (item.name.split(":2,")[0] + ":2," + "".join(sorted(set(flags + "S"))))
            try:
                os.replace(item, target)
            except FileNotFoundError:  # another reader took it meanwhile
                pass

        try:
            raw = item.read_bytes()
        except OSError as exc:
            raw = f"X-Unreadable: {exc.strerror or exc}\n\n".encode()
        yield Source(item.name, raw, seen)


def intake(store, path: str | Path, settings: MailSettings, progress: Callable[[int], None] | None = None,
           everything: bool = False):
    """Every unseen message at `path` through the core's intake; each dealt with is marked seen,
    each that cannot be read stays where it is. When nothing is found the result says why."""

    result = IntakeResult()
    known = store.mail_ids()
    limit = settings.max_attachment_mb << 20
    found = Found()
    for n, source in enumerate(read_messages(path, everything, found), start=1):
        incoming = mail.parse(source.raw, settings.own_addresses, limit,
                              arrived=min(source.arrived, clock.now()) if source.arrived else None)
        try:
            outcome = receive(store, incoming, known, limit)
        except InputError as exc:  # a message the records refuse (a subject too long, ...): listed, kept
            outcome = Outcome("unreadable", why=str(exc))
        result.outcomes.append((source.name, outcome))
        if outcome.what != "unreadable":
            source.seen()
        if progress and n % 50 == 0:
            progress(n)
    result.empty = found.why
    return result


def watch(store, path: str | Path, settings: MailSettings, every: float, report: Callable[[object], None],
          rounds: int | None = None) -> None:
    """Read the Maildir every `every` seconds (forever, or `rounds` times)."""
    done = 0
    while rounds is None or done < rounds:
        result = intake(store, path, settings)
        if result.outcomes:
            report(result)
        done += 1
        if rounds is None or done < rounds:
            time.sleep(every)


# ---------------------------------------------------------------- sending


def password(settings: MailSettings) -> str | None:
    """The SMTP password: VSE_TUI_SMTP_PASSWORD, else the output of `password_command`."""
    if os.environ.get("VSE_TUI_SMTP_PASSWORD"):
        return os.environ["VSE_TUI_SMTP_PASSWORD"]
    if settings.password_command:
        try:
            out = subprocess.run(shlex.split(settings.password_command), capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(_("mail.password_command could not run: {exc}").format(exc=exc)) from None
        if out.returncode != 0:
            raise InputError(_("mail.password_command failed: {reason}").format(reason=out.stderr.strip()[:200]))
        return out.stdout.splitlines()[0] if out.stdout else ""
    return None


def helo_name(settings: MailSettings) -> str:
    """How we greet the server: `helo_name`, else this host's full name (when it is one: it has a
    dot and is not localhost), else the domain of the shop's address."""

    if settings.helo_name:
        return settings.helo_name
    try:
        name = socket.getfqdn()
    except OSError:
        name = ""
    if "." in name and not name.startswith("localhost") and not name.replace(".", "").isdigit():
        return name
    domain = settings.sender.rsplit("@", 1)[-1].strip() if "@" in settings.sender else ""
    return domain or "localhost"


def _context(settings: MailSettings) -> ssl.SSLContext:
    if settings.ca_file:
        place = Path(settings.ca_file).expanduser()
        if not place.is_file():
            raise InputError(_("mail.ca_file: {place} is not a file (the certificate authority, PEM)").format(place=place))
        try:
            return ssl.create_default_context(cafile=str(place))
        except ssl.SSLError as exc:
            raise InputError(_("mail.ca_file: {place} holds no certificate that can be read ({reason})").format(place=place, reason=exc.reason or exc)) from None
    return ssl.create_default_context()


def _connect(settings: MailSettings, timeout: float) -> smtplib.SMTP:
    if not settings.smtp_host:
        raise InputError(_("No SMTP server: set smtp_host in the [mail] section of the config file {path}").format(
            path=config_path()))
    context = _context(settings)
    greeting = helo_name(settings)
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.port, local_hostname=greeting,
                                                timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.port, local_hostname=greeting, timeout=timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
    if settings.smtp_user:
        server.login(settings.smtp_user, password(settings) or "")
    return server


class _Refused(Exception):
    """A server's answer to one message: permanent (5xx) or not."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code, self.text = code, text

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600


def _words(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _deliver(server: smtplib.SMTP, sender: str, to: str, raw: bytes) -> str:
    """One message through an open connection: MAIL, RCPT, DATA, each answer read. Returns the
    server's reply to the message; raises _Refused with its code and words."""
    server.ehlo_or_helo_if_needed()
    code, reply = server.mail(sender)
    if code != 250:
        server.rset()
        raise _Refused(code, _("(the sender {sender}) {reply}").format(sender=sender, reply=_words(reply)))
    code, reply = server.rcpt(to)
    if code not in (250, 251):
        server.rset()
        raise _Refused(code, _words(reply))
    try:
        code, reply = server.data(raw)
    except smtplib.SMTPDataError as exc:
        server.rset()
        raise _Refused(exc.smtp_code, _words(exc.smtp_error)) from None
    if code != 250:
        server.rset()
        raise _Refused(code, _words(reply))
    return f"{code} {_words(reply)}"


def send_outbox(store, settings: MailSettings, timeout: float = 30) -> tuple[int, list[str]]:
    """Deliver what waits in the outbox, oldest first. A message a server accepts is "sent" (its
    reply kept); one it refuses for good (5xx) is "refused" and held for a person (`mail drop`,
    `mail retry`), never tried again by itself; a temporary failure (4xx, no connection) leaves it
    queued, noted in the outbox only. Each change of state is one history row on its record.
    Returns (sent, errors)."""

    waiting = store.outbox()
    if not waiting:
        return 0, []
    sent, errors = 0, []
    try:
        server = _connect(settings, timeout)
    except (OSError, smtplib.SMTPException, InputError) as exc:
        reason = _reason(exc)
        for path, meta in waiting:
            meta.update(attempts=int(meta.get("attempts", 0)) + 1, error=reason, tried_at=clock.iso(clock.now()))
            store.outbox_note(path, meta)
        return 0, [reason]
    where = f"{settings.smtp_host}:{settings.port}"
    try:
        for path, meta in waiting:
            to = str(meta.get("to", ""))
            meta.update(attempts=int(meta.get("attempts", 0)) + 1, tried_at=clock.iso(clock.now()))
            try:
                reply = _deliver(server, settings.sender, to, on_the_wire(path.read_bytes()))
            except _Refused as exc:
                meta["error"] = f"{exc.code} {exc.text}"
                if exc.permanent:
                    meta["state"] = "refused"
                    with store.transaction():
                        record_state(store, meta, "refused", _("refused by {server}: {code} {text}").format(
                            server=where, code=exc.code, text=exc.text))
                        store.outbox_move(path, meta, "held")
                    errors.append(_("{ref} to {to}: refused for good: {code} {text} (held: vse-tui mail retry {key} --to ADDRESS, "
                                    "or mail drop {key})").format(ref=meta.get('id', path.name), to=to, code=exc.code, text=exc.text, key=meta.get('key')))
                else:
                    store.outbox_note(path, meta)
                    errors.append(_("{ref} to {to}: {code} {text} (tried again later)").format(ref=meta.get('id', path.name), to=to, code=exc.code, text=exc.text))
                continue
            except (OSError, smtplib.SMTPException) as exc:
                meta["error"] = _reason(exc)
                store.outbox_note(path, meta)
                errors.append(_("{ref} to {to}: {error} (tried again later)").format(ref=meta.get('id', path.name), to=to, error=meta['error']))
                continue
            meta.update(state="sent", error="", sent_at=clock.iso(clock.now()), via=where, reply=reply)
            with store.transaction():
                record_state(store, meta, "sent", _("sent to {address} via {server}: {reply}").format(
                    address=to, server=where, reply=reply))
                store.outbox_done(path, meta)
            sent += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, errors


def deliver_to_file(store, mbox: str | os.PathLike) -> int:
    """Deliver what waits in the outbox into a local mbox file instead of a server (the demo's
    mail: real messages, no network); each delivery is recorded as one over SMTP is, a "sent"
    state on its record. Returns how many were delivered."""

    waiting = store.outbox()
    if not waiting:
        return 0
    target = Path(mbox)
    for path, meta in waiting:
        _append_mbox(target, path.read_bytes())
        meta.update(attempts=int(meta.get("attempts", 0)) + 1, state="sent", error="",
                    sent_at=clock.iso(store.now()), via=f"file {target.name}")
        with store.transaction():
            record_state(store, meta, "sent", _("delivered to {address} (the mail file {name})").format(
                address=meta.get("to"), name=target.name), at=store.now())
            store.outbox_done(path, meta)
    return len(waiting)


def _append_mbox(target: Path, raw: bytes) -> None:
    """One message appended to an mbox file (mboxrd: a body line starting with 'From ' is quoted)."""

    data = re.sub(rb"(?m)^(>*From )", rb">\1", raw.replace(b"\r\n", b"\n"))
    stamp = clock.now().strftime("%a %b %d %H:%M:%S %Y").encode()
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"From vse-tui " + stamp + b"\n" + data.rstrip(b"\n") + b"\n\n")
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("the server's certificate could not be checked ({reason}); if the shop has its own certificate "
                 "authority, set ca_file in the config's [mail] section").format(reason=exc.verify_message or exc.reason)
    if isinstance(exc, ssl.SSLError):
        return _("the secure connection failed ({reason})").format(reason=exc.reason or exc)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _("the server said {code} {text}").format(code=exc.smtp_code, text=_words(exc.smtp_error))
    if isinstance(exc, ConnectionRefusedError):
        return _("the server refused the connection (is it running? host and port right?)")
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


__all__ = ["Found", "Source", "deliver_to_file", "helo_name", "intake", "password", "read_messages", "send_outbox",
           "watch"]
