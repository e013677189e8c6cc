import os
import sqlite3
import stat

import pytest

from vse_tui.core.kernel.errors import DatabaseError, InputError, NotFound
from vse_tui.core.model.records import ChangeRequest, Customer, Incident
from vse_tui.store import Actor, open_store
from vse_tui.store.columns import SCHEMA_VERSION


@pytest.fixture
def store(bare_store):
    """These tests count what they write from an empty database: nobody in People yet."""
    return bare_store



def test_add_assigns_ids_that_sort_numerically_and_writes_history(store):
    first = store.add(Incident(summary="Mail down"), task="IN.2.1")
    assert first.id == "INC-0001" and first.version == 1 and first.status == "opened"
    store.conn.execute("UPDATE incidents SET seq = 9999, id = 'INC-9999' WHERE uuid = ?", (first.uuid,))
    nxt = store.add(Incident(summary="Printer"))
    assert nxt.id == "INC-10000"
    ids = [r.id for r in store.records("incidents")]
    assert ids == ["INC-9999", "INC-10000"]
    rows = store.history(first.uuid)
    assert len(rows) == 1
    assert rows[0]["action"] == "create" and rows[0]["task"] == "IN.2.1"
    assert (rows[0]["operator"], rows[0]["os_user"], rows[0]["host"]) == ("Tester", "tester", "testhost")
    assert rows[0]["at"].endswith("+00:00")


def test_update_makes_a_new_version_with_one_history_row_per_field(store):
    inc = store.add(Incident(summary="VPN drops"))
    new = store.update("incidents", inc.id.lower(), {"priority": "P2", "status": "updated"}, task="IN.2.2")
    assert (new.version, new.priority, new.status) == (2, "P2", "updated")
    changes = [(h["field"], h["old_value"], h["new_value"], h["task"]) for h in store.history(inc.uuid)[1:]]
    assert sorted(changes) == [("priority", "P3", "P2", "IN.2.2"), ("status", "opened", "updated", "IN.2.2")]
    assert store.get("incidents", inc.uuid).version == 2


def test_status_moves_follow_the_lifecycle(store):
    chg = store.add(ChangeRequest(title="Firewall"))
    store.update("change_requests", chg.id, {"status": "rejected"})
    with pytest.raises(InputError, match="cannot go from rejected to approved"):
        store.update("change_requests", chg.id, {"status": "approved"})
    with pytest.raises(InputError, match="status must be one of"):
        store.update("change_requests", chg.id, {"status": "closed"})


def test_validation_names_the_field_and_what_it_expects(store):
    inc = store.add(Incident(summary="x"))
    with pytest.raises(InputError) as err:
        store.update("incidents", inc.id, {"impact": "huge"})
    assert "impact: one of high, medium or low (got 'huge')" in str(err.value)
    assert store.get("incidents", inc.id).impact == "medium"
    assert len(store.history(inc.uuid)) == 1


def test_a_failed_write_leaves_neither_record_nor_history(store):
    rows = store.count("history")  # the database's birth: its site id and frozen clock
    store.conn.execute(
        "CREATE TRIGGER fail_history BEFORE INSERT ON history BEGIN SELECT RAISE(ABORT, 'disk said no'); END")
    with pytest.raises(DatabaseError):
        store.add(Customer(name="Acme"))
    assert store.count("customers") == 0
    assert store.count("history") == rows
    store.conn.execute("DROP TRIGGER fail_history")
    cust = store.add(Customer(name="Acme"))
    store.conn.execute(
        "CREATE TRIGGER fail_history BEFORE INSERT ON history BEGIN SELECT RAISE(ABORT, 'disk said no'); END")
    with pytest.raises(DatabaseError):
        store.update("customers", cust.id, {"name": "Acme Ltd"})
    assert store.get("customers", cust.id).name == "Acme"
    assert store.count("history") == rows + 1


def test_an_error_inside_a_transaction_rolls_everything_back(store):
    rows = store.count("history")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add(Incident(summary="one"))
            store.add(Incident(summary="two"))
            raise RuntimeError("boom")
    assert store.count("incidents") == 0 and store.count("history") == rows


def test_unknown_ids_are_reported_plainly(store):
    with pytest.raises(NotFound, match="No incident INC-0042"):
        store.get("incidents", "INC-0042")
    with pytest.raises(NotFound, match="unknown id prefix"):
        store.find("XYZ-1")


def test_new_database_is_created_with_its_folder_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "deep" / "er" / "vse.db"
    s = open_store(path)
    try:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert s.schema_version() == SCHEMA_VERSION
    finally:
        s.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_text_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n")
    with pytest.raises(DatabaseError, match="not an SQLite file"):
        open_store(path)
    assert path.read_text() == "shopping list\n"


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.db"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer vse-tui"):
        open_store(path)
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="another program"):
        open_store(path)


def test_a_folder_that_cannot_be_created_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="Cannot create the folder"):
        open_store(blocker / "sub" / "vse.db")


