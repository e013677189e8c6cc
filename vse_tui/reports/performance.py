"""The service performance report (WP.19, RE.2.4): what happened in a period, per customer, against
the agreed targets counted in the service hours.

Definitions (README repeats them):
- incidents: opened in the period (problems found by the shop itself are left out);
- response met: the first response (or the restoration, if it came first) within the respond
  target; resolution met: restored within the resolve target, the clock paused while waiting;
  an incident still open past its target counts as a resolution breach;
- breached: incidents with a response or a resolution breach;
- time to resolve: service-hours minutes from opening to restoration, waiting time left out;
  the 90th percentile is the nearest-rank one;
- reopened: incidents of the period reopened at least once;
- changes deployed: deployed in the period; failed: of those, the ones whose last test report
  failed, plus changes of the period whose test failed and were not deployed;
- feedback: entries received in the period, by type;
- time spent: entries dated in the period on any incident of the customer.
"""

from __future__ import annotations

import calendar
import io
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from vse_tui.i18n import _, formats, pgettext

from ..core.control.queries import changes_with_a_failed_test, failed_a_test_between
from ..core.incidents.lists import IncidentQuery
from ..core.incidents.targets import assess, target_for
from ..core.kernel import clock
from ..core.kernel.errors import InputError
from ..core.relationship.queries import feedback_received_between, previous_proposed_actions
from ..i18n.formats import locale, number, percent
from ..store.files import private_folder, write_text
from . import words
from .csvfile import write_csv

PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
FEEDBACK_TYPES = ("compliment", "complaint", "comment")
NONE_CUSTOMER = "(no customer)"  # stored in a saved report's figures: shown through shown_name
NO_SERVICE = "(no service)"


@dataclass(frozen=True)
class _Row:
    """What the target lookup needs of an incident."""

    customer: str | None
    service: str | None
    priority: str


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def moments(self) -> tuple[datetime, datetime]:
        """The period as moments [from, to) in UTC: from the start of its first local day to the
        start of the day after its last."""
        lo = clock.ensure_utc(datetime.combine(self.start, time(0)))
        hi = clock.ensure_utc(datetime.combine(self.end + timedelta(days=1), time(0)))
        return lo, hi

    def bounds(self) -> tuple[str, str]:
        """The same, as UTC ISO text."""
        lo, hi = self.moments()
        return clock.iso(lo) or "", clock.iso(hi) or ""

    def previous(self) -> Period:
        return _shift(self, -1)

    def next(self) -> Period:
        return _shift(self, 1)


FIRST_YEAR, LAST_YEAR = 1900, 9998  # a period's year (the one before and after it exist too)


def parse_period(text: str) -> Period:
    """'2026-Q3', '2026-09', '2026' or 'FROM..TO' (dates, both included)."""
    text = (text or "").strip()
    for year in re.findall(r"(?<!\d)\d{4}(?!\d)", text)[:2]:
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:  # a report compares with the period before and after
            raise InputError(_("period: {text}: the year {year} is out of range (from {first} to {last})").format(text=repr(text), year=year, first=FIRST_YEAR, last=LAST_YEAR))
    m = re.fullmatch(r"(\d{4})-?Q([1-4])", text, re.IGNORECASE)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        start = date(y, 3 * q - 2, 1)
        return Period(start, date(y, 3 * q, calendar.monthrange(y, 3 * q)[1]), f"{y}-Q{q}")
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise InputError(_("period: {text}: there is no month {month}").format(text=repr(text), month=mo))
        return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), f"{y}-{mo:02d}")
    if re.fullmatch(r"\d{4}", text):
        y = int(text)
        return Period(date(y, 1, 1), date(y, 12, 31), text)
    if ".." in text:
        a, _sep, b = text.partition("..")
        days = []
        for part in (a.strip(), b.strip()):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
                raise InputError(_("period: {text}: write dates as YYYY-MM-DD..YYYY-MM-DD").format(text=repr(text)))
            try:
                days.append(date.fromisoformat(part))
            except ValueError:
                raise InputError(_("period: {part} does not exist (no such day in that month)").format(part=part)) from None
        start, end = days
        if end < start:
            raise InputError(_("period: {text} ends before it starts").format(text=repr(text)))
        return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
    raise InputError(_("period: {text} is not a period (write 2026-Q3, 2026-09, 2026 or 2026-07-01..2026-09-30)").format(text=repr(text)))


