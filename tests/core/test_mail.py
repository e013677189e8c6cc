"""Mail in, mail out: a corpus of hard messages through the intake, a Maildir and an mbox, and the
outbox delivered to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import mailbox
import time
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

import pytest

from vse_tui.config import MailSettings
from vse_tui.core.governance.roles import add_person
from vse_tui.core.incidents import process as core
from vse_tui.core.intake import mail
from vse_tui.core.intake.mail_intake import notify_by_mail
from vse_tui.core.model.records import Customer
from vse_tui.mailer import intake, send_outbox
from vse_tui.store.chain import verify

SHOP = "desk@harbourlane.example"


def message(subject="Printer jammed", body="The printer on floor 2 jams.", sender="Dana Wells <dana@acme.example>",
            **headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SHOP
    msg["Subject"] = subject
    msg["Date"] = "Thu, 26 Nov 2026 08:15:00 +0000"
    if "message_id" not in headers:
        msg["Message-ID"] = f"<{abs(hash((subject, body, sender)))}@acme.example>"
    elif headers["message_id"]:
        msg["Message-ID"] = headers["message_id"]
    for name, value in headers.items():
        if name != "message_id":
            msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return bytes(msg)


def corpus() -> dict[str, tuple[bytes, str]]:
    """name -> (raw message, what must become of it)."""
    out: dict[str, tuple[bytes, str]] = {}
    out["plain"] = (message(), "new")
    alt = MIMEMultipart("alternative")
    alt["From"], alt["Subject"], alt["Message-ID"] = "Omar <omar@bolt.example>", "VPN drops", "<alt@bolt.example>"
    alt.attach(MIMEText("VPN drops every hour (plain part).", "plain"))
    alt.attach(MIMEText("<p>VPN drops <b>every hour</b> (html part)</p>", "html"))
    out["multipart/alternative"] = (alt.as_bytes(), "new")
    html = EmailMessage()
    html["From"], html["Subject"], html["Message-ID"] = "priya@grn.example", "Scanner", "<html@grn.example>"
    html.set_content("<html><head><style>p{}</style></head><body><p>The scanner is <i>not</i> found.</p>"
                     "<script>alert(1)</script></body></html>", subtype="html")
    out["HTML only"] = (bytes(html), "new")
    latin = MIMEText("Le serveur ne répond plus, à l'aide.", "plain", "iso-8859-1")
    latin["From"], latin["Subject"], latin["Message-ID"] = "Lena <lena@acme.example>", "Serveur", "<l1@acme.example>"
    out["iso-8859-1 body"] = (latin.as_bytes(), "new")
    out["encoded-word subject"] = (message(subject="=?utf-8?q?Dr=C3=BCcker_klemmt?=", body="Papierstau."), "new")
    with_file = EmailMessage()
    with_file["From"], with_file["Subject"], with_file["Message-ID"] = "dana@acme.example", "Log", "<f@acme.example>"
    with_file.set_content("The error log is attached.")
    with_file.add_attachment(b"ERROR 42 at boot", maintype="text", subtype="plain", filename="boot.log")
    out["attachment"] = (bytes(with_file), "new")
    out["no Message-ID"] = (message(subject="No id here", message_id=None), "new")
    out["auto-reply"] = (message(subject="Out of office", Auto_Submitted="auto-replied"), "skipped")
    out["suppress"] = (message(subject="Automatic", X_Auto_Response_Suppress="All"), "skipped")
    out["bulk"] = (message(subject="Newsletter", Precedence="bulk"), "skipped")
    bounce = MIMEMultipart("report", report_type="delivery-status")
    bounce["From"], bounce["Subject"], bounce["Message-ID"] = "MAILER-DAEMON@mx.example", "Undelivered", "<b@mx>"
    bounce.attach(MIMEText("Delivery failed.", "plain"))
    out["bounce"] = (bounce.as_bytes(), "skipped")
    out["own address"] = (message(subject="Loop", sender=f"Desk <{SHOP}>"), "skipped")
    out["malformed headers"] = (b"\x00\xff\xfe garbage without any header\n\nbody", "unreadable")
    out["unknown charset"] = (b"From: x@acme.example\nSubject: odd\nMessage-ID: <u@acme>\nContent-Type: text/plain; "
                              b"charset=x-no-such-charset\n\n\xe9t\xe9", "new")
    return out


@pytest.fixture
def settings(tmp_path) -> MailSettings:
    return MailSettings(sender=SHOP, maildir=str(tmp_path / "Maildir"), smtp_host="127.0.0.1", security="none")


def test_the_corpus_through_the_intake(store, settings):
    store.add(Customer(name="Acme Bakery", email="office@acme.example"))
    add_person(store, "Dana Wells", email="dana@acme.example", affiliation="customer", organisation="Acme Bakery")
    known = store.mail_ids()
    from vse_tui.core.intake.mail_intake import receive

    outcomes = {}
    for name, (raw, expected) in corpus().items():
        parsed = mail.parse(raw, settings.own_addresses, 1 << 20)
        outcomes[name] = receive(store, parsed, known)
        assert outcomes[name].what == expected, (name, outcomes[name])
    by_summary = {i.summary: i for i in store.records("incidents")}
    assert "VPN drops every hour (plain part)." == by_summary["VPN drops"].details
    scanner = by_summary["Scanner"].details
    assert "The scanner is not found." in scanner and "alert" not in scanner and "<" not in scanner
    assert "répond plus" in by_summary["Serveur"].details
    assert "Drücker klemmt" in by_summary
    printer = by_summary["Printer jammed"]
    assert (printer.reporter, printer.reporter_contact) == ("Dana Wells", "dana@acme.example")
    assert store.get("customers", printer.customer).name == "Acme Bakery"  # the contact's customer
    assert printer.mail[0].message_id.endswith("@acme.example>") and printer.mail[0].kind == "new"
    logged = by_summary["Log"]
    assert [a.name for a in store.records("attachments", {"record": logged.uuid})] == ["boot.log"]
    assert by_summary["No id here"].mail[0].message_id.startswith("sha256:")
    assert by_summary["odd"].details.startswith("\ufffd") or "t" in by_summary["odd"].details
    assert "Out of office" not in by_summary and "Loop" not in by_summary
    # the same messages again: nothing new
    for name, (raw, _expected) in corpus().items():
        assert receive(store, mail.parse(raw, settings.own_addresses), known).what in ("known", "skipped",
                                                                                        "unreadable"), name
    assert store.count("incidents") == 8 and verify(store) == []


def test_a_maildir_is_read_and_marked_seen_an_mbox_is_left_alone(store, settings, tmp_path):
    box = mailbox.Maildir(settings.maildir, create=True)
    for raw, _expected in corpus().values():
        box.add(raw)
    result = intake(store, settings.maildir, settings)
    assert (result.count("new"), result.count("skipped"), result.count("unreadable")) == (8, 5, 1)
    new = list((Path(settings.maildir) / "new").iterdir())
    cur = list((Path(settings.maildir) / "cur").iterdir())
    assert len(new) == 1 and len(cur) == 13 and all(p.name.endswith(":2,S") for p in cur)  # the unreadable one stays
    assert intake(store, settings.maildir, settings).count("new") == 0
    mbox_path = tmp_path / "saved.mbox"
    mbox = mailbox.mbox(str(mbox_path))
    mbox.add(message(subject="From the mbox", body="Saved from a mail client."))
    mbox.flush()
    mbox.close()
    before = mbox_path.read_bytes()
    assert intake(store, mbox_path, settings).count("new") == 1
    assert mbox_path.read_bytes() == before


def test_a_big_attachment_is_listed_and_left_in_place(store, settings):
    msg = EmailMessage()
    msg["From"], msg["Subject"], msg["Message-ID"] = "dana@acme.example", "Huge", "<huge@acme>"
    msg.set_content("see attached")
    msg.add_attachment(b"x" * (2 << 20), maintype="application", subtype="octet-stream", filename="dump.bin")
    box = mailbox.Maildir(settings.maildir, create=True)
    box.add(bytes(msg))
    settings.max_attachment_mb = 1
    result = intake(store, settings.maildir, settings)
    assert result.count("unreadable") == 1 and "over the limit" in result.outcomes[0][1].why
    assert store.count("incidents") == 0 and len(list((Path(settings.maildir) / "new").iterdir())) == 1


class Recorder:
    """An SMTP server's handler: keeps what it receives, or refuses every recipient."""

    def __init__(self, refuse: bool = False) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    servers = []

    def start(refuse: bool = False):
        import socket

        with socket.socket() as probe:  # a free port on loopback (never another address)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        handler = Recorder(refuse)
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return handler, port

    yield start
    for controller in servers:
        controller.stop()


