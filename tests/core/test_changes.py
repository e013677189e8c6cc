"""Service control: the change path, emergency changes, pre-approved types, the schedule's warnings,
configuration items (timeline, impact, import)."""

from datetime import UTC, datetime, timedelta

import pytest

from vse_tui.core.control import changes, cis
from vse_tui.core.incidents import process as inc_core
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import ConfigurationItem, Customer, Service
from vse_tui.store.chain import verify


@pytest.fixture
def shop(store):
    from vse_tui.core.governance.roles import add_person

    people = {name: add_person(store, name, roles=roles)[0]
              for name, roles in (("Kim", "CM,MGT"), ("Sam", "PT:change"), ("Alex", "PT:change"))}
    # Kim, the Change Manager, at the keyboard: her decisions are her own (who="Kim" is her)
    store.actor = store.actor.as_person(people["Kim"].uuid, "Kim")
    svc = store.add(Service(name="E-mail", status="approved"))
    nas = store.add(ConfigurationItem(name="NAS", ci_type="hardware", services=[svc.uuid]))
    fw = store.add(ConfigurationItem(name="Firewall", ci_type="network", depends_on=[nas.uuid]))
    vpn = store.add(ConfigurationItem(name="VPN gateway", ci_type="network", depends_on=[fw.uuid]))
    return store, svc, nas, fw, vpn


def _through_test(store, ref: str, builder: str = "Alex") -> None:
    changes.evaluate(store, ref, True, who="Kim", how="email")
    changes.schedule(store, ref, "2026-11-28 07:00", "2026-11-28 08:00")
    changes.design(store, ref, scope="Swap one disk", who="Kim", how="signature")
    changes.build(store, ref, built_by=builder, master_copy="store/nas-disk")
    changes.test(store, ref, summary="Array rebuilt, shares readable", result="pass", tested_by="Sam")


def test_a_normal_change_from_request_to_review(shop):
    store, svc, nas, fw, vpn = shop
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"], purpose="A disk reports errors")
    assert (ch.id, ch.status, ch.state, ch.change_type) == ("CHG-0001", "draft", "requested", "normal")
    with pytest.raises(InputError, match="not ready to deploy"):
        changes.deploy(store, ch.id)
    _through_test(store, ch.id)
    ch = store.get("change_requests", ch.id)
    from vse_tui.core.governance.people import find_person

    assert (ch.status, ch.state, ch.built_by) == ("approved", "tested", find_person(store, "Alex")[0])
    assert store.records("service_designs")[0].status == "approved"
    assert store.records("built_changes")[0].status == "initial"
    assert store.records("test_reports")[0].status == "published"
    ch = changes.approve_deployment(store, ch.id, who="Kim", how="email")
    assert (ch.status, ch.state) == ("updated", "ready")
    assert store.records("built_changes")[0].status == "final"
    ch = changes.deploy(store, ch.id)
    assert ch.state == "deployed" and ch.deployed_at == clock.now() and not ch.deployed_before_approval
    item = store.get("configuration_items", nas.uuid)
    assert item.status == "updated" and item.changes == [ch.uuid]
    ch = changes.review(store, ch.id, "Went as planned")
    assert ch.state == "reviewed"
    # every step left its task in the change's history
    tasks = {h["task"] for h in store.history(ch.uuid)}
    assert {"CO.1.2", "CO.2.1", "CO.2.2", "CO.3.2", "CO.3.4", "CO.3.5"} <= tasks
    assert all(done for _task, _step, done, _ref in changes.path(store, ch))
    # the item's timeline shows the change proposed and deployed, with its type
    events = cis.timeline(store, nas.id)
    assert [(e.kind, e.ref) for e in events] == [("change deployed", ch.id), ("change proposed", ch.id)]
    assert events[0].text.startswith("normal")
    assert verify(store) == []


