import pytest

from vse_tui.core.governance import roles
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import Person, RoleAssignment


@pytest.fixture
def store(bare_store):
    """These tests count what they write from an empty database: nobody in People yet."""
    return bare_store



def shop(*specs):
    """specs: (name, 'SM,CM,PT:change') -> people and assignments, not stored."""
    people, assignments = [], []
    for name, text in specs:
        p = Person(name=name)
        people.append(p)
        for role, area in roles.parse_roles(text):
            assignments.append(RoleAssignment(person=p.uuid, role=role, area=area))
    return people, assignments


def rules_of(people, assignments, acks=()):
    return sorted((w.rule, w.person_name, w.roles) for w in roles.check_combinations(people, assignments, acks))


def test_no_service_manager_is_reported():
    assert rules_of(*shop(("Kim", "CM"), ("Sam", "RM"))) == [("service-manager", "", ("SM",))]
    assert rules_of(*shop(("Kim", "SM"), ("Sam", "RM"))) == []


def test_one_person_holding_the_shops_roles_approves_all_they_write():
    # rule 5 met ahead: with nobody else in the shop, every approval is by the content's author
    assert rules_of(*shop(("Kim", "SM,PT:incident,MGT"))) == [("sole-approver", "Kim", ("SM", "PT", "MGT"))]
    # a second person holding a role that approves lifts it; a practitioner (PT) or an Incident Manager
    # approves no work product, and a customer's contact (CUS) is not of the shop: none of them does
    assert rules_of(*shop(("Kim", "SM,MGT"), ("Sam", "CM"))) == []
    assert rules_of(*shop(("Kim", "SM,MGT"), ("Sam", "PT"))) == [("sole-approver", "Kim", ("SM", "MGT"))]
    assert rules_of(*shop(("Kim", "SM,MGT"), ("Sam", "IM"))) == [("sole-approver", "Kim", ("SM", "MGT"))]
    assert rules_of(*shop(("Kim", "SM,MGT"), ("Dana", "CUS"))) == [("sole-approver", "Kim", ("SM", "MGT"))]


def test_control_and_incident_manager_in_one_person():
    assert rules_of(*shop(("Kim", "SM"), ("Sam", "CM,IM"))) == [("control-and-incident", "Sam", ("CM", "IM"))]
    assert rules_of(*shop(("Kim", "SM,CM"), ("Sam", "IM,RM"))) == []


def test_manager_and_practitioner_in_the_same_area():
    assert rules_of(*shop(("Kim", "SM,CM,PT:change"), ("Sam", "MGT,PT"))) == [
        ("manager-and-practitioner", "Kim", ("CM", "PT:change"))]
    assert rules_of(*shop(("Kim", "SM,CM,PT:incident"), ("Sam", "MGT,PT"))) == []  # different areas
    assert rules_of(*shop(("Kim", "SM"), ("Sam", "RM,PT:relationship"))) == [
        ("manager-and-practitioner", "Sam", ("RM", "PT:relationship"))]


def test_practitioner_without_area_covers_every_area():
    assert rules_of(*shop(("Kim", "SM"), ("Sam", "IM,PT"), ("Lee", "MGT"))) == [
        ("manager-and-practitioner", "Sam", ("IM", "PT:incident"))]


def test_service_manager_may_combine_with_cm_im_or_rm():
    for combo in ("SM,CM", "SM,IM", "SM,RM", "SM,RM,MGT"):
        assert rules_of(*shop(("Kim", combo), ("Sam", "MGT,PT:change"))) == [], combo


def test_one_person_shop_holding_every_role_gets_every_applicable_warning():
    people, assignments = shop(("Kim", "SM,CM,IM,RM,PT,MGT"))
    found = rules_of(people, assignments)
    assert found == [
        ("control-and-incident", "Kim", ("CM", "IM")),
        ("manager-and-practitioner", "Kim", ("CM", "PT:change")),
        ("manager-and-practitioner", "Kim", ("IM", "PT:incident")),
        ("manager-and-practitioner", "Kim", ("RM", "PT:relationship")),
        ("sole-approver", "Kim", ("SM", "CM", "IM", "RM", "PT", "MGT")),
    ]


