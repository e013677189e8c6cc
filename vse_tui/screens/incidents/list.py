"""The Incidents screen: the list of service incident records (WP.18), paged from SQLite."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from vse_tui.core.governance.assign import initials_by_person
from vse_tui.core.incidents import lists, targets
from vse_tui.core.kernel import clock
from vse_tui.i18n import N_, _, pgettext
from vse_tui.mailer import intake
from vse_tui.screens.common.base import SearchableList
from vse_tui.screens.common.forms import PartyFilter, assign_action
from vse_tui.screens.governance.training import TrainingDueScreen
from vse_tui.screens.incidents.import_screen import ImportScreen
from vse_tui.screens.incidents.words import short_state, shown
from vse_tui.widgets.keys import key_of
from vse_tui.widgets.paged_table import PagedTable
from vse_tui.widgets.style import mark, plain, priority_text, time_left

PAGE = 100
STATUS_FILTERS = ("open", "all", "new", "in progress", "waiting for customer", "waiting for supplier", "restored", "closed")
PRIORITY_FILTERS = (None, "P1", "P2", "P3", "P4", "P5")
SORT_ORDER = ("priority", "newest", "oldest")
WHOSE = ("everyone", "mine", "unassigned")


class IncidentsScreen(SearchableList):
    LIST_ID = "list"
    TITLE_TEXT = N_("Incidents")
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="incidents_open", show=False),
        Binding("slash", "search", N_("Search"), id="incidents_search"),
        Binding("f", "cycle_status", N_("Status filter"), id="incidents_status"),
        Binding("p", "cycle_priority", N_("Priority filter"), id="incidents_priority"),
        Binding("s", "cycle_sort", N_("Sort"), id="incidents_sort"),
        Binding("u", "party_filter", N_("Customer/service"), id="incidents_party", show=False),
        Binding("x", "clear_filters", N_("Clear filters"), id="incidents_clear", show=False),
        Binding("b", "problems", N_("Problems"), id="incidents_problems", show=False),
        Binding("t", "training", N_("Training due"), id="incidents_training"),
        Binding("e", "app.evidence", N_("Evidence map"), id="incidents_evidence", show=False),
        Binding("I", "import_export", N_("Import from another tool"), id="incidents_import"),
        Binding("M", "mail_in", N_("Mail in"), id="incidents_mail"),
        Binding("A", "assign", N_("Assign"), id="incidents_assign"),
        Binding("w", "cycle_whose", N_("Mine/unassigned/all"), id="incidents_whose"),
        Binding("escape", "close_search", N_("Close search"), id="incidents_close_search", show=False),
        Binding("ctrl+t", "search_all_statuses", N_("All statuses"), id="incidents_search_all", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status_filter = "open"
        self.priority_filter: str | None = None
        self.sort = "priority"
        self.search_text = ""
        self.search_all = False  # a search over every status, whatever the status filter says
        self.customer: str | None = None
        self.service: str | None = None
        self.problems_only = False
        self.whose = "everyone"  # everyone | mine | unassigned
        self.page_offset = 0
        self.total_rows = 0

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Input(placeholder=_("Search: words of the summary or an id (Enter to apply, Esc to close)"),
                    id="search", classes="search")
        with Vertical(classes="panel", id="list-panel"):
            yield PagedTable(id="list")
            yield Static("", id="empty", classes="empty")
        yield Static("", id="status", classes="statusline")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.query_one("#list", PagedTable)
        # the column labels are marked here and translated where the list draws them
        for label, width in ((" ", 1), (N_("id"), 9), (N_("pri"), 3), (N_("state"), 14), (N_("summary"), 29),
                             (N_("who"), 3), (N_("cust"), 5), (N_("service"), 12), (N_("opened"), 16),
                             (N_("left"), 8)):
            t.add_column(label, width)
        t.focus()

    # ------------------------------------------------------------ data
    def _searching_all(self) -> bool:
        return self.search_all and bool(self.search_text)

    def _query(self) -> lists.IncidentQuery:
        status = "all" if self._searching_all() else self.status_filter
        return lists.IncidentQuery(
            open_only=status == "open", status=None if status in ("open", "all") else status,
            priority=self.priority_filter, customer=self.customer, service=self.service,
            search=self.search_text or None, problems=True if self.problems_only else None,
            assignee=None if self.whose == "everyone" else ("" if self.whose == "unassigned"
                                                            else (self.store.actor.person or "-")))

    def reload(self) -> None:
        self.load_page(self.page_offset, keep=True)

    _counted: tuple = (None, 0)  # the query last counted, and its count

    def load_page(self, offset: int, keep: bool = False, cursor: int | None = None, recount: bool = True) -> None:
        """Show the page at `offset`. Moving to the next or previous page of the same list keeps the
        count it had (`recount=False`): counting a million incidents at every page would make
        paging grow with the database; a reload or another filter counts again."""
        store = self.store
        q = self._query()
        if recount or self._counted[0] != q:
            self._counted = (q, store.count_incidents(q))
        self.total_rows = self._counted[1]
        offset = max(0, min(offset, max(0, (self.total_rows - 1) // PAGE * PAGE)))
        self.page_offset = offset
        rows = lists.page(store, q, sort=self.sort, limit=PAGE, offset=offset)
        table = self.query_one("#list", PagedTable)
        table.set_rows(self._lines(rows))  # a refresh (keep) leaves the cursor on the same incident while it is listed
        table.has_previous = offset > 0
        table.has_next = offset + PAGE < self.total_rows
        if rows and (cursor is not None or not keep):
            table.move_cursor(cursor if cursor is not None else 0)
        empty = self.query_one("#empty", Static)
        empty.display = not rows
        table.display = bool(rows)
        if not rows:
            empty.update(self._nothing_listed())
        self._status_line(len(rows))

    def _lines(self, rows) -> list[tuple[str, tuple[Any, ...]]]:
        """Each incident's cells: breached mark, id, priority, state, summary (its old key first),
        assignee, customer, service, opened, and the time left on its target."""
        store = self.store
        customers, services = store.customer_codes(), store.titles("services")

        people = initials_by_person(store)
        now = clock.now()
        lines = []
        cache: dict = {}
        for inc in rows:
            left = Text("")
            breached = False
            if inc.status != "closed":
                clk = targets.target_clock(inc, targets.target_for(store, inc, cache), now)
                breached = clk.breached and not clk.paused
                if clk.paused:
                    left = Text(_("paused"), style="dim")
                elif inc.state == "restored":
                    left = Text(pgettext("the time-left column (8 letters)", "restored"), style="green")
                else:
                    left = time_left(clk)
            state = Text(short_state(inc.state) if inc.state else "", style="green" if inc.state == "closed" else "")
            summary = Text.assemble((f"{inc.external_ref} ", "dim"), plain(inc.summary)) if inc.external_ref \
                else plain(inc.summary)  # the key it had in the tool it was imported from, first
            lines.append((inc.id, (mark(breached), inc.id, priority_text(inc.priority), state, summary,
                                   Text(people.get(inc.assignee or "", "")),
                                   plain(customers.get(inc.customer or "", "")), plain(services.get(inc.service or "", "")),
                                   clock.local_text(inc.opened_at), left)))
        return lines

    def _nothing_listed(self) -> str:
        """What an empty list says: how to log the first incident, or how to widen the filters."""
        if self.store.count("incidents") == 0:
            return _("No incidents yet. Press {key} to log the first one; only a summary is needed.").format(
                key=key_of(self, "new_incident", shown=True))
        if self.search_text and not self._searching_all() and self.status_filter != "all":
            return _("No {status} incident matches. Press ctrl+t to search all statuses, or x to clear "
                     "the filters.").format(status=shown(self.status_filter))
        return _("No incident matches these filters. Press {key} to clear them.").format(
            key=self.key_for("clear_filters"))

    def _status_line(self, count: int) -> None:
        parts = [_("{first}-{last} of {total}").format(first=self.page_offset + 1 if count else 0,
                                                       last=self.page_offset + count, total=self.total_rows),
                 _("status: all (searching)") if self._searching_all()
                 else _("status: {value}").format(value=shown(self.status_filter)),
                 _("priority: {value}").format(value=self.priority_filter or _("any")),
                 _("sort: {value}").format(value=shown(self.sort))]
        if self.search_text:
            parts.append(_("search: {text}").format(text=repr(self.search_text)))
        if (self._search_open() or self.search_text) and self.status_filter != "all":
            parts.append(_("ctrl+t: search {statuses}").format(
                statuses=_("only {status}").format(status=shown(self.status_filter)) if self.search_all
                else _("all statuses")))
        if self.customer or self.service:
            cust = self.store.customer_codes().get(self.customer or "", "") if self.customer else ""
            svc = self.store.titles("services").get(self.service or "", "") if self.service else ""
            parts.append(_("for: {who}").format(who=" / ".join(p for p in (cust, svc) if p)))
        if self.problems_only:
            parts.append(_("potential problems only"))
        if self.whose != "everyone":
            parts.append(_("whose: {value}").format(value=shown(self.whose)))
        self.query_one("#status", Static).update(Text(" · ".join(parts)))
        self.query_one("#list-panel").border_title = (_("Incidents (potential problems)") if self.problems_only
                                                      else _("Incidents"))

    # ------------------------------------------------------------ events and actions
    def on_paged_table_page_request(self, event: PagedTable.PageRequest) -> None:
        if event.step > 0:
            self.load_page(self.page_offset + PAGE, cursor=0, recount=False)
        else:
            self.load_page(self.page_offset - PAGE, cursor=PAGE - 1, recount=False)

    def on_row_list_selected(self, event: PagedTable.Selected) -> None:
        if event.key:
            self.app.open_record(str(event.key))

    def action_open(self) -> None:
        self.query_one("#list", PagedTable).action_select()

    def search_changed(self) -> None:
        self.load_page(0)

    def _search_open(self) -> bool:
        return self.query_one("#search", Input).has_class("visible")

    def action_search_all_statuses(self) -> None:
        """While searching: every status, or back to the status filter."""
        self.search_all = not self.search_all
        self.load_page(0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search_all_statuses":  # a key of the search box, while it is open
            return self.is_mounted and bool(self.query("#search")) and (self._search_open() or bool(self.search_text))
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        super().action_search()
        self._status_line(self.query_one("#list", PagedTable).row_count)
        self.refresh_bindings()

    def action_close_search(self) -> None:
        super().action_close_search()
        self._status_line(self.query_one("#list", PagedTable).row_count)
        self.refresh_bindings()

    def action_cycle_status(self) -> None:
        self.status_filter = STATUS_FILTERS[(STATUS_FILTERS.index(self.status_filter) + 1) % len(STATUS_FILTERS)]
        self.load_page(0)

    def action_cycle_priority(self) -> None:
        self.priority_filter = PRIORITY_FILTERS[(PRIORITY_FILTERS.index(self.priority_filter) + 1) % len(PRIORITY_FILTERS)]
        self.load_page(0)

    def action_cycle_sort(self) -> None:
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        self.load_page(0)

    def action_problems(self) -> None:
        self.problems_only = not self.problems_only
        if self.problems_only:
            self.status_filter = "all"
        self.load_page(0)

    def action_clear_filters(self) -> None:
        self.status_filter, self.priority_filter, self.search_text = "all", None, ""
        self.customer = self.service = None
        self.problems_only = False
        self.load_page(0)

    def action_cycle_whose(self) -> None:
        """Everyone's incidents, mine, the ones nobody has."""
        self.whose = WHOSE[(WHOSE.index(self.whose) + 1) % len(WHOSE)]
        if self.whose == "mine" and not self.store.actor.person:
            self.notify(_("Your login is mapped to no person: nothing is yours yet"), severity="warning")
        self.load_page(0)

    def action_assign(self) -> None:
        table = self.query_one("#list", PagedTable)
        key = table.cursor_key if table.row_count else None
        if key:
            assign_action(self, "incidents", str(key), lambda _r: self.reload())

    def action_mail_in(self) -> None:
        """Read the configured Maildir (a mail fetcher fills it) into incidents and replies."""

        settings = self.app.config.mail_settings
        if not settings.maildir:
            self.notify(_("Set maildir in the config's [mail] section (where mbsync or getmail deliver)"),
                        severity="warning", timeout=10)
            return

        def compute(apart):
            try:
                return intake(apart, settings.maildir, settings)
            except Exception as exc:  # noqa: BLE001 - shown to the user
                return exc

        def show(result) -> None:
            if isinstance(result, Exception):
                self.notify(str(result), severity="error", timeout=10)
            else:
                self.notify(result.line(), title=_("Mail in"), timeout=10)
            self.reload()

        self.run_apart(compute, show, "mail-in", exit_on_error=False)

    def action_import_export(self) -> None:
        self.app.push_screen(ImportScreen(), lambda _: self.reload())

    def action_training(self) -> None:
        def chosen(ref: str | None) -> None:
            if ref:
                self.app.open_record(ref)

        self.app.push_screen(TrainingDueScreen(), chosen)

    def action_party_filter(self) -> None:
        def done(result) -> None:
            if result is not None:
                self.customer, self.service = result
                self.load_page(0)

        self.app.push_screen(PartyFilter(self.customer, self.service), done)
