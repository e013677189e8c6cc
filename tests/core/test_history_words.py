"""Codes stored in English said in the person's language: a status or a state in a record's history,
what runs out on a configuration item, how a party was told, the items of an entry, a day; what is stored
stays the code."""

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


def test_what_runs_out_on_an_item_is_said_in_the_language(demo_store) -> None:
    from vse_tui.core.evidence.due import due_items

    english = [d.title for d in due_items(demo_store) if d.kind == "licence"]
    assert english and all(t.endswith(": licence") for t in english)
    try:
        i18n.set_language("es")
        spanish = [d.title for d in due_items(demo_store) if d.kind == "licence"]
    finally:
        i18n.set_language("en")
    assert spanish == [t.replace(": licence", ": licencia") for t in english]


def test_a_party_told_without_mail_is_told_in_the_language(demo_store) -> None:
    from vse_tui.core.intake.mail_delivery import messages_of

    incident = demo_store.get("incidents", "INC-0288")
    try:
        i18n.set_language("es")
        lines = [m.heading({}) for m in messages_of(demo_store, "incidents", incident) if m.way == "to"]
    finally:
        i18n.set_language("en")
    assert any("avisado por teléfono" in line for line in lines), lines
    assert not any("phone" in line for line in lines)


def test_an_entrys_items_read_in_the_language() -> None:
    from vse_tui.core.present.display import render_value

    confirmation = {"at": "2026-11-18T04:00:00+00:00", "by": "Dana Wells", "how": "phone"}
    assert render_value(confirmation, {}) == "at: 2026-11-18 04:00; by: Dana Wells; how: phone"
    try:
        i18n.set_language("es")
        assert render_value(confirmation, {}) == "fecha: 18/11/2026 04:00; por: Dana Wells; cómo: teléfono"
    finally:
        i18n.set_language("en")


def test_a_day_stored_reads_as_the_language_writes_it() -> None:
    from vse_tui.core.present.display import render_value

    assert render_value("2026-01-04", {}) == "2026-01-04"
    try:
        i18n.set_language("fr")
        assert render_value("2026-01-04", {}) == "04/01/2026"
        assert render_value("2026-02-30", {}) == "2026-02-30"  # not a day: as stored
        from datetime import date

        from vse_tui.core.model.records.relationship import CustomerAgreement
        from vse_tui.core.present.display import item_text

        agreement = CustomerAgreement.model_construct(title="x", start_date=date(2026, 1, 4))
        assert item_text(agreement, "start_date", {}) == "04/01/2026"
    finally:
        i18n.set_language("en")
