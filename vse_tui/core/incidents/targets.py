"""Incident targets, and the one definition of a breach used everywhere (the incident list and
screen, the dashboard's trend, the performance report).

Which target applies: the customer's agreement for the service, then the catalogue's measure for
the service, then the policy's matrix, then the built-in default. The clock counts in the service's
hours (or the agreement's, where it sets its own) and stands still while the incident waits for
the customer or a supplier.

`due_for` is the rule as one function of what an incident is opened with (customer, service,
priority, opening time): the target that applies and when the response and the resolution are due.
An incident's target (`target_for`), its clock and its verdict go through it, and quick capture
previews a new incident's targets with it before the incident exists.

An incident's verdict (`assess`):
- response: met when the first response (or the restoration, if it came first) is within the
  respond target; missed when it came later, or when there is none yet and the target passed;
- resolution: met when restored within the resolve target (waiting time added to it); missed when
  restored later, or not restored and the target passed;
- breached: a response or a resolution missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, listed

from ..kernel import clock
from . import policy
from .hours import Hours, add_working_minutes, hours_words, service_minutes, working_minutes

if TYPE_CHECKING:
    from ..model.incident_rows import IncidentRow
    from ..model.ports import Reads, StorePort
    from ..model.records.incident import Incident

TargetCache = dict[object, Any]  # what target_for keeps per screen refresh or report: the policy, each target

WAITING = ("waiting for customer", "waiting for supplier")
IN_FORCE = ("approved", "updated")


def _pair(targets: Any, prio: str | None) -> tuple[int, int] | None:
    for t in targets or []:
        if t.get("priority") == prio:
            return int(t["respond_minutes"]), int(t["resolve_minutes"])
    return None


def policy_targets(store: Reads, cache: TargetCache | None = None) -> tuple[str, Any] | None:
    """(id, targets) of the policy in force, or None."""
    cache = cache if cache is not None else {}
    if "policy" not in cache:
        cache["policy"] = store.row("policies", ["id", "targets:json"], {"status": IN_FORCE}) or False
    return cache["policy"] or None


def target_of(store: Reads, customer: str | None, service: str | None, priority: str | None,
              cache: TargetCache | None = None) -> policy.Target:
    """The target that applies to an incident of this customer (through their agreements in force),
    service and priority, from the most specific source (a few indexed reads, cached per screen
    refresh or report)."""
    cache = cache if cache is not None else {}
    key = (customer, service, priority)
    if key in cache:
        return cache[key]
    found = None
    svc = None
    if service:
        skey = ("service", service)
        if skey not in cache:
            cache[skey] = store.row("services", ["id", "targets:json", "service_hours:json"],
                                    {"uuid": service}) or False
        svc = cache[skey]
    hours = Hours.from_data(svc[2]) if svc and svc[2] else None
    if customer:
        akey = ("agreements", customer)
        if akey not in cache:
            cache[akey] = store.rows("customer_agreements", ["id", "services:json", "targets:json", "service_hours:json"],
                                     {"customer": customer, "status": IN_FORCE}, order="-seq")
        for agr_id, services, targets, agr_hours in cache[akey]:
            covered = services or []
            if service and covered and service not in covered:
                continue
            if agr_hours:
                hours = Hours.from_data(agr_hours)
            t = _pair(targets, priority)
            if t:
                found = policy.Target(t[0], t[1], f"agreement {agr_id}", hours)
                break
    if found is None and svc:
        t = _pair(svc[1], priority)
        if t:
            found = policy.Target(t[0], t[1], f"service {svc[0]}", hours)
    if found is None:
        pol = policy_targets(store, cache)
        t = _pair(pol[1], priority) if pol else None
        d = policy.default_target(priority or "P3")
        found = (policy.Target(t[0], t[1], f"policy {pol[0]}", hours) if t and pol
                 else policy.Target(d.respond_minutes, d.resolve_minutes, d.source, hours))
    cache[key] = found
    return found


def target_for(store: Reads, incident: Incident | IncidentRow, cache: TargetCache | None = None) -> policy.Target:
    """The target of an incident (`target_of` its customer, service and priority)."""
    return target_of(store, incident.customer, incident.service, incident.priority, cache)


@dataclass(frozen=True)
class Due:
    """When an incident opened at `opened_at` is to be responded to and resolved, and by which target."""

    target: policy.Target
    opened_at: datetime
    respond_due: datetime
    resolve_due: datetime  # moved on by the time spent waiting, when some was


def due_times(target: policy.Target, opened_at: datetime, waited_minutes: int = 0) -> Due:
    """The due times of a target from an opening time: counted in the target's service hours, the
    resolution moved on by the minutes spent waiting for the customer or a supplier."""
    hours = target.hours
    return Due(target, opened_at, add_working_minutes(opened_at, service_minutes(target.respond_minutes, hours), hours),
               add_working_minutes(opened_at, service_minutes(target.resolve_minutes, hours) + waited_minutes, hours))


def due_for(store: Reads, customer: str | None, service: str | None, priority: str | None,
            opened_at: datetime | None = None, cache: TargetCache | None = None) -> Due:
    """The targets of an incident opened for this customer and service at this priority, at
    `opened_at` (now when not given): which target applies and when response and resolution are
    due. Quick capture shows it before the incident is saved; every incident's verdict uses it."""
    return due_times(target_of(store, customer, service, priority, cache), opened_at or clock.now())


