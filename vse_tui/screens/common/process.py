"""The Governance, Control and Relationship screens: each lists the work products of its process
and their records; Enter opens a record with its versions and history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from vse_tui.core.kernel import clock
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.model.standard import load_standard
from vse_tui.screens.common.base import SearchableList
from vse_tui.widgets.rowlist import RowList

LIMIT = 200


def _local(value):
    return clock.local_text(clock.parse_datetime(value)) if value else ""


# a column of a list: (label, field as the store reads it, width, how a value is shown)
Column = tuple[str, str, int, Callable[[Any], str] | None]


def _day(value):
    return clock.local_text(clock.parse_datetime(value), with_time=False) if value and "T" in value else (value or "")


def _hours(value):
    from vse_tui.core.model.records import ServiceHours
    from vse_tui.core.present.fields import hours_text

    return hours_text(ServiceHours.model_validate(value)) if value else ""


# (label, field, width, formatter): the columns a list shows. A field "customer>customers" shows
# the name of the customer it links to.
BASE_COLUMNS: list[Column] = [("id", "id", 9, None), ("title", "title", 24, None), ("status", "status", 9, None),
                ("state", "state", 10, None), ("updated", "updated_at", 10, _day)]
COLUMNS: dict[str, list[Column]] = {
    "services": [("id", "id", 8, None), ("name", "title", 18, None), ("catalogue", "catalogue", 10, None),
                 ("status", "status", 8, None), ("hours", "service_hours:json", 13, _hours),
                 ("review", "review_date", 10, None)],
    "customer_agreements": [("id", "id", 8, None), ("title", "title", 18, None), ("customer", "customer>customers", 14, None),
                            ("status", "status", 8, None), ("review", "review_date", 10, None), ("ends", "end_date", 10, None)],
    "supplier_agreements": [("id", "id", 8, None), ("title", "title", 18, None), ("supplier", "supplier>suppliers", 14, None),
                            ("status", "status", 8, None), ("review", "review_date", 10, None), ("ends", "end_date", 10, None)],
    "change_requests": [("id", "id", 8, None), ("title", "title", 22, None), ("type", "change_type", 9, None),
                        ("status", "status", 8, None), ("state", "state", 9, None), ("planned", "planned_at", 10, _day)],
    "configuration_items": [("id", "id", 8, None), ("name", "title", 22, None), ("type", "ci_type", 10, None),
                            ("status", "status", 8, None), ("state", "state", 10, None), ("expiry", "expiry_date", 10, None)],
    "feedback": [("id", "id", 7, None), ("what they said", "title", 30, None), ("type", "feedback_type", 10, None),
                 ("step", "state", 12, None), ("received", "received_at", 10, _day)],
    "schedule_items": [("id", "id", 8, None), ("title", "title", 20, None), ("type", "item_type", 12, None),
                       ("starts", "starts_at", 16, _local), ("repeats", "recurrence", 7, None)],
    "performance_reports": [("id", "id", 8, None), ("title", "title", 34, None), ("status", "status", 8, None),
                            ("period end", "period_end", 10, None)],
}


class ProcessScreen(SearchableList):
    LIST_ID = "records"
    PROCESS = ""
    KINDS: tuple[str, ...] = ()
    BINDINGS = [
        Binding("enter", "open", "Open", id="process_open", show=False),
        Binding("slash", "search", "Search", id="process_search"),
        Binding("escape", "close_search", "Close search", id="process_close_search", show=False),
        Binding("a", "add", "Add", id="process_add"),
        Binding("left", "focus_kinds", "Work products", id="process_left", show=False, priority=True),
        Binding("right", "focus_records", "Records", id="process_right", show=False, priority=True),
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
                yield RowList(id="records")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        proc = next(p for p in load_standard().processes if p.code == self.PROCESS)
        self.query_one("#kinds-panel").border_title = f"{proc.code}  {proc.name}"
        self._columns_of: str | None = None
        self.query_one("#records", RowList).focus()

    def reload(self) -> None:
        kinds = self.query_one("#kinds", OptionList)
        highlighted = kinds.highlighted
        kinds.clear_options()
        for kind in self.KINDS:
            model = BY_KIND[kind]
            count = self.store.count(kind)
            name = model.LABEL if len(model.LABEL) <= 20 else model.LABEL[:19] + "…"
            label = Text.assemble((f"{model.WP or '':6} ", "dim"), f"{name:<20}", (f"{count:>5}", "bold" if count else "dim"))
            kinds.add_option(Option(label, id=kind))
        kinds.highlighted = highlighted if highlighted is not None else 0
        self._fill_records()

    def _fill_records(self) -> None:
        store, kind = self.store, self.kind
        model = BY_KIND[kind]
        where = {"text__match": self.search_text} if self.search_text else None
        total = store.count(kind, where)
        columns = COLUMNS.get(kind, BASE_COLUMNS)
        fields = [field.split(">")[0] for _l, field, _w, _f in columns]
        rows = store.rows(kind, fields, where, order="-seq", limit=LIMIT)
        linked = {field: store.titles(field.split(">")[1]) for _l, field, _w, _f in columns if ">" in field}
        if linked:
            rows = [tuple(linked[f].get(v, "") if f in linked else v for (_l, f, _w, _x), v in zip(columns, row))
                    for row in rows]
        table = self.query_one("#records", RowList)
        if self._columns_of != kind:
            table.set_columns([(label, width) for label, _field, width, _fmt in columns])
            self._columns_of = kind
        labels = [c[0] for c in columns]
        lines = []
        for row in rows:
            cells = []
            for (label, _field, _w, fmt), value in zip(columns, row):
                text = fmt(value) if fmt else ("" if value is None else str(value))
                style = "green" if label == "status" and text in ("approved", "updated", "published", "final") else ""
                cells.append(Text(text, style=style))
            lines.append((row[labels.index("id")], tuple(cells)))
        table.set_rows(lines)  # the cursor stays on the same record while it is listed
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
            from vse_tui.core.kernel.text import plural

            about.update(Text(f"{head} · {shown} {plural('record', total)}" + (f" matching {self.search_text!r}" if self.search_text else "")))
        from vse_tui.core.kernel.text import plural

        self.query_one("#records-panel").border_title = plural(model.LABEL)
        self.after_fill(about)

    def after_fill(self, about: Static) -> None:
        """A hook for what a process screen adds under the list's heading."""

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.kind:
            self.kind = event.option.id
            self._fill_records()
            self.refresh_bindings()  # some keys belong to some work products only

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#records", RowList).focus()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if event.key:
            self.app.open_record(str(event.key))

    def action_open(self) -> None:
        table = self.query_one("#records", RowList)
        if table.has_focus:
            table.action_select()

    def check_action(self, action: str, parameters) -> bool | None:
        # left/right move between the two panels; elsewhere (the search box) they move the cursor
        if action == "focus_kinds":
            return isinstance(self.focused, RowList) and self.focused.id == "records"
        if action == "focus_records":
            return isinstance(self.focused, OptionList)
        return True

    def key_label(self, action: str) -> str | None:
        """The key bar says which work product `a` adds to (the one highlighted on the left)."""
        if action == "add":
            return f"Add {BY_KIND[self.kind].LABEL.lower()}"
        return None

    def action_add(self) -> None:
        """A new record of the highlighted kind: its own flow where it has one, else the generic form."""
        from vse_tui.screens.common.forms import FormScreen, spec_fields

        kind, store = self.kind, self.store
        special = {"change_requests": "new_change", "feedback": "new_feedback", "performance_reports": "performance",
                   "schedule_items": "new_entry", "improvement_reports": "new_improvement"}
        if kind in special:
            getattr(self, f"action_{special[kind]}")()
            return
        if kind in ("acknowledgements", "role_lists", "role_assignments", "training"):
            self.notify("These come from the roles step of the setup (w) and the k key; nothing to add by hand here",
                        severity="warning")
            return
        from vse_tui.core.governance.documents import create
        from vse_tui.core.governance.starting_text import starting_values

        model = BY_KIND[kind]
        fields = spec_fields(store, kind, values=starting_values(kind))
        fields = [f for f in fields if f.name != "state"]
        from vse_tui.screens.common.guide import ask_for

        if kind == "configuration_items":  # a short record: what the evidence needs of it is what the form asks
            fields = ask_for(fields, model.WP)  # (a longer one's screen asks for what it still lacks, step by step)

        def done(result) -> None:
            if result is not None:
                self.notify(f"Saved {result.id}" + (f" ({result.status})" if result.status else ""), title=model.LABEL)
                self.reload()
                self.app.open_record(result.id)

        info = "Starting text is offered: rewrite it to match how your shop works." if starting_values(kind) else ""
        self.app.push_screen(FormScreen(fields, lambda v: create(store, kind, v), f"New {model.LABEL.lower()}",
                                        info=info), done)

    def action_new_change(self) -> None:
        from vse_tui.screens.control.records import new_change

        new_change(self)

    def action_new_feedback(self) -> None:
        from vse_tui.screens.relationship.records import FeedbackCapture

        def done(result) -> None:
            if result:
                self.notify(f"Saved {result}", title="Feedback logged")
                self.reload()

        self.app.push_screen(FeedbackCapture(), done)

    def action_performance(self) -> None:
        from vse_tui.screens.relationship.records import PerformanceScreen

        self.app.push_screen(PerformanceScreen())

    def action_new_improvement(self) -> None:
        """GO.4.1: the app drafts the improvement report from the period's records."""
        from vse_tui.reports.improvement import draft
        from vse_tui.reports.performance import parse_period
        from vse_tui.screens.common.forms import Field, FormScreen

        def done(result) -> None:
            if result is not None:
                self.notify(f"Drafted {result.id}: write the actions (e), then approve it (a)", title="Improvement report")
                self.reload()
                self.app.open_record(result.id)

        year = clock.today().year
        self.app.push_screen(FormScreen([Field("period", "Period", value=str(year), required=True,
                                               placeholder="2026, 2026-Q3 or 2025-12-01..2026-11-30")],
                                        lambda v: draft(self.store, parse_period(v["period"])),
                                        "Draft the improvement report (GO.4.1, WP.07)",
                                        info="Drafted from the period's incidents, changes, feedback, agreements and "
                                        "role warnings; you add the assessments and actions."), done)

    def action_new_entry(self) -> None:
        from vse_tui.screens.control.records import new_entry

        new_entry(self)

    def action_focus_kinds(self) -> None:
        self.query_one("#kinds", OptionList).focus()

    def action_focus_records(self) -> None:
        self.query_one("#records", RowList).focus()

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
        from vse_tui.core.governance.roles import warnings

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
        return super().check_action(action, parameters)

    def action_acknowledge(self) -> None:
        from vse_tui.core.governance.roles import acknowledge, warnings
        from vse_tui.screens.common.forms import Field, FormScreen

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
        from vse_tui.screens.control.records import CalendarScreen

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
