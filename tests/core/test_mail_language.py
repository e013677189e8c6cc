"""Mail to a customer in the customer's language: a contact's (or their organisation's) language,
else the shop's; delivered through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import SMTP as SMTP_POLICY

import pytest

from tests.core.test_mail import message, settings, smtp_server  # noqa: F401  (fixtures)
from vse_tui import i18n
from vse_tui.core.governance.people import language_of
from vse_tui.core.governance.process import approval, approve_policy, policy_defaults, save_policy_draft
from vse_tui.core.governance.roles import add_person
from vse_tui.core.intake.mail_intake import mail_about, mail_draft, notify_by_mail
from vse_tui.core.model.records import Customer
from vse_tui.mailer import intake, send_outbox


@pytest.fixture
def shop_speaks() -> Iterator[object]:
    before = i18n.language()
    yield i18n.set_language
    i18n.set_language(before)


def _received(handler) -> dict[str, tuple[str, str]]:
    """address -> (subject, text) of every message the server received."""
    out = {}
    for _from, rcpts, raw in handler.received:
        msg = BytesParser(policy=SMTP_POLICY).parsebytes(raw)
        out[rcpts[0]] = (str(msg["Subject"]), msg.get_content().replace("\r\n", "\n"))
    return out


def _incident_from(store, settings, sender: str, subject: str):  # noqa: F811
    box = mailbox.Maildir(settings.maildir, create=True)
    box.add(message(subject=subject, body="It stopped at nine.", sender=sender))
    assert intake(store, settings.maildir, settings).count("new") == 1
    return next(i for i in store.records("incidents") if i.summary == subject)


def test_a_spanish_contact_gets_a_spanish_notification_and_a_contact_without_one_the_shops(
        store, settings, smtp_server, shop_speaks):  # noqa: F811
    handler, port = smtp_server()
    settings.smtp_port = port
    acme = store.add(Customer(name="Acme Bakery", email="office@acme.example"))
    lucia, _ = add_person(store, "Lucía Gómez", email="lucia@acme.example", affiliation="customer",
                          organisation=acme.uuid, language="es-MX")  # typed as people write it, kept as its code
    assert store.get("people", lucia.id).language == "es"
    add_person(store, "Dana Wells", email="dana@acme.example", affiliation="customer", organisation=acme.uuid)
    hers = _incident_from(store, settings, "Lucía Gómez <lucia@acme.example>", "Impresora atascada")
    his = _incident_from(store, settings, "Dana Wells <dana@acme.example>", "Scanner offline")

    notify_by_mail(store, hers.id, task="IN.2.3", sender=settings.sender)
    notify_by_mail(store, his.id, task="IN.2.3", sender=settings.sender)
    assert send_outbox(store, settings) == (2, [])
    got = _received(handler)
    subject, text = got["lucia@acme.example"]
    assert subject.startswith(f"[{hers.id}] Impresora atascada")
    assert text.startswith("Hola, Lucía Gómez:") and f"Estamos trabajando en {hers.id}: Impresora atascada." in text
    assert "Lo que sabemos hasta ahora:" in text and "We are working" not in text
    # what was told is kept on the incident as it was sent
    assert store.get("incidents", hers.id).notifications[-1].message.startswith("Hola, Lucía Gómez:")
    # Dana has no language: the shop's (English here)
    assert got["dana@acme.example"][1].startswith("Hello Dana Wells,\n\nWe are working on ")

    # a shop that speaks French: Dana now reads French, Lucía still Spanish
    shop_speaks("fr")
    handler.received.clear()
    notify_by_mail(store, his.id, task="IN.2.3", sender=settings.sender)
    notify_by_mail(store, hers.id, task="IN.2.3", sender=settings.sender)
    assert send_outbox(store, settings) == (2, [])
    got = _received(handler)
    assert got["dana@acme.example"][1].startswith(f"Bonjour Dana Wells,\n\nNous travaillons sur {his.id} : ")
    assert got["lucia@acme.example"][1].startswith("Hola, Lucía Gómez:")
    assert i18n.language() == "fr"  # writing to Lucía did not change the shop's language


def test_an_organisations_language_serves_its_contacts_and_the_shops_own_words_stay(store, settings, smtp_server):  # noqa: F811
    handler, port = smtp_server()
    settings.smtp_port = port
    sol = store.add(Customer(name="Padaria Sol", email="contato@sol.example", language="pt"))
    add_person(store, "Rui Costa", email="rui@sol.example", affiliation="customer", organisation=sol.uuid)
    assert language_of(store, "RUI@sol.example") == "pt_BR" and language_of(store, "x@nowhere.example") is None
    inc = _incident_from(store, settings, "Rui Costa <rui@sol.example>", "Sem internet")
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    # the shop writes its own standard message: its words go to everyone as they are
    fields = policy_defaults()
    fields["templates"]["incident_investigating"] = "Dear {reporter}, {id} is in hand. {operator}"
    save_policy_draft(store, fields)
    approve_policy(store, approval(store, None))
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    assert send_outbox(store, settings) == (2, [])
    texts = [BytesParser(policy=SMTP_POLICY).parsebytes(raw).get_content().replace("\r\n", "\n")
             for _f, _r, raw in handler.received]
    assert texts[0].startswith(f"Olá, Rui Costa,\n\nEstamos trabalhando em {inc.id}: Sem internet.")
    assert texts[1].startswith(f"Dear Rui Costa, {inc.id} is in hand.")


def test_a_feedback_answer_and_a_change_notice_in_the_contacts_language(store, settings, smtp_server):  # noqa: F811
    from vse_tui.core.control import changes
    from vse_tui.core.relationship.process import feedback_step, log_feedback

    handler, port = smtp_server()
    settings.smtp_port = port
    lune = store.add(Customer(name="Boulangerie Lune", email="bureau@lune.example", language="fr"))
    add_person(store, "Élise Roy", email="elise@lune.example", affiliation="customer", organisation=lune.uuid)
    entry = log_feedback(store, "Le portail est lent", feedback_type="complaint", company=lune.uuid)
    feedback_step(store, entry.id, "acknowledged")
    feedback_step(store, entry.id, "investigated", outcome="Un rapport tournait chaque minute.")
    change = changes.request(store, "Nouveau serveur de courriel", customer=lune.uuid,
                             business_impact="Courriel en lecture seule dix minutes")
    assert mail_draft(store, "feedback", entry.id)["language"] == "fr"
    mail_about(store, "feedback", entry.id, sender=settings.sender)
    mail_about(store, "change_requests", change.id, sender=settings.sender)
    assert send_outbox(store, settings) == (2, [])
    (s1, answer), (s2, notice) = [
        (str(m["Subject"]), m.get_content().replace("\r\n", "\n")) for m in
        (BytesParser(policy=SMTP_POLICY).parsebytes(raw) for _f, _r, raw in handler.received)]
    assert s1 == f"[{entry.id}] Votre plainte : Le portail est lent"
    assert answer.startswith("Bonjour Élise Roy,") and "Merci pour votre plainte du " in answer
    assert "Ce que nous avons trouvé et fait :" in answer
    assert s2 == f"[{change.id}] Changement prévu : Nouveau serveur de courriel"
    assert "Nous prévoyons un changement qui vous concerne" in notice and "pas encore planifié" in notice
    assert i18n.language() == "en"


def test_a_language_we_do_not_write_is_refused_with_its_name(store) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="'de' is not one we write in"):
        Customer(name="Bäckerei", language="de")
    assert tuple(Customer.model_fields["language"].annotation.__args__[0].__args__) == i18n.LANGUAGES


def test_the_command_line_sets_a_contacts_and_a_customers_language(tmp_path) -> None:
    from tests.core.test_mail import _cli
    from vse_tui.store import open_store

    db = str(tmp_path / "shop.db")
    code, _out, err = _cli("--db", db, "record", "add", "customers", "--set", "name=Acme Bakery", "--set",
                           "language=es-MX")  # as people write it
    assert code == 0, err
    code, out, err = _cli("--db", db, "people", "add", "Lucía Gómez", "--affiliation", "customer",
                          "--organisation", "Acme Bakery", "--email", "lucia@acme.example", "--language", "es-MX")
    assert code == 0, err
    code, _out, err = _cli("--db", db, "people", "add", "Hans", "--language", "de")
    assert code != 0 and "'de' is not one we write in" in err
    code, _out, err = _cli("--db", db, "record", "edit", "CUS-0001", "--set", "language=fr")
    assert code == 0, err
    with open_store(db) as store:
        assert store.get("people", out.split()[0]).language == "es"
        assert store.get("customers", "CUS-0001").language == "fr"
        assert language_of(store, "LUCIA@acme.example") == "es"
    code, _out, err = _cli("--db", db, "record", "edit", "CUS-0001", "--set", "language=Deutsch")
    assert code != 0 and "'Deutsch' is not one of en, es, pt_BR, fr" in err


def test_a_spreadsheet_of_contacts_brings_their_languages(store, tmp_path) -> None:
    from vse_tui.core.intake.parties import apply_parties, plan_parties

    customers = tmp_path / "customers.csv"
    customers.write_text("Company,Email,Idioma\nPanadería Luna,hola@luna.example,es-AR\n"
                         "Bäckerei Stern,info@stern.example,Deutsch\n", encoding="utf-8")
    plan = plan_parties(store, "customers", customers)
    assert [c.language for c in plan.records] == ["es"]
    assert "'Deutsch' is not one we write in" in plan.rejected[0].reason
    apply_parties(store, plan)
    people = tmp_path / "people.csv"
    people.write_text("Name,E-mail,Company,Language\nSofía Paz,sofia@luna.example,Panadería Luna,\n"
                      "Marc Roy,marc@luna.example,Panadería Luna,fr_CA\n", encoding="utf-8")
    apply_parties(store, plan_parties(store, "people", people))
    assert language_of(store, "sofia@luna.example") == "es"  # her company's
    assert language_of(store, "marc@luna.example") == "fr"  # his own