def _shift(p: Period, step: int) -> Period:
    if re.fullmatch(r"\d{4}-Q[1-4]", p.label):
        y, q = int(p.label[:4]), int(p.label[-1])
        q += step
        y, q = y + (q - 1) // 4, (q - 1) % 4 + 1
        return parse_period(f"{y}-Q{q}")
    if re.fullmatch(r"\d{4}-\d{2}", p.label):
        y, m = int(p.label[:4]), int(p.label[5:]) + step
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return parse_period(f"{y}-{m:02d}")
    if re.fullmatch(r"\d{4}", p.label):
        return parse_period(str(int(p.label) + step))
    days = (p.end - p.start).days + 1
    start = p.start + timedelta(days=days * step)
    return parse_period(f"{start.isoformat()}..{(start + timedelta(days=days - 1)).isoformat()}")


def current_quarter(today: date | None = None) -> Period:
    today = today or clock.today()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def _empty() -> dict[str, Any]:
    return {
        "incidents": 0, "by_priority": {p: 0 for p in PRIORITIES}, "by_service": {},
        "response_measured": 0, "response_met": 0, "resolution_measured": 0, "resolution_met": 0,
        "breached": 0, "resolved": 0, "mean_resolve_minutes": None, "p90_resolve_minutes": None,
        "reopened": 0, "changes_deployed": 0, "changes_failed": 0,
        "feedback": {t: 0 for t in FEEDBACK_TYPES}, "billable_minutes": 0, "non_billable_minutes": 0,
        "_resolve": [],
    }


def _p90(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


class _Groups(dict[str, dict[str, Any]]):
    """The figures of each customer, by name, begun when the customer is first counted."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def of(self, customer: str | None) -> dict[str, Any]:
        key = self.names.get(customer, NONE_CUSTOMER) if customer else NONE_CUSTOMER
        return self.setdefault(key, _empty())


def compute(store, period: Period, customer: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Every figure of the report, per customer (named) and in total. `customer` is a uuid. The
    verdict on each incident is `targets.assess`, the one the dashboard and the lists use."""
    now = now or clock.now()
    lo, hi = period.moments()
    names = store.titles("customers")
    groups = _Groups(names)
    if customer:
        groups.of(customer)
    _count_incidents(store, groups, lo, hi, customer, now)
    # time spent: entries dated in the period, on incidents of any date
    for cust, minutes, billable in store.time_spent_between(lo, hi, customer):
        groups.of(cust)["billable_minutes" if billable else "non_billable_minutes"] += minutes
    _count_changes(store, groups, lo, hi, customer)
    # feedback received in the period
    for company, ftype in feedback_received_between(store, lo, hi, customer):
        if company and company not in names:
            continue  # feedback from a supplier: not a customer's figure
        groups.of(company)["feedback"][ftype or "comment"] += 1

    rows = [{"customer": name, **_finish(groups[name])}
            for name in sorted(groups, key=lambda n: (n == NONE_CUSTOMER, n.lower()))]
    total = _empty()
    for figures in groups.values():
        _add(total, figures)
    previous = previous_proposed_actions(store, period.start, customer)
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(), "label": period.label},
        "customer": names.get(customer) if customer else None,
        "rows": rows, "total": _finish(total), "previous_actions": previous,
    }


def _count_incidents(store, groups: _Groups, lo: datetime, hi: datetime, customer: str | None,
                     now: datetime) -> None:
    """The incidents opened in [lo, hi), each judged against its target (problems left out)."""
    services = store.titles("services")
    cache: dict = {}
    # plain rows, not whole records: a quarter of a busy shop is tens of thousands of them
    for inc in store.each_incident_row(IncidentQuery(opened=(lo, hi), customer=customer, problems=False),
                                       sort="oldest"):
        g = groups.of(inc.customer)
        g["incidents"] += 1
        g["by_priority"][inc.priority] += 1
        svc = services.get(inc.service, NO_SERVICE) if inc.service else NO_SERVICE
        g["by_service"][svc] = g["by_service"].get(svc, 0) + 1
        g["reopened"] += 1 if inc.reopened else 0
        verdict = assess(inc, target_for(store, inc, cache), now)
        if verdict.response_met is not None:
            g["response_measured"] += 1
            g["response_met"] += 1 if verdict.response_met else 0
        if verdict.resolution_met is not None:
            g["resolution_measured"] += 1
            g["resolution_met"] += 1 if verdict.resolution_met else 0
        if verdict.resolve_minutes is not None:
            g["resolved"] += 1
            g["_resolve"].append(verdict.resolve_minutes)
        g["breached"] += 1 if verdict.breached else 0


