"""Importing a helpdesk's export from the TUI: choose the file, see what was recognised (the tool,
the ticket key, which column gives which field, what each value word means), change any of it,
read the preview and the rejected rows, then confirm. The same planner and import as
`vse-tui import incidents`, run apart from the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DirectoryTree, Input, Label, ProgressBar, Select, Static

from vse_tui.core.intake.importer import Options, apply, plan_incidents
from vse_tui.core.intake.layouts import FIELDS
from vse_tui.core.kernel.errors import VseError
from vse_tui.core.present.labels import field_name
from vse_tui.i18n import N_, _, ngettext, pgettext
from vse_tui.screens.common.base import BaseScreen, go_back
from vse_tui.screens.common.forms import ConfirmScreen
from vse_tui.screens.incidents.words import shown
from vse_tui.store.maintenance import backup_before

TARGETS = {
    "priority": ["P1", "P2", "P3", "P4", "P5"],
    "impact": ["high", "medium", "low"],
    "urgency": ["high", "medium", "low"],
    "state": ["new", "in progress", "waiting for customer", "waiting for supplier", "restored", "closed"],
}
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


class ExportTree(DirectoryTree):
    """Folders and the files that may be exports (CSV, TSV, text); hidden ones left out."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in CSV_SUFFIXES)]


