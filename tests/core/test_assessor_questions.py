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


def _rules(store, rule: str) -> list:
    return [f for f in audit_check(store) if f.rule == rule]


def test_a_draft_left_behind_by_the_records_it_governs_is_named(store):
    from vse_tui.core.governance import process as gov
    from vse_tui.core.governance.approvals import approve
    from vse_tui.core.governance.documents import create
    from vse_tui.core.incidents import process as inc

    mail = create(store, "services", {"name": "E-mail", "description": "Hosted mail for the office"})
    create(store, "services", {"name": "Backups", "description": "Nightly copies of the office files"})
    assert _rules(store, "draft") == []  # drafts nobody uses yet: nothing left behind
    inc.log_incident(store, "Mail is slow for everyone", service=mail.id, use_last=False)
    found = _rules(store, "draft")
    assert [f.records for f in found] == [(mail.id,)] and "still a draft while 1 record (incident or configuration item)" in found[0].what
    approve(store, "services", mail.id)
    assert _rules(store, "draft") == []
    fields = gov.policy_defaults()
    fields["objectives"] = "Answer every call within the hour and keep the two customers' offices running."
    pol = gov.save_policy_draft(store, fields)
    inc.log_incident(store, "Printer jam on the second floor", use_last=False)
    assert [f.records for f in _rules(store, "draft")] == [(pol.id,)]
    gov.approve_policy(store, gov.approval(store, None))
    assert _rules(store, "draft") == []


def test_an_overdue_review_is_named_and_one_still_to_come_is_not(store):
    from datetime import timedelta

    from vse_tui.core.governance.approvals import approve
    from vse_tui.core.governance.documents import create
    from vse_tui.core.kernel import clock

    customer = create(store, "customers", {"name": "Acme Bakery"})
    agreement = create(store, "customer_agreements", {
        "title": "Managed IT for Acme Bakery", "customer": customer.id, "scope": "Every desk of the bakery",
        "start_date": (clock.today() - timedelta(days=400)).isoformat(),
        "review_date": (clock.today() + timedelta(days=3)).isoformat()})
    approve(store, "customer_agreements", agreement.id)
    assert _rules(store, "review") == []
    store.update("customer_agreements", agreement.uuid, {"review_date": clock.today() - timedelta(days=3)})
    found = _rules(store, "review")
    assert [f.records for f in found] == [(agreement.id,)] and "3 days overdue" in found[0].what


def test_lapsed_competence_of_a_role_holder_is_named_and_an_ended_role_is_not(store, sam):
    from datetime import timedelta

    from vse_tui.core.governance import roles
    from vse_tui.core.kernel import clock
    from vse_tui.core.model.records.parties import TrainingRecord

    assignment = store.records("role_assignments", {"person": sam.uuid})[0]
    training = store.add(TrainingRecord(assignment=assignment.uuid, person=sam.uuid, requirement="Incident handling",
                                        met_on=clock.today() - timedelta(days=400),
                                        due_on=clock.today() + timedelta(days=1), state="met"))
    assert _rules(store, "competence") == []
    store.update("training", training.uuid, {"due_on": clock.today() - timedelta(days=1)})
    found = _rules(store, "competence")
    assert [f.records for f in found] == [(training.id,)]
    assert "Sam's Incident handling was due again on" in found[0].what and "while they hold Practitioner for incidents" in found[0].what
    roles.set_roles(store, sam.uuid, [])  # Sam no longer works incidents: his old training is history
    assert _rules(store, "competence") == []


def test_a_trainings_state_is_derived_planned_met_or_lapsed(store, sam):
    """One function says whether a training counts (the training screen, the record lists and the
    audit pack show it): recorded met but past its due date while its person holds the role, it has
    lapsed; once the role ended, it is history (met); never met, planned."""
    from datetime import timedelta

    from vse_tui.core.evidence.lapsed import lapsed_training, training_state, training_states
    from vse_tui.core.governance import roles
    from vse_tui.core.kernel import clock
    from vse_tui.core.model.records.parties import TrainingRecord

    today = clock.today()
    assignment = store.records("role_assignments", {"person": sam.uuid})[0]
    met = store.add(TrainingRecord(assignment=assignment.uuid, person=sam.uuid, requirement="Incident handling",
                                   met_on=today - timedelta(days=400), due_on=today - timedelta(days=1), state="met"))
    planned = store.add(TrainingRecord(assignment=assignment.uuid, person=sam.uuid, requirement="Major incidents",
                                       due_on=today + timedelta(days=30)))
    assert store.get("training", met.id).state == "met"  # what was recorded
    assert training_states(store) == {met.id: "lapsed", planned.id: "planned"}  # what counts today
    assert [t.ref for t in lapsed_training(store)] == [met.id]
    assert training_state(met.met_on, met.due_on, True, today + timedelta(days=-1)) == "met"  # on its due date
    roles.set_roles(store, sam.uuid, [])
    assert training_states(store) == {met.id: "met", planned.id: "planned"}


