"""The Governance, Control and Relationship screens: each lists the work products of its process
and their records; Enter opens a record with its versions and history."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from vse_tui.core.evidence.lapsed import training_states
from vse_tui.core.governance.documents import create
from vse_tui.core.governance.roles import acknowledge, warnings
from vse_tui.core.governance.starting_text import starting_values
from vse_tui.core.kernel import clock
from vse_tui.core.model.data import role_name, state_name, status_name
from vse_tui.core.model.queries import ListField, count_matching, list_rows
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.model.standard import load_standard
from vse_tui.core.present.fields import hours_text
from vse_tui.core.present.labels import code_word
from vse_tui.i18n import N_, _, formats, ngettext
from vse_tui.reports.improvement import draft
from vse_tui.reports.performance import parse_period
from vse_tui.screens.common.base import SearchableList
from vse_tui.screens.common.forms import Field, FormScreen, check_field, new_record_fields, preview_for
from vse_tui.screens.common.guide import SCREEN_KINDS
from vse_tui.screens.common.kinds import kind_name, kinds_name
from vse_tui.screens.control.records import CalendarScreen, new_change, new_entry
from vse_tui.screens.relationship.records import FeedbackCapture, PerformanceScreen
from vse_tui.widgets.rowlist import RowList

LIMIT = 200


def _local(value):
    return clock.local_text(clock.parse_datetime(value)) if value else ""


# a column of a list: (label, the field it shows, width, how a value is shown)
Column = tuple[str, str | ListField, int, Callable[[Any], str] | None]


def _day(value):
    """A moment on its local day, or a stored day ("2026-12-17"), as the language writes a date."""
    if value and "T" in value:
        return clock.local_text(clock.parse_datetime(value), with_time=False)
    try:
        return formats.date_text(date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return value or ""


def _role(value):
    return role_name(value) if value else ""


def _rule(value):  # an acknowledgement stores its rule's code as its title: said by the rule's name
    return code_word("rule", value) if value else ""


def _area(value):
    return code_word("area", value) if value else ""


def _hours(value):
    # here, not at the top: its package loads names on first use
    from vse_tui.core.model.records import ServiceHours

    return hours_text(ServiceHours.model_validate(value)) if value else ""


# (label, field, width, formatter): the columns a list shows. A field that names the kind it links to
# (ListField("customer", names="customers")) shows the name of that record. The labels are marked here
# and translated where the list draws them (the English label names the column for the list's widths).
HOURS = ListField("service_hours", whole=True)  # an object of the record's data, read whole
BASE_COLUMNS: list[Column] = [(N_("id"), "id", 9, None), (N_("title"), "title", 24, None),
                              (N_("status"), "status", 9, None), (N_("state"), "state", 10, None),
                              (N_("updated"), "updated_at", 10, _day)]
COLUMNS: dict[str, list[Column]] = {
    "services": [(N_("id"), "id", 8, None), (N_("name"), "title", 18, None), (N_("catalogue"), "catalogue", 10, None),
                 (N_("status"), "status", 8, None), (N_("hours"), HOURS, 13, _hours),
                 (N_("review"), "review_date", 10, _day)],
    "customer_agreements": [(N_("id"), "id", 8, None), (N_("title"), "title", 18, None),
                            (N_("customer"), ListField("customer", names="customers"), 14, None),
                            (N_("status"), "status", 8, None),
                            (N_("review"), "review_date", 10, _day), (N_("ends"), "end_date", 10, _day)],
    "supplier_agreements": [(N_("id"), "id", 8, None), (N_("title"), "title", 18, None),
                            (N_("supplier"), ListField("supplier", names="suppliers"), 14, None),
                            (N_("status"), "status", 8, None),
                            (N_("review"), "review_date", 10, _day), (N_("ends"), "end_date", 10, _day)],
    "change_requests": [(N_("id"), "id", 8, None), (N_("title"), "title", 22, None), (N_("type"), "change_type", 9, None),
                        (N_("status"), "status", 8, None), (N_("state"), "state", 9, None),
                        (N_("planned"), "planned_at", 10, _day)],
    "configuration_items": [(N_("id"), "id", 8, None), (N_("name"), "title", 22, None), (N_("type"), "ci_type", 10, None),
                            (N_("status"), "status", 8, None), (N_("state"), "state", 10, None),
                            (N_("expiry"), "expiry_date", 10, _day)],
    "feedback": [(N_("id"), "id", 7, None), (N_("what they said"), "title", 30, None),
                 (N_("type"), "feedback_type", 10, None), (N_("step"), "state", 12, None),
                 (N_("received"), "received_at", 10, _day)],
    "schedule_items": [(N_("id"), "id", 8, None), (N_("title"), "title", 20, None), (N_("type"), "item_type", 12, None),
                       (N_("starts"), "starts_at", 16, _local), (N_("repeats"), "recurrence", 7, None)],
    # a role by its name, not its code (MGT, PT): the list is read by people, not by the standard
    "role_assignments": [(N_("id"), "id", 8, None), (N_("role"), "role", 24, _role),
                         (N_("person"), ListField("person", names="people"), 12, None), (N_("area"), "area", 10, _area),
                         (N_("state"), "state", 10, None)],
    "acknowledgements": [(N_("id"), "id", 9, None), (N_("rule"), "title", 48, _rule),
                         (N_("updated"), "updated_at", 10, _day)],
    "performance_reports": [(N_("id"), "id", 8, None), (N_("title"), "title", 34, None),
                            (N_("status"), "status", 8, None), (N_("period end"), "period_end", 10, None)],
}
# the columns whose values are codes the app shows in words (the value stored stays as it is)
CODED = {"status", "state", "type", "step", "catalogue", "repeats"}


def _cells(columns: list[Column], row: tuple[Any, ...]) -> tuple[Text, ...]:
    """A record's cells as the list shows them: each value through its column's formatter, codes in
    words, an approved status in green."""
    cells = []
    for (label, _field, _w, fmt), value in zip(columns, row):
        text = fmt(value) if fmt else ("" if value is None else str(value))
        style = "green" if label == "status" and text in ("approved", "updated", "published", "final") else ""
        if label in CODED and text:
            # a state or a status by the standard's names of the language (activo), else the app's words
            named = state_name(text) if label == "state" else status_name(text) if label == "status" else text
            text = named if named != text else _(text)
        cells.append(Text(text, style=style))
    return tuple(cells)


class ProcessScreen(SearchableList):
    LIST_ID = "records"
    PROCESS = ""
    KINDS: tuple[str, ...] = ()
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="process_open", show=False),
        Binding("slash", "search", N_("Search"), id="process_search"),
        Binding("escape", "close_search", N_("Close search"), id="process_close_search", show=False),
        Binding("a", "add", N_("Add"), id="process_add"),
        Binding("left", "focus_kinds", N_("Work products"), id="process_left", show=False, priority=True),
        Binding("right", "focus_records", N_("Records"), id="process_right", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = self.KINDS[0]
        self.search_text = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Input(placeholder=_("Search this list: id or words of the title (Esc to close)"), id="search",
                    classes="search")
        with Horizontal():
            with Vertical(id="kinds-panel", classes="panel"):
                yield OptionList(id="kinds")
            with Vertical(id="records-panel", classes="panel"):
                yield Static("", id="about")
                yield RowList(id="records")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self._columns_of: str | None = None
        self.query_one("#records", RowList).focus()

    def reload(self) -> None:
        kinds = self.query_one("#kinds", OptionList)
        highlighted = kinds.highlighted
        kinds.clear_options()
        narrow = self.has_class("-narrow")  # a small terminal: the list of kinds gives room to the records
        for kind in self.KINDS:
            model = BY_KIND[kind]
            count = self.store.count(kind)
            label_text = kind_name(kind)
            if narrow:  # the count first and the whole name, wrapped under itself; the code is in the line
                # above the records
                lines = textwrap.wrap(label_text, 17) or [""]  # what the narrow panel holds beside the count
                label = Text.assemble((f"{count:>4} ", "bold" if count else "dim"),
                                      ("\n" + " " * 5).join(lines))
            else:
                name = label_text if len(label_text) <= 20 else label_text[:19] + "…"
                label = Text.assemble((f"{model.WP or '':6} ", "dim"), f"{name:<20}",
                                      (f"{count:>5}", "bold" if count else "dim"))
            kinds.add_option(Option(label, id=kind))
        self._kinds_narrow = narrow
        proc = next(p for p in load_standard().processes if p.code == self.PROCESS)
        title = f"{proc.code}  {_(proc.name)}"
        # narrow, a name longer than the panel's border is left to the top bar, which says it whole
        self.query_one("#kinds-panel").border_title = proc.code if narrow and len(title) > 24 else title
        kinds.highlighted = highlighted if highlighted is not None else 0
        self._fill_records()

    _kinds_narrow = False

    def on_resize(self, event) -> None:
        super().on_resize(event)
        if self.is_mounted and self.has_class("-narrow") != self._kinds_narrow:
            self.call_after_refresh(self.reload)  # the kinds' labels for the new width

    def _fill_records(self) -> None:
        store, kind = self.store, self.kind
        total = count_matching(store, kind, self.search_text)
        columns = COLUMNS.get(kind, BASE_COLUMNS)
        fields = [field for _l, field, _w, _f in columns]
        rows = list_rows(store, kind, fields, self.search_text, limit=LIMIT)
        if kind == "training":  # whether a training still counts is derived, not what was last recorded

            states, at, key = training_states(store), fields.index("state"), fields.index("id")
            rows = [(*row[:at], states.get(row[key], row[at]), *row[at + 1:]) for row in rows]
        table = self.query_one("#records", RowList)
        if self._columns_of != kind:
            table.set_columns([(label, width) for label, _field, width, _fmt in columns])
            self._columns_of = kind
        at_id = [c[0] for c in columns].index("id")
        table.set_rows([(row[at_id], _cells(columns, row)) for row in rows])  # the cursor stays on the same record
        about = self.query_one("#about", Static)
        about.update(Text(self._about(len(rows), total)))
        self.query_one("#records-panel").border_title = kinds_name(kind)
        self.after_fill(about)

    def _about(self, shown: int, total: int) -> str:
        """The line above the list: the work product and its statuses, and how many records are shown
        of how many (matching the search)."""
        model = BY_KIND[self.kind]
        wp = load_standard().wp(model.WP) if model.WP else None
        if wp:
            main_line = [st for st in wp.statuses if st not in wp.passes]
            side = [st for st in wp.statuses if st in wp.passes]
            head = _("{code} {name}: statuses {statuses}").format(
                code=wp.code, name=_(wp.name), statuses=" → ".join(status_name(st) for st in main_line))
            if side:
                head += " " + _("(or {statuses})").format(statuses=", ".join(status_name(st) for st in side))
        else:
            head = kind_name(self.kind)
        if not shown:
            empty = (_("Nothing recorded yet matching {text}.").format(text=repr(self.search_text)) if self.search_text
                     else _("Nothing recorded yet."))
            return f"{head}\n{empty}"
        if total > shown:
            count = ngettext("{shown} of {n} record", "{shown} of {n} records", total).format(shown=shown, n=total)
        else:
            count = ngettext("{n} record", "{n} records", total).format(n=total)
        if self.search_text:
            count = _("{records} matching {text}").format(records=count, text=repr(self.search_text))
        return f"{head} · {count}"

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
            return _("Add {kind}").format(kind=kind_name(self.kind).lower())
        return None

    def action_add(self) -> None:
        """A new record of the highlighted kind: its own flow where it has one, else the generic form."""

        kind, store = self.kind, self.store
        special = {"change_requests": "new_change", "feedback": "new_feedback", "performance_reports": "performance",
                   "schedule_items": "new_entry", "improvement_reports": "new_improvement"}
        if kind in special:
            getattr(self, f"action_{special[kind]}")()
            return
        if kind in ("acknowledgements", "role_lists", "role_assignments", "training"):
            self.notify(_("These come from the roles step of the setup (w) and the k key; nothing to add by hand "
                          "here"), severity="warning")
            return

        model = BY_KIND[kind]
        fields = new_record_fields(store, kind)  # the same form as a picker's "new item"

        def done(result) -> None:
            if result is not None:
                saved = (_("Saved {ref} ({status})").format(ref=result.id, status=_(result.status)) if result.status
                         else _("Saved {ref}").format(ref=result.id))
                self.notify(saved, title=_(model.LABEL))
                self.reload()
                self.app.open_record(result.id)

        info = _("Starting text is offered: rewrite it to match how your shop works.") if starting_values(kind) else ""
        self.app.push_screen(FormScreen(fields, lambda v: create(store, kind, v),
                                        _("New {kind}").format(kind=_(model.LABEL).lower()), info=info,
                                        preview=preview_for(store, kind)), done)

    def action_new_change(self) -> None:
        new_change(self)

    def action_new_feedback(self) -> None:
        def done(result) -> None:
            if result:
                self.notify(_("Saved {ref}").format(ref=result), title=_("Feedback logged"))
                self.reload()

        self.app.push_screen(FeedbackCapture(), done)

    def action_performance(self) -> None:
        self.app.push_screen(PerformanceScreen())

    def action_new_improvement(self) -> None:
        """GO.4.1: the app drafts the improvement report from the period's records."""
        draft_improvement(self, self.reload)

    def action_new_entry(self) -> None:
        new_entry(self)

    def action_focus_kinds(self) -> None:
        self.query_one("#kinds", OptionList).focus()

    def action_focus_records(self) -> None:
        self.query_one("#records", RowList).focus()

    def search_changed(self) -> None:
        self._fill_records()


