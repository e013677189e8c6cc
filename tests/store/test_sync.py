"""A shop database and a technician's copy both change, exchange bundles in both directions and end
up holding the same records, with the conflicts listed exactly and both chains verifying."""

import base64
import gzip
import json

import pytest

from vse_tui.cli import main
from vse_tui.core.incidents import process as core
from vse_tui.core.kernel.errors import InputError
from vse_tui.store import Actor, open_store, sync
from vse_tui.store.chain import verify

from .. import bundles


@pytest.fixture
def pair(tmp_path):
    shop = open_store(tmp_path / "shop.db", Actor(operator="Kim", os_user="kim", host="shop"))
    for summary in ("Mail slow", "Printer offline", "VPN drops", "Backup failed"):
        core.log_incident(shop, summary)
    made = sync.clone(shop, tmp_path / "tech.db", "Sam's laptop")
    tech = open_store(made["path"], Actor(operator="Sam", os_user="sam", host="laptop"))
    yield shop, tech, tmp_path
    shop.close()
    tech.close()


def exchange(a, b, folder, name):
    out = folder / f"{name}.vsb"
    sync.export_bundle(a, out)
    return sync.import_bundle(b, out), out


def tickets_sent(tech, bundle, count):
    """`count` tickets logged on the copy, then its bundle written to `bundle`."""
    for i in range(count):
        core.log_incident(tech, f"Ticket {i}")
    sync.export_bundle(tech, bundle)
    return bundle


def records(store):
    """uuid -> the fields both sides must agree on (the human id may differ after a renumbering)."""
    skip = {"id", "version", "updated_at", "updated_by", "notes"}
    return {i.uuid: {k: v for k, v in i.model_dump(mode="json").items() if k not in skip}
            for i in store.records("incidents")}


def test_both_sides_change_then_merge_in_both_directions(pair):
    shop, tech, folder = pair
    assert shop.site_id != tech.site_id
    # new incidents on both sides: the same next number, INC-0005, for different records
    shop_new = core.log_incident(shop, "Server room too warm")
    tech_new = core.log_incident(tech, "Label printer needs toner")
    assert shop_new.id == tech_new.id == "INC-0005"
    # edits to different fields of one record
    shop.update("incidents", "INC-0001", {"details": "Since the move to the new tenant"})
    tech.update("incidents", "INC-0001", {"category": "mail"})
    # the same field of one record on both sides
    shop.update("incidents", "INC-0002", {"details": "Paper tray 2 only"})
    tech.update("incidents", "INC-0002", {"details": "Every tray, driver error 0x1"})
    # closed at the shop, updated on the laptop
    core.restore(shop, "INC-0003", solution="Renewed the VPN certificate")
    core.close(shop, "INC-0003", confirmed_by="Dana at Acme", acknowledgement="Dana tested the tunnel with us")
    tech.update("incidents", "INC-0003", {"steps_taken": "Checked the tunnel logs"})

    to_shop, _ = exchange(tech, shop, folder, "t1")
    assert to_shop.renumbered == [("INC-0005", "INC-0006")] and to_shop.created == 1
    assert (to_shop.conflicts, to_shop.notes) == (2, 1)  # the same field; the edit after closure (flagged)
    to_tech, _ = exchange(shop, tech, folder, "s1")
    assert to_tech.renumbered == [("INC-0005", "INC-0006")]

    # nothing entered on either side is missing, and both hold the same records
    assert {i.summary for i in shop.records("incidents")} == {i.summary for i in tech.records("incidents")} == {
        "Mail slow", "Printer offline", "VPN drops", "Backup failed", "Server room too warm", "Label printer needs toner"}
    a, b = records(shop), records(tech)
    assert set(a) == set(b)
    differing = {(shop.get("incidents", u).id, k) for u in a for k in a[u] if a[u][k] != b[u][k]}
    assert differing == {("INC-0002", "details"), ("INC-0003", "steps_taken")}
    one = shop.get("incidents", "INC-0001")
    assert (one.details, one.category) == ("Since the move to the new tenant", "mail")
    assert (tech.get("incidents", "INC-0001").details, tech.get("incidents", "INC-0001").category) == (
        "Since the move to the new tenant", "mail")
    # the closed incident stayed closed at the shop, with the laptop's edit as a note; the laptop got the closure
    closed = shop.get("incidents", "INC-0003")
    assert (closed.status, closed.steps_taken) == ("closed", "") and "Checked the tunnel logs" in closed.notes
    assert tech.get("incidents", "INC-0003").status == "closed"
    # the conflicts are listed exactly, on each side
    listed = [(c["ref"], c["field"], c["reason"], c["local_value"], c["remote_value"]) for c in sync.open_conflicts(shop)]
    assert listed == [
        ("INC-0002", "details", "changed on both sides", "Paper tray 2 only", "Every tray, driver error 0x1"),
        ("INC-0003", "steps_taken", "changed elsewhere after it was closed here (kept as a note)", "",
         "Checked the tunnel logs")]
    assert [(c["ref"], c["field"], c["local_value"], c["remote_value"]) for c in sync.open_conflicts(tech)] == [
        ("INC-0002", "details", "Every tray, driver error 0x1", "Paper tray 2 only")]
    # the renumbered record is still found by its old number
    assert shop.find("INC-0006").summary == "Label printer needs toner"
    assert tech.find("INC-0006").summary == "Server room too warm"
    assert verify(shop) == [] and verify(tech) == []

    # the operator chooses; the choice is in history, and the next exchange carries it
    conflict = sync.open_conflicts(shop)[0]
    sync.resolve(shop, conflict["id"], "remote")
    assert shop.get("incidents", "INC-0002").details == "Every tray, driver error 0x1"
    assert [h["action"] for h in shop.history(conflict["record"])][-2:] == ["update", "resolve"]
    with pytest.raises(InputError, match="already settled"):
        sync.resolve(shop, conflict["id"], "local")
    assert verify(shop) == []

    # the export carries all of it: the copies known, the old numbers, each conflict and its outcome
    from vse_tui.reports.export import export_document

    doc = export_document(shop)["sync"]
    assert doc["site"] == shop.site_id and [p["site"] for p in doc["peers"]] == [tech.site_id]
    assert [(a["alias"], a["kind"]) for a in doc["aliases"]] == [("INC-0005", "incidents")]
    assert [(c["record_id"], c["field"], c["state"], c["resolution"]) for c in doc["conflicts"]] == [
        ("INC-0002", "details", "resolved", "remote"), ("INC-0003", "steps_taken", "open", None)]


