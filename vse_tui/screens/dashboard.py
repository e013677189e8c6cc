"""The dashboard: what needs attention now."""

from __future__ import annotations

import time
from collections.abc import Hashable
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from vse_tui.core.control.schedule import coming_changes, overdue_changes
from vse_tui.core.evidence.due import due_items
from vse_tui.core.evidence.guide import audit_ready, setup_gaps
from vse_tui.core.evidence.tasks import evidence_map, governance_complete, summary
from vse_tui.core.governance.assign import initials_by_person
from vse_tui.core.incidents import lists, targets
from vse_tui.core.kernel import clock
from vse_tui.core.model.records import BY_KIND, kind_of_wp
from vse_tui.i18n import N_, _, ngettext, pgettext
from vse_tui.i18n.formats import day_and_weekday
from vse_tui.screens.common.base import BaseScreen
from vse_tui.screens.common.conflict import ConflictScreen
from vse_tui.store.sync import open_conflicts
from vse_tui.widgets.keys import key_of
from vse_tui.widgets.rowlist import RowList
from vse_tui.widgets.sparkline import sparkline
from vse_tui.widgets.style import mark, plain, priority_text, time_left

WEEKS = 12
BACKGROUND_FROM = 5000  # incidents closed in the trend weeks: above this, breaches are counted apart


