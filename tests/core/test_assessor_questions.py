"""What an assessor asks beyond the content: one login writing as several people, a closure the
second it opened, a change deployed before its planned start or confirmed after it, a significant
incident closed with neither a change request nor a reason."""

from datetime import UTC, datetime

from vse_tui.core.evidence.audit_check import audit_check
from vse_tui.core.model.records.incident import Incident

from ..conftest import acting


def test_one_login_writing_as_two_people_is_named(store, sam):
    from vse_tui.core.incidents import process as inc

    inc.log_incident(store, "Printer jam on the second floor", use_last=False)
    with acting(store, sam):  # Sam writes from Tester's login and host
        inc.log_incident(store, "Mail is slow for everyone", use_last=False)
    found = [f for f in audit_check(store) if f.rule == "login"]
    assert len(found) == 1 and "as 2 people (Sam, Tester)" in found[0].what


def test_impossible_timing_and_a_significant_closure_without_a_reason_are_named(store):
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    store.add(Incident(summary="Server room flooded", priority="P1", reporter="Ann", status="closed", state="closed",
                       opened_at=at, restored_at=at, closed_at=at, solution="Dried out"),
              task="IN.2.5")
    found = {f.rule: f for f in audit_check(store) if f.rule in ("timing", "significant")}
    assert found["timing"].what == "closed the moment it was opened"
    assert "neither a change request nor the reason" in found["significant"].what
