"""Subcommands of Service Control and Service Relationship: changes, configuration items, feedback
and the performance report. Each one calls the same core functions as the screens."""

from __future__ import annotations

import sys

from .core import clock


def cmd_report_performance(args) -> int:
    from .cli import _output, _store
    from .core.lookup import resolve
    from .reports import performance

    period = performance.parse_period(args.period) if args.period else performance.current_quarter()
    with _store(args) as store:
        customer = resolve(store, "customers", args.customer) if args.customer else None
        report = performance.compute(store, period, customer)
        shop = store.setting("shop_name", "")
        saved = performance.save(store, period, customer) if args.save else None
    with _output(args) as out:
        if args.format == "json":
            out.write(performance.to_json(report) + "\n")
        elif args.format == "csv":
            out.write(performance.to_csv(report))
        else:
            out.write(performance.to_markdown(report, shop))
    if saved:
        print(f"saved as {saved.id} (draft; approve it on the Relationship screen)", file=sys.stderr)
    return 0


def cmd_report_improvement(args) -> int:
    from .cli import _output, _store
    from .reports import improvement, performance

    period = performance.parse_period(args.period) if args.period else performance.parse_period(str(clock.today().year))
    with _store(args) as store:
        data = improvement.gather(store, period)
        shop = store.setting("shop_name", "")
        saved = improvement.draft(store, period) if args.save else None
    with _output(args) as out:
        out.write(improvement.to_json(data) + "\n" if args.format == "json" else improvement.to_markdown(data, shop))
    if saved:
        print(f"saved as {saved.id} (draft; write the actions and approve it on the Governance screen)", file=sys.stderr)
    return 0


def cmd_change_add(args) -> int:
    from .cli import _store
    from .core import changes

    with _store(args) as store:
        change = changes.request(store, args.title, change_type=args.type, cis=args.ci or [], purpose=args.purpose or "",
                                 priority=args.priority, risk=args.risk, customer=args.customer, service=args.service,
                                 date_needed=args.needed, template=args.template)
        for warning in changes.request_warnings(store, change):
            print(f"warning: {warning}", file=sys.stderr)
    print(change.id)
    return 0


def cmd_change_list(args) -> int:
    from .cli import _store, print_rows
    from .core import changes

    with _store(args) as store:
        rows = changes.list_rows(store, scheduled=args.scheduled, open_only=args.open)
    columns = ["id", "type", "status", "state", "priority", "planned", "title"]
    if args.format == "table":
        for r in rows:
            r["planned"] = clock.local_text(clock.parse_datetime(r["planned_at"])) if r["planned_at"] else ""
    else:
        columns = list(rows[0]) if rows else columns
    print_rows(args, rows, columns)
    return 0


def cmd_ci_list(args) -> int:
    from .cli import _store, print_rows
    from .core import cis

    with _store(args) as store:
        rows = cis.list_rows(store)
    columns = ["id", "name", "type", "state", "owner", "location", "expiry"]
    if args.format != "table":
        columns = list(rows[0]) if rows else columns
    print_rows(args, rows, columns)
    return 0


def cmd_import_cis(args) -> int:
    from .cli import run_import
    from .core import cis

    return run_import(args, "configuration items", cis.plan_import, lambda plan: plan.items,
                      lambda plan, i, item: f"{item.name[:40]:<40} {item.ci_type:<17} {item.owner[:20]}",
                      cis.apply_import)


def cmd_import_parties(args) -> int:
    from .cli import run_import
    from .core.parties_import import apply_parties, plan_parties

    def preview(plan, i, rec) -> str:
        roles = ",".join(r if not a else f"{r}:{a}" for r, a in plan.roles.get(i, []))
        return f"{rec.name[:40]:<40} {rec.email[:30]:<30} {roles}".rstrip()

    return run_import(args, args.kind, lambda store, path: plan_parties(store, args.kind, path),
                      lambda plan: plan.records, preview, apply_parties)


def cmd_feedback_add(args) -> int:
    from .cli import _store
    from .core.lookup import resolve
    from .core.relationship import log_feedback

    with _store(args) as store:
        company = None
        if args.customer:
            company = resolve(store, "customers", args.customer)
        elif args.supplier:
            company = resolve(store, "suppliers", args.supplier)
        entry = log_feedback(store, args.description, feedback_type=args.type, company=company,
                             source="supplier" if args.supplier else "customer", contact=args.contact or "")
    print(entry.id)
    return 0


def cmd_attach(args) -> int:
    from .cli import _store
    from .core.attachments import attach

    with _store(args) as store:
        att = attach(store, args.ref, args.file, args.note or "")
    print(att.id)
    return 0


