"""A shop of one person approves everything she writes. The setup asks how that is covered (a dated
second look); the answer is an acknowledgement of the one-person warning, with its author and date,
and the audit check then lists her approvals as covered (a warning an assessor reads), not as
findings, for as long as the records show the second looks. No answer, or no review recorded in
time: findings again, each saying what to do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vse_tui.core.evidence.audit_check import NEXT, finding_dict, review
from vse_tui.core.evidence.duties import SECOND_LOOK_DAYS
from vse_tui.core.governance import process as gov
from vse_tui.core.governance import setup
from vse_tui.core.governance.approvals import approve
from vse_tui.core.governance.roles import answer_sole_approver, sole_approver
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.kernel.findings import Severity


def _goals(store):
    return gov.save_goals(store, goals="Keep the offices of the town running", objectives="Most calls fixed the same day",
                          provider_type="external", approved=gov.approval(store, None, "signature"))


def _rules(findings):
    return sorted({f.rule for f in findings})


def test_without_an_answer_each_own_approval_is_a_finding_with_its_next_step(store):
    _goals(store)
    findings, mitigated = review(store)
    own = [f for f in findings if f.rule == "self-approval"]
    assert [f.records for f in own] == [("BGO-0001",)]
    assert "no compensating control acknowledged" in own[0].what
    assert "second look" in finding_dict(own[0])["next"]
    assert any(f.rule == "role-warning" and "One person writes and approves" in f.what for f in findings)
    assert mitigated == []


def test_the_answer_is_a_record_and_the_approvals_are_listed_as_covered(store):
    _goals(store)
    ack = answer_sole_approver(store, "self")
    assert ack is not None and ack.rule == "sole-approver" and ack.created_by == "Tester"
    assert store.history(ack.uuid)[0]["task"] == "GO.1.2"
    assert sole_approver(store) is None  # answered: not asked again
    findings, mitigated = review(store)
    assert "self-approval" not in _rules(findings) and "role-warning" not in _rules(findings)
    assert "mitigation" not in _rules(findings)
    [covered] = mitigated
    assert covered.severity == Severity.MITIGATED and covered.records == (ack.id, "BGO-0001")
    assert "answered by Tester" in covered.what and "it covers 1 approval" in covered.what


def test_an_outside_reviewer_is_named(store):
    with pytest.raises(InputError, match="Reviewer"):
        answer_sole_approver(store, "outside", "  ")
    ack = answer_sole_approver(store, "outside", "Ana Ruiz  (Ruiz Accounting)")
    assert "Ana Ruiz (Ruiz Accounting), from outside the shop, reviews it" in ack.mitigation


@pytest.mark.parametrize("lang", ["en", "es", "pt_BR", "fr"])
def test_the_answer_counts_in_every_language(store, lang):
    from vse_tui import i18n
    from vse_tui.core.evidence.duties import check_of

    i18n.set_language(lang)
    ack = answer_sole_approver(store, "self")
    check = check_of(ack.mitigation)
    assert check is not None and check.key == "second-look", ack.mitigation


def test_no_second_look_within_30_days_is_a_finding_and_a_review_mends_it(store, monkeypatch):
    _goals(store)
    answer_sole_approver(store, "self")
    later = clock.now() + timedelta(days=SECOND_LOOK_DAYS + 1)
    monkeypatch.setenv("VSE_TUI_NOW", clock.iso(later))
    findings, mitigated = review(store)
    [late] = [f for f in findings if f.rule == "mitigation"]
    assert "BGO-0001 v1" in late.what and "no second look" in late.what
    assert "self-approval" not in _rules(findings)  # still covered, but the mitigation itself is questioned
    assert mitigated == []
    approve(store, "business_goals", "BGO-0001", meaning="reviewed")  # the dated second look
    findings, mitigated = review(store)
    assert "mitigation" not in _rules(findings) and len(mitigated) == 1


def test_a_second_person_who_could_approve_lifts_the_warning_a_practitioner_does_not(store):
    from vse_tui.core.governance.roles import add_person

    add_person(store, "Sam", roles="PT:change")  # a practitioner approves nothing
    assert sole_approver(store) is not None
    add_person(store, "Kim", roles="CM")
    assert sole_approver(store) is None


def test_the_resources_step_asks_and_records_the_answer(store):
    _goals(store)
    gov.save_roles(store, [(store.actor.person, "Tester", "", "SM,CM,RM,MGT,PT:incident")],
                   gov.approval(store, None, "signature"))
    names = [f.name for f in setup.fields(store, "resources", None)]
    assert names[-2:] == ["second_look", "reviewer"]
    values = {f.name: f.value for f in setup.fields(store, "resources", None)}
    assert values["second_look"] == "self"  # offered
    setup.save(store, "resources", {**values, "second_look": "none"}, gov.approval(store, None, "signature"))
    assert store.count("acknowledgements") == 0  # "not now": asked again next time
    assert "second_look" in [f.name for f in setup.fields(store, "resources", None)]
    setup.save(store, "resources", values, gov.approval(store, None, "signature"))
    assert [a.rule for a in store.records("acknowledgements")] == ["sole-approver"]
    assert "second_look" not in [f.name for f in setup.fields(store, "resources", None)]


def test_an_approval_given_with_its_write_a_second_later_is_still_the_authors(store, monkeypatch):
    """On the real clock an approval's moment is taken just before the write that carries it: the
    write may fall on the next second. Its author still approved her own content."""
    approved = gov.approval(store, None, "signature")
    monkeypatch.setenv("VSE_TUI_NOW", clock.iso(clock.now() + timedelta(seconds=1)))
    gov.save_goals(store, goals="Keep the offices of the town running", objectives="Most calls fixed the same day",
                   provider_type="external", approved=approved)
    findings, _mitigated = review(store)
    assert [f.records for f in findings if f.rule == "self-approval"] == [("BGO-0001",)]


def test_every_rule_a_new_shop_meets_says_what_to_do_next():
    for rule in ("content", "draft", "self-approval", "mitigation", "role-warning"):
        assert NEXT[rule]


def test_the_audit_pack_lists_the_covered_approvals_for_the_assessor(store, tmp_path):
    from vse_tui.reports.audit_pack import write_pack

    _goals(store)
    answer_sole_approver(store, "self")
    out = tmp_path / "pack"
    write_pack(store, out)
    page = next(p for p in out.rglob("audit-check*.md")).read_text(encoding="utf-8")
    assert "Warnings answered with a compensating control (1)" in page
    assert "One person writes and approves every document" in page and "BGO-0001" in page


def test_the_map_and_the_check_judge_an_own_approval_by_one_function(store):
    """Two people hold the approving role: a policy its author approved is no evidence of GO.2.2, with
    the audit check's words as the why; approved by the other too, it is (her approval counts)."""
    from vse_tui.core.evidence.tasks import evidence_map
    from vse_tui.core.governance.roles import add_person

    from ..conftest import acting

    def go_2_2():
        task = next(t for t in evidence_map(store) if t.task == "GO.2.2")
        return task.state, " ".join(task.missing)

    kim, _ = add_person(store, "Kim Lee", roles="SM,MGT", os_user="kim")
    fields = gov.policy_defaults()
    fields["objectives"] = "Answer every call within the hour and keep the two customers' offices running."
    gov.save_policy_draft(store, fields)
    pol = gov.approve_policy(store, gov.approval(store, None))
    said = "approved in v2 by Tester, who wrote it, while another person of the shop holds the approving role"
    assert [f.what for f in review(store)[0] if f.rule == "self-approval"] == [said]
    state, why = go_2_2()
    assert state == "partly done" and said in why
    answer_sole_approver(store, "self")  # an answer for a shop of one covers nothing in a shop of two
    assert go_2_2()[0] == "partly done"
    with acting(store, kim):  # hers counts in both; Tester's own stays what it was, a finding
        approve(store, "policies", pol.id)
    assert go_2_2() == ("done", "")
    assert [f.what for f in review(store)[0] if f.rule == "self-approval"] == [said]


