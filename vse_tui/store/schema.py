"""The numbered migrations that build the schema. Each one is frozen once released:
change the schema by adding a migration, never by editing an old one."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import uuid
from contextvars import ContextVar
from datetime import datetime

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..core.kernel import clock
from .chain import (
    ALL_HASHED,
    HASHED,
    MATTERING_PREFS,
    ORIGINS_SEALED,
    SIDE_TABLES,
    digest_of,
    origin_line,
    row_hash,
    side_key,
)
from .columns import (
    ADDED_V7,
    ADDED_V9,
    COMMON,
    PROMOTED_V1,
    PROMOTED_V4,
    PROMOTED_V5,
    SEARCH_KEYS,
    SEARCH_KINDS,
    SIMULATED_BIRTH,
    TIME_SPENT_SET,
)

# The moment a database being created is born at, when its creator lives a made-up past (the demo,
# whose year starts before today): its first rows are dated then, not now (see open_store's `born`).
BIRTH: ContextVar[datetime | None] = ContextVar("BIRTH", default=None)

migrations = Migrations("vse-tui")

@migrations(name="0001_records_and_history")
def m0001(db: Database) -> None:
    for table, extra in PROMOTED_V1.items():
        db.table(table).create({**COMMON, **extra}, pk="uuid", not_null={"id", "seq", "version", "data"})
        db.table(table).create_index(["id"], unique=True)
        db.table(table).create_index(["seq"])
    db.table("history").create(
        {
            "seq": int, "at": str, "kind": str, "record": str, "record_id": str, "action": str,
            "field": str, "old_value": str, "new_value": str, "operator": str, "os_user": str,
            "host": str, "task": str, "version": int,
        },
        pk="seq",
        not_null={"at", "kind", "record", "action", "operator"},
    )
    db.execute("CREATE INDEX history_record ON history(record, seq)")
    db.execute("CREATE INDEX history_task ON history(task, at)")
    # Indexes matching the sort order of each list and dashboard panel.
    db.execute("CREATE INDEX incidents_open ON incidents(priority, opened_at) WHERE status != 'closed'")
    db.execute("CREATE INDEX incidents_opened ON incidents(opened_at, seq)")
    db.execute("CREATE INDEX incidents_state ON incidents(status, state, seq)")
    db.execute("CREATE INDEX incidents_customer ON incidents(customer, opened_at)")
    db.execute("CREATE INDEX incidents_service ON incidents(service, opened_at)")
    db.execute("CREATE INDEX incidents_closed ON incidents(closed_at)")
    db.execute("CREATE INDEX changes_planned ON change_requests(planned_at, seq)")
    db.execute("CREATE INDEX changes_state ON change_requests(status, state, seq)")
    db.execute("CREATE INDEX schedule_starts ON schedule_items(starts_at)")
    db.execute("CREATE INDEX feedback_received ON feedback(received_at, seq)")
    db.execute("CREATE INDEX training_due ON training(due_on)")
    db.execute("CREATE INDEX agreements_review ON customer_agreements(review_date)")
    db.execute("CREATE INDEX supplier_agreements_review ON supplier_agreements(review_date)")
    db.execute("CREATE INDEX cis_expiry ON configuration_items(expiry_date)")
    db.table("settings").create({"key": str, "value": str}, pk="key")


@migrations(name="0002_incidents_restored_index")
def m0002(db: Database) -> None:
    # The dashboard's weekly breach count reads incidents by the time they were restored;
    # covering opened_at and priority, it never touches the table.
    db.execute("CREATE INDEX incidents_restored ON incidents(restored_at, opened_at, priority)")


@migrations(name="0003_hash_chain")
def m0003(db: Database) -> None:
    """History rows carry their hash and the previous row's; records the hash of their latest row.
    Rows written before this migration are chained now, in their order."""

    db.execute("ALTER TABLE history ADD COLUMN hash TEXT")
    db.execute("ALTER TABLE history ADD COLUMN prev_hash TEXT")
    for table in PROMOTED_V1:
        db.execute(f"ALTER TABLE {table} ADD COLUMN chain TEXT")
    prev = None
    cols = ", ".join(HASHED)
    rows = db.execute(f"SELECT {cols} FROM history ORDER BY seq").fetchall()
    latest: dict[tuple[str, str], str] = {}
    for r in rows:
        values = dict(zip(HASHED, r))
        h = row_hash(prev, values)
        db.execute("UPDATE history SET hash = ?, prev_hash = ? WHERE seq = ?", (h, prev, values["seq"]))
        latest[(values["kind"], values["record"])] = h
        prev = h
    for (kind, record), h in latest.items():
        if kind in PROMOTED_V1:
            db.execute(f"UPDATE {kind} SET chain = ? WHERE uuid = ?", (h, record))


@migrations(name="0004_change_schedule")
def m0004(db: Database) -> None:
    """The change schedule (WP.12) becomes one document with its own status; its entries
    (changes, windows, business events) stay in schedule_items."""

    for table, extra in PROMOTED_V4.items():
        db.table(table).create({**COMMON, **extra, "chain": str}, pk="uuid", not_null={"id", "seq", "version", "data"})
        db.table(table).create_index(["id"], unique=True)
        db.table(table).create_index(["seq"])
    db.execute("CREATE INDEX schedule_change ON schedule_items(change)")



@migrations(name="0005_attachments")
def m0005(db: Database) -> None:
    """Files attached to records (the files themselves live beside the database)."""

    for table, extra in PROMOTED_V5.items():
        db.table(table).create({**COMMON, **extra, "chain": str}, pk="uuid", not_null={"id", "seq", "version", "data"})
        db.table(table).create_index(["id"], unique=True)
        db.table(table).create_index(["seq"])
    db.execute("CREATE INDEX attachments_record ON attachments(record, seq)")
    db.execute("CREATE INDEX attachments_hash ON attachments(sha256)")



@migrations(name="0006_sites_and_sync")
def m0006(db: Database) -> None:
    """Each database gets a site id; each history row remembers where it was first written (its
    site and its number there), so that exchanging bundles between copies never applies an event
    twice. Aliases keep renumbered human ids findable; conflicts and peers support merging."""

    site = str(uuid.uuid4())
    db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('site_id', ?)", (site,))
    db.execute("ALTER TABLE history ADD COLUMN origin_site TEXT")
    db.execute("ALTER TABLE history ADD COLUMN origin_seq INTEGER")
    db.execute("UPDATE history SET origin_site = ?, origin_seq = seq", (site,))
    db.execute("CREATE UNIQUE INDEX history_origin ON history(origin_site, origin_seq)")
    db.table("aliases").create({"alias": str, "kind": str, "uuid": str, "site": str, "at": str}, pk=("alias", "uuid"))
    db.table("peers").create({"site": str, "name": str, "relation": str, "acked": int, "received": int,
                        "last_export": str, "last_import": str}, pk="site")
    db.table("conflicts").create({"id": int, "kind": str, "record": str, "record_id": str, "field": str,
                            "reason": str, "local_value": str, "remote_value": str, "remote_site": str,
                            "remote_seq": int, "remote_operator": str, "remote_at": str, "state": str,
                            "resolution": str, "resolved_by": str, "resolved_at": str}, pk="id")
    db.execute("CREATE INDEX conflicts_open ON conflicts(state, id)")


@migrations(name="0007_people_origins_prefs_search")
def m0007(db: Database) -> None:
    """History rows name the person who wrote them (beside the login), where a change came from
    (typed, imported, merged, demo) and, for imported events, when they happened in the source.
    Preferences of the person at the keyboard leave the versioned settings. The old ticket key,
    who has an incident, change or feedback entry, and a person's login get their own columns.
    Records get a full-text index (FTS5, trigram) over their id, title and keys."""

    for name in ("person", "via", "occurred_at"):
        db.execute(f"ALTER TABLE history ADD COLUMN {name} TEXT")
    db.table("prefs").create({"key": str, "value": str}, pk="key")
    db.execute("INSERT INTO prefs(key, value) SELECT key, value FROM settings WHERE key IN "
               "('last_customer', 'last_service', 'wizard_step', 'last_feedback_company') OR key LIKE 'wizard_draft:%'")
    db.execute("DELETE FROM settings WHERE key IN ('last_customer', 'last_service', 'wizard_step', "
               "'last_feedback_company') OR key LIKE 'wizard_draft:%'")
    for table, cols in ADDED_V7.items():
        for name in cols:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} TEXT")
            db.execute(f"UPDATE {table} SET {name} = json_extract(data, '$.{name}'), "
                       f"data = json_remove(data, '$.{name}') WHERE json_extract(data, '$.{name}') IS NOT NULL")
    db.execute("CREATE INDEX incidents_external_ref ON incidents(external_ref) WHERE external_ref IS NOT NULL")
    db.execute("CREATE INDEX incidents_assignee ON incidents(assignee, priority, opened_at) WHERE status != 'closed'")
    db.execute("CREATE INDEX people_os_user ON people(os_user) WHERE os_user IS NOT NULL")
    db.execute("CREATE VIRTUAL TABLE record_search USING fts5(id, title, keys, kind UNINDEXED, uuid UNINDEXED, "
               "tokenize = 'trigram')")
    for number, table in enumerate(SEARCH_KINDS, start=1):
        rowid = f"{number} * 1099511627776 + new.rowid"
        keys = SEARCH_KEYS.get(table, "''")
        insert = (f"INSERT INTO record_search(rowid, id, title, keys, kind, uuid) "
                  f"VALUES ({rowid}, new.id, new.title, COALESCE({keys}, ''), '{table}', new.uuid);")
        db.execute(f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {insert} END")
        changed = f"({keys.replace('new.', 'old.')}) IS NOT ({keys})"
        db.execute(f"CREATE TRIGGER {table}_search_update AFTER UPDATE ON {table} WHEN old.id IS NOT new.id "
                   f"OR old.title IS NOT new.title OR {changed} BEGIN "
                   f"DELETE FROM record_search WHERE rowid = {number} * 1099511627776 + old.rowid; {insert} END")
        db.execute(f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM record_search WHERE rowid = {number} * 1099511627776 + old.rowid; END")
        old_keys = keys.replace("new.", "")
        db.execute(f"INSERT INTO record_search(rowid, id, title, keys, kind, uuid) SELECT {number} * 1099511627776 + "
                   f"rowid, id, title, COALESCE({old_keys}, ''), '{table}', uuid FROM {table}")


@migrations(name="0008_chain_tip_and_settings_provenance")
def m0008(db: Database) -> None:
    """The chain's tip (last sequence, its hash, the number of rows) is kept in a row of its own,
    moved by every history row, so that cutting the last rows off together with their records is
    found. Settings that hold a value with no history row of their own (the site id made at
    creation, a frozen clock) get one, chained, so that any later change made behind the app's back
    is found by `verify`."""

    db.execute("CREATE TABLE chain_tip (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, "
               "hash TEXT, rows INTEGER NOT NULL)")
    last = db.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, None)
    site = (db.execute("SELECT value FROM settings WHERE key = 'site_id'").fetchone() or [None])[0]
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on this system
        login = "unknown"
    # A database born on a frozen clock (a test's, the demo's) lives a made-up past: its birth rows
    # are dated before anything in it; a real one is dated as it happens.
    birth = BIRTH.get() if not last else None
    born = clock.iso(birth or (SIMULATED_BIRTH if os.environ.get("VSE_TUI_NOW") and not last else clock.now()))
    for key, value in db.execute("SELECT key, value FROM settings WHERE key NOT IN "
                                 "(SELECT DISTINCT record FROM history WHERE kind = 'settings') ORDER BY key").fetchall():
        seq += 1
        values = {"seq": seq, "at": born, "kind": "settings", "record": key, "record_id": key,
                  "action": "update", "field": key, "old_value": None, "new_value": value, "operator": "vse-tui",
                  "os_user": login, "host": socket.gethostname(), "task": None, "version": None, "person": None,
                  "via": "created", "occurred_at": None}
        digest = row_hash(prev, values)
        cols = ALL_HASHED + ("hash", "prev_hash", "origin_site", "origin_seq")
        db.execute(f"INSERT INTO history({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [*(values[k] for k in ALL_HASHED), digest, prev, site, seq])
        prev = digest
    count = db.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    db.execute("INSERT INTO chain_tip(id, seq, hash, rows) VALUES (1, ?, ?, ?)", (seq, prev, count))


@migrations(name="0009_import_fingerprints")
def m0009(db: Database) -> None:
    """An incident imported from an export without ticket keys keeps its row's content fingerprint,
    indexed, so that importing the same file again adds nothing."""

    for table, cols in ADDED_V9.items():
        for name in cols:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} TEXT")
            db.execute(f"UPDATE {table} SET {name} = json_extract(data, '$.{name}'), "
                       f"data = json_remove(data, '$.{name}') WHERE json_extract(data, '$.{name}') IS NOT NULL")
    db.execute("CREATE INDEX incidents_fingerprint ON incidents(fingerprint) WHERE fingerprint IS NOT NULL")


@migrations(name="0010_history_by_kind")
def m0010(db: Database) -> None:
    """Verification reads each kind's history record by record: an index in that order makes it one
    pass over the kind's own rows instead of a pass over all the history per kind."""
    db.execute("CREATE INDEX history_kind_record ON history(kind, record, seq)")


