"""The structure holds: the import contracts of pyproject.toml, no import cycle anywhere in the
package, and no SQL outside the store."""

import ast
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


# The store's filter language: a lookup after a field's name, a field read whole from JSON, a field
# followed to the kind it links to. The core speaks it to the store; the doors ask named queries.
_LOOKUP = re.compile(r"__(lt|le|gt|ge|ne|in|notin|isnull|like|has|match)$")
_RELATION = re.compile(r"^[a-z_]+>[a-z_]+$")
DOORS = ("screens", "cli", "reports", "widgets")


def _filter_language(source: str) -> list[tuple[int, str]]:
    """Each string literal (a dict's key, a piece of an f-string, any other) of `source` that
    speaks the store's filter language, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if _LOOKUP.search(text) or ":json" in text or _RELATION.match(text):
                found.append((node.lineno, text))
    return found


def test_the_filter_language_is_caught_in_every_shape_it_is_written():
    source = '''
store.count("feedback", {"received_at__ge": lo, "received_at__lt": hi})
store.rows("services", ["uuid", "service_hours:json"], {"state__ne": "retired"})
where = {f"{field}__isnull": True}
columns = [("customer", "customer>customers", 14)]
store.titles("people", {"affiliation": "internal"})  # a plain field's value: no language
text = "a > b, __init__, 08:00>09:00"
'''
    assert [text for _line, text in _filter_language(source)] == [
        "received_at__ge", "received_at__lt", "service_hours:json", "state__ne", "__isnull", "customer>customers"]


def test_no_door_speaks_the_stores_filter_language():
    """Screens, widgets, the command line and the reports ask the core's named queries
    (`core/<process>/queries.py`, `core/model/queries.py`), never a filter string of their own."""
    found = []
    for door in DOORS:
        for path in sorted((ROOT / "vse_tui" / door).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            found += [f"{rel}:{line}: {text!r}" for line, text in _filter_language(path.read_text(encoding="utf-8"))]
    assert found == []
