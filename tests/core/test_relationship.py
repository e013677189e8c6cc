"""Service relationship: the performance report's every figure, the feedback log's steps, the
catalogue's change control, and the field text forms and the CLI share."""

import json
from datetime import UTC, date, datetime

import pytest

from vse_tui.cli import main
from vse_tui.core.governance import documents
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import (
    ChangeRequest,
    Customer,
    CustomerAgreement,
    FeedbackEntry,
    Incident,
    PerformanceReport,
    Service,
    ServiceHours,
    ServiceTarget,
    Supplier,
    TestReport,
    TimeEntry,
)
from vse_tui.core.present import fields
from vse_tui.core.relationship import process as relationship
from vse_tui.reports import performance


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def november(store):
    """A known month: five incidents in November 2026 (and two that must not count), with changes,
    feedback and time spent. Mail is staffed Mon-Fri 09:00-17:00."""
    mail = store.add(Service(name="Mail", status="approved", service_hours=ServiceHours(),
                             targets=[ServiceTarget(priority="P2", respond_minutes=60, resolve_minutes=240)]))
    acme = store.add(Customer(name="Acme"))
    bolt = store.add(Customer(name="Bolt"))
    parts = store.add(Supplier(name="Parts Direct"))
    store.add(CustomerAgreement(title="Acme SLA", customer=acme.uuid, status="approved", services=[mail.uuid],
                                targets=[ServiceTarget(priority="P2", respond_minutes=30, resolve_minutes=120)]))

    def inc(summary, customer, opened, *, service=mail, priority="P2", responded=None, restored=None, **extra):
        store.add(Incident(summary=summary, customer=customer.uuid, service=service.uuid if service else None,
                           priority=priority, opened_at=utc(opened), responded_at=utc(responded) if responded else None,
                           restored_at=utc(restored) if restored else None,
                           state="restored" if restored else "in progress", **extra))

    # Acme, agreement targets 30m / 2h in service hours
    inc("Mail slow", acme, "2026-11-02T10:00", responded="2026-11-02T10:20", restored="2026-11-02T11:30")  # met, 90
    inc("Mailbox full", acme, "2026-11-06T16:30", responded="2026-11-09T09:20",  # response late; resolved in time, 90
        restored="2026-11-09T10:00")
    inc("Mail down", acme, "2026-11-10T09:00", restored="2026-11-10T15:00", reopened=1)  # both late, 360
    # Bolt: the catalogue's targets 1h / 4h; and one without a service: the built-in P3 target, every minute
    inc("Shared calendar", bolt, "2026-11-18T09:00", responded="2026-11-18T09:30", restored="2026-11-18T12:00",
        time_spent=[TimeEntry(who="Sam", at=utc("2026-11-18T12:00"), minutes=45, billable=True),
                    TimeEntry(who="Sam", at=utc("2026-11-18T12:05"), minutes=30, billable=False)])
    inc("Printer", bolt, "2026-11-20T08:00", service=None, priority="P3")  # still open, past both targets
    # not counted: opened in October; a potential problem
    inc("Old one", acme, "2026-10-30T10:00", restored="2026-10-30T11:00",
        time_spent=[TimeEntry(who="Sam", at=utc("2026-11-02T09:00"), minutes=15, billable=True)])  # time in November counts
    inc("Might fail", acme, "2026-11-12T10:00", problem=True)

    deployed = store.add(ChangeRequest(title="Mail quota", customer=acme.uuid, status="updated", state="deployed",
                                       deployed_at=utc("2026-11-15T07:00")))
    failed = store.add(ChangeRequest(title="Mail filter", customer=acme.uuid, status="approved", state="built"))
    store.add(TestReport(title="Test", change=failed.uuid, result="fail", errors="Filter drops good mail",
                         tested_at=utc("2026-11-12T14:00")))
    store.add(ChangeRequest(title="October change", customer=bolt.uuid, status="updated", state="deployed",
                            deployed_at=utc("2026-10-15T07:00")))
    for ftype, company, when in (("complaint", acme, "2026-11-05T10:00"), ("compliment", bolt, "2026-11-19T10:00"),
                                 ("comment", parts, "2026-11-19T11:00"), ("comment", acme, "2026-10-19T11:00")):
        store.add(FeedbackEntry(description="x", feedback_type=ftype, company=company.uuid, received_at=utc(when)))
    store.add(PerformanceReport(title="October", period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                                status="approved", proposed_actions="Add a second backup check"))
    return store, acme, bolt, deployed