def draft_improvement(screen, after: Callable[[], None]) -> None:
    """GO.4.1's form over `screen`: the period to look back on; the draft is made from its records,
    then opened to write the actions and approve it. `after` runs once it is stored."""

    def done(result) -> None:
        if result is not None:
            screen.notify(_("Drafted {ref}: write the actions (e), then approve it (a)").format(ref=result.id),
                          title=_("Improvement report"))
            after()
            screen.app.open_record(result.id)

    year = clock.today().year
    screen.app.push_screen(FormScreen([Field("period", _("Period"), value=str(year), required=True,
                                             placeholder=_("2026, 2026-Q3 or 2025-12-01..2026-11-30"))],
                                      lambda v: draft(screen.store, parse_period(v["period"])),
                                      _("Draft the improvement report (GO.4.1, WP.07)"),
                                      info=_("Drafted from the period's incidents, changes, feedback, agreements "
                                             "and role warnings; you add the assessments and actions.")), done)


class GovernanceScreen(ProcessScreen):
    TITLE_TEXT = N_("Governance")
    BINDINGS = ProcessScreen.BINDINGS + [
        Binding("w", "app.wizard", N_("Setup wizard"), id="governance_wizard"),
        Binding("e", "app.evidence", N_("Evidence map"), id="governance_evidence"),
        Binding("k", "acknowledge", N_("Acknowledge warning"), id="governance_acknowledge"),
    ]
    ROLE_KINDS = ("people", "role_assignments", "role_lists", "acknowledgements", "training")

    def after_fill(self, about: Static) -> None:
        if self.kind not in self.ROLE_KINDS:
            return

        found = warnings(self.store)
        if not found:
            return
        text = Text(str(about.render()) + "\n")
        for w in found:
            head = w.headline()  # the person, the rule and its roles by name, as the CLI and the setup say it
            if w.acknowledged:
                said = _("{warning} · acknowledged: {mitigation}").format(warning=head, mitigation=w.acknowledged.mitigation)
            else:
                said = _("{warning}: {why} Instead: {instead} ({key} acknowledges)").format(
                    warning=head, why=w.text.why, instead=w.text.instead, key=self.key_for("acknowledge"))
            text.append("▲ " + said + "\n", style="green" if w.acknowledged else "bold dark_orange")
        about.update(text)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "acknowledge":
            return True if self.kind in self.ROLE_KINDS else None
        return super().check_action(action, parameters)

    def action_acknowledge(self) -> None:
        open_ = [w for w in warnings(self.store) if not w.acknowledged]
        if not open_:
            self.notify(_("No role warning waits for an acknowledgement"))
            return
        w = open_[0]
        if w.rule == "service-manager":
            self.notify(_("A Service Manager cannot be waived: name one (w opens the setup at the roles step)"),
                        severity="warning")
            return

        def done(result) -> None:
            if result is not None:
                self.notify(_("Warning acknowledged; it stays visible with your mitigation"))
                self.reload()

        self.app.push_screen(FormScreen([Field("mitigation", _("Mitigation"), "text", "", required=True), check_field()],
                                        lambda v: acknowledge(self.store, w, v["mitigation"], check=v.get("check")),
                                        _("Acknowledge: {warning}").format(warning=w.text.name),
                                        info=_("{person}: {warning}").format(person=w.person_name, warning=w.text.why)
                                        if w.person_name else w.text.why),
                                        done)
    PROCESS = "GO"
    KINDS = SCREEN_KINDS["g"]


class ControlScreen(ProcessScreen):
    TITLE_TEXT = N_("Control")
    PROCESS = "CO"
    KINDS = SCREEN_KINDS["c"]
    BINDINGS = ProcessScreen.BINDINGS + [
        Binding("m", "calendar", N_("Change calendar"), id="control_calendar"),
        Binding("e", "app.evidence", N_("Evidence map"), id="control_evidence"),
    ]

    def action_calendar(self) -> None:
        self.app.push_screen(CalendarScreen())


class RelationshipScreen(ProcessScreen):
    TITLE_TEXT = N_("Relationship")
    PROCESS = "RE"
    BINDINGS = ProcessScreen.BINDINGS + [
        Binding("f", "new_feedback", N_("Log feedback"), id="relationship_feedback"),
        Binding("p", "performance", N_("Performance report"), id="relationship_performance"),
        Binding("e", "app.evidence", N_("Evidence map"), id="relationship_evidence"),
    ]
    KINDS = SCREEN_KINDS["r"]
