"""Every byte that matters is covered: each column of each table holding shop data or sync state,
edited in the file behind the app's back, is named by `verify` (the table, the record or the row)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import shared_build
from vse_tui.core.incidents import process as core
from vse_tui.store import Actor, open_store, sync
from vse_tui.store.chain import verify

# Tables that hold neither shop data nor sync state: sqlite-utils' list of the migrations run (the
# schema's own bookkeeping) and the storage of the search index (its rows are checked through it).
NOT_DATA = {"_sqlite_migrations", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}
SEARCH_STORAGE = ("record_search_",)


@pytest.fixture(scope="module")
def full_shop(tmp_path_factory):
    """A shop holding the demo's records of every kind, a technician's copy it exchanged with (a
    renumbered record, a conflict settled and one open) and the preferences of a quick capture. Built
    once for the whole run and shared by the workers: the tests read it or edit a copy."""
    from datetime import date

    from vse_tui.demo import build_demo

    def build(folder: Path) -> None:
        shop = open_store(folder / "shop.db", Actor(operator="demo"))
        build_demo(shop, as_of=date(2026, 11, 26), incidents=6)
        tech = open_store(sync.clone(shop, folder / "tech.db", "laptop")["path"], Actor(operator="Sam"))
        core.log_incident(shop, "Mail slow at the shop")
        core.log_incident(tech, "Printer offline on site")
        first = shop.records("incidents")[0].id
        shop.update("incidents", first, {"details": "Paper tray 2 only"})
        tech.update("incidents", first, {"details": "Every tray"})
        sync.export_bundle(tech, folder / "t.vsb")
        result = sync.import_bundle(shop, folder / "t.vsb")
        assert result.renumbered and result.conflicts
        from vse_tui.core.evidence.attachments import attach

        (folder / "minutes.txt").write_text("Review minutes\n")
        attach(shop, first, str(folder / "minutes.txt"), "the review's minutes")
        customer = shop.records("customers")[0]
        service = shop.records("services")[0]
        shop.set_pref("last_customer", customer.uuid)
        shop.set_pref("last_service", service.uuid)
        shop.set_pref("wizard_step", "scope")
        assert verify(shop) == []
        shop.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shop.close()
        tech.close()

    return shared_build(tmp_path_factory, "every-column", build) / "shop.db"


def _columns(path):
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = []
        for table in tables:
            if table in NOT_DATA or table.startswith(SEARCH_STORAGE):
                continue
            for col in conn.execute(f"SELECT name FROM pragma_table_info('{table}')"):
                out.append((table, col[0]))
        return out
    finally:
        conn.close()


def _forged(value):
    """A different value of the same kind."""
    if value is None:
        return "x"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str) and value[:1] in "{[":
        try:
            loaded = json.loads(value)
        except ValueError:
            return value + "x"
        if isinstance(loaded, dict):
            return json.dumps({**loaded, "forged": "x"}) if loaded else json.dumps({"forged": "x"})
        return json.dumps([*loaded, "x"])
    return str(value) + "x"


def _row_to_edit(conn, table):
    """The rowid of the row to edit and the words verify must use about it."""
    if table == "prefs":
        rowid = conn.execute("SELECT rowid FROM prefs WHERE key = 'last_customer'").fetchone()[0]
        return rowid, ("prefs", "refused by the schema")
    if table == "history":  # a row sealed by the migration and one hashed with its origin: see the test below
        rowid = conn.execute("SELECT MAX(rowid) FROM history").fetchone()[0]
        return rowid, ("history", "refused by the schema")
    rowid = conn.execute(f"SELECT rowid FROM \"{table}\" ORDER BY rowid LIMIT 1").fetchone()
    assert rowid is not None, f"{table} has no row: the shop built for this test must fill every table"
    names = [table, "search index", "setting", "history", "refused by the schema"]
    cols = [r[0] for r in conn.execute(f"SELECT name FROM pragma_table_info('{table}')")]
    if "id" in cols:
        names.append(str(conn.execute(f"SELECT id FROM \"{table}\" WHERE rowid = ?", rowid).fetchone()[0]))
    return rowid[0], tuple(names)


def _verify_after(path, tmp_path, sql, args=()):
    """What verify says of a copy of the shop edited by `sql` behind the app's back."""
    copy = tmp_path / "copy.db"
    if not copy.exists():
        shutil.copy(path, copy)
    with open_store(copy, create=False) as s:
        return _verify_edited(s, sql, args)


