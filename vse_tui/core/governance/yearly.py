"""The yearly look back (GO.4.1 prepare the improvement report, GO.4.2 management reviews it): when
it falls due, and the plan for the first one that the setup's last step records.

The plan is three settings written together (when, who prepares it, who approves it), each with
its history row: a plan, not evidence. Only an improvement report (WP.07) performs GO.4.1 and
GO.4.2; saving the plan never does."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from vse_tui.i18n import _, formats

from ..kernel import clock
from ..kernel.errors import InputError
from ..present.labels import role_named
from .approvals import state as approval_state

if TYPE_CHECKING:
    from ..model.ports import Reads, StorePort

YEAR = 365
# the plan's settings (stored keys, never translated)
PLAN_DUE, PLAN_PREPARER, PLAN_APPROVER = "improvement_due", "improvement_preparer", "improvement_approver"
PREPARES, APPROVES = "SM", "MGT"  # who prepares the report (GO.4.1) and who reviews and approves it (GO.4.2)


def review_intervals(store: Reads) -> dict[str, int]:
    """task -> days after which its evidence is stale: the approved policy's `review_intervals`,
    else the shop's defaults (tasks.toml's cadence_days). A policy edited and not yet approved
    again is not in force: the defaults apply until it is."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    out = {t.code: t.cadence_days for t in load_standard().tasks if t.cadence_days}
    policy = store.latest("policies")
    if policy is not None and approval_state(policy).current:  # the policy in force: its approved content
        out.update({k: int(v) for k, v in (policy.review_intervals or {}).items() if str(v).isdigit()})
    return out


def _day(value: object) -> date:
    return date.fromisoformat(str(value)[:10])


def first_report_due(store: Reads) -> date | None:
    """When the first improvement report falls due, while none is approved yet: the date the owner
    planned, else one review interval after the shop's first records (never on day one). None
    before any policy exists, and once a report is approved (the next then follows that one)."""
    if store.exists("improvement_reports", {"status": "approved"}):
        return None
    planned = store.setting(PLAN_DUE)
    if planned:
        return _day(planned)
    first = store.row("policies", ["created_at"], {}, order="created_at")
    if not (first and first[0]):
        return None
    return _day(first[0]) + timedelta(days=review_intervals(store).get("GO.4.1") or YEAR)


def has_a_year(store: Reads, today: date | None = None) -> bool:
    """True when the records already reach a year back (an import of past incidents, say): there is
    something to look back on now."""
    today = today or clock.today()
    row = store.row("incidents", ["opened_at"], {"opened_at__isnull": False}, order="opened_at")
    return row is not None and bool(row[0]) and _day(row[0]) <= today - timedelta(days=YEAR)


def holders(store: Reads, role: str) -> dict[str, str]:
    """uuid -> name of the active internal people who hold `role` now."""
    names = store.titles("people")
    out: dict[str, str] = {}
    for (person,) in store.rows("role_assignments", ["person"], {"role": role, "state": "active"}):
        if person in names:
            out[person] = names[person]
    return out


def plan(store: Reads) -> dict[str, str]:
    """The stored plan: due, preparer and approver (uuids); empty strings where not planned."""
    return {"due": store.setting(PLAN_DUE) or "", "preparer": store.setting(PLAN_PREPARER) or "",
            "approver": store.setting(PLAN_APPROVER) or ""}


def planned(store: Reads) -> bool:
    return bool(store.setting(PLAN_DUE))


def _person(store: Reads, role: str, given: str, label: str) -> str:
    """A holder of `role` given by uuid or by name (any case); a clear error names the holders."""
    found = holders(store, role)
    given = (given or "").strip()
    if not given and len(found) == 1:
        return next(iter(found))
    if given in found:
        return given
    by_name = [uuid for uuid, name in found.items() if name.casefold() == given.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    if not found:
        raise InputError(_("{field}: nobody holds the role {role} yet (the Roles step gives it)").format(
            field=label, role=role_named(role)))
    raise InputError(_("{field}: choose one of the people who hold {role}: {names}").format(
        field=label, role=role_named(role), names=", ".join(sorted(found.values()))))


def save_plan(store: StorePort, due: str, preparer: str, approver: str) -> dict[str, str]:
    """Record the plan for the first improvement report: its due date, who prepares it (a holder of
    SM) and who approves it (a holder of MGT). One transaction, a history row per setting changed.
    It performs no task: the evidence map counts only an improvement report."""
    try:
        when = formats.parse_date(due or "")  # as the person's language writes it
    except formats.ParseError as exc:
        raise InputError(_("{label}: {error}").format(label=_("Due"), error=exc), field="due") from None
    if when <= clock.today():
        raise InputError(_("Due: {day} is not after today: plan the first look back for a later day, or draft "
                           "the improvement report now").format(day=formats.date_text(when)), field="due")
    who = _person(store, PREPARES, preparer, _("Prepared by"))
    approving = _person(store, APPROVES, approver, _("Approved by"))
    with store.transaction():
        store.set_setting(PLAN_DUE, when.isoformat(), task=None)
        store.set_setting(PLAN_PREPARER, who, task=None)
        store.set_setting(PLAN_APPROVER, approving, task=None)
    return plan(store)


def said(store: Reads) -> str:
    """The stored plan in one sentence, as the wizard and the command line confirm it."""
    stored, names = plan(store), store.titles("people")
    return _("First improvement report due {day}: {preparer} prepares it, {approver} approves it.").format(
        day=formats.date_text(_day(stored["due"])), preparer=names.get(stored["preparer"], "?"),
        approver=names.get(stored["approver"], "?"))


__all__ = ["APPROVES", "PREPARES", "first_report_due", "has_a_year", "holders", "plan", "planned",
           "review_intervals", "said", "save_plan"]
