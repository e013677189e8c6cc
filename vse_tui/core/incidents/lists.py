"""Incident lists: the filters and sorts of the list screen and `incident list`, incidents read
as plain rows (no model, no validation), and the dashboard's weekly trends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..kernel import clock
from ..model.lookup import resolve
from . import targets
from .targets import assess, target_for

if TYPE_CHECKING:
    from ..model.ports import Reads
    from ..model.records.incident import Incident
    from .targets import Clock, TargetCache

from ..model.incident_rows import IncidentQuery as IncidentQuery
from ..model.incident_rows import IncidentRow as IncidentRow


def page(store: Reads, q: IncidentQuery, sort: str = "newest", limit: int = 100, offset: int = 0) -> list[IncidentRow]:
    return store.incident_rows(q, sort=sort, limit=limit, offset=offset)


def open_incidents(store: Reads, limit: int = 50) -> list[IncidentRow]:
    """Open incidents, most urgent first (uses the partial index on open incidents)."""
    return store.incident_rows(IncidentQuery(open_only=True), sort="urgent", limit=limit)


def open_incidents_for(store: Reads, person: str | None, limit: int = 50) -> list[IncidentRow]:
    """Open incidents as the dashboard shows them to `person`: theirs first, then those nobody has,
    then everyone else's, each most urgent first."""
    out: list[IncidentRow] = []
    seen: set[str] = set()
    for assignee in ([person] if person else []) + ["", None]:
        for row in store.incident_rows(IncidentQuery(open_only=True, assignee=assignee), sort="urgent",
                                       limit=limit + len(out)):
            if row.uuid not in seen and len(out) < limit:
                seen.add(row.uuid)
                out.append(row)
    return out


def row_dict(inc: Incident | IncidentRow, customers: dict[str, str], services: dict[str, str],
             target: Clock | None = None, people: dict[str, str] | None = None) -> dict[str, Any]:
    """A flat dict of an incident for tables, CSV and JSON lists."""
    out = {
        "id": inc.id, "uuid": inc.uuid, "summary": inc.summary, "priority": inc.priority, "status": inc.status,
        "state": inc.state, "customer": customers.get(inc.customer or "", ""), "service": services.get(inc.service or "", ""),
        "opened_at": clock.iso(inc.opened_at), "restored_at": clock.iso(inc.restored_at),
        "closed_at": clock.iso(inc.closed_at), "security": inc.security, "version": inc.version,
        "external_ref": inc.external_ref or "",
        "assignee": (people or {}).get(inc.assignee or "", "") if inc.assignee else "",
    }
    if target is not None:
        out["due_at"] = clock.iso(target.due_at)
        out["breached"] = target.breached
    return out


def weekly_counts(store: Reads, column: str, start: datetime, weeks: int) -> list[int]:
    """Incidents opened (`opened_at`) or closed (`closed_at`) in each of `weeks` weeks from `start`."""
    return store.incident_counts_between(column, [start + timedelta(weeks=i) for i in range(weeks + 1)])


def weekly_breaches(store: Reads, start: datetime, weeks: int, now: datetime | None = None) -> list[int]:
    """Incidents restored in each week from `start` that breached their target: the one verdict
    of `targets.assess`, incident by incident, as the performance report gives it."""

    end = start + timedelta(weeks=weeks)
    counts = [0] * weeks
    cache: TargetCache = {}
    now = now or clock.now()
    for inc in store.each_incident_row(IncidentQuery(restored=(start, end), problems=False), sort="oldest"):
        if inc.restored_at and assess(inc, target_for(store, inc, cache), now).breached:
            w = int((inc.restored_at - start).total_seconds() // (7 * 86400))
            if 0 <= w < weeks:
                counts[w] += 1
    return counts


def each_dict(store: Reads, *, open_only: bool = False, priority: str | None = None, status: str | None = None,
              customer: str | None = None, search: str | None = None, sort: str = "newest",
              limit: int | None = None, assignee: str | None = None) -> Iterator[dict[str, Any]]:
    """Incidents as flat dicts with their target clock, for `incident list` (table, JSON, CSV), one
    at a time as they are read."""

    q = IncidentQuery(open_only=open_only, priority=priority, status=status,
                      customer=resolve(store, "customers", customer) if customer else None, search=search,
                      assignee=assignee)
    customers, services, people = store.customer_codes(), store.titles("services"), store.titles("people")
    cache: TargetCache = {}
    for inc in store.each_incident_row(q, sort=sort, limit=limit):
        tgt = targets.target_clock(inc, targets.target_for(store, inc, cache)) if inc.status != "closed" else None
        yield row_dict(inc, customers, services, tgt, people)
