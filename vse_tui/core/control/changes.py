"""Service control (CO): a change from request to post-deployment review, and the change schedule.

The path of a normal change, each step one transaction with its history rows:
  request (WP.11 draft)  -> evaluate: approve | reject (CO.2.1)
  -> schedule (CO.2.2: an entry of WP.12, with clash warnings)
  -> design (WP.16 approved, CO.2.3) -> build (WP.13 initial, CO.2.4)
  -> test (WP.20 published, pass or fail, CO.3.1)
  -> approve deployment (CO.3.2: WP.11 updated, WP.13 final; the builder approving warns)
  -> deploy (CO.3.4: configuration items, and the catalogue for a new or changed service, updated)
  -> review (CO.3.5).
An emergency change may be deployed before it is approved; it then shows as such. A pre-approved
change is made from a template: a change that went once through the whole normal path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import ValidationError

from vse_tui.i18n import N_, _, formats, listed

from ..governance.approvals import (
    attach_evidence,
    bind,
    bind_next,
    check_role,
    how_given,
    new,
    on_behalf,
    performing,
    role_warning,
)
from ..governance.people import me, name_of, person_ref
from ..governance.roles import RoleWarning, acknowledge
from ..kernel import clock
from ..kernel.errors import InputError
from ..model.lookup import resolve
from ..model.records import Approval
from ..model.records import control as records
from ..present.fields import parse
from ..present.invalid import describe_validation_error
from ..present.labels import code_word, field_name
from .schedule import overdue_changes

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..governance.roles import RoleWarning
    from ..model.ports import StorePort
    from ..model.records import Record
    from ..model.records.control import (
        BuiltChange,
        ChangeRequest,
        ChangeSchedule,
        ScheduleItem,
        TestReport,
    )

R = TypeVar("R", bound="Record")

STEPS = ("requested", "scheduled", "designed", "built", "tested", "ready", "deployed", "reviewed")
CLOSED_STATES = ("deployed", "reviewed", "cancelled")


def _get(store: StorePort, ref: str) -> ChangeRequest:
    return store.get("change_requests", ref)


def _make(model: type[R], **data: object) -> R:
    try:
        return model(**data)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _(model.LABEL).lower())) from None


def _at(text_or_dt: object) -> datetime | None:
    if text_or_dt in (None, ""):
        return None
    if isinstance(text_or_dt, datetime):
        return clock.ensure_utc(text_or_dt)
    text = str(text_or_dt).strip()
    try:  # as the person's language writes it (25/12/2026 15:07), as the forms offer it
        return clock.ensure_utc(formats.parse_moment(text))
    except formats.ParseError:
        pass
    try:  # ISO 8601 as a tool writes it (2026-12-25T15:07+01:00)
        return clock.parse_datetime(text.replace(" ", "T", 1))
    except ValueError:
        raise InputError(_("{text!r} is not a date and time (use {hint})").format(
            text=text, hint=formats.moment_hint())) from None


# ---------------------------------------------------------------- pre-approved types

def full_normal_path_gaps(store: StorePort, change: ChangeRequest) -> list[str]:
    """What a change still lacks to have gone through the whole normal path (empty when it has)."""
    gaps = []
    if change.change_type != "normal":
        gaps.append(_("it is a {type} change, not a normal one").format(type=code_word("change_type", change.change_type)))
    if not change.approvals or change.status not in ("approved", "updated"):
        gaps.append(_("approval of the request (CO.2.1)"))
    if not change.planned_at:
        gaps.append(_("a place on the schedule (CO.2.2)"))
    if not store.exists("service_designs", {"change": change.uuid, "status": "approved"}):
        gaps.append(_("an approved design (CO.2.3)"))
    if not store.exists("built_changes", {"change": change.uuid, "status": "final"}):
        gaps.append(_("a final build (CO.2.4, CO.3.2)"))
    if not store.exists("test_reports", {"change": change.uuid, "result": "pass"}):
        gaps.append(_("a passed test report (CO.3.1)"))
    if not change.deployed_at:
        gaps.append(_("deployment (CO.3.4)"))
    if change.state != "reviewed":
        gaps.append(_("a post-deployment review (CO.3.5)"))
    return gaps


def make_template(store: StorePort, ref: str) -> ChangeRequest:
    """Make a change's kind a pre-approved type. Allowed only after one full normal pass (the
    standard's note to CO.2.1): the refusal names each missing step."""
    change = _get(store, ref)
    gaps = full_normal_path_gaps(store, change)
    if gaps:
        raise InputError(_("{id} cannot define a pre-approved type yet: it has not gone through the full normal path "
                           "once. Missing: {gaps}").format(id=change.id, gaps=listed(gaps)))
    return store.update("change_requests", change.uuid, {"template": True}, task="CO.1.1")


