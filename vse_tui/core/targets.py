"""Incident targets: which one applies (the customer's agreement, the catalogue's measure for the
service, the policy's matrix, the built-in default) and where an incident stands against it,
counted in service hours and paused while waiting. Used by every view of an incident; the
capture path does not need it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from . import clock, policy
from .hours import Hours, add_working_minutes
from .incidents import WAITING, _policy_field, _targets

if TYPE_CHECKING:
    from .incident_lists import IncidentRow
    from .records.incident import Incident


def target_for(store, incident: Incident | IncidentRow, cache: dict | None = None) -> policy.Target:
    """Targets from the most specific source: the customer's agreement for the service, then the
    catalogue's measure for the service, then the policy's matrix, then the built-in default.
    Read straight from the rows (a few indexed lookups, cached per screen refresh)."""
    cache = cache if cache is not None else {}
    prio = incident.priority
    key = (incident.customer, incident.service, prio)
    if key in cache:
        return cache[key]
    q = store.conn.execute
    found = None
    svc = None
    if incident.service:
        svc = cache.get(("service", incident.service))
        if svc is None:
            svc = q("SELECT id, json_extract(data, '$.targets'), json_extract(data, '$.service_hours') FROM services "
                    "WHERE uuid = ?", (incident.service,)).fetchone() or False
            cache[("service", incident.service)] = svc
    # the clock counts in the service's hours, or the agreement's where it sets its own
    hours = Hours.from_data(json.loads(svc[2])) if svc and svc[2] else None
    if incident.customer:
        agreements = cache.get(("agreements", incident.customer))
        if agreements is None:
            agreements = q("SELECT id, json_extract(data, '$.services'), json_extract(data, '$.targets'), "
                           "json_extract(data, '$.service_hours') FROM customer_agreements "
                           "WHERE customer = ? AND status IN ('approved', 'updated') ORDER BY seq DESC",
                           (incident.customer,)).fetchall()
            cache[("agreements", incident.customer)] = agreements
        for agr_id, services, targets, agr_hours in agreements:
            covered = json.loads(services) if services else []
            if incident.service and covered and incident.service not in covered:
                continue
            if agr_hours:
                hours = Hours.from_data(json.loads(agr_hours))
            t = _targets(targets, prio)
            if t:
                found = policy.Target(t[0], t[1], f"agreement {agr_id}", hours)
                break
    if found is None and svc:
        t = _targets(svc[1], prio)
        if t:
            found = policy.Target(t[0], t[1], f"service {svc[0]}", hours)
    if found is None:
        pol = cache.get("policy")
        if pol is None:
            pol = _policy_field(store, "targets") or False
            cache["policy"] = pol
        t = _targets(pol[1], prio) if pol else None
        d = policy.default_target(prio)
        found = policy.Target(t[0], t[1], f"policy {pol[0]}", hours) if t else policy.Target(
            d.respond_minutes, d.resolve_minutes, d.source, hours)
    cache[key] = found
    return found


@dataclass(frozen=True)
class Clock:
    """Where an incident stands against its resolution target."""

    due_at: datetime | None
    remaining: timedelta | None  # negative when breached
    breached: bool
    paused: bool
    source: str


def target_clock(incident: Incident | IncidentRow, target: policy.Target, now: datetime | None = None) -> Clock:
    """The resolution target clock, counted in the service hours (every minute for 24x7 or when no
    hours are known) and moved on by the time spent waiting for the customer or a supplier."""
    if incident.opened_at is None:
        return Clock(None, None, False, False, target.source)
    now = now or clock.now()
    waited = incident.waiting_minutes
    paused = incident.state in WAITING
    if paused and incident.waiting_since:
        waited += int((now - incident.waiting_since).total_seconds() // 60)
    due = add_working_minutes(incident.opened_at, target.resolve_minutes + waited, target.hours)
    end = incident.restored_at or now
    remaining = due - end
    return Clock(due, remaining, remaining.total_seconds() < 0, paused, target.source)
