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
        parts: list[str | tuple[str, str]] = [(" vse-tui ", "bold reverse"), "  ", (str(getattr(app, "shop_name", "") or ""), "bold"),
                 (" · " + _("you:") + " ", "dim"), (who, "bold dark_orange" if unmapped else ""),
                 (" " + _("(login mapped to no person)") if unmapped else "", "dark_orange")]
        db: list[str | tuple[str, str]] = [(" · ", "dim"), str(getattr(app, "db_label", "") or "")]
        width = max(10, self.size.width - 2) if self.size.width else 118
        right = Text(self.screen_title, style="bold")
        # the screen's name is never cut: a longer language (or a long record kind) gives up the
        # database's name first, then the end of the shop's line, each cut marked with …
        right.truncate(width, overflow="ellipsis")
        left = Text.assemble(*parts, *db)
        if left.cell_len + 1 + right.cell_len > width:
            left = Text.assemble(*parts)
        room = width - 1 - right.cell_len
        if left.cell_len > room:  # what is left of the shop's line, else only the screen's name
            left = left[:0] if room < 12 else left
            left.truncate(max(0, room), overflow="ellipsis")
        pad = max(1, width - left.cell_len - right.cell_len)
        self.update(Text.assemble(left, " " * pad, right))

    def on_resize(self) -> None:
        self.refresh_text()