def cmd_attachments(args) -> int:
    from .cli import _store, print_rows
    from .core.attachments import attachments_of, stored_path
    from .core.errors import InputError, NotFound

    with _store(args) as store:
        try:
            record = store.find(args.ref)
        except NotFound as exc:
            raise InputError(str(exc)) from None
        rows = [{"id": a.id, "name": a.name, "size": a.size, "sha256": a.sha256, "attached_at": clock.iso(a.created_at),
                 "by": a.created_by, "note": a.note, "path": str(stored_path(store, a.sha256))}
                for a in attachments_of(store, record.uuid)]
    print_rows(args, rows, ["id", "name", "size", "attached_at", "by"] if args.format == "table" else
               ["id", "name", "size", "sha256", "attached_at", "by", "note", "path"])
    return 0


def cmd_audit_pack(args) -> int:
    from .cli import _store
    from .reports.audit_pack import write_pack

    with _store(args) as store:
        result = write_pack(store, args.out)
    print(f"audit pack written: {result['path']} ({result['pages']} pages, {result['work_products']} work products, "
          f"{result['files']} attached files)")
    return 0


def cmd_sync(args) -> int:
    from .cli import _store
    from .store import sync

    with _store(args) as store:
        if args.sync_command == "clone":
            made = sync.clone(store, args.out, args.name or "")
            print(f"copy written: {made['path']} ({made['name']}, site {made['site'][:8]}); it knows this database "
                  "as its origin")
        elif args.sync_command == "export":
            done = sync.export_bundle(store, args.out, args.to)
            print(f"bundle written: {done['path']} for {done['to']}: {done['events']} events on {done['records']} "
                  f"records, {done['files']} files")
        elif args.sync_command == "import":
            result = sync.import_bundle(store, args.bundle)
            print(f"merged: {result.line()}")
        elif args.sync_command == "conflicts":
            rows = sync.open_conflicts(store)
            if not rows:
                print("no open conflicts")
            for c in rows:
                print(f"{c['id']:>4}  {c['ref']:<10} {c['field'] or '':<16} {c['reason']}: here {c['local_value']!r}, "
                      f"there {c['remote_value']!r} ({c['remote_operator']})")
        elif args.sync_command == "resolve":
            rec = sync.resolve(store, args.conflict, args.keep)
            print(f"{rec.id}: kept the {args.keep} value")
        else:
            for p in sync.peers(store):
                print(f"{p['name']:<20} {p['relation']:<7} site {p['site'][:8]}  sent up to {p['acked']}, "
                      f"received up to {p['received']}")
    return 0


def cmd_serve(args) -> int:
    import ipaddress

    from .cli import confirm
    from .core.errors import InputError

    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback:
        print(f"warning: binding to {args.host} lets anyone who reaches this machine on port {args.port} use the "
              "app as you, with no password. Prefer an SSH tunnel (ssh -L 8000:127.0.0.1:8000 host) or a reverse "
              "proxy with authentication in front of 127.0.0.1.", file=sys.stderr)
        if not confirm(args, "Serve on that address anyway?"):
            raise InputError(f"not serving on {args.host} (use --yes to confirm)")
    try:
        from textual_serve.server import Server
    except ImportError:
        raise InputError("serving in a browser needs the web extra: pip install 'vse-tui[web]'") from None
    db = f" --db {args.db}" if getattr(args, "db", None) else ""
    Server(f"{sys.executable} -m vse_tui{db}", host=args.host, port=args.port, title="vse-tui").serve()
    return 0