def _count_changes(store, groups: _Groups, lo: datetime, hi: datetime, customer: str | None) -> None:
    """The changes deployed in [lo, hi), and the failed ones: deployed then with a failing test
    report, or not deployed and failing a test in the period."""
    fails = changes_with_a_failed_test(store)
    for uuid, cust, deployed in store.rows("change_requests", ["uuid", "customer", "deployed_at"]):
        if customer and cust != customer:
            continue
        if deployed and clock.iso(lo) <= deployed < clock.iso(hi):
            g = groups.of(cust)
            g["changes_deployed"] += 1
            if uuid in fails:
                g["changes_failed"] += 1
        elif uuid in fails and not deployed and failed_a_test_between(store, uuid, lo, hi):
            groups.of(cust)["changes_failed"] += 1


def _add(total: dict[str, Any], g: dict[str, Any]) -> None:
    for k, v in g.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                total[k][kk] = total[k].get(kk, 0) + vv
        elif k == "_resolve":
            total[k].extend(v)
        elif isinstance(v, int):
            total[k] += v


def _finish(g: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in g.items() if k != "_resolve"}
    values = g["_resolve"]
    out["mean_resolve_minutes"] = round(sum(values) / len(values)) if values else None
    out["p90_resolve_minutes"] = _p90(values)
    out["by_service"] = dict(sorted(g["by_service"].items()))
    return out


# ---------------------------------------------------------------- output

def pct(met: int, measured: int) -> str:
    """A share met, as the report's language writes it: 85% (en), 85 % (es, fr)."""

    return percent(100 * met / measured) if measured else "-"


def minutes_text(value: int | None) -> str:
    if value is None:
        return "-"

    _day, hour, minute = locale().units
    h, m = divmod(int(value), 60)
    return f"{number(h)}{hour} {m:02d}{minute}" if h else f"{m}{minute}"


SCALARS = ("incidents", "response_measured", "response_met", "resolution_measured", "resolution_met", "breached",
           "resolved", "mean_resolve_minutes", "p90_resolve_minutes", "reopened", "changes_deployed",
           "changes_failed", "billable_minutes", "non_billable_minutes")


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def to_csv(report: dict[str, Any]) -> str:
    services = sorted({s for r in report["rows"] for s in r["by_service"]})
    titles = csv_titles()
    head = [titles["customer"], *(titles[k] for k in SCALARS), *PRIORITIES,
            *(titles[f"feedback_{t}"] for t in FEEDBACK_TYPES),
            *(_("service:{name}").format(name=shown_name(s)) for s in services)]
    buf = io.StringIO()
    write_csv(buf, head, ([row["customer"], *("" if row[k] is None else row[k] for k in SCALARS),
                           *(row["by_priority"][p] for p in PRIORITIES), *(row["feedback"][t] for t in FEEDBACK_TYPES),
                           *(row["by_service"].get(s, 0) for s in services)]
                          for row in [*({**r, "customer": shown_name(r["customer"])} for r in report["rows"]),
                                      {"customer": pgettext("csv", "TOTAL"), **report["total"]}]))
    return buf.getvalue()


def csv_titles() -> dict[str, str]:
    """The CSV's column headings as a person reads them in a spreadsheet."""
    return {
        "customer": pgettext("csv", "customer"), "incidents": pgettext("csv", "incidents"),
        "response_measured": pgettext("csv", "response_measured"), "response_met": pgettext("csv", "response_met"),
        "resolution_measured": pgettext("csv", "resolution_measured"),
        "resolution_met": pgettext("csv", "resolution_met"), "breached": pgettext("csv", "breached"),
        "resolved": pgettext("csv", "resolved"), "mean_resolve_minutes": pgettext("csv", "mean_resolve_minutes"),
        "p90_resolve_minutes": pgettext("csv", "p90_resolve_minutes"), "reopened": pgettext("csv", "reopened"),
        "changes_deployed": pgettext("csv", "changes_deployed"), "changes_failed": pgettext("csv", "changes_failed"),
        "billable_minutes": pgettext("csv", "billable_minutes"),
        "non_billable_minutes": pgettext("csv", "non_billable_minutes"),
        "feedback_compliment": pgettext("csv", "feedback_compliment"),
        "feedback_complaint": pgettext("csv", "feedback_complaint"),
        "feedback_comment": pgettext("csv", "feedback_comment"),
    }


