"""Cost as the shop grows: the growth table at 10,000, 100,000 and 1,000,000 incidents.

    python benchmarks/bench_growth.py [--sizes 10000,100000,1000000] [--keep DIR] [--time-limit 1200]
                                      [--runs 3] [--skip-screens] [--markdown]

For each size: a demo database of that many incidents (`vse-tui demo --incidents N`, built once and
kept in --keep DIR, then reused), and, each in a fresh process, the commands a shop runs as it grows,
with the floor each is compared with, measured in the same run on the same rows:

  verify                  vs hashlib: the history's bytes read with sqlite3 and hashed with sha256
  export --format json    vs sqlite3 scan: every incident and history row read with the sqlite3 module
  import incidents (CSV)  vs csv + sqlite3: the same file read and inserted as plain rows
  report performance      vs sqlite3 scan of one quarter's incidents
  backup                  vs sqlite3's backup API called by hand on the same file
  report audit, sync export of new work, incident add
                          vs the libraries' import (python -c "import pydantic, sqlite_utils")
  first screen ready, incident list open, page down x10, peak memory at ready and after opening
  a record            vs a bare Textual app (Header, Footer, a 400-row DataTable), headless, 120x40
  palette search          in-process, the median of 20 searches, in milliseconds

Each figure is printed as seconds (or MiB), its ratio to its floor, and the peak memory of the
process (ru_maxrss); each the best of --runs runs (`incident add` and its floor: of at least five,
run in turn, a tenth of a second varies most). The growth column says how the time grew from one size to the next against
how the work grew (10x rows): a figure that grows faster than the work, or a screen that grows at
all, is the thing to look at. A size whose database takes longer than --time-limit to build is
left out and said so. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_import import FLOOR as CSV_FLOOR  # noqa: E402  (the import's floor: csv + plain inserts)
from bench_import import write_jira  # noqa: E402  (the same Jira export the import benchmark reads)
from bench_incidents import run_child  # noqa: E402  (the bare app and the app, driven the same way)

# A child that runs one vse-tui command in-process and reports its peak memory.
APP = r"""
import resource, sys
from vse_tui.cli import main
code = main(sys.argv[1:])
if code not in (0, None):
    raise SystemExit(code)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
LIBS = "import resource, pydantic, sqlite_utils; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
SCAN = r"""
import resource, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for table in sys.argv[2:]:
    for row in conn.execute(f"SELECT * FROM {table}"):
        pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
QUARTER_SCAN = r"""
import resource, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
for row in conn.execute("SELECT * FROM incidents WHERE opened_at >= ? AND opened_at < ?", (sys.argv[2], sys.argv[3])):
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
HASH = r"""
import hashlib, resource, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
digest = hashlib.sha256()
cursor = conn.execute("SELECT * FROM history ORDER BY seq")
while rows := cursor.fetchmany(5000):
    digest.update(repr(rows).encode())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
BACKUP_FLOOR = r"""
import resource, sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
source.backup(target)
target.close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
SEARCH = r"""
import statistics, sys, time
from vse_tui.store import open_store
store = open_store(sys.argv[1])
times = []
for word in ["printer", "vpn", "mail", "INC-0042", "acme", "disk", "wi", "backup", "laptop", "screen"] * 2:
    t = time.perf_counter()
    store.search(word)
    times.append(time.perf_counter() - t)
print(statistics.median(times) * 1000)
"""
def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Seconds from start to end of a child process, its peak memory in MiB (the last word it
    prints), its last output line."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}: {proc.stderr.strip()[-400:]}")
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "0"
    try:
        return seconds, int(last.split()[-1]) / 1024, last
    except ValueError:
        return seconds, 0.0, last


def app(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    seconds, mib, _ = run(["-c", APP, *argv], env)
    return seconds, mib


def screens(db: str, tmp: Path, runs: int) -> dict[str, tuple[float, float]]:
    """(app, bare) medians of the screen figures, from the driver bench_incidents uses."""
    names = {"ready": "ready", "list": "list", "pages": "pages", "rss_ready": "rss_ready_mb", "rss_opened": "maxrss_mb"}
    got: dict[str, list[dict]] = {"bare": [], "vse": []}
    for _ in range(runs):
        for mode in ("bare", "vse"):
            figures = run_child(mode, db, tmp)
            got[mode].append({key: figures[name] for key, name in names.items()})
    med = {mode: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for mode, rs in got.items()}
    return {k: (med["vse"][k], med["bare"][k]) for k in med["vse"]}


def quarter_of(db: str) -> tuple[str, str, str]:
    """The busiest full quarter of the database: (label, from, to)."""
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT substr(opened_at, 1, 4), (CAST(substr(opened_at, 6, 2) AS INTEGER) + 2) / 3, COUNT(*) "
                       "FROM incidents WHERE opened_at IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1").fetchone()
    conn.close()
    year, q = int(row[0]), int(row[1])
    start = f"{year}-{3 * q - 2:02d}-01"
    end = f"{year + 1}-01-01" if q == 4 else f"{year}-{3 * q + 1:02d}-01"
    return f"{year}-Q{q}", start, end


