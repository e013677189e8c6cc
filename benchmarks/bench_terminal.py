"""The first screen as a person sees it: time from launch until incident rows are on a real terminal.

    python benchmarks/bench_terminal.py --db DEMO.db [--runs 5] [--langs en,es,pt_BR,fr]

Each app is started in a detached tmux session (120x40) and the pane is read every 5 ms until a
row of incidents (`INC-`) is drawn: our dashboard on DEMO.db as its owner, against a bare Textual
app with Header, Footer and a 400-row DataTable started the same way by the same Python. Build the
database first, e.g. `vse-tui demo --no-open --incidents 100000 --db DEMO.db`. Ours runs from a copy
of the package laid out as the wheel installs it (code and catalogues compiled). Times are medians
of --runs; the ratio is the median of each run's own ratio (bare and ours alternate, so a busy
moment hits both). Printed, never asserted. Needs tmux.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vse_tui.i18n.compile import compile_all

ROOT = Path(__file__).resolve().parents[1]
PASSED = ("PYTHONPATH", "VSE_TUI_CONFIG", "TERM")  # what the panes must see

BARE = r'''
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header(); yield DataTable(cursor_type="row"); yield Footer()
    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("id", "priority", "summary", "customer", "opened")
        for i in range(400):
            t.add_row(f"INC-{i:04d}", "P3", f"Row {i}", "ACME", "2026-11-26 09:30")
        t.focus()

Bare().run()
'''


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def first_rows(cmd: str, env: dict[str, str], marker: str = "INC-", limit: float = 60.0) -> float:
    """Seconds from launching `cmd` in a fresh tmux pane until `marker` is on the screen."""
    session = f"bench{os.getpid()}"
    t0 = time.perf_counter()
    # a tmux server already running starts the pane with its own environment: ours goes with -e
    given = [arg for name in PASSED if name in env for arg in ("-e", f"{name}={env[name]}")]
    # the pane starts outside any checkout: `python -m` puts the working folder first on the path,
    # and from the repository's root it would run the checkout instead of the installed copy
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", tempfile.gettempdir(),
                    *given, cmd], check=True, env=env)
    try:
        while time.perf_counter() - t0 < limit:
            if marker in tmux("capture-pane", "-p", "-t", session):
                return time.perf_counter() - t0
            time.sleep(0.005)
        raise SystemExit(f"{cmd!r}: no {marker!r} on screen after {limit:.0f} s:\n" + tmux("capture-pane", "-p", "-t", session))
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        time.sleep(0.2)


def install(site: Path) -> Path:
    """The package as the wheel lays it out, under `site`: the code compiled, the shipped data inside
    it, the catalogues compiled to `.mo` (a checkout has only the `.po`, which a start would parse)."""
    package = site / "vse_tui"
    shutil.copytree(ROOT / "vse_tui", package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copytree(ROOT / "data", package / "data")
    compile_all(package / "i18n" / "locale")
    compileall.compile_dir(package, quiet=1)
    return site


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a demo database (the app reads a copy)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--langs", default="en,es,pt_BR,fr")
    args = ap.parse_args()
    if not shutil.which("tmux"):
        raise SystemExit("needs tmux")
    tmp = Path(tempfile.mkdtemp(prefix="vse-term-"))
    installed = install(tmp / "site")
    db = tmp / "bench.db"
    shutil.copyfile(args.db, db)
    (tmp / "bare.py").write_text(BARE)
    env = {**os.environ, "PYTHONPATH": str(installed), "VSE_TUI_CONFIG": str(tmp / "config.toml"),
           "TERM": "xterm-256color"}
    py = sys.executable
    langs = [x for x in args.langs.split(",") if x]
    bare_cmd = f"{py} {tmp / 'bare.py'}"
    times: dict[str, list[float]] = {"bare": [], **{lang: [] for lang in langs}}
    ratios: dict[str, list[float]] = {lang: [] for lang in langs}
    first_rows(bare_cmd, env)  # warm the disk cache for both
    first_rows(f"{py} -m vse_tui --db {db} --as 'Kim Lee'", env)
    for _ in range(args.runs):
        for lang in langs:
            b = first_rows(bare_cmd, env)
            v = first_rows(f"{py} -m vse_tui --db {db} --as 'Kim Lee' --lang {lang}", env)
            times["bare"].append(b)
            times[lang].append(v)
            ratios[lang].append(v / b)
    print(f"first incident rows on a 120x40 tmux pane, median of {args.runs} runs (load {os.getloadavg()[0]:.2f})")
    print(f"  bare Textual app   {statistics.median(times['bare']):6.3f} s")
    for lang in langs:
        print(f"  vse-tui --lang {lang:<5} {statistics.median(times[lang]):6.3f} s   ratio {statistics.median(ratios[lang]):.2f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
