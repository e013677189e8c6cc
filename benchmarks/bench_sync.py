"""Exchanging a month of a busy shop's work between the shop and a technician's copy.

    python benchmarks/bench_sync.py [--per-day 40] [--days 30]

Builds the demo shop, clones it, then on the copy logs --per-day incidents a day for --days days,
each classified, restored and closed (about six history events an incident), and edits a few
records at the shop. Prints the events and records in the bundle, its size, and the time to export
it and to import it at the shop (and the way back), with the time of a plain `vse-tui backup` of
the shop for scale. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-day", type=int, default=40)
    ap.add_argument("--days", type=int, default=30)
    args = ap.parse_args()
    os.environ.setdefault("VSE_TUI_NOW", "2026-11-26T09:30:00+00:00")
    from vse_tui.core import clock
    from vse_tui.core import incidents as core
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
            core.close(tech, inc.id, confirmed_by="the user")
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
    main()
