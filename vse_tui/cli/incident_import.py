"""`vse-tui import incidents`: a helpdesk's history from its CSV export. Apart from the incident
commands because reading an export loads the importer and its layouts, which only this command needs."""

from __future__ import annotations

from vse_tui.i18n import _, ngettext, pgettext

from ..core.intake.importer import Options, apply, plan_incidents
from ..core.kernel.errors import VseError
from .common import EXIT_OK, EXIT_REFUSED, Progress, add_yes, confirm, need_file, say
from .imports import backup_before_import, open_for_import, preview_incidents, write_rejects


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
            if not confirm(args, ngettext("Import {n} incident?", "Import {n} incidents?", plan.to_import).format(
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
    said = ngettext("imported {n} incident", "imported {n} incidents", count).format(n=count)
    if plan.update:
        said += _("; brought up to date: {n} already imported").format(n=plan.updated)
    if plan.rejected:
        said += ngettext("; {n} row rejected ({tickets} tickets not imported)",
                         "; {n} rows rejected ({tickets} tickets not imported)",
                         len(plan.rejected)).format(n=len(plan.rejected), tickets=plan.rejected_tickets)
    say(said)
    return EXIT_OK


def register(reg) -> None:
    p = reg.action("import", "incidents", _("incidents from a spreadsheet or helpdesk export (CSV)"),
                   cmd_import_incidents, _("bring existing records in from the tool you use now"))
    p.add_argument("file", metavar=pgettext("metavar", "FILE"), help=_("the export file to read (CSV)"))
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
