"""Mail from the TUI: M on the incident list reads the Maildir; m on an incident sends the
notification by mail (to the outbox)."""

import mailbox
from email.message import EmailMessage

from vse_tui.config import Config
from vse_tui.screens.common.forms import FormScreen
from vse_tui.screens.incidents.detail import IncidentDetailScreen

from .conftest import SIZE, open_form, told, until


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
        said = told(app)  # kept: a notice on screen expires after a few seconds
        await pilot.press("i", "M")
        await until(pilot, lambda: any("1 new incident," in text or text.endswith("1 new incident") for text in said))  # the read is done
        inc = app.store.records("incidents")[0]
        assert (inc.summary, inc.reporter_contact) == ("Scanner offline", "dana@acme.example")
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


async def test_the_incident_and_change_screens_show_each_message_with_its_state_and_text(make_app, tmp_path):
    """A notice's life on the incident screen (queued, sent, bounced) and a reply on a change."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    from vse_tui.core.control import changes
    from vse_tui.core.incidents import process as core
    from vse_tui.core.intake import mail
    from vse_tui.core.intake.mail_intake import mail_about, notify_by_mail, receive
    from vse_tui.mailer import send_outbox

    from .conftest import widget_text

    app = make_app(tmp_path / "x.db")
    app.config = Config(mail={"from": "desk@shop.example"})
    store = app.store
    inc = core.log_incident(store, "Scanner offline", reporter="Dana", reporter_contact="dana@acme.example")
    updated, _ = notify_by_mail(store, inc.id, task="IN.2.3", sender="desk@shop.example")
    change = changes.request(store, "Move mail to the new server")
    mail_about(store, "change_requests", change.id, sender="desk@shop.example", to="it@acme.example")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await pilot.pause()
        assert "IN.2.3 to Dana <dana@acme.example>: queued" in widget_text(app, "#fields")
        assert "● Notified IN.2.3" not in widget_text(app, "#steps")  # queued is not told
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = Controller(Sink(), hostname="127.0.0.1", port=port)
        server.start()
        try:
            settings = app.config.mail_settings
            settings.smtp_host, settings.smtp_port, settings.security = "127.0.0.1", port, "none"
            assert send_outbox(store, settings) == (2, [])
        finally:
            server.stop()
        app.screen.reload()
        await pilot.pause()
        shown = widget_text(app, "#fields")
        assert "IN.2.3 to Dana <dana@acme.example>: sent" in shown and "We are working on" in shown
        # told: the step lacks nothing of its own now (what it still lacks, IN.2.1 lacks already: this
        # bare shop has no agreement nor catalogue, so the map counts no step and the bar shows ◐)
        from vse_tui.core.evidence.guide import record_steps

        step = next(s for s in record_steps(store, store.get("incidents", inc.id)) if s.task == "IN.2.3")
        assert step.performed and step.new == [] and "◐ Notified IN.2.3" in widget_text(app, "#steps"), step.new
        report = (b"From: MAILER-DAEMON@mx.acme.example\nSubject: Undelivered\nMessage-ID: <dsn1@mx>\n"
                  b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
                  b"--b\nContent-Type: text/plain\n\nGone.\n--b\nContent-Type: message/delivery-status\n\n"
                  b"Reporting-MTA: dns; mx.acme.example\n\nFinal-Recipient: rfc822; dana@acme.example\n"
                  b"Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
                  b"--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: " + updated.notifications[-1].message_id.encode()
                  + b"\n\n--b--\n")
        assert receive(store, mail.parse(report), store.mail_ids()).what == "bounce"
        reply = (b"From: IT <it@acme.example>\nSubject: Re: [" + change.id.encode() + b"] Planned change\n"
                 b"Message-ID: <r1@acme.example>\n\nCan it wait until Friday?\n")
        assert receive(store, mail.parse(reply), store.mail_ids()).what == "reply"
        app.screen.reload()
        await pilot.pause()
        shown = widget_text(app, "#fields")
        assert "IN.2.3 to Dana <dana@acme.example>: bounced" in shown and "User unknown" in shown
        assert "● Notified IN.2.3" not in widget_text(app, "#steps")  # nobody was reached: the step is not done
        step = next(s for s in record_steps(store, store.get("incidents", inc.id)) if s.task == "IN.2.3")
        assert any("did not reach anyone" in m for m in step.new), step.new
        app.open_record(change.id)
        await pilot.pause()
        shown = widget_text(app, "#fields")
        assert "to it@acme.example: sent" in shown and "mail from IT <it@acme.example>: a reply" in shown
        assert "Can it wait until Friday?" in shown


async def test_sending_a_notice_without_an_address_nor_a_config_says_both_and_the_file(make_app, tmp_path):
    """'Send by e-mail' switched on for a reporter with no address, in a shop with no [mail]: both
    missing things said at once, with the config file and the line to add; nothing recorded."""
    import os

    from textual.widgets import Switch

    from vse_tui.core.incidents import process as core

    app = make_app(tmp_path / "x.db")
    inc = core.log_incident(app.store, "Scanner offline", reporter="Dana")  # no contact: no address
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot, inc.id, "m")
        app.screen.query_one("#f-mail", Switch).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        error = " ".join(str(app.screen.query_one("#form-error").render()).split())
    assert 'add from = "desk@example.org"' in error and os.environ["VSE_TUI_CONFIG"] in error, error
    assert "the reporter has no e-mail address" in error, error
    assert app.store.get("incidents", inc.id).notifications == []
