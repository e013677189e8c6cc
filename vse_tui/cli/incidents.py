"""Service Incident (IN) from the command line: log, list, show; import a helpdesk's history."""

from __future__ import annotations

import itertools

from vse_tui.i18n import _, ngettext, pgettext

from ..core.evidence.next_step import next_step
from ..core.governance.assign import assign, who
from ..core.governance.people import name_of
from ..core.incidents import lists
from ..core.incidents.process import log_incident
from ..core.incidents.view import incident_view
from ..core.intake.importer import Options, apply, plan_incidents
from ..core.kernel import clock
from ..core.kernel.errors import InputError, VseError
from ..core.kernel.text import visible
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    Progress,
    add_format,
    add_limit,
    add_out,
    add_yes,
    confirm,
    dump_json,
    need_file,
    open_store,
    output,
    print_rows,
    say,
)
from .imports import backup_before_import, open_for_import, preview_incidents, write_rejects


def cmd_incident_add(args) -> int:
    store = open_store(args)
    try:
        inc = log_incident(store, args.summary, customer=args.customer, service=args.service, impact=args.impact,
                           urgency=args.urgency, reporter=args.reporter or "", cis=args.ci or [],
                           security=args.security, details=args.details or "", assignee=args.assign)
    finally:
        store.close()
    print(inc.id)
    return EXIT_OK


def cmd_incident_list(args) -> int:
    store = open_store(args, must_exist=True)
    try:
        assignee = None
        if args.mine:
            assignee = who(store, "me")
        elif args.assignee:
            assignee = who(store, args.assignee)
        elif args.unassigned:
            assignee = ""
        columns = ["id", "priority", "state", "assignee", "customer", "service", "summary", "opened_at"]
        if store.any_external_ref():  # imported tickets: the key they had, beside ours
            columns.insert(1, "external_ref")
        with store.snapshot():  # printed as read, from one moment: memory does not grow with the list
            rows = lists.each_dict(store, open_only=args.open, priority=args.priority, status=args.status,
                                   customer=args.customer, search=args.search, sort=args.sort, limit=args.limit,
                                   assignee=assignee)
            if args.format != "table":
                first = next(rows, None)
                columns = list(first) if first else columns
                rows = itertools.chain([first] if first else [], rows)
            else:
                rows = (_local_opened(r) for r in rows)
            print_rows(args, rows, columns)
    finally:
        store.close()
    return EXIT_OK


def _local_opened(row: dict) -> dict:
    row["opened_at"] = clock.local_text(clock.parse_datetime(row["opened_at"])) if row["opened_at"] else ""
    return row


def cmd_incident_assign(args) -> int:
    if not args.person and not args.nobody:
        raise InputError(_("Say who (a person, or me), or --nobody"))
    with open_store(args, must_exist=True) as store:
        inc = assign(store, "incidents", args.id, None if args.nobody else args.person)
        if inc.assignee:
            said = _("{ref}: assigned to {person}").format(ref=inc.id, person=name_of(store, inc.assignee))
        else:
            said = _("{ref}: assigned to nobody").format(ref=inc.id)
    say(said)
    return EXIT_OK


# the command that does each verb of the core's next step (`evidence.next_step`)
COMMANDS = {"classify": "incident classify {ref}", "notify": "incident notified {ref}",
            "restore": "incident restore {ref}", "edit": "record edit {ref}", "close": "incident close {ref}",
            "raise_change": "incident raise-change {ref}", "reopen": "incident reopen {ref}"}


