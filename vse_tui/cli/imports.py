"""The flow every import shares on the command line: read and plan (nothing stored), show the
column mapping, a preview and each rejected row with its line, then store everything after a
confirmation (a terminal prompt, or --yes). `--dry-run` stops after the report and creates
nothing: not even a database."""

from __future__ import annotations

import sys

from ..core.errors import VseError
from ..core.text import one_line
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
        out = sys.stderr
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
