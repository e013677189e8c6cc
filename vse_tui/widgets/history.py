"""A record's history as a table: when, who, which task, what changed (newest first)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from vse_tui.i18n import _

from ..core.present.display import change_text, history_labels, when_text


class HistoryTable(DataTable):
    """The columns when, who and task keep their width; what changed takes the rest of the
    panel and wraps onto more lines, never cut."""

    DEFAULT_CSS = "HistoryTable { width: 1fr; }"
    FIXED = (("when", 16), ("who", 12), ("task", 6))
    NARROWEST_WHAT = 24

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", show_cursor=False, **kwargs)
        self._shown: tuple[list[dict], object] = ([], None)
        self._what_width = self.NARROWEST_WHAT

    def on_mount(self) -> None:

        for label, width in self.FIXED:
            self.add_column(_(label), width=width, key=label)
        self.add_column(_("what"), width=self._what_width, key="what")

    def _fitting_what(self) -> int:
        """What is left of the panel for "what" (each column has a cell's padding on both sides,
        and a scroll bar may take two more)."""
        used = sum(width + 2 * self.cell_padding for _label, width in self.FIXED) + 2 * self.cell_padding + 2
        return max(self.NARROWEST_WHAT, self.size.width - used)

    def on_resize(self) -> None:
        width = self._fitting_what()
        if width != self._what_width:
            self._what_width = width
            self.show(*self._shown)

    def show(self, rows: list[dict], store=None) -> None:
        """The rows of a record's history; a value naming a record or a person shows its name, a
        change imported from another tool its own time (marked *)."""

        self._shown = (rows, store)
        labels = history_labels(store, rows) if store is not None else {}
        names = store.titles("people") if store is not None else {}
        self.clear()
        column = self.columns.get(ColumnKey("what"))
        if column is not None:
            column.width = self._what_width
        for h in reversed(rows):
            who = names.get(h.get("person") or "", h["operator"] or "")
            self.add_row(when_text(h), Text(who), h["task"] or "", Text(change_text(h, labels, 400)), height=None)


def record_panels() -> Horizontal:
    """The two panels of a record's screen: its fields (#fields) beside its history (#history);
    on a narrow terminal one above the other (the screen's class -narrow)."""
    return Horizontal(
        VerticalScroll(Static("", id="fields"), id="fields-panel", classes="panel"),
        VerticalScroll(HistoryTable(id="history"), id="history-panel", classes="panel"),
        id="record-panels",
    )