class DashboardScreen(BaseScreen):
    TITLE_TEXT = N_("Dashboard")
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="dashboard_open", show=False),
        Binding("tab", "app.focus_next", N_("Next panel"), id="dashboard_next", show=False),
        Binding("shift+tab", "app.focus_previous", N_("Previous panel"), id="dashboard_previous", show=False),
        Binding("slash", "search", N_("Find"), id="dashboard_find"),
        Binding("e", "app.evidence", N_("Evidence map"), id="dashboard_evidence"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        # Each panel is its list with a border: no wrapper widgets (fewer to style and lay out)
        with Horizontal():
            with Vertical(id="left"):
                yield RowList(id="open-incidents", classes="panel")
                yield Static("", id="incidents-empty", classes="panel empty")
                yield Static("", id="trends", classes="panel")
            with Vertical(id="right"):
                yield RowList(id="changes", classes="panel")
                yield RowList(id="reviews", classes="panel")
        yield Static("", id="setup", classes="panel")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.query_one("#open-incidents", RowList)
        # the column labels are marked here and translated where the list draws them; an age is as
        # wide as "10min", the minutes of the languages other than English
        for label, width in ((" ", 1), (N_("id"), 9), (N_("pri"), 3), (N_("summary"), 23), (N_("who"), 3),
                             (N_("age"), 5), (N_("left"), 8), (N_("cust"), 5)):
            t.add_column(label, width)
        c = self.query_one("#changes", RowList)
        for label, width in ((N_("when"), 8), (N_("id"), 8), (N_("change"), 12), (N_("type"), 10)):
            c.add_column(label, width)
        r = self.query_one("#reviews", RowList)
        for label, width in ((" ", 1), (N_("review"), 27), (N_("when"), 11)):
            r.add_column(label, width)
        t.focus()

    _painted = False

    def reload(self) -> None:
        now = clock.now()
        self._fill_incidents(now)
        self._fill_changes(now)
        if self._painted:
            self._fill_rest(now)
        else:  # the first time, what needs attention is painted first; the rest follows a moment later
            self._painted = True
            self.call_after_refresh(self._fill_rest, now)

    def _fill_rest(self, now) -> None:
        self._fill_reviews()
        self._fill_trends(now)
        self._fill_setup()

    # ------------------------------------------------------------ panels
    def _fill_incidents(self, now) -> None:
        store = self.store
        count = store.count_incidents(lists.IncidentQuery(open_only=True))
        table = self.query_one("#open-incidents", RowList)
        empty = self.query_one("#incidents-empty", Static)
        table.border_title = empty.border_title = _("Open incidents ({n})").format(n=count)
        rows = lists.open_incidents_for(store, store.actor.person, limit=40)  # mine, nobody's, then the rest
        customers = store.customer_codes()

        people = initials_by_person(store)
        cache: dict = {}
        lines = []
        for inc in rows:
            clk = targets.target_clock(inc, targets.target_for(store, inc, cache), now)
            age = clock.human_duration(now - inc.opened_at, units=1, compact=True) if inc.opened_at else ""
            if clk.paused:
                left = Text(_("paused"), style="dim")
            elif inc.state == "restored":
                left = Text(pgettext("the time-left column (8 letters)", "restored"), style="green")
            else:
                left = time_left(clk)
            who = people.get(inc.assignee or "", "")
            lines.append((inc.id, (mark(clk.breached and not clk.paused), inc.id, priority_text(inc.priority),
                                   plain(inc.summary), Text(who, style="bold" if inc.assignee == store.actor.person
                                                            and who else ""), age, left,
                                   plain(customers.get(inc.customer or "", "")))))
        table.set_rows(lines)
        empty.display = not lines
        table.display = bool(lines)
        empty.update(_("No open incidents. Press {key} to log one while the customer is on the phone.").format(
            key=key_of(self, "new_incident", shown=True)))

    def _fill_changes(self, now) -> None:
        table = self.query_one("#changes", RowList)
        table.border_title = _("Scheduled changes (next 14 days)")

        def day(moment) -> str:
            return day_and_weekday(moment)

        lines: list[tuple[Hashable, tuple[object, ...]]] = [(c.id, (Text("! " + day(c.planned_at), style="dark_orange"), c.id, plain(c.title),
                         Text(_("not deployed"), style="dark_orange"))) for c in overdue_changes(self.store, now)]
        lines += [(c.id, (day(c.planned_at), c.id, plain(c.title), _(c.change_type) if c.change_type else ""))
                  for c in coming_changes(self.store, now)]
        if not lines:
            lines = [("-", ("", "", Text(_("(none)"), style="dim"), ""))]
        table.set_rows(lines)

    def _fill_reviews(self) -> None:
        table = self.query_one("#reviews", RowList)
        today = clock.today()
        items = due_items(self.store, today)
        overdue = sum(1 for i in items if i.days(today) < 0)

        conflicts = open_conflicts(self.store)
        title = _("Reviews due ({n} overdue)").format(n=overdue)
        if conflicts:
            title += " · " + ngettext("{n} merge conflict", "{n} merge conflicts", len(conflicts)).format(
                n=len(conflicts))
        table.border_title = title
        lines: list[tuple[Hashable, tuple[object, ...]]] = [(f"conflict:{c['id']}#c", (Text("≠", style="bold red"),
                                             plain(_("Merge: {ref} {field} ({reason})").format(
                                                 ref=c["ref"], field=c["field"] or "", reason=c["reason"])),
                                             Text(_("choose"), style="red"))) for c in conflicts]
        for n, item in enumerate(items):
            d = item.days(today)
            if d < 0:
                when = Text(ngettext("{n}d overdue", "{n}d overdue", -d).format(n=-d), style="dark_orange")
            else:
                when = Text(_("today") if d == 0 else ngettext("in {n}d", "in {n}d", d).format(n=d))
            lines.append((f"{item.ref or '-'}#{n}", (Text("!", style="bold dark_orange") if d < 0 else " ",
                                                     plain(item.title), when)))
        if not items:
            lines.append(("-", (" ", Text(_("Nothing due soon"), style="dim"), "")))
        table.set_rows(lines)

    def _fill_trends(self, now) -> None:
        # the weeks end with the current second, included: the clock counts whole seconds, and an
        # incident logged in the second the dashboard comes back is one of this week's
        start = now + timedelta(seconds=1) - timedelta(weeks=WEEKS)
        store = self.store
        opened = lists.weekly_counts(store, "opened_at", start, WEEKS)
        closed = lists.weekly_counts(store, "closed_at", start, WEEKS)
        # The breach count judges every incident restored in the period (targets.assess): it is
        # counted again only when something was written since (the chain's tip moved) or the last
        # count is ten minutes old, not at every refresh; with many incidents it runs in a thread
        # on its own connection and the line fills in when it is done.
        tip = store.chain_tip()
        key = tip[0] if tip else 0
        cached = self._breaches
        if cached is not None and cached[0] == key and time.monotonic() - cached[1] < self.BREACHES_EVERY:
            self._show_trends(opened, closed, cached[2])
            return
        self._show_trends(opened, closed, cached[2] if cached is not None else None)
        if self._counting == key:
            return  # this count is under way: its result fills the line

        def keep(breaches: list[int]) -> None:
            self._breaches, self._counting = (key, time.monotonic(), breaches), None
            self._show_trends(opened, closed, breaches)

        if sum(closed) > BACKGROUND_FROM:
            self._counting = key
            self.run_apart(lambda apart: lists.weekly_breaches(apart, start, WEEKS), keep, "trends",
                           exit_on_error=False)
        else:
            keep(lists.weekly_breaches(store, start, WEEKS))

    BREACHES_EVERY = 600.0  # seconds a breach count stands while nothing is written
    _breaches: tuple[int, float, list[int]] | None = None
    _counting: int | None = None  # the tip a count in a thread is under way for

    def _show_trends(self, opened: list[int], closed: list[int], breaches: list[int] | None) -> None:
        panel = self.query_one("#trends", Static)
        panel.border_title = ngettext("Last {n} week", "Last {n} weeks", WEEKS).format(n=WEEKS)
        names = [pgettext("weekly counts", "opened"), pgettext("weekly counts", "closed"), _("breaches")]
        room = max(len(name) for name in names) + 1  # the sparklines start in one column
        breach_line = ((sparkline(breaches), "red"), f"  {sum(breaches)}",
                       (" " + _("restored with a target missed"), "dim")) \
            if breaches is not None else ((_("counting…"), "dim"),)
        panel.update(Text.assemble(
            (names[0].ljust(room), "dim"), sparkline(opened), f"  {sum(opened)}\n",
            (names[1].ljust(room), "dim"), sparkline(closed), f"  {sum(closed)}\n",
            (names[2].ljust(room), "dim"), *breach_line))

    SETUP_EVERY = 60.0  # seconds between two counts of the evidence (it reads the records of 40 tasks)
    _setup_at = -1e9

    def _fill_setup(self) -> None:
        """The evidence count of the 40 tasks: the evidence map's own function, counted apart."""
        if time.monotonic() - self._setup_at < self.SETUP_EVERY:
            return
        waiting = Text(_("Counting the evidence of the 40 tasks…"), style="dim")
        if self.app.screen is not self:
            # counted when the dashboard shows again (on_screen_resume), not while another screen
            # is used over it (its thread would slow that screen's keys)
            if self._setup_at < 0:
                self.query_one("#setup", Static).update(waiting)
            return
        if not getattr(self.app, "warm", True):
            # counting reads every task's records with their models: after the start's warm-up
            # has loaded them, not on the first screen's path
            self.query_one("#setup", Static).update(waiting)
            self.set_timer(0.5, self._fill_setup)
            return
        self._setup_at = time.monotonic()
        complete = governance_complete(self.store)

        def count(apart):
            tasks = evidence_map(apart)
            return summary(tasks), audit_ready(tasks), setup_gaps(apart) if complete else []

        self.run_apart(count, lambda found: self._show_setup(found[0], complete, found[1], found[2]), "setup",
                       exit_on_error=False)

    NARROW = 100  # columns: below, the panels stack (the incidents get the whole width)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")

    def on_screen_resume(self) -> None:
        self._setup_at = -1e9
        super().on_screen_resume()

    def where_to_add(self, item) -> str:
        """The keys that reach the list where the missing record is added: its screen, its list, a."""

        # here, not at the top: importing it loads pydantic
        from vse_tui.screens.common.process import ControlScreen, GovernanceScreen, RelationshipScreen

        try:
            kind = "training" if item.task in ("IN.1.1", "IN.1.2") else kind_of_wp(item.wp or "")
        except StopIteration:
            return ""
        if kind == "incidents":
            return _("i, then the incident")
        for key, screen in (("g", GovernanceScreen), ("c", ControlScreen), ("r", RelationshipScreen)):
            if kind in screen.KINDS:
                return f"{key} → {_(BY_KIND[kind].LABEL)} → a"
        return ""

    def _show_setup(self, prog, complete: bool, ready=(), gaps=()) -> None:
        done, total = prog["all"]
        setup = self.query_one("#setup", Static)
        setup.border_title = _("To be audit-ready") if complete and ready else (
            _("Evidence") if complete else _("Setup"))
        setup.set_class(bool(complete and ready), "-ready")
        parts: list[str | Text | tuple[str, str]] = [(_("Tasks done (the evidence map's rules):") + " ", "dim"),
                                                     (_("{done} of {total}").format(done=done, total=total), "bold")]
        for proc in ("GO", "CO", "RE", "IN"):
            d, t = prog[proc]
            parts += [("  ·  ", "dim"), (f"{proc} {d}/{t}", "green" if d == t else "")]
        parts += [(f"     {self.key_for('app.evidence')} ", "bold"), (_("evidence map"), "dim")]
        if not complete:
            parts += [("   " + _("governance not set up yet: {screen} then {wizard} runs the setup").format(
                screen="g", wizard="w"), "dim")]
        else:  # after the setup: its documents not yet in the shop's words, then the next missing record of each process
            if gaps:
                parts += ["\n", ("GO  ", "bold"), Text(ngettext(
                    "{n} setup document still holds the app's starting text or an empty item: {refs}",
                    "{n} setup documents still hold the app's starting text or an empty item: {refs}",
                    len(gaps)).format(n=len(gaps), refs=", ".join(g.ref for g in gaps)), style="dark_orange"),
                          ("   " + _("{screen} → {wizard} reopens the setup to edit them").format(
                              screen="g", wizard="w"), "bold")]
            for item in ready:
                others = len(item.completes) - 1
                gain = (ngettext("completes {task} and unblocks {n}", "completes {task} and unblocks {n}",
                                 others).format(task=item.task, n=others) if others
                        else _("completes {task}").format(task=item.task))
                parts += ["\n", (f"{item.process}  ", "bold"), plain(pgettext("the setup panel: a task, then what it lacks", "{task} {title}: ").format(
                    task=item.task, title=item.title)),
                          Text(item.missing, style="dark_orange"), ("   ", ""), (self.where_to_add(item), "bold"),
                          ("   " + gain, "dim")]
        setup.update(Text.assemble(*parts))

    # ------------------------------------------------------------ actions
    def on_row_list_selected(self, event: RowList.Selected) -> None:
        key = str(event.key or "")
        ref = key.split("#", 1)[0]
        if ref.startswith("conflict:"):
            self.app.push_screen(ConflictScreen(int(ref.split(":", 1)[1])), lambda _: self.reload())
        elif ref and ref != "-":
            self.app.open_record(ref)

    def action_open(self) -> None:
        if isinstance(self.focused, RowList):
            self.focused.action_select()

    def action_search(self) -> None:
        self.app.action_command_palette()