def test_every_warning_can_be_acknowledged_and_says_so(store):
    person, _ = roles.add_person(store, "Kim", roles="SM,CM,IM,RM,PT")
    found = roles.warnings(store)
    assert len(found) == 5 and not any(w.acknowledged for w in found)
    with pytest.raises(InputError, match="Mitigation"):
        roles.acknowledge(store, found[0], "")
    for w in found:
        roles.acknowledge(store, w, "The customer signs off every change test and closure")
    again = roles.warnings(store)
    assert len(again) == 5 and all(w.acknowledged for w in again)
    assert "acknowledged" in again[0].line()
    ack = store.records("acknowledgements")[0]
    assert ack.created_by == "Tester" and ack.created_at is not None
    assert store.history(ack.uuid)[0]["task"] == "GO.1.2"


def test_roles_text_is_checked():
    assert roles.parse_roles("sm, pt:change") == [("SM", None), ("PT", "change")]
    for bad in ("XX", "CM:change", "PT:kitchen"):
        with pytest.raises(InputError):
            roles.parse_roles(bad)


def test_set_roles_ends_dropped_roles_and_keeps_history(store):
    person, _ = roles.add_person(store, "Sam", roles="IM,PT")
    roles.set_roles(store, person.uuid, [("IM", None)])
    active = store.records("role_assignments", {"state": "active"})
    assert [a.role for a in active] == ["IM"]
    ended = store.records("role_assignments", {"state": "ended"})
    assert [a.role for a in ended] == ["PT"]


def test_training_is_met_through_the_generic_editor(store):
    from datetime import date

    from vse_tui.core.governance.documents import edit, editable_fields
    from vse_tui.core.model.records import TrainingRecord

    person, added = roles.add_person(store, "Sam", roles="IM")
    trn = store.add(TrainingRecord(assignment=added[0].uuid, person=person.uuid, requirement="Major incidents"))
    assert ("met_on", "date") in editable_fields("training") and ("state", "choice") in editable_fields("training")
    with pytest.raises(InputError, match="not a date"):
        edit(store, "training", trn.id, {"met_on": "2026-02-30"})
    done = edit(store, "training", trn.id, {"met_on": "2026-11-20", "due_on": "2027-11-20", "state": "met"})
    assert (done.met_on, done.due_on, done.state, done.version) == (date(2026, 11, 20), date(2027, 11, 20), "met", 2)


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "(Gestionnaire des incidents et Praticien des incidents)"),
    ("es", "(Gerente de incidentes y Profesional de incidentes)"),
    ("pt_BR", "(Gerente de incidentes e Profissional de incidentes)")])
def test_a_warning_names_its_roles_in_words(lang, said):
    """The headline the CLI, the setup's roles step and the People screen show names the roles,
    listed as a sentence lists them, never by the standard's codes ("(IM et PT)")."""
    import re

    from vse_tui.i18n import using

    people, assignments = shop(("Sam", "SM,CM,IM,PT:incident"))
    with using(lang):
        lines = [w.headline() for w in roles.check_combinations(people, assignments, ())]
    assert lines and all(line.startswith("Sam") for line in lines), lines
    for line in lines:
        assert not re.search(r"\b(SM|CM|IM|RM|PT|MGT)\b", line), line
    assert any(line.endswith(said) for line in lines), lines


def test_a_shop_wide_warning_does_not_name_its_role_twice():
    """"A Service Manager is required" already names its role: no "(Service Manager)" after it."""
    people, assignments = shop(("Sam", "CM"))
    head = next(w for w in roles.check_combinations(people, assignments, ()) if w.rule == "service-manager").headline()
    assert head == "A Service Manager is required"
