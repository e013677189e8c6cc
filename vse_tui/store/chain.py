"""Tamper evidence: the history table is a hash chain, and every record carries the hash of its
latest history row. `verify` recomputes both and replays each record's history against its
current values, so that a row edited, deleted or inserted behind the app's back is found."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..core.kernel import clock
from ..core.kernel.findings import Finding
from ..core.model.records import KINDS, model_for
from .columns import PROMOTED, SEARCH_KEYS, SEARCH_KINDS

if TYPE_CHECKING:
    import sqlite3
    from concurrent.futures import Future
    from pathlib import Path

    from .db import Store

Row = tuple[Any, ...]  # a row as SQLite gives it

HASHED = ("seq", "at", "kind", "record", "record_id", "action", "field", "old_value", "new_value",
          "operator", "os_user", "host", "task", "version")
# Columns added later: hashed when set, so rows written before them keep their hash.
HASHED_IF_SET = ("person", "via", "occurred_at")
ALL_HASHED = HASHED + HASHED_IF_SET
# Where a row was first written (its site, its number there): hashed in every row written after the
# rows sealed by migration 14 (`ORIGINS_SEALED`); those before it are covered by the seal's digest.
ORIGIN = ("origin_site", "origin_seq")
ORIGINS_SEALED = "origins_sealed"  # the setting: {"upto": last row sealed, "sha256": digest of their origins}
# Tables of sync state written beside the records (their key columns): each change to one of their
# rows is a history row of that kind holding the whole row, so that `verify` can tell it was made
# by the app. Of the preferences, those that decide where a new record goes.
SIDE_TABLES: dict[str, tuple[str, ...]] = {"peers": ("site",), "aliases": ("alias", "uuid"), "conflicts": ("id",)}
MATTERING_PREFS = ("last_customer", "last_service")
NOT_SYNCED = (*SIDE_TABLES, "prefs")  # kinds of history rows that stay in their database


# Lists that only grow through Store.append: each addition is one "append" history row holding the
# items whole, while the record's row keeps each item's envelope (a message without its text: the
# text is kept once, in that history row; a thread of a thousand replies is never stored again).
APPEND_ONLY = {("incidents", "mail")}
HEAVY = {("incidents", "mail"): ("text",)}


def envelope(kind: str, name: str, item: Any) -> Any:
    """What a record's row keeps of an item added to an append-only list."""
    heavy = HEAVY.get((kind, name), ())
    if not heavy or not isinstance(item, dict):
        return item
    return {k: v for k, v in item.items() if k not in heavy}


