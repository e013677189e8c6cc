"""Service Relationship (RE) from the command line: the feedback log and the performance report."""

from __future__ import annotations

import sys

from vse_tui.i18n import _, pgettext

from ..core.model.lookup import resolve
from ..core.relationship.process import log_feedback, record_no_suppliers
from ..reports import performance
from .common import EXIT_OK, add_format, add_out, open_store, output


def cmd_feedback_add(args) -> int:
    with open_store(args) as store:
        company = None
        if args.customer:
            company = resolve(store, "customers", args.customer)
        elif args.supplier:
            company = resolve(store, "suppliers", args.supplier)
        entry = log_feedback(store, args.description, feedback_type=args.type, company=company,
                             source="supplier" if args.supplier else "customer", contact=args.contact or "")
    print(entry.id)
    return EXIT_OK


def cmd_report_performance(args) -> int:
    period = performance.parse_period(args.period) if args.period else performance.current_quarter()
    with open_store(args, must_exist=not args.save) as store:
        customer = resolve(store, "customers", args.customer) if args.customer else None
        report = performance.compute(store, period, customer)
        shop = store.setting("shop_name", "")
        saved = performance.save(store, period, customer, report=report) if args.save else None
    with output(args) as out:
        if args.format == "json":
            out.write(performance.to_json(report) + "\n")
        elif args.format == "csv":
            out.write(performance.to_csv(report))
        else:
            out.write(performance.to_markdown(report, shop))
    if saved:
        print(_("saved as {ref} (draft; approve it on the Relationship screen)").format(ref=saved.id), file=sys.stderr)
    return EXIT_OK


def cmd_suppliers_none(args) -> int:
    with open_store(args) as store:
        record_no_suppliers(store, not args.withdraw)
    print(_("withdrawn: the tasks that read a supplier agreement (WP.21) need one again") if args.withdraw else
          _("recorded: the shop has no suppliers; no task waits for a supplier agreement (WP.21) until a supplier "
            "is added"))
    return EXIT_OK


def register(reg) -> None:
    p = reg.action("suppliers", "none", _("record that the shop has no suppliers: IN.2.1 and the other tasks that read "
                                          "a supplier agreement (WP.21) then need none"), cmd_suppliers_none,
                   _("whether the shop works with suppliers (WP.21)"))
    p.add_argument("--withdraw", action="store_true", help=_("withdraw it: the shop has or expects suppliers"))

    p = reg.action("feedback", "add", _("log a compliment, complaint or comment; prints its id"), cmd_feedback_add,
                   _("the feedback log (WP.06, RE.2.3)"))
    p.add_argument("description", metavar=pgettext("metavar", "DESCRIPTION"), help=_("what they said"))
    p.add_argument("--type", choices=["compliment", "complaint", "comment"], default="comment", words="feedback_type",
                   help=_("the kind of feedback (default: comment)"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--customer", metavar=pgettext("metavar", "C"), help=_("the customer it came from"))
    who.add_argument("--supplier", metavar=pgettext("metavar", "S"), help=_("the supplier it came from"))
    p.add_argument("--contact", metavar=pgettext("metavar", "NAME"), help=_("the contact who gave it"))

    p = reg.action("report", "performance", _("the service performance report (WP.19) of a period, per customer"),
                   cmd_report_performance, _("reports built from the records"))
    p.add_argument("--period", metavar=pgettext("metavar", "P"), help=_("2026-Q3, 2026-09, 2026 or FROM..TO dates (default: this quarter)"))
    p.add_argument("--customer", metavar=pgettext("metavar", "C"), help=_("one customer (default: all, broken down by customer)"))
    add_format(p, "md", "csv", "json")
    p.add_argument("--save", action="store_true", help=_("also store it as a draft report (RE.2.4)"))
    add_out(p)
