"""The Governance, Control and Relationship screens: each lists the work products of its process
and their records; Enter opens a record with its versions and history."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from ..core import clock
from ..core.lookup import _escape_like
from ..core.records import BY_KIND
from ..core.standard import load_standard
from .base import SearchableList, keep_cursor

LIMIT = 200


class ProcessScreen(SearchableList):
    LIST_ID = "records"
    PROCESS = ""
    KINDS: tuple[str, ...] = ()
    BINDINGS = [
        Binding("enter", "open", "Open", id="process_open", show=False),
        Binding("slash", "search", "Search", id="process_search"),
        Binding("escape", "close_search", "Close search", id="process_close_search", show=False),
        Binding("a", "add", "Add", id="process_add"),
        Binding("left", "focus_kinds", "Work products", id="process_left", show=False),
        Binding("right", "focus_records", "Records", id="process_right", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = self.KINDS[0]
        self.search_text = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Input(placeholder="Search this list: id or words of the title (Esc to close)", id="search", classes="search")
        with Horizontal():
            with Vertical(id="kinds-panel", classes="panel"):
                yield OptionList(id="kinds")
            with Vertical(id="records-panel", classes="panel"):
                yield Static("", id="about")
                yield DataTable(id="records", cursor_type="row")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        proc = next(p for p in load_standard().processes if p.code == self.PROCESS)
        self.query_one("#kinds-panel").border_title = f"{proc.code}  {proc.name}"
        t = self.query_one("#records", DataTable)
        for label, key, width in (("id", "id", 9), ("title", "title", 21), ("status", "status", 9),
                                  ("state", "state", 9), ("updated", "updated", 10)):
            t.add_column(label, key=key, width=width)
        self.query_one("#records", DataTable).focus()

    def reload(self) -> None:
        kinds = self.query_one("#kinds", OptionList)
        highlighted = kinds.highlighted
        kinds.clear_options()
        for kind in self.KINDS:
            model = BY_KIND[kind]
            count = self.store.count(kind)
            name = model.LABEL if len(model.LABEL) <= 24 else model.LABEL[:23] + "…"
            label = Text.assemble((f"{model.WP or '':6} ", "dim"), f"{name:<24}", (f"{count:>4}", "bold" if count else "dim"))
            kinds.add_option(Option(label, id=kind))
        kinds.highlighted = highlighted if highlighted is not None else 0
        self._fill_records()

    def _fill_records(self) -> None:
        store, kind = self.store, self.kind
        model = BY_KIND[kind]
        where, params = "1", []
        if self.search_text:
            where = "(id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')"
            like = f"%{_escape_like(self.search_text)}%"
            params = [like.upper(), like]
        total = store.count(kind, where, params)
        rows = store.conn.execute(
            f"SELECT id, title, status, state, updated_at FROM {kind} WHERE {where} ORDER BY seq DESC LIMIT {LIMIT}", params
        ).fetchall()
        table = self.query_one("#records", DataTable)

        def fill() -> None:
            for rid, title, status, state, updated in rows:
                style = "green" if status in ("approved", "updated", "published", "final") else ""
                table.add_row(rid, Text(title or ""), Text(status or "", style=style), Text(state or ""),
                              clock.local_text(clock.parse_datetime(updated), with_time=False) if updated else "", key=rid)

        keep_cursor(table, fill)
        wp = load_standard().wp(model.WP) if model.WP else None
        about = self.query_one("#about", Static)
        if wp:
            main_line = [st for st in wp.statuses if st not in wp.passes]
            side = [st for st in wp.statuses if st in wp.passes]
            head = f"{wp.code} {wp.name}: statuses {' → '.join(main_line)}" + (f" (or {', '.join(side)})" if side else "")
        else:
            head = model.LABEL
        shown = f"{len(rows)} of {total}" if total > len(rows) else f"{total}"
        if not rows:
            about.update(Text(f"{head}\nNothing recorded yet" + (f" matching {self.search_text!r}." if self.search_text else ".")))
        else:
            about.update(Text(f"{head} · {shown} records" + (f" matching {self.search_text!r}" if self.search_text else "")))
        self.query_one("#records-panel").border_title = model.LABEL + ("s" if not model.LABEL.endswith("s") else "")
        self.after_fill(about)

    def after_fill(self, about: Static) -> None:
        """A hook for what a process screen adds under the list's heading."""

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.kind:
            self.kind = event.option.id
            self._fill_records()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#records", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_record(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#records", DataTable)
        if table.has_focus and table.row_count:
            table.action_select_cursor()

    def action_add(self) -> None:
        """A new record of the highlighted kind: its own flow where it has one, else the generic form."""
        from .forms import FormScreen, spec_fields

        kind, store = self.kind, self.store
        special = {"change_requests": "new_change", "feedback": "new_feedback", "performance_reports": "performance",
                   "schedule_items": "new_entry"}
        if kind in special:
            getattr(self, f"action_{special[kind]}")()
            return
        if kind in ("acknowledgements", "role_lists", "role_assignments", "training"):
            self.notify("These come from the roles step of the setup (w) and the k key; nothing to add by hand here",
                        severity="warning")
            return
        from ..core.documents import create
        from ..core.starting_text import starting_values

        model = BY_KIND[kind]
        fields = spec_fields(store, kind, values=starting_values(kind))
        fields = [f for f in fields if f.name != "state"]

        def done(result) -> None:
            if result is not None:
                self.notify(f"Saved {result.id}" + (f" ({result.status})" if result.status else ""), title=model.LABEL)
                self.reload()
                self.app.open_record(result.id)

        info = "Starting text is offered: rewrite it to match how your shop works." if starting_values(kind) else ""
        self.app.push_screen(FormScreen(fields, lambda v: create(store, kind, v), f"New {model.LABEL.lower()}",
                                        info=info), done)

    def action_new_change(self) -> None:
        from .control import new_change

        new_change(self)

    def action_new_feedback(self) -> None:
        from .relationship import FeedbackCapture

        def done(result) -> None:
            if result:
                self.notify(f"Saved {result}", title="Feedback logged")
                self.reload()

        self.app.push_screen(FeedbackCapture(), done)

    def action_performance(self) -> None:
        from .relationship import PerformanceScreen

        self.app.push_screen(PerformanceScreen())

    def action_new_entry(self) -> None:
        from .control import new_entry

        new_entry(self)

    def action_focus_kinds(self) -> None:
        self.query_one("#kinds", OptionList).focus()

    def action_focus_records(self) -> None:
        self.query_one("#records", DataTable).focus()

    def search_changed(self) -> None:
        self._fill_records()


