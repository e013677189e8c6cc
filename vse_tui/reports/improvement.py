"""The improvement report (WP.07, GO.4.1): drafted from the period's records (goals against the
policy's objectives, performance against agreements, feedback, incident and change trends, open
role-rule warnings); the owner writes the assessments and actions, then approves it (GO.4.2)."""

from __future__ import annotations

import json
from typing import Any

from vse_tui.i18n import _, formats, ngettext, pgettext

from ..core.control.queries import changes_deployed_between
from ..core.evidence.due import due_items
from ..core.incidents.lists import IncidentQuery
from ..core.kernel import clock
from ..core.relationship.queries import complaints_received_between
from . import words
from .figures import improvement_figures
from .performance import Period, compute, parse_period, pct, shown_name


def gather(store, period: Period) -> dict[str, Any]:
    """The figures the draft is written from (also what `--format json` prints)."""
    # here, not at the top: importing it loads pydantic
    from ..core.evidence.duties import acknowledgement_problem
    from ..core.governance.roles import warnings

    perf = compute(store, period)

    lo, hi = period.moments()
    policy = store.row("policies", ["id", "objectives"], {"status": ("approved", "updated")})
    complaints = complaints_received_between(store, lo, hi)
    changes = changes_deployed_between(store, lo, hi)
    rejected = store.count_history(kind="change_requests", field="status", new_value="rejected", between=(lo, hi))
    quarters = []
    start = period.start
    while start <= period.end:
        qp = _quarter_of(start)
        a, b = qp.moments()
        n = store.count_incidents(IncidentQuery(opened=(max(a, lo), min(b, hi)), problems=False))
        quarters.append({"quarter": qp.label, "incidents": n})
        start = qp.end + clock.timedelta(days=1)
    role_warnings = warnings(store)
    open_warnings = [w.line() for w in role_warnings if not w.acknowledged]
    # accepted: answered by a control the records show (the audit check's own test); the others stay findings
    accepted: list[str] = []
    uncounted: list[str] = []
    for w in role_warnings:
        if w.acknowledged:
            why = acknowledgement_problem(store, w.acknowledged)
            (accepted if why is None else uncounted).append(w.line() if why is None else _("{warning} ({why})").format(
                warning=w.line(), why=why))
    overdue = [d.title for d in due_items(store) if d.days() < 0]
    return {"period": perf["period"], "policy": policy[0] if policy else None,
            "objectives": (policy[1] or "") if policy else "", "performance": perf,
            "complaints": complaints, "changes_deployed": changes, "changes_rejected": rejected,
            "incidents_by_quarter": quarters, "open_role_warnings": open_warnings,
            "acknowledged_role_warnings": accepted, "uncounted_role_warnings": uncounted, "overdue_reviews": overdue}


def _quarter_of(day) -> Period:
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def draft_text(data: dict[str, Any]) -> dict[str, str]:
    """The draft's fields, in plain words the owner can edit."""
    return {"goals_achieved": _goals_text(data), "customer_view": _customer_text(data),
            "provider_view": _provider_text(data), "issues": _issues_text(data)}


def _goals_text(data: dict[str, Any]) -> str:
    """The policy's objectives, and the period's incidents against their targets."""
    t = data["performance"]["total"]
    goals = (_("Objectives ({policy}): {objectives}").format(
        policy=data["policy"], objectives=data["objectives"].strip() or _("none written")) + "\n" if data["policy"]
             else _("No approved policy yet: objectives cannot be checked (GO.2.2).") + "\n")
    goals += ngettext("In {period}: {n} incident; response met {response}, resolved in time {resolved}; {breached} "
                      "breached a target; {reopened} reopened.",
                      "In {period}: {n} incidents; response met {response}, resolved in time {resolved}; {breached} "
                      "breached a target; {reopened} reopened.", t["incidents"]).format(
                   period=formats.period_name(data["period"]["label"]), n=t["incidents"],
                   response=pct(t["response_met"], t["response_measured"]),
                   resolved=pct(t["resolution_met"], t["resolution_measured"]), breached=t["breached"],
                   reopened=t["reopened"])
    return goals