def templates(store: StorePort) -> list[ChangeRequest]:
    return store.records("change_requests", {"template": True}, order="title")


# ---------------------------------------------------------------- CO.2.1 request and evaluate

def request(store: StorePort, title: str, *, change_type: str = "normal", cis: Sequence[str] = (), purpose: str = "",
            priority: str = "P3", risk: str = "medium", customer: str | None = None, service: str | None = None,
            date_needed: str | date | None = None, template: str | None = None, **fields: Any) -> ChangeRequest:
    """Record a change request (WP.11 draft). A pre-approved change must name its template (a
    change that earned the type); it is approved by that template at once."""

    title = (title or "").strip()
    data: dict[str, Any] = dict(fields)
    approvals: list[Approval] = []
    status, state = "draft", "requested"
    if change_type == "pre-approved" or template:
        if not template:
            names = ", ".join(f"{t.id} {t.title}" for t in templates(store)) or _("none yet")
            raise InputError(_("A pre-approved change is made from a pre-approved type (--template CHG-…): a change of "
                               "that kind that went once through the full normal path. Pre-approved types: {names}"
                               ).format(names=names))
        tpl = _get(store, template)
        if not tpl.template:
            gaps = full_normal_path_gaps(store, tpl)
            raise InputError((_("{id} is not a pre-approved type: it has not gone through the full normal path "
                                "(missing: {gaps})") if gaps else
                              _("{id} is not a pre-approved type yet: make it one first (vse-tui change make-template "
                                "{id}, or Make pre-approved type on its screen)")).format(id=tpl.id, gaps=listed(gaps)))
        change_type = "pre-approved"
        for name in ("purpose", "scope", "risk", "backout_plan", "assumptions", "constraints", "benefits", "cost", "service"):
            data.setdefault(name, getattr(tpl, name))
        data["template_from"] = tpl.uuid
        title = title or tpl.title
        made = store.last_task_row(tpl.uuid, "CO.1.1")  # who made the change a pre-approved type
        person = (made or {}).get("person") or store.actor.person
        approvals = [Approval(by=(made or {}).get("operator") or store.actor.operator, person=person,
                              at=store.write_time(), how="other",
                              note=_("pre-approved type {id}: approved by its type").format(id=tpl.id))]
        status = "approved"
    if isinstance(date_needed, str):
        try:
            date_needed = formats.parse_date(date_needed) if date_needed.strip() else None
        except formats.ParseError as exc:
            raise InputError(_("{label}: {error}").format(label=field_name("date_needed"), error=exc),
                             field="date_needed") from None
    ci_uuids = [resolve(store, "configuration_items", c) for c in cis]
    if purpose:
        data["purpose"] = purpose
    if customer:
        data["customer"] = resolve(store, "customers", customer)
    if service:
        data["service"] = resolve(store, "services", service)

    requested = data.pop("requested_by", None)
    data["requested_by"] = person_ref(store, requested, _("Requested by"), None) if requested else store.actor.person or ""
    change = _make(records.ChangeRequest, title=title, change_type=change_type, impacted_cis=ci_uuids, priority=priority,
                   risk=data.pop("risk", risk), date_needed=date_needed, status=status, state=state, **data)
    if approvals:
        change = change.model_copy(update={"approvals": [bind(a, change) for a in approvals]})
    return store.add(change, task="CO.2.1" if status == "approved" else "CO.1.2")


def request_warnings(store: StorePort, change: ChangeRequest) -> list[str]:
    out = []
    if change.change_type == "emergency":
        out.append(_("an emergency change may be deployed before it is approved; have it approved straight after"))
    return out


def evaluate(store: StorePort, ref: str, approve: bool, *, who: str | None = None, how: str = "other",
             noted_by: str | None = None, reason: str = "", mitigation: str | None = None,
             evidence: str | None = None) -> ChangeRequest:
    """CO.2.1: approve or reject a draft request: a signature of who decided, when and how, bound
    to the version decided on. A decision by someone without the task's role needs a mitigation;
    one given by someone other than the person at the keyboard is recorded on their behalf (how:
    e-mail or paper, with `evidence`, the message or the scan, attached)."""

    change = _get(store, ref)
    if change.status != "draft":
        raise InputError(_("{id} is {status}; only a draft request is evaluated").format(id=change.id, status=code_word("status", change.status)))
    if not approve and not reason.strip():
        raise InputError(_("Reason: say why the change is rejected (the requester will ask)"))
    approval = new(store, who, how, "approved" if approve else "reviewed", noted_by, reason)
    warning = check_role(store, "WP.11", approval, mitigation)
    behalf = on_behalf(store, approval, how, evidence)
    changes: dict[str, Any] = {"status": "approved" if approve else "rejected"}
    if not approve:
        changes["state"] = "cancelled"
    with store.transaction():
        if behalf:
            approval = attach_evidence(store, change, approval, evidence or "", change.version)
        changes["approvals"] = [*change.approvals, bind_next(approval, change)]
        if warning:
            acknowledge(store, warning, mitigation or "", record=change.uuid)
        return store.update("change_requests", change.uuid, changes, task="CO.2.1", expected_version=change.version)