def test_the_same_bundle_twice_changes_nothing(pair):
    shop, tech, folder = pair
    core.log_incident(tech, "Scanner offline")
    tech.update("incidents", "INC-0001", {"details": "Outlook only"})
    first, bundle = exchange(tech, shop, folder, "t1")
    assert first.applied == 2
    rows = shop.count("history")
    before = shop.get("incidents", "INC-0001").version
    told: list[tuple[int, int]] = []
    again = sync.import_bundle(shop, bundle, progress=lambda done, total: told.append((done, total)))
    assert (again.applied, again.skipped, again.created) == (0, 2, 0)
    total = told[-1][1]  # every event of the bundle, those already here included
    assert total >= 2 and told == [(0, total), (total, total)]  # how far the merge is, first to last
    # no record changes; the history notes only the peer's last import (the sync state, verifiable)
    assert shop.count("history") == rows + 1 and shop.get("incidents", "INC-0001").version == before
    assert shop.conn.execute("SELECT kind FROM history ORDER BY seq DESC LIMIT 1").fetchone()[0] == "peers"
    # and the shop's next bundle does not send the laptop's own events back
    core.log_incident(shop, "Wi-Fi slow")
    back = sync.export_bundle(shop, folder / "s1.vsb")
    assert back["events"] == 1


