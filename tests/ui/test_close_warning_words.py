"""The warning before closing an incident whose evidence lacks something says what lacks in words,
the step's code after them in brackets and said once: never a code glued to a colon inside the
sentence ("il manque à sa preuve IN.2.4 : ..." read as a code, not French)."""

import re
from types import SimpleNamespace

import pytest

from vse_tui.core.incidents.process import log_incident, restore
from vse_tui.i18n import using
from vse_tui.screens.incidents.detail import IncidentDetailScreen

CODE_THEN_COLON = re.compile(r"\b[A-Z]{2}\.\d\.\d\s*:")
TWICE = re.compile(r"\(IN\.2\.4\)\s*\(IN\.2\.4\)")


@pytest.mark.parametrize("lang", ["fr", "es", "pt_BR", "en"])
def test_the_close_warning_names_what_lacks_in_words(store, lang):
    """Restored, but the affected party never told it was: the evidence of IN.2.4 lacks that."""
    inc = log_incident(store, "L'imprimante ne répond plus", reporter="Paul Martin")
    restore(store, inc.id, solution="Papier retiré")
    with using(lang):
        warning = IncidentDetailScreen._steps_not_taken(SimpleNamespace(store=store), store.get("incidents", inc.id))
    assert "(IN.2.4)" in warning, warning
    assert not CODE_THEN_COLON.search(warning) and not TWICE.search(warning), warning