# ---------------------------------------------------------------- the schedule (WP.12)

@overload
def schedule_document(store: StorePort, create: Literal[True] = ...) -> ChangeSchedule: ...
@overload
def schedule_document(store: StorePort, create: bool) -> ChangeSchedule | None: ...
def schedule_document(store: StorePort, create: bool = True) -> ChangeSchedule | None:
    """The change schedule document; made (initial) the first time the schedule is used."""
    doc = store.latest("change_schedules")
    if doc is None and create:
        # its title and starting rule are the shop's record: written in the language spoken
        doc = store.add(_make(records.ChangeSchedule, title=_("Change schedule"), status="initial",
                              rules=_("Normal changes go in an agreed change window; none during a business event.")),
                        task="CO.1.2")
    return doc


def _schedule_touched(store: StorePort, task: str, entry: str | None = None) -> None:
    """The schedule document records that an entry went on it or changed (its latest entry), under
    the task that did it; an approved schedule becomes updated."""
    doc = schedule_document(store)
    changes: dict[str, Any] = {"last_change": f"{task} {entry}"} if entry else {}
    if doc.status in ("approved", "initial"):
        changes["status"] = "updated"
    if changes:
        store.update("change_schedules", doc.uuid, changes, task=task)


@dataclass(frozen=True)
class Slot:
    title: str
    kind: str  # change | change window | maintenance window | business event
    starts: datetime
    ends: datetime
    ref: str  # SCH-… entry
    change: str | None = None  # CHG-… for a change
    change_type: str = ""
    cis: tuple[str, ...] = ()
    deployed: bool = False


def _occurrences(item: ScheduleItem, lo: datetime, hi: datetime) -> Iterator[tuple[datetime, datetime]]:
    ends = item.ends_at or item.starts_at + timedelta(hours=1)
    length = ends - item.starts_at
    start = item.starts_at
    if item.recurrence == "none":
        if start < hi and start + length > lo:
            yield start, start + length
        return
    step = 0
    while start < hi and step < 2000:
        if start + length > lo:
            yield start, start + length
        step += 1
        if item.recurrence == "weekly":
            start = item.starts_at + timedelta(weeks=step)
        else:
            local = clock.to_local(item.starts_at)
            month = local.month - 1 + step
            year, month = local.year + month // 12, month % 12 + 1
            try:
                start = clock.ensure_utc(local.replace(year=year, month=month).replace(tzinfo=None))
            except ValueError:  # the 31st in a shorter month: skip it
                continue


def slots(store: StorePort, lo: datetime, hi: datetime) -> list[Slot]:
    """Every schedule entry (recurring ones expanded) that overlaps [lo, hi), in time order."""
    out: list[Slot] = []
    changes = {c.uuid: c for c in store.records(
        "change_requests", {"planned_at__lt": hi, "planned_at__ge": lo - timedelta(days=7)})}
    seen_changes = set()
    recurring = store.records("schedule_items", {"starts_at__lt": hi, "recurrence__in": ("weekly", "monthly")},
                              order="starts_at")
    recent = store.records("schedule_items", {"starts_at__lt": hi, "starts_at__ge": lo - timedelta(days=31),
                                              "recurrence__notin": ("weekly", "monthly")}, order="starts_at")
    for item in sorted(recurring + recent, key=lambda i: i.starts_at):
        ch = changes.get(item.change) if item.change else None
        if item.change and ch is None:
            ch = store.get("change_requests", item.change)
        if ch is not None:
            if ch.state == "cancelled":
                continue
            seen_changes.add(ch.uuid)
        for a, b in _occurrences(item, lo, hi):
            out.append(Slot(item.title, item.item_type, a, b, item.id, ch.id if ch else None,
                            ch.change_type if ch else "", tuple(ch.impacted_cis) if ch else (),
                            bool(ch and ch.deployed_at)))
    for ch in changes.values():  # planned changes without an entry (made before the schedule was kept)
        if ch.uuid in seen_changes or ch.state == "cancelled" or not (lo <= ch.planned_at < hi):
            continue
        out.append(Slot(ch.title, "change", ch.planned_at, ch.planned_end or ch.planned_at + timedelta(hours=1), "",
                        ch.id, ch.change_type, tuple(ch.impacted_cis), bool(ch.deployed_at)))
    out.sort(key=lambda s: (s.starts, s.kind != "change", s.title))
    return out


