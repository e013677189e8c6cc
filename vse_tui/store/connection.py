"""The connection itself: how a database file is opened by SQLite, who writes, and SQLite's errors
in words an operator can act on. Below the Store; imports nothing of it."""

from __future__ import annotations

import getpass
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from vse_tui.i18n import _

from ..core.kernel.errors import BusyError, DatabaseError

SQLITE_MAGIC = b"SQLite format 3\x00"

# Files this process has a connection to. SQLite's locks are POSIX advisory locks, which a process
# loses on a file as soon as it closes *any* descriptor of it: reading a database's header with
# open() while a connection holds it would drop that connection's locks and let another process
# corrupt it. So a file open here is never opened again by anything but SQLite.
_OPEN: dict[tuple[int, int], int] = {}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def held(path: Path) -> bool:
    """A connection of this process has this file open."""
    key = _identity(path)
    return key is not None and _OPEN.get(key, 0) > 0


def hold(path: Path) -> None:
    key = _identity(path)
    if key is not None:
        _OPEN[key] = _OPEN.get(key, 0) + 1


def release(path: Path) -> None:
    key = _identity(path)
    if key is not None and _OPEN.get(key):
        _OPEN[key] -= 1


def header(path: Path) -> bytes:
    """The first 16 bytes of a file, read without ever closing a descriptor of a database this
    process holds (for one it holds, the magic it was opened with)."""
    if held(path):
        return SQLITE_MAGIC
    with open(path, "rb") as fh:
        return fh.read(16)
UnreadableDatabase = sqlite3.DatabaseError  # what SQLite raises on a file it cannot read
BUSY_TIMEOUT_MS = 2000  # one wait for the write lock; a writer waits up to WRITE_WAIT_SECONDS in all
WRITE_WAIT_SECONDS = 60.0  # long writes (imports, the demo) commit in batches well within this


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some containers and Windows services
        return "unknown"


def host_name() -> str:
    try:
        return os.uname().nodename  # what socket.gethostname() answers on POSIX, without loading socket
    except AttributeError:
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
    def claiming(cls, claim: str | None) -> Actor:
        """An actor who says who they are (a person's id or name, or nothing: the login); the
        session maps the claim to a person of the shop once the database is open."""
        return cls(operator=(claim or "").strip() or os_user())

    def as_person(self, person: str | None, name: str) -> Actor:
        return Actor(operator=name, os_user=self.os_user, host=self.host, person=person)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # 1 MiB of page cache: the lists and the dashboard read through indexes, a page or two at a time
    conn.execute("PRAGMA cache_size = -1024")
    return conn


def translate(exc: sqlite3.Error, path: Path | None = None) -> DatabaseError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return BusyError(_("The database is busy (another vse-tui is writing); try again in a moment"))
    if "full" in text:
        return DatabaseError(_("The disk holding {path} is full; nothing was saved").format(path=path or _("the database")).replace("  ", " "))
    if "readonly" in text or "read-only" in text:
        return DatabaseError(_("The database {path} is read-only; nothing was saved").format(path=path or "").replace("  ", " "))
    if "malformed" in text or "not a database" in text:
        return DatabaseError(_("The database {path} is damaged ({text})").format(path=path or "", text=text))
    return DatabaseError(_("Database error: {text}").format(text=text))



__all__ = ["Actor", "BUSY_TIMEOUT_MS", "SQLITE_MAGIC", "WRITE_WAIT_SECONDS", "connect", "host_name", "os_user",
           "translate"]
