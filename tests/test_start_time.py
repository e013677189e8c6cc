"""A guard against a blow-up of the start: importing what the TUI's start loads (the command line,
the app, the session, the dashboard) stays within a generous multiple of importing Textual alone,
both timed in fresh processes in the same test. Today the start path takes about 1.3 to 1.5 times
Textual's own; a module that pulled pydantic, the models or the mail code into every start would
show, noise on a busy machine would not. The figures themselves come from
benchmarks/bench_terminal.py."""

from __future__ import annotations

import subprocess
import sys

GENEROUS = 3.0
TIMED = "import time\nstart = time.perf_counter()\n{imports}\nprint(time.perf_counter() - start)\n"
TEXTUAL = "import textual.app\nfrom textual.widgets import DataTable, Footer, Header"
START = "import vse_tui.cli, vse_tui.app, vse_tui.session, vse_tui.screens.dashboard"


def import_time(imports: str) -> float:
    """Seconds a fresh interpreter takes to run these imports (its own start not counted)."""
    out = subprocess.run([sys.executable, "-c", TIMED.format(imports=imports)], capture_output=True,
                         text=True, check=True, timeout=120)
    return float(out.stdout)


def test_the_start_imports_within_a_few_times_textual_alone():
    import_time(START)  # compiles our modules once, as an installed package has them
    textual, ours = [], []
    for _ in range(3):  # alternating, so that a busy moment hits both
        textual.append(import_time(TEXTUAL))
        ours.append(import_time(START))
    assert min(ours) < GENEROUS * min(textual), (ours, textual)
