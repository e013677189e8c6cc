"""The lifecycle rules of a record, in one place: which status moves the standard allows for its
work product, which status and operational state go together, and when a record is closed to
editing. The store checks every write against `check_move`; the screens and the CLI ask
`closed_to_editing` before they offer an edit."""

from __future__ import annotations

from typing import Any

from vse_tui.i18n import _

from ..kernel.errors import InputError
from .data import state_name, status_name

# Operational states that only go with one status (and that status only with them).
PAIRED = {
    "incidents": ("closed", "closed"),  # status closed <-> state closed
}


def allowed_next(wp_code: str, status: str) -> list[str]:
    # here, not at the top: importing it loads pydantic
    from .standard import load_standard

    wp = load_standard().wp(wp_code)
    return [b for a, b in wp.transitions if a == status]


def move_problem(old: Any, new: Any) -> str | None:
    """Why going from `old` to `new` breaks the lifecycle, or None."""
    if old.WP and old.status != new.status:
        # here, not at the top: importing it loads pydantic
        from .standard import load_standard

        if not load_standard().wp(old.WP).can_move(old.status, new.status):
            nxt = allowed_next(old.WP, old.status)
            if nxt:
                return _("{id} cannot go from {old} to {new} (next: {next})").format(
                    id=old.id, old=status_name(old.status), new=status_name(new.status),
                    next=", ".join(status_name(n) for n in nxt))
            return _("{id} cannot go from {old} to {new} (its status is final)").format(
                id=old.id, old=status_name(old.status), new=status_name(new.status))
    return state_problem(new)


def state_problem(record: Any) -> str | None:
    """Why a record's status and operational state do not go together, or None."""
    pair = PAIRED.get(record.KIND)
    if pair:
        status, state = pair
        if (record.status == status) != (record.state == state):
            return _("{record} would be {status} with state {state}; status {paired_status} goes with state "
                     "{paired_state} only").format(record=record.id or _(record.LABEL), status=status_name(record.status),
                                                   state=state_name(record.state), paired_status=status_name(status),
                                                   paired_state=state_name(state))
    return None


def check_move(old: Any, new: Any) -> None:
    problem = move_problem(old, new)
    if problem:
        raise InputError(problem)


def closed_to_editing(record: Any) -> str | None:
    """Why the generic editor must not change this record now, or None. A closed incident is
    reopened (with a reason) before it changes; its closure stays what was confirmed."""
    if record.KIND == "incidents" and record.status == "closed":
        return _("{id} is closed; reopen it (with the reason) before you change it").format(id=record.id)
    return None


__all__ = ["allowed_next", "check_move", "closed_to_editing", "move_problem", "state_problem"]
