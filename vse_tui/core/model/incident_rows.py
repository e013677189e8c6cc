"""What a list asks for (IncidentQuery) and what it gets back (IncidentRow): plain data shared by
the store, which reads the rows, and the core, which judges and shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SORTS = ("newest", "oldest", "priority", "opened")
# the states an open incident can be in, in the order it moves through them ("closed" ends it)
OPEN_STATES = ("new", "in progress", "waiting for customer", "waiting for supplier", "restored")
NEVER: tuple[datetime | None, datetime | None] = (None, None)


@dataclass(frozen=True)
class IncidentQuery:
    """Which incidents a list shows. `assignee`: a person's uuid, "" for nobody, None for anyone."""

    open_only: bool = False
    status: str | None = None
    priority: str | None = None
    customer: str | None = None
    service: str | None = None
    search: str | None = None
    problems: bool | None = None
    assignee: str | None = None
    ci: str | None = None
    opened: tuple[datetime | None, datetime | None] = NEVER
    restored: tuple[datetime | None, datetime | None] = NEVER
    closed: tuple[datetime | None, datetime | None] = NEVER


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
    responded_at: datetime | None = None
    external_ref: str | None = None
    assignee: str | None = None
    problem: bool = False
    reopened: int = 0
