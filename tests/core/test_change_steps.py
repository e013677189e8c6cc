"""A change's steps on its own screen are this change's: a step performed on a record the change
shares with others (an item another change updated when it was deployed) is not this change's."""

from __future__ import annotations

from vse_tui.core.evidence.guide import record_steps


def test_a_change_never_deployed_is_not_shown_deployed(demo_store):
    undeployed = [c for c in demo_store.records("change_requests", {}) if c.deployed_at is None]
    assert undeployed, "the demo keeps changes that were never deployed"
    for change in undeployed:
        steps = {s.task: s for s in record_steps(demo_store, change)}
        assert not steps["CO.3.4"].performed and not steps["CO.3.4"].done, change.id
        assert not steps["CO.3.5"].done, change.id


def test_a_deployed_change_is_shown_deployed_when_it_updated_its_items(demo_store):
    deployed = [c for c in demo_store.records("change_requests", {}) if c.deployed_at is not None]
    assert any({s.task: s for s in record_steps(demo_store, c)}["CO.3.4"].performed for c in deployed)
