"""Rows of the evidence map that must not contradict one another: a task's state and its work
products' state come from the same records, a task is never partly done from the starting
defaults alone, each task cites the records that back it, and its inputs are read at the time it
was performed."""

from __future__ import annotations

from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.governance import process as gov
from vse_tui.core.incidents import process as core


def by_task(store) -> dict:
    return {t.task: t for t in evidence_map(store)}


def test_a_task_not_started_shows_its_output_not_there(store):
    """An incident classified (WP.18 updated by IN.2.2) is not prevention: IN.1.3 is not started and
    its output WP.18 'updated' is not met by it, where the map once said yes from any updated incident."""
    inc = core.log_incident(store, "Printer", customer=None)
    core.classify(store, inc.id, category="hardware")
    m = by_task(store)
    t = m["IN.1.3"]
    assert t.state == "not started"
    wp18 = next(o for o in t.outputs if o.wp == "WP.18")
    assert (wp18.ok, wp18.found, wp18.ref) == (False, [], None)
    # and IN.2.2, which did update it, shows its output met by that incident
    out = next(o for o in m["IN.2.2"].outputs if o.wp == "WP.18")
    assert out.found == ["updated"] and out.ref == inc.id


def test_a_potential_problem_shows_its_own_record_as_the_output(store):
    inc = core.log_incident(store, "Disk filling up", customer=None)
    core.mark_problem(store, inc.id, root_cause="logs never rotated")
    t = by_task(store)["IN.1.3"]
    assert t.state == "partly done"  # no change request raised to fix it yet
    wp18 = next(o for o in t.outputs if o.wp == "WP.18")
    assert wp18.ref == inc.id and wp18.found == ["updated"] and not wp18.ok


def test_every_done_task_has_its_outputs_met_and_no_other_state_claims_them(demo_store):
    for t in evidence_map(demo_store):
        required = [o for o in t.outputs if o.wp and not o.condition]
        if t.state in ("done", "stale"):
            assert all(o.ok for o in required), (t.task, [o.as_dict() for o in required])
        else:
            assert not all(o.ok for o in required) or not required, t.task
        if t.state == "not started":
            assert not any(o.found for o in required), t.task


def _planned_needs(store) -> None:
    """The setup's roles and resources steps with a training need per role, as a new shop saves them."""
    gov.save_roles(store, [(store.actor.person, "Tester", "", "SM,CM,RM,MGT,PT:incident")], gov.approval(store, None))
    needs = [(a.uuid, "Foundation course", "") for a in store.records("role_assignments", {"state": "active"})]
    gov.save_resources(store, needs, "Foundation course for everyone", gov.approval(store, None))


def test_a_planned_training_need_starts_neither_training_task(store):
    _planned_needs(store)
    m = by_task(store)
    assert store.count("training") > 0  # the needs are there, planned
    for code in ("IN.1.1", "IN.1.2"):
        assert m[code].state == "not started", (code, [w.text for w in m[code].why])
        assert m[code].evidence is None
        assert not any(o.ok or o.found for o in m[code].outputs)


def test_a_training_met_starts_in_1_1_but_not_in_1_2(store):
    from vse_tui.core.governance.roles import record_training

    _planned_needs(store)
    first = store.records("training")[0]
    record_training(store, first.id)
    m = by_task(store)
    assert m["IN.1.1"].state in ("partly done", "done")
    assert m["IN.1.2"].state == "not started"


def test_a_change_request_raised_is_no_evidence_of_defining_the_procedures(store):
    """CO.1.2 writes the procedures (WP.17, whose items say how a change is raised) and the schedule
    (WP.12): a change request raised later never stands as its evidence."""
    from vse_tui.core.control import changes

    ch = changes.request(store, "Replace the office switch", purpose="The old one drops links every afternoon")
    t = by_task(store)["CO.1.2"]
    assert t.state == "not started" and t.evidence is None
    assert [o.wp for o in t.outputs] == ["WP.17", "WP.12"]
    assert all(ch.id not in w.records for w in t.why)


def test_the_demo_cites_the_procedures_for_co_1_2(demo_store):
    t = by_task(demo_store)["CO.1.2"]
    assert t.state == "done"
    cited = [r for w in t.why for r in w.records]
    assert [r[:3] for r in cited] == ["PRC", "CSC"]
    assert t.evidence["record"] in cited