def register(command, report_sub, import_sub, db_opt) -> None:
    from .cli import _Parser

    p = report_sub.add_parser("performance", parents=[db_opt],
                              help="the service performance report (WP.19) of a period, per customer")
    p.add_argument("--period", metavar="P", help="2026-Q3, 2026-09, 2026 or FROM..TO dates (default: this quarter)")
    p.add_argument("--customer", metavar="C", help="one customer (default: all, broken down by customer)")
    p.add_argument("--format", choices=["md", "csv", "json"], default="md")
    p.add_argument("--save", action="store_true", help="also store it as a draft report (RE.2.4)")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_report_performance)

    p = report_sub.add_parser("improvement", parents=[db_opt],
                              help="the improvement report (WP.07) drafted from a period's records")
    p.add_argument("--period", metavar="P", help="2026, 2026-Q3, 2026-09 or FROM..TO dates (default: this year)")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--save", action="store_true", help="also store it as a draft report (GO.4.1)")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_report_improvement)

    p = import_sub.add_parser("cis", parents=[db_opt], help="configuration items from a spreadsheet (CSV)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="show what would be imported and rejected; store nothing")
    p.add_argument("--yes", action="store_true", help="import without asking")
    p.set_defaults(func=cmd_import_cis)

    for kind, what in (("customers", "customers"), ("suppliers", "suppliers"), ("people", "people, with their roles")):
        p = import_sub.add_parser(kind, parents=[db_opt], help=f"{what} from a spreadsheet (CSV)")
        p.add_argument("file")
        p.add_argument("--dry-run", action="store_true", help="show what would be imported and rejected; store nothing")
        p.add_argument("--yes", action="store_true", help="import without asking")
        p.set_defaults(func=cmd_import_parties, kind=kind)

    change = command("change", None, "request and list changes (CO)")
    csub = change.add_subparsers(dest="change_command", metavar="ACTION", parser_class=_Parser, required=True)
    p = csub.add_parser("add", parents=[db_opt], help="request a change (WP.11, draft); prints its id")
    p.add_argument("title")
    p.add_argument("--type", choices=["normal", "emergency", "pre-approved"], default="normal")
    p.add_argument("--ci", action="append", metavar="CI", help="configuration item affected (repeatable)")
    p.add_argument("--purpose", metavar="TEXT")
    p.add_argument("--priority", choices=["P1", "P2", "P3", "P4", "P5"], default="P3")
    p.add_argument("--risk", choices=["low", "medium", "high"], default="medium")
    p.add_argument("--customer", metavar="C")
    p.add_argument("--service", metavar="S")
    p.add_argument("--needed", metavar="DATE", help="date needed (YYYY-MM-DD)")
    p.add_argument("--template", metavar="CHG", help="a pre-approved change to copy (its type must be earned)")
    p.set_defaults(func=cmd_change_add)
    p = csub.add_parser("list", parents=[db_opt], help="list change requests")
    p.add_argument("--scheduled", action="store_true", help="only changes with a planned date, soonest first")
    p.add_argument("--open", action="store_true", help="only changes not deployed, rejected or cancelled")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_change_list)

    ci = command("ci", None, "configuration items (WP.02)")
    cisub = ci.add_subparsers(dest="ci_command", metavar="ACTION", parser_class=_Parser, required=True)
    p = cisub.add_parser("list", parents=[db_opt], help="list configuration items")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_ci_list)

    p = command("audit-pack", cmd_audit_pack, "write a folder an assessor can browse offline (index.html, Markdown too)")
    p.add_argument("--out", metavar="DIR", required=True, help="an empty folder (or an earlier pack to refresh)")

    p = command("attach", cmd_attach, "attach a file to any record as evidence; prints the attachment's id")
    p.add_argument("ref", help="the record's id, e.g. AGR-0001")
    p.add_argument("file")
    p.add_argument("--note", metavar="TEXT")
    p = command("attachments", cmd_attachments, "list the files attached to a record")
    p.add_argument("ref")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--out", metavar="FILE")

    sync_p = command("sync", None, "offline copies and merging (clone, export, import, conflicts)")
    ssub = sync_p.add_subparsers(dest="sync_command", metavar="ACTION", parser_class=_Parser, required=True)
    p = ssub.add_parser("clone", parents=[db_opt], help="a full copy for a technician, which knows it is a copy")
    p.add_argument("--out", metavar="FILE", required=True)
    p.add_argument("--name", metavar="NAME", help="what to call the copy (default: the file's name)")
    p.set_defaults(func=cmd_sync)
    p = ssub.add_parser("export", parents=[db_opt], help="a bundle of what the other side has not seen yet")
    p.add_argument("--out", metavar="BUNDLE", required=True)
    p.add_argument("--to", metavar="PEER", help="which copy (needed when there are several)")
    p.set_defaults(func=cmd_sync)
    p = ssub.add_parser("import", parents=[db_opt], help="merge a bundle from the other side")
    p.add_argument("bundle")
    p.set_defaults(func=cmd_sync)
    p = ssub.add_parser("conflicts", parents=[db_opt], help="list the conflicts waiting for a choice")
    p.set_defaults(func=cmd_sync)
    p = ssub.add_parser("resolve", parents=[db_opt], help="settle a conflict")
    p.add_argument("conflict", type=int)
    p.add_argument("--keep", choices=["local", "remote"], required=True)
    p.set_defaults(func=cmd_sync)
    p = ssub.add_parser("peers", parents=[db_opt], help="the copies this database exchanges with")
    p.set_defaults(func=cmd_sync)

    p = command("serve", cmd_serve, "serve the app in a browser (needs pip install 'vse-tui[web]')")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--yes", action="store_true", help="confirm a non-local address")

    fb = command("feedback", None, "the feedback log (WP.06, RE.2.3)")
    fsub = fb.add_subparsers(dest="feedback_command", metavar="ACTION", parser_class=_Parser, required=True)
    p = fsub.add_parser("add", parents=[db_opt], help="log a compliment, complaint or comment; prints its id")
    p.add_argument("description")
    p.add_argument("--type", choices=["compliment", "complaint", "comment"], default="comment")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--customer", metavar="C")
    who.add_argument("--supplier", metavar="S")
    p.add_argument("--contact", metavar="NAME")
    p.set_defaults(func=cmd_feedback_add)