def fig(value: float, mib: float | None = None, floor: float | None = None, unit: str = "s") -> dict:
    return {"value": value, "floor": floor, "mib": mib, "unit": unit}


def measure(n: int, db: str, tmp: Path, env: dict[str, str], runs: int, with_screens: bool) -> dict[str, dict]:
    """figure -> its value, the floor it is compared with, the peak memory of its process"""
    out: dict[str, dict] = {}
    work = tmp / f"work-{n}"
    work.mkdir(exist_ok=True)
    copy = str(work / "copy.db")
    shutil.copy(db, copy)  # the writes below (incident add, sync) stay out of the kept database
    # opened once before anything is timed: a database kept from an older version is brought up
    # to date here, not inside the first figure
    run(["-c", "import sys; from vse_tui.store import open_store; open_store(sys.argv[1]).close()", copy], env)

    def best(fn, k: int = runs):
        results = [fn() for _ in range(k)]
        return min(results, key=lambda r: r[0])

    short = max(5, runs)  # a command of a tenth of a second: the best of five, the floor as the command
    libs = best(lambda: run(["-c", LIBS], env)[:2], short)
    scan_all = best(lambda: run(["-c", SCAN, copy, "incidents", "history"], env)[:2])
    hashed = best(lambda: run(["-c", HASH, copy], env)[:2])
    out["verify"] = fig(*best(lambda: app(["verify", "--db", copy], env)), floor=hashed[0])
    out["export --format json"] = fig(*best(lambda: app(["export", "--db", copy, "--out", str(work / "e.json"),
                                                         "--force"], env)), floor=scan_all[0])
    label, start, end = quarter_of(copy)
    q_scan = best(lambda: run(["-c", QUARTER_SCAN, copy, start, end], env)[:2])
    out["report performance, busiest quarter"] = fig(*best(lambda: app(
        ["report", "performance", "--period", label, "--db", copy, "--format", "json", "--out", str(work / "p.json"),
         "--force"], env)), floor=q_scan[0])
    out["report audit"] = fig(*best(lambda: app(["report", "audit", "--db", copy, "--out", str(work / "a.json"),
                                                 "--force"], env)), floor=libs[0])
    copied = best(lambda: run(["-c", BACKUP_FLOOR, copy, str(work / f"plain{time.time_ns()}.db")], env)[:2])
    # a new name each run: a backup never replaces an SQLite file, --force or not
    out["backup"] = fig(*best(lambda: app(["backup", "--db", copy, "--out", str(work / f"b{time.time_ns()}.db")], env)),
                        floor=copied[0])
    os.sync()  # the backups just written are flushed first: the commit's own flush would wait for them
    # run in turn with its floor: the gigabytes just written have pushed the libraries out of the
    # page cache, and a floor measured minutes ago on a warm cache would not be the same floor
    adds, floors = [], []
    for _ in range(short):
        floors.append(run(["-c", LIBS], env)[:2])
        adds.append(app(["incident", "add", "Growth bench", "--db", copy], env))
    out["incident add"] = fig(*min(adds, key=lambda r: r[0]), floor=min(floors, key=lambda r: r[0])[0])
    out["palette search"] = fig(float(run(["-c", SEARCH, copy], env)[2]), unit="ms")
    # sync: a technician's copy, then a month of the shop's new work exported to it
    clone = work / "clone.db"
    clone.unlink(missing_ok=True)
    app(["sync", "clone", "--db", copy, "--out", str(clone)], env)
    for i in range(3):
        app(["incident", "add", f"New work {i}", "--db", copy], env)
    out["sync export (new work since a clone)"] = fig(*app(["sync", "export", "--db", copy, "--out",
                                                            str(work / "s.bundle"), "--force"], env), floor=libs[0])
    csv_file = work / "import.csv"
    write_jira(csv_file, n, random.Random(7))
    floor = best(lambda: run(["-c", CSV_FLOOR, str(csv_file), str(work / f"floor{time.time_ns()}.db")], env)[:2], 1)
    target = work / "imported.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    fresh = {k: v for k, v in env.items() if k != "VSE_TUI_OPERATOR"}  # a new shop: nobody to be yet
    out["import incidents (N rows of CSV)"] = fig(*app(["import", "incidents", str(csv_file), "--yes", "--db",
                                                        str(target)], fresh), floor=floor[0])
    if with_screens:
        for key, (mine, bare) in screens(copy, work, runs).items():
            name = {"ready": "first screen ready", "list": "incident list open", "pages": "page down x10",
                    "rss_ready": "memory at first screen (MiB)", "rss_opened": "memory after a record (MiB)"}[key]
            out[name] = fig(mine, floor=bare, unit="MiB" if key.startswith("rss") else "s")
    out["(floor) libraries import"] = fig(libs[0], mib=libs[1])
    out["(floor) sqlite3 scan of all rows"] = fig(scan_all[0], mib=scan_all[1])
    out["(floor) hashlib over the history"] = fig(hashed[0], mib=hashed[1])
    shutil.rmtree(work, ignore_errors=True)
    return out


