"""The files attached to a record: list them, attach one, open one with the system's viewer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from vse_tui.core.evidence.attachments import attach, attachments_of, open_with_viewer
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import VseError
from vse_tui.i18n import N_, _
from vse_tui.screens.common.base import OnceModal
from vse_tui.screens.common.forms import Field, FormScreen
from vse_tui.widgets.keys import KeyHint


class AttachmentsScreen(OnceModal):
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="attachments_close"),
        Binding("a", "attach", N_("Attach a file"), id="attachments_add"),
        Binding("enter", "open", N_("Open with the viewer"), id="attachments_open"),
    ]
    DEFAULT_CSS = """
    AttachmentsScreen { align: center middle; }
    AttachmentsScreen > Vertical { width: 96; height: auto; max-height: 80%; border: round $accent;
                                   background: $surface; padding: 0 1; }
    AttachmentsScreen DataTable { height: auto; max-height: 20; }
    AttachmentsScreen #att-help { color: $text-muted; }
    """

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = _("Files attached to {ref}").format(ref=self.ref)
            yield DataTable(id="att", cursor_type="row")
            yield KeyHint([("attach", _("attach a file")), ("open", _("open with the system's viewer")),
                           ("close", _("close"))], id="att-help")

    def on_mount(self) -> None:
        table = self.query_one("#att", DataTable)
        for key, label, width in (("id", _("id"), 9), ("file", _("file"), 34), ("size", _("size"), 9),
                                  ("attached", _("attached"), 16), ("by", _("by"), 14)):
            table.add_column(label, key=key, width=width)
        self.reload()
        table.focus()

    def reload(self) -> None:
        store = self.app.store
        record = store.find(self.ref)
        table = self.query_one("#att", DataTable)
        table.clear()
        self.items = attachments_of(store, record.uuid)
        for a in self.items:
            size = (f"{a.size / 2**20:.1f} MiB" if a.size >= 2**20 else f"{a.size / 1024:.0f} KiB" if a.size >= 1024
                    else f"{a.size} B")
            table.add_row(a.id, Text(a.name), size, clock.local_text(a.created_at), Text(a.created_by or ""), key=a.id)
        if not self.items:
            table.add_row("", Text(_("No file attached yet: {key} attaches one").format(key=self.key_for("attach")),
                                   style="dim"), "", "", "", key="-")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_attach(self) -> None:
        def done(result) -> None:
            if result is not None:
                self.app.notify(_("{name} attached as {ref}").format(name=result.name, ref=result.id))
                self.reload()

        self.app.push_screen(FormScreen([Field("path", _("File"), required=True,
                                               placeholder=_("path of the file to attach")),
                                         Field("note", _("Note"), value="")],
                                        lambda v: attach(self.app.store, self.ref, v["path"].strip(), v["note"] or ""),
                                        _("Attach a file to {ref}").format(ref=self.ref),
                                        info=_("The file is copied beside the database, named by its content.")), done)

    def action_open(self) -> None:
        table = self.query_one("#att", DataTable)
        if not self.items or table.cursor_row is None:
            return
        item = self.items[min(table.cursor_row, len(self.items) - 1)]
        try:
            copy = open_with_viewer(self.app.store, item)
        except VseError as exc:
            self.app.notify(str(exc), severity="warning", timeout=10)
            return
        self.app.notify(_("Opened {name}").format(name=copy.name))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