def test_mail_in_notify_out_reply_in(store, settings, smtp_server):
    from email.parser import BytesParser

    handler, port = smtp_server()
    settings.smtp_port = port
    box = mailbox.Maildir(settings.maildir, create=True)
    box.add(message(subject="Mail server down", body="Nobody can send mail since 8:00."))
    assert intake(store, settings.maildir, settings).count("new") == 1
    inc = store.records("incidents")[0]
    updated, queued = notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    assert queued.exists() and store.outbox()[0][1]["to"] == "dana@acme.example"
    note = updated.notifications[-1]
    assert note.message and note.message_id and note.delivery == "queued" and note.sent_at is None
    assert send_outbox(store, settings) == (1, [])
    assert store.outbox() == []  # delivered: moved to the sent folder
    mail_from, rcpts, raw = handler.received[0]
    sent = BytesParser(policy=SMTP_POLICY).parsebytes(raw)
    assert (mail_from, rcpts) == (SHOP, ["dana@acme.example"])
    assert sent["Subject"].startswith(f"[{inc.id}] Mail server down") and sent["Auto-Submitted"] == "auto-generated"
    assert sent["In-Reply-To"] == inc.mail[0].message_id and sent["Message-ID"].strip() == note.message_id
    assert note.message.strip() in sent.get_content()
    after = store.get("incidents", inc.id).notifications[-1]
    assert after.sent_at is not None and after.delivery.startswith("sent to dana@acme.example")
    rows = [h for h in store.history(inc.uuid) if h["field"] == "notifications"]
    assert [h["task"] for h in rows][-1] == "IN.2.3" and len(rows) >= 3  # recorded, queued, delivered
    # the customer answers the mail: the reply lands on the same incident, its clock runs again
    core.set_waiting(store, inc.id, "customer")
    box.add(message(subject=f"Re: [{inc.id}] Mail server down", body="It works again, thanks.",
                    message_id="<reply1@acme.example>", In_Reply_To=note.message_id))
    result = intake(store, settings.maildir, settings)
    assert result.count("reply") == 1 and result.outcomes[0][1].incident == inc.id
    inc = store.get("incidents", inc.id)
    assert [m.kind for m in inc.mail] == ["new", "reply"] and inc.state == "in progress"
    assert store.count("incidents") == 1 and verify(store) == []


