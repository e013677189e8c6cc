"""Editing a record without changing it writes nothing; a field emptied on purpose reads back."""

from vse_tui.core.governance.documents import edit
from vse_tui.core.governance.process import save_roles
from vse_tui.core.governance.roles import add_person
from vse_tui.screens.common.forms import spec_fields


def _two_people(store):
    me, _ = add_person(store, "Kim Lee", roles="SM,CM,RM,MGT", os_user="kim")
    store.actor = store.actor.as_person(me.uuid, me.name)
    save_roles(store, [(me.uuid, "Kim Lee", "", "SM"), (None, "Sam Ortiz", "", "IM,PT:incident")], None)
    return store.records("people", {"title": "Sam Ortiz"})[0]


def test_saving_a_person_s_form_unchanged_writes_no_version(store):
    sam = _two_people(store)
    before = store.history(sam.uuid)
    typed = {f.name: f.value for f in spec_fields(store, "people", sam)}  # the form as it opens
    assert typed["os_user"] == "" and sam.os_user is None  # blank on screen, never set in the record
    same = edit(store, "people", sam.id, typed)
    assert same.version == 1
    assert store.history(sam.uuid) == before  # no "login: (empty)", no "ssh key: (empty)"


def test_a_field_emptied_reads_back_and_verifies(store):
    from vse_tui.store.chain import verify

    sam = _two_people(store)
    store.update("people", sam.uuid, {"os_user": "sam"}, task="GO.1.2")
    store.update("people", sam.uuid, {"os_user": ""}, task="GO.1.2")
    assert store.get("people", sam.id).os_user == ""  # an empty text is not read as JSON
    assert verify(store) == []