def test_every_figure_of_the_performance_report(november):
    store, acme, bolt, _ = november
    report = performance.compute(store, performance.parse_period("2026-11"))
    assert report["period"] == {"from": "2026-11-01", "to": "2026-11-30", "label": "2026-11"}
    rows = {r["customer"]: r for r in report["rows"]}
    assert list(rows) == ["Acme", "Bolt"]
    a, b, t = rows["Acme"], rows["Bolt"], report["total"]
    assert a == {
        "customer": "Acme", "incidents": 3, "by_priority": {"P1": 0, "P2": 3, "P3": 0, "P4": 0, "P5": 0},
        "by_service": {"Mail": 3}, "response_measured": 3, "response_met": 1, "resolution_measured": 3,
        "resolution_met": 2, "breached": 2, "resolved": 3, "mean_resolve_minutes": 180, "p90_resolve_minutes": 360,
        "reopened": 1, "changes_deployed": 1, "changes_failed": 1,
        "feedback": {"compliment": 0, "complaint": 1, "comment": 0}, "billable_minutes": 15, "non_billable_minutes": 0,
    }
    assert b == {
        "customer": "Bolt", "incidents": 2, "by_priority": {"P1": 0, "P2": 1, "P3": 1, "P4": 0, "P5": 0},
        "by_service": {"(no service)": 1, "Mail": 1}, "response_measured": 2, "response_met": 1,
        "resolution_measured": 2, "resolution_met": 1, "breached": 1, "resolved": 1, "mean_resolve_minutes": 180,
        "p90_resolve_minutes": 180, "reopened": 0, "changes_deployed": 0, "changes_failed": 0,
        "feedback": {"compliment": 1, "complaint": 0, "comment": 0}, "billable_minutes": 45, "non_billable_minutes": 30,
    }
    assert t == {
        "incidents": 5, "by_priority": {"P1": 0, "P2": 4, "P3": 1, "P4": 0, "P5": 0},
        "by_service": {"(no service)": 1, "Mail": 4}, "response_measured": 5, "response_met": 2,
        "resolution_measured": 5, "resolution_met": 3, "breached": 3, "resolved": 4, "mean_resolve_minutes": 180,
        "p90_resolve_minutes": 360, "reopened": 1, "changes_deployed": 1, "changes_failed": 1,
        "feedback": {"compliment": 1, "complaint": 1, "comment": 0}, "billable_minutes": 60, "non_billable_minutes": 30,
    }
    assert report["previous_actions"] == "Add a second backup check"


def test_one_customer_and_the_exports(november, tmp_path):
    store, acme, *_ = november
    report = performance.compute(store, performance.parse_period("2026-11-01..2026-11-30"), acme.uuid)
    assert report["customer"] == "Acme" and [r["customer"] for r in report["rows"]] == ["Acme"]
    assert report["total"]["incidents"] == 3
    csv_text = performance.to_csv(report)
    head, acme_row, total = csv_text.splitlines()
    assert head.startswith("customer,incidents,response_measured,response_met")
    assert acme_row.startswith("Acme,3,3,1,3,2,2,3,180,360,1,1,1,15,0,") and total.startswith("TOTAL,3,")
    md = performance.to_markdown(report, "Harbour Lane IT")
    assert "| Acme | 3 | 0 | 3 | 0 | 0 | 0 | 33% (1/3) | 67% (2/3) | 2 | 3h 00m | 6h 00m |" in md


