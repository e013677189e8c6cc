"""Mail at the edges: reading the messages a mail fetcher left (a Maildir, an mbox file, a folder of
.eml files or one .eml) and delivering the outbox over SMTP. What a message means for an
incident is the core's (core.intake.mail, core.intake.mail_intake); this module only moves bytes.

The app never speaks IMAP: mbsync, offlineimap, getmail or fetchmail fill a local Maildir, and
`vse-tui mail import` reads its new messages, marking each one it has dealt with as seen (moved to
cur/ with the S flag, as Maildir wants). An mbox or .eml file is left as it is. A message that
cannot be read stays where it is and is listed with the reason."""

from __future__ import annotations

import mailbox
import os
import shlex
import smtplib
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import MailSettings
from .core.kernel.errors import InputError


@dataclass
class Source:
    """One message where a fetcher left it: its name (for the report), its bytes, and how to mark it seen."""

    name: str
    raw: bytes
    seen: Callable[[], None]


def _noop() -> None:
    return None


def read_messages(path: str | Path) -> Iterator[Source]:
    """The new messages of a Maildir, every message of an mbox file, every .eml of a folder, or one .eml."""
    place = Path(path).expanduser()
    if not place.exists():
        raise InputError(f"{place} does not exist (a Maildir, an mbox file or .eml files)")
    if place.is_dir() and (place / "new").is_dir() and (place / "cur").is_dir():
        yield from _maildir(place)
    elif place.is_dir():
        for eml in sorted(place.glob("*.eml")):
            yield Source(eml.name, eml.read_bytes(), _noop)
    elif place.suffix.lower() == ".eml":
        yield Source(place.name, place.read_bytes(), _noop)
    else:
        box = mailbox.mbox(str(place), create=False)
        try:
            for n, key in enumerate(box.keys(), start=1):
                try:
                    raw = box.get_bytes(key)
                except Exception as exc:  # noqa: BLE001 - a damaged entry: reported by the intake
                    raw = f"X-Unreadable: {type(exc).__name__}\n\n".encode()
                yield Source(f"{place.name} #{n}", raw, _noop)
        finally:
            box.close()


def _maildir(place: Path) -> Iterator[Source]:
    """Maildir's new/ messages, oldest first; seen = moved to cur/ with the S flag."""
    for item in sorted((place / "new").iterdir(), key=lambda p: p.name):
        if item.name.startswith(".") or not item.is_file():
            continue

        def seen(item: Path = item) -> None:
            target = place / "cur" / (item.name.split(":2,")[0] + ":2,S")
            try:
                os.replace(item, target)
            except FileNotFoundError:  # another reader took it meanwhile
                pass

        try:
            raw = item.read_bytes()
        except OSError as exc:
            raw = f"X-Unreadable: {exc.strerror or exc}\n\n".encode()
        yield Source(item.name, raw, seen)


def intake(store, path: str | Path, settings: MailSettings, progress: Callable[[int], None] | None = None):
    """Every message at `path` through the core's intake; each dealt with is marked seen, each that
    cannot be read stays where it is."""
    from .core.intake import mail
    from .core.intake.mail_intake import IntakeResult, Outcome, receive

    result = IntakeResult()
    known = store.mail_ids()
    limit = settings.max_attachment_mb << 20
    for n, source in enumerate(read_messages(path), start=1):
        incoming = mail.parse(source.raw, settings.own_addresses, limit)
        try:
            outcome = receive(store, incoming, known, limit)
        except InputError as exc:  # a message the records refuse (a subject too long, ...): listed, kept
            outcome = Outcome("unreadable", why=str(exc))
        result.outcomes.append((source.name, outcome))
        if outcome.what != "unreadable":
            source.seen()
        if progress and n % 50 == 0:
            progress(n)
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
            raise InputError(f"mail.password_command could not run: {exc}") from None
        if out.returncode != 0:
            raise InputError(f"mail.password_command failed: {out.stderr.strip()[:200]}")
        return out.stdout.splitlines()[0] if out.stdout else ""
    return None


def _connect(settings: MailSettings, timeout: float) -> smtplib.SMTP:
    if not settings.smtp_host:
        raise InputError("No SMTP server: set smtp_host in the config's [mail] section")
    context = ssl.create_default_context()
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
    if settings.smtp_user:
        server.login(settings.smtp_user, password(settings) or "")
    return server


def send_outbox(store, settings: MailSettings, timeout: float = 30) -> tuple[int, list[str]]:
    """Deliver what waits in the outbox; each delivery (or failure) is recorded on its incident's
    notification. Returns (sent, errors). A failed message stays queued with its error."""
    from .core.intake.mail_intake import delivered
    from .core.kernel import clock

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
            _record(store, meta, False, f"not sent: {reason}", delivered)
        return 0, [reason]
    try:
        for path, meta in waiting:
            try:
                raw = path.read_bytes()
                refused = server.sendmail(settings.sender, [meta.get("to", "")], raw)
                if refused:
                    raise smtplib.SMTPRecipientsRefused(refused)
            except (OSError, smtplib.SMTPException) as exc:
                reason = _reason(exc)
                meta.update(attempts=int(meta.get("attempts", 0)) + 1, error=reason, tried_at=clock.iso(clock.now()))
                store.outbox_note(path, meta)
                _record(store, meta, False, f"not sent: {reason}", delivered)
                errors.append(f"{meta.get('id', path.name)}: {reason}")
                continue
            meta.update(attempts=int(meta.get("attempts", 0)) + 1, error="", sent_at=clock.iso(clock.now()),
                        via=f"{settings.smtp_host}:{settings.port}")
            store.outbox_done(path, meta)
            _record(store, meta, True, f"sent to {meta.get('to')} via {settings.smtp_host}", delivered)
            sent += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, errors


def _record(store, meta: dict, sent: bool, detail: str, delivered) -> None:
    if meta.get("incident") and meta.get("message_id"):
        delivered(store, meta["incident"], meta["message_id"], sent, detail)
    elif meta.get("kind") and meta.get("record") and meta.get("message_id"):
        from .core.intake.mail_intake import delivered_about

        delivered_about(store, meta["kind"], meta["record"], meta["message_id"], sent, detail)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server said {exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the server refused the recipient"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection (is it running? host and port right?)"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


__all__ = ["Source", "intake", "password", "read_messages", "send_outbox", "watch"]
