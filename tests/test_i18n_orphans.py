"""No catalogue keeps a message the code no longer says: every msgid of every .po is a text the
code (or argparse, or the standard's data) still holds, so the catalogues' sizes are honest and a
translator never works on a dead message. Drop a message from the three languages when its English
changes or goes (docs/languages.md: `pybabel update` marks such messages obsolete; delete them)."""

from __future__ import annotations

import argparse
import ast
import functools
from pathlib import Path

import pytest

from vse_tui import i18n
from vse_tui.i18n.compile import read_po

PACKAGE = Path(i18n.__file__).parents[1]
LOCALE = Path(i18n.__file__).parent / "locale"
DATA = (".json", ".toml", ".yaml", ".yml", ".csv", ".txt")


@functools.cache
def _said() -> tuple[frozenset[str], str]:
    """Every string literal of the package's code and of argparse (a text may be looked up from a
    table of literals, not only marked where it is written), and the text of its data files."""
    literals: set[str] = set()
    sources = [p for p in PACKAGE.rglob("*.py") if "locale" not in p.parts] + [Path(argparse.__file__)]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    data = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*")
                     if p.suffix in DATA and p.is_file() and "locale" not in p.parts)
    return frozenset(literals), data


@pytest.mark.parametrize("po", sorted(LOCALE.glob("*/LC_MESSAGES/*.po")), ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_no_catalogue_keeps_a_message_the_code_no_longer_says(po: Path) -> None:
    literals, data = _said()
    text = po.read_text(encoding="utf-8")
    assert "\n#~ " not in text, f"{po}: obsolete (#~) entries left: delete them"
    dead = [key for key in read_po(text) if key and key.split("\x04")[-1] not in literals
            and key.split("\x04")[-1] not in data]
    assert not dead, f"{po}: messages no code says any more:\n" + "\n".join(map(repr, dead[:20]))