def clash_warnings(store: StorePort, starts: datetime, ends: datetime, cis: list[str], change_id: str | None = None,
                   around: list[Slot] | None = None, has_windows: bool | None = None) -> list[str]:
    """Why a change planned at [starts, ends) deserves a second look: outside every window, during
    a business event, or on the same day as another change to the same item. `around`: the slots
    of the days around it, when the caller read them already (the calendar reads a month once)."""
    out = []
    if around is None:
        day_lo = clock.ensure_utc(datetime.combine(clock.to_local(starts).date(), datetime.min.time()))
        around = slots(store, min(day_lo, starts) - timedelta(days=1), ends + timedelta(days=1))
    windows = [s for s in around if s.kind in ("change window", "maintenance window")]
    if has_windows is None:
        has_windows = store.exists("schedule_items", {"item_type": ("change window", "maintenance window")})
    if has_windows and not any(w.starts <= starts and ends <= w.ends for w in windows):
        out.append(_("planned outside every change or maintenance window"))
    for ev in (s for s in around if s.kind == "business event"):
        if ev.starts < ends and starts < ev.ends:
            out.append(_("during the business event '{title}'").format(title=ev.title))
    day = clock.to_local(starts).date()
    for other in (s for s in around if s.kind == "change" and s.change and s.change != change_id):
        if clock.to_local(other.starts).date() == day:
            shared = set(other.cis) & set(cis)
            if shared:
                found = store.ids_for(shared, "configuration_items")
                names = ", ".join(sorted(found[u][0] for u in found))
                out.append(_("{change} touches {names} on the same day").format(change=other.change, names=names))
    return out


def calendar(store: StorePort, lo: datetime, hi: datetime) -> tuple[list[Slot], dict[str, list[str]]]:
    """The schedule's entries overlapping [lo, hi) and, for each change not yet deployed, its clash
    warnings: read once for the whole range (a month of the calendar is one read, not one per change)."""
    entries = slots(store, lo, hi)
    around = slots(store, lo - timedelta(days=2), hi + timedelta(days=2))
    has_windows = store.exists("schedule_items", {"item_type": ("change window", "maintenance window")})
    warned: dict[str, list[str]] = {}
    for s in entries:
        if s.kind == "change" and s.change and not s.deployed and s.change not in warned:
            warned[s.change] = clash_warnings(store, s.starts, s.ends, list(s.cis), s.change, around, has_windows)
    return entries, warned


def schedule(store: StorePort, ref: str, starts_at: object, ends_at: object = None,
             resources: str = "") -> tuple[ChangeRequest, list[str]]:
    """CO.2.2: put an approved change on the schedule (or move it). Returns the change and the
    warnings (outside a window, during a business event, same item the same day): they inform,
    they do not stop."""
    change = _get(store, ref)
    if change.status not in ("approved", "updated") and change.change_type != "emergency":
        raise InputError(_("{id} is {status}; a change is scheduled once it is approved (CO.2.1)").format(id=change.id, status=code_word("status", change.status)))
    if change.state in CLOSED_STATES:
        raise InputError(_("{id} is {state}; it can no longer be scheduled").format(id=change.id, state=code_word("state", change.state)))
    starts = _at(starts_at)
    if starts is None:
        raise InputError(_("Starts: required ({hint})").format(hint=formats.moment_hint()))
    ends = _at(ends_at) or starts + timedelta(hours=1)
    if ends <= starts:
        raise InputError(_("Ends: must come after the start"))
    warnings = clash_warnings(store, starts, ends, change.impacted_cis, change.id)
    with store.transaction():
        entry = store.latest("schedule_items", {"change": change.uuid})
        if entry is None:
            entry = store.add(_make(records.ScheduleItem, title=change.title, item_type="change", starts_at=starts,
                                    ends_at=ends, change=change.uuid, resources=resources), task="CO.2.2")
        else:
            entry = store.update("schedule_items", entry.uuid, {"starts_at": starts, "ends_at": ends,
                                                                **({"resources": resources} if resources else {})},
                                 task="CO.2.2")
        _schedule_touched(store, "CO.2.2", entry.id)
        updates: dict[str, Any] = {"planned_at": starts, "planned_end": ends}
        if change.state == "requested":
            updates["state"] = "scheduled"
        change = store.update("change_requests", change.uuid, updates, task="CO.2.2")
    return change, warnings