def _customer_text(data: dict[str, Any]) -> str:
    """The customers' view: feedback by type, the complaints said, each customer against the agreement."""
    perf = data["performance"]
    per_customer = pgettext("list separator", "; ").join(
        ngettext("{customer}: {n} incident, {resolved} resolved in time, {breached} breached",
                 "{customer}: {n} incidents, {resolved} resolved in time, {breached} breached", r["incidents"]).format(
            customer=shown_name(r["customer"]), n=r["incidents"],
            resolved=pct(r["resolution_met"], r["resolution_measured"]), breached=r["breached"])
        for r in perf["rows"]) or _("no incidents")
    fb = perf["total"]["feedback"]
    customer = _("Feedback received: {compliments}, {complaints}, {comments}.").format(
        compliments=ngettext("{n} compliment", "{n} compliments", fb["compliment"]).format(n=fb["compliment"]),
        complaints=ngettext("{n} complaint", "{n} complaints", fb["complaint"]).format(n=fb["complaint"]),
        comments=ngettext("{n} comment", "{n} comments", fb["comment"]).format(n=fb["comment"]))
    if data["complaints"]:
        counted: dict[str, int] = {}
        for c in data["complaints"]:
            key = c.strip().rstrip(".")
            counted[key] = counted.get(key, 0) + 1
        listed = pgettext("list separator", "; ").join(ngettext("{complaint}", "{complaint} ({n} times)", n).format(complaint=c, n=n)
                           for c, n in list(counted.items())[:10])
        customer += "\n" + _("Complaints: {complaints}.").format(complaints=listed)
    return customer + "\n" + _("Against the agreements: {per_customer}.").format(per_customer=per_customer)


def _deployed(change_type: str, n: int) -> str:
    """'3 normal': how many changes of a type were deployed, the type agreeing with the count."""
    if change_type == "emergency":
        return ngettext("{n} emergency", "{n} emergency", n).format(n=n)
    if change_type == "normal":
        return ngettext("{n} normal", "{n} normal", n).format(n=n)
    if change_type == "pre-approved":
        return ngettext("{n} pre-approved", "{n} pre-approved", n).format(n=n)
    return f"{n} {words.change_type(change_type)}"


def _provider_text(data: dict[str, Any]) -> str:
    """The provider's view: incidents per quarter, changes deployed and failed, time spent."""
    t = data["performance"]["total"]
    trend = ", ".join(_("{label}: {value}").format(label=formats.period_name(q["quarter"], short=True),
                                                         value=q["incidents"])
                      for q in data["incidents_by_quarter"])  # each quarter by its short name in the language
    deployed = ", ".join(_deployed(k, n) for k, n in sorted(data["changes_deployed"].items())) or _("none")
    return "\n".join((
        _("Incidents opened per quarter: {trend}.").format(trend=trend),
        _("Changes deployed: {deployed}; failed tests: {failed}; rejected requests: {rejected}.").format(
            deployed=deployed, failed=t["changes_failed"], rejected=data["changes_rejected"]),
        _("Time spent: {billable}h billable, {not_billable}h not billable.").format(
            billable=t["billable_minutes"] // 60, not_billable=t["non_billable_minutes"] // 60)))


def _issues_text(data: dict[str, Any]) -> str:
    """Role warnings open and accepted, and overdue reviews."""
    issues = []
    if data["open_role_warnings"]:
        issues.append(_("Role warnings not acknowledged: {warnings}").format(
            warnings=pgettext("list separator", "; ").join(data["open_role_warnings"])))
    if data["acknowledged_role_warnings"]:
        issues.append(_("Role warnings accepted with a mitigation: {warnings}").format(
            warnings=pgettext("list separator", "; ").join(data["acknowledged_role_warnings"])))
    if data.get("uncounted_role_warnings"):
        issues.append(_("Role warnings acknowledged with a mitigation the audit check does not count: {warnings}").format(
            warnings=pgettext("list separator", "; ").join(data["uncounted_role_warnings"])))
    if data["overdue_reviews"]:
        issues.append(_("Overdue: {items}").format(items=pgettext("list separator", "; ").join(data["overdue_reviews"])))
    return "\n".join(issues) or _("None found in the records.")


def draft(store, period: Period, title: str | None = None):
    """Store the draft WP.07 for the period (GO.4.1); the owner completes and approves it."""
    # here, not at the top: importing it loads pydantic
    from ..core.model.records.governance import ImprovementReport

    data = gather(store, period)
    fields = draft_text(data)

    rec = ImprovementReport(title=title or _("Improvement report {period}").format(period=period.label), period_start=period.start, period_end=period.end,
                actions="", figures=improvement_figures(store, period), **fields)
    return store.add(rec, task="GO.4.1")


def to_markdown(data: dict[str, Any], shop: str = "") -> str:
    text = draft_text(data)
    title = (_("# Improvement report {period}: {shop}").format(period=formats.period_name(data["period"]["label"]), shop=shop) if shop
             else _("# Improvement report {period}").format(period=formats.period_name(data["period"]["label"])))
    lines = [title, ""]
    for heading, key in ((_("## Service goals against the policy's objectives"), "goals_achieved"),
                         (_("## The customers' view"), "customer_view"), (_("## The provider's view"), "provider_view"),
                         (_("## Issues"), "issues")):
        lines += [heading, "", text[key], ""]
    lines += [_("## Improvement actions"), "", _("To be written by the service manager."), ""]
    return "\n".join(lines)


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
