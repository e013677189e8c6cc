"""The named reads the doors ask the core for (screens, command line, reports): each answers
what its name says against a real database, bounds included and excluded as a period means them."""

from datetime import UTC, date, datetime

from vse_tui.core.control.queries import changes_deployed_between, changes_with_a_failed_test, failed_a_test_between
from vse_tui.core.incidents.queries import external_refs
from vse_tui.core.kernel import clock
from vse_tui.core.model.queries import ListField, Window, count_matching, list_rows
from vse_tui.core.model.records import (
    ChangeRequest,
    Customer,
    CustomerAgreement,
    FeedbackEntry,
    Incident,
    PerformanceReport,
    Service,
    ServiceHours,
    TestReport,
)
from vse_tui.core.relationship.queries import (
    complaints_received_between,
    count_complaints_received_between,
    current_customers,
    feedback_received_between,
    offered_services,
    previous_proposed_actions,
)

LO, HI = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_customers_served_now_leave_former_ones_out(store):
    acme = store.add(Customer(name="Acme"))
    store.add(Customer(name="Gone Ltd", state="former"))
    bolt = store.add(Customer(name="Bolt"))
    assert current_customers(store) == {acme.uuid: "Acme", bolt.uuid: "Bolt"}


def test_services_offered_leave_retired_ones_out_and_keep_drafts(store):
    mail = store.add(Service(name="Mail", status="approved"))
    store.add(Service(name="Fax", status="approved", state="retired"))
    web = store.add(Service(name="Web"))
    assert offered_services(store) == [(mail.uuid, "Mail", "approved"), (web.uuid, "Web", "draft")]


def test_feedback_of_a_period_counts_its_first_moment_not_its_end(store):
    acme, bolt = store.add(Customer(name="Acme")), store.add(Customer(name="Bolt"))
    for ftype, who, when, title in (("complaint", acme, "2026-11-01T00:00", "Slow answers"),
                                    ("complaint", bolt, "2026-11-20T10:00", "Lost mail"),
                                    ("compliment", acme, "2026-11-05T10:00", "Thanks"),
                                    ("complaint", acme, "2026-12-01T00:00", "Next month"),
                                    ("complaint", acme, "2026-10-31T23:59", "Last month")):
        store.add(FeedbackEntry(description=title, feedback_type=ftype, company=who.uuid,
                                received_at=utc(when)))
    assert sorted(feedback_received_between(store, LO, HI)) == sorted(
        [(acme.uuid, "complaint"), (bolt.uuid, "complaint"), (acme.uuid, "compliment")])
    assert sorted(feedback_received_between(store, LO, HI, acme.uuid)) == [(acme.uuid, "complaint"),
                                                                            (acme.uuid, "compliment")]
    assert complaints_received_between(store, LO, HI) == ["Slow answers", "Lost mail"]
    assert count_complaints_received_between(store, LO, HI) == 2


def test_changes_deployed_by_type_and_the_changes_whose_test_failed(store):
    store.add(ChangeRequest(title="Quota", change_type="normal", state="deployed", status="updated",
                            deployed_at=utc("2026-11-15T07:00")))
    store.add(ChangeRequest(title="Patch", change_type="emergency", state="deployed", status="updated",
                            deployed_at=utc("2026-11-30T23:00")))
    store.add(ChangeRequest(title="Later", change_type="normal", state="deployed", status="updated",
                            deployed_at=utc("2026-12-01T00:00")))
    failed = store.add(ChangeRequest(title="Filter", status="approved", state="built"))
    passed = store.add(ChangeRequest(title="Backup", status="approved", state="built"))
    store.add(TestReport(title="Test", change=failed.uuid, result="fail", tested_at=utc("2026-10-12T14:00")))
    store.add(TestReport(title="Test", change=passed.uuid, result="pass", tested_at=utc("2026-11-12T14:00")))
    store.add(TestReport(title="Loose", result="fail", tested_at=utc("2026-11-12T14:00")))  # of no change
    assert changes_deployed_between(store, LO, HI) == {"normal": 1, "emergency": 1}
    assert changes_with_a_failed_test(store) == {failed.uuid}
    assert not failed_a_test_between(store, failed.uuid, LO, HI)  # it failed in October
    assert failed_a_test_between(store, failed.uuid, utc("2026-10-01T00:00"), LO)
    assert not failed_a_test_between(store, passed.uuid, LO, HI)