def add_entry(store: StorePort, title: str, item_type: str, starts_at: object, ends_at: object = None,
              recurrence: str = "none") -> ScheduleItem:
    """A window or a business event on the schedule."""
    if item_type == "change":
        raise InputError(_("A change goes on the schedule from the change itself (s on the change)"))
    with store.transaction():
        entry = store.add(_make(records.ScheduleItem, title=(title or "").strip(), item_type=item_type,
                                starts_at=_at(starts_at), ends_at=_at(ends_at), recurrence=recurrence), task="CO.2.2")
        _schedule_touched(store, "CO.2.2", entry.id)
    return entry


def confirm_schedule(store: StorePort, ref: str, resources: str) -> ScheduleItem:
    """CO.3.3: confirm the date and the resources of a scheduled change. Confirming is an act, not an
    edit: resources kept as they were are confirmed too (the entry records when)."""
    change = _get(store, ref)
    entry = store.latest("schedule_items", {"change": change.uuid})
    if entry is None:
        raise InputError(_("{id} is not on the schedule yet (s schedules it)").format(id=change.id))
    if not (resources or "").strip():
        raise InputError(_("Resources: say who does the work and what it needs"))
    with store.transaction():
        store.update("schedule_items", entry.uuid, {"resources": resources.strip(), "confirmed_at": clock.now()},
                     task="CO.3.3")
        _schedule_touched(store, "CO.3.3", entry.id)
    return store.get("schedule_items", entry.uuid)


def scheduled_resources(store: StorePort, change_uuid: str) -> str:
    """The resources said for a change on the schedule (typed when scheduling, or confirmed in
    CO.3.3); "" when it is not scheduled or none were said."""
    entry = store.latest("schedule_items", {"change": change_uuid})
    return str(getattr(entry, "resources", "") or "") if entry is not None else ""


# ---------------------------------------------------------------- CO.2.3 design, CO.2.4 build

def _must_be_approved(change: ChangeRequest, step: str) -> None:
    if change.status not in ("approved", "updated") and change.change_type != "emergency":
        raise InputError(_(STEP_REFUSALS[step]).format(id=change.id, status=code_word("status", change.status)))
    if change.state in ("deployed", "reviewed", "cancelled") and step != "review":
        raise InputError(_("{id} is {state}").format(id=change.id, state=code_word("state", change.state)))


# what a step asks of a change not approved yet, by the step's name (_must_be_approved)
STEP_REFUSALS = {
    "design": N_("{id} is {status}; approve the request (CO.2.1) before you design it"),
    "build": N_("{id} is {status}; approve the request (CO.2.1) before you build it"),
    "test": N_("{id} is {status}; approve the request (CO.2.1) before you test it"),
    "approve the deployment of": N_("{id} is {status}; approve the request (CO.2.1) before you approve the deployment "
                                    "of it"),
    "review": N_("{id} is {status}; approve the request (CO.2.1) before you review it"),
}


def _advance(change: ChangeRequest, state: str) -> dict[str, Any]:
    """Move the change's state forward, never back."""
    if change.state in STEPS and STEPS.index(change.state) >= STEPS.index(state):
        return {}
    return {"state": state}


def design(store: StorePort, ref: str, *, scope: str = "", who: str | None = None, how: str = "other",
           noted_by: str | None = None, mitigation: str | None = None, evidence: str | None = None,
           **fields: Any) -> Record:
    """CO.2.3: the service design (WP.16), approved as it is recorded (its only status): the
    approver's signature binds this design's content. The person at the keyboard issues it; an
    approver other than them is recorded on their behalf (how: e-mail or paper, with `evidence`,
    the message or the scan, attached)."""

    change = _get(store, ref)
    _must_be_approved(change, "design")
    approval = new(store, who, how, noted_by=noted_by)
    warning = check_role(store, "WP.16", approval, mitigation)
    behalf = on_behalf(store, approval, how, evidence)
    if not str(fields.get("resources") or "").strip():  # what was said when it was scheduled, carried over
        fields["resources"] = scheduled_resources(store, change.uuid)
    doc = _make(records.ServiceDesign, title=_("Design for {id}: {title}").format(id=change.id, title=change.title)[:300], change=change.uuid,
                issue_date=clock.today(), scope=scope or change.scope or change.purpose,
                issuer=store.actor.person or store.actor.operator, approval_authority=approval.person,
                status="approved", **fields)
    with store.transaction():
        if behalf:
            approval = attach_evidence(store, doc, approval, evidence or "", doc.version)
        doc = store.add(doc.model_copy(update={"approvals": [bind(approval, doc)]}), task="CO.2.3")
        if warning:
            acknowledge(store, warning, mitigation or "", record=doc.uuid)
        if _advance(change, "designed"):
            store.update("change_requests", change.uuid, _advance(change, "designed"), task="CO.2.3")
    return doc


