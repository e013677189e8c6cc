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


def test_an_attachment_that_came_with_a_message_is_noted_in_the_shops_language(store, settings):
    from vse_tui.core.intake.mail_intake import receive
    from vse_tui.i18n import using

    known = store.mail_ids()
    with using("pt_BR"):
        for raw, _expected in corpus().values():
            receive(store, mail.parse(raw, settings.own_addresses, 1 << 20), known)
    notes = [a.note for a in store.records("attachments")]
    assert notes and set(notes) == {"veio com a mensagem"}, notes


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
    assert note.message.strip() in sent.get_content().replace("\r\n", "\n")
    after = store.get("incidents", inc.id).notifications[-1]
    assert after.sent_at is not None and after.delivery.startswith("sent to dana@acme.example")
    assert after.state == "sent" and "250 Message accepted" in after.delivery  # the server's own reply
    rows = [h for h in store.history(inc.uuid) if h["field"] == "notifications"]
    assert [h["task"] for h in rows] == ["IN.2.3", "IN.2.3"]  # queued, then sent: one row per change of state
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


def test_a_server_that_is_down_leaves_the_message_queued_one_that_refuses_holds_it(store, settings, smtp_server):
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example")
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    rows = len(store.history(inc.uuid))
    settings.smtp_port = 1  # nobody listens there
    for attempt in (1, 2):
        sent, errors = send_outbox(store, settings, timeout=5)
        assert sent == 0 and errors and len(store.outbox()) == 1
        assert store.outbox()[0][1]["attempts"] == attempt and store.outbox()[0][1]["state"] == "queued"
    note = store.get("incidents", inc.id).notifications[-1]
    assert note.state == "queued" and len(store.history(inc.uuid)) == rows  # attempts are no history
    handler, port = smtp_server(refuse=True)
    settings.smtp_port = port
    sent, errors = send_outbox(store, settings)
    assert sent == 0 and "550 5.1.1 no such mailbox" in errors[0] and store.outbox() == []
    note = store.get("incidents", inc.id).notifications[-1]
    assert note.state == "refused" and "550 5.1.1 no such mailbox" in note.delivery  # the server's own words
    assert [m["state"] for _, m in store.outbox_all()] == ["refused"]
    assert send_outbox(store, settings) == (0, [])  # held for a person: never tried again by itself
    assert len(store.history(inc.uuid)) == rows + 1 and handler.received == []


@pytest.mark.slow  # a growth guard
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


# ---------------------------------------------------------------- a strict server, delivery states, bounces


class Strict:
    """A server as a hardened one behaves: a line that ends in a bare LF refuses the message
    (`smtpd_forbid_bare_newline = reject`), some recipients are gone for good (554), some are
    tried later (451). Keeps what it accepted and how each client greeted it."""

    def __init__(self, gone=(), later=()) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.greetings: list[str] = []
        self.gone, self.later = set(gone), set(later)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.gone:
            return "554 5.1.1 Mailbox gone"
        if address in self.later:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import re

        self.greetings.append(session.host_name)
        raw = envelope.original_content
        if re.search(rb"(?<!\r)\n", raw):
            return "550 5.5.2 bare <LF> received"
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), raw))
        return "250 2.0.0 Ok: queued as 4F3B2"


@pytest.fixture
def strict_server():
    from aiosmtpd.controller import Controller

    servers = []

    def start(handler, **options):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        servers.append(controller)
        return port

    yield start
    for controller in servers:
        controller.stop()


def test_mail_goes_out_with_crlf_folded_headers_and_no_empty_last_line(store, settings, strict_server):
    """Issue 35 / issue 34 row 15: a server that refuses bare LF (and aiosmtpd's own 1,000-byte
    line limit) accepts every message; the subject is folded after the tag, nothing gains a line."""
    from email.parser import BytesParser

    handler = Strict()
    settings.smtp_port = strict_server(handler)
    summary = "The accounting server in the back office answers slowly every morning " * 3
    inc = core.log_incident(store, summary.strip(), reporter="Dana", reporter_contact="dana@acme.example",
                            details="Long text. " * 200)
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender,
                   message="First line.\n" + "a long line of words " * 80 + "\n\nLast line.\n\n\n")
    assert send_outbox(store, settings) == (1, [])
    _, _, raw = handler.received[0]
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert not raw.endswith(b"\r\n\r\n") and raw.endswith(b"\r\n")
    subject_lines = head.split(b"\r\nSubject: ", 1)[1].split(b"\r\n")
    assert subject_lines[0].startswith(f"[{inc.id}] The accounting".encode())  # folded after the tag
    parsed = BytesParser(policy=SMTP_POLICY).parsebytes(raw)
    assert parsed["Subject"] == f"[{inc.id}] {summary.strip()}"  # unfolded: one space each, as typed
    assert parsed.get_content().replace("\r\n", "\n").rstrip("\n").endswith("Last line.")