def test_a_reply_by_subject_tag_reopens_a_closed_incident_but_a_loop_stops(store, settings):
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example")
    core.restore(store, inc.id, solution="Cleared the tray")
    core.close(store, inc.id, confirmed_by="Dana", acknowledgement="Dana printed a page with me")
    box = mailbox.Maildir(settings.maildir, create=True)
    for n in range(6):
        box.add(message(subject=f"Re: [{inc.id}] Printer jam", body=f"Still jams ({n})",
                        message_id=f"<again{n}@acme.example>"))
    result = intake(store, settings.maildir, settings)
    assert result.count("reply") == 6
    reopened = store.get("incidents", inc.id)
    assert reopened.reopened == 1 and reopened.status != "closed"  # reopened once; the replies kept, no loop


def test_a_server_that_refuses_or_is_down_leaves_the_message_queued(store, settings, smtp_server):
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example")
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    settings.smtp_port = 1  # nobody listens there
    sent, errors = send_outbox(store, settings, timeout=5)
    assert sent == 0 and errors and len(store.outbox()) == 1
    assert store.outbox()[0][1]["attempts"] == 1
    assert store.get("incidents", inc.id).notifications[-1].delivery.startswith("not sent")
    handler, port = smtp_server(refuse=True)
    settings.smtp_port = port
    sent, errors = send_outbox(store, settings)
    assert sent == 0 and "refused" in errors[0] and store.outbox()[0][1]["attempts"] == 2
    assert handler.received == []


def test_a_thousand_messages_are_read_in_seconds(store, settings):
    box = mailbox.Maildir(settings.maildir, create=True)
    for n in range(1000):
        box.add(message(subject=f"Ticket {n}", body=f"Body {n}", message_id=f"<m{n}@acme.example>"))
    started = time.perf_counter()
    result = intake(store, settings.maildir, settings)
    elapsed = time.perf_counter() - started
    assert result.count("new") == 1000
    assert elapsed < 120  # a guard against a blow-up, not the figure (see the closing note)


