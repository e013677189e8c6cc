"""Keeping the database safe: online backups, restore, and `doctor`'s checks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vse_tui.i18n import _, ngettext

from ..core.evidence.attachments import check_files
from ..core.kernel import clock
from ..core.kernel.errors import DatabaseError
from ..core.model.records import KINDS
from .chain import verify
from .columns import APPLICATION_ID, SCHEMA_VERSION
from .connection import Actor, header
from .db import SQLITE_MAGIC, Store, open_store
from .files import discard_if_empty, private_folder, private_tree, read_only, sqlite_copy, translated  # noqa: F401  (re-exported)
from .sync import new_epoch

SYNCED = ("dropbox", "onedrive", "icloud", "mobile documents", "google drive", "googledrive", "box sync", "nextcloud",
          "owncloud", "syncthing")
NETWORK_FS = ("nfs", "nfs4", "cifs", "smb", "smbfs", "smb3", "fuse.sshfs", "9p", "afpfs", "webdav", "davfs")


def backup_folder(store: Store) -> Path:
    """Where backups go: the folder the data and document management procedure (WP.05) names,
    else beside the database."""
    row = store.row("data_procedures", ["backup_folder"], {"status": "approved"})
    if row and row[0] and str(row[0]).strip():
        return Path(str(row[0]).strip()).expanduser()
    return store.path.parent


def default_backup_path(store: Store) -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    return backup_folder(store) / f"{store.path.stem}-backup-{stamp}.db"


def daily_backup(store: Store) -> Path | None:
    """The first start of a day makes a backup (when the config asks for it); None if one exists."""
    folder = backup_folder(store)
    today = clock.now().strftime("%Y%m%d")
    if any(folder.glob(f"{store.path.stem}-backup-{today}T*.db")):
        return None
    return backup(store)


def backup(store: Store, out: str | os.PathLike[str] | None = None, force: bool = False,
           progress: Callable[[int, int], None] | None = None) -> Path:
    """A consistent copy of the open database (SQLite's backup API), readable by the owner only,
    with its attached files in `<backup>.files/`. Written whole or not at all; never over the
    database or another SQLite file; over an existing file only with `force`. `progress(bytes
    copied, bytes in all)` follows the copy of the database."""

    target = Path(out).expanduser() if out else default_backup_path(store)
    with store.snapshot():  # a copy shown step by step copies one moment
        sqlite_copy(store.conn, target, database=store.path, force=force, what="backup", progress=progress)
    files = store.path.with_name(store.path.name + ".files")
    if files.is_dir():  # attached files travel with the backup, in its own .files folder
        dest = target.with_name(target.name + ".files")
        try:
            private_folder(dest)
            shutil.copytree(files, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("open", "*.part"))
            private_tree(dest)
        except OSError as exc:
            target.unlink(missing_ok=True)
            shutil.rmtree(dest, ignore_errors=True)

            raise translated(exc, target, "backup") from None
    return target


def backup_before(store: Store, what: str) -> Path | None:
    """A backup made before `what` (an import) changes the database, kept with the other backups
    and named for it; None for a database that is not a file (a dry run plans in memory)."""
    if not store.path.exists():
        return None
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    folder = backup_folder(store)
    target = folder / f"{store.path.stem}-backup-{stamp}-before-{what}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{store.path.stem}-backup-{stamp}-before-{what}-{n}.db"
    return backup(store, target)


@dataclass(frozen=True)
class Summary:
    path: Path
    records: int
    history: int
    last_change: str | None

    def line(self) -> str:
        last = clock.local_text(clock.parse_datetime(self.last_change)) if self.last_change else _("never")
        return _("{path}: {records} records, {history} history rows, last change {last}").format(
            path=self.path, records=self.records, history=self.history, last=last)


def describe(path: Path) -> Summary:
    """What a database file holds, read without changing it; refuses what is not a vse-tui database."""

    path = Path(path).expanduser()
    if not path.is_file():
        raise DatabaseError(_("{path} does not exist").format(path=path))

    if header(path) != SQLITE_MAGIC:
        raise DatabaseError(_("{path} is not a vse-tui database (it is not an SQLite file)").format(path=path))
    conn = read_only(path)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise DatabaseError(_("{path} is not a vse-tui database").format(path=path))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseError(_("{path} was written by a newer vse-tui (schema {version})").format(path=path, version=version))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        records = sum(conn.execute(f"SELECT COUNT(*) FROM {k}").fetchone()[0] for k in KINDS if k in tables)
        history, last = conn.execute("SELECT COUNT(*), MAX(at) FROM history").fetchone()
        return Summary(path, records, history, last)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(_("{path} cannot be read as a database ({exc})").format(path=path, exc=exc)) from None
    finally:
        conn.close()


def check_backup(source: Path, work: Path, actor: Actor) -> list[str]:
    """Copy `source` to the private file `work` and check it whole: SQLite's integrity check, its
    schema (an older one is brought up to date in the copy), the history chain and every record
    against its history. Returns what is wrong (empty: it can be restored)."""

    src = read_only(source)
    try:
        result = src.execute("PRAGMA integrity_check").fetchall()
        if [r[0] for r in result] != ["ok"]:
            return [_("SQLite's integrity check fails ({result})").format(result="; ".join(str(r[0]) for r in result[:3]))]
        dest = sqlite3.connect(str(work))
        try:
            src.backup(dest)
        finally:
            dest.close()
    except sqlite3.DatabaseError as exc:
        return [_("it cannot be read ({exc})").format(exc=exc)]
    finally:
        src.close()
    os.chmod(work, 0o600)
    try:
        copy = open_store(work, actor, create=False)
    except DatabaseError as exc:
        return [str(exc)]
    try:
        return [p.line() for p in verify(copy)]
    except sqlite3.DatabaseError as exc:
        return [_("its history or records cannot be read ({exc})").format(exc=exc)]
    finally:
        copy.close()


def restore(store: Store, source: Path) -> tuple[Path, Summary]:
    """Replace the open database's content with the backup `source`. The backup is checked whole
    first (a damaged one is refused with nothing changed); the restored database starts a new
    epoch of the sync (a new site id) so that copies exchanging with it lose nothing; a safety
    copy of the current database is kept. Returns the safety copy's path and what was restored."""

    source = Path(source).expanduser()
    incoming = describe(source)
    fd, name = tempfile.mkstemp(prefix=f".{store.path.name}.", suffix=".restore", dir=store.path.parent)
    os.close(fd)
    work = Path(name)
    try:
        problems = check_backup(source, work, store.actor)
        if problems:
            if len(problems) > 1:
                more = len(problems) - 1
                raise DatabaseError(ngettext(
                    "{source} cannot be restored: {problem} (and {n} more problem); nothing was changed",
                    "{source} cannot be restored: {problem} (and {n} more problems); nothing was changed",
                    more).format(source=source, problem=problems[0], n=more))
            raise DatabaseError(_("{source} cannot be restored: {problem}; nothing was changed").format(
                source=source, problem=problems[0]))
        with open_store(work, store.actor, create=False) as copy:
            new_epoch(copy)
            copy.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        safety = backup(store, store.path.with_name(
            f"{store.path.stem}-before-restore-{clock.now():%Y%m%dT%H%M%SZ}.db"))
        src = sqlite3.connect(str(work))
        try:
            src.backup(store.conn)
        except sqlite3.Error as exc:
            raise DatabaseError(_("Restore failed ({exc}); the database was not changed, a copy is at {safety}").format(exc=exc, safety=safety)) from None
        finally:
            src.close()
        store.forget_cached()
    finally:
        for leftover in (work, Path(f"{work}-wal"), Path(f"{work}-shm"), Path(f"{work}-journal")):
            leftover.unlink(missing_ok=True)
    files = source.with_name(source.name + ".files")
    if files.is_dir():  # the backup's attached files join the database's (content-named: nothing overwritten)
        try:
            shutil.copytree(files, store.path.with_name(store.path.name + ".files"), dirs_exist_ok=True)
            private_tree(store.path.with_name(store.path.name + ".files"))
        except OSError as exc:
            raise DatabaseError(_("The records were restored but not all attached files ({exc})").format(exc=exc)) from None
    return safety, incoming


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    warning: bool = False  # informs, does not fail


def _mode_ok(path: Path) -> bool:
    return not (stat.S_IMODE(path.stat().st_mode) & 0o077)


def _mount_type(path: Path) -> str | None:
    """The file system type of the mount holding `path` (Linux /proc/mounts; None elsewhere)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, fstype = "", None
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and (target == parts[1] or target.startswith(parts[1].rstrip("/") + "/")) \
                and len(parts[1]) > len(best):
            best, fstype = parts[1], parts[2]
    return fstype


def unsafe_location(path: Path) -> str | None:
    """Why this place is unsafe for an SQLite database, or None."""
    lowered = str(path.resolve()).lower()
    for word in SYNCED:
        if word in lowered:
            return (_("the database is in a synced folder ({word}); syncing can copy it half-written and break locking. Keep it on a local disk and back it up with 'vse-tui backup' instead").format(word=word))
    fstype = _mount_type(path)
    if fstype and fstype.lower() in NETWORK_FS:
        return (_("the database is on a network share ({fstype}); SQLite's locking is unreliable there. Keep it on the local disk of one machine and let others connect to that machine with SSH").format(fstype=fstype))
    return None


def startup_warnings(store: Store, config_file: Path | None = None) -> list[str]:
    """The quick checks the app makes when it opens a database (the rest is `vse-tui doctor`)."""
    return [text for _topic, text in startup_notices(store, config_file)]


def startup_notices(store: Store, config_file: Path | None = None) -> list[tuple[str, str]]:
    """`startup_warnings` with what each is about (a word the app titles it by): "location",
    "database" (its permissions), "config" (the config file's permissions) or "clock"."""
    out = []
    where = unsafe_location(store.path)
    if where:
        out.append(("location", where[0].upper() + where[1:]))
    if permission_problems([store.path]):
        out.append(("database", _("Readable by other users: {file}. Make it private with chmod 600.").format(
            file=store.path)))
    if config_file and permission_problems([config_file]):
        out.append(("config", _("Readable by other users: {file}. Make it private with chmod 600.").format(
            file=config_file)))
    behind = store.clock_behind()
    if behind:
        now, last = behind
        out.append(("clock", _("This computer's clock reads {now}, earlier than the last change recorded ({last}). Changes are dated {last} until the clock catches up: set the clock right.").format(now=clock.local_text(now), last=clock.local_text(last))))
    return out


def permission_problems(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths if p.exists() and not _mode_ok(p)]


def doctor(path: Path, config_file: Path | None = None, parallel: bool = False) -> list[Check]:
    """Every check of the database at `path` (see `doctor_checks`)."""
    return list(doctor_checks(path, config_file, parallel))


def doctor_checks(path: Path, config_file: Path | None = None, parallel: bool = False,
                  progress: Callable[[int], None] | None = None) -> Iterator[Check]:
    """Every check of the database at `path`, each given as soon as it is done (a big shop's take
    a while): a damaged file is reported as damaged (and the checks that cannot run say so), never
    a crash. `parallel`: the history is verified as `vse-tui verify` does it (a long chain hashed
    in a second process); `progress(records checked)` follows that check."""

    path = Path(path).expanduser()
    if not path.exists():
        yield Check("file", False, _("there is no database at {path}").format(path=path))
        return
    try:
        conn = read_only(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        result = [_("the file cannot be read ({exc})").format(exc=exc)]
    intact = result == ["ok"]
    yield Check("integrity", intact, _("SQLite integrity check: {result}").format(result="; ".join(result[:3])))
    store = None
    if intact:
        try:
            store = open_store(path, create=False)
        except DatabaseError as exc:
            yield Check("schema", False, str(exc))
    if store is None:
        yield Check("history", False, _("not checked: the file must pass the integrity check first (restore the latest good backup with 'vse-tui restore')"))
    else:
        try:
            version = store.schema_version()
            yield Check("schema", version == SCHEMA_VERSION, _("schema version {version} (this vse-tui: {schema_version})").format(version=version, schema_version=SCHEMA_VERSION))
            mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
            yield Check("journal", mode == "wal", _("journal mode {mode}").format(mode=mode))
            try:
                problems = verify(store, parallel=parallel, progress=progress)
            except sqlite3.DatabaseError as exc:
                yield Check("history", False, _("cannot read the history or the records: the file is damaged ({exc})").format(exc=exc))
            else:
                yield Check("history", not problems, _("history chain and records verified") if not problems else
                            ngettext("{n} problem: {first}", "{n} problems; first: {first}", len(problems)).format(
                                n=len(problems), first=problems[0].line()))

                missing = check_files(store)
                yield Check("attachments", not missing, ngettext("{n} attached file present and unchanged", "{n} attached files present and unchanged",
                                     store.count("attachments")).format(n=store.count("attachments"))
                            if not missing else
                            ngettext("{n} problem: {first}", "{n} problems; first: {first}", len(missing)).format(
                                n=len(missing), first=missing[0].line()))
            private = [store.path, *sorted(backup_folder(store).glob(f"{store.path.stem}*backup*.db")),
                       *sorted(store.path.parent.glob(f"{store.path.name}.before-schema-*.bak"))]
        finally:
            store.close()
        if config_file is not None:
            private.append(config_file)
        loose = permission_problems(private)
        yield Check("permissions", not loose, _("database, backups and config readable by their owner only")
                    if not loose else _("readable by others: {files} (chmod 600 them)").format(files=", ".join(map(str, loose))),
                    warning=True)
    where = unsafe_location(path)
    yield Check("location", where is None, where or _("on a local disk"), warning=True)
    yield Check("size", True, _("{size:.1f} MiB").format(size=path.stat().st_size / 2 ** 20))


def fix_permissions(paths: list[Path]) -> None:
    for p in paths:
        if p.exists():
            os.chmod(p, 0o600)
