"""Reports that agree with the records: the figures an approved performance report (WP.19) or
improvement report (WP.07) was approved with, recomputed from the records of its period, each
figure that differs named. The figures are the report's content (the performance report's
`period_performance`, the improvement report's `figures`), so its approval binds them.

Only the counts that cannot move once a period is over are compared (incidents opened in it, by
priority, changes deployed, feedback received), and only for a report approved after its period
ended: a figure that differs then was typed, or the records were changed or back-dated since.

`audit_findings` is the one list `audit check`, its screen and the audit pack show: the core's
findings and these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, pgettext

from ..core.evidence.audit_check import review
from ..core.governance.approvals import state
from ..core.kernel import clock
from ..core.kernel.findings import Finding
from ..core.present.labels import figure_name
from ..core.relationship.queries import count_complaints_received_between
from .performance import Period, compute

if TYPE_CHECKING:
    from ..core.model.ports import StorePort


def stable_figures(report: dict[str, Any]) -> dict[str, int]:
    """The counts of a performance report's total that a finished period keeps."""
    total = report.get("total") or {}
    out: dict[str, int] = {}
    for name in ("incidents", "changes_deployed"):
        if isinstance(total.get(name), int):
            out[name] = total[name]
    for group in ("by_priority", "feedback"):
        for key, value in (total.get(group) or {}).items():
            if isinstance(value, int):
                out[f"{group.replace('by_', '')} {key}"] = value
    return out


def improvement_figures(store: StorePort, period: Period) -> dict[str, int]:
    """The figures an improvement report is written from and approved with."""
    figures = stable_figures(compute(store, period))
    lo, hi = period.moments()
    figures["complaints"] = count_complaints_received_between(store, lo, hi)
    return figures


def _approved_after_period(rec: Any) -> bool:
    st = state(rec)
    if not st.current or st.latest is None or rec.period_end is None:
        return False
    return clock.to_local(st.latest.at).date() > rec.period_end


def differences(stored: dict[str, Any], now: dict[str, int]) -> list[str]:
    out = []
    for name, value in now.items():
        was = stored.get(name)
        if isinstance(was, int) and was != value:
            out.append(_("{name}: {was} in the report, {value} in the records").format(name=figure_name(name), was=was,
                                                                                         value=value))
    return out


def contradictions(store: StorePort) -> list[Finding]:
    """Each approved report whose figures the records of its period contradict."""
    out = []
    for rec in store.records("performance_reports", {"status": "approved"}, order="-seq", limit=200):
        if not rec.period_start or not _approved_after_period(rec):
            continue
        period = Period(rec.period_start, rec.period_end, "")
        stored = stable_figures(rec.period_performance or {})
        now = stable_figures(compute(store, period, rec.customer))
        diff = differences(stored, now) + [_("{name}: missing from the report").format(name=figure_name(name))
                                           for name in now if name not in stored]
        if diff:
            out.append(Finding("report", (rec.id,), _("approved figures the records contradict: {differences}").format(
                differences=pgettext("list separator", "; ").join(diff))))
    for rec in store.records("improvement_reports", {"status": "approved"}, order="-seq", limit=50):
        if not rec.period_start or not _approved_after_period(rec):
            continue
        if not rec.figures:
            out.append(Finding("report", (rec.id,), _("approved with no figures to check against the records")))
            continue
        diff = differences(rec.figures, improvement_figures(store, Period(rec.period_start, rec.period_end, "")))
        if diff:
            out.append(Finding("report", (rec.id,), _("approved figures the records contradict: {differences}").format(
                differences=pgettext("list separator", "; ").join(diff))))
    return out


def audit_findings(store: StorePort) -> list[Finding]:
    """Every finding of `audit check`: the core's rules, then reports the records contradict."""

    return audit_review(store)[0]


def audit_review(store: StorePort) -> tuple[list[Finding], list[Finding]]:
    """`audit check` whole: every finding (as `audit_findings`), and the warnings answered with a
    compensating control the records show (read by an assessor, not open findings)."""

    findings, mitigated = review(store)
    return findings + contradictions(store), mitigated


__all__ = ["audit_findings", "audit_review", "contradictions", "differences", "improvement_figures", "stable_figures"]
