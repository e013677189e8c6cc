"""The one write path: a record and its history rows in one transaction.

Every change to a record, a setting that matters or the sync's bookkeeping goes through `add`,
`add_many`, `update`, `set_setting` or `log_event`. Each appends history rows to the hash chain,
attributed to the person writing (plus their login and host), dated by the store's clock, tagged
with the task of the standard it performs and with where it came from (`via`: typed here,
imported, merged from a copy, the demo). A change first written elsewhere (a merged bundle) keeps
its own identity, time and author (`Event`)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from vse_tui.i18n import _

from ..core.kernel import clock
from ..core.kernel.errors import BusyError, DatabaseError, InputError, NotFound, VseError
from ..core.model.ids import new_uuid
from ..core.model.lifecycle import check_move
from ..core.model.ports import Source
from ..core.model.records import model_for
from ..core.present.invalid import describe_validation_error
from . import connection
from .chain import ALL_HASHED, APPEND_ONLY, MATTERING_PREFS, SIDE_TABLES, digest_of, envelope, history_value, side_key
from .columns import PROMOTED, SEARCH_KEYS, SEARCH_KINDS
from .connection import translate as _translate
from .files import deferred_sync

if TYPE_CHECKING:
    from pathlib import Path

    from ..core.model.records import Record
    from .connection import Actor

COMMON_FIELDS = ("uuid", "id", "status", "state", "version", "created_at", "updated_at", "created_by", "updated_by")
R = TypeVar("R", bound="Record")  # a record of one kind: what is added comes back as that kind

BULK_CACHE_KIB = -32768  # 32 MiB of pages while an import writes
_NOT_IN_DATA: dict[str, frozenset[str]] = {}  # per kind: the fields kept in columns of their own
BATCH = 2000  # records per transaction in long writes, so that a quick write elsewhere waits a moment only
FUTURE_REASON = "dated ahead of this computer's clock"  # a merged change held as a conflict (store.sync)
SEARCH_ROWIDS = 1099511627776  # the search index's rowids of one kind: (its number) * this + the record's rowid


@dataclass(frozen=True)
class Event:
    """A change first written elsewhere: its identity there (site and number), when and by whom."""

    site: str
    seq: int
    at: datetime
    operator: str
    os_user: str | None = None
    host: str | None = None
    person: str | None = None
    via: str | None = None
    occurred_at: str | None = None


def dump(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json")


_DEFAULTS: dict[str, dict[str, Any]] = {}


def _json_defaults(model: type[Record]) -> dict[str, Any]:
    """A model's field defaults as its JSON dump holds them (read once per model)."""
    if model.KIND not in _DEFAULTS:
        from pydantic_core import PydanticUndefined

        out: dict[str, Any] = {}
        for name, info in model.model_fields.items():
            if info.default is not PydanticUndefined:
                out[name] = _json_value(info.default)
            elif info.default_factory is not None and name != "uuid":
                # pydantic also allows a factory taking the validated data; ours take nothing
                out[name] = _json_value(info.default_factory())  # type: ignore[call-arg]
        _DEFAULTS[model.KIND] = out
    return dict(_DEFAULTS[model.KIND])


def _json_value(value: Any) -> Any:
    """A field's value as a record's JSON dump holds it."""
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


