"""Mail from the command line: read what a mail fetcher left into incidents, list and send the
outbox, notify an incident's reporter by mail."""

from __future__ import annotations

import json
from pathlib import Path

from vse_tui.i18n import _, ngettext, pgettext

from ..config import MailSettings, load_config
from ..core.intake.mail import is_address
from ..core.intake.mail_delivery import drop, retry
from ..core.intake.mail_intake import accept_held, mail_about, notify_address, notify_by_mail, window_past
from ..core.kernel import clock
from ..core.kernel.errors import InputError
from ..core.kernel.text import one_line
from ..core.present.labels import code_word
from ..mailer import intake, send_outbox, watch
from ..paths import config_path
from .common import EXIT_OK, EXIT_REFUSED, open_store, say


def _sent_now(sent: int, errors: list) -> str:
    """What sending the outbox right away did, said after the queued message."""
    if errors:
        return _("; not sent yet: {reason}").format(reason=errors[0])
    return _("; sent now ({n})").format(n=sent)


def _settings():
    return load_config().mail_settings


def cmd_mail_import(args) -> int:
    settings = _settings()
    path = args.path or settings.maildir
    if not path:
        raise InputError(_("Say where the mail is (a Maildir, an mbox file or .eml files), or set maildir in [mail]"))

    def report(result) -> None:
        for name, outcome in result.outcomes:
            if outcome.what == "skipped":
                say(one_line(_("  {name}: skipped: {reason}").format(name=name, reason=outcome.why)), err=True)
            elif outcome.what == "unreadable":
                say(one_line(_("  {name}: unreadable: {reason}").format(name=name, reason=outcome.why)), err=True)
            elif outcome.what == "new":
                say(one_line(_("  {name}: new incident {ref}").format(name=name, ref=outcome.incident)))
            elif outcome.what == "reply":
                say(one_line(_("  {name}: reply on {ref}").format(name=name, ref=outcome.incident)))
            elif outcome.what == "held":
                say(one_line(_("  {name}: held on {ref}: {reason}").format(name=name, ref=outcome.incident,
                                                                           reason=outcome.why)))
            elif outcome.what == "bounce":
                say(one_line(_("  {name}: bounced, a message about {ref} to {address}").format(
                    name=name, ref=outcome.incident, address=outcome.why)))
        say(one_line(_("mail: {result}").format(result=result.line())))

    if not Path(path).expanduser().exists():  # said before any database is opened (or made)
        raise InputError(_("{path} does not exist (a Maildir, an mbox file or .eml files)").format(
            path=Path(path).expanduser()))
    with open_store(args) as store:
        if args.watch:
            watch(store, path, settings, args.watch, report)
            return EXIT_OK
        result = intake(store, path, settings, everything=args.all)
    report(result)
    return EXIT_REFUSED if result.count("unreadable") else EXIT_OK


def cmd_mail_send(args) -> int:
    with open_store(args, must_exist=True) as store:
        sent, errors = send_outbox(store, _settings())
        waiting = len(store.outbox())
        held = sum(1 for _path, m in store.outbox_all() if m.get("state") == "refused")
    for error in errors:
        say(one_line(_("  not sent: {reason}").format(reason=error)), err=True)
    if held:
        say(_("mail: {sent} sent, {waiting} waiting in the outbox, {held} refused and held for a person (vse-tui mail "
              "outbox)").format(sent=sent, waiting=waiting, held=held))
    else:
        say(_("mail: {sent} sent, {waiting} waiting in the outbox").format(sent=sent, waiting=waiting))
    return EXIT_REFUSED if errors else EXIT_OK


def _moment(stored: str) -> str:
    """A moment the outbox stores (ISO 8601, UTC) in local time as the language writes it; a value
    that is not one, as stored."""
    try:
        return clock.local_text(clock.parse_datetime(stored))
    except ValueError:
        return stored


def outbox_line(meta: dict) -> str:
    """One message of the outbox as `mail outbox` lists it: key, state, record, what, to whom, and
    the last word of a server (its reply, its refusal, the bounce, the last failed attempt)."""
    state = str(meta.get("state", "?"))
    when = meta.get("sent_at") if state in ("sent", "bounced") else meta.get("tried_at")
    detail = {"sent": meta.get("reply", ""), "bounced": meta.get("error", ""), "refused": meta.get("error", ""),
              "dropped": _("by {person}").format(person=meta.get("dropped_by", "?"))}.get(state, "")
    if state == "queued" and meta.get("attempts"):
        attempts = int(meta.get("attempts") or 0)
        detail = ngettext("{n} attempt, last: {reason}", "{n} attempts, last: {reason}", attempts).format(
            n=attempts, reason=meta.get("error"))
    shown = code_word("mail", state)
    return one_line(f"{meta.get('key', '?'):<9} {shown:<8} {meta.get('id', '?'):<10} {meta.get('task', ''):<7} "
                    + _("to {address}").format(address=meta.get("to", "?"))
                    + (f"  {_moment(str(when))}" if when else "")
                    + (f"  {detail}" if detail else ""))


