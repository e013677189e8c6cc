"""Opening the database file safely, and the one write path: a record and its history rows
in one transaction."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..core import clock
from ..core.errors import BusyError, DatabaseError, InputError, NotFound, describe_validation_error
from ..core.records import KINDS, PREFIXES, model_for  # plain tables: no model or pydantic loads here
from .chain import HASHED, row_hash
from .columns import APPLICATION_ID, COMMON, PROMOTED, SCHEMA_VERSION

if TYPE_CHECKING:
    from ..core.records import Record

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name on some containers and Windows services
        return "unknown"


def host_name() -> str:
    try:
        return os.uname().nodename  # what socket.gethostname() answers on POSIX, without loading socket
    except AttributeError:
        import socket

        return socket.gethostname()


@dataclass(frozen=True)
class Actor:
    """Who writes: the operator's name, plus the OS user and host for the audit trail."""

    operator: str = field(default_factory=os_user)
    os_user: str = field(default_factory=os_user)
    host: str = field(default_factory=host_name)


def _check_file(path: Path) -> bool:
    """Refuse what is not ours before SQLite touches it. Returns True when the file is new."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
        except FileExistsError:
            return False
        except OSError as exc:
            raise DatabaseError(f"Cannot create {path}: {exc.strerror or exc}") from None
        return True
    if path.stat().st_size == 0:
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if head != SQLITE_MAGIC:
        raise DatabaseError(f"{path} is not a vse-tui database (it is not an SQLite file); it was left untouched")
    return False


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # 1 MiB of page cache: the lists and the dashboard read through indexes, a page or two at a time
    conn.execute("PRAGMA cache_size = -1024")
    return conn


def backup_copy(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the open database through SQLite's backup API (mode 0600)."""
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def _prepare_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse what is not ours or too new; bring an older schema up to date (after a backup copy)."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is damaged or not a database ({exc}); it was left untouched") from None
    if tables and app_id != APPLICATION_ID:
        raise DatabaseError(f"{path} is an SQLite file of another program, not a vse-tui database; it was left untouched")
    if user_version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} was written by a newer vse-tui (schema {user_version}, this one knows {SCHEMA_VERSION}); "
            "upgrade vse-tui to open it. The file was left untouched"
        )
    if user_version == SCHEMA_VERSION and tables:
        return  # current: the common case, without loading sqlite-utils
    from sqlite_utils import Database

    from .schema import migrations

    db = Database(conn, execute_plugins=False)
    if not migrations.pending(db):
        return
    if tables:  # an existing database about to change shape: keep a copy first
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        backup_copy(conn, path.with_name(f"{path.name}.before-schema-{SCHEMA_VERSION}-{stamp}.bak"))
    conn.execute("PRAGMA journal_mode = WAL")
    try:
        migrations.apply(db)
    except sqlite3.OperationalError as exc:
        raise _translate(exc, path) from None
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _translate(exc: sqlite3.Error, path: Path | None = None) -> DatabaseError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return BusyError("The database is busy (another vse-tui is writing); try again in a moment")
    if "readonly" in text or "read-only" in text:
        return DatabaseError(f"The database {path or ''} is read-only; nothing was saved".replace("  ", " "))
    if "malformed" in text or "not a database" in text:
        return DatabaseError(f"The database {path or ''} is damaged ({text})")
    return DatabaseError(f"Database error: {text}")


def open_store(path: str | os.PathLike, actor: Actor | None = None) -> "Store":
    """Open (creating if needed) the database at `path`, migrated to the current schema."""
    path = Path(path).expanduser()
    _check_file(path)
    try:
        conn = _connect(path)
        _prepare_schema(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path) from None
    return Store(conn, path, actor or Actor())


