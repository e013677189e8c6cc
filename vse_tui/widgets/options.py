"""A guard for the page keys of every option list (ours, Select's drop-down, the palette).

Textual 8.2.8 measures options lazily; an option list with no size yet (just refilled, or a
Select's drop-down opened a moment ago) finds no line to move to on page up/down and raises.
The guard falls back to the first or last option instead. Installed once, by the app."""

from __future__ import annotations

from typing import Literal

from textual.widgets import OptionList

_installed = False


def guard_page_keys() -> None:
    global _installed
    if _installed:
        return
    original = OptionList._move_page

    def _move_page(self: OptionList, direction: Literal[-1, 1]) -> None:
        try:
            original(self, direction)
        except (KeyError, IndexError):
            if direction > 0:
                self.action_last()
            else:
                self.action_first()

    # A patch of Textual's own method, for every option list at once (no subclass reaches the
    # palette's or Select's lists).
    OptionList._move_page = _move_page  # type: ignore[method-assign]
    _installed = True
