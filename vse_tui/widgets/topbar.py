"""The line at the top of every screen: the shop, who is at the keyboard, the database and the screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from vse_tui.i18n import _


class TopBar(Static):
    DEFAULT_CSS = """
    TopBar {
        dock: top;
        height: 1;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, screen_title: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.screen_title = screen_title

    def on_mount(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        app = self.app
        store = getattr(app, "store", None)
        who = str(getattr(app, "operator", "") or getattr(getattr(store, "actor", None), "os_user", "") or "?")
        unmapped = store is not None and not getattr(store.actor, "person", None)
        left = Text.assemble(
            (" vse-tui ", "bold reverse"), "  ",
            (str(getattr(app, "shop_name", "") or ""), "bold"),
            (" · " + _("you:") + " ", "dim"), (who, "bold dark_orange" if unmapped else ""),
            (" " + _("(login mapped to no person)") if unmapped else "", "dark_orange"),
            (" · ", "dim"), str(getattr(app, "db_label", "") or ""),
        )
        width = max(10, self.size.width - 2) if self.size.width else 118
        right = Text(self.screen_title, style="bold")
        pad = max(1, width - left.cell_len - right.cell_len)
        self.update(Text.assemble(left, " " * pad, right))

    def on_resize(self) -> None:
        self.refresh_text()