def shown_name(name: str) -> str:
    """A group's name as shown: the stand-ins for no customer and no service in the reader's language."""
    if name == NONE_CUSTOMER:
        return _("(no customer)")
    if name == NO_SERVICE:
        return _("(no service)")
    return name


def to_markdown(report: dict[str, Any], shop: str = "", proposed_actions: str = "") -> str:
    p = report["period"]
    title = (_("# Service performance report {period}: {shop}").format(period=formats.period_name(p["label"]), shop=shop) if shop
             else _("# Service performance report {period}").format(period=formats.period_name(p["label"])))
    if report["customer"]:
        scope = _("Period {start} to {end}, customer {customer}. Times are counted in each service's hours.").format(
            start=words.day(p["from"]), end=words.day(p["to"]), customer=report["customer"])
    else:
        scope = _("Period {start} to {end}, all customers. Times are counted in each service's hours.").format(
            start=words.day(p["from"]), end=words.day(p["to"]))
    lines = [title, "", scope, ""]
    rows = [*report["rows"], {"customer": _("**Total**"), **report["total"]}]
    lines += [_("| Customer | Incidents | P1 | P2 | P3 | P4 | P5 | Response met | Resolution met | Breached | Mean to "
                "resolve | P90 to resolve | Reopened | Changes deployed | Failed | Feedback (+/-/=) | Billable | Not "
                "billable |"),
              "|" + "---|" * 18]
    for r in rows:
        fb = r["feedback"]
        lines.append(
            f"| {shown_name(r['customer'])} | {r['incidents']} | " + " | ".join(str(r["by_priority"][q]) for q in PRIORITIES)
            + f" | {pct(r['response_met'], r['response_measured'])} ({r['response_met']}/{r['response_measured']})"
            f" | {pct(r['resolution_met'], r['resolution_measured'])} ({r['resolution_met']}/{r['resolution_measured']})"
            f" | {r['breached']} | {minutes_text(r['mean_resolve_minutes'])} | {minutes_text(r['p90_resolve_minutes'])}"
            f" | {r['reopened']} | {r['changes_deployed']} | {r['changes_failed']}"
            f" | {fb['compliment']}/{fb['complaint']}/{fb['comment']} | {minutes_text(r['billable_minutes'])}"
            f" | {minutes_text(r['non_billable_minutes'])} |")
    services = report["total"]["by_service"]
    if services:
        lines += ["", _("## Incidents by service"), "", _("| Service | Incidents |"), "|---|---|"]
        lines += [f"| {shown_name(s)} | {n} |" for s, n in services.items()]
    lines += ["", _("## Previous actions"), "", report.get("previous_actions") or _("None recorded."), "",
              _("## Proposed actions"), "", proposed_actions or _("To be written by the relationship manager."), ""]
    return "\n".join(lines)


def write_exports(folder, name: str, report: dict[str, Any], shop: str = "") -> tuple[Any, Any]:
    """The report on screen as Markdown and CSV in `folder`: private files written whole (an
    existing export of the same name is replaced)."""

    folder = private_folder(Path(folder))
    md = write_text(folder / f"{name}.md", to_markdown(report, shop), force=True, what="report")
    csv_file = write_text(folder / f"{name}.csv", to_csv(report), force=True, what="report")
    return md, csv_file


def save(store, period: Period, customer: str | None = None, proposed_actions: str = "", title: str | None = None,
         report: dict | None = None):
    """Store the report as a draft WP.19 with its figures (RE.2.4); approval follows on the record.
    `report`: the figures already computed for this period and customer (what the user reviewed)."""
    # here, not at the top: importing it loads pydantic
    from ..core.model.records.relationship import PerformanceReport

    report = report or compute(store, period, customer)
    if report["customer"]:
        title = title or _("Service performance {period}, {customer}").format(period=formats.period_name(period.label),
                                                                             customer=report["customer"])
    else:  # the period as the language names it (a stored title is written once, in the language spoken)
        title = title or _("Service performance {period}, all customers").format(period=formats.period_name(period.label))
    rec = PerformanceReport(title=title, period_start=period.start,
                period_end=period.end, customer=customer, period_performance=report,
                previous_actions=report["previous_actions"], proposed_actions=proposed_actions.strip())
    return store.add(rec, task="RE.2.4")