def test_user_text_never_becomes_a_header_or_a_recipient(store, settings, strict_server):
    """Issue 34 rows 14 and 16: a summary holding CR/LF, a display name holding addresses."""
    from email.parser import BytesParser
    from email.utils import getaddresses

    from vse_tui.core.intake.mail_intake import receive

    handler = Strict()
    settings.smtp_port = strict_server(handler)
    raw = message(subject="VPN down", sender='"a@evil.example, <b@evil.example>" <customer@acme.example>')
    assert receive(store, mail.parse(raw), store.mail_ids()).what == "new"
    inc = store.records("incidents")[0]
    assert (inc.reporter, inc.reporter_contact) == ("a@evil.example, <b@evil.example>", "customer@acme.example")
    store.update("incidents", inc.uuid, {"summary": "VPN down\r\nBcc: c@evil.example"})
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)  # no ValueError
    assert send_outbox(store, settings) == (1, [])
    _, rcpts, sent_raw = handler.received[0]
    sent = BytesParser(policy=SMTP_POLICY).parsebytes(sent_raw)
    assert rcpts == ["customer@acme.example"] and sent["Bcc"] is None
    assert [a for _, a in getaddresses([str(sent["To"])])] == ["customer@acme.example"]
    assert sent["Subject"] == f"[{inc.id}] VPN down Bcc: c@evil.example"
    with pytest.raises(Exception, match="not an e-mail address"):
        notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender, to="x,y@acme.example")


