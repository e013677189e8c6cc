"""The Service Incident process (IN): logging, the IN.2 flow, targets and prevention.

Every function takes the store, performs one task of the standard, and writes the record and its
history in one transaction, tagged with the task id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import clock, policy
from .errors import InputError, describe_validation_error
from .hours import Hours, add_working_minutes
from .lookup import _escape_like, resolve

if TYPE_CHECKING:
    from .records.control import ChangeRequest
    from .records.incident import Incident

# The models (and pydantic) load when a record is built or read in full; the dashboard and the
# incident list read plain rows (`IncidentRow`) and never need them.

OPEN_STATES = ("new", "in progress", "waiting for customer", "waiting for supplier", "restored")
WAITING = ("waiting for customer", "waiting for supplier")


# ---------------------------------------------------------------- policy and targets


def current_policy(store):
    """The shop's policy in force (approved or updated), or None."""
    return store.latest("policies", "status IN ('approved', 'updated')")


def _policy_field(store, name: str) -> tuple[str, str | None] | None:
    """(id, raw JSON of one field) of the policy in force, read straight from the row so that
    logging and the dashboard never build the policy model; None without a policy."""
    return store.conn.execute(
        f"SELECT id, json_extract(data, '$.{name}') FROM policies WHERE status IN ('approved', 'updated') "
        "ORDER BY seq DESC LIMIT 1").fetchone()


def priority_matrix(store) -> dict[str, str]:
    """The policy's impact x urgency matrix, defaults where it is silent."""
    row = _policy_field(store, "priority_matrix")
    matrix = dict(policy.DEFAULT_MATRIX)
    if row and row[1]:
        matrix.update(json.loads(row[1]))
    return matrix


def policy_resolve_minutes(store) -> dict[str, int]:
    """priority -> the policy's resolution target in minutes, defaults where it is silent."""
    row = _policy_field(store, "targets")
    out = {}
    for prio, (_, resolve) in policy.DEFAULT_TARGETS.items():
        t = _targets(row[1], prio) if row else None
        out[prio] = t[1] if t else resolve
    return out


def _targets(raw: str | None, prio: str) -> tuple[int, int] | None:
    for t in json.loads(raw) if raw else []:
        if t.get("priority") == prio:
            return int(t["respond_minutes"]), int(t["resolve_minutes"])
    return None


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


# ---------------------------------------------------------------- trends


def weekly_counts(store, column: str, start: datetime, weeks: int) -> list[int]:
    """How many incidents were opened (`opened_at`) or closed (`closed_at`) in each of `weeks`
    weeks from `start`: one count per week over the column's index, no date arithmetic per row."""
    if column not in ("opened_at", "closed_at", "restored_at"):
        raise ValueError(column)
    bounds = [clock.iso(start + timedelta(weeks=i)) for i in range(weeks + 1)]
    sql = f"SELECT COUNT(*) FROM incidents WHERE {column} >= ? AND {column} < ?"
    return [store.conn.execute(sql, (a, b)).fetchone()[0] for a, b in zip(bounds, bounds[1:])]


def weekly_breaches(store, start: datetime, weeks: int) -> list[int]:
    """Incidents restored later than the policy's resolution target for their priority, per week
    from `start` (read from the covering index on restored_at, opened_at, priority)."""
    minutes = policy_resolve_minutes(store)
    case = " ".join(f"WHEN '{p}' THEN {m}" for p, m in minutes.items())
    end = start + timedelta(weeks=weeks)
    rows = store.conn.execute(
        "SELECT CAST((julianday(restored_at) - julianday(?)) / 7 AS INTEGER) AS w, COUNT(*) FROM incidents "
        "WHERE restored_at >= ? AND restored_at < ? AND "
        f"(julianday(restored_at) - julianday(opened_at)) * 1440 > (CASE priority {case} ELSE 1e9 END) GROUP BY w",
        (clock.iso(start), clock.iso(start), clock.iso(end))).fetchall()
    counts = [0] * weeks
    for w, n in rows:
        if 0 <= w < weeks:
            counts[w] = n
    return counts


# ---------------------------------------------------------------- IN.2.1 record


