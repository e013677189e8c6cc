"""A task's state comes from the content of its own records: the status the standard names, the
content items the data files require, a person holding the task's role, inputs in place, an
approval bound to the current version. The demo shop follows its own rules."""

import shutil
import subprocess
from datetime import UTC
from pathlib import Path

import pytest

from vse_tui.core.evidence import audit_check
from vse_tui.core.evidence.tasks import evidence_map, summary
from vse_tui.core.governance import approvals
from vse_tui.core.governance import process as gov
from vse_tui.core.governance.roles import add_person, answer_sole_approver
from vse_tui.core.incidents import process as core
from vse_tui.core.kernel.errors import InputError

from ..conftest import acting


def states(store) -> dict[str, str]:
    return {t.task: t.state for t in evidence_map(store)}


def test_on_a_new_database_every_task_is_not_started(bare_store):
    found = evidence_map(bare_store)
    assert len(found) == 40
    assert {t.state for t in found} == {"not started"}
    assert all(t.evidence is None for t in found)
    assert summary(found)["all"] == (0, 40)
    assert all(t.why and not t.why[0].ok for t in found)  # each says what is missing


def test_an_empty_self_closed_incident_proves_nothing(store, sam):
    """An incident 'x' with no customer, closed by its own resolver, confirmed by nobody from the
    customer: IN.2.1 to IN.2.5 stay not done, and each says why."""
    inc = core.log_incident(store, "x", use_last=False)
    with acting(store, sam):
        core.restore(store, inc.id, solution="done")
        with pytest.raises(InputError, match="affected party confirms"):
            core.close(store, inc.id, confirmed_by="Sam", acknowledgement="checked it myself")
        core.close(store, inc.id, confirmed_by="a caller", acknowledgement="I re-ran the test")
    m = {t.task: t for t in evidence_map(store)}
    for task in ("IN.2.1", "IN.2.2", "IN.2.3", "IN.2.4", "IN.2.5"):
        assert m[task].state != "done", task
    assert "customer, reporter not recorded" in m["IN.2.1"].why[0].text
    assert any("not told the service is restored" in w.text or "not restored" in w.text for w in m["IN.2.4"].why)


def test_one_classification_is_not_prevention(store):
    inc = core.log_incident(store, "Printer", customer=None)
    core.classify(store, inc.id, category="hardware")
    assert states(store)["IN.1.3"] == "not started"


def test_an_edit_after_approval_needs_a_new_approval(store):
    fields = gov.policy_defaults()
    fields["change_request_method"] = "By phone to the desk"
    fields["objectives"] = "Answer every call within the hour and keep the two customers' offices running."
    gov.save_policy_draft(store, fields)
    pol = gov.approve_policy(store, gov.approval(store, None))
    # Tester, the shop's one person, approves what she wrote with no countable mitigation: a finding,
    # and so no evidence of GO.2.2 either (one function decides for both)
    assert approvals.state(pol).current and states(store)["GO.2.2"] == "partly done"
    assert [f.rule for f in audit_check.audit_check(store) if pol.id in f.records] == ["self-approval"]
    answer_sole_approver(store, "self")  # covered by a dated second look: her approvals count
    assert states(store)["GO.2.2"] == "done"
    from vse_tui.core.governance import documents

    pol = documents.edit(store, "policies", pol.id, {"plans": "A new plan"})
    st = approvals.state(pol)
    assert not st.current and st.text == f"approved in v{st.latest.version}, changed in v{pol.version}: needs approval"
    assert states(store)["GO.2.2"] != "done"
    assert [f.rule for f in audit_check.audit_check(store) if pol.id in f.records] == ["approval-stale"]
    documents.approve(store, "policies", pol.id)
    assert states(store)["GO.2.2"] == "done"


def test_an_approval_without_the_role_needs_a_mitigation(store):
    pat, _ = add_person(store, "Pat", roles="PT:change")
    gov.save_policy_draft(store, gov.policy_defaults())
    with pytest.raises(InputError, match="Pat holds none of the roles.*mitigation"):
        gov.approve_policy(store, gov.approval(store, "Pat"))
    from vse_tui.core.governance import documents

    pol = store.latest("policies")
    from tests.conftest import acting

    with acting(store, pat):  # Pat approves at his keyboard
        pol = documents.approve(store, "policies", pol.id, mitigation="Kim was away; she reads it on Monday")
    ack = store.records("acknowledgements")[-1]
    assert (ack.rule, ack.record, ack.mitigation) == ("approver-without-role", pol.uuid,
                                                      "Kim was away; she reads it on Monday")
    assert approvals.state(pol).latest.person == pat.uuid


