"""Mail from the command line: read what a mail fetcher left into incidents, list and send the
outbox, notify an incident's reporter by mail."""

from __future__ import annotations

from ..core.kernel.errors import InputError
from ..core.kernel.text import one_line
from .common import EXIT_OK, EXIT_REFUSED, open_store, say


def _settings():
    from ..config import load_config

    return load_config().mail_settings


def cmd_mail_import(args) -> int:
    from ..mailer import intake, watch

    settings = _settings()
    path = args.path or settings.maildir
    if not path:
        raise InputError("Say where the mail is (a Maildir, an mbox file or .eml files), or set maildir in [mail]")

    def report(result) -> None:
        for name, outcome in result.outcomes:
            if outcome.what in ("skipped", "unreadable"):
                say(one_line(f"  {name}: {outcome.what}: {outcome.why}"), err=True)
            elif outcome.what in ("new", "reply"):
                say(one_line(f"  {name}: {'new incident' if outcome.what == 'new' else 'reply on'} {outcome.incident}"))
        say(one_line(f"mail: {result.line()}"))

    with open_store(args) as store:
        if args.watch:
            watch(store, path, settings, args.watch, report)
            return EXIT_OK
        result = intake(store, path, settings)
    report(result)
    return EXIT_REFUSED if result.count("unreadable") else EXIT_OK


def cmd_mail_send(args) -> int:
    from ..mailer import send_outbox

    with open_store(args, must_exist=True) as store:
        sent, errors = send_outbox(store, _settings())
        waiting = len(store.outbox())
    for error in errors:
        say(one_line(f"  not sent: {error}"), err=True)
    say(f"mail: {sent} sent, {waiting} waiting in the outbox")
    return EXIT_REFUSED if errors else EXIT_OK


def cmd_mail_outbox(args) -> int:
    with open_store(args, must_exist=True) as store:
        waiting = store.outbox()
    if not waiting:
        say("the outbox is empty")
    for path, meta in waiting:
        tried = f"; {meta.get('attempts')} attempt(s), last: {meta.get('error')}" if meta.get("attempts") else ""
        say(one_line(f"{meta.get('id', '?'):<10} {meta.get('task', ''):<7} to {meta.get('to', '?')}  {path.name}{tried}"))
    return EXIT_OK


def cmd_incident_notify(args) -> int:
    from ..core.intake.mail_intake import notify_by_mail

    settings = _settings()
    with open_store(args, must_exist=True) as store:
        inc, path = notify_by_mail(store, args.id, task=args.task, sender=settings.sender, to=args.to)
        sent_now = ""
        if args.send:
            from ..mailer import send_outbox

            sent, errors = send_outbox(store, settings)
            sent_now = f"; sent now ({sent})" if not errors else f"; not sent yet: {errors[0]}"
    say(one_line(f"{inc.id}: {args.task} notification queued for {inc.notifications[-1].address}{sent_now}"))
    return EXIT_OK


def _cmd_mail_about(kind: str):
    def command(args) -> int:
        from ..core.intake.mail_intake import mail_about

        settings = _settings()
        message = args.message.replace("\\n", "\n") if args.message else None
        with open_store(args, must_exist=True) as store:
            record, _path, address = mail_about(store, kind, args.id, sender=settings.sender, to=args.to,
                                                message=message)
            sent_now = ""
            if args.send:
                from ..mailer import send_outbox

                sent, errors = send_outbox(store, settings)
                sent_now = f"; sent now ({sent})" if not errors else f"; not sent yet: {errors[0]}"
        what = "answer" if kind == "feedback" else "notice"
        say(one_line(f"{record.id}: {what} queued for {address}{sent_now}"))
        return EXIT_OK

    return command


def register(reg) -> None:
    p = reg.action("mail", "import", "turn the messages a mail fetcher left into incidents and replies",
                   cmd_mail_import, "mail in from a Maildir, an mbox or .eml files; mail out over SMTP")
    p.add_argument("path", nargs="?", help="a Maildir, an mbox file, a folder of .eml files or one .eml "
                                           "(default: maildir in [mail])")
    p.add_argument("--watch", type=float, metavar="SECONDS", help="keep reading a Maildir every SECONDS")
    reg.action("mail", "send", "deliver the outbox over SMTP ([mail] in the config)", cmd_mail_send)
    reg.action("mail", "outbox", "what waits to be sent", cmd_mail_outbox)
    p = reg.action("incident", "notify", "notify the reporter by mail with the policy's message (queued in the outbox)",
                   cmd_incident_notify)
    p.add_argument("id", help="the record, e.g. INC-0042")
    p.add_argument("--task", choices=["IN.2.3", "IN.2.4", "IN.2.5"], default="IN.2.3",
                   help="IN.2.3 being worked on (default), IN.2.4 restored, IN.2.5 closed")
    p.add_argument("--to", metavar="ADDRESS", help="another address than the reporter's")
    p.add_argument("--send", action="store_true", help="also deliver the outbox now")
    for group, kind, name, help_, default in (
            ("feedback", "feedback", "answer", "answer a feedback entry by mail (queued in the outbox)",
             "thanks and the investigation's outcome"),
            ("change", "change_requests", "notify", "tell the change's customer about it by mail (queued in the outbox)",
             "the change, when, what it means, how it is undone")):
        p = reg.action(group, name, help_, _cmd_mail_about(kind))
        p.add_argument("id", help="the record, e.g. INC-0042")
        p.add_argument("--to", metavar="ADDRESS", help="another address than the contact's")
        p.add_argument("--message", metavar="TEXT", help=f"the text to send (default: {default}); \\n starts a line")
        p.add_argument("--send", action="store_true", help="also deliver the outbox now")