_KEPT_FALSY = (bool, int, float)  # False and 0 are values; None, "", [] and {} are empty


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values (they read back as the field's empty default): keeps rows small."""
    return {k: v for k, v in data.items() if v or v.__class__ in _KEPT_FALSY}


def _column_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def format_id(prefix: str, seq: int) -> str:
    return f"{prefix}-{seq:04d}"


def seq_of(human_id: str | None) -> int:
    if not human_id or "-" not in human_id:
        return 0
    tail = human_id.rsplit("-", 1)[1]
    return int(tail) if tail.isdigit() else 0


class WritePath:
    """The write half of the Store (see store.db.Store for the whole)."""

    conn: sqlite3.Connection
    actor: Actor
    path: Path

    if TYPE_CHECKING:  # from the read half (store.reads.Reads) this class is mixed with
        def get(self, kind: str, ref: str) -> Any: ...
    via: str | None = None  # where this session's changes come from, when not typed here (e.g. "demo")
    on_wait: Callable[[], None] | None = None  # called once when a write waits for another writer
    committed = 0  # write transactions committed on this connection (the command line says who they were by)
    _tip: tuple[int, str, str] | None = None
    _local_at: str | None = None  # the time of the last row written here (not merged), read once per transaction
    _tip_rows = 0  # history rows written in this transaction, not yet counted in the chain's tip row
    _site: str | None = None

    # ------------------------------------------------------------ time
    def now(self) -> datetime:
        """The store's clock (the real one; the demo drives its own forward)."""
        return self.clock()

    _simulated: bool | None = None

    def clock(self) -> datetime:  # replaced per store by a simulated clock in the demo
        """The real time. A frozen clock (VSE_TUI_NOW) dates changes only in a database born on one
        (a test's or the demo's): a real shop's history cannot be backdated by the environment."""

        if os.environ.get("VSE_TUI_NOW"):
            if self._simulated is None:
                self._simulated = self.setting("clock") == "simulated"
            if not self._simulated:
                raise DatabaseError(_("VSE_TUI_NOW is set, but this database runs on the real clock: its changes are dated as they happen. Unset VSE_TUI_NOW (it is for tests and the demo)"))
        return clock.now()

    def clock_behind(self) -> tuple[datetime, datetime] | None:
        """(now, the last change's time) when the clock reads earlier than the last change written
        here by more than five minutes: changes are dated at that last time until it catches up."""

        last = self._local_last()
        if last is None:
            return None

        try:
            now = self.now()
        except VseError:  # a frozen clock on a real database: writes say so themselves
            return None
        return (now, last) if now < last - timedelta(minutes=5) else None

    # ------------------------------------------------------------ transactions
    def _begin(self) -> None:
        """BEGIN IMMEDIATE, so two writers queue instead of failing; a writer held up by a long
        write elsewhere waits (and says so once) up to WRITE_WAIT_SECONDS."""

        deadline = time.monotonic() + connection.WRITE_WAIT_SECONDS
        told = False
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                error = connection.translate(exc, self.path)
                if not isinstance(error, BusyError) or time.monotonic() >= deadline:
                    raise error from None
                if not told and self.on_wait is not None:
                    self.on_wait()
                    told = True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: everything in it is stored together or not at all."""

        if self.conn.in_transaction:
            yield
            return
        self._begin()
        self._tip = None  # the chain's last row, read once per transaction (we hold the write lock)
        self._local_at = None
        self._tip_rows = 0
        try:
            yield
            self._move_tip()
        except sqlite3.Error as exc:
            self.conn.rollback()
            self._tip = self._local_at = None
            raise _translate(exc, self.path) from None
        except BaseException:
            self.conn.rollback()
            self._tip = self._local_at = None
            raise
        else:
            try:
                self.conn.commit()
            except sqlite3.Error as exc:
                self.conn.rollback()
                raise _translate(exc, self.path) from None
            self.committed += 1

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many write transactions in a row (an import): a larger page cache while they last, so the
        indexes' pages stay in memory from one transaction to the next (the usual cache is small, to
        keep a screen's memory low), and the log is flushed to the disk once at the end rather than
        at every commit (a stop half-way loses at most the last batches, which running the import
        again brings in; a finished import is on the disk before it says so)."""

        cache, sync = (self.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "synchronous"))
        self.conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            with deferred_sync():  # files written meanwhile (attachments, the outbox): flushed once, at the end
                yield
        finally:
            self.conn.execute(f"PRAGMA synchronous = {int(sync)}")
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # the log written to the disk (synced) before we go on

    # ------------------------------------------------------------ settings and preferences
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None, task: str | None = None, event: Event | None = None) -> None:
        """A setting that matters (the shop's name, the site id): versioned, with its history row."""
        with self.transaction():
            old = self.setting(key)
            if old == value:
                return
            if value is None:
                self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                self.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))
            self._history("settings", key, key, "update", key, old, value, task, None, event=event)

    def pref(self, key: str, default: str | None = None) -> str | None:
        """A preference of the person at the keyboard (last customer used, where the wizard was):
        not a record, no history."""
        row = self.conn.execute("SELECT value FROM prefs WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_pref(self, key: str, value: str | None) -> None:
        if self.conn.in_transaction:
            self._set_pref(key, value)
            return
        with self.transaction():
            self._set_pref(key, value)

    def _set_pref(self, key: str, value: str | None) -> None:
        old = self.pref(key) if key in MATTERING_PREFS else None
        if value is None:
            self.conn.execute("DELETE FROM prefs WHERE key = ?", (key,))
        else:
            self.conn.execute("INSERT OR REPLACE INTO prefs(key, value) VALUES (?, ?)", (key, value))
        if key in MATTERING_PREFS and old != value:  # it decides where a new record goes: verifiable
            self._history("prefs", key, None, "update", key, old, value, None, None)

    # ------------------------------------------------------------ sync state beside the records
    def side_put(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """Add (or replace) a row of a side table (peers, aliases, conflicts), with the history row
        that lets `verify` check it. Returns the row as stored (a conflict's new id included)."""
        with self.transaction():
            cols = list(values)
            cursor = self.conn.execute(f"INSERT OR REPLACE INTO {table}({', '.join(cols)}) "
                                       f"VALUES ({', '.join('?' * len(cols))})", [values[c] for c in cols])
            keys = SIDE_TABLES[table]
            where = dict(values) if all(k in values for k in keys) else {"rowid": cursor.lastrowid}
            return self._side_logged(table, where)  # type: ignore[return-value]

    def side_set(self, table: str, key: dict[str, Any], changes: dict[str, Any]) -> None:
        """Change columns of a side table's row (`key`: its key columns), with its history row."""
        with self.transaction():
            sets = ", ".join(f"{c} = ?" for c in changes)
            where = " AND ".join(f"{c} = ?" for c in key)
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*changes.values(), *key.values()])
            self._side_logged(table, {**key, **{k: v for k, v in changes.items() if k in key}})

    def side_delete(self, table: str, key: dict[str, Any]) -> None:
        """Remove a row of a side table, with its history row."""
        with self.transaction():
            where = " AND ".join(f"{c} = ?" for c in key)
            self.conn.execute(f"DELETE FROM {table} WHERE {where}", list(key.values()))
            self._history(table, side_key(table, key), None, "delete", None, None, None, None, None)

    def _side_logged(self, table: str, where: dict[str, Any]) -> dict[str, Any] | None:
        keys = SIDE_TABLES[table]
        clause = " AND ".join(f"{c} = ?" for c in where if c in keys or c == "rowid")
        args = [v for c, v in where.items() if c in keys or c == "rowid"]
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {clause}", args)
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
        if found is None:
            return None
        row = dict(zip(names, found))
        self._history(table, side_key(table, row), None, "update", None, None, row, None, None)
        return row

    # ------------------------------------------------------------ the site (sync)
    @property
    def site_id(self) -> str:
        """This database's site id (copies made with `sync clone` have their own)."""
        if self._site is None:
            self._site = self.setting("site_id") or ""
        return self._site

    def forget_cached(self) -> None:
        """Read the site id and the chain's tip afresh (after a restore replaced the content)."""
        self._site = None
        self._tip = None
        self._local_at = None

    def set_site(self, site: str, lineage: list[str]) -> None:
        """A new site id (a new epoch of the sync), the old ones kept as its lineage; rows written
        from here on carry the new id."""
        with self.transaction():
            self._site = site
            self.set_setting("site_lineage", json.dumps(lineage), task=None)
            self.set_setting("site_id", site, task=None)

    # ------------------------------------------------------------ history
    def _chain_tip(self) -> tuple[int, str, str] | None:
        if self.conn.in_transaction and self._tip is not None:
            return self._tip
        row = self.conn.execute("SELECT seq, hash, at FROM history ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1], row[2]) if row else None

    def _move_tip(self) -> None:
        """The chain's tip row follows the rows this transaction wrote (once, before it commits)."""
        if self._tip_rows and self._tip is not None:
            self.conn.execute("UPDATE chain_tip SET seq = ?, hash = ?, rows = rows + ? WHERE id = 1",
                              (self._tip[0], self._tip[1], self._tip_rows))
            self._tip_rows = 0

    def _local_last(self) -> datetime | None:
        """The time of the last history row written on this copy (under its site id or an earlier
        one of its lineage): a change merged from another copy keeps its own time and does not
        count, so a peer whose clock runs ahead cannot pull this copy's dates forward."""
        if self.conn.in_transaction and self._local_at is not None:
            return clock.parse_datetime(self._local_at)
        sites = [self.site_id]
        lineage = self.setting("site_lineage")
        if lineage:
            try:
                sites += [s for s in json.loads(lineage) if isinstance(s, str) and s not in sites]
            except ValueError:
                pass
        latest: str | None = None
        for site in sites:
            row = self.conn.execute("SELECT at FROM history WHERE origin_site = ? ORDER BY origin_seq DESC LIMIT 1",
                                    (site,)).fetchone()
            if row and row[0] and (latest is None or row[0] > latest):
                latest = row[0]
        if self.conn.in_transaction:
            self._local_at = latest
        return clock.parse_datetime(latest) if latest else None

    def write_time(self) -> datetime:
        """When a change made now is dated: the store's clock, never before the last change written
        on this copy (a clock set back cannot backdate a change). Changes merged from another copy
        keep their own times and never move this clock."""
        now = self.now()
        last = self._local_last()
        if last is not None and now < last:
            return last
        return now

    _HISTORY_INSERT = (f"INSERT INTO history({', '.join(ALL_HASHED + ('hash', 'prev_hash', 'origin_site', 'origin_seq'))}) "
                       f"VALUES ({', '.join('?' * (len(ALL_HASHED) + 4))})")

    def _history(self, kind: str, record_uuid: str, record_id: str | None, action: str, field_name: str | None,
                 old: Any, new: Any, task: str | None, version: int | None, event: Event | None = None,
                 at: datetime | None = None, via: str | None = None, source: Source | None = None,
                 point: bool = True) -> None:
        """Append one history row, chained to the previous one; the record points at it."""
        row = self._history_row(kind, record_uuid, record_id, action, field_name, old, new, task, version, event, at,
                                via, source)
        self.conn.execute(self._HISTORY_INSERT, row)
        if kind in PROMOTED and point:
            self.conn.execute(f"UPDATE {kind} SET chain = ? WHERE uuid = ?", (row[-4], record_uuid))

    def _history_row(self, kind: str, record_uuid: str, record_id: str | None, action: str, field_name: str | None,
                     old: Any, new: Any, task: str | None, version: int | None, event: Event | None = None,
                     at: datetime | None = None, via: str | None = None, source: Source | None = None) -> tuple[Any, ...]:
        """The next history row's values (chained to the tip, which it becomes), ready to insert:
        the columns of ALL_HASHED in their order, then hash, prev_hash, origin_site, origin_seq."""
        tip = self._chain_tip()
        seq = (tip[0] if tip else 0) + 1
        if event is not None:  # a change first written elsewhere keeps its own identity
            moment, operator, os_user, host = clock.iso(event.at), event.operator, event.os_user, event.host
            late = (event.person, event.via, event.occurred_at)
            site, number = event.site, event.seq
        else:
            actor = self.actor
            moment, os_user, host = clock.iso(at or self.write_time()), actor.os_user, actor.host
            if source is not None:
                operator, late = source.operator, (source.person, source.via, source.occurred_at)
            else:
                operator, late = actor.operator, (actor.person, via or self.via, None)
            site, number = self.site_id, seq
            self._local_at = moment
        hashed = (seq, moment, kind, record_uuid, record_id, action, field_name, history_value(old), history_value(new),
                  operator, os_user, host, task, version)  # in the order of chain.HASHED
        prev = tip[1] if tip else None
        digest = digest_of(prev, hashed, late, (site, number))
        self._tip = (seq, digest, moment)
        self._tip_rows += 1  # the chain's tip row is moved once, when the transaction commits
        return (*hashed, *late, digest, prev, site, number)

    def log_event(self, kind: str, record: Record | None, action: str, field: str | None, old: Any, new: Any,
                  task: str | None = None, event: Event | None = None, record_uuid: str | None = None,
                  record_id: str | None = None) -> None:
        """A history row that changes no record: a conflict met, a choice made, a note kept."""
        with self.transaction():
            self._history(kind, record.uuid if record else record_uuid or "", record.id if record else record_id,
                          action, field, old, new, task, record.version if record else None, event=event)

    # ------------------------------------------------------------ rows <-> records
    def _row(self, record: Record, data: dict[str, Any] | None = None) -> dict[str, Any]:
        data = data if data is not None else dump(record)
        promoted = PROMOTED[record.KIND]
        row = {k: data.get(k) for k in COMMON_FIELDS}
        row["title"] = record.title_text
        row["seq"] = seq_of(record.id)
        for name in promoted:
            row[name] = _column_value(data.get(name))
        skip = _NOT_IN_DATA.get(record.KIND) or _NOT_IN_DATA.setdefault(record.KIND, frozenset(COMMON_FIELDS) | set(promoted))
        rest = {k: v for k, v in data.items() if k not in skip and (v or v.__class__ in _KEPT_FALSY)}
        row["data"] = json.dumps(rest, ensure_ascii=False, sort_keys=True)
        return row

    def _next_seq(self, model: type[Record]) -> int:
        row = self.conn.execute(f"SELECT MAX(seq) FROM {model.KIND}").fetchone()
        return (row[0] or 0) + 1

    # ------------------------------------------------------------ writes
    def add(self, record: R, task: str | None = None, *, via: str | None = None,
            event: Event | None = None, renumber: bool = False) -> R:
        """Store a new record and its 'create' history row in one transaction. `renumber`: a
        record arriving from elsewhere whose human id is taken here gets the next free one."""
        with self.transaction():
            return self._insert(record, task, via=via, event=event, renumber=renumber)

    def add_many(self, records: Iterable[Record], task: str | None = None, *, via: str | None = None,
                 batch: int = BATCH) -> int:
        """Store many records (imports): one history row each, committed every `batch` records so
        that a quick write elsewhere waits a moment only. Returns how many were stored."""
        count = 0
        pending = iter(records)
        while True:
            with self.transaction():
                done = 0
                for record in pending:
                    self._insert(record, task, via=via)
                    done += 1
                    if done >= batch:
                        break
            count += done
            if done < batch:
                return count

    def _insert(self, record: R, task: str | None, via: str | None = None, event: Event | None = None,
                renumber: bool = False, at: datetime | None = None) -> R:
        model = type(record)
        when = event.at if event else (at or self.write_time())
        who = event.operator if event else self.actor.operator
        update: dict[str, Any] = {}
        if record.id is None or (renumber and self._id_taken(model, record.id)):
            update["id"] = format_id(model.PREFIX, self._next_seq(model))
        if record.created_at is None:
            update["created_at"] = when
        if record.updated_at is None:
            update["updated_at"] = update.get("created_at", record.created_at)
        if record.created_by is None:
            update["created_by"] = who
        if record.updated_by is None:
            update["updated_by"] = who
        if update:
            record = record.model_copy(update=update)
        dumped = dump(record)
        row = self._row(record, dumped)
        row["chain"] = None
        try:
            self.conn.execute(f"INSERT INTO {model.KIND} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                              list(row.values()))
        except sqlite3.IntegrityError as exc:
            raise InputError(_("{label} {id} already exists ({exc})").format(label=_(model.LABEL), id=record.id, exc=exc)) from None
        self._history(model.KIND, record.uuid, record.id, "create", None, None, compact(dumped), task, record.version,
                      event=event, at=when, via=via)
        return record

    def add_stories(self, kind: str, stories: Iterable[tuple[dict[str, Any], list[tuple[dict[str, Any], Source,
                                                                                          str | None]], Source]],
                    task: str | None = None) -> int:
        """Records that arrive with their past (imported tickets), in one transaction: each created
        as it first was (`data`: its fields), then each step of its story (the fields it changed, who
        did it and when there, the task) as a version of its own; every row chained and dated now,
        keeping when and by whom it happened there. Each record is validated once, as it ends up; a
        step that changes nothing is skipped. Returns how many records were stored."""
        from pydantic import ValidationError  # loaded with the model

        model = model_for(kind)
        defaults = _json_defaults(model)
        with self.transaction():
            when = self.write_time()
            at = clock.iso(when)
            seq = self._next_seq(model)
            records: list[list[Any]] = []
            history: list[tuple[Any, ...]] = []
            columns: list[str] | None = None
            for data, steps, first in stories:
                current = {**defaults, **{k: _json_value(v) for k, v in data.items()},
                           "uuid": data.get("uuid") or new_uuid(), "id": format_id(model.PREFIX, seq),
                           "version": 1, "created_at": at, "updated_at": at, "created_by": first.operator,
                           "updated_by": first.operator}
                seq += 1
                rows = [self._history_row(kind, current["uuid"], current["id"], "create", None, None, compact(current),
                                          task, 1, at=when, source=first)]
                for changes, source, step_task in steps:
                    changed = [(name, current.get(name), new) for name, new in
                               ((n, _json_value(v)) for n, v in changes.items()) if current.get(name) != new]
                    if not changed:
                        continue
                    version = current["version"] + 1
                    for name, old, new in changed:
                        current[name] = new
                        rows.append(self._history_row(kind, current["uuid"], current["id"], "update", name, old, new,
                                                      step_task, version, at=when, source=source))
                    current["version"], current["updated_by"] = version, source.operator
                try:
                    final = model.model_validate(current)
                except ValidationError as exc:
                    raise InputError(describe_validation_error(exc, f"{current['id']}")) from None
                row = self._row(final, current)
                row["chain"] = rows[-1][-4]  # its latest history row's hash
                columns = columns or list(row)
                records.append(list(row.values()))
                history.extend(rows)
            if records and columns:
                with self._indexed_after(kind, len(records)):
                    try:
                        self.conn.executemany(f"INSERT INTO {kind} ({', '.join(columns)}) "
                                              f"VALUES ({', '.join('?' * len(columns))})", records)
                    except sqlite3.IntegrityError as exc:
                        raise InputError(_("{label}: a record already exists ({exc})").format(label=_(model.LABEL), exc=exc)) from None
                self.conn.executemany(self._HISTORY_INSERT, history)
        return len(records)

    @contextmanager
    def _indexed_after(self, kind: str, count: int) -> Iterator[None]:
        """Many records inserted at once are added to the search index after them (see below)."""
        if count < 50:
            yield
            return
        with self.search_indexed_after((kind,)):
            yield

    @contextmanager
    def search_indexed_after(self, kinds: Iterable[str] | None = None) -> Iterator[None]:
        """Records inserted inside are added to the search index in one statement per kind when it
        ends (row by row through its trigger costs four times as much: an import, a merge). Inside
        the caller's transaction, so the triggers are back before anyone else can write; a record
        inserted and then changed inside is indexed once, as it ends up."""

        if not self.conn.in_transaction:
            raise RuntimeError("search_indexed_after needs the caller's write transaction")
        held: list[tuple[str, int, str]] = []  # kind, its last rowid before, its trigger's text
        for kind in kinds if kinds is not None else SEARCH_KINDS:
            name = f"{kind}_search_insert"
            found = self.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                      (name,)).fetchone()
            if found is None or kind not in SEARCH_KINDS:
                continue
            last = self.conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {kind}").fetchone()[0]
            self.conn.execute(f"DROP TRIGGER {name}")
            held.append((kind, last, found[0]))
        try:
            yield
            for kind, last, _trigger in held:
                base = (SEARCH_KINDS.index(kind) + 1) * SEARCH_ROWIDS
                keys = SEARCH_KEYS.get(kind, "''").replace("new.", "")
                # a record inserted here and changed since went in through the update trigger: once only
                self.conn.execute("DELETE FROM record_search WHERE rowid > ? AND rowid < ?", (base + last, base + SEARCH_ROWIDS))
                self.conn.execute(f"INSERT INTO record_search(rowid, id, title, keys, kind, uuid) SELECT {base} + rowid, "
                                  f"id, title, COALESCE({keys}, ''), '{kind}', uuid FROM {kind} WHERE rowid > ?", (last,))
        finally:
            for _kind, _last, trigger in held:
                self.conn.execute(trigger)

    def _id_taken(self, model: type[Record], human_id: str) -> bool:
        return self.conn.execute(f"SELECT 1 FROM {model.KIND} WHERE id = ?", (human_id,)).fetchone() is not None

    def update(self, kind: str, ref: str, changes: dict[str, Any], task: str | None = None,
               expected_version: int | None = None, *, via: str | None = None, event: Event | None = None,
               events: dict[str, Event] | None = None) -> Record:
        """Apply `changes` to a record as a new version; one history row per changed field. The
        status may only move as the work product's lifecycle allows. A version merged from
        elsewhere names each field's own event (`events`), or one for all (`event`)."""
        if events:
            event = next(iter(events.values()))
        model = model_for(kind)
        from pydantic import ValidationError  # loaded with the model

        with self.transaction():
            old = self.get(kind, ref)
            if expected_version is not None and old.version != expected_version:
                raise InputError(
                    _("{id} was changed by someone else (version {version}, you edited {expected_version}); reload it").format(id=old.id, version=old.version, expected_version=expected_version))
            unknown = set(changes) - set(model.model_fields)
            if unknown:
                raise InputError(_("{label} has no field {unknown}").format(label=_(model.LABEL), unknown=', '.join(sorted(unknown))))
            before = dump(old)
            merged = {**old.model_dump(), **changes}
            merged["version"] = old.version + 1
            merged["updated_at"] = event.at if event else self.write_time()
            merged["updated_by"] = event.operator if event else self.actor.operator
            try:
                new = model.model_validate(merged)
            except ValidationError as exc:
                raise InputError(describe_validation_error(exc, f"{old.id}")) from None

            check_move(old, new)
            after = dump(new)
            changed = [k for k in after if k not in ("version", "updated_at", "updated_by")
                       and after[k] != before.get(k)]
            if not changed:
                return old
            row = self._row(new)
            sets = ", ".join(f"{c} = ?" for c in row if c != "uuid")
            self.conn.execute(f"UPDATE {kind} SET {sets} WHERE uuid = ?",
                              [v for c, v in row.items() if c != "uuid"] + [new.uuid])
            for name in changed:
                self._history(kind, new.uuid, new.id, "update", name, before.get(name), after[name], task,
                              new.version, event=(events or {}).get(name, event), at=merged["updated_at"], via=via)
            return new

    def append(self, kind: str, ref: str, name: str, items: list[dict[str, Any]], task: str | None = None, *,
               via: str | None = None, event: Event | None = None) -> int:
        """Add items at the end of an append-only list of a record (a record's mail) as a new
        version, without reading the record: its row gains each item's envelope (chain.envelope:
        a message without its text), its one history row holds the items whole. A thousand
        replies cost a thousand small writes, never the thread again each time. Returns the new
        version."""
        if (kind, name) not in APPEND_ONLY:
            raise ValueError(f"{kind}.{name} is not an append-only list")
        if not items:
            raise ValueError("nothing to append")
        with self.transaction():
            row = self.conn.execute(f"SELECT uuid, id, version FROM {kind} WHERE id = ? OR uuid = ?",
                                    (ref.upper(), ref)).fetchone()
            if row is None:
                raise NotFound(_("No {label} {ref}").format(label=_(model_for(kind).LABEL).lower(), ref=ref))
            uuid, human_id, version = row[0], row[1], (row[2] or 0) + 1
            at = event.at if event else self.write_time()
            by = event.operator if event else self.actor.operator
            for item in items:
                value = json.dumps(envelope(kind, name, item), ensure_ascii=False, sort_keys=True)
                changed = self.conn.execute(f"UPDATE {kind} SET data = json_insert(data, '$.{name}[#]', json(?)) "
                                            f"WHERE uuid = ? AND json_type(data, '$.{name}') = 'array'", (value, uuid))
                if not changed.rowcount:  # the record's first: the list is made
                    self.conn.execute(f"UPDATE {kind} SET data = json_set(coalesce(data, '{{}}'), '$.{name}', "
                                      f"json_array(json(?))) WHERE uuid = ?", (value, uuid))
            self.conn.execute(f"UPDATE {kind} SET version = ?, updated_at = ?, updated_by = ? WHERE uuid = ?",
                              (version, clock.iso(at), by, uuid))
            self._history(kind, uuid, human_id, "append", name, None, items, task, version, event=event, at=at,
                          via=via)
            return version

    def add_alias(self, alias: str, kind: str, uuid: str, site: str) -> None:
        """Keep a renumbered record's old human id findable (sync)."""
        self.side_put("aliases", {"alias": alias, "kind": kind, "uuid": uuid, "site": site,
                                  "at": clock.iso(self.write_time())})


__all__ = ["BATCH", "COMMON_FIELDS", "Event", "WritePath", "compact", "dump", "format_id", "seq_of"]