def _config_for(strict_server, handler: Strict) -> int:
    """The command line's config: the shop's address and the loopback server that `handler` answers
    (its port is returned)."""
    import os

    port = strict_server(handler)
    config = Path(os.environ["VSE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[mail]\nfrom = "{SHOP}"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "none"\n')
    return port


def _cli(*argv) -> tuple[int, str, str]:
    import contextlib
    import io

    from vse_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_a_permanent_refusal_is_held_with_the_servers_words_then_redirected_or_dropped(store, settings,
                                                                                       strict_server):
    """554 stops retrying; `mail outbox` lists every message with its state; `mail retry --to`
    sends it elsewhere; `mail drop` gives one up; one history row per change of state."""
    from vse_tui.core.control import changes
    from vse_tui.core.intake.mail_delivery import drop, retry
    from vse_tui.core.intake.mail_intake import mail_about

    handler = Strict(gone={"gone@acme.example", "old@acme.example"}, later={"busy@acme.example"})
    settings.smtp_port = strict_server(handler)
    change = changes.request(store, "Move mail to the new server")
    mail_about(store, "change_requests", change.id, sender=settings.sender, to="gone@acme.example")
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="old@acme.example")
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    inc2 = core.log_incident(store, "Scanner", reporter="Bo", reporter_contact="busy@acme.example")
    notify_by_mail(store, inc2.id, task="IN.2.3", sender=settings.sender)
    for _ in range(3):
        send_outbox(store, settings)
    states = {m["id"]: m for _, m in store.outbox_all()}
    assert {k: m["state"] for k, m in states.items()} == {change.id: "refused", inc.id: "refused", inc2.id: "queued"}
    assert states[change.id]["error"] == "554 5.1.1 Mailbox gone" and states[inc2.id]["attempts"] == 3
    mail_rows = [h for h in store.history(change.uuid) if h["action"] == "mail"]
    assert len(mail_rows) == 2  # queued, refused: never one per attempt
    note = store.get("incidents", inc.id).notifications[-1]
    assert note.state == "refused" and "554 5.1.1 Mailbox gone" in note.delivery
    assert store.get("incidents", inc.id).responded_at is None  # nobody was told
    assert store.get("incidents", inc2.id).notifications[-1].state == "queued"
    retry(store, change.id, to="it@acme.example")
    drop(store, inc.id)
    assert send_outbox(store, settings)[0] == 1
    assert handler.received[-1][1] == ["it@acme.example"]
    from email.parser import BytesParser

    assert BytesParser(policy=SMTP_POLICY).parsebytes(handler.received[-1][2])["To"] == "it@acme.example"
    from vse_tui.core.present.display import change_text

    texts = [change_text(h, {}) for h in store.history(change.uuid) if h["action"] == "mail"]
    assert [t.split(":")[0] for t in texts] == ["mail queued to gone@acme.example", "mail refused",
                                                "mail queued to it@acme.example", "mail sent"]
    assert store.get("incidents", inc.id).notifications[-1].state == "dropped"
    with pytest.raises(Exception, match="No message"):
        drop(store, change.id)  # sent: nothing to drop


def test_the_command_line_lists_drops_and_redirects(tmp_path, settings, strict_server):
    _config_for(strict_server, Strict(gone={"gone@acme.example"}))
    db = str(tmp_path / "shop.db")
    assert _cli("incident", "add", "Printer jam", "--db", db)[0] == 0
    assert _cli("incident", "notify", "INC-0001", "--to", "gone@acme.example", "--db", db)[0] == 0
    code, out, err = _cli("mail", "send", "--db", db)
    assert code == 1 and "554 5.1.1 Mailbox gone" in err and "not sent: not sent" not in err
    assert "1 refused and held" in out
    assert _cli("mail", "send", "--db", db)[0] == 0  # never retried by itself: nothing to send, no error
    code, out, _ = _cli("mail", "outbox", "--db", db)
    assert "refused" in out and "INC-0001" in out and "554 5.1.1 Mailbox gone" in out
    key = out.split()[0]
    code, out, _ = _cli("mail", "retry", key, "--to", "dana@acme.example", "--send", "--db", db)
    assert code == 0 and "queued again for dana@acme.example; sent now (1)" in out
    code, out, _ = _cli("mail", "outbox", "--db", db)
    assert out.split()[1] == "sent" and "250 2.0.0 Ok: queued as 4F3B2" in out
    code, out, _ = _cli("incident", "show", "INC-0001", "--db", db)
    assert "IN.2.3 to dana@acme.example: sent" in out and "250 2.0.0 Ok" in out


def test_in_spanish_the_delivery_is_said_in_spanish_and_the_outbox_shows_local_times(tmp_path, settings, strict_server,
                                                                                     monkeypatch):
    """A shop that speaks Spanish: the delivery its incident keeps is written in Spanish (a stored
    note, never re-translated), and `mail outbox` shows when it went in the shop's time zone as
    Spanish writes a date, not the stored UTC."""
    import time
    from datetime import datetime, timedelta, timezone

    from vse_tui import i18n

    monkeypatch.setenv("TZ", "America/Bogota")  # UTC-5 all year
    time.tzset()
    port = _config_for(strict_server, Strict(gone={"gone@acme.example"}))
    db = str(tmp_path / "shop.db")
    try:
        assert _cli("--lang", "es", "incident", "add", "Impresora atascada", "--db", db)[0] == 0
        for to in ("dana@acme.example", "gone@acme.example"):
            assert _cli("--lang", "es", "incident", "notify", "INC-0001", "--to", to, "--db", db)[0] == 0
        _cli("--lang", "es", "mail", "send", "--db", db)
        code, out, _ = _cli("--lang", "es", "mail", "outbox", "--db", db)
    finally:
        i18n.set_language("en")
        monkeypatch.delenv("TZ")
        time.tzset()
    assert code == 0
    from vse_tui.store import open_store

    with open_store(Path(db)) as store:
        sent = {m["to"]: m for _p, m in store.outbox_all()}["dana@acme.example"]
        notes = store.get("incidents", "INC-0001").notifications
    stored = datetime.fromisoformat(sent["sent_at"])
    local = stored.astimezone(timezone(timedelta(hours=-5)))
    assert local.strftime("%d/%m/%Y %H:%M") in out, out
    assert stored.strftime("%Y-%m-%d %H:%M") not in out
    deliveries = {n.address: n.delivery for n in notes}
    assert deliveries["dana@acme.example"].startswith(f"enviado a dana@acme.example por 127.0.0.1:{port}: 250")
    assert deliveries["gone@acme.example"].startswith(f"rechazado por 127.0.0.1:{port}: 554")


def dsn(message_id: str | None, recipient: str, headers_only: bool = False) -> bytes:
    """A delivery status report as Postfix writes one (RFC 3464): notification, report, the
    returned message (whole, or its headers only)."""
    returned = (f"Message-ID: {message_id}\n" if message_id else "") + f"From: {SHOP}\nTo: {recipient}\n" \
        "Subject: [INC-0001] Printer jam\n"
    kind = "text/rfc822-headers" if headers_only else "message/rfc822"
    return (f"""Return-Path: <>
From: MAILER-DAEMON@mx.acme.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {SHOP}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4F3B2.1765088280/mx.acme.example"
Message-Id: <20261207061800.{abs(hash(message_id))}@mx.acme.example>

This is a MIME-encapsulated message.

--4F3B2.1765088280/mx.acme.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.acme.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--4F3B2.1765088280/mx.acme.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acme.example
X-Postfix-Queue-ID: 4F3B2
X-Postfix-Sender: rfc822; {SHOP}
Arrival-Date: Mon,  7 Dec 2026 06:17:59 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.acme.example
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown in local recipient table

--4F3B2.1765088280/mx.acme.example
Content-Description: Undelivered Message{' Headers' if headers_only else ''}
Content-Type: {kind}

{returned}
Printer jam text.

--4F3B2.1765088280/mx.acme.example--
""").encode()


def test_a_bounce_that_gives_no_reason_is_noted_in_the_shops_language(store, settings, smtp_server):
    from vse_tui.core.intake.mail import Bounce
    from vse_tui.core.intake.mail_delivery import bounced
    from vse_tui.i18n import using

    handler, port = smtp_server()
    settings.smtp_port = port
    inc = core.log_incident(store, "Imprimante bloquée", reporter="Dana", reporter_contact="dana@acme.example")
    updated, _ = notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    assert send_outbox(store, settings) == (1, [])
    with using("fr"):
        bounced(store, Bounce(message_id=updated.notifications[-1].message_id, recipient="dana@acme.example"))
    note = store.get("incidents", inc.id).notifications[-1]
    assert (note.state, note.delivery) == ("bounced", "renvoyé par le serveur de destination")


@pytest.mark.parametrize("headers_only", [False, True])
def test_a_bounce_after_acceptance_comes_back_onto_its_notice(store, settings, smtp_server, headers_only):
    """The notice was accepted (a response, for a moment); the bounce matched by Message-ID takes
    that back, says why on the incident, and `audit check` lists it."""
    from vse_tui.core.evidence.audit_check import audit_check
    from vse_tui.core.incidents.view import incident_view

    handler, port = smtp_server()
    settings.smtp_port = port
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example")
    updated, _ = notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    mid = updated.notifications[-1].message_id
    from vse_tui.core.evidence.tasks import _notified

    queued = store.get("incidents", inc.id)
    assert queued.responded_at is None  # queued is no response, nor evidence that anyone was told
    assert _notified("IN.2.3")(None, queued) == ["the IN.2.3 notice did not reach anyone (mail queued)"]
    assert send_outbox(store, settings) == (1, [])
    sent = store.get("incidents", inc.id)
    assert sent.responded_at == sent.notifications[-1].sent_at is not None
    assert _notified("IN.2.3")(None, sent) == []
    box = mailbox.Maildir(settings.maildir, create=True)
    box.add(dsn("<someone-else@acme.example>", "dana@acme.example", headers_only))  # not ours: skipped
    box.add(dsn(mid, "dana@acme.example", headers_only))
    result = intake(store, settings.maildir, settings)
    assert sorted(o.what for _, o in result.outcomes) == ["bounce", "skipped"] and "bounce" in result.line()
    after = store.get("incidents", inc.id)
    note = after.notifications[-1]
    assert note.state == "bounced" and "5.1.1" in note.delivery and "User unknown" in note.delivery
    assert after.responded_at is None and store.count("incidents") == 1
    assert _notified("IN.2.3")(None, after) == ["the IN.2.3 notice did not reach anyone (mail bounced)"]
    assert any(inc.id in f.records and "bounced" in f.line() for f in audit_check(store))
    text = incident_view(store, inc.id).as_text()
    assert "IN.2.3 to Dana <dana@acme.example>: bounced" in text
    assert [m["state"] for _, m in store.outbox_all()] == ["bounced"]
    assert verify(store) == []


def test_the_response_time_is_when_a_notice_was_accepted_or_a_call_recorded(store, settings, smtp_server,
                                                                             monkeypatch):
    from vse_tui.core.kernel import clock

    handler, port = smtp_server()
    settings.smtp_port = port
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example")
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender, to="other@acme.example")
    queued = store.get("incidents", inc.id)
    assert queued.responded_at is None and queued.notifications[-1].to == "other@acme.example"  # not "Dana"
    monkeypatch.setenv("VSE_TUI_NOW", "2026-11-26T09:50:00+00:00")  # the server accepts it 20 minutes later
    send_outbox(store, settings)
    sent = store.get("incidents", inc.id)
    assert sent.responded_at == sent.notifications[-1].sent_at == clock.parse_datetime("2026-11-26T09:50:00+00:00")
    call = core.log_incident(store, "Scanner", reporter="Bo")
    called = core.notify(store, call.id, task="IN.2.3", to="Bo", how="phone", message="Told Bo we are on it.")
    assert called.responded_at == called.notifications[-1].at


