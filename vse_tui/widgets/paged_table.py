"""A list that holds one page of a long list and asks for the next or previous page when the
cursor runs off its ends: only a page of rows is ever held, whatever the list's size."""

from __future__ import annotations

from textual.message import Message

from .rowlist import RowList


class PagedTable(RowList):
    class PageRequest(Message):
        def __init__(self, table: PagedTable, step: int) -> None:
            super().__init__()
            self.table = table
            self.step = step

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.has_next = False
        self.has_previous = False

    def _at_end(self) -> bool:
        return bool(self.row_count) and self.cursor_row >= self.row_count - 1 and self.has_next

    def _at_start(self) -> bool:
        return self.cursor_row <= 0 and self.has_previous

    def action_cursor_down(self) -> None:
        if self._at_end():
            self.post_message(self.PageRequest(self, +1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self._at_start():
            self.post_message(self.PageRequest(self, -1))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self._at_end():
            self.post_message(self.PageRequest(self, +1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self._at_start():
            self.post_message(self.PageRequest(self, -1))
        else:
            super().action_page_up()
