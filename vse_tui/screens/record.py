"""Any stored record: its fields, approvals and version history."""

from __future__ import annotations

import json
import re
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from ..core import clock
from ..core.records import BY_KIND
from ..core.standard import load_standard
from ..widgets.history import HistoryTable
from .base import BaseScreen

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SKIP = {"uuid", "id", "approvals", "version", "created_at", "updated_at", "created_by", "updated_by", "status", "state"}


def uuid_labels(store, values: list[str]) -> dict[str, str]:
    """uuid -> 'ID name' for the uuids found, across every record table."""
    wanted = sorted({v for v in values if isinstance(v, str) and UUID.match(v)})
    out: dict[str, str] = {}
    if not wanted:
        return out
    marks = ",".join("?" * len(wanted))
    for kind in BY_KIND:
        for u, rid, title in store.conn.execute(f"SELECT uuid, id, title FROM {kind} WHERE uuid IN ({marks})", wanted):
            out[u] = f"{rid} {title}".strip()
    return out


def _walk(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _walk(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _walk(v)]
    return []


def render(value: Any, labels: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if UUID.match(value):
            return labels.get(value, value)
        if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
            try:
                return clock.local_text(clock.parse_datetime(value))
            except ValueError:
                return value
        return value
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(render(v, labels) for v in value)
        return "\n".join(render(v, labels) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {render(v, labels)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False)


class RecordScreen(BaseScreen):
    TITLE_TEXT = "Record"
    BINDINGS = [Binding("escape", "back", "Back", id="record_back")]

    def __init__(self, kind: str, ref: str) -> None:
        super().__init__()
        self.kind, self.ref = kind, ref

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="head")
        with Horizontal():
            with VerticalScroll(id="fields-panel", classes="panel"):
                yield Static("", id="fields")
            with VerticalScroll(id="history-panel", classes="panel"):
                yield HistoryTable(id="history")
        yield from self.compose_footer()

    def reload(self) -> None:
        store = self.store
        rec = store.get(self.kind, self.ref)
        model = BY_KIND[self.kind]
        wp = load_standard().wp(model.WP) if model.WP else None
        self.query_one("#head", Static).update(Text.assemble(
            (f"{rec.id}  ", "bold"), (rec.title_text, "bold"), "   ",
            (f"{wp.code} {wp.name} · " if wp else f"{model.LABEL} · ", "dim"),
            (f"status {rec.status}" if rec.status else "", "green" if rec.status in ("approved", "updated", "published", "final") else ""),
            (f" · {rec.state}" if rec.state else "", ""), (f" · version {rec.version}", "dim")))
        data = rec.model_dump(mode="json")
        labels = uuid_labels(store, _walk(data))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for name, value in data.items():
            if name in SKIP or value in (None, "", [], {}):
                continue
            grid.add_row(name.replace("_", " "), Text(render(value, labels)))
        for a in rec.approvals:
            grid.add_row("approved", Text(f"{a.by}, {clock.local_text(a.at)}, by {a.how}"
                                          + (f" (noted by {a.noted_by})" if a.noted_by else "")))
        grid.add_row("created", Text(f"{clock.local_text(rec.created_at)} by {rec.created_by}"))
        grid.add_row("updated", Text(f"{clock.local_text(rec.updated_at)} by {rec.updated_by}"))
        self.query_one("#fields", Static).update(grid)
        self.query_one("#fields-panel").border_title = model.LABEL + (f" ({model.WP})" if model.WP else "")
        self.query_one("#history-panel").border_title = "History"
        self.query_one("#history", HistoryTable).show(store.history(rec.uuid))

    def action_back(self) -> None:
        self.app.pop_screen()
