"""Competence that has lapsed (IN.1.2): one function for the evidence map and the audit check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..kernel import clock

if TYPE_CHECKING:
    from ..model.ports import Reads


@dataclass(frozen=True)
class Lapsed:
    """Training or competence past its due date, for a role its person still holds."""

    ref: str  # the training record's id
    person: str  # uuid
    person_name: str
    requirement: str
    due: date
    role: str  # the role assignment it is for, as written (SM, PT:change...)


def lapsed_training(store: Reads, today: date | None = None) -> list[Lapsed]:
    """Training or competence whose due date has passed while its person still holds the role
    assignment it is for (IN.1.2: keep competence current). One function for the evidence map and
    the audit check; a training kept for a role that ended is history, not a lapse."""
    today = today or clock.today()
    active = {u: f"{role}:{area}" if area else role
              for u, role, area in store.rows("role_assignments", ["uuid", "role", "area"], {"state": "active"})}
    people = store.titles("people")
    out = []
    for rid, assignment, person, requirement, due in store.rows(
            "training", ["id", "assignment", "person", "requirement", "due_on"],
            {"due_on__isnull": False, "due_on__lt": today.isoformat()}, order="due_on"):
        if assignment in active:
            out.append(Lapsed(rid, person, people.get(person, "?"), requirement, date.fromisoformat(str(due)[:10]), active[assignment]))
    return out


__all__ = ["Lapsed", "lapsed_training"]
