"""Sync that cannot be forged, wedged or bombed (the second attack, rows 7, 8, 9 and 19): unsigned
bundles refused once the shop has keys, impossible numbers in a header never acknowledged back, an
old-format bundle held to the caps of the new one, a copy stranded by a restore paired again."""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import subprocess

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
    core.log_incident(shop, "Mail slow")
    made = sync.clone(shop, tmp_path / "tech.db", "laptop")
    tech = open_store(made["path"], Actor(operator="Sam", os_user="sam", host="laptop"))
    yield shop, tech, tmp_path
    shop.close()
    tech.close()


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="OpenSSH's ssh-keygen is not on this machine")
def test_once_the_shop_has_keys_an_unsigned_bundle_is_refused_by_default(pair, capsys):
    """Row 7: a bundle with forged content and recomputed hashes was taken unless
    --require-signature was given, even when every person had a key."""
    from vse_tui.core.governance.keys import set_key
    from vse_tui.core.governance.roles import add_person

    shop, tech, folder = pair
    key = folder / "kim"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kim", "-f", str(key)], check=True)
    kim, _ = add_person(shop, "Kim Lee", roles="SM,CM,RM,MGT,PT:incident", os_user="kim")
    set_key(shop, kim.uuid, key.with_suffix(".pub").read_text())
    core.log_incident(tech, "Printer offline")
    sync.export_bundle(tech, folder / "t.vsb")  # no key on the laptop's side: unsigned
    forged = folder / "forged.vsb"
    doc = bundles.load(folder / "t.vsb")
    made = next(e for e in doc["body"]["events"] if e["action"] == "create" and e["kind"] == "incidents")
    made["new_value"] = made["new_value"].replace("Printer offline", "Pay invoice 4711 to IBAN XX00")
    bundles.rehash(doc["body"])
    bundles.save(doc, forged)
    rows = shop.count("history")
    shop_path = str(shop.path)
    with pytest.raises(InputError, match="it is not signed, and people of this shop have SSH keys"):
        sync.import_bundle(shop, forged)
    assert shop.count("history") == rows
    shop.close()
    assert main(["sync", "import", str(forged), "--db", shop_path]) == 1
    assert "not signed" in capsys.readouterr().err
    # said in so many words, an unsigned bundle is still taken
    assert main(["sync", "import", str(folder / "t.vsb"), "--allow-unsigned", "--db", shop_path]) == 0


def test_a_header_claiming_a_huge_last_number_never_wedges_the_exchange(pair):
    """Row 8: a header with `upto: 10**15` was acknowledged back, and the copy then refused every
    bundle of the shop for good."""
    shop, tech, folder = pair
    core.log_incident(tech, "Printer offline")
    sync.export_bundle(tech, folder / "t.vsb")
    doc = bundles.load(folder / "t.vsb")
    doc["body"]["upto"] = 10**15
    doc["body"]["chain_tip"]["seq"] = 10**15
    bundles.save(doc, folder / "claims.vsb")
    sync.import_bundle(shop, folder / "claims.vsb")
    assert sync.peers(shop)[0]["received"] < 10**6  # what it holds, not what it claims
    for n in range(2):  # the exchange goes on both ways
        core.log_incident(shop, f"Wi-Fi slow {n}")
        sync.export_bundle(shop, folder / f"s{n}.vsb", force=True)
        assert sync.import_bundle(tech, folder / f"s{n}.vsb").created == 1
        core.log_incident(tech, f"Scanner jam {n}")
        sync.export_bundle(tech, folder / f"t{n}.vsb", force=True)
        assert sync.import_bundle(shop, folder / f"t{n}.vsb").created == 1
    # a header whose last number is not its tip's, or below its own events, is refused whole
    doc["body"]["chain_tip"]["seq"] = 3
    bundles.save(doc, folder / "disagrees.vsb")
    with pytest.raises(InputError, match="is not its chain tip's"):
        sync.import_bundle(shop, folder / "disagrees.vsb")
    doc["body"]["upto"] = doc["body"]["chain_tip"]["seq"] = 1
    bundles.save(doc, folder / "behind.vsb")
    with pytest.raises(InputError, match="past the last number its header gives"):
        sync.import_bundle(shop, folder / "behind.vsb")
    assert verify(shop) == [] and verify(tech) == []


