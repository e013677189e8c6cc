"""Crash safety and two writers at once, with real processes (bounded: a few seconds each)."""

import json
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from vse_tui.store import open_store
from vse_tui.store.chain import verify

WRITER = r'''
import sys
from vse_tui.core.incidents.process import classify, log_incident
from vse_tui.store import Actor, open_store
store = open_store(sys.argv[1], Actor(operator=sys.argv[2]))
n = 0
while True:
    n += 1
    inc = log_incident(store, f"{sys.argv[2]} {n}", use_last=False)
    inc = classify(store, inc.id, category="crash-test")
    print(inc.uuid, flush=True)  # reported only after the commit
    if len(sys.argv) > 3 and n >= int(sys.argv[3]):
        break
'''


def test_killed_writers_lose_nothing_they_reported(tmp_path):
    db = tmp_path / "crash.db"
    open_store(db).close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(29110)
    reported: list[str] = []
    kills = 12
    for round_ in range(kills):
        child = subprocess.Popen([sys.executable, str(script), str(db), f"w{round_}"], stdout=subprocess.PIPE, text=True)
        lines: list[str] = []
        first = threading.Event()

        def read(lines=lines, child=child, first=first):
            for line in child.stdout:
                lines.append(line)
                first.set()
            first.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # Killed once it has reported a write (however slow the machine), then somewhere in the
        # middle of a later one, most likely.
        assert first.wait(timeout=60), "the writer reported nothing"
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join(timeout=5)
        reported += [line.strip() for line in lines if line.strip()]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = open_store(db)
    try:
        stored = {r[0] for r in store.conn.execute("SELECT uuid FROM incidents")}
        assert reported and set(reported) <= stored
        for uuid in reported[:: max(1, len(reported) // 50)]:
            tasks = [h["task"] for h in store.history(uuid)]
            assert tasks[:2] == ["IN.2.1", "IN.2.2"]
        assert verify(store) == []
    finally:
        store.close()
    print(json.dumps({"kills": kills, "writes_checked": len(reported)}))


def test_two_writers_at_once_both_land(tmp_path):
    db = tmp_path / "shared.db"
    open_store(db).close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    children = [subprocess.Popen([sys.executable, str(script), str(db), name, "40"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for name in ("alice", "bob")]
    outs = [c.communicate(timeout=120) for c in children]
    assert all(c.returncode == 0 for c in children), [o[1][-500:] for o in outs]
    store = open_store(db)
    try:
        assert store.count("incidents") == 80
        ids = [r[0] for r in store.conn.execute("SELECT id FROM incidents ORDER BY seq")]
        assert len(set(ids)) == 80
        assert verify(store) == []
    finally:
        store.close()


def test_a_writer_that_waits_too_long_gets_a_clear_busy_message(tmp_path, monkeypatch):
    import pytest

    from vse_tui.core.incidents.process import log_incident
    from vse_tui.core.kernel.errors import BusyError
    from vse_tui.store import connection as dbmod

    path = tmp_path / "busy.db"
    open_store(path).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(dbmod, "WRITE_WAIT_SECONDS", 0.5)
    store = open_store(path)
    try:
        with pytest.raises(BusyError, match="busy.*try again"):
            log_incident(store, "waiting for the lock")
        holder.rollback()
        assert log_incident(store, "after the lock").id == "INC-0001"  # nothing half-written before
    finally:
        holder.close()
        store.close()


def test_sqlite_errors_become_plain_messages():
    from vse_tui.store.connection import translate as _translate

    assert "read-only" in str(_translate(sqlite3.OperationalError("attempt to write a readonly database")))
    assert "busy" in str(_translate(sqlite3.OperationalError("database is locked")))
    assert "damaged" in str(_translate(sqlite3.DatabaseError("database disk image is malformed")))
