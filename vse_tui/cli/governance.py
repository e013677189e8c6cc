"""Governance (GO) from the command line: people and roles, what is due, the evidence map, the
improvement report, the audit pack, and importing parties."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

from vse_tui.i18n import _, ngettext, pgettext

from .. import session
from ..core.evidence.attachments import check_files
from ..core.evidence.audit_check import finding_dict, to_markdown
from ..core.evidence.due import due_items
from ..core.evidence.tasks import evidence_map
from ..core.governance.approvals import approve, check_signatures
from ..core.governance.approvals import state as approval_state
from ..core.governance.keys import authorized_keys_entries, key_rows, set_key
from ..core.governance.people import set_login
from ..core.kernel import clock
from ..core.kernel.errors import InputError
from ..core.kernel.text import one_line
from ..core.present.labels import code_word, roles_named
from ..reports import improvement, performance
from ..reports.audit import audit_json, write_markdown
from ..reports.audit_pack import write_pack
from ..reports.figures import audit_review
from ..reports.performance import parse_period
from ..store.chain import verify
from . import main
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    Progress,
    add_format,
    add_limit,
    add_out,
    add_yes,
    dump_json,
    open_store,
    output,
    print_rows,
)
from .imports import run_import


def _read_key(path: str | None) -> str | None:
    if not path:
        return None

    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(_("Cannot read the public key {file}: {reason}").format(
            file=file, reason=getattr(exc, "strerror", None) or exc)) from None
    if not text.startswith(("ssh-", "ecdsa-", "sk-")) or len(text.split()) < 2 or "PRIVATE KEY" in text:
        raise InputError(_("{file} is not an SSH public key (give the .pub file, e.g. ~/.ssh/id_ed25519.pub)").format(
            file=file))
    return text.splitlines()[0]


def cmd_people_add(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance.roles import add_person, label

    with open_store(args) as store:
        person, added = add_person(store, args.name, email=args.email or "", phone=args.phone or "",
                                   affiliation=args.affiliation, roles=args.roles or "", os_user=args.os_user,
                                   ssh_key=_read_key(args.ssh_key), organisation=args.organisation,
                                   language=args.language)
    # its id first (scripts read it), then the roles it now holds by their names
    print((person.id or "") + (f"  {roles_named(label(a) for a in added)}" if added else ""))
    return EXIT_OK


def cmd_people_list(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance.roles import people_rows

    with open_store(args, must_exist=True) as store:
        rows = people_rows(store)
    # a table lists the roles last, by their names and never cut; JSON and CSV keep the codes
    print_rows(args, rows, ["id", "name", "affiliation", "login", "key", "roles"] if args.format == "table"
               else ["id", "uuid", "name", "affiliation", "organisation", "email", "login", "roles", "key"],
               codes={"roles": "roles"}, whole_last=args.format == "table")
    return EXIT_OK


def cmd_people_login(args) -> int:
    with open_store(args) as store:
        person = set_login(store, args.person, args.login)
    print(_("{ref} {name}: login {login}").format(ref=person.id, name=person.name, login=person.os_user or _("(none)")))
    return EXIT_OK


def cmd_people_key(args) -> int:
    if args.revoke == bool(args.file):
        raise InputError(_("Give the public key file to register, or --revoke (not both)"))
    with open_store(args, must_exist=args.revoke) as store:
        person = set_key(store, args.person, None if args.revoke else _read_key(args.file), old_key=args.old_key,
                         approver_key=args.key)
    proof = person.key_proof or {}
    if args.revoke:
        print(one_line(_("{ref} {name}: key revoked; signatures made with it before stay valid").format(
            ref=person.id, name=person.name)))
    else:
        how = code_word("key_how", proof.get("how", ""))
        print(one_line(_("{ref} {name}: key {fingerprint} ({how}); their approvals can be signed with it").format(
            ref=person.id, name=person.name, fingerprint=proof.get("fingerprint", ""), how=how)))
    return EXIT_OK


def cmd_people_keys(args) -> int:
    with open_store(args, must_exist=True) as store:
        rows = key_rows(store)
    print_rows(args, rows, ["at", "person", "name", "key", "how", "by", "login", "host", "problem"], {"how": "key_how"})
    return EXIT_OK


def cmd_people_authorized_keys(args) -> int:
    """One authorized_keys line per person of the shop who holds a key: sshd starts the app as that
    person, on this database, whatever the login they share."""

    program = shlex.split(args.program) if args.program else [sys.executable, "-m", "vse_tui"]
    with open_store(args, must_exist=True) as store:
        entries = authorized_keys_entries(store)
        db = Path(store.path).resolve()
    lines = []
    for pid, uuid, fp, key in entries:
        command = "exec " + shlex.join([*program, "--db", str(db), "ssh-session", uuid, fp])
        if any(ch in command for ch in '"\\') or not command.isprintable():
            raise InputError(_("The command {command} holds a double quote, a backslash or a control character, "
                               "which an authorized_keys line cannot carry; move the database or give --program").format(
                                   command=repr(command)))
        lines.append(f'restrict,pty,command="{command}" {key} vse-tui:{pid}')
    with output(args) as out:
        for line in lines:
            out.write(line + "\n")
    if not lines:
        print(_("vse-tui: nobody holds a key yet ('vse-tui people key PERSON FILE.pub')"), file=sys.stderr)
    return EXIT_OK


def cmd_ssh_session(args) -> int:
    """Run by sshd from a line of 'people authorized-keys': the command the person asked for
    (SSH_ORIGINAL_COMMAND; none: the TUI), on this database, as the person whose key opened it."""

    if session.pinned() is not None:
        raise InputError(_("A session opened over SSH cannot open another"))
    try:
        argv = shlex.split(os.environ.get("SSH_ORIGINAL_COMMAND") or "")
    except ValueError as exc:
        raise InputError(_("The command sent over SSH cannot be read ({reason})").format(reason=exc)) from None
    if argv and argv[0] in ("vse-tui", "vse_tui"):
        argv = argv[1:]
    for word in argv:
        if word == "--":
            break
        for option in ("--as", "--db"):
            if word == option or word.startswith(option + "="):
                raise InputError(_("This session was opened over SSH with your key: {option} is refused (the line "
                                   "names the person and the database)").format(option=option))
    command = next((w for w in argv if not w.startswith("-")), None)
    if command in ("ssh-session", "serve", "demo"):
        raise InputError(_("'{command}' is not run in a session opened over SSH").format(command=command))
    session.pin(args.person, args.fingerprint)
    if os.environ.get("VSE_TUI_OPERATOR"):
        raise InputError(_("This session was opened over SSH with your key: VSE_TUI_OPERATOR is refused (you write "
                           "as the person your key belongs to)"))
    at = argv.index("--") if "--" in argv else len(argv)
    return main([*argv[:at], f"--db={args.db}", *argv[at:]])


def cmd_approve(args) -> int:
    with open_store(args) as store:
        rec = store.find(args.ref)
        done = approve(store, rec.KIND, rec.uuid, args.by, how=args.how, meaning=args.meaning, noted_by=args.noted_by,
                       note=args.note, mitigation=args.mitigation, sign=args.sign, key=args.key, evidence=args.evidence)
    print(one_line(_("{ref}: {what}").format(ref=done.id, what=approval_state(done).text)))
    return EXIT_OK


def cmd_audit_check(args) -> int:
    with open_store(args, must_exist=True) as store:
        findings, mitigated = audit_review(store)
        shop = store.setting("shop_name", "") or ""
    with output(args) as out:
        if args.format == "json":
            dump_json({"findings": [finding_dict(f) for f in findings], "count": len(findings),
                       "mitigated": [finding_dict(f) for f in mitigated]}, out)
        else:
            out.write(to_markdown(findings, shop, mitigated))
    return EXIT_REFUSED if findings else EXIT_OK


def cmd_roles_list(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance.roles import role_rows

    with open_store(args, must_exist=True) as store:
        rows = role_rows(store)
    print_rows(args, rows, ["id", "name", "affiliation", "roles"], codes={"roles": "roles"}, whole_last=True)
    return EXIT_OK


def cmd_roles_check(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance.roles import warnings

    with open_store(args, must_exist=True) as store:
        found = warnings(store)
    with output(args) as out:
        if not found:
            out.write(_("no warnings") + "\n")
        for w in found:
            out.write(one_line(w.line()) + "\n")
    return EXIT_OK  # it informs, it does not fail


def cmd_due(args) -> int:
    with open_store(args, must_exist=True) as store:
        today = clock.today()
        items = [i.as_dict(today) for i in due_items(store, today)]
    if args.format == "table":
        for item in items:
            d = item["days"]
            item["when"] = (ngettext("{n}d overdue", "{n}d overdue", -d).format(n=-d) if d < 0
                            else (_("today") if d == 0 else ngettext("in {n}d", "in {n}d", d).format(n=d)))
        print_rows(args, items, ["when", "due", "kind", "ref", "title"], {"kind": "due_kind"})
    else:
        print_rows(args, items, ["due", "days", "overdue", "kind", "ref", "title"])
    return EXIT_OK


def cmd_report_audit(args) -> int:
    with open_store(args, must_exist=True) as store:
        tasks = evidence_map(store)
        shop = store.setting("shop_name", "") or ""
    with output(args) as out:
        if args.format == "json":
            dump_json(audit_json(tasks), out)
        else:
            write_markdown(tasks, out, shop)
    return EXIT_OK


def cmd_report_improvement(args) -> int:
    period = performance.parse_period(args.period) if args.period else performance.parse_period(str(clock.today().year))
    with open_store(args, must_exist=not args.save) as store:
        data = improvement.gather(store, period)
        shop = store.setting("shop_name", "") or ""
        saved = improvement.draft(store, period) if args.save else None
    with output(args) as out:
        out.write(improvement.to_json(data) + "\n" if args.format == "json" else improvement.to_markdown(data, shop))
    if saved:
        print(_("saved as {ref} (draft; write the actions and approve it on the Governance screen)").format(ref=saved.id),
              file=sys.stderr)
    return EXIT_OK


def _verify_lines(store) -> list[str]:
    """What `verify` finds wrong: the history chain and every record against it, attached files,
    signatures (tampering, not editing)."""

    lines = [p.line() for p in verify(store)]
    lines += [p.line() for p in check_files(store)]
    return lines + [p.line() for p in check_signatures(store)]


def pack_written(result: dict[str, Any]) -> str:
    """What `audit-pack` says it wrote: where, and how many pages, work products, files and signed
    approvals, each count agreeing with its noun."""
    return _("audit pack written: {path} ({pages}, {work_products}, {files}, {signatures})").format(
        path=result["path"], pages=ngettext("{n} page", "{n} pages", result["pages"]).format(n=result["pages"]),
        work_products=ngettext("{n} work product", "{n} work products", result["work_products"]).format(
            n=result["work_products"]),
        files=ngettext("{n} attached file", "{n} attached files", result["files"]).format(n=result["files"]),
        signatures=ngettext("{n} signed approval", "{n} signed approvals", result["signatures"]).format(
            n=result["signatures"]))


def cmd_audit_pack(args) -> int:
    period = parse_period(args.period) if args.period else None
    meter = Progress(_("writing the audit pack"), unit=_("records"))

    def progress(done: int, total: int) -> None:
        meter.total = total
        meter.update(done)

    try:
        with open_store(args, must_exist=True) as store:
            failures = _verify_lines(store)
            result = write_pack(store, args.out, period, progress, verify_failures=failures)
    finally:
        meter.done()
    if failures:
        print(one_line(ngettext("warning: the database fails verification ({n} problem); the pack's front page "
                                "says so",
                                "warning: the database fails verification ({n} problems); the pack's front page "
                                "says so", len(failures)).format(n=len(failures))), file=sys.stderr)
    tip = result["tip"]
    print(one_line(pack_written(result)))
    if tip:
        print(one_line(_("history chain tip: {seq} {hash}").format(seq=tip[0], hash=tip[1])))
    return EXIT_OK


def cmd_import_parties(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.intake.parties import apply_parties, plan_parties

    def preview(plan, i, rec) -> str:
        roles = ",".join(r if not a else f"{r}:{a}" for r, a in plan.roles.get(i, []))
        return f"{rec.name[:40]:<40} {rec.email[:30]:<30} {roles}".rstrip()

    return run_import(args, args.kind, lambda store, path: plan_parties(store, args.kind, path),
                      lambda plan: plan.records, preview, apply_parties)


def register(reg) -> None:
    _register_people(reg)
    _register_approve(reg)
    _register_checks_and_reports(reg)
    _register_party_imports(reg)


def _register_people(reg) -> None:
    """People, their logins and keys, and the SSH session one of their keys starts."""
    p = reg.action("people", "add", _("add a person with their roles; prints the new id"), cmd_people_add,
                   _("people of the shop, customers' and suppliers' contacts (GO.1.2)"))
    p.add_argument("name", metavar=pgettext("metavar", "NAME"), help=_("the person's full name"))
    p.add_argument("--email", metavar=pgettext("metavar", "E"), help=_("their e-mail address"))
    p.add_argument("--phone", metavar=pgettext("metavar", "P"), help=_("their phone number"))
    p.add_argument("--affiliation", choices=["internal", "customer", "supplier"], default="internal", words="affiliation",
                   help=_("the shop's own (default), or a contact of a customer or supplier"))
    p.add_argument("--roles", metavar=pgettext("metavar", "ROLES"), help=_("comma-separated: SM,CM,IM,RM,MGT,PT or PT:change|incident|relationship"))
    p.add_argument("--os-user", metavar=pgettext("metavar", "LOGIN"), help=_("the login this person uses: their writes are theirs"))
    p.add_argument("--ssh-key", metavar=pgettext("metavar", "FILE.pub"), help=_("their SSH public key, to sign approvals"))
    p.add_argument("--organisation", metavar=pgettext("metavar", "CUSTOMER"), help=_("for a contact: the customer or supplier they work for"))
    p.add_argument("--language", metavar=pgettext("metavar", "LANG"),
                   help=_("for a contact: the language mail to them is written in (es, pt_BR, fr or en; default: "
                          "their organisation's, else the shop's)"))
    p = reg.action("people", "list", _("people with their logins, roles and keys"), cmd_people_list)
    add_format(p, "table", "json", "csv")
    add_limit(p)
    add_out(p)
    p = reg.action("people", "login", _("map a login to a person (their writes are attributed to them)"), cmd_people_login)
    p.add_argument("person", metavar=pgettext("metavar", "PERSON"), help=_("the person's id or name"))
    p.add_argument("login", metavar=pgettext("metavar", "LOGIN"), help=_("the login (empty string: none)"))
    p = reg.action("people", "key", _("register (or revoke) a person's SSH public key, to sign approvals: the first "
                   "by its owner, a replacement signed with the old key or by the Service Manager"), cmd_people_key)
    p.add_argument("person", metavar=pgettext("metavar", "PERSON"), help=_("a person's id or name"))
    p.add_argument("file", metavar=pgettext("metavar", "FILE"), nargs="?", help=_("the public key file, e.g. ~/.ssh/id_ed25519.pub"))
    p.add_argument("--old-key", metavar=pgettext("metavar", "FILE"), help=_("replacing your own key: the old private key that signs the "
                                                     "replacement (default: found in ~/.ssh)"))
    p.add_argument("--key", metavar=pgettext("metavar", "FILE"), help=_("the Service Manager approving someone's replacement: your private "
                                                 "key (default: found in ~/.ssh)"))
    p.add_argument("--revoke", action="store_true", help=_("revoke the key (lost or compromised): by its owner or the "
                                                         "Service Manager"))
    p = reg.action("people", "keys", _("every key registration: whose, how, by whom, from which login and host, when"),
                   cmd_people_keys)
    add_format(p, "table", "json", "csv")
    add_limit(p)
    add_out(p)

    p = reg.action("people", "authorized-keys", _("authorized_keys lines that start vse-tui as each person who holds a "
                   "key (for one login shared over SSH)"), cmd_people_authorized_keys)
    p.add_argument("--program", metavar=pgettext("metavar", "COMMAND"), help=_("how sshd starts vse-tui on this machine (default: this "
                                                      "Python with -m vse_tui)"))
    add_out(p)
    p = reg.command("ssh-session", _("run by sshd from a line of 'people authorized-keys' (not typed by hand)"),
                    cmd_ssh_session)
    p.add_argument("person", metavar=pgettext("metavar", "PERSON"), help=_("the person's uuid"))
    p.add_argument("fingerprint", metavar=pgettext("metavar", "FINGERPRINT"), help=_("the key's fingerprint"))


def _register_approve(reg) -> None:
    """Approving a record's current version, typed or signed."""
    p = reg.command("approve", _("approve the current version of a record (a signature bound to its content)"), cmd_approve)
    p.add_argument("ref", metavar=pgettext("metavar", "ID"), help=_("the record's id, e.g. POL-0001"))
    p.add_argument("--by", metavar=pgettext("metavar", "PERSON"), help=_("who approved (default: you); a contact for an acceptance"))
    p.add_argument("--how", choices=["signature", "email", "meeting", "verbal", "other", "paper"], default="signature", words="how",
                   help=_("how the approval was given (default: signature)"))
    p.add_argument("--meaning", choices=["approved", "reviewed", "accepted by the customer", "accepted by the supplier"], words="meaning",
                   default="approved", help=_("what the approval means (default: approved)"))
    p.add_argument("--noted-by", metavar=pgettext("metavar", "PERSON"), help=_("for a verbal approval: who noted it"))
    p.add_argument("--note", metavar=pgettext("metavar", "TEXT"), help=_("a note kept with the approval"))
    p.add_argument("--mitigation", metavar=pgettext("metavar", "TEXT"), help=_("when the approver holds none of the task's roles: how the "
                                                         "risk is covered"))
    p.add_argument("--evidence", metavar=pgettext("metavar", "FILE"), help=_("recording someone else's approval (--by, --how email or "
                                                      "paper): the message (.eml) or the scan that shows it, attached"))
    p.add_argument("--sign", action="store_true", help=_("sign it with the approver's SSH key (ssh-keygen -Y sign)"))
    p.add_argument("--key", metavar=pgettext("metavar", "FILE"), help=_("the private key to sign with (default: the one in ~/.ssh matching "
                                                 "the registered public key)"))


