"""Competence that has lapsed (IN.1.2), and the state of each training record: one function decides
(`training_state`), for the evidence map, the audit check, the training screens and the audit pack.

A training record's stored state says what was last recorded of it (planned, met); whether it
still counts is a matter of its dates and its person's roles: past its due date while its person
still holds the role assignment it is for, it has lapsed, whatever was recorded."""

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


PLANNED, MET, LAPSED = "planned", "met", "lapsed"


def training_state(met_on: date | str | None, due_on: date | str | None, holds_role: bool,
                   today: date | None = None) -> str:
    """planned, met or lapsed: lapsed when its due date has passed while its person still holds
    the role assignment it is for (met or not); met when it was met (a lapse of a role that ended
    is history); planned otherwise."""
    today = today or clock.today()
    due = _day(due_on)
    if due is not None and due < today and holds_role:
        return LAPSED
    return MET if met_on else PLANNED


def _day(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _active_assignments(store: Reads) -> dict[str, str]:
    """Each active role assignment's uuid and how it is written (SM, PT:change...)."""
    return {u: f"{role}:{area}" if area else role
            for u, role, area in store.rows("role_assignments", ["uuid", "role", "area"], {"state": "active"})}


def training_states(store: Reads, today: date | None = None) -> dict[str, str]:
    """The state of every training record (by its id), decided by `training_state`."""
    today = today or clock.today()
    active = _active_assignments(store)
    return {rid: training_state(met_on, due_on, assignment in active, today)
            for rid, assignment, met_on, due_on in store.rows("training", ["id", "assignment", "met_on", "due_on"])}


def lapsed_training(store: Reads, today: date | None = None) -> list[Lapsed]:
    """Training or competence whose due date has passed while its person still holds the role
    assignment it is for (IN.1.2: keep competence current). One function for the evidence map and
    the audit check; a training kept for a role that ended is history, not a lapse."""
    today = today or clock.today()
    active = _active_assignments(store)
    people = store.titles("people")
    out = []
    for rid, assignment, person, requirement, met_on, due in store.rows(
            "training", ["id", "assignment", "person", "requirement", "met_on", "due_on"],
            {"due_on__isnull": False, "due_on__lt": today.isoformat()}, order="due_on"):
        if training_state(met_on, due, assignment in active, today) == LAPSED:
            out.append(Lapsed(rid, person, people.get(person, "?"), requirement, date.fromisoformat(str(due)[:10]),
                              active[assignment]))
    return out


__all__ = ["LAPSED", "MET", "PLANNED", "Lapsed", "lapsed_training", "training_state", "training_states"]
