"""What every process screen shares: the top bar, the footer, refresh on focus and on a timer."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from ..widgets.topbar import TopBar

REFRESH_SECONDS = 30


class BaseScreen(Screen):
    TITLE_TEXT = ""

    def compose_top(self) -> ComposeResult:
        yield TopBar(self.TITLE_TEXT, id="topbar")

    def compose_footer(self) -> ComposeResult:
        yield Footer()

    _last_load = 0.0

    def on_mount(self) -> None:
        self.title = self.TITLE_TEXT
        self._reload()
        self.set_interval(REFRESH_SECONDS, self._tick)

    def on_screen_resume(self) -> None:
        # Coming back to a screen shows what others wrote meanwhile; not twice on first show.
        if time.monotonic() - self._last_load > 1.0:
            self._reload()

    def _tick(self) -> None:
        if self.app.screen is self:
            self._reload()

    def _reload(self) -> None:
        self._last_load = time.monotonic()
        self.reload()

    def reload(self) -> None:
        """Re-read what the screen shows from the database (cheap, indexed queries)."""

    @property
    def store(self):
        return self.app.store


def keep_cursor(table: DataTable, fill) -> None:
    """Refill a table and put the cursor back on the same row when it still exists."""
    key = None
    if table.row_count and table.cursor_row is not None:
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            key = None
    table.clear()
    fill()
    if key is not None:
        try:
            table.move_cursor(row=table.get_row_index(key), animate=False)
        except Exception:
            pass