def next_text(store, inc) -> str:
    """What the incident needs next, as the incident screen says it, with the commands that do it."""

    nxt = next_step(store, inc)
    commands = [f"vse-tui {COMMANDS[a].format(ref=inc.id)}" for a in nxt.actions]
    said = {
        "notify restored": _("next: IN.2.4 tell the affected party it is restored ({command})"),
        "name items": _("next: IN.2.2 name the configuration items involved ({command})"),
        "classify": _("next: IN.2.2 classify it ({command})"),
        "notify": _("next: IN.2.3 notify the affected party ({command})"),
        "restore": _("next: IN.2.4 record what restored the service ({command})"),
        "close": _("next: IN.2.5 close it once the affected party confirms ({command})"),
    }
    lines = []
    if nxt.step in said:
        lines.append(said[nxt.step].format(command=commands[0]))
    elif nxt.step == "needs":
        lines.append(_("before closing it needs {what} ({command})").format(what="; ".join(nxt.needs),
                                                                          command=commands[-1]))
    if nxt.gaps:
        lines.append(_("IN.2.1 lacks {what} ({command})").format(what="; ".join(nxt.gaps),
                                                                 command=f"vse-tui {COMMANDS['edit'].format(ref=inc.id)}"))
    lines.extend(_("IN.2.1: {what}").format(what=role) for role in nxt.roles)
    if nxt.shop_task:
        lines.append(_("{task} waits on the shop's {records} (vse-tui report audit)").format(
            task=nxt.shop_task, records=", ".join(nxt.shop_records)))
    return "".join(line + "\n" for line in lines)


def cmd_incident_show(args) -> int:
    store = open_store(args, must_exist=True)
    try:
        view = incident_view(store, args.id)
        advice = next_text(store, view.incident)
    finally:
        store.close()
    with output(args) as out:
        if args.format == "json":
            dump_json(view.as_json(), out)
            return EXIT_OK
        out.write(visible(view.as_text() + advice))
    return EXIT_OK


def cmd_import_incidents(args) -> int:
    options = Options.parse(args.map or [], args.ignore or [], args.map_value or [], args.dates, args.encoding,
                            args.update)
    path = need_file(args.file)
    store = open_for_import(args)
    # told to go on (--yes) with no preview to read first: the tickets are built, checked and counted
    # once, while they are stored, and what was read is shown after
    at_once = bool(args.yes) and not args.dry_run and not args.rejects
    try:
        meter = Progress(_("reading"), unit=_("rows"))
        plan = plan_incidents(store, path, options=options, progress=meter.update, check=not at_once)
        meter.done()
        if not at_once:
            preview_incidents(plan, path)
            if args.rejects:
                write_rejects(plan, args.rejects, force=args.force, database=getattr(store, "path", None))
            if args.dry_run or not plan.to_import:
                return EXIT_REFUSED if plan.rejected and not plan.to_import else EXIT_OK
            if not confirm(args, ngettext("Import {n} incidents?", "Import {n} incidents?", plan.to_import).format(
                    n=plan.to_import)):
                raise VseError(_("import cancelled; nothing was stored (use --yes to import without a prompt)"))
        saved = backup_before_import(store)
        if saved is not None:
            say(_("backup before the import: {path}").format(path=saved))
        meter = Progress(_("storing"), total=plan.expected(), unit=_("incidents"))
        count = apply(store, plan, progress=meter.update)
        meter.done()
        if at_once:
            preview_incidents(plan, path)
            if plan.rejected and not plan.to_import:
                return EXIT_REFUSED
    finally:
        store.close()
    said = ngettext("imported {n} incidents", "imported {n} incidents", count).format(n=count)
    if plan.update:
        said += _("; brought up to date: {n} already imported").format(n=plan.updated)
    if plan.rejected:
        said += ngettext("; {n} rows rejected ({tickets} tickets not imported)",
                         "; {n} rows rejected ({tickets} tickets not imported)",
                         len(plan.rejected)).format(n=len(plan.rejected), tickets=plan.rejected_tickets)
    say(said)
    return EXIT_OK


