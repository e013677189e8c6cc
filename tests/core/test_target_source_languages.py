"""Where a target comes from (an agreement, a service, the policy, the default) is kept as a code
and said in the language of whoever reads it: a target worked out while one language was spoken
reads in another's words when shown there."""

import pytest

from vse_tui.core.incidents import policy, targets
from vse_tui.core.incidents import process as core
from vse_tui.core.incidents.view import incident_view
from vse_tui.core.model.records import Customer, CustomerAgreement, Service, ServiceTarget
from vse_tui.i18n import using

SAID = {"es": ("acuerdo {id}", "servicio {id}", "por omisión"), "pt_BR": ("acordo {id}", "serviço {id}", "padrão"),
        "fr": ("accord {id}", "service {id}", "par défaut")}


@pytest.mark.parametrize("lang", sorted(SAID))
def test_a_targets_source_is_said_where_it_is_shown(store, lang):
    acme = store.add(Customer(name="Acme"))
    mail = store.add(Service(name="E-mail", status="approved",
                             targets=[ServiceTarget(priority="P3", respond_minutes=60, resolve_minutes=600)]))
    agr = store.add(CustomerAgreement(title="SLA", customer=acme.uuid, status="approved", services=[mail.uuid],
                                      targets=[ServiceTarget(priority="P2", respond_minutes=30, resolve_minutes=240)]))
    with using("es" if lang != "es" else "fr"):  # worked out in another language than it is read in
        by_agreement = targets.due_for(store, acme.uuid, mail.uuid, "P2").target
        by_service = targets.due_for(store, None, mail.uuid, "P3").target
        by_default = targets.due_for(store, None, None, "P1").target
    assert (by_agreement.source, by_service.source, by_default.source) == (
        f"agreement {agr.id}", f"service {mail.id}", "default")  # codes, the same in every language
    agreement, service, default = SAID[lang]
    with using(lang):
        assert policy.source_words(by_agreement.source) == agreement.format(id=agr.id)
        assert policy.source_words(by_service.source) == service.format(id=mail.id)
        assert policy.source_words(by_default.source) == default


def test_incident_show_says_the_source_in_the_language(store):
    inc = core.log_incident(store, "Printer queue stuck")
    with using("fr"):
        text = incident_view(store, inc.id).as_text()
    assert "(par défaut)" in text and "(default)" not in text
