"""A short list of rows under a header line, for the dashboard's panels.

Each row is drawn as one line of text in one go. Textual's DataTable renders every cell on its
own (a Rich render per cell), which made the dashboard's first frame, some 260 cells, the largest
part of opening the app. The panels hold a few dozen rows that are read, moved through and
opened, never sorted or edited, so they need only this: fixed-width columns, a cursor that
survives a refresh, the usual movement keys, Enter or a click to open a row."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class RowList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"row-list--header", "row-list--cursor"}
    DEFAULT_CSS = """
    RowList {
        height: 1fr;
        color: $foreground;
        background: transparent;
        & > .row-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .row-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .row-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = [
        Binding("enter", "select", "Open", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    class Selected(Message):
        """Enter or a click on a row."""

        def __init__(self, row_list: RowList, key: Hashable) -> None:
            super().__init__()
            self.row_list = row_list
            self.key = key

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns: list[tuple[str, int]] = []  # (label, width)
        self._rows: list[tuple[Hashable, tuple[Any, ...]]] = []
        self._index: dict[Hashable, int] = {}
        self.cursor_row = 0
        # drawn lines, until the rows, size or styles change; the cursor's state is part of the key
        self._lines: dict[tuple, Strip] = {}

    # ------------------------------------------------------------ content
    def add_column(self, label: str, width: int) -> None:
        self.columns.append((label, width))
        self._changed()

    def set_columns(self, columns: list[tuple[str, int]]) -> None:
        """Replace the columns (label, width); the rows go with them."""
        self.columns = list(columns)
        self._rows, self._index, self.cursor_row = [], {}, 0
        self._changed()

    def set_rows(self, rows: list[tuple[Hashable, tuple[Any, ...]]]) -> None:
        """Replace the rows (key, cells); the cursor stays on the same key when it is still there."""
        old = self.cursor_key
        self._rows = list(rows)
        self._index = {key: n for n, (key, _) in enumerate(self._rows)}
        self.cursor_row = self._index.get(old, min(self.cursor_row, max(0, len(self._rows) - 1)))
        self._changed()
        self._show_cursor()

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_key(self) -> Hashable | None:
        return self._rows[self.cursor_row][0] if self._rows else None

    def get_row_at(self, index: int) -> tuple[Any, ...]:
        return self._rows[index][1]

    def get_row_index(self, key: Hashable) -> int:
        return self._index[key]

    def move_cursor(self, row: int) -> None:
        if self._rows:
            self.cursor_row = max(0, min(row, len(self._rows) - 1))
            self._show_cursor()
            self.refresh()

    def _changed(self) -> None:
        self._lines.clear()
        width = sum(w + 2 for _, w in self.columns)
        self.virtual_size = Size(width, len(self._rows) + 1)
        self.refresh()

    # ------------------------------------------------------------ drawing
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def on_resize(self) -> None:
        self._lines.clear()

    def _line_text(self, cells: tuple[Any, ...]) -> Text:
        line = Text(no_wrap=True, end="")
        for cell, (_, width) in zip(cells, self.columns):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell) if cell is not None else "")
            text.truncate(width, overflow="crop", pad=True)
            line.append(" ")
            line.append_text(text)
            line.append(" ")
        return line

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y - 1
        if y == 0:
            key = ("header", width, scroll_x)
        elif 0 <= row < len(self._rows):
            key = (row, row == self.cursor_row and self.has_focus, row == self.cursor_row, width, scroll_x)
        else:
            key = ("blank", width)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._draw(y, row, width, scroll_x)
            self._lines[key] = strip
        return strip

    def _draw(self, y: int, row: int, width: int, scroll_x: int) -> Strip:
        base = self.rich_style
        if y == 0:
            text = self._line_text(tuple(label for label, _ in self.columns))
            style = base + self.get_component_rich_style("row-list--header")
        elif 0 <= row < len(self._rows):
            text = self._line_text(self._rows[row][1])
            style = base
            if row == self.cursor_row:
                cursor = self.get_component_rich_style("row-list--cursor")
                text.stylize(cursor)  # over the cells' own colours, as a cursor should be
                style = base + Style(bgcolor=cursor.bgcolor)
        else:
            return Strip.blank(width, base)
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, style).apply_style(style)

    # ------------------------------------------------------------ moving
    def _show_cursor(self) -> None:
        """Scroll so that the cursor's row is in view under the header."""
        if not self.size.height:
            return
        height = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False)

    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page())

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page())

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self.cursor_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = int(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self._rows):  # as in a DataTable: a click opens the row
            self.focus()
            self.move_cursor(row)
            self.action_select()

    def on_focus(self) -> None:
        self.refresh()  # the cursor's line is drawn (and kept) apart for focused and not

    def on_blur(self) -> None:
        self.refresh()

