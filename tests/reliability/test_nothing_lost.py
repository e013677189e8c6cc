"""Issue: nothing lost. Commands that write a file never write over the database; a restore
checks the backup and starts a new sync epoch; a new database appears only complete; a
mistyped path is not a new database; a full disk is reported as a full disk."""

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest

from vse_tui.cli import main
from vse_tui.core.incidents import process as core
from vse_tui.store import Actor, open_store, sync
from vse_tui.store.maintenance import backup, doctor, restore


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "vse_tui", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "a.db"
    assert main(["incident", "add", "Mail down", "--db", str(path)]) == 0
    capsys.readouterr()
    return path


def summaries(path):
    with open_store(path, create=False) as s:
        return [i.summary for i in s.records("incidents")]


@pytest.mark.parametrize("command", [
    ["backup"], ["export"], ["incident", "list", "--format", "csv"], ["incident", "list", "--format", "json"],
    ["report", "audit"], ["due"],
])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_no_output_overwrites_the_open_database(db, capsys, command, suffix):
    target = str(db) + suffix
    existed = os.path.exists(target)
    for force in ([], ["--force"]):
        assert main([*command, "--db", str(db), "--out", target, *force]) == 1
        err = capsys.readouterr().err
        assert "open database" in err or "SQLite database" in err
    assert os.path.exists(target) == existed
    assert db.read_bytes()[:16] == b"SQLite format 3\x00" and summaries(db) == ["Mail down"]


def test_sync_export_and_clone_refuse_the_database_and_sqlite_files(db, tmp_path, capsys):
    assert main(["sync", "clone", "--out", str(tmp_path / "copy.db"), "--db", str(db)]) == 0
    assert main(["sync", "export", "--out", str(db), "--force", "--db", str(db)]) == 1
    assert main(["sync", "clone", "--out", str(db), "--db", str(db)]) == 1
    other = tmp_path / "copy.db"  # an SQLite file, not the open one: refused too, even with --force
    copy_bytes = other.read_bytes()
    assert main(["backup", "--out", str(other), "--force", "--db", str(db)]) == 1
    assert other.read_bytes() == copy_bytes and summaries(db) == ["Mail down"]
    files = tmp_path / "a.db.files"
    files.mkdir()
    assert main(["export", "--out", str(files / "x.json"), "--db", str(db)]) == 1
    assert "attached files" in capsys.readouterr().err


def test_an_existing_file_is_replaced_only_with_force_and_outputs_are_private(db, tmp_path, capsys):
    target = tmp_path / "list.csv"
    target.write_text("keep me")
    os.umask(0o022)
    assert main(["incident", "list", "--format", "csv", "--out", str(target), "--db", str(db)]) == 1
    assert "already exists" in capsys.readouterr().err and target.read_text() == "keep me"
    assert main(["incident", "list", "--format", "csv", "--out", str(target), "--force", "--db", str(db)]) == 0
    assert "Mail down" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "deeper" / "export.json"
    assert main(["export", "--out", str(fresh), "--db", str(db)]) == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
    assert not [p for p in fresh.parent.iterdir() if p.name.endswith(".part")]


def test_a_restore_starts_a_new_epoch_so_copies_lose_nothing(tmp_path):
    shop = open_store(tmp_path / "shop.db", Actor(operator="Kim", os_user="kim", host="shop"))
    core.log_incident(shop, "S1")
    laptop_path = sync.clone(shop, tmp_path / "laptop.db", "Sam's laptop")["path"]
    laptop = open_store(laptop_path, Actor(operator="Sam", os_user="sam", host="laptop"))

    def exchange(a, b, name):
        out = tmp_path / f"{name}.vsb"
        sync.export_bundle(a, out)
        return sync.import_bundle(b, out)

    core.log_incident(laptop, "L1")
    exchange(laptop, shop, "1")
    exchange(shop, laptop, "2")
    saved = backup(shop, tmp_path / "before.db")
    core.log_incident(shop, "S2")
    core.log_incident(shop, "S3")
    exchange(shop, laptop, "3")
    old_site = shop.site_id
    restore(shop, saved)
    assert shop.site_id != old_site
    for s in ("S4", "S5", "S6"):
        core.log_incident(shop, s)
    got = exchange(shop, laptop, "4")
    assert got.skipped == 0 and got.created == 3
    have = sorted(i.summary for i in laptop.records("incidents"))
    assert have == ["L1", "Mail down"][:0] + sorted(["S1", "L1", "S2", "S3", "S4", "S5", "S6"])
    # and the shop gets back what the restore lost, from the copy
    exchange(laptop, shop, "5")
    exchange(shop, laptop, "6")
    exchange(laptop, shop, "7")
    assert sorted(i.summary for i in shop.records("incidents")) == have
    from vse_tui.store.chain import verify

    assert verify(shop) == [] and verify(laptop) == []
    shop.close()
    laptop.close()


