"""Find the texts a person reads that are not wrapped for translation, by reading the code's syntax
tree: a string (or an f-string's words) that reaches a person unwrapped.

Where texts reach a person: a toast (`notify`), a widget's label (`Label`, `Static`, `Button`,
`Checkbox`, `RadioButton`, `Option`, `TabPane`, `Text`, `Input(placeholder=)`...), a key's
description (`Binding`), a screen's or box's title (`TITLE`, `.border_title = ...`), the CLI's output
(`print`) and help (`add_argument(help=)`, `add_parser(help=, description=)`, the registry's
`command`/`action`), an error raised to the person (`InputError`, `UsageError`, `DateError`...), and
in `vse_tui/reports` the lines a report is written from (`append`, `write`, `extend`).

A string is text when, once markup (`[b]`), fields (`{ref}`) and codes (`INC-0042`, `GO.1.1`, `P1`)
are taken out, a word of two letters or more is left. It is wrapped when it sits inside `_()`,
`N_()`, `ngettext()` or `pgettext()`.

    python -m tests.i18n_scan              # every unwrapped text, file:line: text
    python -m tests.i18n_scan --baseline   # rewrite the list of those still being wrapped
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vse_tui"
BASELINE = Path(__file__).with_name("i18n_unwrapped.txt")
UNTRANSLATED = Path(__file__).with_name("i18n_untranslated.txt")

WRAPPERS = {"_", "N_", "ngettext", "pgettext"}
# call name -> positions of text arguments, and keyword names that hold text
SINKS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "notify": ((0,), ("message", "title")),
    "Label": ((0,), ("tooltip",)),
    "Static": ((0,), ("tooltip",)),
    "Button": ((0,), ("label", "tooltip")),
    "Checkbox": ((0,), ("label", "tooltip")),
    "RadioButton": ((0,), ("label", "tooltip")),
    "Switch": ((), ("tooltip",)),
    "Option": ((0,), ()),
    "TabPane": ((0,), ()),
    "Tab": ((0,), ()),
    "Collapsible": ((), ("title",)),
    "Input": ((), ("placeholder", "tooltip")),
    "TextArea": ((), ("placeholder", "tooltip")),
    "Select": ((), ("prompt", "tooltip")),
    "Text": ((0,), ()),
    "Binding": ((2,), ("description",)),
    "print": ((0,), ()),
    "add_argument": ((), ("help",)),
    "add_parser": ((), ("help", "description")),
    "add_argument_group": ((0, 1), ("title", "description")),
    "command": ((1,), ("help", "db_help")),
    "action": ((2,), ("help", "group_help")),
    "InputError": ((0,), ()),
    "VseError": ((0,), ()),
    "UsageError": ((0,), ()),
    "ArgumentTypeError": ((0,), ()),
    "DateError": ((0,), ()),
    "ParseError": ((0,), ()),
    "DatabaseError": ((0,), ()),
    "BusyError": ((0,), ()),
    "update": ((0,), ()),
}
REPORT_SINKS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "append": ((0,), ()), "write": ((0,), ()), "extend": ((0,), ()),
}
TITLE_ATTRIBUTES = {"border_title", "border_subtitle", "title", "sub_title", "tooltip", "TITLE", "SUB_TITLE",
                    "BORDER_TITLE", "BORDER_SUBTITLE"}

_MARKUP = re.compile(r"\[/?[a-z@#$][^\]]*\]|\[/\]")
_FIELD = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]")
_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:[.\-_][A-Z0-9]+)*\b|\b[A-Za-z]+\.\d+(?:\.\d+)*\b|\b\w+_\w+\b")
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_PROSE = re.compile(r"^[\w.+-]+(?:\.\w+)+$|^[a-z]+(?:[+-][a-z0-9]+)+$|^--?[a-z]")  # file.md, ctrl+s, --opt


def is_text(value: str) -> bool:
    """Words a person reads (not only markup, fields, codes or a file's or key's name)."""
    stripped = value.strip()
    if not stripped or _NOT_PROSE.match(stripped):
        return False
    rest = _CODE.sub(" ", _FIELD.sub(" ", _MARKUP.sub(" ", stripped.replace("vse-tui", " "))))
    return bool(_WORD.search(rest))


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _unwrapped(node: ast.AST | None) -> Iterator[tuple[int, str]]:
    """The unwrapped texts in an expression that reaches a person."""
    if node is None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if is_text(node.value):
            yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        words = "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
                        for v in node.values)
        if is_text(words):
            yield node.lineno, words
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                yield from _unwrapped(v.value)
    elif isinstance(node, ast.Call):
        name = _call_name(node)
        if name in WRAPPERS:
            return
        if name == "format" and isinstance(node.func, ast.Attribute):
            yield from _unwrapped(node.func.value)
    elif isinstance(node, ast.BinOp):
        yield from _unwrapped(node.left)
        if not isinstance(node.op, ast.Mod):
            yield from _unwrapped(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _unwrapped(node.body)
        yield from _unwrapped(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for v in node.values:
            yield from _unwrapped(v)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for v in node.elts:
            yield from _unwrapped(v)


def scan_source(source: str, in_reports: bool = False) -> list[tuple[int, str]]:
    """(line, text) of every unwrapped text of a module."""
    tree = ast.parse(source)
    sinks = SINKS | REPORT_SINKS if in_reports else SINKS
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name not in sinks:
                continue
            if name == "update" and not (node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
                continue  # dict.update and the like: only a text handed to a widget's update
            positions, keywords = sinks[name]
            for i in positions:
                if i < len(node.args):
                    found += _unwrapped(node.args[i])
            for kw in node.keywords:
                if kw.arg in keywords:
                    found += _unwrapped(kw.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                attr = target.attr if isinstance(target, ast.Attribute) else (
                    target.id if isinstance(target, ast.Name) else "")
                if attr in TITLE_ATTRIBUTES:
                    found += _unwrapped(node.value)
    return sorted(set(found))


def scan(package: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(path, line, text) of every unwrapped text in the package (the demo's material excepted:
    it is the demo shop's own records, data and not the app's words)."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).as_posix()
        if rel.startswith(("vse_tui/demo", "vse_tui/i18n/compile.py")):
            continue
        for line, text in scan_source(path.read_text(encoding="utf-8"), in_reports="/reports/" in rel):
            out.append((rel, line, text))
    return out


def key(path: str, text: str) -> str:
    return f"{path}\t{text!r}"


def baseline() -> set[str]:
    if not BASELINE.exists():
        return set()
    return {line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}


def write_baseline() -> int:
    keys = sorted({key(path, text) for path, _line, text in scan()})
    BASELINE.write_text("# Texts not yet wrapped for translation (issue 33): tests/test_i18n_coverage.py lets these\n"
                        "# through and fails on any other. Wrap one and remove its line; never add one.\n"
                        + "".join(k + "\n" for k in keys), encoding="utf-8")
    return len(keys)


def untranslated_baseline(language: str) -> set[str]:
    """The wrapped texts still waiting for their translation in a language (they are being written)."""
    if not UNTRANSLATED.exists():
        return set()
    import ast as _ast

    out = set()
    for line in UNTRANSLATED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, _tab, text = line.partition("\t")
            if lang == language:
                out.add(_ast.literal_eval(text))
    return out


def write_untranslated() -> int:
    from tests.test_i18n_coverage import TRANSLATED, missing_translations

    lines = sorted(f"{lang}\t{text!r}" for lang in TRANSLATED for text in missing_translations(lang))
    UNTRANSLATED.write_text("# Wrapped texts whose translation is still being written (issue 33): tests/test_i18n_coverage.py\n"
                            "# lets these through and fails on any other. Translate one and remove its line. A text wrapped outside\n"
                            "# the wrapping work may wait here for its area's translator.\n"
                            + "".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    if "--baseline" in sys.argv:
        print(write_baseline(), "texts listed in", BASELINE.name)
        print(write_untranslated(), "texts listed in", UNTRANSLATED.name)
    else:
        for path, line, text in scan():
            print(f"{path}:{line}: {text!r}")