def build(store: StorePort, ref: str, *, built_by: str | None = None, master_copy: str = "",
          description: str = "") -> BuiltChange:
    """CO.2.4: the built change (WP.13 initial), kept as a master copy; who built it is remembered
    for the separation-of-duties check at approval."""
    change = _get(store, ref)
    _must_be_approved(change, "build")

    who = person_ref(store, built_by, _("Built by")) if (built_by or "").strip() else me(store, _("Built by"))
    if not store.exists("service_designs", {"change": change.uuid}) and change.change_type == "normal":
        raise InputError(_("{id} has no design yet: design it first (CO.2.3)").format(id=change.id))
    with store.transaction():
        doc = store.add(_make(records.BuiltChange, title=_("Build of {id}: {title}").format(id=change.id, title=change.title)[:300], change=change.uuid,
                              built_by=who, master_copy=master_copy.strip(), description=description.strip(),
                              status="initial"), task="CO.2.4")
        store.update("change_requests", change.uuid, {"built_by": who, **_advance(change, "built")}, task="CO.2.4")
    return doc


# ---------------------------------------------------------------- CO.3.1 test, CO.3.2 approve deployment

def test(store: StorePort, ref: str, *, summary: str, result: str, tested_by: str = "", levels_and_types: str = "",
         errors: str = "", validated_by: str = "", measurement: str = "", interpreted_by: str = "") -> TestReport:
    """CO.3.1: the test report (WP.20, published), pass or fail: what was measured, who interpreted
    the results and who validated them. A failed test keeps the change at built."""
    change = _get(store, ref)
    _must_be_approved(change, "test")
    if not store.exists("built_changes", {"change": change.uuid}):
        raise InputError(_("{id} has not been built yet (CO.2.4)").format(id=change.id))
    if result not in ("pass", "fail"):
        raise InputError(_("Result: pass or fail"))
    if not (summary or "").strip():
        raise InputError(_("Summary: say what was tested and what happened"))
    if result == "fail" and not (errors or "").strip():
        raise InputError(_("Errors: a failed test names the errors found"))

    tester = person_ref(store, tested_by, _("Tested by"), None) if (tested_by or "").strip() else me(store, _("Tested by"))
    validator = person_ref(store, validated_by, _("Validated by"), None, required=False)
    interpreter = person_ref(store, interpreted_by, _("Interpreted by"), None, required=False)
    with store.transaction():
        doc = store.add(_make(records.TestReport, title=_("Test of {id}: {title}").format(id=change.id, title=change.title)[:300], change=change.uuid,
                              summary=summary.strip(), result=result, tested_by=tester,
                              tested_at=store.write_time(), levels_and_types=levels_and_types.strip(), errors=errors.strip(),
                              validated_by=validator or "", measurement=(measurement or "").strip(),
                              interpreted_by=interpreter or ""), task="CO.3.1")
        if result == "pass" and _advance(change, "tested"):
            store.update("change_requests", change.uuid, _advance(change, "tested"), task="CO.3.1")
    return doc


def builder_approves(store: StorePort, change: ChangeRequest, approval: Approval) -> RoleWarning | None:
    """The role rule at the moment of work: the builder approving their own change's deployment."""

    if change.built_by and change.built_by in (approval.person, approval.by):
        return RoleWarning("builder-approves", approval.person, approval.by, ("PT:change", "CM"),
                           detail=f" on {change.id}")
    return None


def approve_deployment(store: StorePort, ref: str, *, who: str | None = None, how: str = "other",
                       noted_by: str | None = None, mitigation: str | None = None,
                       evidence: str | None = None) -> ChangeRequest:
    """CO.3.2: review the test report and approve deployment: WP.11 becomes updated and the build
    final. When the approver built the change, the warning must be acknowledged with a mitigation
    (stored with the change); without one nothing is saved. An approver other than the person at
    the keyboard is recorded on their behalf (how: e-mail or paper, with `evidence` attached)."""

    change = _get(store, ref)
    _must_be_approved(change, "approve the deployment of")
    report = store.latest("test_reports", {"change": change.uuid})
    if report is None:
        raise InputError(_("{id} has no test report yet (CO.3.1)").format(id=change.id))
    if report.result != "pass":
        raise InputError(_("{id}'s last test ({id2}) failed: fix, rebuild and test again before deployment").format(id=change.id, id2=report.id))
    approval = new(store, who, how, noted_by=noted_by)
    warnings = [w for w in (builder_approves(store, change, approval), role_warning(store, None, approval, "CO.3.2")) if w]
    if warnings and not (mitigation or "").strip():
        first = warnings[0]
        why = (_("{who} built {id}").format(who=approval.by, id=change.id) if first.rule == "builder-approves"
               else _("{who} holds none of {roles}").format(who=approval.by, roles=", ".join(first.roles)))
        raise InputError(_("{rule}: {why}. {instead} To go ahead anyway, give a mitigation.").format(
            rule=first.text.name, why=why, instead=first.text.instead))
    behalf = on_behalf(store, approval, how, evidence)
    with store.transaction():
        if behalf:
            approval = attach_evidence(store, change, approval, evidence or "", change.version)
        for warning in warnings:
            acknowledge(store, warning, mitigation or "", record=change.uuid)
        updates: dict[str, Any] = {"approvals": [*change.approvals, bind_next(approval, change)],
                                   **_advance(change, "ready")}
        if change.status == "approved":
            updates["status"] = "updated"
        change = store.update("change_requests", change.uuid, updates, task="CO.3.2", expected_version=change.version)
        for b in store.records("built_changes", {"change": change.uuid, "status": "initial"}):
            store.update("built_changes", b.uuid, {"status": "final"}, task="CO.3.2")
    return change


