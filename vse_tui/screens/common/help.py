"""`?`: every key of the current screen and of the app, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from vse_tui.i18n import N_, _
from vse_tui.screens.common.base import OnceModal
from vse_tui.widgets.keys import key_label


class KeysScreen(OnceModal):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", N_("Close"), id="keys_close")]
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen > VerticalScroll { width: 72; height: auto; max-height: 90%; border: round $accent; padding: 1 2; background: $surface; }
    """

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "_keymap", {}) or {}
        text = Text()
        title = getattr(self.target, "TITLE_TEXT", None)
        sections = [(_(title) if title else type(self.target).__name__, self.target.BINDINGS),
                    (_("Everywhere"), self.app.BINDINGS)]
        for title, bindings in sections:
            text.append(f"{title}\n", style="bold underline")
            for b in bindings:
                if not isinstance(b, Binding) or not b.description:
                    continue
                key = keymap.get(b.id, b.key) if b.id else b.key
                text.append(f"  {key_label(key):<14}", style="bold")
                # the screen may name what a key does as its key bar does ("Clôturer" an incident)
                named = getattr(self.target, "key_label", None)
                text.append(f"{(named(b.action) if named else None) or _(b.description)}\n")
            text.append("\n")
        text.append(_("Esc goes back; Enter opens the line under the cursor."), style="dim")
        with VerticalScroll():
            yield Static(text)

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
