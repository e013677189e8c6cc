"""A role is named in words where a table or a form lists roles for people to read, not by the
standard's code (MGT, PT, SM): the list of role assignments, the setup's training step."""

import re

import pytest

from vse_tui.core.governance import setup
from vse_tui.core.model.queries import list_rows
from vse_tui.i18n import using
from vse_tui.screens.common.process import COLUMNS, _cells

CODE = re.compile(r"\b(SM|CM|IM|RM|PT|MGT)\b")
NAMES = {"fr": ("Gestionnaire des services", "Praticien", "Incidents"),
         "es": ("Gerente de servicios", "Profesional", "Incidentes"),
         "pt_BR": ("Gerente de serviços", "Profissional", "Incidentes")}


@pytest.mark.parametrize("lang", sorted(NAMES))
def test_roles_are_named_in_words_in_lists_and_forms(store, lang):
    columns = COLUMNS["role_assignments"]
    rows = list_rows(store, "role_assignments", [field for _l, field, _w, _f in columns])
    with using(lang):
        shown = [" | ".join(cell.plain for cell in _cells(columns, row)) for row in rows]
        labels = [f.label for f in setup.fields(store, "resources", None) if f.name.startswith("need_")]
    for text in shown + labels:
        assert not CODE.search(text), text
    service, practitioner, area = NAMES[lang]
    assert any(service in line and "Tester" in line for line in shown), shown
    assert any(practitioner in line and area.lower() in line.lower() for line in shown), shown
    assert not any(" active" in line for line in shown if lang != "fr"), shown  # the state in words too
    assert any(service in label and "Tester" in label for label in labels), labels


@pytest.mark.parametrize("lang", sorted(NAMES))
def test_an_acknowledgement_is_listed_by_its_rule_s_name(demo_store, lang):
    """An acknowledgement stores its rule's code as its title ("manager-and-practitioner"): the list
    of acknowledged warnings says the rule's name."""
    from vse_tui.core.present.labels import code_word

    columns = COLUMNS["acknowledgements"]
    rows = list_rows(demo_store, "acknowledgements", [field for _l, field, _w, _f in columns])
    with using(lang):
        shown = [" | ".join(cell.plain for cell in _cells(columns, row)) for row in rows]
        rule = code_word("rule", "manager-and-practitioner")
    assert rows and not any("-and-" in line for line in shown), shown
    assert any(rule in line for line in shown), shown