def test_the_previous_reports_actions_are_the_latest_approved_before_the_period(store):
    acme = store.add(Customer(name="Acme"))
    for end, status, actions, customer in ((date(2026, 9, 30), "approved", "Q3 actions", None),
                                           (date(2026, 10, 31), "approved", "October actions", None),
                                           (date(2026, 10, 31), "draft", "Not approved", None),
                                           (date(2026, 10, 31), "approved", "Acme's actions", acme.uuid),
                                           (date(2026, 11, 30), "approved", "November itself", None)):
        store.add(PerformanceReport(title="Report", period_start=end.replace(day=1), period_end=end, status=status,
                                    proposed_actions=actions, customer=customer))
    assert previous_proposed_actions(store, date(2026, 11, 1), None) == "October actions"
    assert previous_proposed_actions(store, date(2026, 11, 1), acme.uuid) == "Acme's actions"
    assert previous_proposed_actions(store, date(2026, 9, 1), None) == ""


def test_the_keys_incidents_had_in_the_tool_they_came_from(store):
    kept = store.add(Incident(summary="Imported", external_ref="HD-77"))
    typed = store.add(Incident(summary="Typed here"))
    assert external_refs(store, [kept.uuid, typed.uuid]) == {kept.uuid: "HD-77"}
    assert external_refs(store, []) == {}


def test_a_list_shows_a_linked_record_by_its_name_and_reads_an_object_whole(store):
    acme = store.add(Customer(name="Acme"))
    mail = store.add(Service(name="Mail", status="approved", service_hours=ServiceHours()))
    older = store.add(CustomerAgreement(title="Acme SLA", customer=acme.uuid, services=[mail.uuid]))
    newer = store.add(CustomerAgreement(title="Orphan SLA", customer="gone-uuid"))
    fields = ["id", ListField("customer", names="customers")]
    assert list_rows(store, "customer_agreements", fields) == [(newer.id, ""), (older.id, "Acme")]
    assert list_rows(store, "customer_agreements", fields, "acme") == [(older.id, "Acme")]
    assert count_matching(store, "customer_agreements", "acme") == 1
    assert count_matching(store, "customer_agreements") == 2
    [(hours,)] = list_rows(store, "services", [ListField("service_hours", whole=True)])
    assert isinstance(hours, dict) and hours == ServiceHours().model_dump(mode="json")


def test_a_window_of_a_month_narrowed_to_a_period(store):
    for opened in ("2026-10-31T12:00", "2026-11-10T12:00", "2026-11-25T12:00", "2026-12-02T12:00"):
        store.add(Incident(summary=opened, opened_at=utc(opened)))
    store.add(Incident(summary="undated"))
    november = Window.month("opened_at", 2026, 11)
    assert november.bounded and not Window("opened_at").bounded
    assert november.start == clock.iso(datetime(2026, 11, 1)) and november.end == clock.iso(datetime(2026, 12, 1))
    assert Window.month("opened_at", 2026, 12).end == clock.iso(datetime(2027, 1, 1))

    def titles(window):
        return sorted(t for (t,) in store.rows("incidents", ["summary"], window.where()))

    assert titles(november) == ["2026-11-10T12:00", "2026-11-25T12:00"]
    period = Window("opened_at", clock.iso(utc("2026-11-20T00:00")), clock.iso(utc("2027-01-01T00:00")))
    assert titles(november.narrowed(period)) == ["2026-11-25T12:00"]
    assert titles(november.narrowed(None)) == titles(november)
    assert titles(Window("opened_at", undated=True)) == ["undated"]
    assert titles(Window("opened_at", undated=True).narrowed(period)) == []  # no moment is in no period
    assert titles(Window("opened_at")) == sorted(["2026-10-31T12:00", "2026-11-10T12:00", "2026-11-25T12:00",
                                                  "2026-12-02T12:00", "undated"])
    ids = dict(store.rows("incidents", ["summary", "id"]))
    assert store.row("incidents", ["summary"], period.where(id=ids["2026-11-25T12:00"])) == ("2026-11-25T12:00",)
    assert store.row("incidents", ["summary"], period.where(id=ids["2026-11-10T12:00"])) is None
