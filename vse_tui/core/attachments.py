"""Files attached to records as evidence: a signed agreement, a test log, a screenshot.

A file is copied beside the database, into `<database name>.files/ab/abcdef…` named by the sha256
of its content, so that the same file attached twice is stored once and a file changed behind
the app's back is found (`check_files`). Each attachment is a record (ATT-…) with who attached
it and when in its history."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, NotFound

MAX_BYTES = 200 * 2**20  # a larger file belongs in the shop's document store, linked from a note


def files_dir(store) -> Path:
    return store.path.with_name(store.path.name + ".files")


def stored_path(store, sha256: str) -> Path:
    return files_dir(store) / sha256[:2] / sha256


def _hash(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def attach(store, ref: str, file: str | os.PathLike, note: str = ""):
    """Attach a file to the record `ref` (a human id of any kind). The file is copied first, then
    the attachment record is written with its history row; a failed copy stores nothing."""
    from .records.parties import Attachment

    path = Path(file).expanduser()
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    try:
        record = store.find(ref)
    except NotFound as exc:
        raise InputError(str(exc)) from None
    if record.KIND == "attachments":
        raise InputError("An attachment cannot carry attachments of its own")
    try:
        sha, size = _hash(path)
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise InputError(f"{path.name} is {size / 2**20:.0f} MiB; attach files up to {MAX_BYTES // 2**20} MiB "
                         "(keep larger ones in your document store and note where)")
    same = store.conn.execute("SELECT id FROM attachments WHERE record = ? AND sha256 = ?", (record.uuid, sha)).fetchone()
    if same:
        raise InputError(f"This file is already attached to {record.id} as {same[0]}")
    target = stored_path(store, sha)
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(files_dir(store), 0o700)
            os.chmod(target.parent, 0o700)
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(f"Cannot store {path.name} beside the database: {exc.strerror or exc}") from None
    return store.add(Attachment(record=record.uuid, name=path.name[:255], sha256=sha, size=size, note=note.strip()))


def attachments_of(store, record_uuid: str) -> list:
    return store.select("attachments", "record = ?", [record_uuid], order_by="seq")


def open_with_viewer(store, attachment) -> Path:
    """Open a copy of the file (under its own name) with the system's viewer; returns the copy."""
    source = stored_path(store, attachment.sha256)
    if not source.exists():
        raise InputError(f"The file of {attachment.id} is missing from {files_dir(store)}")
    view_dir = files_dir(store) / "open"
    view_dir.mkdir(parents=True, exist_ok=True)
    copy = view_dir / f"{attachment.id}-{attachment.name}"
    shutil.copyfile(source, copy)
    if sys.platform.startswith("darwin"):
        command = ["open", str(copy)]
    elif os.name == "nt":
        os.startfile(str(copy))  # type: ignore[attr-defined]
        return copy
    else:
        command = ["xdg-open", str(copy)]
    try:
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        raise InputError(f"No viewer to open it with here; the file is at {copy}") from None
    return copy


@dataclass(frozen=True)
class FileProblem:
    ref: str
    what: str

    def line(self) -> str:
        return f"{self.ref}: {self.what}"


def check_files(store) -> list[FileProblem]:
    """Every attachment's file is present and still has the content it was attached with."""
    out = []
    for rid, name, sha in store.conn.execute("SELECT id, title, sha256 FROM attachments ORDER BY seq"):
        path = stored_path(store, sha)
        if not path.exists():
            out.append(FileProblem(rid, f"the file of {name} is missing"))
        elif _hash(path)[0] != sha:
            out.append(FileProblem(rid, f"the file of {name} was changed after it was attached"))
    return out
