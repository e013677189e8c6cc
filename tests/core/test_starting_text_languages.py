"""The wizard's starting texts in the shop's language, and the substance rule that knows them in
every language: a shop that leaves the starting text as offered (in Spanish, or written in English
before the shop switched to French) has not written its own, and the evidence says so."""

import pytest

from vse_tui.core.evidence import audit_check
from vse_tui.core.evidence.substance import starting_texts
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.governance import process as gov
from vse_tui.core.governance import setup
from vse_tui.core.governance.roles import answer_sole_approver
from vse_tui.core.governance.starting_text import starting_values
from vse_tui.i18n import using

OFFERED = {  # one starting text of each kind, as a shop reads it in its language
    "es": ("que los clientes nos califiquen", "en la empresa", "base de datos de vse-tui", "almacén seguro"),
    "pt_BR": ("clientes nos avaliam", "pessoa da empresa", "banco de dados do vse-tui", "repositório seguro"),
    "fr": ("des clients qui nous notent", "dans l'entreprise", "base de données de vse-tui", "dépôt sécurisé"),
}


@pytest.mark.parametrize("lang", sorted(OFFERED))
def test_the_wizard_offers_its_starting_texts_in_the_shops_language(store, lang):
    with using(lang):
        policy = {f.name: f.value for f in setup.fields(store, "policy", {})}
        experience = {f.name: f.value for f in setup.fields(store, "experience", {})}
        documents = {f.name: f.value for f in setup.fields(store, "documents", {})}
        procedure = starting_values("secure_procedures")
        defaults = gov.policy_defaults()
    objectives, receiving, location, store_rule = OFFERED[lang]
    assert objectives in policy["objectives"]
    assert receiving in experience["receiving"]
    assert location in documents["location"]
    assert store_rule in procedure["storage_rule"]
    # every starting text of the policy, the change definitions and the security measures included
    english = gov.policy_defaults()
    for name in ("objectives", "plans", "catalogue_creation", "change_request_method", "communication_practices"):
        assert defaults[name] and defaults[name] != english[name], name
    for group in ("change_definitions", "security_measures"):
        assert defaults[group].keys() == english[group].keys()  # the keys stay as stored
        assert all(defaults[group][k] != english[group][k] for k in english[group]), group
    for name, text in experience.items():
        assert text != gov.DEFAULT_CX[name], name


def _objectives_finding(store, pol_id):
    m = {t.task: t for t in evidence_map(store)}
    found = [f for f in audit_check.audit_check(store) if f.rule == "content" and pol_id in f.records]
    return m["GO.2.2"].state, found


def test_spanish_starting_text_left_unchanged_is_not_the_shops_own(store):
    starting_texts.cache_clear()  # whichever language asks first, every language's texts are known
    with using("es"):
        gov.save_policy_draft(store, gov.policy_defaults())  # the wizard's objectives, as offered in Spanish
        pol = gov.approve_policy(store, gov.approval(store, None))
    state, found = _objectives_finding(store, pol.id)  # the database read in English
    assert state != "done"
    assert found and "objectives: the app's starting text, unchanged" in found[0].what
    with using("es"):
        state, found = _objectives_finding(store, pol.id)
        assert state != "done"
        assert found and "texto inicial" in found[0].what  # said in the shop's language too


def test_english_starting_text_still_found_after_the_shop_switches_to_french(store):
    starting_texts.cache_clear()
    gov.save_policy_draft(store, gov.policy_defaults())  # written while the shop spoke English
    pol = gov.approve_policy(store, gov.approval(store, None))
    with using("fr"):
        state, found = _objectives_finding(store, pol.id)
    assert state != "done"
    assert found


def test_the_documents_step_left_in_portuguese_is_found(store):
    with using("pt_BR"):  # the data and document management procedure's location, as offered
        values = {f.name: f.value for f in setup.fields(store, "documents", {})}
        docs = setup.save(store, "documents", values, gov.approval(store, None))
    found = [f for f in audit_check.audit_check(store) if f.rule == "content" and docs.id in f.records]
    assert found and "location: the app's starting text, unchanged" in found[0].what


