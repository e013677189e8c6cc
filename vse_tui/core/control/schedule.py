"""What is on the change schedule and what is overdue on it: plain rows read in a query each,
light enough for the dashboard's first screen (no record models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..kernel import clock

if TYPE_CHECKING:
    from ..model.ports import Reads


@dataclass(frozen=True)
class PlannedChange:
    """A change on the schedule, as the dashboard lists it."""

    id: str
    title: str
    planned_at: datetime
    change_type: str | None
    overdue: bool  # approved for a moment now past and still not deployed


# Not deployed and not cancelled: still to happen.
_PENDING: dict[str, Any] = {"deployed_at__isnull": True, "state__ne": "cancelled"}
_PLANNED = ["id", "title", "planned_at", "change_type"]


def overdue_changes(store: Reads, now: datetime, limit: int | None = 10) -> list[PlannedChange]:
    """Changes approved for a moment already past and not deployed: the one rule of an overdue
    change (the dashboard, `vse-tui change list --overdue`)."""
    rows = store.rows("change_requests", _PLANNED, {**_PENDING, "planned_at__lt": now, "status": ("approved", "updated")},
                      order="planned_at", limit=limit)
    return [PlannedChange(r[0], r[1], clock.parse_datetime(r[2]), r[3], True) for r in rows]


def coming_changes(store: Reads, now: datetime, days: int = 14, limit: int = 30) -> list[PlannedChange]:
    """Changes planned from now to `days` ahead and not yet deployed, soonest first."""
    rows = store.rows("change_requests", _PLANNED,
                      {**_PENDING, "planned_at__ge": now, "planned_at__le": now + timedelta(days=days)},
                      order="planned_at", limit=limit)
    return [PlannedChange(r[0], r[1], clock.parse_datetime(r[2]), r[3], False) for r in rows]