def test_replies_to_a_change_notice_and_a_feedback_answer_land_on_them(store, settings, smtp_server):
    from vse_tui.core.control import changes
    from vse_tui.core.intake.mail_delivery import messages_of
    from vse_tui.core.intake.mail_intake import mail_about
    from vse_tui.core.relationship.process import feedback_step, log_feedback

    handler, port = smtp_server()
    settings.smtp_port = port
    change = changes.request(store, "Move mail to the new server")
    entry = log_feedback(store, "Invoices arrive twice", feedback_type="complaint")
    feedback_step(store, entry.id, "acknowledged")
    feedback_step(store, entry.id, "investigated", outcome="Fixed the mail rule.")
    mail_about(store, "change_requests", change.id, sender=settings.sender, to="it@acme.example")
    mail_about(store, "feedback", entry.id, sender=settings.sender, to="dana@acme.example")
    send_outbox(store, settings)
    change_mid = [m["message_id"] for _, m in store.outbox_all() if m["id"] == change.id][0]
    box = mailbox.Maildir(settings.maildir, create=True)
    box.add(message(subject="Re: Planned change", body="Can it wait until Friday?", sender="IT <it@acme.example>",
                    message_id="<r1@acme.example>", In_Reply_To=change_mid))
    box.add(message(subject=f"Re: [{entry.id}] Your complaint", body="Thanks, it works.",
                    message_id="<r2@acme.example>"))
    result = intake(store, settings.maildir, settings)
    assert sorted((o.what, o.incident) for _, o in result.outcomes) == [("reply", change.id), ("reply", entry.id)]
    assert store.count("incidents") == 0
    got = messages_of(store, "change_requests", store.get("change_requests", change.id))
    assert [(m.way, m.state) for m in got] == [("to", "sent"), ("from", "reply")]
    assert got[1].text == "Can it wait until Friday?" and got[1].who == "IT <it@acme.example>"
    assert "Thanks, it works." in messages_of(store, "feedback", store.get("feedback", entry.id))[-1].text
    assert intake(store, settings.maildir, settings, everything=True).count("known") == 2  # never twice