def _dump(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values (they read back as the field's empty default): keeps rows small."""
    return {k: v for k, v in data.items() if v is not None and v != "" and v != [] and v != {}}


def _column_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _history_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


COMMON_FIELDS = {"uuid", "id", "status", "state", "version", "created_at", "updated_at", "created_by", "updated_by"}


class Store:
    """The database: every write goes through `add`, `update` or `add_many`, each one
    transaction holding the record and its history rows."""

    _tip: tuple[int, str] | None = None

    def __init__(self, conn: sqlite3.Connection, path: Path, actor: Actor):
        self.conn = conn
        self.path = path
        self.actor = actor


    # ------------------------------------------------------------ lifecycle
    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE, so two writers queue instead of failing)."""
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _translate(exc, self.path) from None
        self._tip = None  # the chain's last row, read once per transaction (we hold the write lock)
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self.conn.rollback()
            raise _translate(exc, self.path) from None
        except BaseException:
            self.conn.rollback()
            raise
        else:
            try:
                self.conn.commit()
            except sqlite3.Error as exc:
                self.conn.rollback()
                raise _translate(exc, self.path) from None

    # ------------------------------------------------------------ settings
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str, task: str | None = None) -> None:
        with self.transaction():
            old = self.setting(key)
            self.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))
            self._history("settings", key, key, "update", key, old, value, task, None)

    # ------------------------------------------------------------ rows <-> records
    def _row(self, record: Record, data: dict[str, Any] | None = None) -> dict[str, Any]:
        data = data if data is not None else _dump(record)
        promoted = PROMOTED[record.KIND]
        row = {k: data.get(k) for k in COMMON_FIELDS}
        row["title"] = record.title_text
        row["seq"] = _seq_of(record.id)
        for name in promoted:
            row[name] = _column_value(data.get(name))
        rest = {k: v for k, v in data.items() if k not in COMMON_FIELDS and k not in promoted}
        row["data"] = json.dumps(_compact(rest), ensure_ascii=False, sort_keys=True)
        return row

    @staticmethod
    def _record(model: type[Record], row: sqlite3.Row | dict) -> Record:
        row = dict(row)
        data = json.loads(row.pop("data") or "{}")
        for name in PROMOTED[model.KIND]:
            value = row.get(name)
            if value is not None and isinstance(value, str) and value[:1] in "[{":
                value = json.loads(value)
            data[name] = value
        for name in COMMON_FIELDS:
            data[name] = row.get(name)
        from pydantic import ValidationError  # loaded already: `model` is a pydantic model

        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise DatabaseError(
                f"{row.get('id') or model.LABEL} is stored in a form this vse-tui cannot read "
                f"({describe_validation_error(exc, 'stored record')}); run 'vse-tui export' to keep a copy"
            ) from None

    def _next_seq(self, model: type[Record]) -> int:
        row = self.conn.execute(f"SELECT MAX(seq) FROM {model.KIND}").fetchone()
        return (row[0] or 0) + 1

    @property
    def site_id(self) -> str:
        """This database's site id (copies made with `sync clone` have their own)."""
        site = getattr(self, "_site", None)
        if site is None:
            site = self._site = self.setting("site_id") or ""
        return site

    def _history(
        self, kind, record_uuid, record_id, action, field_name, old, new, task, version,
        at=None, operator: str | None = None, origin: tuple[str, int] | None = None,
    ) -> None:
        """Append one history row, chained to the previous one; the record points at it. `origin`
        names the site and number of an event written first elsewhere (a merged bundle)."""
        tip = self._tip if self.conn.in_transaction and self._tip is not None else \
            self.conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
        values = {
            "seq": (tip[0] if tip else 0) + 1, "at": clock.iso(at or clock.now()), "kind": kind,
            "record": record_uuid, "record_id": record_id, "action": action, "field": field_name,
            "old_value": _history_value(old), "new_value": _history_value(new),
            "operator": operator or self.actor.operator, "os_user": self.actor.os_user, "host": self.actor.host,
            "task": task, "version": version,
        }
        prev = tip[1] if tip else None
        digest = row_hash(prev, values)
        site, number = origin or (self.site_id, values["seq"])
        self.conn.execute(
            "INSERT INTO history(seq, at, kind, record, record_id, action, field, old_value, new_value,"
            " operator, os_user, host, task, version, hash, prev_hash, origin_site, origin_seq)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (*(values[k] for k in HASHED), digest, prev, site, number),
        )
        self._tip = (values["seq"], digest)
        if kind in PROMOTED:
            self.conn.execute(f"UPDATE {kind} SET chain = ? WHERE uuid = ?", (digest, record_uuid))

    # ------------------------------------------------------------ writes
    def add(self, record: Record, task: str | None = None) -> Record:
        """Store a new record and its 'create' history row in one transaction."""
        with self.transaction():
            return self._insert(record, task)

    def add_many(self, records: Iterable[Record], task: str | None = None) -> int:
        """Store many records at once (imports, demo data): one transaction, one history row each."""
        count = 0
        with self.transaction():
            for record in records:
                self._insert(record, task)
                count += 1
        return count

    def _insert(self, record: Record, task: str | None, at=None, operator: str | None = None) -> Record:
        model = type(record)
        now = clock.now()
        update: dict[str, Any] = {} if record.updated_by else {"updated_by": self.actor.operator}
        if record.id is None:
            update["id"] = _format_id(model.PREFIX, self._next_seq(model))
        if record.created_at is None:
            update["created_at"] = now
        if record.updated_at is None:
            update["updated_at"] = update.get("created_at", record.created_at)
        if record.created_by is None:
            update["created_by"] = self.actor.operator
        record = record.model_copy(update=update)
        dumped = _dump(record)
        row = self._row(record, dumped)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        try:
            self.conn.execute(f"INSERT INTO {model.KIND} ({cols}) VALUES ({marks})", list(row.values()))
        except sqlite3.IntegrityError as exc:
            raise InputError(f"{model.LABEL} {record.id} already exists ({exc})") from None
        self._history(
            model.KIND, record.uuid, record.id, "create", None, None, _compact(dumped), task, record.version,
            at=at, operator=operator,
        )
        return record

    def update(
        self,
        kind: str,
        ref: str,
        changes: dict[str, Any],
        task: str | None = None,
        expected_version: int | None = None,
    ) -> Record:
        """Apply `changes` to a record as a new version; one history row per changed field."""
        model = model_for(kind)
        from pydantic import ValidationError  # loaded with the model

        with self.transaction():
            old = self.get(kind, ref)
            if expected_version is not None and old.version != expected_version:
                raise InputError(
                    f"{old.id} was changed by someone else (version {old.version}, you edited {expected_version}); reload it"
                )
            unknown = set(changes) - set(model.model_fields)
            if unknown:
                raise InputError(f"{model.LABEL} has no field {', '.join(sorted(unknown))}")
            before = _dump(old)
            merged = {**old.model_dump(), **changes}
            merged["version"] = old.version + 1
            merged["updated_at"] = clock.now()
            merged["updated_by"] = self.actor.operator
            try:
                new = model.model_validate(merged)
            except ValidationError as exc:
                raise InputError(describe_validation_error(exc, f"{old.id}")) from None
            from ..core.standard import load_standard

            if model.WP and not load_standard().wp(model.WP).can_move(old.status, new.status):
                wp = load_standard().wp(model.WP)
                allowed = [b for a, b in wp.transitions if a == old.status]
                raise InputError(
                    f"{old.id} cannot go from {old.status} to {new.status}"
                    + (f" (next: {', '.join(allowed)})" if allowed else " (its status is final)")
                )
            after = _dump(new)
            changed = [
                k for k in after
                if k not in ("version", "updated_at", "updated_by") and after[k] != before.get(k)
            ]
            if not changed:
                return old
            row = self._row(new)
            sets = ", ".join(f"{c} = ?" for c in row if c != "uuid")
            self.conn.execute(
                f"UPDATE {kind} SET {sets} WHERE uuid = ?",
                [v for c, v in row.items() if c != "uuid"] + [new.uuid],
            )
            for name in changed:
                self._history(kind, new.uuid, new.id, "update", name, before.get(name), after[name], task, new.version)
            return new

    # ------------------------------------------------------------ reads
    def get(self, kind: str, ref: str) -> Record:
        """A record by its human id (INC-0042, case-insensitive) or its UUID."""
        model = model_for(kind)
        self.conn.row_factory = sqlite3.Row
        try:
            row = self.conn.execute(
                f"SELECT * FROM {kind} WHERE id = ? OR uuid = ?", (ref.upper(), ref)
            ).fetchone()
        finally:
            self.conn.row_factory = None
        if row is None:
            raise NotFound(f"No {model.LABEL.lower()} {ref}")
        return self._record(model, row)

    def find(self, ref: str) -> Record:
        """A record of any kind by its human id (or an alias it had before a merge renumbered it)."""
        prefix = ref.upper().split("-", 1)[0]
        kind = PREFIXES.get(prefix)
        if kind is None:
            raise NotFound(f"No record {ref} (unknown id prefix {prefix!r})")
        try:
            return self.get(kind, ref)
        except NotFound:
            row = self.conn.execute("SELECT kind, uuid FROM aliases WHERE alias = ?", (ref.upper(),)).fetchone()
            if row is None:
                raise
            return self.get(row[0], row[1])

    def select(
        self,
        kind: str,
        where: str | None = None,
        params: Iterable[Any] = (),
        order_by: str = "seq",
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Record]:
        model = model_for(kind)
        sql = f"SELECT * FROM {kind}"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
            if offset:
                sql += f" OFFSET {int(offset)}"
        self.conn.row_factory = sqlite3.Row
        try:
            rows = self.conn.execute(sql, list(params)).fetchall()
        finally:
            self.conn.row_factory = None
        return [self._record(model, r) for r in rows]

    def iter_all(self, kind: str, batch: int = 2000) -> Iterator[Record]:
        """Every record of a kind in id order, read in batches (keyset paging)."""
        last = 0
        while True:
            rows = self.select(kind, "seq > ?", [last], order_by="seq", limit=batch)
            if not rows:
                return
            yield from rows
            last = _seq_of(rows[-1].id)

    def count(self, kind: str, where: str | None = None, params: Iterable[Any] = ()) -> int:
        sql = f"SELECT COUNT(*) FROM {kind}" + (f" WHERE {where}" if where else "")
        return self.conn.execute(sql, list(params)).fetchone()[0]

    def latest(self, kind: str, where: str | None = None, params: Iterable[Any] = ()) -> Record | None:
        rows = self.select(kind, where, params, order_by="seq DESC", limit=1)
        return rows[0] if rows else None

    def history(self, record_uuid: str | None = None) -> list[dict[str, Any]]:
        self.conn.row_factory = sqlite3.Row
        try:
            if record_uuid:
                rows = self.conn.execute("SELECT * FROM history WHERE record = ? ORDER BY seq", (record_uuid,))
            else:
                rows = self.conn.execute("SELECT * FROM history ORDER BY seq")
            return [dict(r) for r in rows]
        finally:
            self.conn.row_factory = None

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def is_empty(self) -> bool:
        return all(self.count(kind) == 0 for kind in KINDS)


def _format_id(prefix: str, seq: int) -> str:
    return f"{prefix}-{seq:04d}"


def _seq_of(human_id: str | None) -> int:
    if not human_id or "-" not in human_id:
        return 0
    tail = human_id.rsplit("-", 1)[1]
    return int(tail) if tail.isdigit() else 0


__all__ = ["Actor", "Store", "open_store", "backup_copy", "COMMON"]
