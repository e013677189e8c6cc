"""The flow every import shares on the command line: read and plan (nothing stored), show the
column mapping, a preview and each rejected row with its line, then store everything after a
confirmation (a terminal prompt, or --yes). `--dry-run` stops after the report and creates
nothing: not even a database."""

from __future__ import annotations

import sys

from ..core.kernel.errors import VseError
from ..core.kernel.text import one_line
from .common import EXIT_OK, EXIT_REFUSED, confirm, db_path, need_file, open_store

SHOWN = 20  # rejected rows listed on the screen; --rejects writes them all


def run_import(args, noun: str, make_plan, items, preview, apply, header_note=None, known_note=None) -> int:
    path = need_file(args.file)
    dry = getattr(args, "dry_run", False)
    if dry and not db_path(args).exists():  # plan against an empty database, creating none
        from ..store.db import open_memory_store

        store = open_memory_store()
    else:
        store = open_store(args, must_exist=dry)
    try:
        plan = make_plan(store, path)
        out = sys.stdout  # the preview is the output: `--dry-run > preview.txt` keeps it
        found = items(plan)
        print(one_line(f"{path.name}: {plan.rows} rows{header_note(plan) if header_note else ''}"), file=out)
        print(one_line("columns: " + ", ".join(f"{c} -> {f}" for f, c in plan.mapping.items())), file=out)
        if getattr(plan, "ignored", None):
            print(one_line("ignored columns: " + ", ".join(plan.ignored)), file=out)
        for index, item in enumerate(found[:5]):
            print("  " + one_line(preview(plan, index, item)), file=out)
        if len(found) > 5:
            print(f"  ... and {len(found) - 5} more", file=out)
        print(f"to import: {len(found)}; {known_note(plan) if known_note else ''}rejected: {len(plan.rejected)}",
              file=out)
        for r in plan.rejected[:SHOWN]:
            print(one_line(f"  line {r.line}: {r.reason}"), file=out)
        if len(plan.rejected) > SHOWN:
            print(f"  ... and {len(plan.rejected) - SHOWN} more", file=out)
        if dry or not found:
            return EXIT_REFUSED if plan.rejected and not found else EXIT_OK
        if not confirm(args, f"Import {len(found)} {noun}?"):
            raise VseError("import cancelled; nothing was stored (use --yes to import without a prompt)")
        count = apply(store, plan)
    finally:
        store.close()
    print(f"imported {count} {noun}" + (f"; {len(plan.rejected)} rows rejected (listed above)" if plan.rejected else ""))
    return EXIT_OK


def backup_before_import(store):
    """A backup of the database before an import stores anything (see store.maintenance)."""
    from ..store.maintenance import backup_before

    return backup_before(store, "import")


def open_for_import(args):
    """The database to plan against: a dry run on a missing database plans against an empty one
    in memory, creating nothing."""
    if getattr(args, "dry_run", False) and not db_path(args).exists():
        from ..store.db import open_memory_store

        return open_memory_store()
    return open_store(args, must_exist=getattr(args, "dry_run", False))


def preview_incidents(plan, path, out=None) -> None:
    """What an incident import will do, on standard output (`--dry-run > preview.txt` keeps it): the
    layout, how the file was read (encoding, delimiter), the columns taken, the event time and how
    dates read (from how many values), the value words and where each goes, the first tickets, the
    counts, each rejected row (the first 20)."""
    out = out or sys.stdout

    def say(text: str) -> None:
        print(one_line(text), file=out)

    kind = " (an event log: one incident per ticket)" if plan.event_log else ""
    say(f"{path.name}: {plan.rows} rows, {plan.ticket_count} tickets{kind}")
    say(f"layout: {plan.layout}")
    shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(plan.delimiter, repr(plan.delimiter))
    say(f"read as: {plan.encoding}; values separated by {shown}; quotes as RFC 4180 (\"\" is a quote)")
    key = plan.mapping.get("ref")
    say(f"ticket key: column {key!r}" if key else "ticket key: none found (rows are fingerprinted by content)")
    say("columns: " + ", ".join(f"{c} -> {f}" for f, c in plan.mapping.items() if f != "ref"))
    if plan.ignored:
        say("ignored columns: " + ", ".join(plan.ignored))
    unused = [h for h in plan.header if h not in plan.mapping.values() and h not in plan.ignored]
    if unused:
        say("not used: " + ", ".join(unused))
    if plan.event_time:
        say(f"event time: {plan.event_time}")
    for name, how in plan.dates.items():
        if name in plan.mapping:
            say(f"dates in {plan.mapping[name]!r}: {how}")
    for name, used in plan.values_used.items():
        words = sorted(f"{w} ({n})" for w, n in used.items())
        say(f"{name} words: " + ", ".join(words[:12]) + (f" and {len(words) - 12} more" if len(words) > 12 else ""))
    if plan.placed:
        say("status words no table knows, placed (the word is kept on each incident and in its history):")
        for (word, state, how), n in sorted(plan.placed.items(), key=lambda item: -item[1])[:SHOWN]:
            other = "waiting for customer" if state == "in progress" else "in progress"
            say(f"  {word!r} -> {state}: {how} ({n} rows); to say otherwise: --map-value 'state:{word}={other}'")
    if plan.no_close_date:
        say(f"note: {plan.no_close_date} closed tickets have no close date in the file (no close or duration "
            "column): their dates are left empty, never taken from a later update")
    for note in plan.notes:
        say(f"note: {note}")
    for ticket in plan.preview[:5]:
        i = ticket.initial
        say(f"  {ticket.key or '-':<16} {i['priority']} {ticket.final_state:<22} {i['summary'][:56]}"
            + (f" ({ticket.rows} events)" if ticket.rows > 1 else ""))
    if plan.to_import > 5:
        say(f"  ... and {plan.to_import - 5} more")
    if plan.unknown_customers:
        names = ", ".join(f"{n} ({c})" for n, c in plan.unknown_customers.most_common(5))
        say(f"organisations that are not customers here (kept in the details; import customers first to link "
            f"them): {names}" + (f" and {len(plan.unknown_customers) - 5} more" if len(plan.unknown_customers) > 5 else ""))
    if plan.update:
        say(f"to import: {plan.to_import - plan.to_update} new tickets; already imported (brought up to date, "
            f"--update): {plan.to_update}; rejected: {len(plan.rejected)} rows ({plan.rejected_tickets} tickets "
            "not imported)")
    else:
        say(f"to import: {plan.to_import} tickets; already imported (skipped; --update brings them up to date): "
            f"{plan.skipped_known}; rejected: {len(plan.rejected)} rows ({plan.rejected_tickets} tickets not imported)")
    for r in plan.rejected[:SHOWN]:
        say(f"  line {r.line}: {r.reason}")
    if len(plan.rejected) > SHOWN:
        say(f"  ... and {len(plan.rejected) - SHOWN} more (--rejects FILE.csv writes them all)")


def write_rejects(plan, target, force: bool = False, database=None) -> None:
    """Every rejected row as it was, with its line and reason: fix it and import the file again."""
    from ..reports.csvfile import write_csv
    from ..store.files import atomic_file

    with atomic_file(target, force=force, database=database, what="rejects file") as fh:
        width = len(plan.header)
        write_csv(fh, [*plan.header, "vse-tui line", "vse-tui reason"],
                  ([*(values + [""] * width)[:width], r.line, r.reason] for r, values in plan.rejected_rows()))
    print(one_line(f"rejected rows written to {target} ({len(plan.rejected)})"), file=sys.stderr)