class GovernanceScreen(ProcessScreen):
    TITLE_TEXT = "Governance"
    BINDINGS = ProcessScreen.BINDINGS + [
        Binding("w", "app.wizard", "Setup wizard", id="governance_wizard"),
        Binding("e", "app.evidence", "Evidence map", id="governance_evidence"),
        Binding("k", "acknowledge", "Acknowledge warning", id="governance_acknowledge"),
    ]
    ROLE_KINDS = ("people", "role_assignments", "role_lists", "acknowledgements", "training")

    def after_fill(self, about: Static) -> None:
        if self.kind not in self.ROLE_KINDS:
            return
        from ..core.roles import warnings

        found = warnings(self.store)
        if not found:
            return
        text = Text(str(about.render()) + "\n")
        for w in found:
            who = f"{w.person_name}: " if w.person_name else ""
            if w.acknowledged:
                text.append(f"▲ {who}{w.text.name} ({' and '.join(w.roles)}) · acknowledged: {w.acknowledged.mitigation}\n",
                            style="green")
            else:
                text.append(f"▲ {who}{w.text.name} ({' and '.join(w.roles)}): {w.text.why} Instead: {w.text.instead} "
                            "(k acknowledges)\n", style="bold dark_orange")
        about.update(text)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "acknowledge":
            return True if self.kind in self.ROLE_KINDS else None
        return True

    def action_acknowledge(self) -> None:
        from ..core.roles import acknowledge, warnings
        from .forms import Field, FormScreen

        open_ = [w for w in warnings(self.store) if not w.acknowledged]
        if not open_:
            self.notify("No role warning waits for an acknowledgement")
            return
        w = open_[0]
        if w.rule == "service-manager":
            self.notify("A Service Manager cannot be waived: name one (w opens the setup at the roles step)",
                        severity="warning")
            return

        def done(result) -> None:
            if result is not None:
                self.notify("Warning acknowledged; it stays visible with your mitigation")
                self.reload()

        self.app.push_screen(FormScreen([Field("mitigation", "Mitigation", "text", "", required=True)],
                                        lambda v: acknowledge(self.store, w, v["mitigation"]),
                                        f"Acknowledge: {w.text.name}", info=f"{w.person_name}: {w.text.why}"), done)
    PROCESS = "GO"
    KINDS = ("business_goals", "scopes", "role_lists", "people", "role_assignments", "training", "acknowledgements",
             "policies", "cx_approaches", "data_procedures", "feedback", "improvement_reports")


class ControlScreen(ProcessScreen):
    TITLE_TEXT = "Control"
    PROCESS = "CO"
    KINDS = ("change_requests", "schedule_items", "change_schedules", "configuration_items", "service_designs",
             "built_changes", "test_reports", "procedures", "secure_procedures")
    BINDINGS = ProcessScreen.BINDINGS + [
        Binding("m", "calendar", "Change calendar", id="control_calendar"),
    ]

    def action_calendar(self) -> None:
        from .control import CalendarScreen

        self.app.push_screen(CalendarScreen())


class RelationshipScreen(ProcessScreen):
    TITLE_TEXT = "Relationship"
    PROCESS = "RE"
    BINDINGS = ProcessScreen.BINDINGS + [
        Binding("f", "new_feedback", "Log feedback", id="relationship_feedback"),
        Binding("p", "performance", "Performance report", id="relationship_performance"),
    ]
    KINDS = ("services", "customer_agreements", "supplier_agreements", "performance_reports", "feedback",
             "customers", "suppliers")