def test_the_greeting_and_the_shops_certificate_authority(store, settings, strict_server, tmp_path):
    import ssl
    import subprocess

    from vse_tui.mailer import helo_name

    handler = Strict()
    settings.smtp_port = strict_server(handler)
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example")
    notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    send_outbox(store, settings)
    assert handler.greetings[-1] == helo_name(settings) and not handler.greetings[-1].startswith("[")
    settings.helo_name = "desk.harbourlane.example"
    notify_by_mail(store, inc.id, task="IN.2.4", sender=settings.sender, message="Working again.")
    send_outbox(store, settings)
    assert handler.greetings[-1] == "desk.harbourlane.example"
    # STARTTLS with the shop's own certificate authority
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                           str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip("openssl could not make a certificate")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    tls = Strict()
    settings.smtp_port = strict_server(tls, tls_context=context, require_starttls=True)
    settings.security = "starttls"
    notify_by_mail(store, inc.id, task="IN.2.5", sender=settings.sender, message="Closed.")
    sent, errors = send_outbox(store, settings)
    assert sent == 0 and "certificate could not be checked" in errors[0] and "ca_file" in errors[0]
    assert "CERTIFICATE_VERIFY_FAILED" not in errors[0]
    settings.ca_file = str(cert)
    assert send_outbox(store, settings) == (1, [])
    settings.ca_file = str(tmp_path / "missing.pem")
    notify_by_mail(store, inc.id, task="IN.2.5", sender=settings.sender, message="Closed again.")
    assert "ca_file" in send_outbox(store, settings)[1][0]


def test_messages_queued_in_the_same_second_go_out_in_order(store, settings, smtp_server):
    handler, port = smtp_server()
    settings.smtp_port = port
    made = [core.log_incident(store, f"Ticket {n}", reporter_contact=f"u{n}@acme.example") for n in range(8)]
    for inc in made:  # the test's clock stands still: all in the same second
        notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    assert send_outbox(store, settings) == (8, [])
    assert [r[1][0] for r in handler.received] == [f"u{n}@acme.example" for n in range(8)]


# ---------------------------------------------------------------- mail keeps its time and its people


def test_a_mail_keeps_the_date_it_carries_within_sane_bounds_and_opens_its_incident_when_received(store, settings):
    from vse_tui.core.intake.mail_intake import receive
    from vse_tui.core.kernel import clock

    known = store.mail_ids()
    now = clock.now()
    cases = {  # Date header -> what the mail is kept as saying (the test's clock: 2026-11-26 09:30 UTC)
        "Thu, 26 Nov 2026 08:15:00 +0000": "2026-11-26T08:15:00+00:00",
        "Thu, 26 Nov 2026 09:15:00 +0100": "2026-11-26T08:15:00+00:00",  # its zone kept
        "Fri, 27 Nov 2026 08:15:00 +0000": "2026-11-26T09:30:00+00:00",  # the future: when it came
        "Thu, 01 Jan 1970 00:00:00 +0000": "2026-11-26T09:30:00+00:00",  # before anyone could send it
    }
    for n, (date, said) in enumerate(cases.items()):
        raw = message(subject=f"Case {n}", message_id=f"<d{n}@acme.example>").replace(
            b"Thu, 26 Nov 2026 08:15:00 +0000", date.encode())
        outcome = receive(store, mail.parse(raw), known)
        inc = store.get("incidents", outcome.incident)
        assert inc.mail[0].at == clock.parse_datetime(said), date
        assert inc.opened_at == now, date  # the shop received it now, whatever the sender's clock said
    # a Date long before the first server saw it: the server's time
    raw = (b"Received: from mx.acme.example by mx.harbourlane.example; Wed, 25 Nov 2026 10:00:00 +0000\n"
           + message(subject="Old clock", message_id="<d9@acme.example>").replace(
               b"Thu, 26 Nov 2026 08:15:00 +0000", b"Sat, 01 Jan 2000 10:00:00 +0000"))
    inc = store.get("incidents", receive(store, mail.parse(raw), known).incident)
    assert inc.mail[0].at == clock.parse_datetime("2026-11-25T10:00:00+00:00") and inc.opened_at == now


