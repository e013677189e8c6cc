"""Substance, not filled fields: placeholder text, text pasted from elsewhere and the app's own
starting text keep a task from done, and `audit check` names each of them. The junk shop (every
field "x", every mitigation "tbd", one person in every role approving her own work) reads as junk."""

import pytest

from vse_tui.core import audit_check
from vse_tui.core import governance as gov
from vse_tui.core.evidence import evidence_map, summary
from vse_tui.core.standard import load_standard
from vse_tui.core.substance import Index, placeholder, problems
from vse_tui.store import Actor, open_store

from ..junk_shop import build_junk


@pytest.mark.parametrize("text", ["x", "X", " tbd ", "TBD.", "n/a", "N/A", "todo", "-", "...", "xxxx", "aaaaa", "---",
                                  "Lorem ipsum dolor sit amet", "?", "To be done", "0000", "  ", "none"])
def test_placeholder_text_is_named(text):
    assert placeholder(text)


@pytest.mark.parametrize("text", ["Restore within four hours", "24x7", "P1", "Kim Lee", "NAS", "secure-store/chg-0001",
                                  "Mon-Fri 09:00-17:00", "Included in the monthly fee."])
def test_real_text_is_not(text):
    assert not placeholder(text)


def _policy(objectives: str) -> dict:
    fields = gov.policy_defaults()
    fields["objectives"] = objectives
    return fields


def test_the_apps_starting_text_left_unchanged_is_not_the_shops_own(store):
    gov.save_policy_draft(store, gov.policy_defaults())  # the wizard's objectives, as offered
    pol = gov.approve_policy(store, gov.approval(store, None))
    m = {t.task: t for t in evidence_map(store)}
    assert m["GO.2.2"].state != "done"
    assert "objectives: the app's starting text, unchanged" in " ".join(m["GO.2.2"].missing)
    found = [f for f in audit_check.audit_check(store) if f.rule == "content" and pol.id in f.records]
    assert found and "objectives: the app's starting text, unchanged" in found[0].what
    # written in the shop's own words, the same task is done
    gov.save_policy_draft(store, _policy("Answer every call within the hour; keep both offices running all year."))
    gov.approve_policy(store, gov.approval(store, None))
    assert {t.task: t.state for t in evidence_map(store)}["GO.2.2"] == "done"


def test_text_pasted_from_another_document_is_named(store):
    words = "Keep every small office we serve running, every working day of the year."
    gov.save_goals(store, goals=words, objectives="Grow to six customers by next year, all of them satisfied.",
                   provider_type="external", approved=gov.approval(store, None))
    gov.save_policy_draft(store, _policy(words))
    pol = gov.approve_policy(store, gov.approval(store, None))
    m = {t.task: t for t in evidence_map(store)}
    assert m["GO.2.2"].state != "done"
    assert "objectives: the same text as goals of BGO-0001 (WP.01)" in " ".join(m["GO.2.2"].missing)
    assert any(pol.id in f.records and "the same text as goals" in f.what for f in audit_check.audit_check(store))


def test_one_function_decides_for_a_record_each_item_by_its_rule(store):
    wp = load_standard().wp("WP.03")
    data = {"customer": "no-such-uuid", "scope": "All staff", "start_date": "2026-05-01", "review_date": "2026-04-01",
            "provider_owner": "Kim Lee", "party_owner": "tbd", "services": [], "targets": [{"priority": "P1"}],
            "change_and_incident_procedures": "All staff"}
    found = problems(Index(store), wp, data, "draft")
    assert found == ["services not recorded", "customer: names no existing customer", "scope: fewer than 3 words",
                     "review date: before its start date", "party owner: placeholder text",
                     "change and incident procedures: fewer than 3 words"]


@pytest.fixture
def junk(tmp_path):
    store = open_store(tmp_path / "junk.db", Actor(operator="jo", os_user="jo", host="box"))
    refs = build_junk(store)
    yield store, refs
    store.close()


def test_the_junk_shop_is_not_done_and_the_check_names_every_junk_record(junk):
    store, refs = junk
    tasks = evidence_map(store)
    done, total = summary(tasks)["all"]
    assert total == 40 and done <= 3, [t.task for t in tasks if t.state == "done"]
    findings = audit_check.audit_check(store)
    named = {r for f in findings for r in f.records}
    # every record holding a required item typed as "x" is named, with what is wrong
    from vse_tui.core.records import BY_WP

    for wp in load_standard().work_products:
        for rec in store.records(BY_WP[wp.code].KIND):
            if any(placeholder(v) for k, v in rec.model_dump(mode="json").items()
                   if k in wp.required_in(rec.status) and isinstance(v, str) and len(v) < 40):
                assert rec.id in named, rec.id
    assert all("placeholder text" in f.what for f in findings if f.rule == "content")
