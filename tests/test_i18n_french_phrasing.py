"""French as a French reader writes it: a few phrasings an assessor corrected, each read through the
catalogue as the app says it (the words, the agreements, « » around a quoted text)."""

import pytest

from vse_tui import i18n
from vse_tui.i18n import formats

SAID = {
    "billable / not": "facturable / non facturable",
    "written": "renseigné",
    "To be audit-ready": "Préparation à l'audit",
    "not recorded": "rien de consigné",
    "responded": "première réponse",
    "# Service performance report {period}": "# Rapport de performance du service du {period}",
    "Required content that says nothing: empty, placeholder, pasted or the app's starting text":
        "Contenu exigé vide ou non significatif : texte de remplissage, collé ou texte de départ de l'application",
}


@pytest.mark.parametrize("english", sorted(SAID))
def test_french_says_it_as_corrected(english):
    with i18n.using("fr"):
        assert i18n._(english) == SAID[english]


def test_a_quarters_report_title_and_a_quoted_text_in_french():
    with i18n.using("fr"):
        title = i18n._("# Service performance report {period}").format(period=formats.period_name("2026-Q4"))
        with pytest.raises(formats.ParseError) as refused:
            formats.parse_date("demain")
    assert title == "# Rapport de performance du service du 4e trimestre 2026"
    assert str(refused.value).startswith("« demain » n'est pas une date")