def cmd_mail_outbox(args) -> int:
    with open_store(args, must_exist=True) as store:
        items = store.outbox_all()
    if not args.all:
        items = [(p, m) for p, m in items if m.get("state") != "dropped"]
    if not items:
        say(_("the outbox is empty"))
    for _path, meta in items:
        say(outbox_line(meta))
    return EXIT_OK


def cmd_mail_drop(args) -> int:
    with open_store(args, must_exist=True) as store:
        meta = drop(store, args.key)
    say(one_line(_("{key}: the message about {ref} to {address} is dropped (kept in the outbox's dropped/ folder)").format(
        key=meta.get("key"), ref=meta.get("id"), address=meta.get("to"))))
    return EXIT_OK


def cmd_mail_retry(args) -> int:
    with open_store(args, must_exist=True) as store:
        meta = retry(store, args.key, args.to)
        sent_now = ""
        if args.send:
            sent, errors = send_outbox(store, _settings())
            sent_now = _sent_now(sent, errors)
    say(one_line(_("{key}: the message about {ref} is queued again for {address}").format(
        key=meta.get("key"), ref=meta.get("id"), address=meta.get("to")) + sent_now))
    return EXIT_OK


def cmd_mail_accept(args) -> int:
    with open_store(args, must_exist=True) as store:
        inc = accept_held(store, args.id, args.message)
    if inc.reopened and inc.status != "closed":
        say(one_line(_("{ref}: the held message is a reply now; the incident is reopened").format(ref=inc.id)))
    else:
        say(one_line(_("{ref}: the held message is a reply now").format(ref=inc.id)))
    return EXIT_OK


EXAMPLE_SENDER = "desk@example.org"
EXAMPLE_SMTP = "smtp.example.org"


def notify_missing(store, args, settings: MailSettings) -> list[str]:
    """Everything `incident notify` lacks, said at once before anything is written: the address to
    write to, the shop's address in the config, and (with --send) the SMTP server; the config's
    lines to add, with the file's path. Empty when nothing is missing."""
    inc = store.get("incidents", args.id)
    lacking: list[str] = []
    if not (args.to or "").strip() and "@" not in notify_address(store, inc, args.to):
        lacking.append(_("the reporter has no e-mail address: give one with --to ADDRESS, or record how they were "
                         "told instead (vse-tui incident notified {ref} --task {task} --to WHO --how phone)").format(
            ref=inc.id, task=args.task))
    lines: list[str] = []
    if not settings.sender.strip():
        lacking.append(_("the shop's address (the From: of every message) is not set in the config"))
        lines.append(f'from = "{EXAMPLE_SENDER}"')
    elif not is_address(settings.sender):
        lacking.append(_("the shop's address in the config (from = {value}) is not one e-mail address").format(
            value=json.dumps(settings.sender, ensure_ascii=False)))
        lines.append(f'from = "{EXAMPLE_SENDER}"')
    if args.send and not settings.smtp_host.strip():
        lacking.append(_("no SMTP server is set in the config to deliver it now (--send)"))
        lines.append(f'smtp_host = "{EXAMPLE_SMTP}"')
    if not lacking:
        return []
    out = [ngettext("{ref}: not notified, {n} thing is missing:", "{ref}: not notified, {n} things are missing:",
                    len(lacking)).format(ref=inc.id, n=len(lacking))]
    out += [f"  - {what}" for what in lacking]
    if lines:
        where = config_path()
        has_mail = where.is_file() and "[mail]" in where.read_text(encoding="utf-8", errors="replace")
        out.append("  " + (_("add to the [mail] section of the config file {path} (your own values):") if has_mail else
                           _("add to the config file {path} (your own values):") if where.is_file() else
                           _("the config file {path} does not exist yet: create it with (your own values):")).format(
            path=where))
        out += [f"      {line}" for line in ([] if has_mail else ["[mail]"]) + lines]
    return out


def cmd_incident_notify(args) -> int:
    settings = _settings()
    with open_store(args, must_exist=True) as store:
        missing = notify_missing(store, args, settings)
        if missing:
            say(_("vse-tui: {message}").format(message="\n".join(missing)), err=True)
            return EXIT_REFUSED
        inc, path = notify_by_mail(store, args.id, task=args.task, sender=settings.sender, to=args.to)
        sent_now = ""
        if args.send:
            sent, errors = send_outbox(store, settings)
            sent_now = _sent_now(sent, errors)
    say(one_line(_("{ref}: {task} notification queued for {address}").format(
        ref=inc.id, task=args.task, address=inc.notifications[-1].address) + sent_now))
    if inc.responded_at is None and args.task == "IN.2.3" and not args.send:
        say(_("  it counts as the response once a mail server accepts it (vse-tui mail send)"))
    return EXIT_OK