def _register_checks_and_reports(reg) -> None:
    """The audit check, the role warnings, what is due, the reports and the audit pack."""
    p = reg.action("audit", "check", _("what an assessor would question: findings with their records (exit 1 if any)"),
                   cmd_audit_check, _("the shop's own pre-assessment"))
    add_format(p, "md", "json")
    add_out(p)

    p = reg.action("roles", "list", _("people and their roles"), cmd_roles_list,
                   _("who holds which role, and the combination warnings"))
    add_format(p, "table", "json", "csv")
    add_limit(p)
    add_out(p)
    p = reg.action("roles", "check", _("print the role warnings, one line each (exit 0 either way)"), cmd_roles_check)
    add_out(p)

    p = reg.command("due", _("list overdue and upcoming reviews, renewals and training (for a cron reminder)"), cmd_due)
    add_format(p, "table", "json")
    add_out(p)

    p = reg.action("report", "audit", _("the evidence map of the 40 tasks (JSON or Markdown)"), cmd_report_audit,
                   _("reports built from the records"))
    add_format(p, "md", "json")
    add_out(p)
    p = reg.action("report", "improvement", _("the improvement report (WP.07) drafted from a period's records"),
                   cmd_report_improvement)
    p.add_argument("--period", metavar=pgettext("metavar", "P"), help=_("2026, 2026-Q3, 2026-09 or FROM..TO dates (default: this year)"))
    add_format(p, "md", "json")
    p.add_argument("--save", action="store_true", help=_("also store it as a draft report (GO.4.1)"))
    add_out(p)

    p = reg.command("audit-pack", _("write a folder an assessor can browse offline (index.html, Markdown too)"),
                    cmd_audit_pack)
    p.add_argument("--out", metavar=pgettext("metavar", "DIR"), required=True, help=_("an empty folder (or an earlier pack to refresh)"))
    p.add_argument("--period", metavar=pgettext("metavar", "P"), help=_("the audit's period: only the incidents opened in it (2026, "
                   "2026-Q3, 2026-09 or FROM..TO dates; default: every incident); other records are all there"))


def _register_party_imports(reg) -> None:
    """Customers, suppliers and people from a spreadsheet."""
    for kind, what in (("customers", _("customers from a spreadsheet (CSV)")),
                       ("suppliers", _("suppliers from a spreadsheet (CSV)")),
                       ("people", _("people, with their roles from a spreadsheet (CSV)"))):
        p = reg.action("import", kind, what, cmd_import_parties)
        p.add_argument("file", metavar=pgettext("metavar", "FILE"), help=_("the CSV file to read"))
        p.add_argument("--dry-run", action="store_true", help=_("show what would be imported and rejected; store nothing"))
        add_yes(p, _("import without asking"))
        p.set_defaults(kind=kind)
