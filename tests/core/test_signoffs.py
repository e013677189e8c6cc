"""The first questions about an approval: the version it names is the record's version after it
(recording an approval changes no content), and who recorded it, from where, holding what role."""

from vse_tui.core.evidence.signoffs import signoffs
from vse_tui.core.governance import approvals, documents
from vse_tui.core.governance import process as gov
from vse_tui.store import Actor, open_store


def _policy(store):
    fields = gov.policy_defaults()
    fields["objectives"] = "Answer every call within the hour and keep the two customers' offices running."
    return gov.save_policy_draft(store, fields)


def test_recording_an_approval_does_not_leave_the_record_a_version_ahead(store):
    _policy(store)
    pol = gov.approve_policy(store, gov.approval(store, None))
    assert approvals.state(pol).text.startswith(f"approved in v{pol.version} by ")
    pol = documents.edit(store, "policies", pol.id, {"plans": "A restore test every month, reported to customers."})
    assert approvals.state(pol).needs_approval
    pol = documents.approve(store, "policies", pol.id)
    assert pol.approvals[-1].version == pol.version and approvals.state(pol).current
    assert approvals.check_signatures(store) == []


def test_each_approval_says_who_recorded_it_from_which_login_and_host_and_the_role_held(tmp_path):
    from vse_tui.core.governance.roles import add_person

    store = open_store(tmp_path / "t.db", Actor(operator="kim", os_user="kim", host="laptop"))
    try:
        kim, _ = add_person(store, "Kim Lee", roles="SM,MGT", os_user="kim")
        store.actor = store.actor.as_person(kim.uuid, kim.name)
        _policy(store)
        pol = gov.approve_policy(store, gov.approval(store, None))
        [s] = signoffs(store, pol)
        assert (s.roles, s.meaning, s.recorded_by) == (("MGT", "SM"), "approved", "kim@laptop (Kim Lee)")
    finally:
        store.close()