# ---------------------------------------------------------------- CO.3.4 deploy, CO.3.5 review

def deploy(store: StorePort, ref: str, at: datetime | None = None, note: str = "") -> ChangeRequest:
    """CO.3.4: deploy. Each impacted configuration item records the change (WP.02 updated); a change
    to a service updates its catalogue entry (WP.10). An emergency change may come before its
    approval and then shows as deployed before approval."""
    change = _get(store, ref)
    if change.deployed_at:
        raise InputError(_("{id} was deployed on {deployed_at}").format(id=change.id, deployed_at=clock.local_text(change.deployed_at)))
    if change.status == "rejected" or change.state == "cancelled":
        raise InputError(_("{id} was rejected or cancelled; it cannot be deployed").format(id=change.id))
    if change.change_type == "pre-approved" and change.state in ("scheduled", "ready"):
        pass  # made from an earned type: its design, build and test are the type's
    elif change.change_type != "emergency" and change.state != "ready":
        nxt = _("approve the request") if change.status == "draft" else {
            "requested": _("schedule it"), "scheduled": _("design it"), "designed": _("build it"), "built": _("test it"),
            "tested": _("approve the deployment")}.get(change.state or "", _("finish the earlier steps"))
        raise InputError(_("{id} is not ready to deploy ({state}): {next} first").format(
            id=change.id, state=code_word("state", change.state), next=nxt))
    when = clock.ensure_utc(at) if at else store.write_time()
    with store.transaction():
        for uuid in change.impacted_cis:
            ci = store.get("configuration_items", uuid)
            store.update("configuration_items", ci.uuid, {"changes": [*ci.changes, change.uuid], "status": "updated"},
                         task="CO.3.4")
        if change.service and change.updates_catalogue:
            svc = store.get("services", change.service)
            store.update("services", svc.uuid, {
                "change_requests": list(dict.fromkeys([*svc.change_requests, change.uuid])),
                "status": "updated" if svc.status in ("approved", "updated") else svc.status}, task="CO.3.4")
        updates: dict[str, Any] = {"deployed_at": when, "state": "deployed",
                                   "deployed_before_approval": change.status == "draft"}
        if note:
            updates["notes"] = (change.notes + "\n" + note).strip()
        change = store.update("change_requests", change.uuid, updates, task="CO.3.4")
    return change


def review(store: StorePort, ref: str, outcome: str) -> ChangeRequest:
    """CO.3.5: the post-deployment review: did it do what it should, what do we change next time."""
    change = _get(store, ref)
    if not change.deployed_at:
        raise InputError(_("{id} is not deployed yet; review it after deployment").format(id=change.id))
    if not (outcome or "").strip():
        raise InputError(_("Review: say how the deployment went and what to do differently"))
    return store.update("change_requests", change.uuid, {"review": outcome.strip(), "state": "reviewed"}, task="CO.3.5")


def cancel(store: StorePort, ref: str, reason: str) -> ChangeRequest:
    change = _get(store, ref)
    if change.deployed_at:
        raise InputError(_("{id} is deployed; raise a new change to undo it").format(id=change.id))
    if not (reason or "").strip():
        raise InputError(_("Reason: say why the change is cancelled"))
    return store.update("change_requests", change.uuid, {"state": "cancelled",
                                                         "notes": (change.notes + "\n" + _("Cancelled: {reason}").format(
                                                             reason=reason.strip())).strip()})


# ---------------------------------------------------------------- where a change stands