def test_records_round_trip_through_the_database(store):
    inc = store.add(Incident(summary="Ünïcode ✓ [bold]markup[/bold]", security=True, cis=["a", "b"]))
    back = store.get("incidents", inc.id)
    assert back == inc


def test_iter_all_pages_through_every_record(store):
    store.add_many(Incident(summary=f"n{i}") for i in range(2500))
    assert [r.summary for r in store.iter_all("incidents", batch=1000)][-1] == "n2499"
    assert sum(1 for _ in store.iter_all("incidents", batch=1000)) == 2500


def test_actor_defaults_to_the_os_user():
    actor = Actor()
    assert actor.operator and actor.os_user and actor.host


def test_schema_version_counts_the_migrations():
    from vse_tui.store.schema import MIGRATION_COUNT

    assert SCHEMA_VERSION == MIGRATION_COUNT


def test_an_older_database_is_copied_then_migrated(tmp_path):
    from sqlite_utils import Database

    from vse_tui.store.columns import APPLICATION_ID
    from vse_tui.store.schema import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    db = Database(conn, execute_plugins=False)
    migrations.apply(db, stop_before="0002_incidents_restored_index")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO customers(uuid, id, seq, version, data, title) VALUES (?, ?, 1, 1, ?, ?)",
                 ("u1", "CUS-0001", '{"name": "Acme"}', "Acme"))
    conn.commit()
    conn.close()
    s = open_store(path)
    try:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.get("customers", "CUS-0001").name == "Acme"
        assert s.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'incidents_restored'").fetchone()
    finally:
        s.close()
    backups = list(tmp_path.glob("old.db.before-schema-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT title FROM customers").fetchone()[0] == "Acme"
    old.close()
    assert stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600


def test_every_kind_and_prefix_maps_to_its_model():
    from vse_tui.core.model.records import KINDS, PREFIXES, all_models, model_for
    from vse_tui.store.columns import PROMOTED

    models = all_models()
    assert {m.KIND for m in models} == set(KINDS) == set(PROMOTED)
    assert {m.PREFIX: m.KIND for m in models} == PREFIXES
    for kind in KINDS:
        model = model_for(kind)
        assert model.KIND == kind
        for column in PROMOTED[kind]:
            assert column in model.model_fields, (kind, column)


def test_the_evidence_questions_go_through_their_indexes(store):
    """The evidence map's questions read only the rows concerned, however many incidents the shop
    imported or logged: each is answered through an index, never by a scan of the history."""
    conn = store.conn
    local = "(via IS NULL OR via NOT LIKE 'imported%')"
    for sql in (f"SELECT record, seq FROM history WHERE task = 'IN.2.1' AND kind = 'incidents' AND {local} "
                "ORDER BY seq DESC",
                "SELECT MIN(at) FROM history WHERE field = 'status' AND kind = 'incidents' AND new_value IN ('closed')",
                "SELECT MIN(at) FROM history WHERE action = 'create' AND kind = 'incidents' "
                "AND json_extract(new_value, '$.status') IN ('closed')"):
        plan = " ".join(str(row) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX" in plan and "SCAN" not in plan, (sql, plan)


def test_every_order_of_the_incident_list_is_read_from_an_index(store):
    """A page of the incident list, in any of its orders and for all incidents, is read through an
    index: never a sort of the whole table, whose cost would grow with the database."""
    from vse_tui.core.model.incident_rows import IncidentQuery
    from vse_tui.store.queries import SORTS

    where, params = store._incident_where(IncidentQuery())
    for sort in ("newest", "oldest", "priority", "opened"):
        sql = f"SELECT id FROM incidents WHERE {where} ORDER BY {SORTS[sort]} LIMIT 100 OFFSET 100"
        plan = " ".join(str(row) for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "TEMP B-TREE" not in plan, (sort, plan)


def test_search_orders_what_it_finds_without_weighing_the_whole_index(store):
    """An exact id first; then the few records of other kinds, those whose title starts with the
    words before those holding them; then incidents, newest first."""
    from vse_tui.core.incidents import process as core
    from vse_tui.core.model.records import ConfigurationItem

    store.add(ConfigurationItem(name="Office printer paper tray", ci_type="hardware"))
    store.add(ConfigurationItem(name="Printer GRN-19", ci_type="hardware"))
    old = core.log_incident(store, "Printer jams on floor 2")
    new = core.log_incident(store, "The printer is offline")
    found = store.search("printer")
    assert [f[3] for f in found[:2]] == ["Printer GRN-19", "Office printer paper tray"]
    assert [f[2] for f in found[2:]] == [new.id, old.id]
    assert store.search(old.id)[0][2] == old.id


def test_the_latest_record_per_status_hops_the_index_and_agrees_with_a_grouped_count(demo_store):
    for kind in ("incidents", "change_requests"):
        grouped = {status: rid for status, _, rid in demo_store.conn.execute(
            f"SELECT status, MAX(seq), id FROM {kind} GROUP BY status") if status}
        assert demo_store._latest_by_status(kind) == grouped and grouped
