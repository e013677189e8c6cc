"""A text is translated once: a label the core already gave in the reader's language is not passed
through `_()` again where it is shown (a Spanish label that happens to be an English message would
turn into that message's translation). In the pseudo-language a text translated twice is wrapped
twice, «« like this »»."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, ValidationError

from vse_tui import i18n
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.present.invalid import describe_validation_error

TWICE = "««"


@pytest.fixture
def pseudo():
    with i18n.using(i18n.PSEUDO):
        yield


@pytest.mark.parametrize("step", ["goals", "scope", "policy", "experience", "documents"])
def test_the_wizard_shows_the_cores_labels_choices_and_hints_as_given(store, pseudo, step):
    from vse_tui.screens.governance.wizard import WizardScreen

    screen = SimpleNamespace(store=store, _approval_fields=lambda draft: [])
    fields = WizardScreen._fields(screen, step, None)  # type: ignore[arg-type]
    shown = [f.label for f in fields] + [f.placeholder for f in fields] + [
        label for f in fields for label, _value in (f.options or [])]
    assert fields and all(TWICE not in text for text in shown), [t for t in shown if TWICE in t]
    assert all(text.startswith("«") for text in (f.label for f in fields))  # and once, all the same


def test_a_record_forms_labels_and_hints_are_translated_once(store, pseudo):
    from vse_tui.screens.common.forms import spec_fields

    fields = spec_fields(store, "change_requests")
    assert fields and all(f.label.startswith("«") and TWICE not in f.label for f in fields)
    hints = [f.placeholder for f in fields if getattr(f, "placeholder", "")]
    assert all(TWICE not in h for h in hints), hints


def test_a_person_fields_error_names_its_label_once(store, pseudo):
    from vse_tui.core.governance.people import me, person_ref

    label = i18n._("Approved by")
    twice = i18n._(label)
    for who in ("", "Nobody Here"):
        with pytest.raises(InputError) as said:
            person_ref(store, who, label)
        assert label in str(said.value) and twice not in str(said.value)
    store.actor = dataclasses.replace(store.actor, person=None)  # a login mapped to nobody
    label = i18n._("Built by")
    with pytest.raises(InputError) as said:
        me(store, label)
    assert label in str(said.value) and i18n._(label) not in str(said.value)


def test_a_validation_error_names_the_record_once(pseudo):
    class Thing(BaseModel):
        size: int

    with pytest.raises(ValidationError) as bad:
        Thing(size="big")  # type: ignore[arg-type]
    what = i18n._("incident")
    said = describe_validation_error(bad.value, what)
    assert what in said and i18n._(what) not in said
    record = i18n._("record")
    said = describe_validation_error(bad.value)
    assert record in said and i18n._(record) not in said