# The shop's own history rows (not brought in from another tool): the evidence of a task.
LOCAL = "(via IS NULL OR via NOT LIKE 'imported%')"


@migrations(name="0011_evidence_indexes")
def m0011(db: Database) -> None:
    """The evidence map asks, per task and work product, which records the shop itself tagged and
    when a kind first reached a status: partial indexes answer each from the rows concerned, so its
    cost does not grow with the incidents a shop imported or logged over the years."""
    db.execute(f"CREATE INDEX history_task_local ON history(task, kind, seq) WHERE {LOCAL}")
    db.execute("CREATE INDEX history_status_moves ON history(kind, new_value, at) WHERE field = 'status'")
    db.execute("CREATE INDEX history_created_status ON history(kind, json_extract(new_value, '$.status'), at) "
               "WHERE action = 'create'")



@migrations(name="0012_incidents_by_priority")
def m0012(db: Database) -> None:
    """The incident list's first order (priority, then oldest first) over every incident, not only
    the open ones: read a page at a time from an index instead of sorting the whole table for each
    page (0.3 s a page at 1,000,000 incidents)."""
    db.execute("CREATE INDEX incidents_priority ON incidents(priority, opened_at, seq)")


@migrations(name="0013_incidents_with_time_spent")
def m0013(db: Database) -> None:
    """The incidents that carry time entries (a few of them in most shops): the performance report's
    time spent reads those, not every incident's JSON (0.11 s at 100,000 incidents, growing)."""
    db.execute(f"CREATE INDEX incidents_time_spent ON incidents(customer) WHERE {TIME_SPENT_SET}")


