"""A shop database and a technician's copy both change, exchange bundles in both directions and end
up holding the same records, with the conflicts listed exactly and both chains verifying."""

import gzip
import json

import pytest

from vse_tui.cli import main
from vse_tui.core import incidents as core
from vse_tui.core.errors import InputError
from vse_tui.store import Actor, open_store, sync
from vse_tui.store.chain import verify


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
    assert shop.count("history") == rows and shop.get("incidents", "INC-0001").version == before
    # and the shop's next bundle does not send the laptop's own events back
    core.log_incident(shop, "Wi-Fi slow")
    back = sync.export_bundle(shop, folder / "s1.vsb")
    assert back["events"] == 1


def test_damaged_truncated_foreign_and_tampered_bundles_are_refused_whole(pair, tmp_path):
    shop, tech, folder = pair
    for i in range(5):
        core.log_incident(tech, f"Ticket {i}")
    bundle = folder / "t1.vsb"
    sync.export_bundle(tech, bundle)
    rows = shop.count("history")
    data = bundle.read_bytes()
    (folder / "cut.vsb").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="damaged"):
        sync.import_bundle(shop, folder / "cut.vsb")
    doc = json.loads(gzip.decompress(data))
    event = next(e for e in doc["body"]["events"] if "Ticket 2" in (e["new_value"] or ""))
    event["new_value"] = event["new_value"].replace("Ticket 2", "Ticket 9")
    (folder / "edited.vsb").write_bytes(gzip.compress(json.dumps(doc).encode()))
    with pytest.raises(InputError, match="checksum"):
        sync.import_bundle(shop, folder / "edited.vsb")
    import hashlib

    payload = json.dumps(doc["body"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    doc["sha256"] = hashlib.sha256(payload).hexdigest()  # a careful forger fixes the checksum: the chain still tells
    (folder / "forged.vsb").write_bytes(gzip.compress(json.dumps(doc).encode()))
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
    assert "bundle written" in out and "1 events applied" in out
    assert main(["sync", "import", str(tmp_path / "b.vsb"), "--db", shop_db]) == 0
    assert "0 events applied; 1 already here" in capsys.readouterr().out
    assert main(["sync", "peers", "--db", shop_db]) == 0
    assert "laptop" in capsys.readouterr().out
    assert main(["sync", "conflicts", "--db", shop_db]) == 0
    assert "no open conflicts" in capsys.readouterr().out