def test_a_feedback_answer_and_a_change_notice_go_out_as_mail(store, settings, smtp_server):
    """The other two messages a shop sends: each queued as a real message, its history kept on the
    record (queued, then sent), received by a real server on loopback."""
    from email.parser import BytesParser

    from vse_tui.core.control import changes
    from vse_tui.core.intake.mail_intake import mail_about
    from vse_tui.core.present.display import change_text
    from vse_tui.core.relationship.process import feedback_step, log_feedback

    handler, port = smtp_server()
    settings.smtp_port = port
    acme = store.add(Customer(name="Acme Bakery", email="office@acme.example"))
    add_person(store, "Dana Wells", email="dana@acme.example", affiliation="customer", organisation=acme.uuid)
    entry = log_feedback(store, "The invoice portal is slow", feedback_type="complaint", company=acme.uuid)
    with pytest.raises(Exception, match="no investigation outcome"):
        mail_about(store, "feedback", entry.id, sender=settings.sender)
    feedback_step(store, entry.id, "acknowledged")
    feedback_step(store, entry.id, "investigated", outcome="A report ran every minute; it now runs at night.")
    change = changes.request(store, "Move mail to the new server", customer=acme.uuid,
                             business_impact="Mail is read-only for ten minutes")
    _, _, to_feedback = mail_about(store, "feedback", entry.id, sender=settings.sender)
    _, _, to_change = mail_about(store, "change_requests", change.id, sender=settings.sender, to="it@acme.example")
    assert (to_feedback, to_change) == ("dana@acme.example", "it@acme.example")
    assert send_outbox(store, settings) == (2, [])
    got = {rcpts[0]: BytesParser(policy=SMTP_POLICY).parsebytes(raw) for _, rcpts, raw in handler.received}
    answer, notice = got["dana@acme.example"], got["it@acme.example"]
    assert answer["Subject"].startswith(f"[{entry.id}] Your complaint") and answer["Auto-Submitted"] == "auto-generated"
    assert "it now runs at night" in answer.get_content() and "Hello Dana Wells" in answer.get_content()
    assert notice["Subject"] == f"[{change.id}] Planned change: Move mail to the new server"
    assert "not scheduled yet" in notice.get_content() and "read-only for ten minutes" in notice.get_content()
    for record in (entry, change):
        rows = [h for h in store.history(record.uuid) if h["action"] == "mail"]
        texts = [change_text(h, {}) for h in rows]
        assert texts[0].startswith("mail queued to ") and texts[1].startswith("mail sent: sent to ")
    assert verify(store) == []


def test_a_change_notice_without_an_address_says_where_one_comes_from(store, settings):
    from vse_tui.core.control import changes
    from vse_tui.core.intake.mail_intake import mail_about

    change = changes.request(store, "Replace the firewall")
    with pytest.raises(Exception, match="no e-mail address for .*a contact of the change's customer"):
        mail_about(store, "change_requests", change.id, sender=settings.sender)
    assert store.outbox() == []


def test_the_command_line_answers_feedback_and_notifies_a_change(tmp_path, capsys):
    import os

    from vse_tui.cli import main

    config = Path(os.environ["VSE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[mail]\nfrom = "{SHOP}"\n')
    db = str(tmp_path / "shop.db")
    assert main(["feedback", "add", "Great service on Monday", "--type", "compliment", "--db", db]) == 0
    assert main(["change", "add", "New firewall", "--db", db]) == 0
    capsys.readouterr()
    assert main(["feedback", "answer", "FB-0001", "--to", "dana@acme.example", "--message",
                 "Thank you!\\nKim", "--db", db]) == 0
    assert "FB-0001: answer queued for dana@acme.example" in capsys.readouterr().out
    assert main(["change", "notify", "CHG-0001", "--db", db]) == 1  # no customer: no address
    assert "no e-mail address for CHG-0001" in capsys.readouterr().err
    assert main(["change", "notify", "CHG-0001", "--to", "it@acme.example", "--db", db]) == 0
    assert main(["mail", "outbox", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "FB-0001" in listed and "CHG-0001" in listed


def test_a_feedback_answer_goes_to_the_person_who_gave_it(store, settings):
    from vse_tui.core.intake.mail_intake import mail_draft
    from vse_tui.core.relationship.process import feedback_step, log_feedback

    bolt = store.add(Customer(name="Bolt Logistics"))
    add_person(store, "Marco Rossi", email="marco@bolt.example", affiliation="customer", organisation=bolt.uuid)
    add_person(store, "Omar Haddad", email="omar@bolt.example", affiliation="customer", organisation=bolt.uuid)
    entry = log_feedback(store, "The laptop came without its software", feedback_type="complaint",
                         company=bolt.uuid, contact="Omar Haddad")
    feedback_step(store, entry.id, "acknowledged")
    feedback_step(store, entry.id, "investigated", outcome="Installed it the same day.")
    draft = mail_draft(store, "feedback", entry.id)
    assert draft["address"] == "omar@bolt.example" and draft["text"].startswith("Hello Omar Haddad,")