def test_damaged_truncated_foreign_and_tampered_bundles_are_refused_whole(pair, tmp_path):
    shop, tech, folder = pair
    bundle = tickets_sent(tech, folder / "t1.vsb", 5)
    rows = shop.count("history")
    data = bundle.read_bytes()
    (folder / "cut.vsb").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="damaged"):
        sync.import_bundle(shop, folder / "cut.vsb")
    doc = bundles.load(bundle)
    event = next(e for e in doc["body"]["events"] if "Ticket 2" in (e["new_value"] or ""))
    event["new_value"] = event["new_value"].replace("Ticket 2", "Ticket 9")
    bundles.save(doc, folder / "edited.vsb", checksum=False)
    with pytest.raises(InputError, match=r"event \d+ does not hash as its chain says"):
        sync.import_bundle(shop, folder / "edited.vsb")
    renamed = bundles.load(bundle)
    renamed["body"]["from_name"] = "Someone else"  # in no event's hash: the checksum tells
    bundles.save(renamed, folder / "renamed.vsb", checksum=False)
    with pytest.raises(InputError, match="checksum does not match"):
        sync.import_bundle(shop, folder / "renamed.vsb")
    bundles.save(doc, folder / "forged.vsb")  # a careful forger fixes the checksum: the chain still tells
    with pytest.raises(InputError, match="does not hash as its chain says"):
        sync.import_bundle(shop, folder / "forged.vsb")
    stranger = open_store(tmp_path / "other.db", Actor(operator="X"))
    try:
        with pytest.raises(InputError, match="does not know"):
            sync.import_bundle(stranger, bundle)
    finally:
        stranger.close()
    assert shop.count("history") == rows and shop.count("incidents") == 4
    assert sync.import_bundle(shop, bundle).created == 5


def test_the_command_line_round_trip(tmp_path, capsys):
    shop_db, tech_db = str(tmp_path / "shop.db"), str(tmp_path / "tech.db")
    assert main(["incident", "add", "Mail slow", "--db", shop_db]) == 0
    assert main(["sync", "clone", "--out", tech_db, "--name", "laptop", "--db", shop_db]) == 0
    assert main(["incident", "add", "Printer jam", "--db", tech_db]) == 0
    assert main(["sync", "export", "--out", str(tmp_path / "b.vsb"), "--db", tech_db]) == 0
    assert main(["sync", "import", str(tmp_path / "b.vsb"), "--db", shop_db]) == 0
    out = capsys.readouterr().out
    assert "bundle written" in out and "1 event applied" in out
    assert main(["sync", "import", str(tmp_path / "b.vsb"), "--db", shop_db]) == 0
    assert "0 events applied; 1 already here" in capsys.readouterr().out
    assert main(["sync", "peers", "--db", shop_db]) == 0
    assert "laptop" in capsys.readouterr().out
    assert main(["sync", "conflicts", "--db", shop_db]) == 0
    assert "no open conflicts" in capsys.readouterr().out


def test_attached_files_travel_in_parts_and_arrive_whole_and_private(pair):
    import os
    import stat

    from vse_tui.core.evidence.attachments import attach, stored_path
    from vse_tui.store import bundle

    shop, tech, folder = pair
    content = os.urandom(2 * bundle.FILE_PART + 12345)  # three parts on three lines
    scan = folder / "scan.pdf"
    scan.write_bytes(content)
    made = attach(tech, "INC-0001", scan, "the signed form")
    out = folder / "files.vsb"
    sent = sync.export_bundle(tech, out)
    assert sent["files"] == 1
    doc = bundles.load(out)
    assert doc["body"]["version"] == 2 and len(doc["body"]["files"]) == 1
    # a part changed, the checksum recomputed: the file no longer matches its hash, nothing applied
    forged = bundles.load(out)
    data = bytearray(base64.b64decode(forged["body"]["files"][made.sha256]))
    data[bundle.FILE_PART + 7] ^= 1
    forged["body"]["files"][made.sha256] = base64.b64encode(bytes(data)).decode()
    bundles.save(forged, folder / "forged.vsb")
    rows = shop.count("history")
    with pytest.raises(InputError, match="an attached file does not match its hash"):
        sync.import_bundle(shop, folder / "forged.vsb")
    assert shop.count("history") == rows and not stored_path(shop, made.sha256).exists()
    result = sync.import_bundle(shop, out)
    arrived = stored_path(shop, made.sha256)
    assert result.files == 1 and arrived.read_bytes() == content
    assert stat.S_IMODE(arrived.stat().st_mode) == 0o600
    assert [a.name for a in shop.records("attachments")] == ["scan.pdf"]
    assert sync.import_bundle(shop, out).files == 0  # here already: not written again


def test_a_bundle_from_an_earlier_version_still_merges(pair, capsys):
    shop, tech, folder = pair
    core.log_incident(tech, "Label printer offline")
    sync.export_bundle(tech, folder / "new.vsb")
    old = folder / "old.vsb"
    bundles.save_v1(bundles.load(folder / "new.vsb"), old)  # as vse-tui wrote it before bundles were lines
    assert sync.import_bundle(shop, old).created == 1
    assert [i.summary for i in shop.records("incidents")][-1] == "Label printer offline"
    tech_path = str(tech.path)
    tech.close()
    for anchor in (old, folder / "new.vsb"):  # each carries the sender's tip
        assert main(["verify", "--anchor", str(anchor), "--db", tech_path]) == 0
        assert "nothing up to row" in capsys.readouterr().out


