"""Compare versions: every change of a record, field by field, old value beside new."""

from __future__ import annotations

import json

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from vse_tui.core.kernel import clock
from vse_tui.i18n import N_, _
from vse_tui.screens.common.base import OnceModal
from vse_tui.widgets.keys import KeyHint


def _pretty(value: str | None) -> str:
    if value is None:
        return ""
    if value[:1] in "[{":
        try:
            return json.dumps(json.loads(value), ensure_ascii=False, indent=1)
        except ValueError:
            pass
    return value


class VersionsScreen(OnceModal):
    BINDINGS = [Binding("escape,v", "dismiss_screen", N_("Close"), id="versions_close")]

    def __init__(self, ref: str, history: list[dict]) -> None:
        super().__init__()
        self.ref = ref
        self.rows = history

    def compose(self) -> ComposeResult:
        table = Table(expand=True, show_lines=True, title=_("{ref}: versions and changes").format(ref=self.ref),
                      title_justify="left")
        table.add_column(_("version"), width=7)
        table.add_column(_("when / who / task"), width=22)
        table.add_column(_("field"), width=14)
        table.add_column(_("before"), ratio=1)
        table.add_column(_("after"), ratio=1)
        for h in self.rows:
            when = f"{clock.local_text(clock.parse_datetime(h['at']))}\n{h['operator']}\n{h['task'] or ''}"
            if h["action"] == "create":
                table.add_row(str(h["version"] or 1), Text(when), _("created"), "", Text(_pretty(h["new_value"])[:600]))
            else:
                table.add_row(str(h["version"] or ""), Text(when), Text(h["field"] or ""),
                              Text(_pretty(h["old_value"])[:600], style="red"), Text(_pretty(h["new_value"])[:600], style="green"))
        with VerticalScroll():
            yield Static(table)
            yield KeyHint([("dismiss_screen", _("closes"))])

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
