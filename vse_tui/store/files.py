"""Files the app writes beside its database: exports, lists, reports, backups, bundles, audit packs.

Each one is written whole or not at all (a temporary file in the same folder, renamed into place),
readable by its owner only (files 0600, folders made here 0700, whatever the umask), never over
the open database, its journal files, its attached files or any other SQLite file, and never over
an existing file unless the caller says so (`force`). A full disk is reported as a full disk, and
leaves nothing behind.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from vse_tui.i18n import _

from ..core.kernel.errors import InputError, VseError
from ..core.model.records import KINDS
from .connection import header

SQLITE_MAGIC = b"SQLite format 3\x00"
FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class DiskFull(VseError):
    """The disk (or the user's quota) is full: nothing was written, nothing else was changed."""


def is_sqlite_file(path: Path) -> bool:
    try:
        return header(path) == SQLITE_MAGIC
    except OSError:
        return False


JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


def is_journal_file(path: Path) -> bool:
    """A write-ahead log, whatever its name (its first bytes say so)."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as fh:
            return fh.read(4) in WAL_MAGIC
    except OSError:
        return False


def database_files(database: Path) -> list[Path]:
    """The open database and the files that belong to it, resolved."""
    db = Path(database).expanduser().resolve()
    return [db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))]


def check_target(path: str | os.PathLike[str], *, database: Path | None = None, force: bool = False,
                 what: str = "file") -> Path:
    """The path to write `what` to, or an InputError saying why it must not be written there."""
    text = os.fspath(path)
    if not str(text).strip():
        raise InputError(_("The {what} needs a file name (got an empty path)").format(what=what))
    target = Path(text).expanduser()
    resolved = target.resolve()
    if database is not None:
        if resolved in database_files(database):
            raise InputError(_("{target} is the open database (or its journal); nothing was written").format(target=target))
        files = database_files(database)[0]
        files = files.with_name(files.name + ".files")
        if resolved == files or files in resolved.parents:
            raise InputError(_("{target} is inside the database's attached files ({name}); nothing was written").format(target=target, name=files.name))
        try:
            if target.exists() and Path(database).exists() and os.path.samefile(target, database):
                raise InputError(_("{target} is the open database under another name; nothing was written").format(target=target))
        except OSError:
            pass
    if target.is_dir():
        raise InputError(_("{target} is a folder; name a file to write the {what} to").format(target=target, what=what))
    journal = next((s for s in JOURNAL_SUFFIXES if target.name.endswith(s)), None)
    if journal or is_journal_file(target):
        # a database's -wal holds its last committed changes: replaced, they are lost (--force or not)
        raise InputError(_("{target} is named as an SQLite database's journal ({journal}); choose another name (it was left untouched)").format(target=target, journal=journal or _("its content")))
    if target.exists() or target.is_symlink():
        if is_sqlite_file(target):
            raise InputError(_("{target} is an SQLite database; choose another name (it was left untouched)").format(target=target))
        if not force:
            raise InputError(_("{target} already exists; use --force to replace it (it was left untouched)").format(target=target))
    return target


def private_folder(folder: Path) -> Path:
    """Make `folder` (and missing parents) readable by its owner only; an existing folder that the
    user chose (their home, a documents folder) keeps its mode."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise translated(exc, made, "folder") from None
        os.chmod(made, 0o700)
    return folder


def translated(exc: OSError, path: Path, what: str) -> VseError:
    if exc.errno in FULL_ERRNOS:
        return DiskFull(_("Cannot write the {what} {path}: the disk is full; nothing was written (the database itself is unchanged)").format(what=what, path=path))
    return InputError(_("Cannot write the {what} {path}: {problem}").format(what=what, path=path, problem=exc.strerror or exc))


def _temp_beside(target: Path, what: str) -> Path:
    private_folder(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise translated(exc, target, what) from None
    os.close(fd)
    os.chmod(tmp, 0o600)
    return Path(tmp)


def _place(tmp: Path, target: Path, force: bool) -> None:
    """Rename the finished temporary file into place; without `force`, never over a file that
    appeared meanwhile."""
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise InputError(_("{target} appeared while it was written; nothing was replaced").format(target=target)) from None
    except OSError:  # a file system without hard links
        os.replace(tmp, target)
        return
    os.unlink(tmp)


_DEFERRED = threading.local()  # inside deferred_sync(): files are flushed to the disk once, at its end


@contextmanager
def deferred_sync() -> Iterator[None]:
    """Many files written in a row on this thread (the demo's outbox): each is still written whole
    under its name, but flushed to the disk once at the end rather than one by one."""
    depth = getattr(_DEFERRED, "depth", 0)
    _DEFERRED.depth = depth + 1
    try:
        yield
    finally:
        _DEFERRED.depth = depth
        if not depth:
            os.sync()


@contextmanager
def atomic_file(path: str | os.PathLike[str], *, binary: bool = False, database: Path | None = None,
                force: bool = False, what: str = "file") -> Iterator[IO[Any]]:
    """Open a private temporary file beside `path` for writing; on success it becomes `path`."""
    target = check_target(path, database=database, force=force, what=what)
    tmp = _temp_beside(target, what)
    try:
        try:
            if binary:
                fh: IO[Any] = open(tmp, "wb")
            else:
                fh = open(tmp, "w", encoding="utf-8", newline="")
            with fh:
                yield fh
                fh.flush()
                if not getattr(_DEFERRED, "depth", 0):
                    os.fsync(fh.fileno())
            _place(tmp, target, force)
        except OSError as exc:
            raise translated(exc, target, what) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(path: str | os.PathLike[str], data: bytes, *, database: Path | None = None, force: bool = False,
                what: str = "file") -> Path:
    with atomic_file(path, binary=True, database=database, force=force, what=what) as fh:
        fh.write(data)
    return Path(path).expanduser()


def write_text(path: str | os.PathLike[str], text: str, *, database: Path | None = None, force: bool = False,
               what: str = "file") -> Path:
    with atomic_file(path, database=database, force=force, what=what) as fh:
        fh.write(text)
    return Path(path).expanduser()


COPY_STEP_PAGES = 4096  # pages copied between two progress reports (16 MiB of 4 KiB pages)


def sqlite_copy(conn: sqlite3.Connection, path: str | os.PathLike[str], *, database: Path | None = None,
                force: bool = False, what: str = "backup",
                progress: Callable[[int, int], None] | None = None) -> Path:
    """A consistent copy of the open database `conn` through SQLite's backup API, written whole or
    not at all, mode 0600. `force` never replaces another SQLite file (check_target refuses it).
    With `progress(bytes copied, bytes in all)` the copy goes a few pages at a time and is told after
    each step; the caller holds a read snapshot of `conn` (`Store.snapshot`), so every step copies the
    same moment (a write from another connection meanwhile neither enters it nor starts it over)."""
    target = check_target(path, database=database, force=force, what=what)
    tmp = _temp_beside(target, what)
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            if progress is None:
                conn.backup(dest)
            else:
                size = conn.execute("PRAGMA page_size").fetchone()[0]
                conn.backup(dest, pages=COPY_STEP_PAGES,
                            progress=lambda _status, left, total: progress((total - left) * size, total * size))
        finally:
            dest.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _place(tmp, target, force)
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(exc) \
                or _disk_full_near(target):
            raise DiskFull(_("Cannot write the {what} {target}: the disk is full; nothing was written (the database itself is unchanged)").format(what=what, target=target)) from None
        raise InputError(_("Cannot write the {what} {target}: {exc}; nothing was written (the database itself is unchanged)").format(what=what, target=target, exc=exc)) from None
    except OSError as exc:
        raise translated(exc, target, what) from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            if leftover.exists():
                leftover.unlink()
    return target


def _disk_full_near(target: Path) -> bool:
    try:
        return shutil.disk_usage(target.parent).free < 64 * 1024
    except OSError:
        return False


def private_tree(root: Path) -> None:
    """Every folder under `root` (itself included) 0700 and every file 0600: a copied tree of shop
    data (attached files) readable by its owner only, whatever the umask or the source's modes."""
    root = Path(root)
    if not root.exists():
        return
    for folder, _dirs, files in os.walk(root):
        os.chmod(folder, 0o700)
        for name in files:
            private_file(Path(folder) / name)


def private_file(path: Path) -> None:
    """chmod 0600, for a file another component created (SQLite's own files)."""
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a database file; any character of the path is taken as it is."""

    return sqlite3.connect(f"file:{quote(str(Path(path).expanduser().resolve()))}?mode=ro", uri=True)


def discard_if_empty(path: Path) -> bool:
    """Remove a database that holds no record (and its files): one a failed command created at a
    mistyped path. Returns whether it was removed."""

    try:
        conn = read_only(path)
        try:
            held = sum(conn.execute(f"SELECT COUNT(*) FROM {kind}").fetchone()[0] for kind in KINDS)
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # not one we can read: left as it is
    if held:
        return False
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    files = path.with_name(path.name + ".files")
    if files.is_dir() and not any(p.is_file() for p in files.rglob("*")):
        shutil.rmtree(files, ignore_errors=True)
    return True


__all__ = ["DiskFull", "atomic_file", "check_target", "database_files", "discard_if_empty", "is_sqlite_file",
           "private_folder", "private_tree", "read_only", "sqlite_copy", "write_bytes", "write_text"]
