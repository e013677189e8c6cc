"""What a database holds as text, read the way a person would scan it for words: every string of
every row, those of a JSON list or object one by one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def strings_in(value: object) -> list[str]:
    """The strings in a stored value, those of a JSON list or object one by one."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def stored_texts(db: Path) -> set[str]:
    """Every string the database holds (its search index and SQLite's own tables left out), read
    only: a shared database is never written."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out: set[str] = set()
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            if not table.startswith(("record_search", "sqlite_")):
                for row in con.execute(f"SELECT * FROM {table}"):  # noqa: S608 (the schema's own names)
                    out |= {s for v in row for s in strings_in(v)}
        return out
    finally:
        con.close()