def log_incident(
    store,
    summary: str,
    *,
    customer: str | None = None,
    service: str | None = None,
    impact: str = "medium",
    urgency: str = "medium",
    reporter: str = "",
    reporter_contact: str = "",
    details: str = "",
    cis: list[str] | None = None,
    security: bool = False,
    problem: bool = False,
    use_last: bool = True,
) -> Incident:
    """IN.2.1: record an incident. Only the summary is required; the customer and service default
    to the last used, the priority comes from the policy's matrix."""
    summary = (summary or "").strip()
    if not summary:
        raise InputError("Summary: describe the incident in a few words (it is the only required field)")
    customer_uuid = resolve(store, "customers", customer) if customer else (store.setting("last_customer") if use_last else None)
    service_uuid = resolve(store, "services", service) if service else (store.setting("last_service") if use_last else None)
    ci_uuids = [resolve(store, "configuration_items", c) for c in (cis or [])]
    for name, value in (("impact", impact), ("urgency", urgency)):
        if value not in policy.LEVELS:
            raise InputError(f"{name}: expected high, medium or low (got {value!r})")
    from pydantic import ValidationError

    from .records.incident import Incident

    try:
        record = Incident(
            summary=summary, customer=customer_uuid, service=service_uuid, impact=impact, urgency=urgency,
            priority=policy.priority_for(impact, urgency, priority_matrix(store)), reporter=reporter,
            reporter_contact=reporter_contact, details=details, cis=ci_uuids, security=security,
            problem=problem, opened_at=clock.now(),
        )
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, "incident")) from None
    with store.transaction():
        stored = store.add(record, task="IN.1.3" if problem else "IN.2.1")
        _remember(store, "last_customer", customer_uuid)
        _remember(store, "last_service", service_uuid)
    return stored


def _remember(store, key: str, value: str | None) -> None:
    """A user preference (last used customer/service): not a record, so no history row."""
    if value:
        store.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))


# ---------------------------------------------------------------- IN.2.2 - IN.2.5


def _get(store, ref: str) -> Incident:
    return store.get("incidents", ref)


def classify(store, ref: str, *, category: str | None = None, impact: str | None = None,
             urgency: str | None = None, cis: list[str] | None = None, related: list[str] | None = None,
             changes: list[str] | None = None, root_cause: str | None = None, security: bool | None = None) -> Incident:
    """IN.2.2: classify and link the incident to items, changes and other incidents."""
    inc = _get(store, ref)
    _must_be_open(inc, "classify")
    changes_: dict[str, Any] = {"status": "updated"}
    if inc.state == "new":
        changes_["state"] = "in progress"
    if category is not None:
        changes_["category"] = category.strip()
    if impact or urgency:
        imp, urg = impact or inc.impact, urgency or inc.urgency
        changes_.update(impact=imp, urgency=urg, priority=policy.priority_for(imp, urg, priority_matrix(store)))
    if cis is not None:
        changes_["cis"] = [resolve(store, "configuration_items", c) for c in cis]
    if related is not None:
        changes_["related_incidents"] = [_get(store, r).uuid for r in related]
    if changes is not None:
        changes_["changes"] = [store.get("change_requests", c).uuid for c in changes]
    if root_cause is not None:
        changes_["root_cause"] = root_cause.strip()
    if security is not None:
        changes_["security"] = security
    return store.update("incidents", inc.uuid, changes_, task="IN.2.2")


def message_for(store, inc: Incident, template: str, operator: str = "") -> str:
    """The policy's standard message for this incident, filled in, ready to copy."""
    pol = current_policy(store)
    templates = (pol.templates if pol and pol.templates else None) or policy.DEFAULT_TEMPLATES
    text = templates.get(template) or policy.DEFAULT_TEMPLATES.get(template, "")
    tgt = target_clock(inc, target_for(store, inc))
    values = {
        "id": inc.id, "summary": inc.summary, "priority": inc.priority, "reporter": inc.reporter or "there",
        "details": inc.details or inc.summary, "solution": inc.solution or "(see below)",
        "target": clock.local_text(tgt.due_at) if tgt.due_at else "as soon as possible",
        "operator": operator or store.actor.operator, "shop": store.setting("shop_name", "the service desk"),
    }
    try:
        return text.format_map(_Defaulting(values))
    except (ValueError, IndexError):  # a malformed template: show it unfilled rather than fail
        return text


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


