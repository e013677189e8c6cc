"""Opening the database file safely, and the Store: the only door to SQLite. Its write half (the
one write path) is store.writes, its reads store.reads and store.queries."""

from __future__ import annotations

import glob
import os
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vse_tui.i18n import _

from ..core.kernel import clock
from ..core.kernel.errors import DatabaseError
from .columns import APPLICATION_ID, SCHEMA_VERSION, SIMULATED_BIRTH
from .connection import SQLITE_MAGIC, Actor, connect, header, hold, host_name, os_user, release, translate
from .files import sqlite_copy
from .queries import NamedReads
from .reads import Reads
from .writes import WritePath

if TYPE_CHECKING:
    from ..core.model.ports import StorePort

def _check_file(path: Path) -> str:
    """Refuse what is not ours before SQLite touches it: "missing", "empty" or "present"."""
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file").format(path=path))
    if not path.exists():
        return "missing"
    try:
        if path.stat().st_size == 0:
            return "empty"
        head = header(path)
    except OSError as exc:
        raise DatabaseError(_("Cannot read {path}: {problem}").format(path=path, problem=exc.strerror or exc)) from None
    if head != SQLITE_MAGIC:
        raise DatabaseError(_("{path} is not a vse-tui database (it is not an SQLite file); it was left untouched").format(path=path))
    return "present"


def _create(path: Path, replace_empty: bool, born: datetime | None = None) -> None:
    """Build a new database under a temporary name and give it its name only once it is complete:
    a start killed half-way leaves no file that later looks like another program's. `born`: the
    moment a database on a simulated clock (the demo's) is born at."""

    # here, not at the top: importing it loads sqlite-utils
    from .schema import BIRTH

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(_("Cannot create the folder {parent}: {problem}").format(parent=path.parent, problem=exc.strerror or exc)) from None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".new", dir=path.parent)
    except OSError as exc:
        raise DatabaseError(_("Cannot create {path}: {problem}").format(path=path, problem=exc.strerror or exc)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o600)
    try:
        conn = connect(tmp)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # ours from the first page on
            token = BIRTH.set(born)
            try:
                _prepare_schema(conn, tmp)
            finally:
                BIRTH.reset(token)
            if born is not None or os.environ.get("VSE_TUI_NOW"):  # a simulated clock: a test's or a demo's, for good

                first = Store(conn, tmp, Actor(operator="vse-tui"))
                first._simulated = True
                first.clock = lambda: born or SIMULATED_BIRTH  # type: ignore[method-assign]  # a clock per store, by design
                first.via = "created"
                first.set_setting("clock", "simulated")
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
        raise translate(exc, path) from None
    except OSError as exc:
        raise DatabaseError(_("Cannot create {path}: {problem}").format(path=path, problem=exc.strerror or exc)) from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            if leftover.exists():
                leftover.unlink()


def set_aside(path: Path, target: Path) -> Path:
    """Move a database (whole: its log checkpointed into it first) to `target`, replacing an
    earlier file there and its log; the database's name is free afterwards."""
    conn = connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path) from None
    finally:
        conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return target


LITTER_AGE = 3600  # seconds after which a half-built file of an older vse-tui (no process id in its name) is litter


def _sweep_litter(path: Path) -> None:
    """The half-built files a start killed half-way left beside the database (`.NAME.PID.XXXX.new`
    and its -wal, -shm, -journal): removed once the process that made them is gone."""

    try:
        found = list(path.parent.glob(f".{glob_escape(path.name)}.*.new*"))
    except OSError:
        return
    for file in found:
        rest = file.name[len(path.name) + 2:]
        stem, _sep, tail = rest.partition(".new")
        if tail not in ("", "-wal", "-shm", "-journal"):
            continue
        pid = stem.split(".", 1)[0]
        try:
            if pid.isdigit() and "." in stem:
                if _alive(int(pid)):
                    continue
            elif time.time() - file.stat().st_mtime < LITTER_AGE:
                continue
            file.unlink()
        except OSError:
            pass


