"""Files attached to records as evidence: a signed agreement, a test log, a screenshot.

The store keeps each file beside the database, named by the sha256 of its content, so that the
same file attached twice is stored once and a file changed behind the app's back is found
(`check_files`). Each attachment is a record (ATT-…) with who attached it and when in its history."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..kernel import clock
from ..kernel.errors import InputError, NotFound
from ..kernel.findings import Finding

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.parties import Attachment

MAX_BYTES = 200 * 2**20  # a larger file belongs in the shop's document store, linked from a note


def stored_path(store: StorePort, sha256: str) -> Path:
    return store.file_path(sha256)


def attach(store: StorePort, ref: str, file: str | os.PathLike[str], note: str = "", follow: bool = False) -> Attachment:
    """Attach a file to the record `ref` (a human id of any kind). The file is copied first, then
    the attachment record is written with its history row; a failed copy stores nothing. A
    symbolic link is refused unless `follow` (what it points at may not be what the user meant);
    the size limit is checked before a byte is read."""
    # here, not at the top: importing it loads pydantic
    from ..model.records.parties import Attachment

    path = Path(file).expanduser()
    if path.is_symlink() and not follow:
        raise InputError(_("{path} is a symbolic link (to {path2}); attach the file itself, or say --follow to attach what it points at").format(path=path, path2=os.readlink(path)))
    if not path.is_file():
        raise InputError(_("{path} is not a file").format(path=path))
    try:
        record = store.find(ref)
    except NotFound as exc:
        raise InputError(str(exc)) from None
    if record.KIND == "attachments":
        raise InputError(_("An attachment cannot carry attachments of its own"))
    try:
        sha, size = store.keep_file(path, MAX_BYTES)
    except OSError as exc:
        raise InputError(_("Cannot read {path}: {problem}").format(path=path, problem=exc.strerror or exc)) from None
    same = store.row("attachments", ["id"], {"record": record.uuid, "sha256": sha})
    if same:
        raise InputError(_("This file is already attached to {id} as {same}").format(id=record.id, same=same[0]))
    return store.add(Attachment(record=record.uuid, name=path.name[:255], sha256=sha, size=size, note=note.strip()))


def attachments_of(store: StorePort, record_uuid: str) -> list[Attachment]:
    return store.records("attachments", {"record": record_uuid})


def attachment_rows(store: StorePort, ref: str) -> list[dict[str, Any]]:
    """The files attached to the record `ref`, as rows for a list."""

    try:
        record = store.find(ref)
    except NotFound as exc:
        raise InputError(str(exc)) from None
    return [{"id": a.id, "name": a.name, "size": a.size, "sha256": a.sha256, "attached_at": clock.iso(a.created_at),
             "by": a.created_by, "note": a.note, "path": str(stored_path(store, a.sha256))}
            for a in attachments_of(store, record.uuid)]


def open_with_viewer(store: StorePort, attachment: Attachment) -> Path:
    """Open a copy of the file (under its own name) with the system's viewer; returns the copy."""
    source = stored_path(store, attachment.sha256)
    if not source.exists():
        raise InputError(_("The file of {id} is missing from {files_dir}").format(id=attachment.id, files_dir=store.files_dir))
    view_dir = store.files_dir / "open"
    view_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    copy = view_dir / f"{attachment.id}-{attachment.name}"
    shutil.copyfile(source, copy)
    os.chmod(copy, 0o600)
    if sys.platform.startswith("darwin"):
        command = ["open", str(copy)]
    elif sys.platform == "win32":
        os.startfile(str(copy))
        return copy
    else:
        command = ["xdg-open", str(copy)]
    try:
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        raise InputError(_("No viewer to open it with here; the file is at {copy}").format(copy=copy)) from None
    return copy


def check_files(store: StorePort) -> list[Finding]:
    """Every attachment's file is present and still has the content it was attached with."""
    return [Finding.broken(rid, _("the file of {name} is missing").format(name=name) if what == "missing"
                        else _("the file of {name} was changed after it was attached").format(name=name))
            for rid, name, what in store.missing_files()]