def test_a_practitioner_joining_leaves_the_answer_standing_and_the_warning_agrees(store, tmp_path):
    """A practitioner (PT) never approves: with one beside her, the shop's documents are still written
    and approved by one person. The warning, its answer and the check say so alike (the roles screen
    and the dashboard show the same warnings); a second person who could approve ends it for all three."""
    import contextlib
    import io

    from vse_tui.cli import main
    from vse_tui.core.governance.roles import add_person, warnings

    def sole():
        return [w for w in warnings(store) if w.rule == "sole-approver"]

    def roles_check():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["--db", str(tmp_path / "t.db"), "--as", "Tester", "roles", "check"]) == 0
        return out.getvalue()

    _goals(store)
    answer_sole_approver(store, "self")
    add_person(store, "Pat", roles="PT:incident")
    [warning] = sole()
    assert warning.acknowledged is not None and warning.person_name == "Tester"
    assert "One person writes and approves every document" in roles_check()
    findings, mitigated = review(store)
    assert "self-approval" not in _rules(findings) and "role-warning" not in _rules(findings)
    [covered] = mitigated
    assert covered.records[1:] == ("BGO-0001",) and "it covers 1 approval" in covered.what
    kim, _ = add_person(store, "Kim Lee", roles="MGT")  # she could approve the goals: no shop of one any more
    assert sole() == [] and "One person writes" not in roles_check()
    findings, mitigated = review(store)
    assert [f.what for f in findings if f.rule == "self-approval"] == [
        "approved in v1 by Tester, who wrote it, while another person of the shop holds the approving role"]
    assert mitigated == []