def test_stale_uses_the_shops_own_review_interval(store):
    from datetime import timedelta

    from vse_tui.core.evidence.tasks import review_intervals
    from vse_tui.core.kernel import clock

    assert review_intervals(store)["GO.4.1"] == 365  # the shop's default
    fields = gov.policy_defaults()
    fields["review_intervals"] = {"GO.4.1": 30}
    gov.save_policy_draft(store, fields)
    gov.approve_policy(store, gov.approval(store, None))
    assert review_intervals(store)["GO.4.1"] == 30
    assert evidence_map(store, now=clock.now() + timedelta(days=1))  # no error on a shop without a report
    # typed on the policy's editor as a person writes it; a wrong task or number is named
    from vse_tui.core.governance import documents
    from vse_tui.core.present.fields import parse, show

    pol = store.latest("policies")
    assert show(store, "policies", pol)["review_intervals"] == "GO.4.1 30"
    documents.edit(store, "policies", pol.id, {"review_intervals": "RE.2.4 90, GO.4.1 180"})
    assert review_intervals(store)["GO.4.1"] == 365  # not in force before it is approved again
    gov.approve_policy(store, gov.approval(store, None))
    assert review_intervals(store)["RE.2.4"] == 90 and review_intervals(store)["GO.4.1"] == 180
    for wrong, said in (("XX.1.1 30", "not a task"), ("RE.2.4 0", "between 1 and 3660"), ("every year", "should read")):
        with pytest.raises(InputError, match=said):
            parse(store, "policies", {"review_intervals": wrong})


def _keypair(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="OpenSSH's ssh-keygen is not on this machine")
def test_a_signed_approval_verifies_with_openssh_and_breaks_when_tampered(store, tmp_path):

    key = _keypair(tmp_path, "tester")
    store.update("people", store.actor.person, {"ssh_key": key.with_suffix(".pub").read_text().strip()})
    gov.save_policy_draft(store, gov.policy_defaults())
    pol = store.latest("policies")
    from vse_tui.core.governance import documents

    pol = documents.approve(store, "policies", pol.id, sign=True, key=str(key))
    a = pol.approvals[-1]
    assert a.signature.startswith("-----BEGIN SSH SIGNATURE-----") and a.key.startswith("SHA256:")
    assert approvals.check_signatures(store) == []
    # OpenSSH alone, as an assessor would run it
    (tmp_path / "allowed_signers").write_text(approvals.allowed_signers(store))
    (tmp_path / "a.sig").write_text(a.signature)
    res = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(tmp_path / "allowed_signers"), "-I", a.person,
                          "-n", "vse-tui", "-s", str(tmp_path / "a.sig")],
                         input=approvals.text("policies", pol.uuid, pol.id, a).encode(), capture_output=True)
    assert res.returncode == 0, res.stderr
    # someone rewrites the approved content hash to move the signature onto other content
    store.conn.execute("UPDATE policies SET data = replace(data, ?, ?)", (a.content, "0" * 64))
    store.conn.commit()
    problems = approvals.check_signatures(store)
    assert problems and "does not verify" in problems[0].what


def test_the_demo_obeys_its_own_rules_and_plants_exactly_its_findings(demo_store):
    found = {(f.rule, f.records) for f in audit_check.audit_check(demo_store)}
    frontdesk = demo_store.records("incidents", {"reporter__isnull": True}, order="-seq", limit=1)[0].id
    assert found == {
        ("person", ("login frontdesk",)),
        ("approval-stale", ("AGR-0004",)),
        ("agreement", ("SAG-0002",)),
        ("content", (frontdesk,)),
        ("review", ("SAG-0002",)),  # past its review date, as the dashboard shows
        ("review", ("AGR-0001",)),
        ("competence", ("TRN-0002",)),  # the lapsed training that keeps IN.1.2 from done
    }
    assert demo_store.history_going_back() == []
    s = states(demo_store)
    assert {k: v for k, v in s.items() if v != "done"} == {"IN.1.2": "partly done"}  # one training lapsed
    # a year lived in order: every month of the year has its incidents, none dated by a clamp
    months = {row[0][:7] for row in demo_store.rows("incidents", ["opened_at"])}
    assert len(months) >= 10


