"""Every write the demo makes is one a person can make: reachable from a key on a screen and from
a command of the CLI. The demo's writes are found by building a demo and noting each core or
report function the demo calls that adds history; each is then looked for in the code of the two
doors, following calls through the core (the setup screen reaches the governance steps through
`setup.save`)."""

from __future__ import annotations

import ast
import importlib
import sys
from collections import deque
from pathlib import Path

import vse_tui
from vse_tui.store import Actor, open_store

ROOT = Path(vse_tui.__file__).parent
Ref = tuple[str, str]  # (module, function)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([name] if name else [])])


def _is_module(name: str) -> bool:
    return (ROOT.parent / Path(*name.split("."))).with_suffix(".py").exists() or \
        (ROOT.parent / Path(*name.split(".")) / "__init__.py").exists()


class _Refs(ast.NodeVisitor):
    """The functions one body refers to, resolved through the imports in scope."""

    def __init__(self, module: str, is_package: bool, aliases: dict[str, Ref | str]) -> None:
        self.module, self.is_package = module, is_package
        self.aliases = dict(aliases)
        self.found: set[Ref] = set()

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = _absolute(self.module, self.is_package, node.level, node.module)
        for a in node.names:
            full = f"{base}.{a.name}"
            self.aliases[a.asname or a.name] = full if _is_module(full) else (base, a.name)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self.aliases[a.asname] = a.name

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name):
            target = self.aliases.get(node.value.id)
            if isinstance(target, str):
                self.found.add((target, node.attr))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        target = self.aliases.get(node.id)
        if isinstance(target, tuple):
            self.found.add(target)
        else:
            self.found.add((self.module, node.id))


def _graph() -> tuple[dict[Ref, set[Ref]], dict[str, set[Ref]]]:
    """function -> the functions it refers to (core, reports, store, demo: every module); and per
    file of the doors, everything it refers to."""
    graph: dict[Ref, set[Ref]] = {}
    doors: dict[str, set[Ref]] = {}
    for path in ROOT.rglob("*.py"):
        module = _module_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = _Refs(module, path.name == "__init__.py", {})
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                top.visit(node)
        whole = _Refs(module, path.name == "__init__.py", top.aliases)
        whole.visit(tree)
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("screens/", "cli/", "widgets/")) or rel == "app.py":
            doors[rel] = whole.found
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                body = _Refs(module, path.name == "__init__.py", top.aliases)
                body.visit(node)
                graph.setdefault((module, node.name), set()).update(body.found)
    return graph, doors


def _reach(graph: dict[Ref, set[Ref]], start: set[Ref]) -> set[Ref]:
    """What a door reaches through calls; never through the demo, which no person's key runs step
    by step."""
    seen, todo = {r for r in start if r[0] != "vse_tui.demo"}, deque(r for r in start if r[0] != "vse_tui.demo")
    while todo:
        for nxt in graph.get(todo.popleft(), ()):
            if nxt not in seen and nxt[0] != "vse_tui.demo":
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _demo_writes(tmp_path) -> set[Ref]:
    """The core and report functions the demo calls that add history, found by building one."""
    import vse_tui.demo as demo

    store = open_store(tmp_path / "demo.db", Actor(operator="kim", os_user="kim", host="laptop"))
    found: set[Ref] = set()
    patched: list[tuple[object, str, object]] = []

    def wrap(owner: object, name: str, fn, ref: Ref) -> None:
        def wrapper(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__")
            before = store.count("history") if caller == "vse_tui.demo" else None
            try:
                return fn(*args, **kwargs)
            finally:
                if before is not None and store.count("history") > before:
                    found.add(ref)

        patched.append((owner, name, fn))
        setattr(owner, name, wrapper)

    modules = {name: value for name, value in vars(demo).items() if getattr(value, "__name__", "").startswith(
        ("vse_tui.core", "vse_tui.reports")) and type(value).__name__ == "module"}
    for mod in [*modules.values(), importlib.import_module("vse_tui.reports.performance"),
                importlib.import_module("vse_tui.reports.improvement")]:
        for name, fn in list(vars(mod).items()):
            if callable(fn) and getattr(fn, "__module__", None) == mod.__name__ and not isinstance(fn, type):
                wrap(mod, name, fn, (mod.__name__, name))
    for name, fn in list(vars(demo).items()):
        if callable(fn) and getattr(fn, "__module__", "").startswith("vse_tui.core") and not isinstance(fn, type):
            wrap(demo, name, fn, (fn.__module__, fn.__name__))
    try:
        demo.build_demo(store, incidents=120)
    finally:
        for owner, name, fn in reversed(patched):
            setattr(owner, name, fn)
        store.close()
    return found


def test_every_write_of_the_demo_is_reachable_from_a_screen_and_a_command(tmp_path):
    writes = _demo_writes(tmp_path)
    assert len(writes) > 30  # the demo's year: setup, catalogue, changes, incidents, feedback, reports
    graph, doors = _graph()
    screens = _reach(graph, set().union(*(refs for path, refs in doors.items() if not path.startswith("cli/"))))
    commands = _reach(graph, set().union(*(refs for path, refs in doors.items() if path.startswith("cli/"))))
    missing = sorted(f"{m}.{f}: " + ", ".join(door for door, reach in (("no screen key", screens),
                                                                           ("no command", commands))
                                                   if (m, f) not in reach)
                     for m, f in writes if (m, f) not in screens or (m, f) not in commands)
    assert missing == []
