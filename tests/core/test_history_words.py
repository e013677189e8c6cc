"""A record's history says a status or a state as the language names it: what is stored stays the
code (the history row itself is never rewritten)."""

from __future__ import annotations

import json

from vse_tui import i18n
from vse_tui.core.present.display import change_text


def _row(field: str, old: str, new: str) -> dict:
    return {"action": "update", "field": field, "old_value": json.dumps(old), "new_value": json.dumps(new)}


def test_a_status_and_a_state_changed_read_in_the_language() -> None:
    status, state = _row("status", "opened", "updated"), _row("state", "new", "in progress")
    assert change_text(status, {}) == "status: opened → updated"
    assert change_text(state, {}) == "state: new → in progress"
    try:
        i18n.set_language("es")
        assert change_text(status, {}).endswith(": abierto → actualizado")
        assert change_text(state, {}).endswith(": nuevo → en curso")
        i18n.set_language("fr")
        assert change_text(status, {}).endswith(": ouvert → mis à jour")
        assert change_text(_row("state", "", "new") | {"old_value": None}, {}).endswith(": nouveau")
    finally:
        i18n.set_language("en")
    assert json.loads(status["new_value"]) == "updated"  # the row as stored