NOTIFY_TEMPLATE = {"IN.2.3": "incident_investigating", "IN.2.4": "incident_restored", "IN.2.5": "incident_closed"}


def notify(store, ref: str, *, task: str, to: str, how: str = "email", message: str | None = None,
           at: datetime | None = None) -> Incident:
    """IN.2.3/IN.2.4: record that the affected party was told (who, when, how, what)."""
    inc = _get(store, ref)
    if task not in NOTIFY_TEMPLATE:
        raise InputError(f"task: expected IN.2.3, IN.2.4 or IN.2.5 (got {task!r})")
    if not (to or "").strip():
        raise InputError("Notified: name who was told")
    text = message if message is not None else message_for(store, inc, NOTIFY_TEMPLATE[task])
    from pydantic import ValidationError

    from .records.incident import Notification

    try:
        note = Notification(task=task, to=to.strip(), how=how, at=at or clock.now(), by=store.actor.operator, message=text)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, "notification")) from None
    changes: dict[str, Any] = {"notifications": [*inc.notifications, note]}
    if inc.status != "closed":
        changes["status"] = "updated"
    if task == "IN.2.3" and inc.responded_at is None:
        changes["responded_at"] = note.at
    if inc.state == "new":
        changes["state"] = "in progress"
    return store.update("incidents", inc.uuid, changes, task=task)


def restore(store, ref: str, *, solution: str, steps_taken: str | None = None) -> Incident:
    """IN.2.4: the service works again."""
    inc = _get(store, ref)
    _must_be_open(inc, "restore")
    if not (solution or "").strip():
        raise InputError("Solution: say what restored the service")
    now = clock.now()
    changes: dict[str, Any] = {"status": "updated", "state": "restored", "solution": solution.strip(), "restored_at": now}
    changes.update(_stop_waiting(inc, now))
    if steps_taken is not None:
        changes["steps_taken"] = steps_taken.strip()
    if inc.responded_at is None:
        changes["responded_at"] = now
    return store.update("incidents", inc.uuid, changes, task="IN.2.4")


def closure_problems(inc: Incident) -> list[str]:
    """What still stands in the way of closing (IN.2.5); empty when it may close."""
    problems = []
    if not inc.solution.strip():
        problems.append("a resolution (restore it first)")
    if inc.confirmation is None:
        problems.append("the affected party's confirmation")
    if inc.significant:
        if not inc.root_cause.strip():
            problems.append("a root cause (significant incident)")
        if not inc.changes and not inc.no_change_reason.strip():
            problems.append("a change request for the mitigating solution, or the reason none is needed")
    return problems


def closes_own_work(inc: Incident, closer: str) -> bool:
    """The separation-of-duties rule at the moment of work: the practitioner who resolved the
    incident is also the one closing it for the provider."""
    return bool(inc.resolver.strip()) and inc.resolver.strip().lower() == (closer or "").strip().lower()


def close(store, ref: str, *, confirmed_by: str, how: str = "phone", at: datetime | None = None,
          solution: str | None = None, root_cause: str | None = None, no_change_reason: str | None = None,
          acknowledgement: str | None = None) -> Incident:
    """IN.2.5: close with the resolution and the affected party's confirmation. A significant
    incident also needs its root cause and a change request (or the reason none is needed).
    Closing an incident one resolved oneself needs an acknowledgement, recorded on the incident."""
    inc = _get(store, ref)
    own = closes_own_work(inc, store.actor.operator)
    if own and not (acknowledgement or "").strip():
        raise InputError(f"You resolved {inc.id} yourself: say how the fix was checked (an acknowledgement is recorded)")
    if inc.status == "closed":
        raise InputError(f"{inc.id} is already closed")
    now = clock.now()
    updates: dict[str, Any] = {}
    if solution:
        updates["solution"] = solution.strip()
    if root_cause:
        updates["root_cause"] = root_cause.strip()
    if no_change_reason:
        updates["no_change_reason"] = no_change_reason.strip()
    if (confirmed_by or "").strip():
        from pydantic import ValidationError

        from .records.incident import Confirmation

        try:
            updates["confirmation"] = Confirmation(by=confirmed_by.strip(), at=at or now, how=how)
        except ValidationError as exc:
            raise InputError(describe_validation_error(exc, "confirmation")) from None
    candidate = inc.model_copy(update=updates)
    missing = closure_problems(candidate)
    if missing:
        raise InputError(f"{inc.id} cannot close yet: it needs " + "; ".join(missing))
    updates.update(status="closed", state="closed", closed_at=now)
    if inc.restored_at is None:
        updates["restored_at"] = now
    updates.update(_stop_waiting(inc, now))
    with store.transaction():
        if own:
            from .roles import RoleWarning, acknowledge

            acknowledge(store, RoleWarning("resolver-closes", None, inc.resolver, ("PT",)), acknowledgement, record=inc.uuid)
        return store.update("incidents", inc.uuid, updates, task="IN.2.5")


