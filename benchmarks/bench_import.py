"""Importing a big helpdesk export: time and peak memory, against a floor measured in the same run.

    python benchmarks/bench_import.py [--rows 100000] [--layout jira|log] [--runs 3]

Writes a CSV of --rows rows in Jira Service Management's default layout (one row per ticket, its
dates as `09/Oct/12 2:50 PM`) or as an event log (four rows per ticket), then, each in a fresh
process: `vse-tui import incidents FILE --yes` into a new database, and the floor: the same file
read with the csv module and inserted as plain rows with the sqlite3 module in one transaction.
Then what SQLite alone needs to write what the import stored: the rows of the app's database copied
by SQL into a new database of the same schema (its indexes, the search index filled the same way),
in the import's batches, with no Python between: what the import spends above it is its own work.
Prints the medians, their ratio and the peak memory of each (ru_maxrss). Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

FLOOR = r"""
import csv, resource, sqlite3, sys, time
t = time.perf_counter()
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE t (a, b, c, d, e, f, g, h, i, j, k)")  # as wide as the Jira export
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = csv.reader(fh)
    next(rows)
    with conn:
        conn.executemany("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?)", ((r + [None] * 11)[:11] for r in rows))
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
APP = r"""
import resource, sys, time
from vse_tui.cli import main
t = time.perf_counter()
code = main(["import", "incidents", sys.argv[1], "--yes", "--db", sys.argv[2]])
assert code == 0, code
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
STORED = r"""
import resource, sqlite3, sys, time
from vse_tui.store.db import Actor, open_store
from vse_tui.store.columns import SEARCH_KEYS, SEARCH_KINDS
store = open_store(sys.argv[2], Actor(operator="bench"))  # a new database: the app's schema, indexes and triggers
conn = store.conn
conn.execute("ATTACH DATABASE ? AS src", (sys.argv[1],))
stored = conn.execute("SELECT rowid, seq FROM src.incidents ORDER BY rowid").fetchall()
keys = SEARCH_KEYS.get("incidents", "''").replace("new.", "")
number = SEARCH_KINDS.index("incidents") + 1
trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'incidents_search_insert'").fetchone()[0]
t = time.perf_counter()
conn.execute("PRAGMA cache_size = -32768")
conn.execute("PRAGMA synchronous = NORMAL")
first = conn.execute("SELECT MIN(seq) FROM src.history WHERE kind = 'incidents'").fetchone()[0]
for i in range(0, len(stored), 2000):
    lo, hi = stored[i][0], stored[min(i + 2000, len(stored)) - 1][0]
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DROP TRIGGER incidents_search_insert")
    conn.execute("INSERT INTO incidents SELECT * FROM src.incidents WHERE rowid BETWEEN ? AND ?", (lo, hi))
    conn.execute("INSERT INTO history SELECT * FROM src.history WHERE kind = 'incidents' AND record IN "
                 "(SELECT uuid FROM src.incidents WHERE rowid BETWEEN ? AND ?) ORDER BY seq", (lo, hi))
    conn.execute(f"INSERT INTO record_search(rowid, id, title, keys, kind, uuid) SELECT {number} * 1099511627776 + rowid, "
                 f"id, title, COALESCE({keys}, ''), 'incidents', uuid FROM incidents WHERE rowid BETWEEN ? AND ?", (lo, hi))
    conn.execute(trigger)
    conn.execute("COMMIT")
conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
SUMMARIES = ["Printer jams", "VPN drops", "Mail bounces", "Laptop slow", "Wi-Fi down", "Password reset",
             "Disk full", "Screen flickers", "App crashes", "Backup failed"]


def write_jira(path: Path, rows: int, rng: random.Random) -> None:
    start = datetime(2019, 1, 1, 8, 0)
    step = max(1, 7 * 365 * 24 * 60 // rows)  # seven years of tickets, whatever their number: none in the future
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Summary", "Issue key", "Issue Type", "Status", "Priority", "Assignee", "Reporter", "Created",
                    "Updated", "Resolved", "Component/s"])
        for n in range(rows):
            created = start + timedelta(minutes=n * step + rng.randint(0, min(20, step - 1)))
            resolved = created + timedelta(hours=rng.randint(1, 72))
            status = rng.choice(["Closed", "Closed", "Resolved", "In Progress", "Waiting for customer"])
            w.writerow([rng.choice(SUMMARIES), f"ITSD-{n + 1}", "Incident", status,
                        rng.choice(["Highest", "High", "Medium", "Low", "Lowest"]), rng.choice(["Sam", "Alex", "Kim"]),
                        f"User {n % 500}", created.strftime("%d/%b/%y %I:%M %p"),
                        resolved.strftime("%d/%b/%y %I:%M %p"),
                        resolved.strftime("%d/%b/%y %I:%M %p") if status in ("Closed", "Resolved") else "",
                        rng.choice(["Mail", "Network", "Printing"])])


def write_log(path: Path, rows: int, rng: random.Random) -> None:
    start = datetime(2019, 1, 1, 8, 0)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Ticket ID", "Event time", "Status", "Sub status", "Impact", "Product", "Support team", "Assignee"])
        for n in range(rows // 4):
            t = start + timedelta(minutes=n * 90)
            who = rng.choice(["Sam", "Alex", "Kim"])
            for status, sub in (("Queued", "Awaiting Assignment"), ("Accepted", "In Progress"), ("Accepted", "Wait"),
                                ("Completed", "Closed")):
                w.writerow([f"T-{n}", t.strftime("%d-%m-%Y %H:%M:%S"), status, sub, rng.choice(["Low", "Medium", "High"]),
                            "PROD1", "Desk", who])
                t += timedelta(minutes=rng.randint(5, 300))


def run(code: str, *args: str) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env={**os.environ, "VSE_TUI_CONFIG": os.devnull + "-none"})
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    seconds, rss = out.stdout.split()[-2:]
    return float(seconds), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--layout", choices=["jira", "log"], default="jira")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vse-import-"))
    source = folder / "export.csv"
    (write_jira if args.layout == "jira" else write_log)(source, args.rows, random.Random(7))
    size = source.stat().st_size
    app, floor, stored = [], [], []
    for n in range(args.runs):
        floor.append(run(FLOOR, str(source), str(folder / f"floor{n}.db")))
        app.append(run(APP, str(source), str(folder / f"app{n}.db")))
        stored.append(run(STORED, str(folder / f"app{n}.db"), str(folder / f"stored{n}.db")))
    a, f = statistics.median(t for t, _ in app), statistics.median(t for t, _ in floor)
    s = statistics.median(t for t, _ in stored)
    print(f"{args.rows:,} rows ({args.layout}, {size / 2**20:.1f} MiB), {args.runs} runs, medians:")
    print(f"  vse-tui import incidents: {a:.2f} s ({args.rows / a:,.0f} rows/s), peak memory "
          f"{max(r for _, r in app) / 1024:.0f} MiB")
    print(f"  floor (csv + sqlite3 insert): {f:.2f} s, peak memory {max(r for _, r in floor) / 1024:.0f} MiB")
    print(f"  ratio: {a / f:.1f}x")
    print(f"  SQLite alone writing the rows the import stored (same schema, indexes and batches, no Python): "
          f"{s:.2f} s; the import's own work (reading, checking, building, hashing): {a - s:.2f} s")
    started = time.perf_counter()
    del started


if __name__ == "__main__":
    main()