def test_the_schedule_is_one_document_that_records_its_updates(shop):
    store = shop[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"])
    changes.evaluate(store, ch.id, True, who="Kim", how="email")
    changes.schedule(store, ch.id, "2026-11-28 07:00")
    doc = changes.schedule_document(store, create=False)
    assert doc.status == "updated" and doc.id == "CSC-0001"
    entry = store.records("schedule_items")[0]
    assert (entry.item_type, entry.change) == ("change", ch.uuid)
    changes.schedule(store, ch.id, "2026-11-29 07:00")  # moved, not added twice
    assert store.count("schedule_items") == 1
    assert store.get("change_requests", ch.id).planned_at == datetime(2026, 11, 29, 7, tzinfo=UTC)


def test_an_emergency_change_deployed_before_approval_shows_as_such(shop):
    store, svc, nas, *_ = shop
    ch = changes.request(store, "Patch firewall now", change_type="emergency", cis=["Firewall"])
    assert changes.request_warnings(store, ch)
    ch = changes.deploy(store, ch.id)
    assert ch.state == "deployed" and ch.status == "draft" and ch.deployed_before_approval
    path = dict((task, done) for task, _s, done, _r in changes.path(store, ch))
    assert "before approval" in path["CO.3.4"] and path["CO.2.1"] == ""
    ch = changes.evaluate(store, ch.id, True, who="Kim", how="email")
    assert ch.status == "approved" and ch.deployed_before_approval  # still shows it came first


def test_a_normal_change_cannot_skip_steps(shop):
    store = shop[0]
    ch = changes.request(store, "Upgrade mail server")
    with pytest.raises(InputError, match="approve the request"):
        changes.design(store, ch.id)
    changes.evaluate(store, ch.id, True, who="Kim", how="email")
    with pytest.raises(InputError, match="no design yet"):
        changes.build(store, ch.id, built_by="Alex")
    with pytest.raises(InputError, match="has not been built"):
        changes.test(store, ch.id, summary="x", result="pass")
    with pytest.raises(InputError, match="no test report"):
        changes.approve_deployment(store, ch.id, who="Kim", how="email")


def test_a_failed_test_blocks_deployment_until_a_pass(shop):
    store = shop[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"])
    _through_test(store, ch.id)
    with pytest.raises(InputError, match="names the errors"):
        changes.test(store, ch.id, summary="Rebuild failed", result="fail")
    changes.test(store, ch.id, summary="Rebuild failed", result="fail", errors="Array degraded")
    with pytest.raises(InputError, match="failed"):
        changes.approve_deployment(store, ch.id, who="Kim", how="email")


def test_a_rejected_change_needs_a_reason_and_is_cancelled(shop):
    store = shop[0]
    ch = changes.request(store, "Replace every laptop")
    with pytest.raises(InputError, match="Reason"):
        changes.evaluate(store, ch.id, False, who="Kim", how="email")
    ch = changes.evaluate(store, ch.id, False, who="Kim", how="email", reason="No budget this year")
    assert (ch.status, ch.state) == ("rejected", "cancelled")
    with pytest.raises(InputError, match="rejected"):
        changes.deploy(store, ch.id)


def test_the_builder_approving_the_deployment_warns_and_records_the_acknowledgement(shop):
    store = shop[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"])
    _through_test(store, ch.id, builder="Kim")
    with pytest.raises(InputError, match="built a change should not approve"):
        changes.approve_deployment(store, ch.id, who="Kim", how="email")
    assert store.get("change_requests", ch.id).state == "tested"  # nothing saved
    ch = changes.approve_deployment(store, ch.id, who="Kim", how="email",
                                    mitigation="The customer checked the test result by phone")
    ack = store.records("acknowledgements")[0]
    assert (ack.rule, ack.record, ack.mitigation) == ("builder-approves", ch.uuid, "The customer checked the test result by phone")
    assert ch.state == "ready"


def test_a_type_becomes_pre_approved_only_after_one_full_normal_pass(shop):
    store = shop[0]
    with pytest.raises(InputError, match="pre-approved type"):
        changes.request(store, "New laptop for Dana", change_type="pre-approved")
    first = changes.request(store, "New laptop set-up", cis=["NAS"])
    _through_test(store, first.id)
    with pytest.raises(InputError, match="not gone through the full normal path.*deployment.*review"):
        changes.make_template(store, first.id)
    with pytest.raises(InputError, match="not a pre-approved type"):
        changes.request(store, "New laptop for Dana", template=first.id)
    changes.approve_deployment(store, first.id, who="Kim", how="email")
    changes.deploy(store, first.id)
    changes.review(store, first.id, "Fine; write the checklist down")
    assert changes.make_template(store, first.id).template
    laptop = changes.request(store, "New laptop for Dana", template=first.id)
    assert (laptop.change_type, laptop.status, laptop.template_from) == ("pre-approved", "approved", first.uuid)
    assert laptop.approvals[0].note.startswith(f"pre-approved type {first.id}")


def test_an_emergency_change_cannot_earn_a_pre_approved_type(shop):
    store = shop[0]
    ch = changes.request(store, "Patch", change_type="emergency")
    changes.deploy(store, ch.id)
    with pytest.raises(InputError, match="emergency change, not a normal one"):
        changes.make_template(store, ch.id)


def test_schedule_warnings(shop):
    store, svc, nas, *_ = shop
    sat = "2026-11-28"
    changes.add_entry(store, "Saturday window", "change window", f"{sat} 06:00", f"{sat} 10:00", "weekly")
    changes.add_entry(store, "Month-end close", "business event", "2026-11-30 08:00", "2026-11-30 20:00")
    a = changes.request(store, "Swap NAS disk", cis=["NAS"])
    b = changes.request(store, "NAS firmware", cis=["NAS"])
    for ch in (a, b):
        changes.evaluate(store, ch.id, True, who="Kim", how="email")
    _, warnings = changes.schedule(store, a.id, f"{sat} 07:00", f"{sat} 08:00")
    assert warnings == []
    _, warnings = changes.schedule(store, b.id, f"{sat} 09:30", f"{sat} 11:00")
    assert "planned outside every change or maintenance window" in warnings
    assert f"{a.id} touches {nas.id} on the same day" in warnings
    _, warnings = changes.schedule(store, b.id, "2026-12-05 07:00", "2026-12-05 08:00")  # next week's window
    assert warnings == []
    _, warnings = changes.schedule(store, b.id, "2026-11-30 10:00")
    assert "during the business event 'Month-end close'" in warnings
    # the recurring window shows in a month's slots every Saturday
    lo = datetime(2026, 12, 1, tzinfo=UTC)
    windows = [s for s in changes.slots(store, lo, lo + timedelta(days=31)) if s.kind == "change window"]
    assert [s.starts.day for s in windows] == [5, 12, 19, 26]


def test_what_a_failure_affects(shop):
    store, svc, nas, fw, vpn = shop
    items, services = cis.affected_by(store, nas.id)
    assert items == [(fw.id, "Firewall"), (vpn.id, "VPN gateway")]
    assert services == [(svc.id, "E-mail")]
    assert cis.affected_by(store, vpn.id) == ([], [])


def test_incidents_naming_an_item_are_on_its_timeline(shop):
    store, svc, nas, *_ = shop
    inc = inc_core.log_incident(store, "NAS beeping", cis=[nas.uuid])
    assert [(e.kind, e.ref) for e in cis.timeline(store, nas.id)] == [("incident", inc.id)]


def test_deploying_a_service_change_updates_the_catalogue(shop):
    store, svc, *_ = shop
    ch = changes.request(store, "Add shared calendars", service="E-mail", updates_catalogue=True)
    _through_test(store, ch.id)
    changes.approve_deployment(store, ch.id, who="Kim", how="email")
    changes.deploy(store, ch.id)
    svc = store.get("services", svc.id)
    assert svc.status == "updated" and svc.change_requests == [ch.uuid]


def test_import_cis_stores_good_rows_and_reports_bad_ones(tmp_path, shop):
    store, svc, *_ = shop
    store.add(Customer(name="Acme"))
    from vse_tui.core.governance.roles import add_person

    add_person(store, "Sam Ortiz", roles="PT")
    csv_file = tmp_path / "assets.csv"
    csv_file.write_text(
        "Asset name;Type;Owner;Location;Warranty end;Service;Depends on;Notes\n"
        "Office router;Router;Sam Ortiz;Back office;31/12/2027;E-mail;;\n"
        "Reception PC;laptop;Front desk;Reception;2027-03-01;;Office router;\n"
        ";hardware;;;;;;no name\n"
        "Old scanner;toaster;;;;;;\n"
        "Label printer;hardware;;;2027-02-30;;;bad date\n"
        "Mail archive;software;;;;Payroll;;unknown service\n"
        "Reception PC;hardware;;;;;;twice\n"
        "NAS;hardware;;;;;;already stored\n"
        "Kiosk;hardware;;;;;Nowhere box;\n",
        encoding="utf-8")
    plan = cis.plan_import(store, csv_file)
    assert [i.name for i in plan.items] == ["Office router", "Reception PC"]
    reasons = {r.line: r.reason for r in plan.rejected}
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10]
    assert "name is empty" in reasons[4]
    assert "'toaster' is not one of" in reasons[5]
    assert "not a real date" in reasons[6] and "2027-02-30" in reasons[6]
    assert "No service 'Payroll'" in reasons[7]
    assert "appears twice" in reasons[8]
    assert "already a configuration item" in reasons[9]
    assert "'Nowhere box', which is not an item" in reasons[10]
    assert store.count("configuration_items") == 3  # nothing stored yet
    assert cis.apply_import(store, plan) == 2
    router = store.get("configuration_items", "CI-0004")
    assert (router.name, router.ci_type, router.location, router.expiry_kind) == ("Office router", "network", "Back office", "warranty")
    assert router.owner_person is not None and router.services == [svc.uuid]
    pc = store.get("configuration_items", "CI-0005")
    assert (pc.ci_type, pc.owner, pc.owner_person, pc.depends_on) == ("hardware", "Front desk", None, [router.uuid])
    assert store.history(pc.uuid)[0]["task"] == "CO.1.4"


def test_the_editor_cannot_skip_the_path_or_make_a_change_pre_approved(shop):
    from vse_tui.core.governance import documents

    store = shop[0]
    ch = changes.request(store, "Swap NAS disk")
    with pytest.raises(InputError, match="moves through its steps"):
        documents.edit(store, "change_requests", ch.id, {"state": "deployed"})
    with pytest.raises(InputError, match="only by being made from a pre-approved type"):
        documents.edit(store, "change_requests", ch.id, {"change_type": "pre-approved"})
    edited = documents.edit(store, "change_requests", ch.id, {"backout_plan": "Put the old disk back"})
    assert (edited.backout_plan, edited.state, edited.version) == ("Put the old disk back", "requested", 2)


def test_an_overdue_change_is_one_rule_for_the_dashboard_and_the_command_line(shop, monkeypatch, capsys):
    """Approved for a moment now past and not deployed: overdue; a draft or a deployed change is not."""
    from vse_tui.cli import main
    from vse_tui.core.control.schedule import coming_changes, overdue_changes

    store = shop[0]
    late = changes.request(store, "Swap NAS disk", cis=["NAS"])
    changes.evaluate(store, late.id, True, who="Kim", how="email")
    changes.schedule(store, late.id, "2026-11-28 07:00", "2026-11-28 08:00")
    soon = changes.request(store, "Patch firewall", cis=["Firewall"])
    changes.evaluate(store, soon.id, True, who="Kim", how="email")
    changes.schedule(store, soon.id, "2026-12-01 07:00", "2026-12-01 08:00")
    now = clock.now()  # the suite's clock: 2026-11-26 09:30
    assert [c.id for c in overdue_changes(store, now)] == []
    assert [c.id for c in coming_changes(store, now)] == [late.id, soon.id]
    later = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    assert [(c.id, c.overdue) for c in overdue_changes(store, later)] == [(late.id, True)]
    assert [c.id for c in coming_changes(store, later)] == [soon.id]
    monkeypatch.setenv("VSE_TUI_NOW", later.isoformat())
    assert main(["change", "list", "--overdue", "--format", "json", "--db", str(store.path)]) == 0
    import json

    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == [late.id]


def _message(path, text: str):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Kim <kim@shop.example>", "Alex <alex@shop.example>", "Re: CHG-0001"
    msg.set_content(text)
    path.write_bytes(bytes(msg))
    return str(path)


def test_a_change_decision_by_someone_else_is_recorded_on_their_behalf_with_what_shows_it(shop, tmp_path):
    """Alex at the keyboard records Kim's decisions: refused as typed, accepted by e-mail with her
    message attached; never a decision in her name with nothing to show for it."""
    from vse_tui.core.evidence.audit_check import audit_check
    from vse_tui.core.governance.people import find_person

    store = shop[0]
    kim, alex = find_person(store, "Kim")[0], find_person(store, "Alex")[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"], purpose="A disk reports errors")
    store.actor = store.actor.as_person(alex, "Alex")
    before = store.get("change_requests", ch.id).version
    for call in (lambda **kw: changes.evaluate(store, ch.id, True, who="Kim", **kw),):
        with pytest.raises(InputError, match="on their behalf"):
            call(how="signature")
        with pytest.raises(InputError, match="on their behalf"):
            call(how="email")  # nothing attached
    assert store.get("change_requests", ch.id).version == before and store.count("attachments") == 0
    ch = changes.evaluate(store, ch.id, True, who="Kim", how="email",
                          evidence=_message(tmp_path / "ok.eml", "Approved, go ahead."))
    decision = ch.approvals[-1]
    assert (decision.person, decision.recorded_by, decision.how) == (kim, alex, "email")
    attached = store.get("attachments", decision.evidence)
    assert attached.record == ch.uuid and attached.name == "ok.eml"
    changes.schedule(store, ch.id, "2026-11-28 07:00", "2026-11-28 08:00")
    with pytest.raises(InputError, match="on their behalf"):
        changes.design(store, ch.id, scope="Swap one disk", risks="The array rebuilds for hours", who="Kim",
                       how="paper")
    assert not store.records("service_designs")
    design = changes.design(store, ch.id, scope="Swap one disk", risks="The array rebuilds for hours", who="Kim",
                            how="paper", evidence=_message(tmp_path / "design.eml", "Design approved."))
    assert design.issuer == alex and design.approvals[0].recorded_by == alex
    assert store.get("attachments", design.approvals[0].evidence).record == design.uuid
    changes.build(store, ch.id, built_by="Sam", master_copy="store/nas-disk")
    changes.test(store, ch.id, summary="Array rebuilt, shares readable", result="pass", tested_by="Sam")
    with pytest.raises(InputError, match="on their behalf"):
        changes.approve_deployment(store, ch.id, who="Kim", how="email")
    ch = changes.approve_deployment(store, ch.id, who="Kim", how="email",
                                    evidence=_message(tmp_path / "deploy.eml", "Deploy on Saturday."))
    assert ch.state == "ready" and ch.approvals[-1].recorded_by == alex
    # one's own decision takes no such file: it belongs on the record
    other = changes.request(store, "Replace the firewall", cis=["Firewall"], purpose="End of support")
    store.actor = store.actor.as_person(kim, "Kim")
    with pytest.raises(InputError, match="someone else's behalf"):
        changes.evaluate(store, other.id, True, how="email", evidence=_message(tmp_path / "x.eml", "ok"))
    assert not [f for f in audit_check(store) if f.rule == "on-behalf"]


def test_a_change_decision_for_someone_else_from_the_command_line(tmp_path, capsys):
    from vse_tui.cli import main

    db = str(tmp_path / "x.db")
    for name, roles in (("Kim", "SM,CM,MGT"), ("Alex", "PT:change")):
        assert main(["people", "add", name, "--roles", roles, "--db", db]) == 0
    assert main(["--as", "Alex", "change", "add", "Swap NAS disk", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--as", "Alex", "change", "evaluate", "CHG-0001", "--by", "Kim", "--db", db]) == 1
    assert "or the scan (--how email --evidence FILE)" in capsys.readouterr().err  # the command line's words
    mail = _message(tmp_path / "ok.eml", "Approved.")
    assert main(["--as", "Alex", "change", "evaluate", "CHG-0001", "--by", "Kim", "--how", "email", "--evidence", mail,
                 "--db", db]) == 0
    assert main(["attachments", "CHG-0001", "--db", db]) == 0
    assert "ok.eml" in capsys.readouterr().out


def test_confirming_the_resources_unchanged_is_recorded(shop):
    """CO.3.3 is an act, not an edit: the resources offered, confirmed as they are, count."""
    from vse_tui.core.evidence.guide import record_steps

    store = shop[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"], purpose="A disk reports errors")
    changes.evaluate(store, ch.id, True, who="Kim", how="email")
    changes.schedule(store, ch.id, "2026-11-28 07:00", "2026-11-28 08:00", "Alex, a spare disk")
    entry = store.latest("schedule_items", {"change": ch.uuid})
    assert store.last_task_row(entry.uuid, "CO.3.3") is None
    changes.confirm_schedule(store, ch.id, "Alex, a spare disk")
    assert store.last_task_row(entry.uuid, "CO.3.3") is not None
    assert store.get("schedule_items", entry.uuid).confirmed_at == clock.now()
    step = next(s for s in record_steps(store, store.get("change_requests", ch.id)) if s.task == "CO.3.3")
    assert step.performed


def test_the_path_says_a_records_status_in_words(shop):
    """A step's record reads with its status or result in the language spoken, not its stored code."""
    from vse_tui import i18n

    store = shop[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"])
    _through_test(store, ch.id)
    i18n.set_language("fr")
    try:
        shown = {task: text for task, _s, text, _r in changes.path(store, ch)}
    finally:
        i18n.set_language("en")
    assert shown["CO.2.3"].endswith(" approuvé") and shown["CO.3.1"].endswith(" réussi"), shown
    assert "approved" not in shown["CO.2.3"] and "pass" not in shown["CO.3.1"]


def test_the_schedule_nobody_approved_is_named_with_how_to_approve_it(shop):
    """The app's own change schedule document, never approved: CO.2.2 and the audit check say which
    record it is and how to approve it, not "not approved" alone."""
    from vse_tui.core.evidence.audit_check import audit_check
    from vse_tui.core.evidence.guide import record_steps

    store = shop[0]
    ch = changes.request(store, "Swap NAS disk", cis=["NAS"], purpose="A disk reports errors")
    changes.evaluate(store, ch.id, True, who="Kim", how="email")
    changes.schedule(store, ch.id, "2026-11-28 07:00", "2026-11-28 08:00")
    doc = changes.schedule_document(store)
    said = f"change schedule {doc.id} not approved (ctrl+p {doc.id}, a approves)"
    step = next(s for s in record_steps(store, store.get("change_requests", ch.id)) if s.task == "CO.2.2")
    assert said in step.new, step.new
    assert said in [f.what for f in audit_check(store) if doc.id in f.records]


def test_a_long_text_s_history_shows_where_it_changed_and_an_approval_says_how_once():
    """An assessor read "…le client acc… → …le client acc…": both sides cut before the change. A
    long text's diff shows the part that differs; an approval typed at the keyboard is no longer
    "by signature, typed, not signed"."""
    from vse_tui.core.governance.approvals import how_given
    from vse_tui.core.model.records import Approval
    from vse_tui.core.present.display import change_text

    before = ("Kim designs; Alex or Sam builds from the master copy and tests against the design; the customer "
              "accepts; Kim approves; whoever built it deploys; Kim reviews.")
    after = before + " Allow one more hour for upgrades."
    said = change_text({"action": "update", "field": "steps", "old_value": before, "new_value": after,
                        "kind": "procedures"}, {}, 120)
    old, new = said.split(" → ")
    assert old != new and "Allow one more hour" in new and "Kim reviews." in old
    middle = before.replace("the customer accepts", "the customer accepts by e-mail")
    said = change_text({"action": "update", "field": "steps", "old_value": before, "new_value": middle,
                        "kind": "procedures"}, {}, 120)
    assert "accepts by e-mail" in said.split(" → ")[1] and "by e-mail" not in said.split(" → ")[0]
    typed = Approval(by="Kim Lee", person=None, how="signature", at=clock.now())
    assert how_given(typed) == "typed as a signature (no SSH signature)"
    assert how_given(typed.model_copy(update={"how": "email"})) == "e-mail, typed, not signed"