def test_senders_keep_their_names_however_they_are_written(store):
    from vse_tui.core.intake.mail_intake import receive

    known = store.mail_ids()
    senders = {
        "dana@acme.example (Dana Wells)": ("Dana Wells", "dana@acme.example"),
        "dana at acme.example (Dana Wells)": ("Dana Wells", "dana@acme.example"),
        "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <Juergen@Acme.example>": ("Jürgen Müller", "juergen@acme.example"),
        "=?iso-8859-1?q?Ren=E9e?= Dubois <renee@acme.example>": ("Renée Dubois", "renee@acme.example"),
        "omar at bolt.example": ("", "omar@bolt.example"),
    }
    for n, (sender, expected) in enumerate(senders.items()):
        raw = message(subject=f"From {n}", sender=sender, message_id=f"<s{n}@acme.example>")
        inc = store.get("incidents", receive(store, mail.parse(raw), known).incident)
        name, address = expected
        assert (inc.reporter, inc.reporter_contact) == (name or address, address), sender


def test_a_maildir_is_read_in_new_and_unseen_cur_and_an_empty_import_says_why(store, settings, tmp_path):
    """As mutt leaves a Maildir: unread mail moved to cur/ without the S flag."""
    root = Path(settings.maildir)
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True)
    (root / "cur" / "1764145000.M1P1.host:2,").write_bytes(message(subject="Unread in cur", message_id="<c1@a>"))
    (root / "cur" / "1764145001.M2P1.host:2,F").write_bytes(message(subject="Flagged, unread", message_id="<c2@a>"))
    (root / "cur" / "1764145002.M3P1.host:2,S").write_bytes(message(subject="Read already", message_id="<c3@a>"))
    (root / "new" / "1764145003.M4P1.host").write_bytes(message(subject="New one", message_id="<c4@a>"))
    result = intake(store, root, settings)
    assert sorted(i.summary for i in store.records("incidents")) == ["Flagged, unread", "New one", "Unread in cur"]
    assert sorted(p.name.split(":2,")[1] for p in (root / "cur").iterdir()) == ["FS", "S", "S", "S"]
    again = intake(store, root, settings)
    assert again.outcomes == [] and "no message" in again.line() and "4 in cur/ already marked seen" in again.line()
    assert "--all" in again.line()
    assert intake(store, root, settings, everything=True).count("new") == 1  # the one read already, on request
    assert result.count("new") == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .eml file" in intake(store, empty, settings).line()
    text = tmp_path / "notes.txt"
    text.write_text("Subject: not an mbox\n\nhello\n")
    assert "not an mbox file" in intake(store, text, settings).line()


def test_an_mbox_archive_keeps_each_messages_date_and_sender(store, settings, tmp_path):
    from vse_tui.core.kernel import clock

    archive = tmp_path / "list.mbox"
    archive.write_bytes(
        b"From dana at acme.example  Tue Nov 10 16:51:00 2026\n"
        b"From: dana at acme.example (Dana Wells)\nSubject: Backups fail\nMessage-ID: <a1@acme.example>\n"
        b"Date: Tue, 10 Nov 2026 16:50:12 +0000\n\nThe nightly backup fails.\n\n"
        b"From omar at bolt.example  Wed Nov 11 09:00:00 2026\n"
        b"From: omar at bolt.example (Omar Haddad)\nSubject: No date here\nMessage-ID: <a2@bolt.example>\n\n"
        b"Printer offline.\n")
    result = intake(store, archive, settings)
    assert result.count("new") == 2
    by = {i.summary: i for i in store.records("incidents")}
    assert (by["Backups fail"].reporter, by["Backups fail"].reporter_contact) == ("Dana Wells", "dana@acme.example")
    assert by["Backups fail"].mail[0].at == clock.parse_datetime("2026-11-10T16:50:12+00:00")
    assert by["No date here"].mail[0].at == clock.parse_datetime("2026-11-11T09:00:00+00:00")  # the From_ line's
    assert {i.opened_at for i in by.values()} == {clock.now()}  # opened when the shop took them in


