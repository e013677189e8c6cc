"""The flow every import shares on the command line: read and plan (nothing stored), show the
column mapping, a preview and each rejected row with its line, then store everything after a
confirmation (a terminal prompt, or --yes). `--dry-run` stops after the report and creates
nothing: not even a database."""

from __future__ import annotations

import sys

from vse_tui.i18n import _, ngettext

from ..core.kernel.errors import VseError
from ..core.kernel.text import one_line
from ..reports.csvfile import write_csv
from ..store.db import open_memory_store
from ..store.files import atomic_file
from ..store.maintenance import backup_before
from .common import EXIT_OK, EXIT_REFUSED, confirm, db_path, need_file, open_store

SHOWN = 20  # rejected rows listed on the screen; --rejects writes them all


def _question(noun: str, n: int) -> str:
    """Import N records of this kind? (`noun`: cis, customers, suppliers, people)"""
    if noun == "cis":
        return ngettext("Import {n} configuration item?", "Import {n} configuration items?", n).format(n=n)
    if noun == "customers":
        return ngettext("Import {n} customer?", "Import {n} customers?", n).format(n=n)
    if noun == "suppliers":
        return ngettext("Import {n} supplier?", "Import {n} suppliers?", n).format(n=n)
    return ngettext("Import {n} person?", "Import {n} people?", n).format(n=n)


def _imported(noun: str, n: int) -> str:
    if noun == "cis":
        return ngettext("imported {n} configuration item", "imported {n} configuration items", n).format(n=n)
    if noun == "customers":
        return ngettext("imported {n} customer", "imported {n} customers", n).format(n=n)
    if noun == "suppliers":
        return ngettext("imported {n} supplier", "imported {n} suppliers", n).format(n=n)
    return ngettext("imported {n} person", "imported {n} people", n).format(n=n)


def _more(n: int) -> str:
    return ngettext("  ... and {n} more", "  ... and {n} more", n).format(n=n)


def run_import(args, noun: str, make_plan, items, preview, apply, header_note=None, known_note=None) -> int:
    path = need_file(args.file)
    dry = getattr(args, "dry_run", False)
    if dry and not db_path(args).exists():  # plan against an empty database, creating none

        store = open_memory_store()
    else:
        store = open_store(args, must_exist=dry)
    try:
        plan = make_plan(store, path)
        out = sys.stdout  # the preview is the output: `--dry-run > preview.txt` keeps it
        found = items(plan)
        print(one_line(ngettext("{file}: {n} row", "{file}: {n} rows", plan.rows).format(file=path.name, n=plan.rows)
                       + (header_note(plan) if header_note else "")), file=out)
        print(one_line(_("columns: {pairs}").format(pairs=", ".join(f"{c} -> {f}" for f, c in plan.mapping.items()))),
              file=out)
        if getattr(plan, "ignored", None):
            print(one_line(_("ignored columns: {names}").format(names=", ".join(plan.ignored))), file=out)
        for index, item in enumerate(found[:5]):
            print("  " + one_line(preview(plan, index, item)), file=out)
        if len(found) > 5:
            print(_more(len(found) - 5), file=out)
        print(_("to import: {n}; {known}rejected: {rejected}").format(
            n=len(found), known=known_note(plan) if known_note else "", rejected=len(plan.rejected)), file=out)
        for r in plan.rejected[:SHOWN]:
            print(one_line(_("  line {line}: {reason}").format(line=r.line, reason=r.reason)), file=out)
        if len(plan.rejected) > SHOWN:
            print(_more(len(plan.rejected) - SHOWN), file=out)
        if dry or not found:
            return EXIT_REFUSED if plan.rejected and not found else EXIT_OK
        if not confirm(args, _question(noun, len(found))):
            raise VseError(_("import cancelled; nothing was stored (use --yes to import without a prompt)"))
        count = apply(store, plan)
    finally:
        store.close()
    said = _imported(noun, count)
    if plan.rejected:
        said += ngettext("; {n} row rejected (listed above)", "; {n} rows rejected (listed above)",
                         len(plan.rejected)).format(n=len(plan.rejected))
    print(said)
    return EXIT_OK


def backup_before_import(store):
    """A backup of the database before an import stores anything (see store.maintenance)."""

    return backup_before(store, "import")


def open_for_import(args):
    """The database to plan against: a dry run on a missing database plans against an empty one
    in memory, creating nothing."""
    if getattr(args, "dry_run", False) and not db_path(args).exists():
        return open_memory_store()
    return open_store(args, must_exist=getattr(args, "dry_run", False))


def preview_incidents(plan, path, out=None) -> None:
    """What an incident import will do, on standard output (`--dry-run > preview.txt` keeps it): the
    layout, how the file was read (encoding, delimiter), the columns taken, the event time and how
    dates read (from how many values), the value words and where each goes, the first tickets, the
    counts, each rejected row (the first 20)."""
    out = out or sys.stdout
    for line in [*_how_read(plan, path), *_words_read(plan), *_what_it_will_do(plan)]:
        print(one_line(line), file=out)


