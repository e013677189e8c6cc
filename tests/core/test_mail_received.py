"""A mail opens its incident when the shop received it (the import), never at the Date its sender's
computer wrote: an .eml dated months back must not backdate the record nor skew the service-level
figures. The Date is kept with the message and shown beside it. Messages written the way Outlook
and Thunderbird save them."""

import contextlib
import io
from datetime import UTC, datetime, timedelta

from vse_tui.cli import main
from vse_tui.core.incidents.targets import assess, target_for
from vse_tui.core.kernel import clock

# Outlook (Microsoft 365) saves a message as .eml with CRLF lines, its server's Received header,
# Thread-Index, and a multipart/alternative body with quoted-printable parts.
OUTLOOK = (
    b"Received: from AM9PR02MB7410.eurprd02.prod.outlook.com (2603:10a6:20b:43b::9) by\r\n"
    b" DB9PR02MB6970.eurprd02.prod.outlook.com with HTTPS; Mon, 1 Jun 2026 08:04:35\r\n +0000\r\n"
    b"From: Dana Wells <dana@acme.example>\r\n"
    b"To: Harbour Lane IT <help@harbourlane.example>\r\n"
    b"Subject: Printer on floor 2 jams again\r\n"
    b"Thread-Topic: Printer on floor 2 jams again\r\n"
    b"Thread-Index: AdqzT0x1cHJpbnRlcmphbXNhZ2Fpbg==\r\n"
    b"Date: Mon, 1 Jun 2026 08:04:33 +0000\r\n"
    b"Message-ID: <AM9PR02MB74108C2F1E3D4B5A6C7D8E9FA0B1@AM9PR02MB7410.eurprd02.prod.outlook.com>\r\n"
    b"Accept-Language: en-GB, en-US\r\n"
    b"Content-Language: en-GB\r\n"
    b"X-MS-Has-Attach:\r\n"
    b"X-MS-TNEF-Correlator:\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative;\r\n\tboundary="_000_AM9PR02MB74108C2F1E3D4B5A6C7D8E9FA0B1_"\r\n'
    b"\r\n"
    b"--_000_AM9PR02MB74108C2F1E3D4B5A6C7D8E9FA0B1_\r\n"
    b'Content-Type: text/plain; charset="us-ascii"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Hello,\r\n\r\nThe printer on floor 2 jams on every second page since this morning.\r\n\r\nDana\r\n"
    b"\r\n"
    b"--_000_AM9PR02MB74108C2F1E3D4B5A6C7D8E9FA0B1_\r\n"
    b'Content-Type: text/html; charset="us-ascii"\r\n'
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b'<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dus-ascii">'
    b"</head><body><p>Hello,</p><p>The printer on floor 2 jams on every second page since this morning.</p>"
    b"<p>Dana</p></body></html>\r\n"
    b"\r\n"
    b"--_000_AM9PR02MB74108C2F1E3D4B5A6C7D8E9FA0B1_--\r\n"
)

# Thunderbird: no Received header (saved from the sender's own copy), format=flowed, 8bit UTF-8.
THUNDERBIRD = (
    "Message-ID: <5b1e0c9a-7d42-4f1e-9a3b-2c6d8e0f1a2b@bolt.example>\r\n"
    "Date: Tue, 15 Sep 2026 17:42:10 +0200\r\n"
    "MIME-Version: 1.0\r\n"
    "User-Agent: Mozilla Thunderbird\r\n"
    "Content-Language: fr\r\n"
    "To: help@harbourlane.example\r\n"
    "From: Omar Haddad <omar@bolt.example>\r\n"
    "Subject: Le VPN coupe toutes les heures\r\n"
    "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Bonjour,\r\n\r\nLe VPN se coupe toutes les heures depuis la mise à jour.\r\n\r\nOmar\r\n"
).encode()


def _import(db, path):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), "mail", "import", str(path)])
    assert code == 0, err.getvalue()
    return out.getvalue()


def _show(db, ref):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(db), "incident", "show", ref]) == 0
    return out.getvalue()


def test_an_old_eml_opens_its_incident_when_imported_and_keeps_its_date_beside_it(store, tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "Printer on floor 2 jams again.eml").write_bytes(OUTLOOK)
    (folder / "Le VPN coupe toutes les heures.eml").write_bytes(THUNDERBIRD)
    _import(tmp_path / "t.db", folder)
    now = clock.now()
    by = {i.summary: i for i in store.records("incidents")}
    printer, vpn = by["Printer on floor 2 jams again"], by["Le VPN coupe toutes les heures"]
    for inc, dated in ((printer, datetime(2026, 6, 1, 8, 4, 33, tzinfo=UTC)),
                       (vpn, datetime(2026, 9, 15, 15, 42, 10, tzinfo=UTC))):
        assert inc.opened_at == now, inc.summary  # when the shop received it
        assert inc.mail[0].at == dated and inc.mail[0].received_at == now  # what the mail said, kept
        clock_ = assess(inc, target_for(store, inc), now)
        assert not clock_.breached, inc.summary  # months of "lateness" the shop never had
    shown = _show(tmp_path / "t.db", printer.id)
    assert "mail from Dana Wells <dana@acme.example>: opened it (dated 2026-06-01 " in shown
    assert "by its sender)" in shown


def test_on_the_real_clock_the_incident_opens_now(store, tmp_path, monkeypatch):
    monkeypatch.delenv("VSE_TUI_NOW")
    eml = tmp_path / "old.eml"
    eml.write_bytes(THUNDERBIRD)
    before = datetime.now(UTC)
    _import(tmp_path / "t.db", eml)
    [inc] = store.records("incidents")
    assert before - timedelta(seconds=1) <= inc.opened_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert inc.mail[0].at == datetime(2026, 9, 15, 15, 42, 10, tzinfo=UTC)