def test_a_strangers_mail_never_reopens_a_closed_incident_it_waits_for_a_person(store, settings, tmp_path):
    """Issue 34 row 13: the tag is in every mail we send; knowing it is not enough."""
    from vse_tui.core.incidents.view import incident_view
    from vse_tui.core.intake.mail_intake import accept_held

    acme = store.add(Customer(name="Acme Bakery", email="office@acme.example"))
    inc = core.log_incident(store, "Printer jam", reporter="Dana", reporter_contact="dana@acme.example",
                            customer=acme.uuid)
    core.restore(store, inc.id, solution="Cleared the tray")
    core.close(store, inc.id, confirmed_by="Dana", acknowledgement="Dana printed a page with me")
    box = mailbox.Maildir(settings.maildir, create=True)
    box.add(message(subject=f"Re: [{inc.id}] Printer jam", body="Click this link.", sender="mallory@evil.example",
                    message_id="<evil1@evil.example>"))
    result = intake(store, settings.maildir, settings)
    assert [o.what for _, o in result.outcomes] == ["held"] and "held for a person" in result.line()
    held = store.get("incidents", inc.id)
    assert held.status == "closed" and held.reopened == 0 and held.mail[-1].kind == "held"
    assert "mail from mallory@evil.example: HELD" in incident_view(store, inc.id).as_text()
    box.add(message(subject=f"Re: [{inc.id}] Printer jam", body="It jams again.", sender="Kim <kim@acme.example>",
                    message_id="<kim1@acme.example>"))  # a colleague at the customer (its domain)
    intake(store, settings.maildir, settings)
    assert store.get("incidents", inc.id).status != "closed"
    core.restore(store, inc.id, solution="New roller")
    core.close(store, inc.id, confirmed_by="Dana", acknowledgement="Printed again")
    reopened = accept_held(store, inc.id)
    assert reopened.status != "closed" and [m.kind for m in reopened.mail] == ["reply", "reply"]


@pytest.mark.slow  # a growth guard
def test_a_thousand_replies_grow_the_database_linearly(store, settings):
    """Issue 34 row 5: each reply stores the reply, not the whole thread again (the history of the
    thread's 1,000 replies holds each once), and `incident show` stays quick."""
    import os

    from vse_tui.core.incidents.view import incident_view
    from vse_tui.core.intake.mail_intake import receive

    known = store.mail_ids()
    first = receive(store, mail.parse(message(subject="Shared drive slow", message_id="<t0@acme.example>")), known)
    inc = store.get("incidents", first.incident)
    body = "The shared drive is still slow this morning; opening a spreadsheet takes a minute. " * 15  # ~1.3 KB
    sizes = {}

    def size() -> int:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return os.path.getsize(store.path)

    sizes[0] = size()
    template = message(subject=f"Re: [{inc.id}] Shared drive slow", body=f"NNNN: {body}", message_id="<tNNNN@acme.example>")
    with store.bulk():  # as an import of a mailbox runs: no flush to the disk at every message
        for n in range(1, 1001):
            raw = template.replace(b"NNNN", str(n).zfill(4).encode())
            assert receive(store, mail.parse(raw), known).what == "reply"
            if n in (250, 1000):
                sizes[n] = size()
    first_quarter = (sizes[250] - sizes[0]) / 250
    rest = (sizes[1000] - sizes[250]) / 750
    assert rest < 2 * first_quarter + 4096, sizes  # linear: a later reply costs what an early one did
    stored = sum(len(h["new_value"] or "") + len(h["old_value"] or "") for h in store.history(inc.uuid))
    assert stored < 3 * 1000 * len(body), stored  # each reply's text about once (quadratic: ~500 times)
    started = time.perf_counter()
    text = incident_view(store, inc.id).as_text()
    assert time.perf_counter() - started < 30 and text.count("mail from Dana Wells <dana@acme.example>: a reply") == 1000
    assert verify(store) == []


