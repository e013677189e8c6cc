"""The structure holds: the import contracts of pyproject.toml, no import cycle anywhere in the
package, and no SQL outside the store."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _strongly_connected(graph, modules):
    """Groups of modules that import each other, directly or not (Tarjan)."""
    index, low, stack, on, groups, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in modules:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in sorted(modules):
        if m not in index:
            visit(m)
    return groups


def test_no_import_cycles_in_the_package():
    """No cycle of imports that run. An import for the type checker only (under TYPE_CHECKING)
    may point back: a screen names the app it runs in, a check of the chain the store it reads."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("vse_tui", cache_dir=None, exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if m.startswith("vse_tui")}
    assert len(modules) > 60
    assert _strongly_connected(graph, modules) == []


def test_the_import_contracts_hold():
    pytest.importorskip("importlinter")
    script = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(script) if script.exists() else "lint-imports", "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "0 broken" in res.stdout


def test_no_sql_outside_the_store():
    speaking = re.compile(r"\.execute(many|script)?\(|\.conn\b|\bsqlite3\b|json_extract|\bSELECT\b")
    found = []
    for path in (ROOT / "vse_tui").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("vse_tui/store/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if speaking.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []
