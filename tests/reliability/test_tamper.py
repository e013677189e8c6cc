"""Tamper evidence: rows edited, deleted or inserted behind the app's back are each reported."""

import json
import re
import shutil
import sqlite3
import subprocess

import pytest

from vse_tui.cli import main
from vse_tui.core.incidents import process as core
from vse_tui.store.chain import verify


@pytest.fixture
def db(store):
    for text in ("Mail down", "Printer jam", "VPN drops"):
        inc = core.log_incident(store, text)
        core.classify(store, inc.id, category="network")
    path = store.path
    assert verify(store) == []
    return path


def intruder(path, *sql):
    """What someone with the sqlite3 tool would do: drop any trigger, then change rows directly."""
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def problems(path, capsys):
    code = main(["verify", "--db", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_clean_database_verifies(db, capsys):
    code, text = problems(db, capsys)
    assert code == 0 and text.startswith("ok:")


def test_an_edited_history_row_is_reported(db, capsys):
    intruder(db, "UPDATE history SET new_value = 'hardware' WHERE seq = 2")
    code, text = problems(db, capsys)
    assert code == 1 and "history 2: its content was changed" in text


def test_a_deleted_history_row_is_reported(db, capsys):
    intruder(db, "DELETE FROM history WHERE seq = 3")
    code, text = problems(db, capsys)
    assert code == 1 and "history 4: the link to the previous row is broken" in text


def test_an_inserted_history_row_is_reported(db, capsys):
    intruder(db, "INSERT INTO history(seq, at, kind, record, action, operator, hash, prev_hash) "
                 "VALUES (100, '2026-01-01T00:00:00+00:00', 'incidents', 'x', 'update', 'mallory', 'f00', 'bad')")
    code, text = problems(db, capsys)
    assert code == 1 and "history 100" in text


def test_the_last_history_row_deleted_is_reported(db, capsys):
    intruder(db, "DELETE FROM history WHERE seq = (SELECT MAX(seq) FROM history)")
    code, text = problems(db, capsys)
    assert code == 1 and "INC-0003: it does not point at its latest history row" in text


def test_a_record_changed_without_history_is_reported(db, capsys):
    intruder(db, "UPDATE incidents SET priority = 'P1' WHERE id = 'INC-0002'")
    code, text = problems(db, capsys)
    assert code == 1 and "INC-0002: field priority differs from what its history says" in text


def test_a_record_inserted_behind_the_back_is_reported(db, capsys):
    intruder(db, "INSERT INTO customers(uuid, id, seq, version, data, title) VALUES "
                 "('u-1', 'CUS-0009', 9, 1, '{\"name\": \"Ghost\"}', 'Ghost')")
    code, text = problems(db, capsys)
    assert code == 1 and "CUS-0009: it has no history" in text


# ---------------------------------------------------------------- what verify used to miss (issue: nothing forged)


def test_a_record_row_deleted_is_reported(db, capsys):
    intruder(db, "DELETE FROM incidents WHERE id = 'INC-0002'")
    code, text = problems(db, capsys)
    assert code == 1 and "INC-0002: its history says it exists, but its row is gone" in text


def test_the_last_rows_cut_off_with_their_records_are_reported(db, capsys):
    # the last incident and every row about it, as if it had never been logged
    intruder(db, "DELETE FROM history WHERE record = (SELECT uuid FROM incidents WHERE id = 'INC-0003')",
             "DELETE FROM incidents WHERE id = 'INC-0003'")
    code, text = problems(db, capsys)
    assert code == 1 and "rows were cut off or added" in text


@pytest.mark.parametrize("column, value", [
    ("version", "7"), ("created_by", "'Mallory'"), ("updated_by", "'Mallory'"),
    ("created_at", "'2020-01-01T00:00:00+00:00'"), ("updated_at", "'2020-01-01T00:00:00+00:00'")])
def test_a_changed_common_field_is_reported(db, capsys, column, value):
    intruder(db, f"UPDATE incidents SET {column} = {value} WHERE id = 'INC-0001'")
    code, text = problems(db, capsys)
    assert code == 1 and "INC-0001: its" in text and "differs from what its history says" in text


@pytest.mark.parametrize("sql", [
    "UPDATE settings SET value = 'aaaaaaaa-0000-4000-8000-000000000000' WHERE key = 'site_id'",
    "DELETE FROM settings WHERE key = 'clock'",  # a test database made to look like a real one
    "INSERT OR REPLACE INTO settings(key, value) VALUES ('shop_name', 'Forged Ltd')"])
def test_a_setting_changed_behind_the_back_is_reported(db, capsys, sql):
    intruder(db, sql)
    code, text = problems(db, capsys)
    assert code == 1 and "setting " in text and "differs from what its history says" in text


def test_a_real_database_made_to_accept_a_frozen_clock_is_reported(tmp_path, capsys, monkeypatch):
    from vse_tui.store import open_store

    monkeypatch.delenv("VSE_TUI_NOW")
    path = tmp_path / "real.db"
    with open_store(path) as s:
        core.log_incident(s, "Printer jam")
    intruder(path, "INSERT INTO settings(key, value) VALUES ('clock', 'simulated')")
    code, text = problems(path, capsys)
    assert code == 1 and "setting clock" in text


def test_the_policy_targets_changed_behind_the_back_are_reported(store, capsys):
    from vse_tui.core.governance import process as gov

    gov.save_policy_draft(store, gov.policy_defaults())
    path = store.path
    intruder(path, "UPDATE policies SET data = json_set(data, '$.targets[0].resolve_minutes', 99999)")
    code, text = problems(path, capsys)
    assert code == 1 and "POL-0001: field targets differs" in text


def test_history_going_back_in_time_is_reported(db, capsys):
    from vse_tui.store.chain import row_hash

    # a forger rewrites the last row's time to the past and re-hashes it (and the tip) carefully
    conn = sqlite3.connect(db)
    cols = ("seq", "at", "kind", "record", "record_id", "action", "field", "old_value", "new_value", "operator",
            "os_user", "host", "task", "version", "person", "via", "occurred_at", "prev_hash", "origin_site",
            "origin_seq")
    row = dict(zip(cols, conn.execute(f"SELECT {', '.join(cols)} FROM history ORDER BY seq DESC LIMIT 1").fetchone()))
    row["at"] = "2020-01-01T00:00:00+00:00"
    digest = row_hash(row["prev_hash"], row, origin=True)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE history SET at = ?, hash = ? WHERE seq = ?", (row["at"], digest, row["seq"]))
    conn.execute("UPDATE chain_tip SET hash = ?", (digest,))
    conn.execute("UPDATE incidents SET chain = ?, updated_at = ? WHERE uuid = ?", (digest, row["at"], row["record"]))
    conn.commit()
    conn.close()
    code, text = problems(db, capsys)
    assert code == 1 and f"history {row['seq']}: dated 2020-01-01" in text


# ---------------------------------------------------------------- anchors outside the file


def rewrite_everything(path):
    """The careful forger: change a record and its history, recompute every hash and the tip."""
    from vse_tui.store.chain import ALL_HASHED, ORIGIN, _seal, row_hash

    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE history SET new_value = replace(new_value, 'Mail down', 'Mail fine') WHERE new_value LIKE '%Mail down%'")
    conn.execute("UPDATE incidents SET title = replace(title, 'Mail down', 'Mail fine'), "
                 "data = replace(data, 'Mail down', 'Mail fine')")
    conn.execute("UPDATE record_search SET title = 'Mail fine' WHERE title = 'Mail down'")
    prev = None
    sealed = _seal(conn)[0]
    cols = ALL_HASHED + ORIGIN
    for values in [dict(zip(cols, r)) for r in conn.execute(f"SELECT {', '.join(cols)} FROM history ORDER BY seq")]:
        digest = row_hash(prev, values, origin=values["seq"] > sealed)
        conn.execute("UPDATE history SET hash = ?, prev_hash = ? WHERE seq = ?", (digest, prev, values["seq"]))
        prev = digest
    for kind, record, digest in conn.execute("SELECT kind, record, hash FROM history h WHERE seq = (SELECT MAX(seq) "
                                             "FROM history WHERE record = h.record)").fetchall():
        if kind == "incidents":
            conn.execute("UPDATE incidents SET chain = ? WHERE uuid = ?", (digest, record))
    conn.execute("UPDATE chain_tip SET hash = ?", (prev,))
    conn.commit()
    conn.close()


def test_verify_prints_the_tip_and_an_anchor_catches_a_full_rewrite(db, tmp_path, capsys):
    code, text = problems(db, capsys)
    tip = re.search(r"tip: (\d+) ([0-9a-f]{64})", text)
    assert code == 0 and tip
    # anchors kept elsewhere: a printed tip, a backup, an export, an audit pack, a tip file
    (tmp_path / "tip.txt").write_text(f"{tip.group(1)} {tip.group(2)}\n")
    assert main(["backup", "--out", str(tmp_path / "b.db"), "--db", str(db)]) == 0
    assert main(["export", "--out", str(tmp_path / "e.json"), "--db", str(db)]) == 0
    assert main(["audit-pack", "--out", str(tmp_path / "pack"), "--db", str(db)]) == 0
    assert main(["verify", "--tip-out", str(tmp_path / "tip2.txt"), "--db", str(db)]) == 0
    anchors = [tmp_path / n for n in ("tip.txt", "b.db", "e.json", "pack", "tip2.txt")]
    capsys.readouterr()
    for anchor in anchors:
        assert main(["verify", "--anchor", str(anchor), "--db", str(db)]) == 0, anchor
        assert f"nothing up to row {tip.group(1)} changed" in capsys.readouterr().out
    rewrite_everything(db)
    code, text = problems(db, capsys)
    assert code == 0, text  # a rewrite with every hash recomputed passes alone, as expected of a chain with no key
    for anchor in anchors:
        assert main(["verify", "--anchor", str(anchor), "--db", str(db)]) == 1, anchor
        assert f"row {tip.group(1)} does not have the anchor's hash" in capsys.readouterr().out


def test_a_bundle_carries_its_senders_tip(tmp_path, capsys):
    from vse_tui.store import Actor, open_store, sync

    shop = open_store(tmp_path / "shop.db", Actor(operator="Kim"))
    try:
        core.log_incident(shop, "Mail down")
        sync.clone(shop, tmp_path / "laptop.db", "laptop")
        core.log_incident(shop, "Printer jam")
        tip = shop.chain_tip()  # the bundle's tip: exporting then notes the peer's last export, a row after it
        sync.export_bundle(shop, tmp_path / "to-laptop.vsb")
    finally:
        shop.close()
    assert main(["verify", "--anchor", str(tmp_path / "to-laptop.vsb"), "--db", str(tmp_path / "shop.db")]) == 0
    assert f"nothing up to row {tip[0]} changed" in capsys.readouterr().out


def test_an_export_or_bundle_of_any_size_is_an_anchor(db, tmp_path, capsys, monkeypatch):
    """An export's tip is on its first lines, a bundle's in its first line: read without reading the
    rest, however big the file (a shop of 100,000 incidents exports hundreds of MiB)."""
    from vse_tui.store import anchor

    assert main(["export", "--out", str(tmp_path / "e.json"), "--db", str(db)]) == 0
    (tmp_path / "other.json").write_text(json.dumps({"records": {"x": "y" * 4096}, "chain_tip": None}))
    capsys.readouterr()
    monkeypatch.setattr(anchor, "MAX_ANCHOR_BYTES", 1024)  # every file here is "big"
    assert (tmp_path / "e.json").stat().st_size > 1024
    assert main(["verify", "--anchor", str(tmp_path / "e.json"), "--db", str(db)]) == 0
    assert "changed since the export e.json was made" in capsys.readouterr().out
    assert main(["verify", "--anchor", str(tmp_path / "other.json"), "--db", str(db)]) == 1
    assert "too big to be an anchor" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="OpenSSH's ssh-keygen is not on this machine")
def test_a_signed_tip_file_is_checked(store, tmp_path, capsys):
    key = tmp_path / "kim"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kim", "-f", str(key)], check=True)
    from vse_tui.core.governance.keys import set_key

    set_key(store, store.actor.person, key.with_suffix(".pub").read_text())
    path = str(store.path)
    store.close()
    out = tmp_path / "tip.txt"
    assert main(["verify", "--tip-out", str(out), "--sign", "--key", str(key), "--db", path, "--as", "Tester"]) == 0
    assert (tmp_path / "tip.txt.sig").exists()
    capsys.readouterr()
    assert main(["verify", "--anchor", str(out), "--db", path]) == 0
    assert "is signed by" in capsys.readouterr().out
    out.write_text(out.read_text().replace("at: ", "at: 1999 "))  # edited after signing
    assert main(["verify", "--anchor", str(out), "--db", path]) == 1
    assert "does not verify" in capsys.readouterr().out


# ---------------------------------------------------------------- one snapshot


def test_verify_and_doctor_with_writers_running_never_cry_wolf(db, capsys):
    import threading

    from vse_tui.store import Actor, open_store

    stop = threading.Event()

    def write() -> None:
        with open_store(db, Actor(operator="Writer")) as s:
            n = 0
            while not stop.is_set():
                inc = core.log_incident(s, f"Busy {n}")
                core.classify(s, inc.id, category="network")
                n += 1

    writers = [threading.Thread(target=write) for _ in range(2)]
    for w in writers:
        w.start()
    try:
        alarms = 0
        for _ in range(12):
            code, text = problems(db, capsys)
            alarms += code != 0
            assert main(["doctor", "--db", str(db)]) in (0, 1)
            doctor = capsys.readouterr().out
            alarms += "behind the app's back" in doctor
    finally:
        stop.set()
        for w in writers:
            w.join()
    assert alarms == 0


# ---------------------------------------------------------------- records written by an older model


def test_a_field_added_since_a_record_was_made_is_no_problem_but_a_changed_value_is():
    """A record made before a field (or a nested entry's field) existed, and rewritten since with the
    field's empty default, verifies; a value that really differs does not."""
    from vse_tui.store.chain import _record_problem

    then = {"id": "INC-0001", "summary": "Mail down", "notifications": [{"to": "Dana", "at": "2026-01-01T10:00:00+00:00"}],
            "version": 1, "created_at": "2026-01-01T10:00:00+00:00", "created_by": "Kim",
            "updated_at": "2026-01-01T10:00:00+00:00", "updated_by": "Kim"}
    replay = {"snapshot": then, "updates": {}, "hash": "h",
              "last": {"version": 1, "at": {then["updated_at"]}, "by": {"Kim"}}}
    now = dict(then, notifications=[{"to": "Dana", "at": "2026-01-01T10:00:00+00:00", "message": "", "sent": None}],
               assignee=None)
    assert _record_problem(now, "h", replay) is None
    forged = dict(now, notifications=[{"to": "Dana", "at": "2026-01-01T10:00:00+00:00", "message": "forged"}])
    assert "field notifications differs" in (_record_problem(forged, "h", replay) or "")
    assert "does not point at its latest" in (_record_problem(now, "other", replay) or "")


def test_verify_reads_history_through_its_index_by_kind(store):
    plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT record, seq FROM history WHERE kind = ? "
                              "AND record >= ? AND record < ? ORDER BY record, seq", ("incidents", "", "bc")).fetchall()
    assert any("USING INDEX" in str(row) or "COVERING INDEX" in str(row) for row in plan)
    assert not any("TEMP B-TREE" in str(row) for row in plan)


