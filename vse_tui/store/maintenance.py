"""Keeping the database safe: online backups, restore, and `doctor`'s checks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from ..core import clock
from ..core.errors import DatabaseError
from .columns import APPLICATION_ID, SCHEMA_VERSION
from .db import SQLITE_MAGIC, Store, backup_copy

SYNCED = ("dropbox", "onedrive", "icloud", "mobile documents", "google drive", "googledrive", "box sync", "nextcloud",
          "owncloud", "syncthing")
NETWORK_FS = ("nfs", "nfs4", "cifs", "smb", "smbfs", "smb3", "fuse.sshfs", "9p", "afpfs", "webdav", "davfs")


def backup_folder(store: Store) -> Path:
    """Where backups go: the folder the data and document management procedure (WP.05) names,
    else beside the database."""
    row = store.conn.execute(
        "SELECT json_extract(data, '$.backup_folder') FROM data_procedures WHERE status = 'approved' "
        "ORDER BY seq DESC LIMIT 1").fetchone()
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


def backup(store: Store, out: Path | None = None) -> Path:
    """A consistent copy of the open database (SQLite's backup API), readable by the owner only."""
    target = Path(out).expanduser() if out else default_backup_path(store)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        backup_copy(store.conn, target)
        files = store.path.with_name(store.path.name + ".files")
        if files.is_dir():  # attached files travel with the backup, in its own .files folder
            shutil.copytree(files, target.with_name(target.name + ".files"), dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("open", "*.part"))
        return target
    except OSError as exc:
        raise DatabaseError(f"Cannot write the backup {target}: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class Summary:
    path: Path
    records: int
    history: int
    last_change: str | None

    def line(self) -> str:
        last = clock.local_text(clock.parse_datetime(self.last_change)) if self.last_change else "never"
        return f"{self.path}: {self.records} records, {self.history} history rows, last change {last}"


def describe(path: Path) -> Summary:
    """What a database file holds, read without changing it; refuses what is not a vse-tui database."""
    from ..core.records import KINDS

    path = Path(path).expanduser()
    if not path.is_file():
        raise DatabaseError(f"{path} does not exist")
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise DatabaseError(f"{path} is not a vse-tui database (it is not an SQLite file)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise DatabaseError(f"{path} is not a vse-tui database")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseError(f"{path} was written by a newer vse-tui (schema {version})")
        records = sum(conn.execute(f"SELECT COUNT(*) FROM {k}").fetchone()[0] for k in KINDS)
        history, last = conn.execute("SELECT COUNT(*), MAX(at) FROM history").fetchone()
        return Summary(path, records, history, last)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} cannot be read as a database ({exc})") from None
    finally:
        conn.close()


def restore(store: Store, source: Path) -> tuple[Path, Summary]:
    """Replace the open database's content with `source`, after a safety backup of the current one.
    Returns the safety backup's path and what was restored."""
    incoming = describe(source)
    safety = backup(store, store.path.with_name(f"{store.path.stem}-before-restore-{clock.now():%Y%m%dT%H%M%SZ}.db"))
    src = sqlite3.connect(f"file:{Path(source).expanduser()}?mode=ro", uri=True)
    try:
        src.backup(store.conn)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Restore failed ({exc}); the database was not changed, a copy is at {safety}") from None
    finally:
        src.close()
    files = Path(source).expanduser()
    files = files.with_name(files.name + ".files")
    if files.is_dir():  # the backup's attached files join the database's (content-named: nothing overwritten)
        try:
            shutil.copytree(files, store.path.with_name(store.path.name + ".files"), dirs_exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"The records were restored but not all attached files ({exc})") from None
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
            return (f"the database is in a synced folder ({word}); syncing can copy it half-written and "
                    "break locking. Keep it on a local disk and back it up with 'vse-tui backup' instead")
    fstype = _mount_type(path)
    if fstype and fstype.lower() in NETWORK_FS:
        return (f"the database is on a network share ({fstype}); SQLite's locking is unreliable there. "
                "Keep it on the local disk of one machine and let others connect to that machine with SSH")
    return None


def startup_warnings(store: Store, config_file: Path | None = None) -> list[str]:
    """The quick checks the app makes when it opens a database (the rest is `vse-tui doctor`)."""
    out = []
    where = unsafe_location(store.path)
    if where:
        out.append(where[0].upper() + where[1:])
    loose = permission_problems([store.path] + ([config_file] if config_file else []))
    if loose:
        out.append("Readable by other users: " + ", ".join(loose) + ". Make them private with chmod 600.")
    return out


def permission_problems(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths if p.exists() and not _mode_ok(p)]


def doctor(store: Store, config_file: Path | None = None) -> list[Check]:
    from .chain import verify

    checks: list[Check] = []
    result = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    checks.append(Check("integrity", result == "ok", "SQLite integrity check: " + result))
    version = store.schema_version()
    checks.append(Check("schema", version == SCHEMA_VERSION, f"schema version {version} (this vse-tui: {SCHEMA_VERSION})"))
    mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    checks.append(Check("journal", mode == "wal", f"journal mode {mode}"))
    try:
        problems = verify(store)
    except sqlite3.DatabaseError as exc:
        checks.append(Check("history", False, f"cannot read the history or the records: the file is damaged ({exc})"))
    else:
        checks.append(Check("history", not problems, "history chain and records verified" if not problems else
                            f"{len(problems)} problem(s); first: {problems[0].line()}"))
        from ..core.attachments import check_files

        missing = check_files(store)
        checks.append(Check("attachments", not missing, f"{store.count('attachments')} attached files present and unchanged"
                            if not missing else f"{len(missing)} problem(s); first: {missing[0].line()}"))
    private = [store.path, *sorted(backup_folder(store).glob(f"{store.path.stem}*backup*.db")),
               *sorted(store.path.parent.glob(f"{store.path.name}.before-schema-*.bak"))]
    if config_file is not None:
        private.append(config_file)
    loose = permission_problems(private)
    checks.append(Check("permissions", not loose, "database, backups and config readable by their owner only" if not loose
                        else "readable by others: " + ", ".join(loose) + " (chmod 600 them)", warning=True))
    where = unsafe_location(store.path)
    checks.append(Check("location", where is None, where or "on a local disk", warning=True))
    size = store.path.stat().st_size
    try:
        rows = f"{store.count('history')} history rows"
    except sqlite3.DatabaseError:
        rows = "history unreadable"
    checks.append(Check("size", True, f"{size / 2**20:.1f} MiB, {rows}"))
    return checks


def fix_permissions(paths: list[Path]) -> None:
    for p in paths:
        if p.exists():
            os.chmod(p, 0o600)
