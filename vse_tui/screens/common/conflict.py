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
from vse_tui.i18n import N_, _
from vse_tui.screens.common.base import OnceModal
from vse_tui.store.sync import open_conflicts, resolve
from vse_tui.widgets.keys import KeyHint


class ConflictScreen(OnceModal):
    BINDINGS = [
        Binding("l", "choose('local')", N_("Keep the value here"), id="conflict_local"),
        Binding("r", "choose('remote')", N_("Take the other copy's value"), id="conflict_remote"),
        Binding("o", "open", N_("Open the record"), id="conflict_open"),
        Binding("escape", "close", N_("Decide later"), id="conflict_close"),
    ]
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical { width: 96; height: auto; border: round $error; background: $surface; padding: 0 1; }
    """

    def __init__(self, conflict_id: int) -> None:
        super().__init__()
        self.conflict_id = conflict_id

    def compose(self) -> ComposeResult:
        c = next((c for c in open_conflicts(self.app.store) if c["id"] == self.conflict_id), None)
        self.conflict = c
        with Vertical() as box:
            box.border_title = _("Merge conflict on {ref}").format(ref=c["ref"]) if c else _("Merge conflict")
            if c is None:
                yield Static(_("This conflict was settled meanwhile."))
                return
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="dim")
            grid.add_column()
            grid.add_row(_("field"), Text((c["field"] or "").replace("_", " ")))
            grid.add_row(_("why"), Text(c["reason"] or ""))
            grid.add_row(_("here"), Text(c["local_value"] or _("(empty)")))
            when = clock.local_text(clock.parse_datetime(c["remote_at"])) if c["remote_at"] else ""
            grid.add_row(_("other copy"), Text((c["remote_value"] or _("(empty)")) + f"   ({c['remote_operator']}, {when})"))
            yield Static(grid)
            yield KeyHint([("choose('local')", _("keep the value here")),
                           ("choose('remote')", _("take the other copy's value")),
                           ("open", _("open the record")), ("close", _("decide later"))])

    def action_choose(self, choice: str) -> None:
        if self.conflict is None:
            self.dismiss(None)
            return
        try:
            rec = resolve(self.app.store, self.conflict_id, choice)
        except VseError as exc:
            self.app.notify(str(exc), severity="error")
            return
        kept = _("{ref}: kept the value here") if choice == "local" else _("{ref}: kept the other copy's value")
        self.app.notify(kept.format(ref=rec.id))
        self.dismiss(choice)

    def action_open(self) -> None:
        if self.conflict:
            ref = self.conflict["ref"]
            self.dismiss(None)
            self.app.open_record(ref)

    def action_close(self) -> None:
        self.dismiss(None)