@dataclass(frozen=True)
class Clock:
    """Where an incident stands against its resolution target."""

    due_at: datetime | None
    remaining: timedelta | None  # negative when late
    breached: bool
    paused: bool
    source: str  # the target's source, a code (policy.source_words says it)

    @property
    def late(self) -> bool:
        """Past the resolution target (not only the response one)."""
        return self.remaining is not None and self.remaining.total_seconds() < 0


def _waited(incident: Incident | IncidentRow, now: datetime) -> tuple[int, bool]:
    waited = incident.waiting_minutes
    paused = incident.state in WAITING
    if paused and incident.waiting_since:
        waited += max(0, int((now - incident.waiting_since).total_seconds() // 60))
    return waited, paused


def target_clock(incident: Incident | IncidentRow, target: policy.Target, now: datetime | None = None) -> Clock:
    """The resolution target clock, counted in the service hours and moved on by the time spent
    waiting. `breached` is the incident's verdict (response or resolution missed)."""
    if incident.opened_at is None:
        return Clock(None, None, False, False, target.source)
    now = now or clock.now()
    verdict = assess(incident, target, now)
    _unused, paused = _waited(incident, now)
    end = incident.restored_at or now
    return Clock(verdict.resolve_due, verdict.resolve_due - end, verdict.breached, paused, target.source)


@dataclass(frozen=True)
class Assessment:
    respond_due: datetime
    responded_at: datetime | None  # the first response, or the restoration if that came first
    response_met: bool | None  # None: not measurable yet
    resolve_due: datetime
    resolution_met: bool | None
    breached: bool
    resolve_minutes: int | None  # service-hours minutes from opening to restoration, waiting left out

    @property
    def response_late_by(self) -> timedelta | None:
        if self.responded_at and self.response_met is False:
            return self.responded_at - self.respond_due
        return None


def assess(incident: Incident | IncidentRow, target: policy.Target, now: datetime | None = None) -> Assessment:
    """The verdict on one incident against its target (see the module's docstring)."""
    now = now or clock.now()
    opened = incident.opened_at or now
    waited, _ = _waited(incident, now)
    first = min([t for t in (incident.responded_at, incident.restored_at) if t], default=None)
    due = due_times(target, opened, waited)
    respond_due, resolve_due = due.respond_due, due.resolve_due
    response_met = (first <= respond_due) if first else (False if now > respond_due else None)
    restored = incident.restored_at
    resolution_met = (restored <= resolve_due) if restored else (False if now > resolve_due else None)
    spent = None
    if restored is not None:
        spent = max(0, working_minutes(opened, restored, target.hours) - incident.waiting_minutes)
    return Assessment(respond_due, first, response_met, resolve_due, resolution_met,
                      response_met is False or resolution_met is False, spent)


def due_preview(store: StorePort, kind: str, values: dict[str, Any], now: datetime | None = None) -> str:
    """What the targets typed on a service's or an agreement's form mean before it is saved: when
    an incident opened now would be due to be resolved at each priority, in local time, counted in
    the service hours typed there (an agreement without its own: those of the first service it
    covers). Empty when no target is typed or what is typed does not read yet (saving says why)."""
    # here, not at the top: importing it loads pydantic
    from ..kernel.errors import VseError
    from ..present.fields import parse

    wanted = {k: values[k] for k in ("targets", "service_hours", "services") if values.get(k)}
    if not wanted.get("targets"):
        return ""
    try:
        clean = parse(store, kind, wanted)
    except VseError:
        return ""
    hours = Hours.from_data(clean.get("service_hours")) if clean.get("service_hours") else None
    if hours is None and kind == "customer_agreements" and clean.get("services"):
        row = store.row("services", ["service_hours:json"], {"uuid": clean["services"][0]})
        hours = Hours.from_data(row[0]) if row and row[0] else None
    if hours is None and kind == "services":
        hours = Hours()  # a service's hours when none are typed: the form's default
    now = now or clock.now()
    dues = [_("{priority} by {due}").format(priority=t["priority"], due=clock.local_text(
        add_working_minutes(now, service_minutes(int(t["resolve_minutes"]), hours), hours)))
        for t in clean["targets"]]
    counted = _("counted in {hours}").format(hours=hours_words(hours)) if hours and not hours.always else _("round the clock")
    return _("Opened now ({now}), an incident is to be resolved: {dues} ({counted})").format(
        now=clock.local_text(now), dues=listed(dues), counted=counted)


__all__ = ["Assessment", "Clock", "Due", "WAITING", "assess", "due_for", "due_preview", "due_times", "policy_targets",
           "target_clock", "target_for", "target_of"]