def test_a_big_bundle_is_written_and_merged_a_line_at_a_time(pair, monkeypatch):
    """Nothing holds the whole bundle: export streams rows into the file, the merge reads it a
    line at a time (here: a line longer than the limit is refused, and progress runs to the end)."""
    from vse_tui.store import bundle

    shop, tech, folder = pair
    for i in range(30):
        core.log_incident(tech, f"Ticket {i}")
    told: list[tuple[int, int]] = []
    monkeypatch.setattr(sync, "EXPORT_PROGRESS_EVERY", 10)
    sent = sync.export_bundle(tech, folder / "big.vsb", progress=lambda done, total: told.append((done, total)))
    n = sent["events"]  # the 30 incidents and the copy's own first rows (its site id)
    assert n >= 30 and told == [(k, n) for k in range(10, n + 1, 10)] + [(n, n)]
    lines = gzip.decompress((folder / "big.vsb").read_bytes()).splitlines()
    assert [next(iter(json.loads(line))) for line in lines] == ["header"] + ["event"] * n + ["end"]
    monkeypatch.setattr(bundle, "MAX_LINE_BYTES", max(len(line) for line in lines) - 1)
    with pytest.raises(InputError, match="holds a line longer than"):
        sync.import_bundle(shop, folder / "big.vsb")
    assert shop.count("incidents") == 4
    monkeypatch.undo()
    assert sync.import_bundle(shop, folder / "big.vsb").created == 30


def test_a_bundle_replaced_between_its_check_and_its_merge_is_refused_whole(pair, monkeypatch):
    shop, tech, folder = pair
    bundle = tickets_sent(tech, folder / "t.vsb", 3)
    forged = bundles.load(bundle)
    forged["body"]["events"][-1]["new_value"] = forged["body"]["events"][-1]["new_value"].replace("Ticket", "Forged")
    bundles.rehash(forged["body"])  # every hash and the checksum recomputed: whole in itself
    opened = sync.open_bundle

    def swapped_after_the_check(path):
        checked = opened(path)
        bundles.save(forged, bundle)
        return checked

    monkeypatch.setattr(sync, "open_bundle", swapped_after_the_check)
    rows = shop.count("history")
    with pytest.raises(InputError, match="changed while it was read"):
        sync.import_bundle(shop, bundle)
    assert shop.count("history") == rows and shop.count("incidents") == 4
    monkeypatch.undo()
    assert sync.import_bundle(shop, bundle).created == 3  # the forged file, read and checked on its own: whole


def test_a_big_merge_fills_the_search_index_once_as_records_end_up(pair, monkeypatch):
    """From BULK_MERGE events the merge indexes its new records for search at its end, in one
    statement per kind (row by row costs a third of a big merge): each is found once, by its last
    title; the triggers are back afterwards, and after a merge refused half-way."""
    shop, tech, folder = pair
    monkeypatch.setattr(sync, "BULK_MERGE", 1)
    renamed = core.log_incident(tech, "Scanner jams on tray 2")
    tech.update("incidents", renamed.id, {"summary": "Scanner feeds two sheets"})
    core.log_incident(tech, "Projector flickers")
    triggers = shop.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()
    sync.export_bundle(tech, folder / "t.vsb")
    bad = bundles.load(folder / "t.vsb")
    create = next(e for e in bad["body"]["events"] if e["action"] == "create" and "Projector" in e["new_value"])
    create["new_value"] = json.dumps({**json.loads(create["new_value"]), "impact": "catastrophic"})
    bundles.rehash(bad["body"])
    bundles.save(bad, folder / "bad.vsb")
    with pytest.raises(InputError, match="makes no valid record"):
        sync.import_bundle(shop, folder / "bad.vsb")
    assert shop.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall() == triggers
    assert sync.import_bundle(shop, folder / "t.vsb").created == 2
    assert shop.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall() == triggers
    found = [title for _kind, _uuid, _id, title in shop.search("scanner")]
    assert found == ["Scanner feeds two sheets"]
    assert [title for _kind, _uuid, _id, title in shop.search("projector")] == ["Projector flickers"]
    indexed = shop.conn.execute("SELECT COUNT(*) FROM record_search WHERE kind = 'incidents'").fetchone()[0]
    assert indexed == shop.count("incidents")  # every incident once, the old ones too
    core.log_incident(shop, "Toner low")  # a record made afterwards goes in through the trigger again
    assert [title for _kind, _uuid, _id, title in shop.search("toner")] == ["Toner low"]