def test_an_old_format_bundle_is_held_to_the_new_formats_caps(pair, tmp_path, capsys):
    """Row 9: a 478 KiB bundle of version 1 (one JSON document) took 5.9 GB to read, then failed
    with MemoryError, in `verify --anchor` as in `sync import`."""
    shop, _tech, folder = pair
    bomb = folder / "old.vsb"
    event = json.dumps({"seq": 1, "kind": "incidents", "new_value": "x" * 200}).encode()
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        fh.write(b'{"body": {"format": "vse-tui-bundle", "version": 1, "from_site": "x", "upto": 1, '
                 b'"chain_tip": {"seq": 1, "hash": "' + b"0" * 64 + b'"}, "events": [')
        for n in range(120_000):  # about 28 MiB of JSON, well under a MB on disk
            fh.write((b"," if n else b"") + event)
        fh.write(b"]}, \"sha256\": \"\"}")
    assert bomb.stat().st_size < 1 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="more than a bundle of the old format"):
        sync.import_bundle(shop, bomb)
    path = str(shop.path)
    assert main(["verify", "--anchor", str(bomb), "--db", path]) == 1
    err = capsys.readouterr().err
    assert "more than a bundle of the old format" in err and "unexpected" not in err
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 150


def test_a_copy_stranded_by_a_restore_can_be_paired_again(pair, capsys):
    """Row 19: the shop restored a backup taken before the copy was made: the copy's bundles were
    refused for good, with no way to pair it again."""
    shop, tech, folder = pair
    shop.close()
    tech.close()
    shop_path, tech_path = str(folder / "shop.db"), str(folder / "tech.db")
    assert main(["backup", "--out", str(folder / "before.db"), "--db", shop_path]) == 0
    made = folder / "tech2.db"
    assert main(["sync", "clone", "--out", str(made), "--name", "van", "--db", shop_path]) == 0
    assert main(["restore", str(folder / "before.db"), "--yes", "--db", shop_path]) == 0
    assert main(["incident", "add", "Router down at the client", "--db", str(made)]) == 0
    assert main(["sync", "export", "--out", str(folder / "van.vsb"), "--db", str(made)]) == 0
    capsys.readouterr()
    assert main(["sync", "import", str(folder / "van.vsb"), "--db", shop_path]) == 1
    assert "import it with --pair" in capsys.readouterr().err
    assert main(["sync", "import", str(folder / "van.vsb"), "--pair", "--db", shop_path]) == 0
    said = capsys.readouterr().out
    assert "1 new record" in said and "1 new records" not in said
    # and both ways from then on
    assert main(["incident", "add", "Printer at the shop", "--db", shop_path]) == 0
    with open_store(made) as van:
        site = van.site_id
    assert main(["sync", "export", "--out", str(folder / "shop.vsb"), "--to", site[:8], "--db", shop_path]) == 0
    assert main(["sync", "import", str(folder / "shop.vsb"), "--db", str(made)]) == 0
    assert main(["verify", "--db", shop_path]) == 0 and main(["verify", "--db", str(made)]) == 0
    # a bundle written for another database is never paired
    assert main(["sync", "export", "--out", str(folder / "other.vsb"), "--db", tech_path]) == 0
    other = open_store(folder / "third.db", Actor(operator="Eve"))
    other.close()
    capsys.readouterr()
    assert main(["sync", "import", str(folder / "other.vsb"), "--pair", "--db", str(folder / "third.db")]) == 1
    assert "does not know" in capsys.readouterr().err