def test_the_demos_clock_never_goes_back():
    from datetime import datetime

    from vse_tui.demo import SimClock

    c = SimClock(datetime(2026, 1, 2, tzinfo=UTC))
    c.set(datetime(2026, 1, 3, tzinfo=UTC))
    with pytest.raises(RuntimeError):
        c.set(datetime(2026, 1, 1, tzinfo=UTC))


def test_the_demo_is_made_through_the_core_only():
    source = (Path(__file__).resolve().parents[2] / "vse_tui" / "demo.py").read_text()
    for private in ("store._insert", "store._history", ".conn", "_row(", "INSERT", "UPDATE "):
        assert private not in source


def test_a_real_database_cannot_be_backdated_and_warns_when_the_clock_is_behind(tmp_path, monkeypatch):
    from datetime import timedelta

    from vse_tui.core.kernel import clock
    from vse_tui.core.kernel.errors import DatabaseError
    from vse_tui.store import Actor, open_store
    from vse_tui.store.maintenance import startup_warnings

    monkeypatch.delenv("VSE_TUI_NOW")  # a shop's database runs on the real clock
    store = open_store(tmp_path / "real.db", Actor(operator="Kim", os_user="kim", host="laptop"))
    try:
        first = core.log_incident(store, "Printer jam")
        monkeypatch.setenv("VSE_TUI_NOW", "2020-01-01T09:00:00+00:00")  # an attempt to date a change in the past
        with pytest.raises(DatabaseError, match="runs on the real clock"):
            core.log_incident(store, "Backdated")
        monkeypatch.delenv("VSE_TUI_NOW")
        assert store.count("incidents") == 1
        # the machine's clock set back: warned at start, and changes are dated at the last one, never before
        behind = clock.now() - timedelta(days=3)
        store.clock = lambda: behind  # type: ignore[method-assign]
        assert any("earlier than the last change recorded" in w for w in startup_warnings(store, None))
        later = core.log_incident(store, "After the clock went back")
        assert later.opened_at >= first.opened_at and store.history_going_back() == []
    finally:
        store.close()


def test_a_task_is_done_by_who_wrote_it_for_it_and_an_approval_task_by_the_approver(store):
    """An assessor read "by Kim" on tasks Sam wrote: the approver was named for every task whose
    output is approved. A task its approval performs (GO.2.2 for the policy) names the approver,
    at the approval's moment, and says who wrote it; any other task (GO.2.4, the update) names who
    wrote the record for it, and the role rule is applied to that person."""
    from vse_tui.core.governance import documents

    pat, _ = add_person(store, "Pat", roles="PT:change")
    fields = gov.policy_defaults()
    fields["objectives"] = "Answer every call within the hour and keep the two customers' offices running."
    with acting(store, pat):
        gov.save_policy_draft(store, fields)
    pol = gov.approve_policy(store, gov.approval(store, None))  # Tester (SM) approves what Pat wrote
    m = {t.task: t for t in evidence_map(store)}
    assert m["GO.2.2"].state == "done" and m["GO.2.2"].evidence["what"] == "approved"
    assert m["GO.2.2"].evidence["by"] == "Tester (approving what Pat wrote)"
    approved_at = approvals.state(pol).latest.at
    from vse_tui.core.kernel import clock

    assert m["GO.2.2"].evidence["at"] == clock.iso(approved_at)
    from vse_tui.core.relationship.process import log_feedback

    log_feedback(store, "Please answer the phone before nine as well.")
    with acting(store, pat):  # Pat, a practitioner, updates it; Tester approves the update
        pol = documents.edit(store, "policies", pol.id, {"plans": "A restore test every quarter on each NAS."})
    documents.approve(store, "policies", pol.id)
    m = {t.task: t for t in evidence_map(store)}
    assert m["GO.2.4"].state != "done"  # the role rule applied to Pat, who wrote the update, not to its approver
    assert any("POL-0001: Pat held none of Service Manager" in w for w in m["GO.2.4"].missing), m["GO.2.4"].missing
