"""The warning before closing an incident whose evidence lacks something says what lacks in words,
the step's code after them in brackets: never a code glued to a colon inside the sentence
("il manque à sa preuve IN.2.2 : classé..." read as a code, not French)."""

import re
from types import SimpleNamespace

import pytest

from vse_tui.core.incidents.process import classify, log_incident, notify
from vse_tui.i18n import using
from vse_tui.screens.incidents.detail import IncidentDetailScreen

CODE_THEN_COLON = re.compile(r"\b[A-Z]{2}\.\d\.\d\s*:")


@pytest.mark.parametrize(("lang", "words"), [("fr", "classé comme matériel"), ("es", "clasificado como matériel"),
                                             ("pt_BR", "classificado como matériel"), ("en", "classified as matériel")])
def test_the_close_warning_names_what_lacks_in_words(store, lang, words):
    inc = log_incident(store, "L'imprimante ne répond plus", reporter="Paul Martin")
    classify(store, inc.id, category="matériel")  # a category, but no configuration item named
    notify(store, inc.id, task="IN.2.3", to="Paul Martin", how="phone")
    with using(lang):
        warning = IncidentDetailScreen._steps_not_taken(SimpleNamespace(store=store), store.get("incidents", inc.id))
    assert words in warning and "IN.2.2, WP.02)" in warning, warning
    assert not CODE_THEN_COLON.search(warning), warning


def test_a_step_code_the_evidence_already_says_is_said_once(store):
    """Restored but the affected party never told: the evidence's words end with the step's code
    already, the warning does not repeat it."""
    from vse_tui.core.incidents.process import restore

    inc = log_incident(store, "La imprimante ne répond plus", reporter="Paul Martin")
    restore(store, inc.id, solution="Papier retiré")
    with using("pt_BR"):
        warning = IncidentDetailScreen._steps_not_taken(SimpleNamespace(store=store), store.get("incidents", inc.id))
    assert "IN.2.4" in warning and not re.search(r"\(IN\.2\.4\)\s*\(IN\.2\.4\)", warning), warning
