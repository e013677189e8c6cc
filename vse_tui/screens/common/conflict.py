"""One merge conflict: the value here and the value from the other copy; the operator chooses."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import VseError
from vse_tui.screens.common.base import OnceModal
from vse_tui.widgets.keys import KeyHint


class ConflictScreen(OnceModal):
    BINDINGS = [
        Binding("l", "choose('local')", "Keep the value here", id="conflict_local"),
        Binding("r", "choose('remote')", "Take the other copy's value", id="conflict_remote"),
        Binding("o", "open", "Open the record", id="conflict_open"),
        Binding("escape", "close", "Decide later", id="conflict_close"),
    ]
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 96; height: auto; border: round $error; background: $surface; padding: 0 1; }
    """

    def __init__(self, conflict_id: int) -> None:
        super().__init__()
        self.conflict_id = conflict_id

    def compose(self) -> ComposeResult:
        from vse_tui.store.sync import open_conflicts

        c = next((c for c in open_conflicts(self.app.store) if c["id"] == self.conflict_id), None)
        self.conflict = c
        with Vertical() as box:
            box.border_title = f"Merge conflict on {c['ref']}" if c else "Merge conflict"
            if c is None:
                yield Static("This conflict was settled meanwhile.")
                return
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="dim")
            grid.add_column()
            grid.add_row("field", Text((c["field"] or "").replace("_", " ")))
            grid.add_row("why", Text(c["reason"] or ""))
            grid.add_row("here", Text(c["local_value"] or "(empty)"))
            when = clock.local_text(clock.parse_datetime(c["remote_at"])) if c["remote_at"] else ""
            grid.add_row("other copy", Text(f"{c['remote_value'] or '(empty)'}   ({c['remote_operator']}, {when})"))
            yield Static(grid)
            yield KeyHint([("choose('local')", "keep the value here"), ("choose('remote')", "take the other copy's value"),
                           ("open", "open the record"), ("close", "decide later")])

    def action_choose(self, choice: str) -> None:
        from vse_tui.store.sync import resolve

        if self.conflict is None:
            self.dismiss(None)
            return
        try:
            rec = resolve(self.app.store, self.conflict_id, choice)
        except VseError as exc:
            self.app.notify(str(exc), severity="error")
            return
        self.app.notify(f"{rec.id}: kept the {'value here' if choice == 'local' else 'other copy' + chr(39) + 's value'}")
        self.dismiss(choice)

    def action_open(self) -> None:
        if self.conflict:
            ref = self.conflict["ref"]
            self.dismiss(None)
            self.app.open_record(ref)

    def action_close(self) -> None:
        self.dismiss(None)