def _how_read(plan, path) -> list[str]:
    """The file's rows and tickets, its layout, encoding and separator, the key, the columns taken,
    ignored and unused, the event time and how each date column reads."""
    lines: list[str] = []
    say = lines.append
    if plan.event_log:
        say(_("{file}: {rows} rows, {tickets} tickets (an event log: one incident per ticket)").format(
            file=path.name, rows=plan.rows, tickets=plan.ticket_count))
    else:
        say(_("{file}: {rows} rows, {tickets} tickets").format(file=path.name, rows=plan.rows, tickets=plan.ticket_count))
    say(_("layout: {layout}").format(layout=plan.layout))
    shown = {",": _("comma"), ";": _("semicolon"), "\t": _("tab"), "|": _("bar")}.get(plan.delimiter,
                                                                                     repr(plan.delimiter))
    say(_("read as: {encoding}; values separated by {separator}; quotes as RFC 4180 (\"\" is a quote)").format(
        encoding=plan.encoding, separator=shown))
    key = plan.mapping.get("ref")
    say(_("ticket key: column {column}").format(column=repr(key)) if key
        else _("ticket key: none found (rows are fingerprinted by content)"))
    say(_("columns: {pairs}").format(pairs=", ".join(f"{c} -> {f}" for f, c in plan.mapping.items() if f != "ref")))
    if plan.ignored:
        say(_("ignored columns: {names}").format(names=", ".join(plan.ignored)))
    unused = [h for h in plan.header if h not in plan.mapping.values() and h not in plan.ignored]
    if unused:
        say(_("not used: {names}").format(names=", ".join(unused)))
    if plan.event_time:
        say(_("event time: {column}").format(column=plan.event_time))
    for name, how in plan.dates.items():
        if name in plan.mapping:
            say(_("dates in {column}: {how}").format(column=repr(plan.mapping[name]), how=how))
    return lines


def _words_read(plan) -> list[str]:
    """The words each value column holds, the status words no table knows (and where they went),
    the notes."""
    lines: list[str] = []
    say = lines.append
    for name, used in plan.values_used.items():
        words = sorted(f"{w} ({n})" for w, n in used.items())
        listed = ", ".join(words[:12])
        if len(words) > 12:
            listed = _("{words} and {n} more").format(words=listed, n=len(words) - 12)
        say(_("{field} words: {words}").format(field=name, words=listed))
    if plan.placed:
        say(_("status words no table knows, placed (the word is kept on each incident and in its history):"))
        for (word, state, how), n in sorted(plan.placed.items(), key=lambda item: -item[1])[:SHOWN]:
            other = "waiting for customer" if state == "in progress" else "in progress"
            say(ngettext("  {word} -> {state}: {how} ({n} row); to say otherwise: --map-value 'state:{raw}={other}'",
                         "  {word} -> {state}: {how} ({n} rows); to say otherwise: --map-value 'state:{raw}={other}'",
                         n).format(word=repr(word), raw=word, state=state, how=how, n=n, other=other))
    if plan.no_close_date:
        say(ngettext("note: {n} closed ticket has no close date in the file (no close or duration column): its "
                     "dates are left empty, never taken from a later update",
                     "note: {n} closed tickets have no close date in the file (no close or duration column): their "
                     "dates are left empty, never taken from a later update", plan.no_close_date).format(
                         n=plan.no_close_date))
    for note in plan.notes:
        say(_("note: {note}").format(note=note))
    return lines


def _what_it_will_do(plan) -> list[str]:
    """The first tickets, organisations that are not customers, the counts, the rejected rows."""
    lines: list[str] = []
    say = lines.append
    for ticket in plan.preview[:5]:
        i = ticket.initial
        say(f"  {ticket.key or '-':<16} {i['priority']} {ticket.final_state:<22} {i['summary'][:56]}"
            + (_(" ({n} events)").format(n=ticket.rows) if ticket.rows > 1 else ""))
    if plan.to_import > 5:
        say(_more(plan.to_import - 5))
    if plan.unknown_customers:
        names = ", ".join(f"{n} ({c})" for n, c in plan.unknown_customers.most_common(5))
        if len(plan.unknown_customers) > 5:
            names = _("{words} and {n} more").format(words=names, n=len(plan.unknown_customers) - 5)
        say(_("organisations that are not customers here (kept in the details; import customers first to link "
              "them): {names}").format(names=names))
    if plan.update:
        say(ngettext("to import: {new} new tickets; already imported (brought up to date, --update): {known}; "
                     "rejected: {rejected} rows ({tickets} tickets not imported)",
                     "to import: {new} new tickets; already imported (brought up to date, --update): {known}; "
                     "rejected: {rejected} rows ({tickets} tickets not imported)", len(plan.rejected)).format(
                  new=plan.to_import - plan.to_update, known=plan.to_update, rejected=len(plan.rejected),
                  tickets=plan.rejected_tickets))
    else:
        say(ngettext("to import: {new} tickets; already imported (skipped; --update brings them up to date): "
                     "{known}; rejected: {rejected} rows ({tickets} tickets not imported)",
                     "to import: {new} tickets; already imported (skipped; --update brings them up to date): "
                     "{known}; rejected: {rejected} rows ({tickets} tickets not imported)", len(plan.rejected)).format(
                  new=plan.to_import, known=plan.skipped_known, rejected=len(plan.rejected),
                  tickets=plan.rejected_tickets))
    for r in plan.rejected[:SHOWN]:
        say(_("  line {line}: {reason}").format(line=r.line, reason=r.reason))
    if len(plan.rejected) > SHOWN:
        say(_("  ... and {n} more (--rejects FILE.csv writes them all)").format(n=len(plan.rejected) - SHOWN))
    return lines


def write_rejects(plan, target, force: bool = False, database=None) -> None:
    """Every rejected row as it was, with its line and reason: fix it and import the file again."""

    with atomic_file(target, force=force, database=database, what="rejects file") as fh:
        width = len(plan.header)
        write_csv(fh, [*plan.header, "vse-tui line", "vse-tui reason"],
                  ([*(values + [""] * width)[:width], r.line, r.reason] for r, values in plan.rejected_rows()))
    print(one_line(_("rejected rows written to {file} ({n})").format(file=target, n=len(plan.rejected))), file=sys.stderr)
