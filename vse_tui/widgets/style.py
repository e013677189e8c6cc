"""Colour carries meaning, and only that: priorities, breaches, overdue, done."""

from __future__ import annotations

from rich.text import Text

from ..core.kernel import clock

PRIORITY_STYLE = {"P1": "bold red", "P2": "dark_orange", "P3": "", "P4": "dim", "P5": "dim"}


def priority_text(priority: str | None) -> Text:
    return Text(priority or "", style=PRIORITY_STYLE.get(priority or "", ""))


def plain(value: object) -> Text:
    """User text shown exactly as typed: never interpreted as markup."""
    return Text("" if value is None else str(value))


def time_left(clk) -> Text:
    """What is left to an incident's resolution target, as the lists show it: "-2h" when late,
    in red when the incident breached a target (its response may have been late)."""

    if clk.remaining is None:
        return Text("")
    text = ("-" if clk.late else "") + clock.human_duration(clk.remaining, compact=True)
    return Text(text, style="bold red" if clk.breached else "")


def mark(breached: bool) -> Text:
    return Text("!", style="bold red") if breached else Text(" ")