def _control_shop(store):
    from vse_tui.core.control import changes
    from vse_tui.core.governance.documents import create
    from vse_tui.core.model.records import ConfigurationItem, Service

    svc = store.add(Service(name="E-mail", status="approved"))
    store.add(ConfigurationItem(name="Firewall", ci_type="network", services=[svc.uuid]))
    prc = create(store, "procedures", {
        "title": "Change procedure", "raising_changes": "Anyone asks the desk, who raises the request the same day.",
        "updating_schedule": "Approved changes get a date in the Saturday window.",
        "emergency_changes": "Deploy when a vital service is down, approve within a day.",
        "removal": "Retiring a component is a normal change with a backout plan."})
    return changes, prc


def test_the_procedure_is_updated_by_a_deployment_review_only_once_one_was_reviewed(store):
    from vse_tui.core.governance.documents import approve, edit

    changes, prc = _control_shop(store)
    approve(store, "procedures", prc.id)
    edit(store, "procedures", prc.id, {"steps": "Kim designs, Alex builds."})
    assert store.history(prc.uuid)[-1]["task"] == "CO.1.2"  # still defining it: nothing reviewed yet
    ch = changes.request(store, "Patch the firewall now", change_type="emergency", cis=["Firewall"])
    with_review = changes.deploy(store, ch.id)
    changes.review(store, with_review.id, "Went fine; record the change within the day next time")
    edit(store, "procedures", prc.id, {"steps": "Kim designs, Alex builds; record emergencies the same day."})
    assert store.history(prc.uuid)[-1]["task"] == "CO.3.5"
    from vse_tui.core.evidence.tasks import review_behind

    behind = review_behind(store, store.get("procedures", prc.id))  # what the map's CO.3.5 row cites
    assert behind is not None and behind[0] == ch.id and behind[1] <= behind[2]


def test_the_audit_check_flags_a_review_before_its_deployment_and_a_review_that_learnt_from_none(store):
    from datetime import timedelta

    from vse_tui.core.evidence import audit_check
    from vse_tui.core.kernel import clock

    changes, prc = _control_shop(store)
    # what an older version or a merged copy may have left: the procedure updated "from a review"
    # when none was made, a change reviewed before the moment its deployment carries
    store.update("procedures", prc.uuid, {"steps": "Learnt nothing yet", "status": "draft"}, task="CO.3.5")
    ch = changes.request(store, "Patch the firewall now", change_type="emergency", cis=["Firewall"])
    changes.deploy(store, ch.id)
    changes.review(store, ch.id, "Went fine; record the change within the day next time")
    store.update("change_requests", ch.uuid, {"deployed_at": clock.now() + timedelta(days=2)})
    found = {(f.rule, f.records) for f in audit_check.audit_check(store) if f.rule == "timing"}
    assert ("timing", (ch.id,)) in found and ("timing", (prc.id,)) in found
    assert by_task(store)["CO.3.5"].state != "done"


def test_an_unmapped_login_gets_one_advice_from_incident_show_and_the_audit_check(bare_store):
    """`incident show` told to `record edit` the incident (an edit cannot change who wrote it) while
    the audit check said `people login`: both now say what `people.login_advice` says."""
    from vse_tui.cli.incident_show import next_text
    from vse_tui.core.evidence import audit_check
    from vse_tui.core.evidence.next_step import next_step
    from vse_tui.core.governance.people import login_advice

    inc = core.log_incident(bare_store, "Printer offline", customer=None)
    advice = login_advice("tester")
    assert "people login" in advice and "tester" in advice
    assert next_step(bare_store, inc).logins == ["tester"]
    shown = next_text(bare_store, inc)
    lines = [line for line in shown.splitlines() if "tester" in line]
    assert len(lines) == 1 and advice in lines[0] and "record edit" not in lines[0]
    person = [f for f in audit_check.audit_check(bare_store) if f.rule == "person"]
    assert len(person) == 1 and person[0].what.endswith(advice)


def test_an_acknowledgement_the_audit_check_would_refuse_is_refused_when_closing(store, capsys):
    """The command line took 'tbd' as the acknowledgement of closing one's own work, then the audit
    check refused it: one rule now (placeholder text does not count), and `incident show` says it."""
    import pytest

    from vse_tui.cli import main
    from vse_tui.core.evidence import audit_check
    from vse_tui.core.kernel.errors import InputError

    inc = core.log_incident(store, "Printer")
    core.restore(store, inc.id, solution="Cleared the queue")
    for junk in ("tbd", "n/a", "xxx"):
        with pytest.raises(InputError, match="placeholder text"):
            core.close(store, inc.id, confirmed_by="Dana", acknowledgement=junk)
    assert store.get("incidents", inc.id).status != "closed" and store.count("acknowledgements") == 0
    core.close(store, inc.id, confirmed_by="Dana", acknowledgement="Dana printed a test page with me")
    assert not [f for f in audit_check.audit_check(store) if f.rule in ("self-closed", "unconfirmed")]
    assert "closed by its own resolver" not in " ".join(w.text for w in by_task(store)["IN.2.5"].why)
    path = str(store.path)
    store.close()
    assert main(["--db", path, "incident", "show", inc.id]) == 0
    shown = capsys.readouterr().out
    assert "closed by its own resolver, acknowledged: Dana printed a test page with me" in shown