def test_a_notice_for_a_change_whose_window_is_past_says_so(tmp_path):
    import os

    from vse_tui.core.control import changes
    from vse_tui.core.kernel import clock
    from vse_tui.store import Actor, open_store

    config = Path(os.environ["VSE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[mail]\nfrom = "{SHOP}"\n')
    db = tmp_path / "shop.db"
    store = open_store(db, Actor(operator="Kim", os_user="kim", host="desk"))
    past = changes.request(store, "Replace the firewall")
    store.update("change_requests", past.uuid, {"planned_at": clock.parse_datetime("2026-11-20T18:00:00+00:00"),
                                                 "planned_end": clock.parse_datetime("2026-11-20T19:00:00+00:00")})
    ahead = changes.request(store, "Move mail")
    store.update("change_requests", ahead.uuid, {"planned_at": clock.parse_datetime("2026-12-20T18:00:00+00:00")})
    store.close()
    code, _, err = _cli("change", "notify", past.id, "--to", "it@acme.example", "--db", str(db))
    assert code == 0 and "warning" in err and "already past" in err
    code, _, err = _cli("change", "notify", ahead.id, "--to", "it@acme.example", "--db", str(db))
    assert code == 0 and "warning" not in err


MASTER_CF = """{port} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
proxymap unix - - n - - proxymap
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""


@pytest.fixture
def postfix():
    """A Postfix of our own on loopback, hardened (bare LF refused), one recipient gone for good,
    the rest accepted and discarded. Skipped when Postfix is not installed or we are not root."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    if not shutil.which("postfix") or os.geteuid() != 0:
        pytest.skip("Postfix is not installed here (apt-get install postfix), or this is not root")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(tempfile.mkdtemp(prefix="vse-postfix-", dir="/tmp"))
    os.chmod(root, 0o755)
    for sub in ("conf", "queue", "data"):
        (root / sub).mkdir()
    shutil.chown(root / "data", "postfix")
    (root / "conf" / "main.cf").write_text(f"""compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
maillog_file_prefixes = {root}
maillog_file = {root}/maillog
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.acme.example
mydestination =
mynetworks = 127.0.0.0/8
relay_domains = acme.example
default_transport = discard
relay_transport = discard
smtpd_forbid_bare_newline = reject
smtpd_forbid_bare_newline_exclusions =
smtpd_recipient_restrictions = check_recipient_access inline:{{ {{gone@acme.example = 554 5.1.1 Mailbox gone}} }},
    permit_mynetworks, reject
""")
    (root / "conf" / "master.cf").write_text(MASTER_CF.format(port=f"127.0.0.1:{port}"))
    started = subprocess.run(["postfix", "-c", str(root / "conf"), "start"], capture_output=True, timeout=60)
    if started.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"Postfix would not start here: {started.stderr.decode()[:200]}")
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield port, root
    subprocess.run(["postfix", "-c", str(root / "conf"), "stop"], capture_output=True, timeout=60)
    shutil.rmtree(root, ignore_errors=True)


def test_a_real_postfix_that_refuses_bare_newlines_accepts_our_mail(store, settings, postfix):
    import smtplib

    port, root = postfix
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as strict:  # the server is as strict as it says
        strict.ehlo()
        strict.mail(SHOP)
        strict.rcpt("dana@acme.example")
        code, reply = strict.data(b"Subject: a bare newline\n\nbody\n")
        assert code == 550 and b"bare <LF>" in reply
    settings.smtp_port = port
    settings.helo_name = "desk.harbourlane.example"
    kept = core.log_incident(store, "Printer jam " * 12, reporter="Dana", reporter_contact="dana@acme.example",
                             details="Long. " * 300)
    gone = core.log_incident(store, "VPN drops", reporter="Old", reporter_contact="gone@acme.example")
    notify_by_mail(store, kept.id, task="IN.2.3", sender=settings.sender)
    notify_by_mail(store, gone.id, task="IN.2.3", sender=settings.sender)
    sent, errors = send_outbox(store, settings)
    assert sent == 1 and len(errors) == 1 and "554 5.1.1" in errors[0] and "Mailbox gone" in errors[0]
    ok = store.get("incidents", kept.id).notifications[-1]
    assert ok.state == "sent" and "250 2.0.0 Ok: queued as" in ok.delivery
    refused = store.get("incidents", gone.id).notifications[-1]
    assert refused.state == "refused" and "Recipient address rejected: Mailbox gone" in refused.delivery
    log = (root / "maillog").read_text() if (root / "maillog").exists() else ""
    assert "bare <LF>" in log and "helo=<desk.harbourlane.example>" in log


def test_notifying_by_mail_a_reporter_with_no_address_says_what_to_do(store, settings):
    """A caller logged with a phone number only: the mail had nowhere to go and the error quoted an
    empty address ("To: '' is not an e-mail address"). Nothing is queued or recorded."""
    from vse_tui.core.incidents.process import log_incident
    from vse_tui.core.kernel.errors import InputError

    inc = log_incident(store, "Printer down", reporter="Dana", reporter_contact="+44 20 7946 0101")
    with pytest.raises(InputError, match="INC-0001: the reporter has no e-mail address"):
        notify_by_mail(store, inc.id, task="IN.2.3", sender=settings.sender)
    assert store.get("incidents", inc.id).notifications == []


def test_the_intake_line_counts_one_incident_and_one_reply_in_the_singular():
    from vse_tui import i18n
    from vse_tui.core.intake.mail_intake import IntakeResult, Outcome

    one = IntakeResult([("a.eml", Outcome("new", "INC-0001")), ("b.eml", Outcome("reply", "INC-0002"))])
    assert one.line().startswith("1 new incident, 1 reply, ")
    two = IntakeResult([(n, Outcome("new", "INC-0001")) for n in "ab"])
    assert two.line().startswith("2 new incidents, 0 replies, ")
    with i18n.using("fr"):
        assert one.line().startswith("1 nouvel incident, 1 réponse, ")
