"""Mail from the TUI: M on the incident list reads the Maildir; m on an incident sends the
notification by mail (to the outbox)."""

import mailbox
from email.message import EmailMessage

from vse_tui.config import Config
from vse_tui.screens.forms import FormScreen
from vse_tui.screens.incident_detail import IncidentDetailScreen

from .conftest import SIZE


async def mail_with_m(pilot) -> None:
    """`m` opens the mail form over the record; ^s queues the message and closes it."""
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FormScreen)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert not isinstance(pilot.app.screen, FormScreen)


async def test_mail_in_with_M_and_a_notification_by_mail_with_m(make_app, tmp_path):
    maildir = tmp_path / "Maildir"
    box = mailbox.Maildir(str(maildir), create=True)
    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = "Dana <dana@acme.example>", "Scanner offline", "<s1@acme>"
    msg.set_content("The scanner in the shop is offline.")
    box.add(bytes(msg))
    app = make_app(tmp_path / "x.db")
    app.config = Config(mail={"from": "desk@shop.example", "maildir": str(maildir)})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "M")
        for _ in range(40):
            await pilot.pause(0.05)
            if app.store.count("incidents"):
                break
        await pilot.pause(0.2)
        inc = app.store.records("incidents")[0]
        assert (inc.summary, inc.reporter_contact) == ("Scanner offline", "dana@acme.example")
        assert any("1 new incidents" in str(n.message) for n in app._notifications)
        app.open_record(inc.id)
        await pilot.pause()
        assert isinstance(app.screen, IncidentDetailScreen)
        await mail_with_m(pilot)
        outbox = app.store.outbox()
        assert len(outbox) == 1 and outbox[0][1]["to"] == "dana@acme.example"
        note = app.store.get("incidents", inc.id).notifications[-1]
        assert note.delivery == "queued" and note.message_id


async def test_m_on_a_feedback_entry_mails_the_answer_to_its_company_contact(make_app, tmp_path):
    from vse_tui.core.governance.roles import add_person
    from vse_tui.core.model.records import Customer
    from vse_tui.core.relationship.process import feedback_step, log_feedback

    app = make_app(tmp_path / "x.db")
    app.config = Config(mail={"from": "desk@shop.example"})
    store = app.store
    acme = store.add(Customer(name="Acme Bakery"))
    add_person(store, "Dana Wells", email="dana@acme.example", affiliation="customer", organisation=acme.uuid)
    entry = log_feedback(store, "Invoices arrive twice", feedback_type="complaint", company=acme.uuid)
    feedback_step(store, entry.id, "acknowledged")
    feedback_step(store, entry.id, "investigated", outcome="The mail rule sent each invoice twice; fixed.")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(entry.id)
        await pilot.pause()
        await mail_with_m(pilot)
    queued = store.outbox()
    assert len(queued) == 1 and queued[0][1]["to"] == "dana@acme.example" and queued[0][1]["id"] == entry.id
    raw = queued[0][0].read_text()
    assert "Hello Dana Wells" in raw and "sent each invoice twice" in raw
    assert [h for h in store.history(entry.uuid) if h["action"] == "mail"]