def test_a_placeholder_acknowledgement_left_by_an_older_copy_is_said_alike(store):
    """One already stored (an older version, a merged copy): the map, the audit check and
    `incident show` say the same of it."""
    from vse_tui.core.evidence import audit_check
    from vse_tui.core.incidents.view import incident_view

    inc = core.log_incident(store, "Printer")
    core.restore(store, inc.id, solution="Cleared the queue")
    core.close(store, inc.id, confirmed_by="Dana", acknowledgement="Dana printed a test page with me")
    ack = store.records("acknowledgements")[0]
    store.update("acknowledgements", ack.uuid, {"mitigation": "tbd"})
    said = "closed by its own resolver, acknowledged with placeholder text only"
    assert [f.what for f in audit_check.audit_check(store) if f.rule == "self-closed"] == [said]
    assert said in " ".join(w.text for w in by_task(store)["IN.2.5"].why)
    assert said + ": tbd" in incident_view(store, inc.id).as_text()


def test_a_confirmation_by_a_person_of_the_shop_is_refused_as_the_map_refuses_it(store):
    from vse_tui.core.governance.roles import add_person

    add_person(store, "Robin", roles="PT:incident")
    inc = core.log_incident(store, "Printer")
    core.restore(store, inc.id, solution="Cleared the queue")
    import pytest

    from vse_tui.core.kernel.errors import InputError

    with pytest.raises(InputError, match="not a person of the shop"):
        core.close(store, inc.id, confirmed_by="Robin", acknowledgement="Dana printed a test page with me")
    assert store.get("incidents", inc.id).status != "closed"


def test_a_first_pass_reads_its_input_as_its_note_says(store):
    """GO.3.1 not performed yet in a new shop: its note says it runs on the approved policy, and its
    input WP.14 'updated' is read so too (it once said 'no' beside the note)."""
    fields = gov.policy_defaults()
    fields["change_request_method"] = "By phone to the desk"
    gov.save_policy_draft(store, fields)
    gov.approve_policy(store, gov.approval(store, None))
    t = by_task(store)["GO.3.1"]
    assert t.notes and "first pass" in t.notes[0]
    assert next(i for i in t.inputs if i.wp == "WP.14").ok


def test_the_demos_change_rows_name_the_change_behind_them(demo_store):
    rows = by_task(demo_store)
    for code in ("CO.2.3", "CO.2.4", "CO.3.1"):
        assert any(w.ok and w.text.startswith("made for CHG-") for w in rows[code].why), code
    co32 = rows["CO.3.2"]
    assert any(w.text == f"made for {co32.evidence['record']}" for w in co32.why)


def test_the_step_bar_and_the_map_judge_a_classification_alike(store):
    """IN.2.2 links an incident to the records that are necessary: a classification naming no item
    (none failed) is done on the incident's step bar and on the map alike, by one rule
    (`tasks.task_state`); an item named must record the incident, or neither counts it."""
    from vse_tui.core.evidence.guide import record_steps
    from vse_tui.core.model.records import ConfigurationItem, Customer

    acme = store.add(Customer(name="Acme Bakery"))
    inc = core.log_incident(store, "Printer offline", reporter="Dana Wells", customer=acme.uuid)
    core.classify(store, inc.id, category="hardware")
    step = next(s for s in record_steps(store, store.get("incidents", inc.id)) if s.task == "IN.2.2")
    assert (step.state, step.mark, step.missing) == ("done", "●", [])
    assert by_task(store)["IN.2.2"].state == "done"

    item = store.add(ConfigurationItem(name="Front desk printer", ci_type="hardware"))
    other = core.log_incident(store, "Printer jams", reporter="Dana Wells", customer=acme.uuid)
    core.classify(store, other.id, category="hardware", cis=[item.uuid])
    store.update("configuration_items", item.uuid, {"incidents": []})  # its record no longer names the incident
    step = next(s for s in record_steps(store, store.get("incidents", other.id)) if s.task == "IN.2.2")
    assert (step.state, step.mark) == ("partly done", "◐")
    assert any(f"{item.id} named, but their configuration records do not record the incident" in m
               for m in step.missing), step.missing