def _verify_edited(s, sql, args=()):
    """verify on the open store `s` with `sql` applied, then undone (one transaction)."""
    s.conn.execute("BEGIN")
    try:
        try:
            s.conn.execute(sql, args)
        except sqlite3.IntegrityError as exc:  # the schema itself refuses the edit (a CHECK, a unique key)
            return [f"refused by the schema: {exc}"]
        return [p.line() for p in verify(s)]
    finally:
        s.conn.rollback()


def _tables():
    """The tables of a database as the app makes it today (each a test, so that they run side by side)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        open_store(Path(folder) / "t.db", Actor(operator="probe")).close()
        return sorted({t for t, _ in _columns(Path(folder) / "t.db")})


def test_the_tables_the_attack_found_unchecked_are_covered():
    assert {"history", "peers", "aliases", "conflicts", "prefs", "settings", "chain_tip", "record_search",
            "incidents", "people"} <= set(_tables())
    assert len(_tables()) > 35


@pytest.mark.parametrize("table", _tables())
def test_every_column_of_every_table_edited_is_named_by_verify(full_shop, tmp_path, table):
    columns = [c for t, c in _columns(full_shop) if t == table]
    missed = []
    shutil.copy(full_shop, tmp_path / "copy.db")
    with open_store(tmp_path / "copy.db", create=False) as s:
        for column in columns:
            rowid, names = _row_to_edit(s.conn, table)
            value = s.conn.execute(f"SELECT \"{column}\" FROM \"{table}\" WHERE rowid = ?", (rowid,)).fetchone()[0]
            lines = _verify_edited(s, f"UPDATE \"{table}\" SET \"{column}\" = ? WHERE rowid = ?",
                                   (_forged(value), rowid))
            if not any(any(n in line for n in names) for line in lines):
                missed.append(f"{table}.{column}: {lines[:2]}")
    assert columns and missed == []


@pytest.mark.parametrize("column", ["origin_site", "origin_seq"])
def test_a_rows_origin_is_covered_before_and_after_the_seal(full_shop, tmp_path, column):
    """Rows written before schema 14 are covered by the seal's digest, rows after by their hash: an
    origin changed can no longer hide a row from the next bundle."""
    conn = sqlite3.connect(full_shop)
    sealed = json.loads(conn.execute("SELECT value FROM settings WHERE key = 'origins_sealed'").fetchone()[0])["upto"]
    last = conn.execute("SELECT MAX(seq) FROM history").fetchone()[0]
    conn.close()
    assert 0 < sealed < last
    for seq in (1, sealed, sealed + 1, last):
        lines = _verify_after(full_shop, tmp_path, f"UPDATE history SET {column} = "
                              f"{'origin_seq + 100000' if column == 'origin_seq' else 'origin_site || 1'} WHERE seq = ?",
                              (seq,))
        assert any(line.startswith("history") for line in lines), (seq, lines)


def test_a_peers_acknowledgement_forged_is_found_and_names_the_column(full_shop, tmp_path):
    lines = _verify_after(full_shop, tmp_path, "UPDATE peers SET acked = 999999")
    assert any(line.startswith("peers ") and "its acked differs" in line for line in lines), lines


def test_a_renamed_person_is_found(full_shop, tmp_path):
    """The attack renamed a person in the title column only: lists and `--as` took the forged name."""
    lines = _verify_after(full_shop, tmp_path, "UPDATE people SET title = 'Mallory' WHERE rowid = "
                                               "(SELECT MIN(rowid) FROM people)")
    assert any("its title (shown in lists) differs" in line for line in lines), lines
