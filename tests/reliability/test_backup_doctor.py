import os
import re
import sqlite3
import stat

import pytest

from vse_tui import i18n
from vse_tui.cli import main
from vse_tui.core.incidents import process as core
from vse_tui.store import maintenance
from vse_tui.store.maintenance import backup, describe, doctor, restore, unsafe_location


@pytest.fixture
def store(bare_store):
    """These tests count what they write from an empty database: nobody in People yet."""
    return bare_store



def test_backup_while_open_and_restore_with_a_safety_copy(store, tmp_path):
    core.log_incident(store, "before the backup")
    copy = backup(store, tmp_path / "copy.db")
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    core.log_incident(store, "after the backup")
    assert describe(copy).records == 1
    safety, restored = restore(store, copy)
    assert restored.records == 1
    assert [i.summary for i in store.records("incidents")] == ["before the backup"]
    assert describe(safety).records == 2  # nothing lost: the replaced state is kept


def test_a_backup_followed_step_by_step_copies_one_moment_while_another_writes(store, tmp_path, monkeypatch):
    """On a terminal the backup is copied a few pages at a time, to show how far it is; a write
    from elsewhere between two steps neither enters the copy half-way nor starts it over."""
    from vse_tui.store import files
    from vse_tui.store.db import open_store
    from vse_tui.store.maintenance import check_backup

    for n in range(40):
        core.log_incident(store, f"incident {n}", details="words " * 200)
    monkeypatch.setattr(files, "COPY_STEP_PAGES", 8)
    steps: list[tuple[int, int]] = []
    other = open_store(store.path, store.actor)

    def told(done: int, total: int) -> None:
        steps.append((done, total))
        if len(steps) == 2:  # half-way: someone else logs an incident
            core.log_incident(other, "logged during the backup")

    copy = backup(store, tmp_path / "copy.db", progress=told)
    other.close()
    assert len(steps) > 3 and steps[-1][0] == steps[-1][1] and all(a <= b for (a, _), (b, _) in zip(steps, steps[1:]))
    assert describe(copy).records == 40  # the moment the copy began
    assert store.count("incidents") == 41  # the write was not lost either
    assert check_backup(copy, tmp_path / "check.db", store.actor) == []


def test_restore_needs_confirmation_without_a_terminal(tmp_path, capsys):
    db, copy = str(tmp_path / "x.db"), str(tmp_path / "copy.db")
    assert main(["incident", "add", "one", "--db", db]) == 0
    assert main(["backup", "--out", copy, "--db", db]) == 0
    assert main(["incident", "add", "two", "--db", db]) == 0
    assert main(["restore", copy, "--db", db]) == 1
    assert "cancelled" in capsys.readouterr().err
    assert main(["restore", copy, "--yes", "--db", db]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["incident", "list", "--format", "json", "--db", db]) == 0
    import json

    assert [r["summary"] for r in json.loads(capsys.readouterr().out)] == ["one"]


def test_restore_refuses_a_file_that_is_not_ours(store, tmp_path):
    import pytest

    from vse_tui.core.kernel.errors import DatabaseError

    bad = tmp_path / "notes.db"
    bad.write_text("hello")
    with pytest.raises(DatabaseError, match="not a vse-tui database"):
        restore(store, bad)


def test_doctor_reports_loose_permissions_and_damage(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["incident", "add", "x", "--db", str(db)]) == 0
    assert main(["doctor", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "ok    integrity" in out and "ok    history" in out
    try:  # each check named in the language spoken, never by its key
        assert main(["--lang", "es", "doctor", "--db", str(db)]) == 0
    finally:
        i18n.set_language("en")
    said = capsys.readouterr().out
    assert "ok    integridad" in said and "ok    historial" in said and "ok    ubicación" in said, said
    assert not re.search(r"\b(integrity|schema|history|location|size)\b", said), said
    os.chmod(db, 0o644)
    checks = {c.name: c for c in doctor(db)}
    assert not checks["permissions"].ok and checks["permissions"].warning
    conn = sqlite3.connect(db)
    conn.execute("UPDATE incidents SET title = 'changed'")
    conn.execute("UPDATE incidents SET data = json_set(data, '$.summary', 'changed')")
    conn.commit()
    conn.close()
    assert main(["doctor", "--db", str(db)]) == 1
    assert "FAIL  history" in capsys.readouterr().out


def test_synced_folders_are_flagged(tmp_path):
    assert unsafe_location(tmp_path / "Dropbox" / "vse.db") is not None
    assert unsafe_location(tmp_path / "vse.db") is None


def test_doctor_gives_each_check_as_soon_as_it_is_done(tmp_path, monkeypatch):
    """A big shop's doctor takes a while: the file's own check is told before the history is read."""
    db = tmp_path / "x.db"
    assert main(["incident", "add", "x", "--db", str(db)]) == 0
    read: list[str] = []
    real = maintenance.verify
    monkeypatch.setattr(maintenance, "verify", lambda store, **kw: read.append("history") or real(store, **kw))
    checks = maintenance.doctor_checks(db)
    first = next(checks)
    assert (first.name, first.ok, read) == ("integrity", True, [])
    rest = list(checks)
    assert read == ["history"] and [c.name for c in rest][:4] == ["schema", "journal", "history", "attachments"]
    assert all(c.ok for c in rest)


def _flip(path, sql):
    if sql.startswith("bytes:"):  # bytes changed in the file itself, as a bad disk or an editor does
        old, new = (part.encode() for part in sql[len("bytes:"):].split("=>"))
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new))
        return
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("flip", [
    "UPDATE incidents SET data = substr(data, 1, 5) || '#' || substr(data, 7) WHERE rowid = 1",
    "UPDATE history SET new_value = substr(new_value, 1, 3) || '#' || substr(new_value, 5) "
    "WHERE action = 'create' AND kind = 'incidents'",
    "UPDATE record_search SET title = 'Mail fine' WHERE title = 'Mail down'",
    'bytes:"Mail down"=>"Mail down#',
    'bytes:"Mail down",=>"Mail down"}',
])
def test_flipped_bytes_in_a_backup_are_named_never_an_unexpected_error(tmp_path, capsys, flip):
    """Row 20 of the second attack: flipped bytes in a backup's record JSON stopped restore, verify
    and doctor with "unexpected error: JSONDecodeError" (doctor never gave its verdict); flips in the
    search index were restored silently."""
    from vse_tui.cli import main

    db = tmp_path / "shop.db"
    assert main(["incident", "add", "Mail down", "--db", str(db)]) == 0
    assert main(["backup", "--out", str(tmp_path / "b.db"), "--db", str(db)]) == 0
    _flip(tmp_path / "b.db", flip)
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "b.db"), "--yes", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "cannot be restored" in err and "unexpected" not in err
    for command in (["verify"], ["doctor"]):
        assert main([*command, "--db", str(tmp_path / "b.db")]) == 1
        text = "".join(capsys.readouterr())
        assert "unexpected" not in text and "Traceback" not in text, text
    assert main(["doctor", "--db", str(tmp_path / "b.db")]) == 1
    out = capsys.readouterr().out
    assert "FAIL  history" in out and "size" in out  # its verdict, to the last check