def _flip_pages(path):
    """Garbage over the header of every b-tree page but the first (as a bad disk sector would)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(page, len(data), page):
        data[start:start + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))


def test_a_damaged_or_tampered_backup_is_refused_with_nothing_changed(db, tmp_path, capsys):
    saved = tmp_path / "saved.db"
    assert main(["backup", "--out", str(saved), "--db", str(db)]) == 0
    for n in range(30):
        assert main(["incident", "add", f"later {n}", "--db", str(db)]) == 0
    capsys.readouterr()
    damaged = tmp_path / "damaged.db"
    shutil.copy(saved, damaged)
    _flip_pages(damaged)
    assert main(["restore", str(damaged), "--yes", "--db", str(db)]) == 1
    assert "nothing was changed" in capsys.readouterr().err
    tampered = tmp_path / "tampered.db"
    shutil.copy(saved, tampered)
    conn = sqlite3.connect(tampered)
    conn.execute("UPDATE history SET operator = 'Mallory'")
    conn.commit()
    conn.close()
    assert main(["restore", str(tampered), "--yes", "--db", str(db)]) == 1
    assert "nothing was changed" in capsys.readouterr().err
    assert len(summaries(db)) == 31
    assert main(["restore", str(saved), "--yes", "--db", str(db)]) == 0
    assert summaries(db) == ["Mail down"]


def test_doctor_reports_a_malformed_file_without_crashing(db, tmp_path, capsys):
    for n in range(40):
        main(["incident", "add", f"filler {n}", "--db", str(db)])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    _flip_pages(db)
    checks = {c.name: c for c in doctor(db)}
    assert not checks["integrity"].ok and not checks["history"].ok
    capsys.readouterr()
    assert main(["doctor", "--db", str(db)]) == 1
    out = capsys.readouterr()
    assert "FAIL  integrity" in out.out and "Traceback" not in out.err


def test_a_start_killed_while_creating_leaves_no_file(tmp_path, monkeypatch):
    from vse_tui.store import db as dbmod

    def killed(conn, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(dbmod, "_prepare_schema", killed)
    with pytest.raises(KeyboardInterrupt):
        open_store(tmp_path / "new.db")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    open_store(tmp_path / "new.db").close()  # and the next start builds it whole


def test_a_database_half_built_by_an_older_version_is_finished_not_refused(tmp_path, monkeypatch):
    from sqlite_utils import Database

    monkeypatch.delenv("VSE_TUI_NOW")  # a real shop's file, on the real clock

    from vse_tui.store.schema import migrations

    path = tmp_path / "half.db"
    conn = sqlite3.connect(path)
    db = Database(conn)
    first = migrations._migrations[0]
    db.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)")
    first.fn(db)
    db.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('vse-tui', ?, 'x')", [first.name])
    conn.commit()
    conn.close()
    with open_store(path) as s:
        core.log_incident(s, "works")
        assert s.get("incidents", "INC-0001").summary == "works"


def test_mistyped_paths_are_refused(tmp_path, capsys):
    assert main(["--db", "", "incident", "list"]) == 2
    assert main(["incident", "add", "x", "--db", ""]) == 2
    capsys.readouterr()
    missing = tmp_path / "typo.db"
    for command in (["verify"], ["doctor"], ["incident", "list"], ["incident", "show", "INC-0001"], ["export"],
                    ["report", "audit"], ["report", "performance"], ["due"], ["roles", "list"], ["change", "list"],
                    ["sync", "peers"]):
        assert main([*command, "--db", str(missing)]) == 1, command
        assert "no vse-tui database" in capsys.readouterr().err or command == ["doctor"]
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("summary,opened\nPrinter jam,2026-11-01 10:00\n")
    assert main(["import", "incidents", str(csv_file), "--dry-run", "--db", str(missing)]) == 0
    assert not missing.exists() and not list(tmp_path.glob("typo*"))


def test_a_short_write_waits_for_a_long_one_and_says_so(db):
    holder = sqlite3.connect(db, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # a long import holding the write lock
    child = subprocess.Popen([sys.executable, "-m", "vse_tui", "incident", "add", "while importing", "--db", str(db)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said: list[str] = []
    waiting = threading.Event()

    def read_stderr():
        for line in child.stderr:
            said.append(line)
            if "waiting for another vse-tui" in line:
                waiting.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        # the lock is let go once the writer says it waits, however slowly a busy machine starts it
        assert waiting.wait(timeout=120), "".join(said)
    finally:
        holder.rollback()
        holder.close()
    out = child.stdout.read()
    assert child.wait(timeout=120) == 0
    reader.join(timeout=10)
    assert out.strip() == "INC-0002"


def _tiny_disk(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {folder}"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a small file system here (unshare/mount)")
    return folder


@pytest.mark.parametrize("command", [["backup"], ["sync", "clone"], ["export"]])
def test_a_full_disk_says_so_and_leaves_nothing(db, tmp_path, command):
    tiny = _tiny_disk(tmp_path)
    for n in range(300):
        main(["incident", "add", f"padding the database {n} " + "x" * 200, "--db", str(db)])
    target = tiny / "out.db"
    script = (f"mount -t tmpfs -o size=64k tmpfs {tiny} && {sys.executable} -m vse_tui {' '.join(command)} "
              f"--db {db} --out {target}; echo rc=$?; ls -A {tiny}")
    res = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=120)
    assert "rc=1" in res.stdout
    assert "disk is full" in res.stderr and "damaged" not in res.stderr and "restore" not in res.stderr
    listing = res.stdout.split("rc=1", 1)[1].split()
    assert listing == []  # nothing left behind


def test_reading_the_open_database_as_a_file_never_drops_its_locks(db, tmp_path):
    """SQLite's locks are per process: closing any descriptor of the file drops them. A second
    connection, a file given as input or as --out that is the open database never opens it again."""
    import subprocess as sp

    from vse_tui.core.incidents.lists import IncidentQuery
    from vse_tui.core.kernel.errors import InputError

    store = open_store(db)
    other = store.reopen()  # a second connection (a thread of the TUI), opened and closed
    other.close()
    for bad in (lambda: sync.import_bundle(store, db),
                lambda: __import__("vse_tui.core.evidence.attachments", fromlist=["x"]).attach(store, "INC-0001", db)):
        with pytest.raises(InputError, match="open vse-tui database"):
            bad()
    writer = ("import sys; from vse_tui.cli import main\n"
              "for i in range(5):\n    assert main(['incident', 'add', f'w{i}', '--db', sys.argv[1]]) == 0\n")
    procs = [sp.Popen([sys.executable, "-c", writer, str(db)], stdout=sp.DEVNULL) for _ in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    assert store.count_incidents(IncidentQuery()) == 16
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_no_output_replaces_another_databases_journal(db, tmp_path, capsys):
    """Row 10 of the second attack: `--force --out other.db-wal` replaced another database's hot
    write-ahead log (its last committed rows lost), and `import --rejects` did not know the database."""
    other = tmp_path / "other.db"
    live = sqlite3.connect(other)
    live.execute("PRAGMA journal_mode = WAL")
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute("CREATE TABLE t (n)")
    live.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(300)])
    live.commit()  # committed into the -wal, which holds them until a checkpoint
    wal = tmp_path / "other.db-wal"
    before = wal.read_bytes()
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("summary,opened\n,2026-11-01 10:00\n")
    for command in (["backup"], ["incident", "list", "--format", "csv"], ["export"]):
        assert main([*command, "--db", str(db), "--out", str(wal), "--force"]) == 1, command
        assert "journal" in capsys.readouterr().err
    assert main(["verify", "--tip-out", str(wal), "--force", "--db", str(db)]) == 1
    assert main(["import", "incidents", str(csv_file), "--rejects", str(wal), "--force", "--dry-run",
                 "--db", str(db)]) == 1
    assert main(["import", "incidents", str(csv_file), "--rejects", f"{db}-shm", "--force", "--dry-run",
                 "--db", str(db)]) == 1
    capsys.readouterr()
    assert wal.read_bytes() == before
    assert live.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 300
    live.close()


@pytest.mark.parametrize("command", [
    ["sync", "import", "missing.vsb"], ["mail", "import", "missing-maildir"], ["attach", "INC-0001", "missing.pdf"],
    ["approve", "POL-0009"], ["incident", "close", "INC-0007"],
])
def test_a_write_command_that_fails_creates_no_database(tmp_path, capsys, command):
    """Row 26: a write command that failed left an empty database at the mistyped path."""
    typo = tmp_path / "typo.db"
    assert main([*command, "--db", str(typo)]) != 0
    assert not list(tmp_path.glob("typo*")), capsys.readouterr().err
    # one that succeeds keeps the database it made
    assert main(["incident", "add", "Printer jam", "--db", str(typo)]) == 0
    assert typo.exists()
    assert main([*command, "--db", str(typo)]) != 0
    assert summaries(typo) == ["Printer jam"]


def test_a_first_start_killed_half_way_leaves_no_litter_after_the_next(tmp_path):
    """Row 27: a first start killed mid-way left `.NAME.XXXX.new` files (and their -wal, -shm)."""
    path = tmp_path / "shop.db"
    code = ("import os, sys\nfrom vse_tui.store import db\n"
            "def killed(conn, path):\n    conn.execute('CREATE TABLE x (a)')\n    conn.commit()\n    os._exit(9)\n"
            "db._prepare_schema = killed\ndb.open_store(sys.argv[1])\n")
    res = subprocess.run([sys.executable, "-c", code, str(path)], env=os.environ.copy(), timeout=60)
    assert res.returncode == 9
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")], list(tmp_path.iterdir())
    old = tmp_path / ".shop.db.k2j4h1x9.new"  # an earlier vse-tui's, an hour old
    old.write_bytes(b"")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    busy = tmp_path / f".shop.db.{os.getpid()}.abcdefgh.new"  # a start still running (this process)
    busy.write_bytes(b"")
    open_store(path).close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "shop.db") == [busy.name]


def test_a_file_still_being_written_is_stored_as_it_was_read(db, tmp_path):
    """Row 24 of the second attack: a file attached while it was still being written was stored
    with content other than its hash (hashed in one read, copied in another); verify then cried
    tampering. It is read once, copied and hashed from that read."""
    from vse_tui.core.evidence.attachments import attach, check_files
    from vse_tui.store.queries import file_hash

    growing = tmp_path / "scan.pdf"
    growing.write_bytes(b"%PDF" + b"\0" * (4 << 20))
    stop = threading.Event()

    started = threading.Event()

    def writer():
        with open(growing, "ab") as fh:
            n = 0
            while not stop.is_set() and n < 1000:  # a scanner writing: 64 KiB a millisecond, at most 64 MiB
                fh.write(bytes([n % 251]) * (64 << 10))
                fh.flush()
                n += 1
                started.set()
                time.sleep(0.001)

    t = threading.Thread(target=writer)
    with open_store(db) as store:
        t.start()
        started.wait(10)
        try:
            made = attach(store, "INC-0001", growing)
        finally:
            stop.set()
            t.join()
        assert check_files(store) == []
        assert file_hash(store.file_path(made.sha256)) == (made.sha256, made.size)


def test_a_full_disk_during_a_clone_or_a_pack_leaves_nothing_half_made(db, tmp_path):
    """Row 21 of the second attack: a full disk during `sync clone` left a half clone (an attached
    file truncated, readable by others) already registered as a peer; during `audit-pack`,
    "unexpected error: OSError" and a partial pack."""
    tiny = _tiny_disk(tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(os.urandom(2 << 20))  # does not compress: larger than what is left
    assert main(["attach", "INC-0001", str(scan), "--db", str(db)]) == 0
    room = (db.stat().st_size + (1 << 20)) // 1024
    for command, out in ((["sync", "clone"], "copy.db"), (["audit-pack"], "pack")):
        script = (f"mount -t tmpfs -o size={room}k tmpfs {tiny} && {sys.executable} -m vse_tui {' '.join(command)} "
                  f"--db {db} --out {tiny}/{out}; echo rc=$?; ls -A {tiny}")
        res = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True,
                             env=os.environ.copy(), timeout=120)
        assert "rc=1" in res.stdout, (command, res.stdout, res.stderr)
        assert "disk is full" in res.stderr and "unexpected" not in res.stderr, (command, res.stderr)
        assert res.stdout.split("rc=1", 1)[1].split() == [], command  # nothing half-made left behind
    with open_store(db) as store:
        assert sync.peers(store) == []  # the copy that could not be made is no peer