def glob_escape(name: str) -> str:
    return glob.escape(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def backup_copy(conn: sqlite3.Connection, target: Path, force: bool = False, database: Path | None = None) -> Path:
    """A consistent copy of the open database through SQLite's backup API (mode 0600), written
    whole or not at all."""

    return sqlite_copy(conn, target, database=database, force=force)


def _prepare_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse what is not ours or too new; bring an older schema up to date (after a backup copy)."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(_("{path} is damaged or not a database ({exc}); it was left untouched").format(path=path, exc=exc)) from None
    if tables and app_id != APPLICATION_ID and not _half_built(conn, tables):
        raise DatabaseError(_("{path} is an SQLite file of another program, not a vse-tui database; it was left untouched").format(path=path))
    if user_version > SCHEMA_VERSION:
        raise DatabaseError(
            _("{path} was written by a newer vse-tui (schema {user_version}, this one knows {schema_version}); upgrade vse-tui to open it. The file was left untouched").format(path=path, user_version=user_version, schema_version=SCHEMA_VERSION)
        )
    if user_version == SCHEMA_VERSION and tables:
        return  # current: the common case, without loading sqlite-utils
    from sqlite_utils import Database

    # here, not at the top: importing it loads sqlite-utils
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
        raise translate(exc, path) from None
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _half_built(conn: sqlite3.Connection, tables: set[str]) -> bool:
    """A database an older vse-tui began to build and was stopped before it marked the file as
    ours: its migrations table names only our migrations. Building it resumes where it stopped."""
    if "_sqlite_migrations" not in tables:
        return False
    names = {r[0] for r in conn.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    return names == {"vse-tui"}


def open_store(path: str | os.PathLike[str], actor: Actor | None = None, *, create: bool = True,
               born: datetime | None = None) -> Store:
    """Open the database at `path`, migrated to the current schema. A missing (or empty) file is
    created when `create`, else refused: a read-only command never makes a database at a typo.
    `born`: a new database lives on a simulated clock (the demo's), its first rows dated then."""
    if not str(path).strip():
        raise DatabaseError(_("An empty path names no database; give --db a file name"))
    path = Path(path).expanduser()
    _sweep_litter(path)
    state = _check_file(path)
    if state != "present":
        if not create:
            raise DatabaseError(_("There is no vse-tui database at {path} (nothing was created); check --db or VSE_TUI_DB").format(path=path))
        _create(path, replace_empty=state == "empty", born=born)
    try:
        conn = connect(path)
        _prepare_schema(conn, path)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path) from None
    hold(path)
    return Store(conn, path, actor or Actor())


def open_memory_store(actor: Actor | None = None) -> Store:
    """An empty database in memory: planning an import against nothing, creating no file."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _prepare_schema(conn, Path(":memory:"))
    return Store(conn, Path(":memory:"), actor or Actor())


ANALYSIS_LIMIT = 400  # rows sampled per index when statistics are refreshed (SQLite's advice)


class Store(WritePath, Reads, NamedReads):
    """The database: every write goes through the one write path (store.writes), every read
    through a named read; nothing outside vse_tui/store/ speaks SQL."""

    def __init__(self, conn: sqlite3.Connection, path: Path, actor: Actor):
        self.conn = conn
        self.path = path
        self.actor = actor

    def close(self) -> None:
        try:
            # The query planner's statistics brought up to date where they are stale, each index
            # sampled (a few hundred rows) rather than read whole: without the limit, a table with
            # an empty partial index (no statistics row, e.g. no fingerprints) was read again at
            # every close, 0.08 s at 100,000 incidents, ten times that at 1,000,000.
            self.conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()
        release(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reopen(self) -> Store:
        """The same database on a new connection (a thread reading apart from the UI)."""
        other = open_store(self.path, self.actor, create=False)
        other.clock = self.clock  # type: ignore[method-assign]  # a clock per store: the reader's is ours
        return other


if TYPE_CHECKING:  # the core types against StorePort; this says the Store is one
    def _is_a_port(store: Store) -> StorePort:
        return store


__all__ = ["Actor", "SQLITE_MAGIC", "Store", "backup_copy", "host_name", "open_memory_store", "open_store", "os_user",
           "set_aside"]