def test_the_cli_prints_the_same_report(november, tmp_path, capsys):
    store = november[0]
    db = str(store.path)
    assert main(["report", "performance", "--period", "2026-11", "--format", "json", "--db", db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["incidents"] == 5 and data["total"]["breached"] == 3
    assert main(["report", "performance", "--period", "2026-Q4", "--customer", "Bolt", "--format", "csv",
                 "--save", "--db", db]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[1].startswith("Bolt,2,") and "saved as PRF-0002" in out.err
    saved = store.get("performance_reports", "PRF-0002")
    assert saved.status == "draft" and saved.period_performance["total"]["incidents"] == 2
    assert main(["report", "performance", "--period", "2026-13", "--db", db]) == 1
    assert "no month 13" in capsys.readouterr().err


@pytest.mark.parametrize("text, start, end", [
    ("2026-Q3", "2026-07-01", "2026-09-30"), ("2026-09", "2026-09-01", "2026-09-30"), ("2026", "2026-01-01", "2026-12-31"),
    ("2026-02-03..2026-02-10", "2026-02-03", "2026-02-10"), ("2024-02", "2024-02-01", "2024-02-29"),
])
def test_periods(text, start, end):
    p = performance.parse_period(text)
    assert (p.start.isoformat(), p.end.isoformat()) == (start, end)


def test_periods_step_back_and_forth():
    assert performance.parse_period("2026-Q1").previous().label == "2025-Q4"
    assert performance.parse_period("2026-12").next().label == "2027-01"
    with pytest.raises(InputError, match="ends before"):
        performance.parse_period("2026-02-10..2026-02-01")


def test_feedback_moves_through_the_steps_and_closes_with_a_sign_off(store):
    acme = store.add(Customer(name="Acme"))
    entry = relationship.log_feedback(store, "The new printer is much faster", feedback_type="compliment",
                                      company=acme.uuid, contact="Dana")
    assert (entry.id, entry.status, entry.state) == ("FB-0001", "maintained", "received")
    with pytest.raises(InputError, match="can go to acknowledged, escalated"):
        relationship.feedback_step(store, entry.id, "closed")
    relationship.feedback_step(store, entry.id, "acknowledged")
    with pytest.raises(InputError, match="what the investigation found"):
        relationship.feedback_step(store, entry.id, "investigated")
    relationship.feedback_step(store, entry.id, "investigated", outcome="Toner was replaced with the right model")
    relationship.feedback_step(store, entry.id, "answered", outcome="Thanked Dana by mail")
    with pytest.raises(InputError, match="Signed off by"):
        relationship.feedback_step(store, entry.id, "closed")
    from vse_tui.core.governance.roles import add_person

    kim, _ = add_person(store, "Kim", roles="RM")
    done = relationship.feedback_step(store, entry.id, "closed", signed_off_by="Kim")
    assert (done.status, done.state, done.signed_off_by) == ("updated", "closed", kim.uuid)
    assert done.investigation_outcome == "Toner was replaced with the right model\nThanked Dana by mail"
    assert {h["task"] for h in store.history(done.uuid)} == {"RE.2.3"}
    assert relationship.last_feedback_company(store) == acme.uuid
    with pytest.raises(InputError, match="Description"):
        relationship.log_feedback(store, "  ")


def test_an_approved_catalogue_entry_changes_through_a_change_request(store):
    svc = documents.create(store, "services", {"name": "Backup", "service_hours": "Mon-Fri 08:00-18:00",
                                               "targets": "P1 30m/4h, P2 1h/1d"})
    assert (svc.status, svc.targets[1].resolve_minutes, svc.service_hours.start) == ("draft", 1440, "08:00")
    assert store.history(svc.uuid)[0]["task"] == "RE.1.1"
    svc = documents.edit(store, "services", svc.id, {"description": "Nightly copies"})
    assert svc.change_requests == []  # a draft changes freely
    from tests.conftest import acting
    from vse_tui.core.governance.roles import add_person

    kim, _ = add_person(store, "Kim", roles="RM")
    with acting(store, kim):  # Kim approves at her keyboard
        svc = documents.approve(store, "services", svc.id, how="email")
    assert svc.status == "approved"
    svc = documents.edit(store, "services", svc.id, {"description": "Nightly and weekly copies"})
    assert svc.status == "updated" and len(svc.change_requests) == 1
    change = store.get("change_requests", svc.change_requests[0])
    assert (change.status, change.service, change.title) == ("draft", svc.uuid, "Catalogue change: Backup")
    svc = documents.edit(store, "services", svc.id, {"costs": "Included"})
    assert len(svc.change_requests) == 1  # the open request is reused


def test_field_text_round_trips(store):
    svc = store.add(Service(name="Mail", service_hours=ServiceHours(days=[0, 1, 2, 3, 4, 5], start="08:00", end="18:00",
                                                                     holidays=[date(2026, 12, 25)]),
                            targets=[ServiceTarget(priority="P1", respond_minutes=15, resolve_minutes=90)]))
    shown = fields.show(store, "services", svc)
    assert shown["service_hours"] == "Mon-Sat 08:00-18:00; holidays 2026-12-25"
    assert shown["targets"] == "P1 15m/90m"
    parsed = fields.parse(store, "services", {"service_hours": shown["service_hours"], "targets": "P1 15m/1h30m"})
    assert parsed["service_hours"] == {"days": [0, 1, 2, 3, 4, 5], "start": "08:00", "end": "18:00",
                                       "holidays": ["2026-12-25"]}
    assert parsed["targets"] == [{"priority": "P1", "respond_minutes": 15, "resolve_minutes": 90}]
    assert fields.parse(store, "services", {"service_hours": "24x7"})["service_hours"] == {"always": True}
    for bad, message in (({"service_hours": "weekdays"}, "should read like"), ({"targets": "P1 fast"}, "should read like"),
                         ({"service_hours": "Mon-Fri 17:00-09:00"}, "must come after"),
                         ({"review_date": "next week"}, "not a date")):
        with pytest.raises(InputError, match=message):
            fields.parse(store, "services", bad)
    with pytest.raises(InputError, match="Customer"):
        documents.create(store, "customer_agreements", {"title": "SLA", "services": "Mail"})