def test_a_long_chain_checked_in_a_second_process_finds_the_same_problems(store, monkeypatch):
    """The second process hashes the chain and checks the records whose uuid sorts from each
    kind's split point on; this one the others: a forged record on either side is found, as alone."""
    from vse_tui.store import chain
    from vse_tui.store.db import open_store

    made = [core.log_incident(store, f"Printer jam {n}") for n in range(40)]
    point = chain.split_points(store.conn)["incidents"]
    here = next(i for i in made if i.uuid < point)
    there = next(i for i in made if i.uuid >= point)
    assert sum(i.uuid < point for i in made) == 29  # 73% of the 40 checked here, made in time order or not
    path = store.path
    store.close()
    intruder(path, "UPDATE history SET new_value = 'hardware' WHERE seq = 2",
             *(f"UPDATE incidents SET title = 'forged', data = json_set(data, '$.summary', 'forged') "
               f"WHERE uuid = '{i.uuid}'" for i in (here, there)))
    monkeypatch.setattr(chain, "PARALLEL_FROM", 1)
    with open_store(path) as s:
        alone, together = chain.verify(s), chain.verify(s, parallel=True)
    assert sorted(p.line() for p in together) == sorted(p.line() for p in alone)
    lines = [p.line() for p in together]
    assert any("history 2: its content was changed" in line for line in lines)
    for forged in (here, there):
        assert f"{forged.id}: field summary differs from what its history says (changed behind the app's back)" in lines


