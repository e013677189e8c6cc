"""The evidence map: all 40 tasks by process and activity, with their state and latest evidence."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from vse_tui.core.evidence.tasks import TaskEvidence, evidence_map, summary
from vse_tui.core.kernel import clock
from vse_tui.core.model.standard import load_standard
from vse_tui.core.present.labels import code_word, role_named
from vse_tui.i18n import N_, _, listed, ngettext, pgettext
from vse_tui.paths import export_dir
from vse_tui.reports.audit_pack import write_pack
from vse_tui.reports.performance import parse_period
from vse_tui.screens.common.base import BaseScreen, go_back
from vse_tui.screens.common.forms import Field, FormScreen
from vse_tui.screens.evidence.why import AuditFindingsScreen, TaskWhyScreen
from vse_tui.screens.evidence.words import STATE_NAMES
from vse_tui.widgets.keys import key_name

MARK = {"done": ("✓", "green"), "partly done": ("◐", "dark_orange"), "not started": ("✗", "red"),
        "stale": ("⟳", "dark_orange")}
FILTERS = ("all", "not done", "done")
FILTER_NAMES = {"all": N_("all"), "not done": N_("not done"), "done": N_("done")}


class EvidenceScreen(BaseScreen):
    TITLE_TEXT = N_("Evidence map")
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="evidence_back"),
        Binding("enter", "why", N_("Why"), id="evidence_why"),
        Binding("o", "open", N_("Open the evidence"), id="evidence_open"),
        Binding("f", "cycle_filter", N_("Filter"), id="evidence_filter"),
        Binding("a", "audit_check", N_("Audit check"), id="evidence_audit"),
        Binding("p", "audit_pack", N_("Write audit pack"), id="evidence_pack"),
    ]

    def __init__(self, task: str | None = None) -> None:
        super().__init__()
        self.focus_task = task  # the task to show first (a record's screen opens the map at its step)
        self.filter = "all"
        self.tasks: dict[str, TaskEvidence] = {}

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="evidence-summary", classes="statusline")
        with Vertical(classes="panel", id="evidence-panel"):
            yield DataTable(id="evidence", cursor_type="row")
        yield Static("", id="evidence-detail", classes="hint")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.query_one("#evidence", DataTable)
        self._columns(t, self._widths(self.app.size.width))
        t.focus()

    _shaped: tuple[int, int] = (0, 0)

    @staticmethod
    def _widths(screen_width: int) -> tuple[int, int]:
        """The task's title and its evidence share what the screen leaves them (52 and 48 at 120
        columns): a longer text wraps onto a second line of its row, never cut."""
        rest = max(30, screen_width - 2 - 2 - 1 - 7 - 4 * 2)  # the panel, the scroll bar, mark, task, padding
        title = rest * 52 // 100
        return title, rest - title

    def _columns(self, table: DataTable, widths: tuple[int, int]) -> None:
        self._shaped = widths
        heading = _("evidence or what is missing")
        table.header_height = 1 if len(heading) <= widths[1] else 2  # a long heading on two lines
        table.add_column(" ", key="mark", width=1)
        table.add_column(_("task"), key="task", width=7)
        table.add_column(_("what"), key="title", width=widths[0])
        table.add_column(Text(heading), key="evidence", width=widths[1])

    def on_resize(self, event) -> None:
        widths = self._widths(self.app.size.width)
        if widths != self._shaped:  # the columns made again for the new width, the rows with them
            table = self.query_one("#evidence", DataTable)
            table.clear(columns=True)
            self._columns(table, widths)
            self._fill()

    _found: list[TaskEvidence] | None = None

    def reload(self) -> None:
        """The map reads the records of every task: apart from the screen (a big shop's takes a
        moment); the map shown stays until the new one is read."""
        self.read_apart(evidence_map, self._read, "evidence", lambda error: self.notify(
            _("The evidence map could not be read: {error}").format(error=error), severity="error", timeout=10))

    def _read(self, found: list[TaskEvidence]) -> None:
        self._found = found
        self._fill()

    def _fill(self) -> None:
        found = self._found
        if found is None:
            return
        self.tasks = {t.task: t for t in found}
        s = summary(found)
        self.query_one("#evidence-summary", Static).update(Text.assemble(
            (_("Tasks done (the evidence map's rules):") + " ", "dim"),
            (_("{done} of {total}").format(done=s["all"][0], total=s["all"][1]), "bold"),
            *[part for p, (d, n) in s.items() if p != "all" for part in (("  ·  ", "dim"), (f"{p} {d}/{n}", "green" if d == n else ""))],
            ("   " + _("filter:") + " ", "dim"), _(FILTER_NAMES[self.filter])))
        table = self.query_one("#evidence", DataTable)
        row = table.cursor_row
        table.clear()
        std = load_standard()
        names = {p.code: p.name for p in std.processes} | {a.code: a.name for a in std.activities}
        current_proc = current_act = None
        for t in found:
            if self.filter == "done" and t.state != "done" or self.filter == "not done" and t.state == "done":
                continue
            if t.process != current_proc:
                current_proc = t.process
                d, n = s[t.process]
                table.add_row("", Text(t.process, style="bold"), Text(f"{_(names[t.process])}  {d}/{n}", style="bold"), "",
                              key=f"#{t.process}", height=None)
            if t.activity != current_act:
                current_act = t.activity
                table.add_row("", Text(t.activity, style="dim"), Text(_(names[t.activity]), style="dim italic"), "",
                              key=f"#{t.activity}", height=None)
            mark, style = MARK[t.state]
            if t.evidence:
                ev = Text(f"{t.evidence['record']} {clock.local_text(clock.parse_datetime(t.evidence['at']), with_time=False)}"
                          f" {t.evidence['by']}")
                if t.state != "done" and t.missing:
                    ev.append(" · " + _("needs {what}").format(what=t.missing[0]), style="dark_orange")
            else:
                ev = Text(_("needs {what}").format(what=t.missing[0]) if t.missing else _("needs evidence"), style="dim")
            table.add_row(Text(mark, style=style), t.task, Text(_(t.title)), ev, key=t.task, height=None)
        if self.focus_task in self.tasks and table.row_count:  # opened at a task: the cursor on it, once
            table.move_cursor(row=table.get_row_index(self.focus_task), animate=False)
            self.focus_task = None
        elif row is not None and table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # a table refilled under its cursor announces a row that is none (cursor -1, no key),
        # whatever Textual's annotation says
        row_key: object = event.row_key
        key = (event.row_key.value or "") if row_key is not None else ""
        t = self.tasks.get(key)
        detail = self.query_one("#evidence-detail", Static)
        if not t:  # a process's or an activity's heading: its count, and which of its tasks are not done
            detail.update(self._heading_detail(key.removeprefix("#")) if key.startswith("#") else "")
            return
        # each role by its name, its holders after it as the language sets a label apart ("Praticien : ...")
        holders = pgettext("list separator", "; ").join(
            _("{label}: {value}").format(label=role_named(r), value=", ".join(h) or _("(nobody)")) for r, h in t.holders.items())
        ins = ", ".join(f"{i.wp} {'/'.join(code_word('status', s) for s in i.needed)} {'✓' if i.ok else '✗'}"
                        for i in t.inputs if i.wp)
        outs = ", ".join(f"{o.wp} {'/'.join(code_word('status', s) for s in o.needed)} {'✓' if o.ok else '✗'}"
                         for o in t.outputs if o.wp)
        failing = [w.text for w in t.why if not w.ok]
        lines = [_("{task} {state} · roles: {holders}").format(task=t.task, state=_(STATE_NAMES.get(t.state, t.state)),
                                                               holders=holders),
                 _("inputs: {inputs} · outputs: {outputs}").format(inputs=ins or "-", outputs=outs or "-")]
        if failing:
            more = len(failing) - 1
            lines.append(ngettext("not yet: {why} (and {n} more)", "not yet: {why} (and {n} more)", more).format(
                why=failing[0], n=more) if more else _("not yet: {why}").format(why=failing[0]))
        lines.append(_("{why_key}: why   {open_key}: open the evidence   {audit_key}: audit check").format(
            why_key=key_name("enter"), open_key="o", audit_key="a"))
        detail.update(Text("\n".join(lines)))

    def _heading_detail(self, code: str) -> Text:
        """One line for a heading row: how many of its tasks are done, and those that are not."""
        under = [t for t in self.tasks.values() if code in (t.process, t.activity)]
        done = sum(t.state == "done" for t in under)
        left = [t.task for t in under if t.state != "done"]
        line = _("{code}: {done} of {total} tasks done").format(code=code, done=done, total=len(under))
        if left:
            line += " · " + _("not done: {tasks}").format(tasks=", ".join(left))
        return Text(line, style="" if left else "green")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._why(event.row_key.value or "")

    def _why(self, key: str) -> None:
        if key in self.tasks:
            self.app.push_screen(TaskWhyScreen(key))

    def action_why(self) -> None:
        table = self.query_one("#evidence", DataTable)
        if table.row_count:
            self._why(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    def action_audit_check(self) -> None:
        self.app.push_screen(AuditFindingsScreen())

    def _open(self, key: str) -> None:
        t = self.tasks.get(key)
        if not t:
            return
        if t.evidence and t.evidence.get("record"):
            self.app.open_record(t.evidence["record"])
            return
        ref = next((o.ref for o in t.outputs if o.ref), None)
        if ref:
            self.app.open_record(ref)
        else:
            self.notify(_("{task} needs {what}").format(task=t.task, what=listed(t.missing)),
                        title=_("Not started yet"))

    def action_open(self) -> None:
        table = self.query_one("#evidence", DataTable)
        if table.row_count:
            self._open(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._fill()  # the map read last, filtered again

    def action_audit_pack(self) -> None:
        """Ask the audit's period (blank: every incident), then write the pack apart from the screen."""

        fields = [Field("period", _("Period"), value="", placeholder=_("blank: all, or e.g. 2026-Q3"))]

        def submit(values):
            text = (values["period"] or "").strip()
            return ("period", parse_period(text) if text else None)

        def chosen(result) -> None:
            if result is not None:
                self._write_pack(result[1])

        self.app.push_screen(FormScreen(fields, submit, _("Write the audit pack"),
                                        info=_("The incidents opened in the period go in the pack (2026, 2026-Q3, "
                                               "2026-09 or 2026-01-01..2026-06-30; blank: all of them); every other "
                                               "record is there whole.")), chosen)

    def _write_pack(self, period) -> None:
        folder = export_dir() / f"audit-pack-{clock.now():%Y%m%d-%H%M}"

        def show(result) -> None:
            self.notify(_("{path} ({pages}, {files}): open it in a browser").format(
                path=result["path"], pages=ngettext("{n} page", "{n} pages", result["pages"]).format(n=result["pages"]),
                files=ngettext("{n} file", "{n} files", result["files"]).format(n=result["files"])),
                title=_("Audit pack written"), timeout=15)

        # apart from the screen: a big shop's pack takes a while (once at a time)
        if self.read_apart(lambda apart: write_pack(apart, folder, period), show, "audit-pack",
                           lambda error: self.notify(error, severity="error", timeout=10)):
            self.notify(_("Writing the audit pack to {path}; you can go on meanwhile").format(path=folder),
                        title=_("Audit pack"), timeout=5)

    def action_back(self) -> None:
        go_back(self)
