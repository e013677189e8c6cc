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
BUSY_TIMEOUT_MS = 2000  # one wait for the write lock; a writer waits up to WRITE_WAIT_SECONDS in all
WRITE_WAIT_SECONDS = 60.0  # long writes (imports, the demo) commit in batches well within this


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
    """Who writes: the person of the shop (their uuid in People, when known) and their name, plus the
    OS user and host for the audit trail."""

    operator: str = field(default_factory=os_user)
    os_user: str = field(default_factory=os_user)
    host: str = field(default_factory=host_name)
    person: str | None = None

    @classmethod
    def claiming(cls, claim: str | None) -> "Actor":
        """An actor who says who they are (a person's id or name, or nothing: the login)."""
        return cls(operator=(claim or "").strip() or os_user())


def _check_file(path: Path) -> str:
    """Refuse what is not ours before SQLite touches it: "missing", "empty" or "present"."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if not path.exists():
        return "missing"
    try:
        if path.stat().st_size == 0:
            return "empty"
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if head != SQLITE_MAGIC:
        raise DatabaseError(f"{path} is not a vse-tui database (it is not an SQLite file); it was left untouched")
    return "present"


def _create(path: Path, replace_empty: bool) -> None:
    """Build a new database under a temporary name and give it its name only once it is complete:
    a start killed half-way leaves no file that later looks like another program's."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    except OSError as exc:
        raise DatabaseError(f"Cannot create {path}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o600)
    try:
        conn = _connect(tmp)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # ours from the first page on
            _prepare_schema(conn, tmp)
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        if replace_empty:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another vse-tui made it meanwhile: theirs is as good as ours
            except OSError:  # no hard links here
                if not path.exists():
                    os.replace(tmp, path)
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path) from None
    except OSError as exc:
        raise DatabaseError(f"Cannot create {path}: {exc.strerror or exc}") from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            if leftover.exists():
                leftover.unlink()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # 1 MiB of page cache: the lists and the dashboard read through indexes, a page or two at a time
    conn.execute("PRAGMA cache_size = -1024")
    return conn


def backup_copy(conn: sqlite3.Connection, target: Path, force: bool = False, database: Path | None = None) -> Path:
    """A consistent copy of the open database through SQLite's backup API (mode 0600), written
    whole or not at all."""
    from .files import sqlite_copy

    return sqlite_copy(conn, target, database=database, force=force)


def _prepare_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse what is not ours or too new; bring an older schema up to date (after a backup copy)."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is damaged or not a database ({exc}); it was left untouched") from None
    if tables and app_id != APPLICATION_ID and not _half_built(conn, tables):
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


def _half_built(conn: sqlite3.Connection, tables: set[str]) -> bool:
    """A database an older vse-tui began to build and was stopped before it marked the file as
    ours: its migrations table names only our migrations. Building it resumes where it stopped."""
    if "_sqlite_migrations" not in tables:
        return False
    names = {r[0] for r in conn.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    return names == {"vse-tui"}


def _translate(exc: sqlite3.Error, path: Path | None = None) -> DatabaseError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return BusyError("The database is busy (another vse-tui is writing); try again in a moment")
    if "full" in text:
        return DatabaseError(f"The disk holding {path or 'the database'} is full; nothing was saved".replace("  ", " "))
    if "readonly" in text or "read-only" in text:
        return DatabaseError(f"The database {path or ''} is read-only; nothing was saved".replace("  ", " "))
    if "malformed" in text or "not a database" in text:
        return DatabaseError(f"The database {path or ''} is damaged ({text})")
    return DatabaseError(f"Database error: {text}")


def open_store(path: str | os.PathLike, actor: Actor | None = None, *, create: bool = True) -> "Store":
    """Open the database at `path`, migrated to the current schema. A missing (or empty) file is
    created when `create`, else refused: a read-only command never makes a database at a typo."""
    if not str(path).strip():
        raise DatabaseError("An empty path names no database; give --db a file name")
    path = Path(path).expanduser()
    state = _check_file(path)
    if state != "present":
        if not create:
            raise DatabaseError(f"There is no vse-tui database at {path} (nothing was created); check --db or VSE_TUI_DB")
        _create(path, replace_empty=state == "empty")
    try:
        conn = _connect(path)
        _prepare_schema(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise _translate(exc, path) from None
    return Store(conn, path, actor or Actor())


def open_memory_store(actor: Actor | None = None) -> "Store":
    """An empty database in memory: planning an import against nothing, creating no file."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _prepare_schema(conn, Path(":memory:"))
    return Store(conn, Path(":memory:"), actor or Actor())


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

    on_wait = None  # called once when a write has to wait for another writer (the CLI says so)

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, so two writers queue instead of failing; a writer held up by a long
        write elsewhere waits (and says so once) up to WRITE_WAIT_SECONDS."""
        import time

        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        told = False
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                error = _translate(exc, self.path)
                if not isinstance(error, BusyError) or time.monotonic() >= deadline:
                    raise error from None
                if not told and self.on_wait is not None:
                    self.on_wait()
                    told = True

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything in it is stored together or not at all."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self._begin()
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

    _site: str | None = None

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

    def set_site(self, site: str, lineage: list[str]) -> None:
        """A new site id (a new epoch of the sync), the old ones kept as its lineage; rows written
        from here on carry the new id."""
        with self.transaction():
            self._site = site
            self.set_setting("site_lineage", json.dumps(lineage), task=None)
            self.set_setting("site_id", site, task=None)

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

    def attachment_with_hash(self, record_uuid: str, sha256: str) -> str | None:
        """The id of the attachment of `record_uuid` holding a file with this content, if any."""
        row = self.conn.execute("SELECT id FROM attachments WHERE record = ? AND sha256 = ?",
                                (record_uuid, sha256)).fetchone()
        return row[0] if row else None

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
