"""Subcommands of the process screens' core functions: incidents and what is due."""

from __future__ import annotations

import json
import sys


from .core import clock


def cmd_incident_add(args) -> int:
    from .cli import _store
    from .core.incidents import log_incident

    store = _store(args)
    try:
        inc = log_incident(store, args.summary, customer=args.customer, service=args.service, impact=args.impact,
                           urgency=args.urgency, reporter=args.reporter or "", cis=args.ci or [], security=args.security,
                           details=args.details or "")
    finally:
        store.close()
    print(inc.id)
    return 0


def cmd_incident_list(args) -> int:
    from .cli import _store, print_rows
    from .core import incident_lists as lists
    from .core import targets
    from .core.lookup import names, resolve, short_names

    store = _store(args)
    try:
        where, params = lists.query(open_only=args.open, priority=args.priority, status=args.status,
                                   customer=resolve(store, "customers", args.customer) if args.customer else None,
                                   search=args.search)
        customers, services = short_names(store), names(store, "services")
        cache: dict = {}
        rows = []
        for inc in lists.rows(store, where, params, order_by=lists.SORTS[args.sort], limit=args.limit):
            tgt = targets.target_clock(inc, targets.target_for(store, inc, cache)) if inc.status != "closed" else None
            rows.append(lists.row_dict(inc, customers, services, tgt))
    finally:
        store.close()
    columns = ["id", "priority", "state", "customer", "service", "summary", "opened_at"]
    if args.format != "table":
        columns = list(rows[0]) if rows else columns
    else:
        for r in rows:
            r["opened_at"] = clock.local_text(clock.parse_datetime(r["opened_at"])) if r["opened_at"] else ""
    print_rows(args, rows, columns)
    return 0


def cmd_incident_show(args) -> int:
    from .cli import _output, _store
    from .core import targets
    from .core.lookup import names, short_names

    store = _store(args)
    try:
        inc = store.get("incidents", args.id)
        history = store.history(inc.uuid)
        tgt = targets.target_clock(inc, targets.target_for(store, inc))
        customers, services = short_names(store), names(store, "services")
    finally:
        store.close()
    with _output(args) as out:
        if args.format == "json":
            json.dump({**inc.model_dump(mode="json"), "history": history}, out, ensure_ascii=False, indent=1)
            out.write("\n")
            return 0
        out.write(f"{inc.id}  {inc.summary}\n")
        out.write(f"  priority {inc.priority} (impact {inc.impact}, urgency {inc.urgency})   status {inc.status}   state {inc.state}\n")
        out.write(f"  customer {customers.get(inc.customer or '', '-')}   service {services.get(inc.service or '', '-')}\n")
        out.write(f"  opened {clock.local_text(inc.opened_at)}   restored {clock.local_text(inc.restored_at) or '-'}"
                  f"   closed {clock.local_text(inc.closed_at) or '-'}\n")
        if tgt.due_at and inc.status != "closed":
            state = "BREACHED" if tgt.breached else "due"
            out.write(f"  target {state} {clock.local_text(tgt.due_at)} ({tgt.source})\n")
        for label, value in (("reporter", inc.reporter), ("details", inc.details), ("category", inc.category),
                             ("solution", inc.solution), ("root cause", inc.root_cause)):
            if value:
                out.write(f"  {label}: {value}\n")
        out.write("history:\n")
        for h in history:
            what = "created" if h["action"] == "create" else f"{h['field']}: {h['old_value'] or ''} -> {h['new_value'] or ''}"
            out.write(f"  {clock.local_text(clock.parse_datetime(h['at']))}  {h['operator']:<12} {h['task'] or '':7} {what[:80]}\n")
    return 0


def cmd_due(args) -> int:
    from .cli import _store, print_rows
    from .core.due import due_items

    store = _store(args)
    try:
        today = clock.today()
        items = [i.as_dict(today) for i in due_items(store, today)]
    finally:
        store.close()
    if args.format == "table":
        for item in items:
            d = item["days"]
            item["when"] = f"{-d}d overdue" if d < 0 else ("today" if d == 0 else f"in {d}d")
        print_rows(args, items, ["when", "due", "kind", "ref", "title"])
    else:
        print_rows(args, items, ["due", "days", "overdue", "kind", "ref", "title"])
    return 0


def cmd_people_add(args) -> int:
    from .cli import _store
    from .core.roles import add_person, label

    store = _store(args)
    try:
        person, added = add_person(store, args.name, email=args.email or "", phone=args.phone or "",
                                   affiliation=args.affiliation, roles=args.roles or "")
    finally:
        store.close()
    print(person.id + (f"  {' '.join(label(a) for a in added)}" if added else ""))
    return 0


