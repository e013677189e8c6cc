"""The improvement report (WP.07, GO.4.1): drafted from the period's records (goals against the
policy's objectives, performance against agreements, feedback, incident and change trends, open
role-rule warnings); the owner writes the assessments and actions, then approves it (GO.4.2)."""

from __future__ import annotations

import json
from typing import Any

from ..core.kernel import clock
from .performance import Period, compute, pct


def gather(store, period: Period) -> dict[str, Any]:
    """The figures the draft is written from (also what `--format json` prints)."""
    from ..core.evidence.due import due_items
    from ..core.governance.roles import warnings

    perf = compute(store, period)
    from ..core.incidents.lists import IncidentQuery

    lo, hi = period.moments()
    policy = store.row("policies", ["id", "objectives"], {"status": ("approved", "updated")})
    complaints = [t for (t,) in store.rows("feedback", ["title"], {"received_at__ge": lo, "received_at__lt": hi,
                                                                   "feedback_type": "complaint"}, order="received_at")]
    changes = store.group_count("change_requests", "change_type", {"deployed_at__ge": lo, "deployed_at__lt": hi})
    rejected = store.count_history(kind="change_requests", field="status", new_value="rejected", between=(lo, hi))
    quarters = []
    start = period.start
    while start <= period.end:
        qp = _quarter_of(start)
        a, b = qp.moments()
        n = store.count_incidents(IncidentQuery(opened=(max(a, lo), min(b, hi)), problems=False))
        quarters.append({"quarter": qp.label, "incidents": n})
        start = qp.end + clock.timedelta(days=1)
    open_warnings = [w.line() for w in warnings(store) if not w.acknowledged]
    accepted = [w.line() for w in warnings(store) if w.acknowledged]
    overdue = [d.title for d in due_items(store) if d.days() < 0]
    return {"period": perf["period"], "policy": policy[0] if policy else None,
            "objectives": (policy[1] or "") if policy else "", "performance": perf,
            "complaints": complaints, "changes_deployed": changes, "changes_rejected": rejected,
            "incidents_by_quarter": quarters, "open_role_warnings": open_warnings,
            "acknowledged_role_warnings": accepted, "overdue_reviews": overdue}


def _quarter_of(day) -> Period:
    from .performance import parse_period

    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def draft_text(data: dict[str, Any]) -> dict[str, str]:
    """The draft's fields, in plain words the owner can edit."""
    perf = data["performance"]
    t = perf["total"]
    per_customer = "; ".join(
        f"{r['customer']}: {r['incidents']} incidents, {pct(r['resolution_met'], r['resolution_measured'])} resolved in time, "
        f"{r['breached']} breached" for r in perf["rows"]) or "no incidents"
    goals = (f"Objectives ({data['policy']}): {data['objectives'].strip() or 'none written'}\n" if data["policy"]
             else "No approved policy yet: objectives cannot be checked (GO.2.2).\n")
    goals += (f"In {data['period']['label']}: {t['incidents']} incidents; response met "
              f"{pct(t['response_met'], t['response_measured'])}, resolved in time "
              f"{pct(t['resolution_met'], t['resolution_measured'])}; {t['breached']} breached a target; "
              f"{t['reopened']} reopened.")
    fb = t["feedback"]
    from ..core.kernel.text import count

    customer = (f"Feedback received: {count(fb['compliment'], 'compliment')}, {count(fb['complaint'], 'complaint')}, "
                f"{count(fb['comment'], 'comment')}.")
    if data["complaints"]:
        counted: dict[str, int] = {}
        for c in data["complaints"]:
            key = c.strip().rstrip(".")
            counted[key] = counted.get(key, 0) + 1
        customer += "\nComplaints: " + "; ".join(f"{c}" + (f" ({n} times)" if n > 1 else "")
                                                 for c, n in list(counted.items())[:10]) + "."
    customer += f"\nAgainst the agreements: {per_customer}."
    trend = ", ".join(f"{q['quarter']} {q['incidents']}" for q in data["incidents_by_quarter"])
    deployed = ", ".join(f"{n} {k}" for k, n in sorted(data["changes_deployed"].items())) or "none"
    provider = (f"Incidents opened per quarter: {trend}.\nChanges deployed: {deployed}; failed tests: "
                f"{t['changes_failed']}; rejected requests: {data['changes_rejected']}.\n"
                f"Time spent: {t['billable_minutes'] // 60}h billable, {t['non_billable_minutes'] // 60}h not billable.")
    issues = []
    if data["open_role_warnings"]:
        issues.append("Role warnings not acknowledged: " + "; ".join(data["open_role_warnings"]))
    if data["acknowledged_role_warnings"]:
        issues.append("Role warnings accepted with a mitigation: " + "; ".join(data["acknowledged_role_warnings"]))
    if data["overdue_reviews"]:
        issues.append("Overdue: " + "; ".join(data["overdue_reviews"]))
    return {"goals_achieved": goals, "customer_view": customer, "provider_view": provider,
            "issues": "\n".join(issues) or "None found in the records."}


def draft(store, period: Period, title: str | None = None):
    """Store the draft WP.07 for the period (GO.4.1); the owner completes and approves it."""
    from ..core.model.records.governance import ImprovementReport

    data = gather(store, period)
    fields = draft_text(data)
    from .figures import improvement_figures

    rec = ImprovementReport(title=title or f"Improvement report {period.label}", period_start=period.start, period_end=period.end,
                actions="", figures=improvement_figures(store, period), **fields)
    return store.add(rec, task="GO.4.1")


def to_markdown(data: dict[str, Any], shop: str = "") -> str:
    text = draft_text(data)
    lines = [f"# Improvement report {data['period']['label']}" + (f": {shop}" if shop else ""), ""]
    for heading, key in (("Service goals against the policy's objectives", "goals_achieved"),
                         ("The customers' view", "customer_view"), ("The provider's view", "provider_view"),
                         ("Issues", "issues")):
        lines += [f"## {heading}", "", text[key], ""]
    lines += ["## Improvement actions", "", "To be written by the service manager.", ""]
    return "\n".join(lines)


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