def history_value(value: Any) -> str | None:
    """A field's value as the history holds it: text as it is, anything else as sorted JSON. The one
    serialiser of the write path, the merge and the verification."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def row_hash(prev_hash: str | None, values: dict[str, Any], origin: bool = False) -> str:
    """sha256 over the previous row's hash and this row's content, in a fixed canonical form
    (`origin`: with its origin, as rows are hashed since migration 14)."""
    return digest_of(prev_hash, [values.get(k) for k in HASHED], [values.get(k) for k in HASHED_IF_SET],
                     (values.get("origin_site"), values.get("origin_seq")) if origin else None)


def digest_of(prev_hash: str | None, hashed: Sequence[Any], late: Sequence[Any],
              origin: Sequence[Any] | None = None) -> str:
    """The canonical form: the previous hash, the HASHED values in order, then those of
    HASHED_IF_SET (`late`, in their order) that are set, by name, and the origin (site, number)
    when given."""
    items: list[Any] = [prev_hash or "", *hashed]
    extra: dict[str, Any] = {k: v for k, v in zip(HASHED_IF_SET, late) if v is not None}
    if origin is not None:
        extra["origin"] = [origin[0], origin[1]]
    if extra:
        items.append(extra)
    return hashlib.sha256(_CANONICAL(items).encode("utf-8")).hexdigest()


def origin_line(seq: int, site: Any, number: Any) -> bytes:
    """One sealed row's origin as the seal's digest reads it."""
    return _CANONICAL([seq, site, number]).encode("utf-8") + b"\n"


def side_key(table: str, row: dict[str, Any]) -> str:
    """The history's name (its `record`) for a row of a side table: its key columns' values."""
    return _CANONICAL([row.get(k) for k in SIDE_TABLES[table]])


def _history_rows(conn: sqlite3.Connection, batch: int = 5000, upto: int | None = None) -> Iterator[Row]:
    """The history's hashed columns (ALL_HASHED, then hash, prev_hash and the origin) in order, a
    batch at a time."""
    last = 0
    cols = ", ".join(ALL_HASHED + ("hash", "prev_hash") + ORIGIN)
    end = upto if upto is not None else 1 << 62
    while True:
        rows = conn.execute(f"SELECT {cols} FROM history WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                            (last, end, batch)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify_history(conn: sqlite3.Connection, upto: int | None = None) -> list[Finding]:
    """Walk the chain from the first row (to `upto`); report every row whose link or content does
    not check out. Each row is hashed from its columns as read (no dict per row)."""
    problems: list[Finding] = []
    prev = None
    width, late = len(HASHED), len(HASHED) + len(HASHED_IF_SET)
    sealed, seal = _seal(conn)
    origins = hashlib.sha256()
    reached = False
    for row in _history_rows(conn, upto=upto):
        digest, prev_hash = row[late], row[late + 1]
        origin: Row | None = row[late + 2:]
        if (prev_hash or None) != prev:
            problems.append(Finding.broken(_("history {row}").format(row=row[0]), _("the link to the previous row is broken (a row before it was deleted, inserted or changed)")))
        if row[0] <= sealed:
            origins.update(origin_line(row[0], row[late + 2], row[late + 3]))
            reached = reached or row[0] == sealed
            if row[0] == sealed and origins.hexdigest() != seal:
                problems.append(Finding.broken(_("history up to {sealed}").format(sealed=sealed), _("the origin (site and number) of a row was changed after it was written")))
            origin = None
        if digest != digest_of(prev_hash, row[:width], row[width:late], origin):
            problems.append(Finding.broken(_("history {row}").format(row=row[0]), _("its content was changed after it was written (or where it came from)")))
        prev = digest
    if sealed and not reached and (upto is None or upto >= sealed):
        problems.append(Finding.broken(_("history up to {sealed}").format(sealed=sealed), _("rows whose origin is sealed are missing")))
    return problems


def _seal(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """The last row whose origin is sealed by migration 14's digest (not by its own hash), and
    the digest; a seal that cannot be read seals nothing (its setting's own check says why)."""
    row = conn.execute("SELECT new_value FROM history WHERE kind = 'settings' AND record = ? ORDER BY seq DESC "
                       "LIMIT 1", (ORIGINS_SEALED,)).fetchone()
    try:
        seal = json.loads(row[0]) if row and row[0] else {}
        return int(seal["upto"]), str(seal["sha256"])
    except (ValueError, KeyError, TypeError):
        return 0, None


def _empty(value: Any) -> bool:
    return value in (None, "", "[]", "{}", [], {})


def verify_tip(conn: sqlite3.Connection) -> list[Finding]:
    """The chain's tip row says how far the chain went: its last row and how many rows it holds.
    Rows cut off at the end (with the records they made) leave the tip ahead of the history."""
    last = conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    count = conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    tip = conn.execute("SELECT seq, hash, rows FROM chain_tip WHERE id = 1").fetchone()
    if tip is None:
        return [Finding.broken("history", _("the chain's tip row is missing (removed behind the app's back)"))]
    seq, digest = (last[0], last[1]) if last else (0, None)
    if (tip[0], tip[1], tip[2]) != (seq, digest, count):
        return [Finding.broken("history", _("the chain's tip says {tip} rows up to number {tip2}, the history holds {count} up to number {seq}: rows were cut off or added behind the app's back").format(tip=tip[2], tip2=tip[0], count=count, seq=seq))]
    return []


def verify_time(conn: sqlite3.Connection) -> list[Finding]:
    """The rows written on one copy never go back in time (a clock set back, or rows forged)."""
    rows = conn.execute(
        "SELECT seq, record_id, at, prev FROM (SELECT origin_site, seq, record_id, at, "
        "LAG(at) OVER (PARTITION BY origin_site ORDER BY origin_seq) AS prev FROM history) "
        "WHERE prev IS NOT NULL AND at < prev ORDER BY seq LIMIT 20").fetchall()
    return [Finding.broken(_("history {seq}").format(seq=seq), _("dated {at}, before the row written ahead of it ({prev})").format(at=at, prev=prev)
                    + (_(" about {rid}").format(rid=rid) if rid else "")) for seq, rid, at, prev in rows]


def verify_settings(conn: sqlite3.Connection) -> list[Finding]:
    """Every setting holds the value its own history rows give it (the site id, the frozen clock of
    a demo, the shop's name): one changed, added or removed behind the app's back is found."""
    expected: dict[str, str | None] = {}
    for key, new in conn.execute("SELECT record, new_value FROM history WHERE kind = 'settings' ORDER BY seq"):
        expected[key] = new
    actual = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    problems = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            problems.append(Finding.broken(_("setting {key}").format(key=key), _("its value differs from what its history says (changed behind the app's back)")))
    return problems


def verify_side_tables(conn: sqlite3.Connection) -> list[Finding]:
    """Every row of the sync state beside the records (peers, aliases, conflicts) and every
    preference that decides where a new record goes holds what its own history rows say: a row
    changed, added or removed behind the app's back is found, with the column that differs."""
    problems: list[Finding] = []
    tables: list[tuple[str, Callable[[dict[str, Any]], str], str]] = [
        (t, functools.partial(side_key, t), f"SELECT * FROM {t}") for t in SIDE_TABLES]
    marks = ", ".join("?" * len(MATTERING_PREFS))
    tables.append(("prefs", lambda row: str(row["key"]), f"SELECT * FROM prefs WHERE key IN ({marks})"))
    for table, key_of, query in tables:
        expected: dict[str, str | None] = {}
        for record, new in conn.execute("SELECT record, new_value FROM history WHERE kind = ? ORDER BY seq", (table,)):
            expected[record] = new
        cursor = conn.execute(query, MATTERING_PREFS if table == "prefs" else ())
        names = [d[0] for d in cursor.description]
        actual: dict[str, dict[str, Any]] = {}
        for values in cursor:
            found = dict(zip(names, values))
            actual[key_of(found)] = found
        for key in sorted(set(expected) | set(actual), key=str):
            text, row = expected.get(key), actual.get(key)
            if table == "prefs":
                want: Any = None if text is None else {"key": key, "value": text}
            else:
                try:
                    want = json.loads(text) if text else None
                except ValueError:
                    want = {"": "unreadable"}
            if want == row:
                continue
            label = _("{table} {key}").format(table=table, key=key)
            if row is None:
                what = _("its row is gone (removed behind the app's back)")
            elif want is None:
                what = _("it has no history: it was added or renamed behind the app's back")
            else:
                columns = sorted(k for k in set(want) | set(row) if want.get(k) != row.get(k))
                what = _("its {columns} differs from what its history says (changed behind the app's back)").format(columns=', '.join(columns))
            problems.append(Finding.broken(label, what))
    return problems


def verify_search(conn: sqlite3.Connection) -> list[Finding]:
    """The search index holds each record's id, title and keys as its row does (a list found by
    searching shows what the index holds): a row of it changed, added or removed is found."""

    problems: list[Finding] = []
    for number, kind in enumerate(SEARCH_KINDS, start=1):
        keys = SEARCH_KEYS.get(kind, "''").replace("new.", "")
        base = number * 1099511627776
        own = (f"SELECT {base} + rowid, id, title, COALESCE({keys}, ''), uuid FROM {kind}")
        held = ("SELECT rowid, id, title, keys, uuid FROM record_search WHERE rowid >= ? AND rowid < ? "
                "AND kind = ?")
        args = (base, base + 1099511627776, kind)
        odd = conn.execute(f"SELECT * FROM ({held} EXCEPT {own}) UNION ALL SELECT * FROM ({own} EXCEPT {held}) "
                           "LIMIT 1", (*args, *args)).fetchone()
        if odd is not None:
            problems.append(Finding.broken(_("search index ({kind})").format(kind=kind), _("its entry for {odd} differs from the record (changed behind the app's back; searches would show it)").format(odd=odd[1])))
    stray = conn.execute("SELECT id, kind FROM record_search WHERE rowid < ? OR rowid >= ? OR kind NOT IN "
                         f"({', '.join('?' * len(SEARCH_KINDS))}) LIMIT 1",
                         (1099511627776, (len(SEARCH_KINDS) + 1) * 1099511627776, *SEARCH_KINDS)).fetchone()
    if stray is not None:
        problems.append(Finding.broken(_("search index"), _("it holds an entry ({stray}) of no record (added behind the app's back)").format(stray=stray[0])))
    return problems


COMMON = ("version", "created_at", "created_by", "updated_at", "updated_by")


def _same_moment(a: Any, b: Any) -> bool:
    if a == b:
        return True
    try:
        return clock.parse_datetime(str(a)) == clock.parse_datetime(str(b))
    except (TypeError, ValueError):
        return False


def _loose_equal(a: Any, b: Any) -> bool:
    """Equal as values, where a key one side lacks reads as empty on it: a record written before a
    field (or a field of a nested entry) existed, and rewritten since with the field's empty default,
    is the same record. Changed values are never equal."""
    if a == b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_loose_equal(a.get(k), b.get(k)) for k in set(a) | set(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_loose_equal(x, y) for x, y in zip(a, b))
    if _is_empty(a) and _is_empty(b):
        return True
    if isinstance(a, str) and isinstance(b, str) and a[:2].isdigit() and b[:2].isdigit():
        return _same_moment(a, b)  # one moment written two ways
    return False


def _is_empty(value: Any) -> bool:
    """None, False, "", [] or {} (a 0 is a value)."""
    return value is None or value is False or (type(value) in _CONTAINERS and not value)


_CONTAINERS = (str, list, dict)


def _matches_text(current: Any, text: str | None) -> bool:
    """`current` (a value as stored) against a history row's text for it (see history_value)."""
    if text is None or text in ("", "[]", "{}"):
        return _is_empty(current)
    if isinstance(current, str):
        return current == text or _loose_equal(current, text)
    try:
        return _loose_equal(current, json.loads(text))
    except ValueError:
        return str(current) == text


def _stored(row: Row, names: list[str], promoted: tuple[str, ...]) -> dict[str, Any]:
    """A record's values as its row holds them (no model: verification must not depend on the
    model of today reading a record written by the model of then)."""
    values = dict(zip(names, row))
    try:
        current: Any = json.loads(values.pop("data") or "{}")
    except ValueError:
        current = None
    if not isinstance(current, dict):  # bytes changed behind the app's back: reported, never a crash
        current = {"": "unreadable"}
    for name in promoted:
        value = values.get(name)
        if value is None:
            continue  # an empty column reads as a field never set
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                value = json.loads(value)
            except ValueError:
                current[""] = "unreadable"
        current[name] = value
    for name in ("uuid", "id", "status", "state", *COMMON):
        current[name] = values.get(name)
    return current


def verify_records(conn: sqlite3.Connection, progress: Callable[[int], None] | None = None, split: dict[str, str] | None = None,
                   upper: bool = False) -> list[Finding]:
    """Each record's chain must point at its latest history row; replaying its history must give
    its current values, its version, when and by whom it was made and last changed; a record its
    history made must still be there. Per kind, the records and their history are read side by
    side in one pass each, ordered by record (memory stays flat whatever the size). With `split`
    (kind -> uuid, see `split_points`), only the records whose uuid sorts below it, or (`upper`)
    from it on: two processes can share the work, each on one read snapshot of its own."""

    problems: list[Finding] = []
    checked = 0
    for kind in KINDS:
        title_field = model_for(kind).TITLE_FIELD
        since, end = "", _PAST_ANY_UUID
        if split is not None:
            point = split.get(kind, _PAST_ANY_UUID)
            since, end = (point, _PAST_ANY_UUID) if upper else ("", point)
        promoted = tuple(p for p in PROMOTED[kind] if p not in ("status", "state"))
        names = ["uuid", "id", "chain", "status", "state", *COMMON, *promoted, "title", "seq", "data"]
        records = conn.execute(f"SELECT {', '.join(names)} FROM {kind} WHERE uuid >= ? AND uuid < ? ORDER BY uuid",
                               (since, end))
        history = conn.execute(
            "SELECT record, record_id, action, field, new_value, version, at, operator, hash FROM history "
            "WHERE kind = ? AND record >= ? AND record < ? ORDER BY record, seq", (kind, since, end))
        pending: Row | None = next(history, None)
        row: Row | None = next(records, None)
        while row is not None or pending is not None:
            key: str = row[0] if row is not None else ""
            hkey: str = pending[0] if pending is not None else ""
            if pending is not None and (row is None or hkey < key):  # history of a record that is gone
                group, pending = _group(history, pending)
                replay = _replay(group, kind)
                if replay["made"]:
                    problems.append(Finding.broken(replay["id"] or hkey, _("its history says it exists, but its row is gone (deleted behind the app's back)")))
                continue
            assert row is not None
            current = _stored(row, names, promoted)
            if pending is None or hkey != key:
                problems.append(Finding.broken(current["id"], _("it has no history: it was inserted behind the app's back")))
                row = next(records, None)
                continue
            group, pending = _group(history, pending)
            replay = _replay(group, kind)
            problem = _record_problem(current, row[2], replay) or _derived_problem(current, row, title_field)
            if problem:
                problems.append(Finding.broken(current["id"], problem))
            row = next(records, None)
            checked += 1
            if progress and not checked % 5000:
                progress(checked)
    return problems


def _derived_problem(current: dict[str, Any], row: Row, title_field: str) -> str | None:
    """The columns made from a record's fields (its title shown in lists, its number's sequence)
    must be what its fields make: a title forged in the file would show in every list."""
    title, seq = row[-3], row[-2]
    if "" in current:
        return _("its content cannot be read (changed behind the app's back)")
    if title != str(current.get(title_field) or ""):
        return _("its title (shown in lists) differs from its fields (changed behind the app's back)")
    number = current.get("id") or ""
    tail = number.rsplit("-", 1)[1] if "-" in number else ""
    if seq != (int(tail) if tail.isdigit() else 0):
        return _("its sequence number differs from its id (changed behind the app's back)")
    return None


def _group(cursor: Iterator[Row], first: Row) -> tuple[list[Row], Row | None]:
    """The history rows of one record (the cursor is ordered by record), and the next one's first."""
    rows = [first]
    for r in cursor:
        if r[0] != first[0]:
            return rows, r
        rows.append(r)
    return rows, None


def _replay(rows: list[Row], kind: str = "") -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    updates: dict[str, str | None] = {}
    appended: dict[str, list[Any]] = {}  # lists grown by "append" rows, as they stand
    last: dict[str, Any] | None = None
    made = False
    record_id = None
    for _record, rid, action, field, new, version, at, operator, _hash in rows:
        record_id = rid or record_id
        if action == "create":
            try:
                loaded = json.loads(new) if new else {}
            except ValueError:  # a creation row no longer holding the record it made
                loaded = {"": "unreadable"}
            snapshot = loaded if isinstance(loaded, dict) else {"": "unreadable"}
            updates, appended = {}, {}
            made = True
            last = {"version": snapshot.get("version", version), "at": {snapshot.get("updated_at")},
                    "by": {snapshot.get("updated_by")}}
            record_id = record_id or snapshot.get("id")
        elif action == "append" and made and field and last is not None:  # items added to a list
            base = appended.get(field)
            if base is None:
                start: Any = snapshot.get(field)
                if updates.get(field):
                    try:
                        start = json.loads(updates[field] or "[]")
                    except ValueError:
                        start = [{"": "unreadable"}]
                base = appended[field] = list(start) if isinstance(start, list) else []
            try:
                added = json.loads(new) if new else []
            except ValueError:
                added = [{"": "unreadable"}]
            base.extend(envelope(kind, field, item) for item in (added if isinstance(added, list) else [added]))
            updates.pop(field, None)
            if version is not None and version != last["version"]:
                last = {"version": version, "at": set(), "by": set()}
            last["at"].add(at)
            last["by"].add(operator)
        elif action == "update" and made and field and last is not None:
            appended.pop(field, None)
            updates[field] = new
            if version is not None and version != last["version"]:
                last = {"version": version, "at": set(), "by": set()}
            last["at"].add(at)
            last["by"].add(operator)
    for field_name, items in appended.items():
        updates[field_name] = history_value(items)
    return {"snapshot": snapshot, "updates": updates, "last": last, "made": made, "id": record_id,
            "hash": rows[-1][8]}


def _record_problem(current: dict[str, Any], chain: str | None, replay: dict[str, Any]) -> str | None:
    if chain != replay["hash"]:
        return _("it does not point at its latest history row (history rows about it were removed or added)")
    snapshot, updates = replay["snapshot"], replay["updates"]
    if not updates and current == snapshot:  # most records: made once, never changed, stored as made
        wrong = _common_problem(current, snapshot, replay["last"])
        return _("its {wrong} differs from what its history says (changed behind the app's back)").format(wrong=wrong) if wrong else None
    if not updates:  # made once, stored with empty fields written another way
        now = {k: v for k, v in current.items() if k not in COMMON and not _is_empty(v)}
        then = {k: v for k, v in snapshot.items() if k not in COMMON and not _is_empty(v)}
        if now == then:
            wrong = _common_problem(current, snapshot, replay["last"])
            return _("its {wrong} differs from what its history says (changed behind the app's back)").format(wrong=wrong) if wrong else None
    for name in set(current) | set(snapshot) | set(updates):
        if name in COMMON or name == "":
            if name == "":
                return _("field  differs from what its history says (changed behind the app's back)")
            continue
        value = current.get(name)
        same = _matches_text(value, updates[name]) if name in updates else _loose_equal(value, snapshot.get(name))
        if not same:
            return _("field {name} differs from what its history says (changed behind the app's back)").format(name=name)
    wrong = _common_problem(current, snapshot, replay["last"])
    if wrong:
        return _("its {wrong} differs from what its history says (changed behind the app's back)").format(wrong=wrong)
    return None


def _common_problem(current: dict[str, Any], created: dict[str, Any], last: dict[str, Any] | None) -> str | None:
    """Which of version, created_at/by, updated_at/by the history does not give, if any."""
    if last is None:
        return None
    if str(current.get("version")) != str(last["version"]):
        return _("version")
    if not _same_moment(current.get("created_at"), created.get("created_at")):
        return _("creation time")
    if current.get("created_by") != created.get("created_by"):
        return _("creator")
    if not any(_same_moment(current.get("updated_at"), at) for at in last["at"]):
        return _("time of its last change")
    if current.get("updated_by") not in last["by"]:
        return _("last writer")
    return None


PARALLEL_FROM = 50_000  # history rows from which a second process shares the work
# Of each kind's records, the share checked by this process; the other hashes the chain first, then
# checks the rest (measured at 100,000 and 1,000,000 incidents: the two then end together).
SHARE_HERE = 0.73
_PAST_ANY_UUID = "\uffff"  # sorts after every uuid


def split_points(conn: sqlite3.Connection) -> dict[str, str]:
    """Per kind, the uuid from which the second process checks the records: the one found at
    SHARE_HERE of them in uuid order (read through the uuid's index). Uuids made in time order share
    their first digits for years, so a fixed point would send every record to one side."""

    out: dict[str, str] = {}
    for kind in KINDS:
        count = conn.execute(f"SELECT COUNT(*) FROM {kind}").fetchone()[0]
        row = conn.execute(f"SELECT uuid FROM {kind} ORDER BY uuid LIMIT 1 OFFSET ?",
                           (int(count * SHARE_HERE),)).fetchone()
        out[kind] = row[0] if row else _PAST_ANY_UUID
    return out


def verify(store: Store, parallel: bool = False, progress: Callable[[int], None] | None = None) -> list[Finding]:
    """Everything `vse-tui verify` checks, read from one snapshot of the database: other instances
    writing meanwhile are neither half seen nor taken for an intruder. With `parallel` (the command
    line, on a machine of two cores or more) a long chain is hashed in a second process, which then
    checks a share of the records, while this one checks the others: the chain only grows, so its
    rows up to this snapshot's last are the same in the other process's view, and each process
    checks its records against their history in one snapshot of its own."""
    conn = store.conn
    with store.snapshot():
        last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM history").fetchone()[0]
        split = split_points(conn) if parallel and last >= PARALLEL_FROM else None
        apart = _elsewhere(store.path, last, split) if split is not None else None
        if apart is None:
            problems = verify_history(conn, upto=last)
            mine = verify_records(conn, progress)
        else:
            mine = verify_records(conn, (lambda n: progress(int(n / SHARE_HERE))) if progress else None, split)
        rest = (verify_tip(conn) + verify_time(conn) + verify_settings(conn) + verify_side_tables(conn)
                + verify_search(conn))
        if apart is not None:
            try:
                problems, theirs = apart.result()
            except Exception:  # the other process could not run: its share is checked here instead
                problems = verify_history(conn, upto=last)
                theirs = verify_records(conn, split=split, upper=True)
            mine = mine + theirs
        return problems + rest + mine


def _elsewhere(path: Path | None, last: int,
               split: dict[str, str]) -> Future[tuple[list[Finding], list[Finding]]] | None:
    """The chain's check (and a share of the records) started in another process (a future), or
    None where that cannot be."""

    if (os.cpu_count() or 1) < 2 or not path:
        return None
    try:
        # here, not at the top: multiprocessing is needed by a check only, not by every start
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        future = pool.submit(_verify_apart, str(path), last, split)
        pool.shutdown(wait=False)
        return future
    except (OSError, RuntimeError):
        return None


def _verify_apart(path: str, last: int, split: dict[str, str]) -> tuple[list[Finding], list[Finding]]:
    """In the second process: the chain up to `last`, then the records from `split` on, both
    in one read transaction."""

    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")
        return verify_history(conn, upto=last), verify_records(conn, split=split, upper=True)
    finally:
        conn.close()