def build(n: int, keep: Path, env: dict[str, str], limit: float) -> tuple[str | None, float | None]:
    db = keep / f"growth-{n}.db"
    if db.exists():
        return str(db), None
    part = keep / f"growth-{n}.building.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{part}{suffix}").unlink(missing_ok=True)
    t = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "vse_tui", "demo", "--no-open", "--incidents", str(n), "--db", str(part),
                        "--yes"], env=env, check=True, timeout=limit, stdout=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, None
    seconds = time.perf_counter() - t
    with sqlite3.connect(part) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    part.rename(db)
    for suffix in ("-wal", "-shm"):
        Path(f"{part}{suffix}").unlink(missing_ok=True)
    return str(db), seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--keep", metavar="DIR", help="build the databases here and keep them for the next run")
    ap.add_argument("--time-limit", type=float, default=1200, help="seconds a database may take to build")
    ap.add_argument("--runs", type=int, default=1, help="runs of each figure (the best is kept)")
    ap.add_argument("--skip-screens", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = ap.parse_args()
    import compileall

    import vse_tui

    compileall.compile_dir(Path(vse_tui.__file__).parent, quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="vse-growth-"))
    keep = Path(args.keep) if args.keep else tmp
    keep.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "VSE_TUI_CONFIG": str(tmp / "config.toml"), "VSE_TUI_OPERATOR": "Kim Lee"}
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[int, dict[str, dict]] = {}
    for n in sizes:
        db, seconds = build(n, keep, env, args.time_limit)
        if db is None:
            print(f"{n:,}: the database took longer than {args.time_limit:.0f} s to build; left out", flush=True)
            continue
        size = os.path.getsize(db) / 2**20
        how = f"built in {seconds:.1f} s" if seconds else "kept database"
        print(f"{n:,}: {how} ({size:,.0f} MiB); measuring", flush=True)
        table[n] = measure(n, db, tmp, env, args.runs, not args.skip_screens)
        if seconds:
            table[n]["vse-tui demo --incidents N"] = fig(seconds)
    print_table(table, args.markdown)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


def print_table(table: dict[int, dict[str, dict]], markdown: bool) -> None:
    sizes = sorted(table)
    if not sizes:
        return
    names = list(dict.fromkeys(name for n in sizes for name in table[n]))
    steps = list(zip(sizes, sizes[1:]))
    head = ["incidents"] + [f"{n:,}" for n in sizes] + [f"growth {b // a}x work" if b % a == 0 else
                                                        f"growth {b / a:.1f}x work" for a, b in steps]

    def cell(f: dict | None) -> str:
        if f is None:
            return "-"
        text = f"{f['value']:,.0f} MiB" if f["unit"] == "MiB" else f"{f['value']:.2f} {f['unit']}"
        if f["floor"]:
            text += f" ({f['value'] / f['floor']:.2f}x)"
        if f["mib"] is not None:
            text += f", {f['mib']:,.0f} MiB"
        return text

    rows = []
    for name in names:
        row = [name] + [cell(table[n].get(name)) for n in sizes]
        for a, b in steps:
            fa, fb = table[a].get(name), table[b].get(name)
            row.append(f"{fb['value'] / fa['value']:.1f}x" if fa and fb and fa["value"] else "-")
        rows.append(row)
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print("\n(x): the ratio to the floor measured in the same run (see the script's help); screens against a "
          "bare Textual app; MiB: the process's peak memory (ru_maxrss); growth: how the figure grew from one "
          "size to the next.")


if __name__ == "__main__":
    main()