def path(store: StorePort, change: ChangeRequest) -> list[tuple[str, str, str, str]]:
    """(task, step, what shows it was done or '', record id) for each step of the path: read from
    the change's own history and the records made for it."""
    def last_row(task: str) -> dict[str, Any] | None:
        return store.last_task_row(change.uuid, task)

    def by(task: str) -> str:
        """Who did the step: the approver an approval names (not who typed it), else the writer."""
        row = last_row(task)
        if not row:
            return ""
        # the approvals that perform the step (the evaluation is the shop's approval, not a customer's
        # later acceptance, which is part of the approval to deploy): the one nearest its last write
        mine = performing(change, task, store.history(change.uuid)) if task in ("CO.2.1", "CO.3.2") else []
        if mine:
            at = row["at"]
            approval = min(mine, key=lambda a: abs((clock.parse_datetime(at) - a.at).total_seconds()))
            return _("by {who}, {how}, {at}").format(who=name_of(store, approval.person) or approval.by,
                                                      how=how_given(approval),
                                                      at=clock.local_text(approval.at))
        who = name_of(store, row.get("person")) if row.get("person") else row["operator"]
        return _("by {who}, {at}").format(who=who, at=clock.local_text(clock.parse_datetime(row["at"])))

    def first(kind: str, field: str) -> tuple[Any, ...] | None:
        return store.row(kind, ["id", field], {"change": change.uuid})

    out = []
    evaluated = change.status in ("approved", "rejected", "updated")
    decided = by("CO.2.1") or (_("by {who}").format(who=change.approvals[0].by) if change.approvals else "")
    verdict = (_("rejected {by}") if change.status == "rejected" else _("approved {by}")).format(by=decided)
    out.append(("CO.2.1", _("Evaluate request"), verdict if evaluated else "", change.id or ""))
    out.append(("CO.2.2", _("Schedule"), clock.local_text(change.planned_at) if change.planned_at else "", ""))
    d = first("service_designs", "status")
    out.append(("CO.2.3", _("Design (WP.16)"), f"{d[0]} {code_word('status', d[1])}" if d else "",
                d[0] if d else ""))
    b = first("built_changes", "status")
    out.append(("CO.2.4", _("Build (WP.13)"), (_("{id} {status} by {who}").format(id=b[0], status=code_word("status", b[1]),
                                                                      who=name_of(store, change.built_by))
                                          if change.built_by else f"{b[0]} {code_word('status', b[1])}") if b else "",
                b[0] if b else ""))
    t = first("test_reports", "result")
    out.append(("CO.3.1", _("Test report (WP.20)"), f"{t[0]} {code_word('result', t[1])}" if t else "",
                t[0] if t else ""))
    approved_deploy = change.state in ("ready", "deployed", "reviewed") and (change.status == "updated" or last_row("CO.3.2"))
    out.append(("CO.3.2", _("Approve deployment"), (by("CO.3.2") or _("approved")) if approved_deploy else "", ""))
    out.append(("CO.3.4", _("Deploy"), (clock.local_text(change.deployed_at) + (_(" · before approval") if change.deployed_before_approval
                                                                           else "")) if change.deployed_at else "", ""))
    out.append(("CO.3.5", _("Review"), change.review[:70] if change.review else
                (_("done") if change.state == "reviewed" else ""), ""))
    return out


def list_rows(store: StorePort, scheduled: bool = False, open_only: bool = False, limit: int | None = None,
              overdue: bool = False) -> list[dict[str, Any]]:
    where: dict[str, Any] = {}
    if overdue:
        where["id"] = tuple(c.id for c in overdue_changes(store, clock.now(), limit=None)) or ("",)
    if scheduled:
        where["planned_at__isnull"] = False
    if open_only:
        where.update(status__ne="rejected", state__notin=CLOSED_STATES)
    rows = []
    for c in store.records("change_requests", where, ("planned_at", "seq") if scheduled else "-seq", limit=limit):
        rows.append({"id": c.id, "uuid": c.uuid, "title": c.title, "type": c.change_type, "status": c.status,
                     "state": c.state, "priority": c.priority, "risk": c.risk,
                     "planned_at": clock.iso(c.planned_at), "deployed_at": clock.iso(c.deployed_at),
                     "deployed_before_approval": c.deployed_before_approval, "template": c.template})
    return rows


def request_from_values(store: StorePort, values: dict[str, Any]) -> ChangeRequest:
    """A change request from the screen's form (field text as typed, plus an optional template id)."""

    values = dict(values)
    template = (values.pop("template", None) or "").strip() or None
    data = parse(store, "change_requests", {k: v for k, v in values.items() if k != "state"})
    title = data.pop("title", "")
    change_type = data.pop("change_type", None) or "normal"
    cis = data.pop("impacted_cis", [])
    return request(store, title, change_type=change_type, cis=cis, template=template,
                   priority=data.pop("priority", None) or "P3", risk=data.pop("risk", None) or "medium",
                   customer=data.pop("customer", None), service=data.pop("service", None),
                   date_needed=data.pop("date_needed", None), purpose=data.pop("purpose", ""), **data)