def register(reg) -> None:
    group = "incident"
    p = reg.action(group, "add", _("record an incident (IN.2.1); prints its id"), cmd_incident_add)
    p.add_argument("summary", help=_("what is wrong, in a line"))
    p.add_argument("--customer", metavar=pgettext("metavar", "C"), help=_("customer id, short code or name (default: last used)"))
    p.add_argument("--service", metavar=pgettext("metavar", "S"), help=_("service id or name (default: last used)"))
    p.add_argument("--impact", choices=["high", "medium", "low"], default="medium", help=_("how much it affects (default: medium)"))
    p.add_argument("--urgency", choices=["high", "medium", "low"], default="medium", help=_("how soon it hurts (default: medium)"))
    p.add_argument("--reporter", metavar=pgettext("metavar", "R"), help=_("who reported it: a contact's id or name"))
    p.add_argument("--details", metavar=pgettext("metavar", "TEXT"), help=_("what the reporter said, in full"))
    p.add_argument("--ci", action="append", metavar=pgettext("metavar", "CI"), help=_("configuration item involved (repeatable)"))
    p.add_argument("--security", action="store_true", help=_("an information security incident"))
    p.add_argument("--assign", metavar=pgettext("metavar", "PERSON"), help=_("who has it: a person of the shop, or me"))

    p = reg.action(group, "list", _("list incidents"), cmd_incident_list)
    p.add_argument("--open", action="store_true", help=_("only incidents not closed"))
    p.add_argument("--priority", choices=["P1", "P2", "P3", "P4", "P5"], help=_("only this priority"))
    p.add_argument("--status", metavar=pgettext("metavar", "S"), help=_("a status (opened, updated, closed) or state (new, in progress, ...)"))
    p.add_argument("--customer", metavar=pgettext("metavar", "C"), help=_("only this customer's: id, short code or name"))
    p.add_argument("--search", metavar=pgettext("metavar", "WORDS"), help=_("only those whose text holds these words"))
    whose = p.add_mutually_exclusive_group()
    whose.add_argument("--mine", action="store_true", help=_("only incidents assigned to you"))
    whose.add_argument("--assignee", metavar=pgettext("metavar", "PERSON"), help=_("only incidents assigned to PERSON"))
    whose.add_argument("--unassigned", action="store_true", help=_("only incidents nobody has"))
    p.add_argument("--sort", choices=["newest", "oldest", "priority", "opened"], default="newest",
                   help=_("order of the list (default: newest first)"))
    add_format(p, "table", "json", "csv")
    add_limit(p)
    add_out(p)

    p = reg.action(group, "assign", _("give an incident to a person (or --nobody)"), cmd_incident_assign)
    p.add_argument("id", help=_("the incident, e.g. INC-0042"))
    p.add_argument("person", nargs="?", help=_("a person of the shop, or me"))
    p.add_argument("--nobody", action="store_true", help=_("nobody has it"))

    p = reg.action(group, "show", _("show one incident with its history"), cmd_incident_show)
    p.add_argument("id", help=_("INC-0042, or the ticket key it had in the tool it was imported from"))
    add_format(p, "text", "json")
    add_out(p)

    p = reg.action("import", "incidents", _("incidents from a spreadsheet or helpdesk export (CSV)"),
                   cmd_import_incidents, _("bring existing records in from the tool you use now"))
    p.add_argument("file", help=_("the export file to read (CSV)"))
    p.add_argument("--map", action="append", metavar=pgettext("metavar", "COLUMN=FIELD"), help=_("match a column to a field yourself"))
    p.add_argument("--ignore", action="append", metavar=pgettext("metavar", "COLUMN"), help=_("leave a column out (repeatable)"))
    p.add_argument("--map-value", action="append", metavar=pgettext("metavar", "FIELD:WORD=VALUE"),
                   help=_("what a word means here, e.g. priority:Highest=P1 or state:'On hold'='waiting for customer'"))
    p.add_argument("--dates", metavar=pgettext("metavar", "FORMAT"), help=_("how dates read: day-first, month-first or a strptime format "
                                                     "such as '%%d/%%b/%%y %%I:%%M %%p' (default: decided from the file)"))
    p.add_argument("--encoding", metavar=pgettext("metavar", "NAME"), help=_("the file's encoding (utf-8, cp1252, latin-1, utf-16; default: "
                                                     "decided from the whole file)"))
    p.add_argument("--update", action="store_true", help=_("bring the tickets imported before from this file up to "
                                                         "date (dates, states, priorities) as new versions"))
    p.add_argument("--rejects", metavar=pgettext("metavar", "FILE.csv"), help=_("write every rejected row with its line and reason"))
    p.add_argument("--force", action="store_true", help=_("replace an existing rejects file"))
    p.add_argument("--dry-run", action="store_true", help=_("show what would be imported and rejected; store nothing"))
    add_yes(p, _("import without asking"))


__all__ = ["register", "say"]