def test_an_audit_pack_of_a_tampered_database_says_so_on_its_first_page(db, tmp_path, capsys):
    intruder(db, "UPDATE incidents SET priority = 'P1' WHERE id = 'INC-0002'")
    assert main(["audit-pack", "--db", str(db), "--out", str(tmp_path / "pack")]) == 0
    assert "fails verification (1 problem)" in capsys.readouterr().err
    front = (tmp_path / "pack" / "index.md").read_text(encoding="utf-8")
    first = front.index("This database FAILS verification: 1 problem ")
    assert first < front.index("Tasks done:") and "INC-0002" in front[first:front.index("Tasks done:")]


def test_a_shop_name_holding_a_tip_cannot_stand_in_for_the_packs_anchor(db, store, tmp_path, capsys):
    """The attack named the shop "... sequence 1, hash <row 1's hash>": the pack's anchor was read
    from that text, and after a full rewrite of the history `verify --anchor pack/` said ok. A
    pack's tip is read from its anchor file (JSON), never searched for in its text."""
    conn = sqlite3.connect(db)
    first = conn.execute("SELECT hash FROM history WHERE seq = 1").fetchone()[0]
    conn.close()
    store.set_setting("shop_name", f"Acme sequence 1, hash {first}")
    assert main(["audit-pack", "--out", str(tmp_path / "pack"), "--db", str(db)]) == 0
    capsys.readouterr()
    rewrite_everything(db)
    for anchor in ("pack", "pack/index.md", "pack/index.html"):
        assert main(["verify", "--anchor", str(tmp_path / anchor), "--db", str(db)]) == 1, anchor
        assert "does not have the anchor's hash" in capsys.readouterr().out


def test_a_tip_is_never_searched_for_in_text(tmp_path):
    from vse_tui.core.kernel.errors import InputError
    from vse_tui.store.anchor import read_anchor

    note = tmp_path / "note.txt"
    note.write_text("Our shop, sequence 12, hash " + "a" * 64 + "\nmore text\n")
    with pytest.raises(InputError, match="holds no chain tip"):
        read_anchor(note)
    note.write_text("tip: 12 " + "b" * 64 + "\n")  # as verify prints it
    assert (read_anchor(note).seq, read_anchor(note).hash) == (12, "b" * 64)
