from vse_tui.core import governance as gov
from vse_tui.core.evidence import evidence_map, summary
from vse_tui.core.records import ServicePolicy


def states(store) -> dict[str, str]:
    return {t.task: t.state for t in evidence_map(store)}


def test_on_an_empty_database_every_task_is_not_started(store):
    found = evidence_map(store)
    assert len(found) == 40
    assert {t.state for t in found} == {"not started"}
    assert all(t.evidence is None for t in found)
    assert summary(found)["all"] == (0, 40)


def test_an_output_in_the_wrong_status_is_not_counted(store):
    store.add(ServicePolicy(title="Policy", objectives="x", status="draft"), task="GO.2.1")
    s = states(store)
    assert s["GO.2.1"] == "done"  # its output is a draft policy
    assert s["GO.2.2"] == "not started"  # needs the policy approved
    gov.approve_policy(store, gov.approval("Kim", "email"))
    s = states(store)
    assert (s["GO.2.1"], s["GO.2.2"]) == ("done", "done")  # approved has passed draft
    assert s["GO.2.4"] == "not started"
    m = {t.task: t for t in evidence_map(store)}
    assert m["GO.2.2"].evidence["by"] == "Tester"
    assert [o.ok for o in m["GO.2.2"].outputs] == [True]
    assert m["GO.2.3"].inputs[0].ok and not m["GO.2.3"].outputs[0].ok


def test_the_demo_is_mostly_done_with_a_few_realistic_gaps(demo_store):
    s = states(demo_store)
    not_done = {k: v for k, v in s.items() if v != "done"}
    assert not_done == {
        "CO.1.1": "partly done",  # the change types live in the policy; no record names the task
        "CO.3.4": "partly done",  # deployments never updated the catalogue
        "RE.1.3": "not started",  # the catalogue has not been reviewed yet
        "RE.2.5": "partly done",  # only a customer agreement was modified, no supplier one
        "IN.1.2": "partly done",  # competence kept current, but no record says so
        "IN.1.3": "partly done",  # potential problems logged as incidents, not as IN.1.3
    }
    assert summary(evidence_map(demo_store))["all"] == (34, 40)
