"""Service Control (CO) from the command line: change requests, configuration items and their import."""

from __future__ import annotations

import sys

from vse_tui.i18n import _, pgettext

from ..core.kernel import clock
from ..core.kernel.text import one_line
from .common import EXIT_OK, add_format, add_limit, add_out, open_store, print_rows
from .steps import cmd_record_show


def cmd_change_add(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes

    with open_store(args) as store:
        change = changes.request(store, args.title, change_type=args.type, cis=args.ci or [], purpose=args.purpose or "",
                                 priority=args.priority, risk=args.risk, customer=args.customer, service=args.service,
                                 date_needed=args.needed, template=args.template)
        for warning in changes.request_warnings(store, change):
            print(one_line(_("warning: {warning}").format(warning=warning)), file=sys.stderr)
    print(change.id)
    return EXIT_OK


def cmd_change_make_template(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes

    with open_store(args, must_exist=True) as store:
        change = changes.make_template(store, args.change)
    print(_("{ref} is a pre-approved type: vse-tui change add TITLE --template {ref}").format(ref=change.id))
    return EXIT_OK


def cmd_change_list(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes

    with open_store(args, must_exist=True) as store:
        rows = changes.list_rows(store, scheduled=args.scheduled, open_only=args.open, overdue=args.overdue)
    columns = ["id", "type", "status", "state", "priority", "planned", "title"]
    if args.format == "table":
        for r in rows:
            r["planned"] = clock.local_text(clock.parse_datetime(r["planned_at"])) if r["planned_at"] else ""
    else:
        columns = list(rows[0]) if rows else columns
    print_rows(args, rows, columns, {"type": "change_type"})
    return EXIT_OK


def cmd_ci_list(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import cis

    with open_store(args, must_exist=True) as store:
        rows = cis.list_rows(store)
    columns = ["id", "name", "type", "state", "owner", "location", "expiry"]
    if args.format != "table":
        columns = list(rows[0]) if rows else columns
    print_rows(args, rows, columns, {"type": "ci_type"})
    return EXIT_OK


def _show(kind: str, args) -> int:
    """One record of this kind as `record show` prints it: a ref of another kind is an error that
    says so, rather than the other record."""

    with open_store(args, must_exist=True) as store:
        store.get(kind, args.ref)
    return cmd_record_show(args)


def cmd_change_show(args) -> int:
    return _show("change_requests", args)


def cmd_ci_show(args) -> int:
    return _show("configuration_items", args)


def register(reg) -> None:
    g = "change"
    p = reg.action(g, "add", _("request a change (WP.11, draft); prints its id"), cmd_change_add,
                   _("request and list changes (CO)"))
    p.add_argument("title", metavar=pgettext("metavar", "TITLE"), help=_("what the change is, in a line"))
    p.add_argument("--type", choices=["normal", "emergency", "pre-approved"], default="normal", words="change_type",
                   help=_("the kind of change (default: normal; pre-approved only from a type, see --template)"))
    p.add_argument("--ci", action="append", metavar=pgettext("metavar", "CI"), help=_("configuration item affected (repeatable)"))
    p.add_argument("--purpose", metavar=pgettext("metavar", "TEXT"), help=_("why the change is asked for"))
    p.add_argument("--priority", choices=["P1", "P2", "P3", "P4", "P5"], default="P3", help=_("how urgent (default: P3)"))
    p.add_argument("--risk", choices=["low", "medium", "high"], default="medium", words="risk", help=_("the risk of making it (default: medium)"))
    p.add_argument("--customer", metavar=pgettext("metavar", "C"), help=_("the customer it is for: id, short code or name"))
    p.add_argument("--service", metavar=pgettext("metavar", "S"), help=_("the service it changes: id or name"))
    p.add_argument("--needed", metavar=pgettext("metavar", "DATE"), help=_("date needed (YYYY-MM-DD)"))
    p.add_argument("--template", metavar=pgettext("metavar", "CHG"), help=_("a pre-approved change to copy (its type must be earned)"))
    p = reg.action(g, "make-template", _("make a change that went through the full normal path a pre-approved type"),
                   cmd_change_make_template)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p = reg.action(g, "show", _("show one change request: every field, its approvals, its schedule and history"),
                   cmd_change_show)
    p.add_argument("ref", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p = reg.action(g, "list", _("list change requests"), cmd_change_list)
    p.add_argument("--scheduled", action="store_true", help=_("only changes with a planned date, soonest first"))
    p.add_argument("--overdue", action="store_true",
                   help=_("only changes approved for a moment already past and not deployed (as the dashboard marks them)"))
    p.add_argument("--open", action="store_true", help=_("only changes not deployed, rejected or cancelled"))
    add_format(p, "table", "json", "csv")
    add_limit(p)
    add_out(p)

    p = reg.action("ci", "list", _("list configuration items"), cmd_ci_list, _("configuration items (WP.02)"))
    add_format(p, "table", "json", "csv")
    add_limit(p)
    add_out(p)
    p = reg.action("ci", "show", _("show one configuration item: every field, its changes and history"), cmd_ci_show)
    p.add_argument("ref", metavar=pgettext("metavar", "CI"), help=_("the configuration item, e.g. CI-0003"))
