"""A short list of rows under a header line, for the dashboard's panels.

Each row is drawn as one line of text in one go. Textual's DataTable renders every cell on its
own (a Rich render per cell), which made the dashboard's first frame, some 260 cells, the largest
part of opening the app. The panels hold a few dozen rows that are read, moved through and
opened, never sorted or edited, so they need only this: columns sized to what they hold and to the
terminal, a cursor that survives a refresh, the usual movement keys, Enter or a click to open a
row."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vse_tui.i18n import _ as translate

from ..core.kernel.text import one_line


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

    # Columns are as wide as what they hold when there is room; when there is not, the others give
    # back to their set width first, then these flexible ones down to MIN_FLEX, then the DROP ones
    # are left out in that order (a summary is cut only when nothing else can give).
    FLEX = {"summary", "title", "change", "review", "name", "what", "description", "subject", "role"}
    MIN_FLEX = 12
    MAX_FLEX = 90  # wider than this a line is no longer read at a glance
    MAX_OTHER = 32
    DROP = ("service", "opened", "type", "catalogue", "task", "age", "state")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # (label, set width): the label as marked in the code (N_), translated where it is drawn; the
        # English label names the column for FLEX and DROP
        self.columns: list[tuple[str, int]] = []
        self._natural: list[int] = []  # what each column holds at most (its label, its cells)
        self._fitted: tuple[int, list[int]] | None = None  # (for this width, the widths drawn)
        self._rows: list[tuple[Hashable, tuple[Any, ...]]] = []
        self._index: dict[Hashable, int] = {}
        self.cursor_row = 0
        # drawn lines, until the rows, size or styles change; the cursor's state is part of the key
        self._lines: dict[tuple[object, ...], Strip] = {}

    # ------------------------------------------------------------ content
    def add_column(self, label: str, width: int) -> None:
        self.columns.append((label, width))
        self._measure()
        self._changed()

    def set_columns(self, columns: list[tuple[str, int]]) -> None:
        """Replace the columns (label, width); the rows go with them."""
        self.columns = list(columns)
        self._rows, self._index, self.cursor_row = [], {}, 0
        self._measure()
        self._changed()

    def set_rows(self, rows: Sequence[tuple[Hashable, tuple[object, ...]]]) -> None:
        """Replace the rows (key, cells); the cursor stays on the same key when it is still there."""
        old = self.cursor_key
        self._rows = list(rows)
        self._index = {key: n for n, (key, _) in enumerate(self._rows)}
        self._measure()
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
            row = max(0, min(row, len(self._rows) - 1))
            if row == self.cursor_row:
                return  # already there (page down on the last row): nothing to draw again
            self.cursor_row = row
            self._show_cursor()
            self.refresh()

    def _changed(self) -> None:
        self._lines.clear()
        self._fitted = None
        width = sum(w + 2 for w in self._widths(self.size.width) if w)
        self.virtual_size = Size(width, len(self._rows) + 1)
        self.refresh()

    def _measure(self) -> None:
        natural = [len(translate(label)) for label, _ in self.columns]
        for _, cells in self._rows:
            for i, cell in enumerate(cells[:len(natural)]):
                n = cell.cell_len if isinstance(cell, Text) else len(str(cell)) if cell is not None else 0
                if n > natural[i]:
                    natural[i] = n
        self._natural = natural

    def _widths(self, room: int) -> list[int]:
        """Each column's width at this terminal width (see FLEX)."""
        if self._fitted and self._fitted[0] == room:
            return self._fitted[1]
        labels = [label.strip().lower() for label, _ in self.columns]
        # a header is never cut: its width in the language spoken is each column's least
        shown = [len(translate(label).strip()) for label, _ in self.columns]
        flex = [i for i, name in enumerate(labels) if name in self.FLEX]
        base = [w for _, w in self.columns]
        natural = self._natural if len(self._natural) == len(base) else base
        widths = [min(max(b, n), self.MAX_FLEX if i in flex else max(b, self.MAX_OTHER))
                  for i, (b, n) in enumerate(zip(base, natural))]
        if room:
            spare = room - sum(w + 2 for w in widths) - 1
            # too little room: the other columns back to their set width, the flexible ones down to
            # MIN_FLEX, then columns left out
            for i in [i for i in range(len(widths)) if i not in flex] + flex:
                if spare >= 0:
                    break
                floor = min(base[i], self.MIN_FLEX) if i in flex else max(base[i], shown[i])
                give = min(-spare, max(0, widths[i] - floor))
                widths[i] -= give
                spare += give
            for name in self.DROP:
                if spare >= 0:
                    break
                if name in labels and widths[labels.index(name)] and len(widths) > 2:
                    i = labels.index(name)
                    spare += widths[i] + 2
                    widths[i] = 0
            for i in range(len(widths) - 1, 0, -1):  # still too wide: columns left out from the right, never
                if spare >= 0:                       # cut in the middle of a word (the first, the id, stays)
                    break
                if widths[i] and i not in flex:
                    spare += widths[i] + 2
                    widths[i] = 0
            for i in flex:  # what was left out goes back to what had to be cut
                if spare <= 0:
                    break
                want = min(natural[i], self.MAX_FLEX) - widths[i]
                if want > 0:
                    widths[i] += min(want, spare)
                    spare -= min(want, spare)
        self._fitted = (room, widths)
        return widths

    # ------------------------------------------------------------ drawing
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    def on_resize(self) -> None:
        self._changed()

    def _line_text(self, cells: tuple[Any, ...]) -> Text:
        line = Text(no_wrap=True, end="")
        for cell, width in zip(cells, self._widths(self.size.width)):
            if not width:
                continue
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell) if cell is not None else "")
            if "\n" in text.plain or "\r" in text.plain:  # a row is one line: a break inside a cell shows as ↵
                text = Text(one_line(text.plain), style=text.style)
            text.truncate(width, overflow="crop", pad=True)
            line.append(" ")
            line.append_text(text)
            line.append(" ")
        return line

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y - 1
        key: tuple[object, ...]
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
            text = self._line_text(tuple(translate(label) for label, _ in self.columns))
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

