"""Incident lists: the filters and sorts of the list screen and `incident list`, incidents read
as plain rows (no model, no validation), and the dashboard's weekly trends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import clock
from .incidents import OPEN_STATES, policy_resolve_minutes
from .lookup import _escape_like

if TYPE_CHECKING:
    from .records.incident import Incident
    from .targets import Clock


SORTS = {
    "newest": "seq DESC",
    "oldest": "seq ASC",
    "priority": "priority ASC, opened_at ASC, seq ASC",
    "opened": "opened_at DESC, seq DESC",
}


def query(open_only: bool = False, status: str | None = None, priority: str | None = None,
          customer: str | None = None, service: str | None = None, search: str | None = None,
          problems: bool | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters of an incident list filter."""
    where, params = [], []
    if open_only:
        where.append("status != 'closed'")
    if status:
        if status in OPEN_STATES or status == "closed":
            where.append("state = ?")
        else:
            where.append("status = ?")
        params.append(status)
    if priority:
        where.append("priority = ?")
        params.append(priority)
    if customer:
        where.append("customer = ?")
        params.append(customer)
    if service:
        where.append("service = ?")
        params.append(service)
    if problems is not None:
        where.append("problem = ?")
        params.append(1 if problems else 0)
    if search:
        for word in search.split():
            if word.upper().startswith("INC-"):
                where.append("id LIKE ? ESCAPE '\\'")
                params.append(_escape_like(word.upper()) + "%")
            else:
                where.append("title LIKE ? ESCAPE '\\'")
                params.append(f"%{_escape_like(word)}%")
    return " AND ".join(where) or "1", params


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """What lists and the dashboard show of an incident, read from its row without building the
    model: the same attribute names as `Incident`, so the target functions take either."""

    uuid: str
    id: str
    summary: str
    priority: str | None
    status: str
    state: str | None
    customer: str | None
    service: str | None
    opened_at: datetime | None
    restored_at: datetime | None
    closed_at: datetime | None
    waiting_minutes: int
    waiting_since: datetime | None
    security: bool
    version: int


_ROW_SELECT = ("SELECT uuid, id, title, priority, status, state, customer, service, opened_at, restored_at, closed_at, "
               "json_extract(data, '$.waiting_minutes'), json_extract(data, '$.waiting_since'), security, version "
               "FROM incidents")


def _moment(text: str | None) -> datetime | None:
    return clock.parse_datetime(text) if text else None


def rows(store, where: str = "1", params: Any = (), order_by: str = SORTS["newest"], limit: int | None = None,
         offset: int = 0) -> list[IncidentRow]:
    """Incidents as plain rows: one query, no validation (lists, the dashboard, `incident list`)."""
    sql = f"{_ROW_SELECT} WHERE {where} ORDER BY {order_by}"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [IncidentRow(r[0], r[1], r[2] or "", r[3], r[4], r[5], r[6], r[7], _moment(r[8]), _moment(r[9]),
                        _moment(r[10]), int(r[11] or 0), _moment(r[12]), bool(r[13]), r[14])
            for r in store.conn.execute(sql, list(params))]


def page(store, where: str, params: list[Any], sort: str = "newest", limit: int = 100, offset: int = 0) -> list[IncidentRow]:
    return rows(store, where, params, order_by=SORTS[sort], limit=limit, offset=offset)


def open_incidents(store, limit: int = 50) -> list[IncidentRow]:
    """Open incidents, most urgent first (uses the partial index on open incidents)."""
    return rows(store, "status != 'closed'", (), order_by="priority ASC, opened_at ASC", limit=limit)


def row_dict(inc: Incident | IncidentRow, customers: dict[str, str], services: dict[str, str], target: Clock | None = None) -> dict[str, Any]:
    """A flat dict of an incident for tables, CSV and JSON lists."""
    out = {
        "id": inc.id, "uuid": inc.uuid, "summary": inc.summary, "priority": inc.priority, "status": inc.status,
        "state": inc.state, "customer": customers.get(inc.customer or "", ""), "service": services.get(inc.service or "", ""),
        "opened_at": clock.iso(inc.opened_at), "restored_at": clock.iso(inc.restored_at),
        "closed_at": clock.iso(inc.closed_at), "security": inc.security, "version": inc.version,
    }
    if target is not None:
        out["due_at"] = clock.iso(target.due_at)
        out["breached"] = target.breached
    return out


def counts_between(store, column: str, bounds: list[datetime], where: str = "1", params: Any = ()) -> list[int]:
    """How many incidents (matching `where`) have `column` in each interval between consecutive
    `bounds`: one count per interval over the column's index, no date arithmetic per row."""
    if column not in ("opened_at", "closed_at", "restored_at"):
        raise ValueError(column)
    edges = [clock.iso(b) for b in bounds]
    sql = f"SELECT COUNT(*) FROM incidents WHERE {column} >= ? AND {column} < ? AND {where}"
    return [store.conn.execute(sql, (a, b, *params)).fetchone()[0] for a, b in zip(edges, edges[1:])]


def weekly_counts(store, column: str, start: datetime, weeks: int) -> list[int]:
    """Incidents opened (`opened_at`) or closed (`closed_at`) in each of `weeks` weeks from `start`."""
    return counts_between(store, column, [start + timedelta(weeks=i) for i in range(weeks + 1)])


def weekly_breaches(store, start: datetime, weeks: int) -> list[int]:
    """Incidents restored later than the policy's resolution target for their priority, per week
    from `start` (read from the covering index on restored_at, opened_at, priority)."""
    minutes = policy_resolve_minutes(store)
    case = " ".join(f"WHEN '{p}' THEN {m}" for p, m in minutes.items())
    end = start + timedelta(weeks=weeks)
    found = store.conn.execute(
        "SELECT CAST((julianday(restored_at) - julianday(?)) / 7 AS INTEGER) AS w, COUNT(*) FROM incidents "
        "WHERE restored_at >= ? AND restored_at < ? AND "
        f"(julianday(restored_at) - julianday(opened_at)) * 1440 > (CASE priority {case} ELSE 1e9 END) GROUP BY w",
        (clock.iso(start), clock.iso(start), clock.iso(end))).fetchall()
    counts = [0] * weeks
    for w, n in found:
        if 0 <= w < weeks:
            counts[w] = n
    return counts


def list_dicts(store, *, open_only: bool = False, priority: str | None = None, status: str | None = None,
               customer: str | None = None, search: str | None = None, sort: str = "newest",
               limit: int | None = None) -> list[dict[str, Any]]:
    """Incidents as flat dicts with their target clock, for `incident list` (table, JSON, CSV)."""
    from . import targets
    from .lookup import names, resolve, short_names

    where, params = query(open_only=open_only, priority=priority, status=status,
                          customer=resolve(store, "customers", customer) if customer else None, search=search)
    customers, services = short_names(store), names(store, "services")
    cache: dict = {}
    out = []
    for inc in rows(store, where, params, order_by=SORTS[sort], limit=limit):
        tgt = targets.target_clock(inc, targets.target_for(store, inc, cache)) if inc.status != "closed" else None
        out.append(row_dict(inc, customers, services, tgt))
    return out