def set_waiting(store, ref: str, on: str | None) -> Incident:
    """Pause the target clock while waiting for the customer or a supplier; None resumes."""
    inc = _get(store, ref)
    _must_be_open(inc, "put on hold")
    now = clock.now()
    if on is None:
        if inc.state not in WAITING:
            return inc
        changes = {"state": "in progress", **_stop_waiting(inc, now)}
    else:
        if on not in ("customer", "supplier"):
            raise InputError(f"waiting: expected customer or supplier (got {on!r})")
        changes = {"state": f"waiting for {on}", "waiting_since": now, "status": "updated"}
        if inc.state in WAITING:
            changes.update(_stop_waiting(inc, now))
            changes["waiting_since"] = now
    return store.update("incidents", inc.uuid, changes, task="IN.2.3")


def _stop_waiting(inc: Incident, now: datetime) -> dict[str, Any]:
    if inc.state not in WAITING or inc.waiting_since is None:
        return {}
    waited = int((now - inc.waiting_since).total_seconds() // 60)
    return {"waiting_minutes": inc.waiting_minutes + max(0, waited), "waiting_since": None}


def reopen(store, ref: str, reason: str) -> Incident:
    inc = _get(store, ref)
    if inc.status != "closed":
        raise InputError(f"{inc.id} is not closed")
    if not (reason or "").strip():
        raise InputError("Reason: say why the incident is reopened")
    steps = (inc.steps_taken + "\n" if inc.steps_taken else "") + f"Reopened: {reason.strip()}"
    return store.update("incidents", inc.uuid, {
        "status": "updated", "state": "in progress", "closed_at": None, "restored_at": None,
        "confirmation": None, "reopened": inc.reopened + 1, "steps_taken": steps,
    }, task="IN.2.2")


def log_time(store, ref: str, *, who: str, minutes: int, billable: bool = True, note: str = "") -> Incident:
    inc = _get(store, ref)
    from pydantic import ValidationError

    from .records.incident import TimeEntry

    try:
        entry = TimeEntry(who=who, at=clock.now(), minutes=minutes, billable=billable, note=note)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, "time spent")) from None
    return store.update("incidents", inc.uuid, {"time_spent": [*inc.time_spent, entry]}, task=None)


def raise_change(store, ref: str, *, title: str | None = None, change_type: str = "normal") -> tuple[Incident, ChangeRequest]:
    """Raise a change request for the mitigating solution or permanent fix, prefilled from the
    incident and linked both ways (IN.2.2 / IN.1.3)."""
    from .records.control import ChangeRequest

    inc = _get(store, ref)
    task = "IN.1.3" if inc.problem else ("IN.2.5" if inc.state == "restored" else "IN.2.2")
    with store.transaction():
        change = store.add(ChangeRequest(
            title=title or f"Fix for {inc.id}: {inc.summary}"[:300],
            purpose=f"Mitigating solution for incident {inc.id}.",
            problem=inc.root_cause or inc.details or inc.summary,
            priority=inc.priority, change_type=change_type, impacted_cis=list(inc.cis),
            incidents=[inc.uuid], service=inc.service, customer=inc.customer,
            requested_by=store.actor.operator, contact=inc.reporter,
        ), task=task)
        updated = store.update("incidents", inc.uuid, {"changes": [*inc.changes, change.uuid], "status": "updated"}, task=task)
    return updated, change


def _must_be_open(inc: Incident, verb: str) -> None:
    if inc.status == "closed":
        raise InputError(f"{inc.id} is closed; reopen it before you {verb} it")


# ---------------------------------------------------------------- lists


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