def _cmd_mail_about(kind: str):
    def command(args) -> int:
        settings = _settings()
        message = args.message.replace("\\n", "\n") if args.message else None
        with open_store(args, must_exist=True) as store:
            record, _path, address = mail_about(store, kind, args.id, sender=settings.sender, to=args.to,
                                                message=message)
            sent_now = ""
            if args.send:
                sent, errors = send_outbox(store, settings)
                sent_now = _sent_now(sent, errors)
        queued = _("{ref}: answer queued for {address}") if kind == "feedback" else _("{ref}: notice queued for {address}")
        say(one_line(queued.format(ref=record.id, address=address) + sent_now))
        if kind == "change_requests":
            warning = window_past(record)
            if warning:
                say(one_line(_("  warning: {warning}").format(warning=warning)), err=True)
        return EXIT_OK

    return command


def register(reg) -> None:
    p = reg.action("mail", "import", _("turn the messages a mail fetcher left into incidents and replies"),
                   cmd_mail_import, _("mail in from a Maildir, an mbox or .eml files; mail out over SMTP"))
    p.add_argument("path", metavar=pgettext("metavar", "PATH"), nargs="?", help=_("a Maildir, an mbox file, a folder of .eml files or one .eml "
                                           "(default: maildir in [mail])"))
    p.add_argument("--watch", type=float, metavar=pgettext("metavar", "SECONDS"), help=_("keep reading a Maildir every SECONDS"))
    p.add_argument("--all", action="store_true", help=_("a Maildir's messages already marked seen too (a message "
                                                     "already here is never read twice)"))
    reg.action("mail", "send", _("deliver the outbox over SMTP ([mail] in the config)"), cmd_mail_send)
    p = reg.action("mail", "outbox", _("every message sent or to send, with its state (queued, sent, refused, bounced)"),
                   cmd_mail_outbox)
    p.add_argument("--all", action="store_true", help=_("dropped messages too"))
    p = reg.action("mail", "drop", _("give up a message that waits or was refused (kept, marked dropped on its record)"),
                   cmd_mail_drop)
    p.add_argument("key", metavar=pgettext("metavar", "KEY"), help=_("the message's key as `mail outbox` lists it, or its record's id"))
    p = reg.action("mail", "retry", _("queue a refused or bounced message again, to the same or another address"),
                   cmd_mail_retry)
    p.add_argument("key", metavar=pgettext("metavar", "KEY"), help=_("the message's key as `mail outbox` lists it, or its record's id"))
    p.add_argument("--to", metavar=pgettext("metavar", "ADDRESS"), help=_("another address to send it to"))
    p.add_argument("--send", action="store_true", help=_("also deliver the outbox now"))
    p = reg.action("mail", "accept", _("accept a message held on a closed incident (a stranger's): it becomes a "
                                     "reply and reopens the incident"), cmd_mail_accept)
    p.add_argument("id", metavar=pgettext("metavar", "INC"), help=_("the incident"))
    p.add_argument("--message", metavar=pgettext("metavar", "MESSAGE-ID"), help=_("which held message (default: the latest)"))
    p = reg.action("incident", "notify", _("notify the reporter by mail with the policy's message (queued in the outbox)"),
                   cmd_incident_notify)
    p.add_argument("id", metavar=pgettext("metavar", "ID"), help=_("the record, e.g. INC-0042"))
    p.add_argument("--task", choices=["IN.2.3", "IN.2.4", "IN.2.5"], default="IN.2.3",
                   help=_("IN.2.3 being worked on (default), IN.2.4 restored, IN.2.5 closed"))
    p.add_argument("--to", metavar=pgettext("metavar", "ADDRESS"), help=_("another address than the reporter's"))
    p.add_argument("--send", action="store_true", help=_("also deliver the outbox now"))
    for group, kind, name, help_, message_help in (
            ("feedback", "feedback", "answer", _("answer a feedback entry by mail (queued in the outbox)"),
             _("the text to send (default: thanks and the investigation's outcome); \\n starts a line")),
            ("change", "change_requests", "notify",
             _("tell the change's customer about it by mail (queued in the outbox)"),
             _("the text to send (default: the change, when, what it means, how it is undone); \\n starts a line"))):
        p = reg.action(group, name, help_, _cmd_mail_about(kind))
        p.add_argument("id", metavar=pgettext("metavar", "ID"), help=_("the record, e.g. INC-0042"))
        p.add_argument("--to", metavar=pgettext("metavar", "ADDRESS"), help=_("another address than the contact's"))
        p.add_argument("--message", metavar=pgettext("metavar", "TEXT"), help=message_help)
        p.add_argument("--send", action="store_true", help=_("also deliver the outbox now"))