class ImportScreen(BaseScreen):
    TITLE_TEXT = N_("Import incidents")
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="import_back"),
        Binding("ctrl+r", "replan", N_("Read again with these choices"), id="import_replan"),
        Binding("ctrl+s", "run_import", N_("Import"), id="import_run"),
        Binding("ctrl+t", "toggle_update", N_("Bring earlier imports up to date"), id="import_update"),
    ]
    DEFAULT_CSS = """
    ImportScreen #import-body { height: 1fr; }
    ImportScreen #import-left { width: 42; }
    ImportScreen #import-tree { height: 1fr; }
    ImportScreen #import-right { width: 1fr; padding: 0 1; }
    ImportScreen #import-columns, ImportScreen #import-values { height: auto; }
    ImportScreen .import-row { height: 3; }
    ImportScreen .import-row > Label { width: 28; padding: 1 1 0 0; }
    ImportScreen .import-row > Select { width: 1fr; }
    ImportScreen .import-head { margin-top: 1; text-style: bold; }
    ImportScreen #import-progress { display: none; }
    ImportScreen #import-progress.busy { display: block; }
    """

    def __init__(self, start: str | Path | None = None) -> None:
        super().__init__()
        self.start = Path(start or Path.cwd()).expanduser()
        self.path: Path | None = None
        self.plan: Any = None
        self.columns: dict[str, str] = {}  # column -> field ("" : not used)
        self.values: dict[str, dict[str, str]] = {}
        self.busy = False
        self.update = False  # tickets imported before from this file are brought up to date (--update)

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal(id="import-body"):
            with Vertical(id="import-left", classes="panel"):
                yield Input(placeholder=_("path of the export (CSV), or choose below"), id="import-path")
                yield ExportTree(str(self.start if self.start.is_dir() else self.start.parent), id="import-tree")
            with VerticalScroll(id="import-right", classes="panel"):
                yield Static(Text(_("Choose the export of the tool you use now: Enter on a file, or type its path."),
                                  style="dim"), id="import-summary")
                yield ProgressBar(id="import-progress", show_eta=False)
                yield Static("", id="import-columns-head", classes="import-head")
                yield Vertical(id="import-columns")
                yield Static("", id="import-values-head", classes="import-head")
                yield Vertical(id="import-values")
                yield Static("", id="import-preview")
                yield Static("", id="import-rejects")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#import-right").border_title = _("What the import will do")
        self.query_one("#import-left").border_title = _("Export file")
        self.query_one("#import-path").focus()  # type a path, or Tab to the folders below
        if self.start.is_file():
            self.choose(self.start)

    # ------------------------------------------------------------ choosing the file
    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.choose(Path(event.path))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "import-path" and event.value.strip():
            path = Path(event.value.strip()).expanduser()
            if not path.is_file():
                self.notify(_("No file {path}").format(path=path), severity="error")
                return
            self.choose(path)

    def choose(self, path: Path) -> None:
        self.path = path
        self.columns, self.values = {}, {}
        self.query_one("#import-path", Input).value = str(path)
        self.plan_now()

    # ------------------------------------------------------------ planning
    def options(self):
        plan = self.plan
        maps, ignore = [], []
        if plan is not None:
            current = {column: name for name, column in plan.mapping.items()}
            for column, name in self.columns.items():
                if name == "" and column in current:
                    ignore.append(column)
                elif name and current.get(column) != name:
                    maps.append(f"{column}={name}")
        values = [f"{name}:{word}={value}" for name, words in self.values.items() for word, value in words.items()]
        return Options.parse(maps, ignore, values, update=self.update)

    def plan_now(self) -> None:
        if self.path is None:
            return
        path = self.path
        try:
            options = self.options()
        except VseError as exc:
            self.notify(str(exc), severity="error")
            return
        self.query_one("#import-summary", Static).update(Text(_("Reading {name}…").format(name=path.name), style="dim"))

        def compute(apart):
            try:
                return plan_incidents(apart, path, options=options)
            except VseError as exc:
                return exc

        self.run_apart(compute, self.show_plan, "import-plan", exit_on_error=False)

    def show_plan(self, plan) -> None:
        if isinstance(plan, VseError):
            self.plan = None
            self.query_one("#import-summary", Static).update(Text(str(plan), style="bold red"))
            for box in ("#import-columns", "#import-values"):
                self.query_one(box).remove_children()
            for box in ("#import-columns-head", "#import-values-head", "#import-preview", "#import-rejects"):
                self.query_one(box, Static).update("")
            return
        self.plan = plan
        self.query_one("#import-summary", Static).update(self._summary(plan))
        self._columns(plan)
        self._values(plan)
        self._preview(plan)

    def _summary(self, plan) -> Text:
        """What the plan found: the file, its layout, key, dates, encoding, words no table knows,
        notes, and how many tickets are imported, brought up to date, skipped or rejected."""
        key = plan.mapping.get("ref")

        def rows(n: int) -> str:
            return ngettext("{n} row", "{n} rows", n).format(n=n)

        def tickets(n: int) -> str:
            return ngettext("{n} ticket", "{n} tickets", n).format(n=n)

        return Text.assemble(
            (_("File") + " ", "dim"), (plan.source, "bold"),
            (": " + _("{rows}, {tickets}").format(rows=rows(plan.rows), tickets=tickets(plan.ticket_count)), ""),
            (" " + _("(an event log: one incident per ticket)") if plan.event_log else "", "dim"), "\n",
            (_("Recognised as") + " ", "dim"), (plan.layout, "bold"), "\n",
            (_("Ticket key:") + " ", "dim"),
            (_("column {name}").format(name=repr(key)) if key else _("none (rows are fingerprinted by content)"), ""),
            "\n",
            *[part for name, how in plan.dates.items() for part in
              ((_("Dates in {column}:").format(column=repr(plan.mapping[name])) + " ", "dim"), (how + "\n", ""))],
            (_("Read as:") + " ", "dim"), (plan.encoding, ""), "\n",
            *([(_("Event time:") + " ", "dim"), (plan.event_time + "\n", "")] if plan.event_time else []),
            *[part for (word, state, how), n in sorted(plan.placed.items(), key=lambda i: -i[1])[:10] for part in
              ((_("Status word no table knows:") + " ", "dim"), (f"{word!r} -> {state}", "bold"),
               (" " + _("({how}; {rows}; change it below, then {key})").format(how=how, rows=rows(n),
                                                                               key=self.key_for("replan")) + "\n",
                "dim"))],
            *([(_("Note:") + " ", "dim"),
               (ngettext("{n} closed ticket has no close date in the file: left empty, never taken from a later "
                         "update", "{n} closed tickets have no close date in the file: left empty, never taken from "
                         "a later update", plan.no_close_date).format(n=plan.no_close_date) + "\n", "")]
              if plan.no_close_date else []),
            *[part for note in plan.notes for part in ((_("Note:") + " ", "dim"), (note + "\n", ""))],
            (_("To import:") + " ", "dim"), (tickets(plan.to_import - plan.to_update),
                                             "bold green" if plan.to_import else "bold"),
            *([("   " + _("already here, brought up to date ({key}):").format(key=self.key_for("toggle_update"))
                + " ", "dim"), (str(plan.to_update), "bold")] if plan.update
              else [("   " + _("already here (skipped; {key} brings them up to date):").format(
                  key=self.key_for("toggle_update")) + " ", "dim"), (str(plan.skipped_known), "")]),
            ("   " + _("rejected:") + " ", "dim"),
            (_("{rows} ({tickets})").format(rows=rows(len(plan.rejected)), tickets=tickets(plan.rejected_tickets)),
             "bold red" if plan.rejected else ""))

    def _columns(self, plan) -> None:
        box = self.query_one("#import-columns")
        box.remove_children()
        self.query_one("#import-columns-head", Static).update(
            _("Columns (which field each gives; change, then {key})").format(key=self.key_for("replan")))
        taken = {column: name for name, column in plan.mapping.items()}
        options = [(Text(_("not used")), "")] + [(Text(f), f) for f in FIELDS]
        rows = []
        for n, column in enumerate(plan.header):
            value = self.columns.get(column, taken.get(column, ""))
            select = Select(options, value=value, allow_blank=False, id=f"import-col-{n}", prompt=_("choose"))
            select.column_name = column  # type: ignore[attr-defined]
            rows.append(Horizontal(Label(Text(column[:26])), select, classes="import-row"))
        box.mount_all(rows)

    def _values(self, plan) -> None:
        box = self.query_one("#import-values")
        box.remove_children()
        words: list[tuple[str, str, str]] = []
        for name, used in plan.values_used.items():
            for entry in sorted(used):
                word, _arrow, value = entry.partition(" -> ")
                words.append((name, word, self.values.get(name, {}).get(word.lower(), value)))
        placed = sorted({(word, state) for (word, state, _how) in plan.placed if word})
        known = {(name, word) for name, word, _value in words}
        words += [("state", word, self.values.get("state", {}).get(word.lower(), state)) for word, state in placed
                  if ("state", word) not in known]
        failing = sorted({(r.reason.split(":")[0], r.reason.split("'")[1]) for r in plan.rejected
                          if r.reason.split(":")[0] in TARGETS and r.reason.count("'") >= 2})
        words += [(name, word, self.values.get(name, {}).get(word.lower(), "")) for name, word in failing]
        self.query_one("#import-values-head", Static).update(
            _("Value words (what each means here; change, then {key})").format(key=self.key_for("replan"))
            if words else "")

        rows = []
        for n, (name, word, value) in enumerate(words[:60]):
            options = [(Text(shown(v) if name == "state" else _(v) if name in ("impact", "urgency") else v), v)
                       for v in TARGETS[name]]
            select = Select(options, value=value if value in TARGETS[name] else Select.NULL, id=f"import-val-{n}",
                            prompt=_("choose"))
            select.word = (name, word)  # type: ignore[attr-defined]
            # the field by its name and the word as the file has it, as the language sets a label apart
            said = _("{label}: {value}").format(label=field_name(name), value=word)
            rows.append(Horizontal(Label(Text(said[:26])), select, classes="import-row"))
        box.mount_all(rows)

    def _preview(self, plan) -> None:
        text = Text(_("First tickets") + "\n", style="bold")
        for t in plan.preview[:10]:
            text.append(f"  {t.key or '-':<14} {t.initial['priority']} {shown(t.final_state):<22} ")
            text.append(str(t.initial["summary"])[:50])
            text.append(" " + ngettext("({n} event)", "({n} events)", t.rows).format(n=t.rows) + "\n" if t.rows > 1
                        else "\n", style="dim")
        if plan.to_import > 10:
            more = plan.to_import - 10
            text.append("  " + ngettext("… and {n} more", "… and {n} more", more).format(n=more) + "\n", style="dim")
        self.query_one("#import-preview", Static).update(text if plan.preview else "")
        rejects = Text()
        if plan.rejected:
            rejects.append(_("Rejected rows (their tickets are not imported)") + "\n", style="bold red")
            for r in plan.rejected[:20]:
                rejects.append("  " + _("line {n}:").format(n=r.line) + " ", style="dim")
                rejects.append(r.reason + "\n")
            if len(plan.rejected) > 20:
                more = len(plan.rejected) - 20
                rejects.append("  " + ngettext("… and {n} more (vse-tui import incidents --rejects FILE.csv writes "
                                               "them all)", "… and {n} more (vse-tui import incidents --rejects "
                                               "FILE.csv writes them all)", more).format(n=more) + "\n", style="dim")
        self.query_one("#import-rejects", Static).update(rejects)

    def on_select_changed(self, event: Select.Changed) -> None:
        select = event.select
        if hasattr(select, "column_name"):
            self.columns[select.column_name] = "" if event.value is Select.NULL else str(event.value)
        elif hasattr(select, "word") and event.value is not Select.NULL:
            name, word = select.word
            self.values.setdefault(name, {})[word.lower()] = str(event.value)

    def action_replan(self) -> None:
        if self.path is None:
            self.notify(_("Choose the export first"), severity="warning")
            return
        self.plan_now()

    # ------------------------------------------------------------ importing
    def action_run_import(self) -> None:
        plan = self.plan
        if plan is None or self.busy:
            self.notify(_("Choose the export first") if plan is None else _("The import is running"),
                        severity="warning")
            return
        if not plan.to_import:
            self.notify(_("Nothing to import: every ticket is rejected or already here"), severity="warning")
            return
        new = plan.to_import - plan.to_update
        question = ngettext("Import {n} incident from {source}?", "Import {n} incidents from {source}?", new).format(
            n=new, source=plan.source)
        if plan.update and plan.to_update:
            question = ngettext("Import {n} incident and bring {updated} imported before up to date from {source}?",
                                "Import {n} incidents and bring {updated} imported before up to date from {source}?",
                                new).format(n=new, updated=plan.to_update, source=plan.source)
        question += " " + _("A backup is made first.")
        if plan.rejected:
            question += " " + ngettext("{n} rejected row stays out.", "{n} rejected rows stay out.",
                                       len(plan.rejected)).format(n=len(plan.rejected))

        def answered(yes: bool | None) -> None:
            if yes:
                self._import(plan)

        self.app.push_screen(ConfirmScreen(question), answered)

    def _import(self, plan) -> None:
        self.busy = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.add_class("busy")
        bar.update(total=plan.to_import, progress=0)

        def compute(apart):
            try:
                saved = backup_before(apart, "import")
                count = apply(apart, plan, progress=lambda n: self.app.call_from_thread(bar.update, progress=n))
                return count, saved
            except Exception as exc:  # noqa: BLE001 - shown to the user, the import is one transaction per batch
                return exc

        def done(result) -> None:
            self.busy = False
            bar.remove_class("busy")
            if isinstance(result, Exception):
                self.notify(_("The import stopped: {error}. What was stored stays; run it again to finish.").format(
                    error=result), severity="error", timeout=15)
            else:
                count, saved = result
                said = ngettext("{n} incident imported from {source}", "{n} incidents imported from {source}",
                                count).format(n=count, source=plan.source)
                if plan.update:
                    said += pgettext("list separator", "; ") + _("{n} imported before brought up to date").format(n=plan.updated)
                if saved:
                    said += ". " + _("Backup first: {path}").format(path=saved)
                self.notify(said, title=_("Import done"), timeout=10)
                self.plan_now()  # the same file again: all of it is now already here

        self.run_apart(compute, done, "import-run", exit_on_error=False)

    def action_toggle_update(self) -> None:
        """Bring the tickets imported before from this file up to date (as `--update` does), or not."""
        self.update = not self.update
        self.notify(_("Tickets imported before from this file will be brought up to date") if self.update
                    else _("Tickets imported before are skipped"), timeout=4)
        if self.path is not None:
            self.plan_now()

    def action_back(self) -> None:
        go_back(self)
