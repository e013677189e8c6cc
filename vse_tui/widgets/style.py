"""Colour carries meaning, and only that: priorities, breaches, overdue, done."""

from __future__ import annotations

from rich.text import Text

PRIORITY_STYLE = {"P1": "bold red", "P2": "dark_orange", "P3": "", "P4": "dim", "P5": "dim"}


def priority_text(priority: str) -> Text:
    return Text(priority, style=PRIORITY_STYLE.get(priority, ""))


def plain(value) -> Text:
    """User text shown exactly as typed: never interpreted as markup."""
    return Text("" if value is None else str(value))


def mark(breached: bool) -> Text:
    return Text("!", style="bold red") if breached else Text(" ")
