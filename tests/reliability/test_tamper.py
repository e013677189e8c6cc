"""Tamper evidence: rows edited, deleted or inserted behind the app's back are each reported."""

import sqlite3

import pytest

from vse_tui.cli import main
from vse_tui.core import incidents as core
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
