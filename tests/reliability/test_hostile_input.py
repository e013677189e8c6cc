"""Hostile input refused whole with a plain message and nothing written: bundles (malformed events,
bad base64, an event making an invalid record, a gzip bomb, impossible acknowledgements, a signature
required or forged), config files that are not text, paths with URI characters (issue: nothing
forged, items 18 and 20)."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess

import pytest

from vse_tui.cli import main
from vse_tui.core.incidents import process as core
from vse_tui.core.kernel.errors import InputError
from vse_tui.store import Actor, bundle, open_store, sync

from .. import bundles


@pytest.fixture
def pair(tmp_path):
    shop = open_store(tmp_path / "shop.db", Actor(operator="Kim", os_user="kim", host="shop"))
    core.log_incident(shop, "Mail slow")
    made = sync.clone(shop, tmp_path / "tech.db", "laptop")
    tech = open_store(made["path"], Actor(operator="Sam", os_user="sam", host="laptop"))
    for i in range(3):
        core.log_incident(tech, f"Ticket {i}")
    sync.export_bundle(tech, tmp_path / "good.vsb")
    yield shop, tech, tmp_path
    shop.close()
    tech.close()


def rewrite(source, target, change, unsigned: bool = False) -> None:
    """A bundle edited by someone who recomputes its checksum (and, if asked, the events' hashes)."""
    doc = bundles.load(source)
    if unsigned:
        doc.pop("signature", None)
    change(doc["body"])
    bundles.save(doc, target)


rehash = bundles.rehash


def set_first_create(body, **values) -> None:
    e = next(e for e in body["events"] if e["action"] == "create" and e["kind"] == "incidents")
    e.update(values)


CASES = {
    "an event that is not a dict": (lambda b: b["events"].insert(0, "boom"), "event 1 is not an event"),
    "an event without its kind": (lambda b: b["events"][0].pop("kind"), "has no valid kind"),
    "a sequence number as text": (lambda b: b["events"][0].update(seq="7"), "has no valid seq"),
    "a header naming more events than it holds": (lambda b: b.update(_declared=len(b["events"]) + 1),
                                                  r"it holds (\d+) events of the \d+ its header names"),
    "a sender that is not text": (lambda b: b.update(from_site=7), "from_site is missing or of the wrong kind"),
    "a file that is not base64": (lambda b: b["files"].update({"a" * 64: "!!not base64!!"}), "not valid base64"),
    "an event making an invalid record": (
        lambda b: (set_first_create(b, new_value=json.dumps({"summary": "", "impact": "catastrophic"})), rehash(b)),
        "makes no valid record"),
    "an acknowledgement of a billion events": (lambda b: b.update(ack=10**9), "acknowledges events"),
    "an acknowledgement as a float": (lambda b: b.update(ack=1e9), "acknowledges events"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_malformed_bundle_is_refused_whole_with_nothing_written(pair, case):
    shop, _tech, folder = pair
    change, said = CASES[case]
    bad = folder / "bad.vsb"
    rewrite(folder / "good.vsb", bad, change)
    rows, incidents = shop.count("history"), shop.count("incidents")
    files = sorted(p.name for p in folder.rglob("*"))
    with pytest.raises(InputError, match=said):
        sync.import_bundle(shop, bad)
    assert (shop.count("history"), shop.count("incidents")) == (rows, incidents)
    assert sorted(p.name for p in folder.rglob("*")) == files  # no attached file written either
    assert sync.import_bundle(shop, folder / "good.vsb").created == 3  # the good one still merges


def test_a_gzip_bomb_is_refused_without_eating_the_memory(pair, monkeypatch):
    import resource

    shop, _tech, folder = pair
    bomb = folder / "bomb.vsb"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        block = b"\0" * (1 << 20)
        for _ in range(256):  # 256 MiB of zeros, a quarter of a MB on disk
            fh.write(block)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    monkeypatch.setattr(bundle, "MAX_BUNDLE_BYTES", 64 << 20)
    with pytest.raises(InputError, match="decompresses to more than 64 MiB"):
        sync.import_bundle(shop, bomb)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 200


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="OpenSSH's ssh-keygen is not on this machine")
def test_signed_bundles_verify_and_can_be_required(pair, capsys):
    from vse_tui.core.governance.keys import set_key
    from vse_tui.core.governance.roles import add_person

    shop, tech, folder = pair
    key = folder / "sam"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sam", "-f", str(key)], check=True)
    # Sam is a person of the shop with a key, known on both sides
    sam, _ = add_person(shop, "Sam Ortiz", roles="PT:incident", os_user="sam")
    shop.actor = shop.actor.as_person(sam.uuid, sam.name)  # Sam registers his own key, at his keyboard
    set_key(shop, sam.uuid, key.with_suffix(".pub").read_text())
    sync.export_bundle(shop, folder / "people.vsb")
    sync.import_bundle(tech, folder / "people.vsb")
    tech_path, shop_path = str(tech.path), str(shop.path)
    tech.close()
    shop.close()
    assert main(["incident", "add", "Signed ticket", "--db", tech_path, "--as", "Sam Ortiz"]) == 0
    assert main(["sync", "export", "--out", str(folder / "signed.vsb"), "--key", str(key), "--db", tech_path,
                 "--as", "Sam Ortiz"]) == 0
    assert ", signed" in capsys.readouterr().out
    unsigned = folder / "unsigned.vsb"
    rewrite(folder / "signed.vsb", unsigned, lambda b: None, unsigned=True)  # the same content, unsigned
    assert main(["sync", "import", str(unsigned), "--require-signature", "--db", shop_path]) == 1
    assert "it is not signed" in capsys.readouterr().err
    forged = folder / "forged.vsb"
    doc = bundles.load(folder / "signed.vsb")
    doc["body"]["events"][-1]["new_value"] = (doc["body"]["events"][-1]["new_value"] or "") + "x"
    rehash(doc["body"])  # a careful forger: every hash recomputed
    bundles.save(doc, forged)  # checksum fixed, the signature kept: it no longer fits
    assert main(["sync", "import", str(forged), "--db", shop_path]) == 1
    assert "signature does not verify" in capsys.readouterr().err
    assert main(["sync", "import", str(folder / "signed.vsb"), "--require-signature", "--db", shop_path]) == 0


@pytest.mark.parametrize("content, said", [
    (b"\xff\xfe\x00binary", "is not text"),
    (("a = " + "[" * 100000 + "]" * 100000 + "\n").encode(), "nests values too deeply"),
    (b"theme = [1, 2", "is not valid TOML"),
])
def test_a_bad_config_file_is_named_in_one_line(tmp_path, monkeypatch, capsys, content, said):
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    monkeypatch.setenv("VSE_TUI_CONFIG", str(config))
    assert main(["incident", "add", "x", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert said in err and str(config) in err and "unexpected" not in err and err.count("\n") == 1


def test_restoring_from_a_path_with_uri_characters(tmp_path, capsys):
    db = tmp_path / "shop.db"
    assert main(["incident", "add", "Printer jam", "--db", str(db)]) == 0
    odd = tmp_path / "odd?dir#x"
    odd.mkdir()
    backup = odd / "b?k#1.db"
    assert main(["backup", "--out", str(backup), "--db", str(db)]) == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["restore", str(backup), "--yes", "--db", str(db)]) == 0
    after = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in after if n not in before and not n.startswith("shop-before-restore")] == []  # no stray file
    assert main(["verify", "--db", str(db)]) == 0


def test_serve_quotes_the_database_path(tmp_path, monkeypatch):
    import sys
    import types

    seen = {}

    class Server:
        def __init__(self, command, **kwargs):
            seen["command"] = command

        def serve(self):
            pass

    monkeypatch.setitem(sys.modules, "textual_serve", types.ModuleType("textual_serve"))
    monkeypatch.setitem(sys.modules, "textual_serve.server", types.SimpleNamespace(Server=Server))
    db = tmp_path / "my shop; rm -rf ~ $(x).db"
    assert main(["incident", "add", "x", "--db", str(db)]) == 0
    assert main(["serve", "--db", str(db)]) == 0
    import shlex

    assert shlex.split(seen["command"])[-1] == str(db) or str(db) in shlex.split(seen["command"])