def test_a_notification_never_sent_is_named(store):
    from datetime import timedelta

    from vse_tui.core.incidents import process as inc
    from vse_tui.core.kernel import clock

    mail = {"message_id": "<1@shop.example>", "address": "ann@acme.example", "state": "queued"}
    one = inc.log_incident(store, "Printer jam on the second floor", reporter="Ann", use_last=False)
    inc.notify(store, one.id, task="IN.2.3", to="Ann", mail=mail, at=clock.now() - timedelta(hours=2))
    assert _rules(store, "unsent") == []  # queued two hours ago: the outbox may still send it
    two = inc.log_incident(store, "Mail is slow for everyone", reporter="Bob", use_last=False)
    inc.notify(store, two.id, task="IN.2.3", to="Bob", mail={**mail, "message_id": "<2@shop.example>",
                                                             "address": "bob@acme.example"},
               at=clock.now() - timedelta(days=2))
    found = _rules(store, "unsent")
    assert [f.records for f in found] == [(two.id,)] and "never sent: nobody was told" in found[0].what
    inc.notify(store, two.id, task="IN.2.3", to="Bob", how="phone", message="We are on it; back to you by noon")
    assert _rules(store, "unsent") == []  # told by phone since


def test_one_login_writing_as_someone_else_is_named_even_as_only_one_other_person(bare_store):
    """Ann's login writes only as Sam (--as Sam from her account): before, a login was named only
    when it wrote as two people or more, so this went unnoticed."""
    from vse_tui.core.governance.roles import add_person
    from vse_tui.core.incidents import process as inc

    sam, _ = add_person(bare_store, "Sam", roles="IM", os_user="sam")  # by the login, mapped to nobody yet
    bare_store.actor = bare_store.actor.as_person(sam.uuid, "Sam")  # --as Sam, at the login tester
    assert _rules(bare_store, "login") == []  # nobody's login yet: one login, one person
    add_person(bare_store, "Ann", roles="SM,CM,MGT", os_user="tester")  # the login is Ann's
    inc.log_incident(bare_store, "Printer jam on the second floor", use_last=False)
    found = _rules(bare_store, "login")
    assert len(found) == 1 and found[0].records == ("login tester@testhost",)
    assert "as Sam, from the login of Ann" in found[0].what


def test_a_normal_change_from_request_to_deployment_in_no_time_is_named(store):
    from datetime import timedelta

    from vse_tui.core.control import changes as co
    from vse_tui.core.kernel import clock
    from vse_tui.core.model.records import ChangeRequest

    at = clock.now() - timedelta(days=20)
    slow = store.add(ChangeRequest(title="Swap the NAS disk", change_type="normal", status="updated", state="deployed",
                                   purpose="A disk reports errors", deployed_at=at + timedelta(days=6),
                                   planned_at=at + timedelta(days=6)), task="CO.1.2")
    store.update("change_requests", slow.uuid, {"created_at": at})
    assert [f for f in _rules(store, "timing") if slow.id in f.records] == []
    quick = co.request(store, "Replace the firewall", purpose="End of support")
    co.evaluate(store, quick.id, True, how="email")
    co.schedule(store, quick.id, clock.now(), clock.now() + timedelta(hours=1))
    co.design(store, quick.id, scope="The office firewall", risks="The office is offline for an hour")
    co.build(store, quick.id, master_copy="store/fw")
    co.test(store, quick.id, summary="Rules load, VPN up", result="pass")
    co.approve_deployment(store, quick.id, mitigation="The customer confirms each change")
    co.deploy(store, quick.id)
    found = [f for f in _rules(store, "timing") if quick.id in f.records]
    assert len(found) == 1 and "deployed 0 seconds after it was requested" in found[0].what