def test_a_copy_whose_clock_runs_ahead_never_pulls_the_shops_dates_forward(pair):
    """A laptop whose clock runs 400 days ahead syncs once: its changes are held as conflicts (and
    listed by the audit check), the shop's own changes keep being dated by the shop's clock."""
    from datetime import timedelta

    from vse_tui.core.evidence import audit_check
    from vse_tui.core.kernel import clock

    shop, tech, folder = pair
    now = clock.now()
    tech.clock = lambda: now + timedelta(days=400)  # type: ignore[method-assign]
    core.log_incident(tech, "Typed on the laptop far ahead")
    result, _ = exchange(tech, shop, folder, "ahead")
    assert result.conflicts == 1 and result.created == 0
    assert shop.count("incidents", {"summary": "Typed on the laptop far ahead"}) == 0
    later = core.log_incident(shop, "Typed at the shop afterwards")
    assert later.opened_at == now
    found = [f for f in audit_check.audit_check(shop) if f.rule == "time"]
    assert len(found) == 1 and "ahead of this computer's clock" in found[0].what
    # the same bundle again holds nothing twice
    again = sync.import_bundle(shop, folder / "ahead.vsb")
    assert again.conflicts == 0
    assert len([f for f in audit_check.audit_check(shop) if f.rule == "time"]) == 1


def test_a_change_merged_from_a_copy_a_little_ahead_keeps_its_time_and_leaves_the_clock_alone(pair):
    from datetime import timedelta

    from vse_tui.core.evidence import audit_check
    from vse_tui.core.kernel import clock

    shop, tech, folder = pair
    now = clock.now()
    tech.clock = lambda: now + timedelta(minutes=4)  # type: ignore[method-assign]
    made = core.log_incident(tech, "Typed on a laptop four minutes ahead")
    result, _ = exchange(tech, shop, folder, "close")
    assert result.created == 1 and result.conflicts == 0
    merged = shop.records("incidents", {"summary": "Typed on a laptop four minutes ahead"})[0]
    assert merged.created_at == made.created_at == now + timedelta(minutes=4)  # its own time
    later = core.log_incident(shop, "Typed at the shop afterwards")
    assert later.opened_at == now  # the shop's clock, not the merged change's
    assert [f for f in audit_check.audit_check(shop) if f.rule == "time"] == []


def test_mail_that_came_in_on_both_copies_merges_without_a_conflict(pair):
    """A record's mail grows by appending: a reply received at the shop and another on the laptop
    both end up on the incident on both sides, each once, with their texts; verify holds."""
    from email.message import EmailMessage

    from vse_tui.core.intake import mail
    from vse_tui.core.intake.mail_delivery import messages_of
    from vse_tui.core.intake.mail_intake import receive

    shop, tech, folder = pair

    def reply(store, n, text):
        msg = EmailMessage()
        msg["From"], msg["Subject"], msg["Message-ID"] = "dana@acme.example", "Re: [INC-0001] Mail slow", f"<r{n}@a>"
        msg.set_content(text)
        assert receive(store, mail.parse(bytes(msg)), store.mail_ids()).what == "reply"

    reply(shop, 1, "Still slow at the shop.")
    reply(tech, 2, "Slow here too.")
    to_shop, _ = exchange(tech, shop, folder, "t1")
    to_tech, _ = exchange(shop, tech, folder, "s1")
    assert (to_shop.conflicts, to_tech.conflicts) == (0, 0)
    for store in (shop, tech):
        inc = store.get("incidents", "INC-0001")
        assert sorted(m.message_id for m in inc.mail) == ["<r1@a>", "<r2@a>"]
        texts = sorted(m.text.strip() for m in messages_of(store, "incidents", inc))
        assert texts == ["Slow here too.", "Still slow at the shop."]
        assert verify(store) == []
