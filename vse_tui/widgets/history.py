"""A record's history as a table: when, who, which task, what changed (newest first)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from vse_tui.i18n import _


class HistoryTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", show_cursor=False, **kwargs)

    def on_mount(self) -> None:
        self.add_column(_("when"), width=17)
        self.add_column(_("who"), width=10)
        self.add_column(_("task"), width=6)
        self.add_column(_("what"), width=22)

    def show(self, rows: list[dict], store=None) -> None:
        """The rows of a record's history; a value naming a record or a person shows its name, a
        change imported from another tool its own time (marked *)."""
        from ..core.present.display import change_text, uuid_labels, when_text

        labels = uuid_labels(store, [v for h in rows for v in (h["new_value"], h["old_value"]) if v]) \
            if store is not None else {}
        names = store.titles("people") if store is not None else {}
        self.clear()
        for h in reversed(rows):
            who = names.get(h.get("person") or "", h["operator"] or "")
            self.add_row(when_text(h), Text(who), h["task"] or "", Text(change_text(h, labels, 80)))


def record_panels() -> Horizontal:
    """The two panels of a record's screen: its fields (#fields) beside its history (#history)."""
    return Horizontal(
        VerticalScroll(Static("", id="fields"), id="fields-panel", classes="panel"),
        VerticalScroll(HistoryTable(id="history"), id="history-panel", classes="panel"),
    )
