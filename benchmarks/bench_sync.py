"""Exchanging a month of a busy shop's work between the shop and a technician's copy.

    python benchmarks/bench_sync.py [--per-day 40] [--days 30]
    python benchmarks/bench_sync.py --imported 100000

Builds the demo shop, clones it, then on the copy logs --per-day incidents a day for --days days,
each classified, restored and closed (about six history events an incident), and edits a few
records at the shop. Prints the events and records in the bundle, its size, and the time to export
it and to import it at the shop (and the way back), with the time of a plain `vse-tui backup` of
the shop for scale. Figures are printed, never asserted.

--imported N: a big bundle instead. The shop is cloned, then imports N tickets (a Jira export, as
bench_import.py writes it); the bundle of all of them is exported and merged into the copy, each
command in a fresh process: its time and peak memory (ru_maxrss), which must not grow with N.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

COMMAND = r"""
import resource, sys, time
from vse_tui.cli import main
t = time.perf_counter()
code = main(sys.argv[1:])
assert code == 0, code
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def command(*args: str) -> tuple[float, float]:
    """A vse-tui command in a fresh process: seconds and peak memory in MiB."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", COMMAND, *args], capture_output=True, text=True,
                         env={**os.environ, "VSE_TUI_CONFIG": os.devnull + "-none"})
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    seconds, rss = out.stdout.split()[-2:]
    return float(seconds), int(rss) / 1024


def big(rows: int) -> None:
    import random

    from bench_import import write_jira

    folder = Path(tempfile.mkdtemp(prefix="vse-sync-big-"))
    shop, tech, bundle = str(folder / "shop.db"), str(folder / "tech.db"), str(folder / "all.vsb")
    source = folder / "export.csv"
    write_jira(source, rows, random.Random(7))
    command("incident", "add", "First ticket", "--db", shop)
    command("sync", "clone", "--out", tech, "--name", "laptop", "--db", shop)
    imported = command("import", "incidents", str(source), "--yes", "--db", shop)
    sent = command("sync", "export", "--out", bundle, "--no-sign", "--db", shop)
    merged = command("sync", "import", bundle, "--db", tech)
    print(f"{rows:,} tickets imported at the shop after the copy was made ({imported[0]:.1f} s); their bundle: "
          f"{Path(bundle).stat().st_size / 2**20:.1f} MiB compressed")
    print(f"sync export: {sent[0]:.2f} s, peak memory {sent[1]:.0f} MiB")
    print(f"sync import into the copy: {merged[0]:.2f} s, peak memory {merged[1]:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-day", type=int, default=40)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--imported", type=int, default=0, help="a bundle of this many imported tickets instead")
    args = ap.parse_args()
    if args.imported:
        big(args.imported)
        return
    os.environ.setdefault("VSE_TUI_NOW", "2026-11-26T09:30:00+00:00")
    from vse_tui.core.incidents import process as core
    from vse_tui.core.kernel import clock
    from vse_tui.demo import build_demo
    from vse_tui.store import Actor, open_store, sync
    from vse_tui.store.maintenance import backup

    folder = Path(tempfile.mkdtemp(prefix="vse-sync-"))
    shop = open_store(folder / "shop.db", Actor(operator="Kim"))
    build_demo(shop)
    sync.clone(shop, folder / "tech.db", "laptop")
    tech = open_store(folder / "tech.db", Actor(operator="Sam"))
    start = clock.now() - timedelta(days=args.days)
    t0 = time.perf_counter()
    for day in range(args.days):
        for n in range(args.per_day):
            os.environ["VSE_TUI_NOW"] = clock.iso(start + timedelta(days=day, minutes=10 * n))
            inc = core.log_incident(tech, f"Day {day} ticket {n}")
            core.classify(tech, inc.id, category="workstation")
            core.restore(tech, inc.id, solution="Fixed on site")
            core.close(tech, inc.id, confirmed_by="the user", acknowledgement="the user tested it with us")
    for ref in ("INC-0001", "INC-0002", "INC-0003"):
        shop.update("incidents", ref, {"category": "reviewed"})
    built = time.perf_counter() - t0
    t = time.perf_counter()
    out = sync.export_bundle(tech, folder / "month.vsb")
    export_s = time.perf_counter() - t
    t = time.perf_counter()
    result = sync.import_bundle(shop, folder / "month.vsb")
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    back = sync.export_bundle(shop, folder / "back.vsb")
    sync.import_bundle(tech, folder / "back.vsb")
    back_s = time.perf_counter() - t
    t = time.perf_counter()
    backup(shop, folder / "plain-backup.db")
    backup_s = time.perf_counter() - t
    size = (folder / "month.vsb").stat().st_size
    print(f"month of work on the copy: {args.days * args.per_day} incidents ({built:.1f} s to enter them)")
    print(f"bundle: {out['events']} events on {out['records']} records, {size / 1024:.0f} KiB compressed")
    print(f"export {export_s:.2f} s, import at the shop {import_s:.2f} s ({result.line()})")
    print(f"the way back: {back['events']} events exported and imported in {back_s:.2f} s")
    print(f"for scale, a plain backup of the shop: {backup_s:.2f} s")
    shop.close()
    tech.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_import's CSV writer
    main()