def test_text_of_the_shops_own_in_spanish_is_done(store):
    with using("es"):
        answer_sole_approver(store, "self")  # a shop of one: its own approvals count, covered by a second look
        fields = gov.policy_defaults()
        fields["objectives"] = "Atender cada llamada en menos de una hora y mantener las dos oficinas funcionando."
        gov.save_policy_draft(store, fields)
        gov.approve_policy(store, gov.approval(store, None))
        assert {t.task: t.state for t in evidence_map(store)}["GO.2.2"] == "done"


def test_the_titles_and_rules_the_app_writes_are_in_the_shops_language(store):
    from vse_tui.core.control.changes import schedule_document

    with using("pt_BR"):
        pol = gov.save_policy_draft(store, gov.policy_defaults())
        schedule = schedule_document(store)
    assert pol.title == "Política de prestação de serviços e de segurança da informação"
    assert schedule is not None and schedule.title == "Cronograma de mudanças"
    assert schedule.rules.startswith("Mudanças normais")


def test_what_the_app_writes_into_a_shop_made_in_french_is_french_and_stays_as_stored(store):
    """The junk shop made in French: the notes of its approvals' attachments, its catalogue's name and
    the catalogue change it raises are French; read in Spanish later, they are what was stored."""
    from tests.junk_shop import build_junk
    from vse_tui.core.governance.documents import create, edit
    from vse_tui.core.present.display import item_text

    with using("fr"):
        build_junk(store)
        service = create(store, "services", {"name": "Sauvegardes"})
    notes = sorted(a.note for a in store.records("attachments"))
    assert notes and all("accepté par" in n and "de la version" in n and "courriel" in n for n in notes), notes
    assert service.catalogue == "Catalogue principal"
    with using("fr"):
        gov_change = [r for r in store.records("change_requests") if r.title.startswith("Changement du catalogue")]
    assert gov_change and "indicateurs de qualité" in gov_change[0].purpose, [c.purpose for c in gov_change]
    with using("es"):
        edit(store, "services", service.id, {"description": "nuevo"})
        again = store.get("services", service.id)
        assert again is not None and again.catalogue == "Catalogue principal"  # data, never re-translated
        assert item_text(again, "catalogue", {}) == "Catalogue principal"


def test_an_improvement_reports_figures_are_stored_by_key_and_shown_in_words(store):
    from vse_tui.core.model.records import model_for
    from vse_tui.core.present.display import item_text
    from vse_tui.core.present.labels import figure_name

    figures = {"incidents": 3, "changes_deployed": 1, "complaints": 0, "priority P1": 2, "feedback complaint": 1}
    report = model_for("improvement_reports").model_validate({"title": "x", "figures": figures})
    with using("es"):
        shown = item_text(report, "figures", {})
        assert figure_name("feedback complaint") == "retroalimentación (queja)"
    for words in ("incidentes: 3", "cambios desplegados: 1", "quejas: 0", "prioridad P1: 2", "retroalimentación (queja): 1"):
        assert words in shown, shown
    assert report.figures == figures  # the keys stay as stored: a later check reads them back
    assert "changes deployed: 1" in item_text(report, "figures", {})


@pytest.mark.parametrize(("lang", "start", "never"), [
    ("en", "The text offered is a start", "defaults suit"),
    ("es", "El texto propuesto es un punto de partida", "sirven a una empresa"),
    ("pt_BR", "O texto proposto é um ponto de partida", "servem para uma empresa"),
    ("fr", "Le texte proposé est un point de départ", "conviennent à une petite"),
])
def test_the_policy_step_calls_its_starting_text_a_start_not_a_fit(lang, start, never):
    """The step's guidance agrees with the evidence rule (the app's starting text is not evidence):
    it asks for the shop's own words, never says the defaults will do."""
    from vse_tui.i18n import _

    policy = next(s for s in gov.STEPS if s.key == "policy")
    with using(lang):
        said = _(policy.why)
    assert start in said and never not in said, said
