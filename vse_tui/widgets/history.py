"""A record's history as a table: when, who, which task, what changed (newest first)."""

from __future__ import annotations

import json

from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from ..core import clock


class HistoryTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", show_cursor=False, **kwargs)

    def on_mount(self) -> None:
        self.add_column("when", width=16)
        self.add_column("who", width=10)
        self.add_column("task", width=6)
        self.add_column("what", width=22)

    def show(self, rows: list[dict], store=None) -> None:
        """The rows of a record's history; a value naming a record or a person shows its name."""
        from ..core.display import uuid_labels

        labels = uuid_labels(store, [h["new_value"] for h in rows if h["new_value"]]) if store is not None else {}
        self.clear()
        for h in reversed(rows):
            if h["action"] == "create":
                what = "created"
            else:
                new = h["new_value"] or ""
                if new[:1] in "[{":
                    try:
                        new = f"{len(json.loads(new))} entries"
                    except ValueError:
                        pass
                elif new[:1] == '"':
                    try:
                        new = str(json.loads(new))
                    except ValueError:
                        pass
                what = f"{h['field']}: {labels.get(new, new)}"
            self.add_row(clock.local_text(clock.parse_datetime(h["at"])), Text(h["operator"] or ""),
                         h["task"] or "", Text(what[:80]))


def record_panels() -> Horizontal:
    """The two panels of a record's screen: its fields (#fields) beside its history (#history)."""
    return Horizontal(
        VerticalScroll(Static("", id="fields"), id="fields-panel", classes="panel"),
        VerticalScroll(HistoryTable(id="history"), id="history-panel", classes="panel"),
    )
