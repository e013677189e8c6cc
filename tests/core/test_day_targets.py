"""A target typed in days ("3d") counted in service hours means that many service days, each as
long as the service's day: with Mon-Fri 09:00-17:00 an incident opened on Monday morning with a
P3 target of 3d is due on Thursday morning, not ten days later (72 service hours). The form that
takes targets says the due time before saving."""

from __future__ import annotations

from datetime import UTC, datetime

from vse_tui.core.incidents import process as core
from vse_tui.core.incidents import targets
from vse_tui.core.incidents.hours import Hours, service_minutes, target_span
from vse_tui.core.model.records import Customer, Service

MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # TZ is UTC in tests


def _default_agreement(store, typed: str | None = "P1 15m/4h, P2 30m/8h, P3 2h/3d, P4 8h/5d, P5 1d/10d"):
    """A customer's agreement made with what the app offers: a service of the default hours (Mon-Fri
    09:00-17:00) and the policy's default targets (typed here as the form shows them)."""
    from vse_tui.core.governance.documents import create

    acme = store.add(Customer(name="Acme"))
    desk = store.add(Service(name="Desk", status="approved"))  # the default service hours
    values = {"title": "Desk support for Acme", "customer": acme.id, "services": desk.id}
    if typed:
        values["targets"] = typed
    agr = create(store, "customer_agreements", values)
    from vse_tui.core.governance.documents import approve

    approve(store, "customer_agreements", agr.id)
    return acme, desk, store.get("customer_agreements", agr.id)


def test_the_default_agreements_3d_is_three_service_days(store):
    acme, desk, agr = _default_agreement(store)
    due = targets.due_for(store, acme.uuid, desk.uuid, "P3", MONDAY_10)
    assert due.target.source == f"agreement {agr.id}" and due.target.resolve_minutes == 3 * 24 * 60
    assert due.resolve_due == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # Thursday 10:00
    assert due.respond_due == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 2 service hours
    p5 = targets.due_for(store, acme.uuid, desk.uuid, "P5", MONDAY_10)  # respond 1d, resolve 10d
    assert p5.respond_due == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert p5.resolve_due == datetime(2026, 12, 14, 10, 0, tzinfo=UTC)  # two working weeks
    # an incident logged then carries the same clock
    inc = core.log_incident(store, "Printer", customer=acme.id, service=desk.id, impact="medium", urgency="medium")
    assert inc.priority == "P3"
    assert targets.assess(inc, targets.target_for(store, inc), MONDAY_10).resolve_due > inc.opened_at


def test_the_policys_default_targets_read_alike(store):
    acme, desk, _agr = _default_agreement(store, typed=None)
    due = targets.due_for(store, acme.uuid, desk.uuid, "P3", MONDAY_10)
    assert due.target.source == "default"
    assert due.resolve_due == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_hours_and_round_the_clock_keep_their_meaning():
    office = Hours()
    assert service_minutes(36 * 60, office) == 36 * 60  # "36h": 36 service hours
    assert service_minutes(4 * 60, office) == 4 * 60
    assert service_minutes(3 * 24 * 60, office) == 3 * 8 * 60
    assert service_minutes(3 * 24 * 60, Hours(always=True)) == 3 * 24 * 60  # 24x7: calendar days
    assert service_minutes(3 * 24 * 60, None) == 3 * 24 * 60
    assert target_span(3 * 24 * 60, office) == "3 service days (Mon-Fri 09:00-17:00)"


def test_the_form_says_when_an_incident_opened_now_would_be_due(store):
    from vse_tui.core.incidents.targets import due_preview

    acme, desk, _agr = _default_agreement(store)
    said = due_preview(store, "customer_agreements", {"targets": "P3 2h/3d", "services": desk.id}, MONDAY_10)
    assert "P3 by 2026-12-03 10:00" in said and "Mon-Fri 09:00-17:00" in said
    said = due_preview(store, "customer_agreements", {"targets": "P3 2h/3d", "service_hours": "24x7"}, MONDAY_10)
    assert "P3 by 2026-12-03 10:00" in said and "round the clock" in said
    assert due_preview(store, "services", {"targets": "P1 15m/4h"}, MONDAY_10).count("by 2026-11-30 14:00") == 1
    assert due_preview(store, "services", {"targets": "P1 soon"}, MONDAY_10) == ""  # saving says why
    assert due_preview(store, "services", {}, MONDAY_10) == ""