@migrations(name="0014_origins_and_sync_state_verified")
def m0014(db: Database) -> None:
    """Every byte that matters is verifiable. Rows written from here on hash their origin (site and
    number); the origins of the rows written before are sealed by one digest, kept as a setting
    with its own history row. The sync state beside the records (peers, aliases, conflicts) and
    the preferences that decide where a new record goes get a history row holding each row as it
    is now: from here on every change to them writes one, and `verify` compares."""

    last = db.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, None)
    origins = hashlib.sha256()
    for row in db.execute("SELECT seq, origin_site, origin_seq FROM history ORDER BY seq"):
        origins.update(origin_line(*row))
    site = (db.execute("SELECT value FROM settings WHERE key = 'site_id'").fetchone() or [None])[0]
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on this system
        login = "unknown"
    tip_at, made = db.execute("SELECT MAX(at), COUNT(*) FILTER (WHERE via IS NOT 'created') FROM history").fetchone()
    # a database just made (its birth rows only) is dated with them, as 0008 dates them; else now,
    # never before the chain's tip
    born = tip_at if tip_at and not made else max(clock.iso(clock.now()) or "", tip_at or "")
    seal = json.dumps({"upto": seq, "sha256": origins.hexdigest()}, sort_keys=True)
    rows: list[tuple[str, str, str | None, str | None]] = [("settings", ORIGINS_SEALED, ORIGINS_SEALED, seal)]
    for table in SIDE_TABLES:
        cursor = db.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            rows.append((table, side_key(table, row), None, json.dumps(row, ensure_ascii=False, sort_keys=True)))
    marks = ", ".join("?" * len(MATTERING_PREFS))
    for key, value in db.execute(f"SELECT key, value FROM prefs WHERE key IN ({marks}) ORDER BY key",
                                 MATTERING_PREFS).fetchall():
        rows.append(("prefs", key, key, value))
    db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (ORIGINS_SEALED, seal))
    cols = ALL_HASHED + ("hash", "prev_hash", "origin_site", "origin_seq")
    for kind, record, name, value in rows:
        seq += 1
        values = {"seq": seq, "at": born, "kind": kind, "record": record, "record_id": name if kind == "settings"
                  else None, "action": "update", "field": name, "old_value": None, "new_value": value,
                  "operator": "vse-tui", "os_user": login, "host": socket.gethostname(), "task": None,
                  "version": None, "person": None, "via": "created", "occurred_at": None}
        digest = digest_of(prev, [values[k] for k in ALL_HASHED[:14]], [values[k] for k in ALL_HASHED[14:]],
                           (site, seq))
        db.execute(f"INSERT INTO history({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [*(values[k] for k in ALL_HASHED), digest, prev, site, seq])
        prev = digest
    db.execute("UPDATE chain_tip SET seq = ?, hash = ?, rows = rows + ? WHERE id = 1", (seq, prev, len(rows)))


MIGRATION_COUNT = len(migrations._migrations)