def cmd_roles_list(args) -> int:
    from .cli import _store, print_rows
    from .core.roles import holdings, label, load

    store = _store(args)
    try:
        people, assignments, _ = load(store)
    finally:
        store.close()
    by_person: dict[str, list[str]] = {}
    for a in assignments:
        by_person.setdefault(a.person, []).append(label(a))
    rows = [{"id": h.person.id, "name": h.person.name, "affiliation": h.person.affiliation,
             "roles": " ".join(by_person.get(h.person.uuid, []))} for h in holdings(people, assignments)]
    print_rows(args, rows, ["id", "name", "affiliation", "roles"])
    return 0


def cmd_roles_check(args) -> int:
    from .cli import _output, _store
    from .core.roles import warnings

    store = _store(args)
    try:
        found = warnings(store)
    finally:
        store.close()
    with _output(args) as out:
        if not found:
            out.write("no warnings\n")
        for w in found:
            out.write(w.line() + "\n")
    return 0  # it informs, it does not fail


def cmd_report_audit(args) -> int:
    from .cli import _output, _store
    from .core.evidence import evidence_map
    from .reports.audit import audit_json, write_markdown

    store = _store(args)
    try:
        tasks = evidence_map(store)
        shop = store.setting("shop_name", "")
    finally:
        store.close()
    with _output(args) as out:
        if args.format == "json":
            json.dump(audit_json(tasks), out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            write_markdown(tasks, out, shop)
    return 0


def cmd_verify(args) -> int:
    from .cli import _store
    from .core.attachments import check_files
    from .store.chain import verify

    store = _store(args)
    try:
        problems = verify(store) + check_files(store)
        rows = store.count("history")
        files = store.count("attachments")
    finally:
        store.close()
    if not problems:
        print(f"ok: {rows} history rows chained, every record matches its history"
              + (f", {files} attached files intact" if files else ""))
        return 0
    for p in problems[:50]:
        print(p.line())
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more")
    print(f"vse-tui: {len(problems)} problem(s); the first is {problems[0].line()}", file=sys.stderr)
    return 1


def cmd_backup(args) -> int:
    from .cli import _store
    from .store.maintenance import backup

    store = _store(args)
    try:
        path = backup(store, args.out)
    finally:
        store.close()
    print(path)
    return 0


def cmd_restore(args) -> int:
    from pathlib import Path

    from .cli import _store, confirm
    from .core.errors import VseError
    from .store.maintenance import describe, restore

    store = _store(args)
    try:
        incoming = describe(Path(args.file))
        current = describe(store.path)
        print(f"This replaces  {current.line()}\nwith           {incoming.line()}", file=sys.stderr)
        if not confirm(args, "Replace the database with the backup? (a copy of the current one is kept)"):
            raise VseError("restore cancelled; nothing was changed (use --yes to confirm without a prompt)")
        safety, _ = restore(store, Path(args.file))
    finally:
        store.close()
    print(f"restored {incoming.path}; the previous database was saved as {safety}")
    return 0


def cmd_doctor(args) -> int:
    from .cli import _store
    from .paths import config_path
    from .store.maintenance import doctor

    store = _store(args)
    try:
        checks = doctor(store, config_path())
    finally:
        store.close()
    failed = False
    for c in checks:
        mark = "ok  " if c.ok else ("warn" if c.warning else "FAIL")
        failed |= not c.ok and not c.warning
        print(f"{mark}  {c.name:<12} {c.message}")
    return 1 if failed else 0


def cmd_import_incidents(args) -> int:
    from .cli import run_import
    from .core.errors import InputError
    from .core.importer import apply, plan_incidents

    overrides = {}
    for item in args.map or []:
        column, sep, name = item.partition("=")
        if not sep:
            raise InputError(f"--map {item!r}: use COLUMN=field, e.g. --map 'Ticket ID=ref'")
        overrides[column.strip()] = name.strip()
    return run_import(
        args, "incidents", lambda store, path: plan_incidents(store, path, overrides), lambda plan: plan.incidents,
        lambda plan, i, inc: f"{inc.external_ref or '-':<14} {inc.priority} {inc.state:<22} {inc.summary[:60]}", apply,
        header_note=lambda plan: " (an event log: one incident per ticket)" if plan.event_log else "",
        known_note=lambda plan: f"already imported (skipped): {plan.skipped_known}; ")


def register(command) -> None:
    """Add this module's subcommands through `command(name, func, help)`."""
    import argparse

    from .cli import _Parser

    inc = command("incident", None, "log and list incidents (IN)")
    sub = inc.add_subparsers(dest="incident_command", metavar="ACTION", parser_class=_Parser, required=True)
    db_opt = _Parser(add_help=False)
    db_opt.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file")

    p = sub.add_parser("add", parents=[db_opt], help="record an incident (IN.2.1); prints its id")
    p.add_argument("summary")
    p.add_argument("--customer", metavar="C", help="customer id, short code or name (default: last used)")
    p.add_argument("--service", metavar="S", help="service id or name (default: last used)")
    p.add_argument("--impact", choices=["high", "medium", "low"], default="medium")
    p.add_argument("--urgency", choices=["high", "medium", "low"], default="medium")
    p.add_argument("--reporter", metavar="R")
    p.add_argument("--details", metavar="TEXT")
    p.add_argument("--ci", action="append", metavar="CI", help="configuration item involved (repeatable)")
    p.add_argument("--security", action="store_true", help="an information security incident")
    p.set_defaults(func=cmd_incident_add)

    p = sub.add_parser("list", parents=[db_opt], help="list incidents")
    p.add_argument("--open", action="store_true", help="only incidents not closed")
    p.add_argument("--priority", choices=["P1", "P2", "P3", "P4", "P5"])
    p.add_argument("--status", metavar="S", help="a status (opened, updated, closed) or state (new, in progress, ...)")
    p.add_argument("--customer", metavar="C")
    p.add_argument("--search", metavar="WORDS")
    p.add_argument("--sort", choices=["newest", "oldest", "priority", "opened"], default="newest")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_incident_list)

    p = sub.add_parser("show", parents=[db_opt], help="show one incident with its history")
    p.add_argument("id")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_incident_show)

    people = command("people", None, "people of the shop, customers and suppliers (GO.1.2)")
    psub = people.add_subparsers(dest="people_command", metavar="ACTION", parser_class=_Parser, required=True)
    p = psub.add_parser("add", parents=[db_opt], help="add a person with their roles; prints the new id")
    p.add_argument("name")
    p.add_argument("--email", metavar="E")
    p.add_argument("--phone", metavar="P")
    p.add_argument("--affiliation", choices=["internal", "customer", "supplier"], default="internal")
    p.add_argument("--roles", metavar="ROLES", help="comma-separated: SM,CM,IM,RM,MGT,PT or PT:change|incident|relationship")
    p.set_defaults(func=cmd_people_add)

    roles = command("roles", None, "who holds which role, and the combination warnings")
    rsub = roles.add_subparsers(dest="roles_command", metavar="ACTION", parser_class=_Parser, required=True)
    p = rsub.add_parser("list", parents=[db_opt], help="people and their roles")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_roles_list)
    p = rsub.add_parser("check", parents=[db_opt], help="print the role warnings, one line each (exit 0 either way)")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_roles_check)

    report = command("report", None, "reports built from the records")
    rpsub = report.add_subparsers(dest="report_command", metavar="REPORT", parser_class=_Parser, required=True)
    p = rpsub.add_parser("audit", parents=[db_opt], help="the evidence map of the 40 tasks (JSON or Markdown)")
    p.add_argument("--format", choices=["json", "md"], default="md")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_report_audit)

    imp = command("import", None, "bring existing records in from a CSV file")
    isub = imp.add_subparsers(dest="import_command", metavar="WHAT", parser_class=_Parser, required=True)
    p = isub.add_parser("incidents", parents=[db_opt], help="incidents from a spreadsheet or helpdesk export")
    p.add_argument("file")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD", help="match a column to a field yourself")
    p.add_argument("--dry-run", action="store_true", help="show what would be imported and rejected; store nothing")
    p.add_argument("--yes", action="store_true", help="import without asking")
    p.set_defaults(func=cmd_import_incidents)

    from .commands_service import register as register_service

    register_service(command, rpsub, isub, db_opt)

    p = command("verify", cmd_verify, "check the history's hash chain and every record against its history")
    p = command("backup", cmd_backup, "make a consistent copy of the database, even while the app is open")
    p.add_argument("--out", metavar="FILE", help="where to write it (default: beside the database, dated)")
    p = command("restore", cmd_restore, "replace the database with a backup (after keeping a copy of it)")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p = command("doctor", cmd_doctor, "check the database, its history, permissions and location")

    p = command("due", cmd_due, "list overdue and upcoming reviews, renewals and training (for a cron reminder)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--out", metavar="FILE")

