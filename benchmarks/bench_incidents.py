"""Speed and memory of vse-tui at 100,000 incidents, as ratios against a bare Textual app.

    python benchmarks/bench_incidents.py [--incidents 100000] [--runs 3] [--keep] [--db KEPT.db]
                                         [--langs en,es,pt_BR,fr]

Builds a demo database with `vse-tui demo --incidents N --no-open`, then starts each app
headless in a child process the same way and measures, from process start: the time until the
first screen is ready (our dashboard vs. a bare app with Header, Footer and a 400-row DataTable),
the time to open the incident list (vs. pushing the bare app's second screen), the time to page
down ten times through every incident (the list's status filter set to all: the pages are read
from the database as the cursor runs on) against the bare table, and the peak memory (max RSS).
The app runs as the demo shop's owner (`--as "Kim Lee"`), so no question stands in front of the
list (the child says which screen the keys reached). It also times `vse-tui incident add` (the
installed script) against `python -c "import pydantic, sqlite_utils"`, the floor our own
libraries set. Times are medians of --runs; each ratio is the median of the runs' own ratios.
Figures are printed, never asserted: shared machines are noisy; compare ratios within one run.
The first screen and the peak memory are shown for each language of --langs (the app started in
that language, its catalogue read as a person's start reads it), each against the same bare app.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r'''
import json, resource, sys, time
mode, db, out = sys.argv[1], sys.argv[2], sys.argv[3]
lang = sys.argv[4] if len(sys.argv) > 4 else "en"
marks = {}

async def pilot(p):
    marks["ready"] = time.time()
    marks["rss_ready_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    await p.press("i")
    await p.pause()
    await p.app.workers.wait_for_complete()
    marks["list"] = time.time()
    marks["screen"] = type(p.app.screen).__name__  # the list, not a question in front of it
    # paging is measured once the app is at rest: its models load in a thread a second after the
    # start, and the pilot's wait for idle would count that work against the page keys
    if mode != "bare":
        await p.press("f")  # every incident, not only the open ones: the pages run through the whole table
        await p.pause()
    while not getattr(p.app, "warm", True):
        await p.pause(0.05)
    await p.pause(0.1)
    marks["paging"] = time.time()
    for _ in range(10):
        await p.press("pagedown")
        await p.pause()
    marks["pages"] = time.time()
    await p.press("enter")  # open the record under the cursor (the bare app has none to open)
    await p.pause()
    p.app.exit()

if mode == "bare":
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header

    class Table(Screen):
        def compose(self):
            yield Header(); yield DataTable(cursor_type="row"); yield Footer()
        def on_mount(self):
            t = self.query_one(DataTable)
            t.add_columns("id", "priority", "summary", "customer", "opened")
            for i in range(400):  # enough for ten pages of 40 lines
                t.add_row(f"INC-{i:04d}", "P3", f"Row {i}", "ACME", "2026-11-26 09:30")
            t.focus()

    class Bare(App):
        BINDINGS = [("i", "open_list", "List")]
        def on_mount(self):
            self.push_screen(Table())
        def action_open_list(self):
            self.push_screen(Table())

    app = Bare()
else:
    import argparse
    from vse_tui.app import VseApp
    from vse_tui.config import Config
    from vse_tui.session import open_as
    from vse_tui.i18n import set_language
    set_language(lang)  # as `--lang` does before the app is built
    # as the shop's owner at the keyboard (`--as "Kim Lee"`): a login that names nobody would be
    # asked who they are first, and the keys would land in that question instead of the list
    store = open_as(argparse.Namespace(db=db, as_person="Kim Lee"), create=False)
    app = VseApp(store, Config(operator="Kim Lee"))

app.run(headless=True, size=(120, 40), auto_pilot=pilot)
marks["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
json.dump(marks, open(out, "w"))
'''


def run_child(mode: str, db: str, tmp: Path, lang: str = "en") -> dict:
    out = tmp / f"{mode}.json"
    script = tmp / "child.py"
    script.write_text(CHILD)
    t0 = time.time()
    subprocess.run([sys.executable, str(script), mode, db, str(out), lang], check=True, timeout=600,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    m = json.loads(out.read_text())
    if mode == "vse" and m.get("screen") != "IncidentsScreen":
        raise SystemExit(f"the keys went to {m.get('screen')}, not the incident list")
    return {"ready": m["ready"] - t0, "list": m["list"] - m["ready"], "pages": m["pages"] - m["paging"],
            "rss_ready_mb": m["rss_ready_kb"] / 1024, "maxrss_mb": m["maxrss_kb"] / 1024}


def timed(cmd: list[str], env=None) -> float:
    # No timeout here: Popen.wait(timeout) polls with sleeps of up to 50 ms, which would round every
    # figure to the next 50 ms; a plain wait blocks in waitpid and returns when the child ends.
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    if proc.wait() != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the database built (it is removed otherwise)")
    ap.add_argument("--db", metavar="PATH", help="copy this database (built by an earlier run) instead of building one")
    ap.add_argument("--langs", default="en,es,pt_BR,fr", help="the languages whose first screen is timed (comma-separated)")
    args = ap.parse_args()
    langs = [x for x in args.langs.split(",") if x and x != "en"]
    # An installed package has its bytecode compiled by pip; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would compile every module at each start and skew the ratios.
    import compileall

    import vse_tui

    compileall.compile_dir(Path(vse_tui.__file__).parent, quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="vse-bench-"))
    env = {**os.environ, "VSE_TUI_CONFIG": str(tmp / "config.toml")}
    if args.db:  # a copy: the incidents the CLI timing adds stay out of the next run's lists
        db = str(tmp / "bench.db")
        source = sqlite3.connect(args.db)
        with sqlite3.connect(db) as copy:
            source.backup(copy)
        source.close()
        print(f"on a copy of {args.db} ({os.path.getsize(db) / 2**20:.0f} MiB)")
    else:
        db = str(tmp / "bench.db")
        t = timed([sys.executable, "-m", "vse_tui", "demo", "--no-open", "--incidents", str(args.incidents), "--db", db], env)
        print(f"demo database with {args.incidents} incidents built in {t:.1f} s ({os.path.getsize(db) / 2**20:.0f} MiB)")

    results: dict[str, list[dict]] = {"bare": [], "vse": [], **{f"vse {lang}": [] for lang in langs}}
    for _ in range(args.runs):  # interleaved so that machine noise hits both alike
        for mode in ("bare", "vse"):
            results[mode].append(run_child(mode, db, tmp))
        for lang in langs:
            results[f"vse {lang}"].append(run_child("vse", db, tmp, lang))
    med = {mode: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for mode, runs in results.items()}
    # each run's pair started one after the other: on a machine whose speed drifts, like with like
    print(f"\n{'':28}{'bare Textual':>14}{'vse-tui':>12}{'ratio':>8}")
    for key, label, unit in (("ready", "first screen ready", "s"), ("list", "open the incident list", "s"),
                             ("pages", "page down x10", "s"), ("maxrss_mb", "peak memory", "MiB")):
        b, v = med["bare"][key], med["vse"][key]
        ratio = statistics.median(rv[key] / rb[key] for rb, rv in zip(results["bare"], results["vse"]))
        print(f"{label:28}{b:>12.3f}{unit:>2}{v:>10.3f}{unit:>2}{ratio:>8.2f}x")
    for lang in langs:  # the same start in each language: the catalogue is read as the first screen asks
        for key, label, unit in (("ready", f"first screen ready ({lang})", "s"), ("maxrss_mb", f"peak memory ({lang})", "MiB")):
            b, v = med["bare"][key], med[f"vse {lang}"][key]
            ratio = statistics.median(rv[key] / rb[key] for rb, rv in zip(results["bare"], results[f"vse {lang}"]))
            print(f"{label:28}{b:>12.3f}{unit:>2}{v:>10.3f}{unit:>2}{ratio:>8.2f}x")

    add_times, floor_times = [], []
    # The command a user or a monitoring hook runs: the installed `vse-tui` script (as pip makes
    # it, beside this Python), else the module.
    script = Path(sys.executable).with_name("vse-tui")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "vse_tui"]
    cli += ["incident", "add", "Benchmark incident", "--db", db]
    floor = [sys.executable, "-c", "import pydantic, sqlite_utils"]
    for _ in range(max(5, args.runs * 3)):
        floor_times.append(timed(floor, env))
        add_times.append(timed(cli, env))
    a, f = statistics.median(add_times), statistics.median(floor_times)
    ratio = statistics.median(x / y for x, y in zip(add_times, floor_times))
    print(f"\n{'incident add (CLI)':28}{f:>12.3f}s {a:>9.3f}s {ratio:>7.2f}x   (floor: import pydantic, sqlite_utils)")
    print("\ntargets: dashboard ready <= 1.5x, peak memory <= 1.5x, incident add <= 1.25x")
    if args.keep:
        print(f"database kept: {db} (again with --db)")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
