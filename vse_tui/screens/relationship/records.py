"""Service Relationship screens: quick capture of feedback, a feedback entry with its steps, and the
service performance report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, RadioSet, Static

from vse_tui.core.governance.people import name_of
from vse_tui.core.incidents.lists import IncidentQuery
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import VseError
from vse_tui.core.model.lookup import resolve
from vse_tui.core.relationship.process import FEEDBACK_NEXT, feedback_step, last_feedback_company, log_feedback
from vse_tui.i18n import N_, _, either, formats, ngettext, pgettext
from vse_tui.paths import export_dir
from vse_tui.reports import performance as perf
from vse_tui.reports.performance import current_quarter, parse_period, save
from vse_tui.screens.common.base import BaseScreen, OnceModal, after_typing, go_back
from vse_tui.screens.common.forms import ConfirmScreen, Field, FormScreen, person_field
from vse_tui.screens.common.record import RecordScreen
from vse_tui.widgets.choice import Choice, Mark
from vse_tui.widgets.keys import key_word
from vse_tui.widgets.picker import Picker
from vse_tui.widgets.sparkline import sparkline

TYPES = ("compliment", "complaint", "comment")
# the feedback's types and steps as the screens say them (the codes stored stay in English)
SAID = {"compliment": N_("compliment"), "complaint": N_("complaint"), "comment": N_("comment"),
        "received": N_("received"), "acknowledged": N_("acknowledged"), "investigated": N_("investigated"),
        "answered": N_("answered"), "closed": N_("closed"), "escalated": N_("escalated")}


def said(code: str | None) -> str:
    return _(SAID[code]) if code in SAID else (code or "")


class FeedbackCapture(OnceModal):
    """Log what a customer or supplier said in seconds: the words, ctrl+s. The rest has defaults."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="feedback_save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="feedback_cancel"),
    ]
    DEFAULT_CSS = """
    FeedbackCapture { align: center middle; }
    FeedbackCapture > Vertical { width: 80; max-width: 100%; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    FeedbackCapture .row { height: auto; }
    FeedbackCapture .row > Label { width: 10; padding: 1 1 0 0; }
    FeedbackCapture #description, FeedbackCapture #contact, FeedbackCapture Picker { width: 1fr; }
    FeedbackCapture RadioSet { layout: horizontal; border: none; height: auto; width: 1fr; padding: 0; margin: 1 0 0 0; }
    FeedbackCapture RadioSet > RadioButton { width: auto; margin-right: 2; }
    FeedbackCapture #keys { color: $text-muted; padding: 0 0 0 10; }
    FeedbackCapture #error { color: $error; height: auto; padding: 0 0 0 10; }
    """

    def compose(self) -> ComposeResult:
        store = self.app.store
        companies = [(u, _("{name} (customer)").format(name=t)) for u, t in store.titles("customers").items()]
        companies += [(u, _("{name} (supplier)").format(name=t)) for u, t in store.titles("suppliers").items()]
        last = last_feedback_company(store)
        with Vertical() as box:
            box.border_title = _("Log feedback (WP.06)")
            with Horizontal(classes="row"):
                yield Label(_("Said *"))
                yield Input(id="description", placeholder=_("What they said, in their words"))
            with Horizontal(classes="row"):
                yield Label(_("Type"))
                yield Choice(*[Mark(said(t), value=t == "comment", name=t) for t in TYPES], id="type")
            with Horizontal(classes="row"):
                yield Label(_("From"))
                yield Picker(companies, value=last, id="company", prompt=_("(someone else)"), title=_("From"))
            with Horizontal(classes="row"):
                yield Label(_("Contact"))
                yield Input(id="contact", placeholder=_("name, phone or e-mail"))
            yield Static("", id="error")
            yield Static("", id="keys")

    def on_mount(self) -> None:
        self.query_one("#keys", Static).update(Text(
            _("{save} Save   {cancel} Cancel   {tab} next field").format(
                tab=key_word("tab"), save=self.key_for("save"), cancel=self.key_for("cancel")), style="dim"))
        self.query_one("#description", Input).focus()

    def action_save(self) -> None:
        after_typing(self, self.save_now)  # the keys typed before ctrl+s first

    def save_now(self) -> None:
        store = self.app.store
        btn = self.query_one("#type", RadioSet).pressed_button
        company = self.query_one("#company", Picker).value
        source = "other"
        if company:
            source = "supplier" if store.exists("suppliers", {"uuid": company}) else "customer"
        try:
            entry = log_feedback(store, self.query_one("#description", Input).value,
                                 feedback_type=btn.name if btn and btn.name else "comment", source=source,
                                 company=company, contact=self.query_one("#contact", Input).value)
        except VseError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            return
        self.dismiss(entry.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        if not self.query_one("#description", Input).value.strip():
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmScreen(_("Discard this feedback? What you typed will be lost.")), self._discard)

    def _discard(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(None)


class FeedbackScreen(RecordScreen):
    """A feedback entry and the steps of the customer experience approach."""

    TITLE_TEXT = N_("Feedback")
    BINDINGS = RecordScreen.BINDINGS + [Binding("s", "step", N_("Next step"), id="feedback_step"),
                                        Binding("m", "mail", N_("Mail answer"), id="feedback_mail")]

    def __init__(self, ref: str) -> None:
        super().__init__("feedback", ref)

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="steps")

    def reload_extra(self, rec) -> None:
        order = ("received", "acknowledged", "investigated", "answered", "closed")
        line = Text(_("Steps:") + " ")
        reached = order.index(rec.state) if rec.state in order else 2
        for i, step in enumerate(order):
            style = "bold green" if step == rec.state else ("green" if i < reached else "dim")
            line.append(said(step), style=style)
            if i < len(order) - 1:
                line.append(" → ", style="dim")
        if rec.state == "escalated":
            line.append("   " + said("escalated"), style="bold dark_orange")
        nxt = FEEDBACK_NEXT.get(rec.state or "received", ())
        if nxt:
            line.append("   " + _("▶ next: {steps}: press {key}").format(
                steps=either(said(s) for s in nxt), key=self.key_for("step")), style="yellow")
        else:
            line.append("   " + said("closed") + (
                " · " + _("signed off by {person}, {when}").format(person=name_of(self.store, rec.signed_off_by),
                                                                 when=clock.local_text(rec.signed_off_at))
                if rec.signed_off_by else ""), style="dim")
        self.next_actions = ("step",) if nxt else ()
        self.query_one("#steps", Static).update(line)
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "approve":
            return None
        return super().check_action(action, parameters)

    def action_step(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        nxt = FEEDBACK_NEXT.get(rec.state or "received", ())
        if not nxt:
            self.notify(_("{ref} is closed").format(ref=rec.id))
            return
        fields = [Field("step", _("Step"), "radio", nxt[0], [(said(s), s) for s in nxt]),
                  Field("outcome", _("Outcome"), "text", "",
                        placeholder=_("what was found, answered or escalated to whom")),
                  person_field(self.store, "signed_off_by", _("Signed off by"), affiliation=None)]

        def done(result) -> None:
            if result is not None:
                self.notify(f"{result.id} {said(result.state)}")
                self.reload()

        self.app.push_screen(FormScreen(fields, lambda v: feedback_step(self.store, rec.id, v["step"] or nxt[0],
                                                                        outcome=v["outcome"],
                                                                        signed_off_by=v["signed_off_by"]),
                                        _("Next step for {ref} (RE.2.3)").format(ref=rec.id)), done)


HEADING = "a column heading of two lines at most"  # the context of the headings said on one line


def _two_lines(heading: str) -> str:
    """A column heading on two lines, the words at the bottom (a heading of one line gets an empty
    first line, in whatever language it is said)."""
    return heading if "\n" in heading else "\n" + heading


def _short(minutes: int | None) -> str:
    """A duration in a narrow column, with the language's units: 45m, 3h 05m, 46h (en); 45min,
    3h 05min (es, pt_BR, fr)."""
    if minutes is None:
        return "-"
    _day, hour, minute = formats.locale().units
    h, m = divmod(int(minutes), 60)
    if h >= 10:
        return f"{h + (1 if m >= 30 else 0)}{hour}"
    return f"{h}{hour} {m:02d}{minute}" if h else f"{m}{minute}"


def period_title(period: dict[str, str]) -> str:
    """The report's title: its period and that period's first and last days as the language writes
    them (01/10/2026 – 31/12/2026), the period by its name in the language ("4e trimestre 2026"; in
    English as it is typed, 2026-Q4)."""
    return _("Service performance {period} ({start} – {end})").format(
        period=formats.period_name(period["label"]), start=formats.date_text(date.fromisoformat(period["from"][:10])),
        end=formats.date_text(date.fromisoformat(period["to"][:10])))


def _bar(value: int, top: int, block: str = "█", width: int = 20) -> str:
    if top <= 0 or value <= 0:
        return ""
    return block * max(1, round(value / top * width))


class PerformanceScreen(BaseScreen):
    """The service performance report of a period, per customer, counted in the service hours."""

    TITLE_TEXT = N_("Service performance")
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="performance_back"),
        Binding("left_square_bracket", "shift(-1)", N_("Previous period"), id="performance_prev"),
        Binding("right_square_bracket", "shift(1)", N_("Next period"), id="performance_next"),
        Binding("slash", "period", N_("Period/customer"), id="performance_period"),
        Binding("s", "save", N_("Save as draft report"), id="performance_save"),
        Binding("x", "export", N_("Export Markdown and CSV"), id="performance_export"),
    ]

    def __init__(self, period: str | None = None, customer: str | None = None) -> None:
        super().__init__()
        self.period = parse_period(period) if period else current_quarter()
        self.customer = customer
        self.report: dict[str, Any] | None = None  # the figures on screen, once counted

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(classes="panel", id="perf"):
            yield Static("", id="perf-head")
            yield Static("", id="perf-table")
            yield Static("", id="perf-charts")
        yield from self.compose_footer()

    ONE_TABLE_FROM = 130  # columns: below, the figures are two tables and the charts one above the other

    def on_resize(self, event) -> None:
        super().on_resize(event)
        if self.report is not None:
            self.show(self.report)

    BACKGROUND_FROM = 5000  # incidents in the period: above this the figures are computed off the UI thread

    def _tick(self) -> None:
        """A report is not a live list: it is counted when opened, when its period changes and on
        coming back to it, not every few seconds."""

    def reload(self) -> None:
        store = self.store

        many = store.count_incidents(IncidentQuery(opened=self.period.moments()))
        if many < self.BACKGROUND_FROM:
            self.show(perf.compute(store, self.period, self.customer))
            return
        self.report = None  # the figures on screen are for another period until these are counted
        self.query_one("#perf-head", Static).update(Text(_("Counting {n} incidents of {period}…").format(
            n=formats.number(many), period=formats.period_name(self.period.label)), style="dim"))
        period, customer = self.period, self.customer

        def shown(report) -> None:
            if (period, customer) == (self.period, self.customer):  # not if another period was chosen meanwhile
                self.show(report)

        self.run_apart(lambda apart: perf.compute(apart, period, customer), shown, "performance")

    def show(self, report) -> None:
        self.report = report
        p = report["period"]
        panel = self.query_one("#perf")
        panel.border_title = period_title(p)
        panel.border_subtitle = _("[ ] period · / choose · s save draft · x export")
        who = report["customer"] or _("all customers")
        self.query_one("#perf-head", Static).update(Text.assemble(
            (f"{who}", "bold"), "  ·  " + _("response and resolution against the agreed targets, counted in each "
                                             "service's hours; times to resolve: mean and 90th percentile"),
            style=""))
        columns: list[tuple[str, Callable[[dict[str, Any]], RenderableType]]] = [
                   (_two_lines(pgettext(HEADING, "opened")), lambda r: str(r["incidents"])),
                   (_(N_("response\nmet")), lambda r: perf.pct(r["response_met"], r["response_measured"])),
                   (_(N_("resolved\nin time")), lambda r: perf.pct(r["resolution_met"], r["resolution_measured"])),
                   (_two_lines(pgettext(HEADING, "breached")), lambda r: Text(str(r["breached"]), style="bold red" if r["breached"] else "")),
                   (_(N_("mean to\nresolve")), lambda r: _short(r["mean_resolve_minutes"])),
                   (_(N_("p90 to\nresolve")), lambda r: _short(r["p90_resolve_minutes"])),
                   (_(N_("re-\nopened")), lambda r: str(r["reopened"])),
                   (_(N_("changes\n/failed")), lambda r: f"{r['changes_deployed']}/{r['changes_failed']}"),
                   (_(N_("feedback\n+/-/=")), lambda r: "{compliment}/{complaint}/{comment}".format(**r["feedback"])),
                   (_(N_("time\nbillable")), lambda r: _short(r["billable_minutes"])),
                   (_(N_("not\nbillable")), lambda r: _short(r["non_billable_minutes"]))]
        rows = [*report["rows"], {"customer": None, **report["total"]}]  # None: the total's row
        # on a small terminal the figures come in two tables, so that every heading reads whole
        parts = [columns] if self.size.width >= self.ONE_TABLE_FROM else [columns[:6], columns[6:]]
        tables = []
        for part in parts:
            t = Table(expand=True, box=None, padding=(0, 1), header_style="bold")
            t.add_column("\n" + _("customer"), no_wrap=True, ratio=1, min_width=12)
            for heading, _value in part:
                t.add_column(heading, justify="right", no_wrap=True)
            for r in rows:
                style = "bold" if r["customer"] is None else ""
                t.add_row(Text(perf.shown_name(r["customer"]) if r["customer"] is not None else _("Total"), style=style,
                               overflow="ellipsis"), *[value(r) for _h, value in part],
                          style=style)
            tables.append(t)
        self.query_one("#perf-table", Static).update(Group(*tables))
        self.query_one("#perf-charts", Static).update(self._charts(report))

    def _charts(self, report) -> Group:
        total = report["total"]
        charts = Table.grid(padding=(0, 3))
        charts.add_column()
        charts.add_column()
        left = Table.grid(padding=(0, 1))
        left.add_column(width=24)
        left.add_column(width=22)
        left.add_column(justify="right")
        left.add_row(Text(_("By service"), style="bold"), "", "")
        top = max(total["by_service"].values(), default=0)
        for name, n in sorted(total["by_service"].items(), key=lambda kv: -kv[1]):
            left.add_row(perf.shown_name(name)[:24], Text(_bar(n, top), style="cyan"), str(n))
        right = Table.grid(padding=(0, 1))
        right.add_column(width=16)
        right.add_column(width=22)
        right.add_column(justify="right")
        right.add_row(Text(_("Targets met"), style="bold"), "", "")
        for label, met, measured in ((_("response"), total["response_met"], total["response_measured"]),
                                     (_("resolution"), total["resolution_met"], total["resolution_measured"])):
            # met and missed read without colour: full blocks met, light ones missed, and the words beside
            right.add_row(label, Text(_bar(met, measured), style="green")
                          + Text(_bar(measured - met, measured, "░"), style="red"),
                          _("{pct} met, {missed} missed").format(pct=perf.pct(met, measured), missed=measured - met))
        top = max(total["by_priority"].values(), default=0)
        right.add_row(Text(_("By priority"), style="bold"), "", "")
        for q, n in total["by_priority"].items():
            right.add_row(q, Text(_bar(n, top), style="yellow"), str(n))
        if self.size.width >= self.ONE_TABLE_FROM:
            charts.add_row(left, right)
        else:
            charts.add_row(left)
            charts.add_row(right)
        weekly = self._weekly()
        parts: list[RenderableType] = [charts, Text.assemble((_("Incidents opened per week") + "  ", "bold"),
                                                             (sparkline(weekly), "cyan"),
                                                             ("  " + ngettext("({n} week)", "({n} weeks)",
                                                                              len(weekly)).format(n=len(weekly)),
                                                              "dim"))]
        parts += [Text(_("Previous actions"), style="bold"),
                  Text(report["previous_actions"] or _("None recorded."), style="dim")]
        return Group(*parts)

    def _weekly(self) -> list[int]:
        """Incidents opened per week of the period, weeks starting at the period's first local day."""

        p = self.period
        lo, hi = p.moments()

        def midnight(day):  # local, in the offset of that day
            return clock.ensure_utc(datetime.combine(day, time()))

        weeks = (p.end - p.start).days // 7 + 1
        bounds = [midnight(p.start + timedelta(days=7 * i)) for i in range(weeks + 1)]
        bounds[0], bounds[-1] = max(lo, bounds[0]), min(hi, bounds[-1])  # within the report's period
        return self.store.incident_counts_between("opened_at", bounds,
                                                  IncidentQuery(problems=False, customer=self.customer))

    def action_back(self) -> None:
        go_back(self)

    def action_shift(self, step: int) -> None:
        try:
            self.period = self.period.next() if step > 0 else self.period.previous()
        except VseError as exc:  # past the last year a period may have
            self.notify(str(exc), severity="warning")
            return
        self.reload()

    def action_period(self) -> None:
        store = self.store
        customers = [(t, u) for u, t in store.titles("customers").items()]
        fields = [Field("period", _("Period"), value=self.period.label,
                        placeholder=_("2026-Q3, 2026-09, 2026 or FROM..TO"), required=True),
                  Field("customer", _("Customer"), "select", self.customer, customers)]

        def submit(v):
            return parse_period(v["period"]), (resolve(store, "customers", v["customer"]) if v["customer"] else None)

        def done(result) -> None:
            if result is not None:
                self.period, self.customer = result
                self.reload()

        self.app.push_screen(FormScreen(fields, submit, _("Performance report: period and customer")), done)

    def action_save(self) -> None:
        if self.report is None:
            self.notify(_("Still counting; try again in a moment"))
            return
        report = self.report  # saved as shown: not counted a second time
        fields = [Field("proposed_actions", _("Proposed"), "text", "",
                        placeholder=_("what you will do about what it shows"))]

        def done(result) -> None:
            if result is not None:
                self.notify(_("Saved {ref} as a draft; approve it on its record (a)").format(ref=result.id),
                            title=_("Performance report"))
                self.app.open_record(result.id)

        self.app.push_screen(FormScreen(fields, lambda v: save(self.store, self.period, self.customer,
                                                              v["proposed_actions"] or "", report=report),
                                        _("Save the {period} report (RE.2.4, WP.19)").format(
                                            period=self.period.label)), done)

    def action_export(self) -> None:
        if self.report is None:
            self.notify(_("Still counting; try again in a moment"))
            return
        folder = export_dir()
        name = f"performance-{self.period.label.replace('..', '_')}" + (
            f"-{self.report['customer'].lower().replace(' ', '-')}" if self.report["customer"] else "")

        try:
            md, _csv = perf.write_exports(folder, name, self.report, self.store.setting("shop_name", "") or "")
        except VseError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Written {markdown} and {csv}").format(markdown=md, csv=Path(md).with_suffix(".csv").name),
                    title=_("Exported"), timeout=10)
