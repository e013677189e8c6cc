from vse_tui.core.model.records import BY_WP
from vse_tui.core.model.standard import load_standard


def test_counts_match_the_standard():
    s = load_standard()
    assert (len(s.processes), len(s.activities), len(s.tasks), len(s.roles), len(s.work_products)) == (4, 11, 40, 8, 21)
    assert [t.code for t in s.tasks if t.process == "GO"] == [
        "GO.1.1", "GO.1.2", "GO.2.1", "GO.2.2", "GO.2.3", "GO.2.4", "GO.3.1", "GO.3.2", "GO.4.1", "GO.4.2"]
    assert sum(t.process == "CO" for t in s.tasks) == 14
    assert sum(t.process == "RE" for t in s.tasks) == 8
    assert sum(t.process == "IN" for t in s.tasks) == 8


def test_every_task_names_existing_work_products_and_statuses():
    s = load_standard()
    codes = {w.code: w for w in s.work_products}
    for task in s.tasks:
        assert task.roles, task.code
        assert task.guidance.strip(), task.code
        for io in task.inputs + task.outputs:
            if io.communication:
                continue
            assert io.wp in codes, (task.code, io.wp)
            assert io.statuses, (task.code, io.wp)
            for status in io.statuses:
                assert status in codes[io.wp].statuses, (task.code, io.wp, status)


def test_irregular_outputs_are_held_faithfully():
    s = load_standard()
    co21 = s.task("CO.2.1").outputs[0]
    assert (co21.wp, co21.statuses, co21.any_of) == ("WP.11", ["approved", "rejected"], True)
    co15 = s.task("CO.1.5").outputs[0]
    assert (co15.statuses, co15.any_of) == (["draft", "approved"], False)
    co32 = s.task("CO.3.2").outputs[0]
    assert (co32.status_text, co32.statuses) == ("Approved & Updated", ["approved", "updated"])
    in21 = s.task("IN.2.1").outputs[0]
    assert (in21.wp, in21.status_text, in21.statuses) == ("WP.18", "Open", ["opened"])
    in23 = s.task("IN.2.3")
    assert in23.inputs[1].statuses == ["approved"]  # "Agreed" policy
    assert any(o.communication for o in in23.outputs)
    conditional = [o for o in s.task("IN.2.2").outputs if o.condition]
    assert conditional and conditional[0].wp == "WP.11" and conditional[0].statuses == ["draft"]
    assert s.task("CO.1.3").inputs[3].statuses == ["stored"]
    assert s.task("GO.3.1").first_pass_note


def test_status_order_updated_passes_approved_but_rejected_does_not():
    s = load_standard()
    assert s.wp("WP.14").satisfies("updated", "approved")
    assert s.wp("WP.14").satisfies("approved", "draft")
    assert not s.wp("WP.14").satisfies("draft", "approved")
    assert not s.wp("WP.11").satisfies("rejected", "approved")
    assert s.wp("WP.11").satisfies("rejected", "draft")
    assert s.wp("WP.11").satisfies("updated", "approved")


def test_roles_and_their_flags():
    s = load_standard()
    assert {r.code for r in s.roles} == {"SM", "CM", "IM", "RM", "PT", "MGT", "CUS", "SUP"}
    assert s.role("SM").required
    assert s.role("CM").area == "change" and s.role("IM").area == "incident"
    assert s.role("PT").practitioner


def test_every_work_product_has_a_model_holding_its_fields():
    s = load_standard()
    assert set(BY_WP) == {w.code for w in s.work_products}
    for wp in s.work_products:
        model = BY_WP[wp.code]
        known = set(model.model_fields) | {n for n in dir(model) if isinstance(getattr(model, n, None), property)}
        missing = [f for f in wp.fields if f not in known]
        assert not missing, (wp.code, missing)


def test_the_data_and_the_models_agree():
    """One source for each fact of the standard: the work product of each kind, its id prefix, its
    statuses and its fields come from data/standard; the models follow it."""
    from vse_tui.core.model.data import role_codes, work_product_prefixes
    from vse_tui.core.model.records import KINDS, PREFIXES, model_for

    standard = load_standard()
    wps = {w.code: w for w in standard.work_products}
    covered = set()
    for kind, (_module, _cls, wp) in KINDS.items():
        model = model_for(kind)
        assert model.KIND == kind and model.WP == wp, kind
        assert PREFIXES[model.PREFIX] == kind
        if wp:
            covered.add(wp)
            assert model.PREFIX == wps[wp].prefix == work_product_prefixes()[wp]
            properties = {n for n in dir(model) if isinstance(getattr(model, n, None), property)}
            missing = set(wps[wp].fields) - set(model.model_fields) - properties
            assert not missing, (wp, missing)
    assert covered == set(wps)  # every one of the 21 work products has its records
    assert len(set(PREFIXES)) == len(KINDS)
    assert role_codes() == tuple(r.code for r in standard.roles)
    assert set(role_codes(external=False)) == {r.code for r in standard.roles if not r.external}
