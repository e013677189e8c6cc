"""The sync bundle as a file: written and read a line at a time, so that its size costs time, never
memory.

A bundle (version 2) is gzip-compressed UTF-8 text, one JSON object per line, each naming what it
holds:

    {"header": {...}}       who sends it, to whom, what it acknowledges, its chain tip, how many events
    {"event": {...}}        one history row, in the sender's order (as many as the header says)
    {"file": {...}}         a part of an attached file: its sha256, the part's number, the bytes in base64
    {"end": {...}}          the sha256 of every byte before this line, and the signature of it if signed

Nothing is applied from a bundle before it has been read through once and found whole (`open_bundle`):
each line of the kind expected where it stands, every event of the shape vse-tui writes and hashing
as its chain says, every file matching its hash, the checksum right. The merge then reads it again
(`Bundle.events`), checking each line as it goes and the checksum before its transaction commits, so
a file changed between the two readings is refused too. A version 1 bundle (one JSON document, from
an earlier vse-tui) is still read, whole, up to MAX_BUNDLE_BYTES (a version 2 line's cap).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from vse_tui.i18n import N_, _

from ..core.kernel.errors import InputError
from .chain import ALL_HASHED, row_hash
from .files import atomic_file

FORMAT = "vse-tui-bundle"
VERSION = 2  # what export writes; version 1 is still read
MAX_LINE_BYTES = 16 << 20  # a version 2 bundle is read a line at a time: no line may be longer
# A version 1 bundle is one JSON document read whole: held to a version 2 line's cap (its parsed form
# takes many times its size; a bigger one is refused, to be exported again by a current vse-tui)
MAX_BUNDLE_BYTES = MAX_LINE_BYTES
FILE_PART = 1 << 20  # an attached file travels in parts of this many bytes, one line each
EVENT_COLUMNS = ALL_HASHED + ("hash", "prev_hash", "origin_site", "origin_seq")
_EVENT_TYPES: dict[str, tuple[type, ...]] = {
    "seq": (int,), "at": (str,), "kind": (str,), "record": (str,), "record_id": (str, type(None)),
    "action": (str,), "field": (str, type(None)), "old_value": (str, type(None)), "new_value": (str, type(None)),
    "operator": (str, type(None)), "os_user": (str, type(None)), "host": (str, type(None)), "task": (str, type(None)),
    "version": (int, type(None)), "person": (str, type(None)), "via": (str, type(None)),
    "occurred_at": (str, type(None)), "hash": (str,), "prev_hash": (str, type(None)), "origin_site": (str, type(None)),
    "origin_seq": (int, type(None)),
}
_EVENT_TYPE_LIST = list(_EVENT_TYPES.items())
_HEAD_TYPES: dict[str, tuple[type, ...]] = {
    "from_site": (str,), "upto": (int,), "lineage": (list, type(None)), "to_site": (str, type(None)),
    "ack_site": (str, type(None)), "events": (int,)}


def signature_text(sha256: str, version: int = VERSION) -> str:
    """What a bundle's signature covers: its checksum, which covers every byte before its end."""
    return f"vse-tui bundle v{version}\nsha256: {sha256}\n"


def _line(kind: str, value: Any) -> bytes:
    return json.dumps({kind: value}, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


# ---------------------------------------------------------------- writing


class BundleWriter:
    """Writes a bundle's lines into an open binary file, compressing and hashing as it goes."""

    def __init__(self, fh: IO[bytes], head: dict[str, Any]) -> None:
        # level 6: a third of level 9's time for a file a few percent larger; no name, no time in
        # the gzip header (the same events give the same bytes)
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=6, mtime=0)
        self._digest = hashlib.sha256()
        self.events = 0
        self._put("header", {**head, "format": FORMAT, "version": VERSION})

    def _put(self, kind: str, value: Any) -> None:
        line = _line(kind, value)
        self._digest.update(line)
        self._gz.write(line)

    def event(self, event: dict[str, Any]) -> None:
        self._put("event", event)
        self.events += 1

    def file(self, sha256: str, path: Path) -> None:
        """An attached file, a part at a time (never held whole)."""
        with open(path, "rb") as fh:
            part = 0
            while chunk := fh.read(FILE_PART):
                self._put("file", {"sha256": sha256, "part": part, "data": base64.b64encode(chunk).decode("ascii")})
                part += 1

    def finish(self, sign: Callable[[str], tuple[str, str]] | None = None) -> str:
        """Write the end line (the checksum, signed by `sign(text) -> (person, signature)` if
        given) and close the compressed stream; returns the checksum."""
        digest = self._digest.hexdigest()
        end: dict[str, Any] = {"sha256": digest}
        if sign is not None:
            person, signature = sign(signature_text(digest))
            end["signature"] = {"person": person, "sig": signature}
        self._gz.write(_line("end", end))
        self._gz.close()
        return digest


# ---------------------------------------------------------------- reading


@dataclass
class Bundle:
    """A bundle read through once and found whole: its header, its counts, its checksum and
    signature. `events()` and `write_files()` read it again."""

    path: Path
    version: int
    head: dict[str, Any]
    sha256: str
    signature: Any = None
    count: int = 0  # events
    files: set[str] = field(default_factory=set)  # the sha256 of each attached file
    _body: dict[str, Any] | None = None  # a version 1 bundle, read whole
    last_seq: int = 0  # the sender's number of its last event

    def events(self) -> Iterator[dict[str, Any]]:
        """The events in order, each checked again for its shape as it is read; the checksum is
        checked once the last is read (before the caller's transaction commits): a file changed
        since it was opened is refused."""
        if self._body is not None:
            yield from self._body["events"]
            return
        for kind, value in _checked(self.path, self.sha256):
            if kind == "event":
                yield value

    def write_files(self, place: Callable[[str], Path | None]) -> int:
        """Write each attached file whose `place(sha256)` names a path (None: it is here already),
        a part at a time into a private temporary file that becomes the path once its content
        matched its hash. Returns how many were written."""

        if not self.files:
            return 0  # no need to read it again
        written = 0
        for sha, parts in groupby(self._file_parts(), key=lambda value: value["sha256"]):
            target = place(sha)
            if target is None:
                continue
            content = hashlib.sha256()
            with atomic_file(target, binary=True, what=_("attached file")) as fh:
                for value in parts:
                    chunk = base64.b64decode(value["data"])
                    content.update(chunk)
                    fh.write(chunk)
                if content.hexdigest() != sha:
                    raise InputError(_("{name}: an attached file changed since the bundle was checked; it was not written").format(name=self.path.name))
            written += 1
        return written

    def _file_parts(self) -> Iterator[dict[str, Any]]:
        if self._body is not None:
            for sha, data in self._body.get("files", {}).items():
                yield {"sha256": sha, "part": 0, "data": data}
            return
        for kind, value in _checked(self.path, self.sha256):
            if kind == "file":
                yield value


def open_bundle(path: str | Path) -> Bundle:
    """Read a bundle through and check all of it (see the module's help); nothing is kept in memory
    but its header and the names of its files."""
    source = Path(path).expanduser()
    try:
        with gzip.open(source, "rb") as fh:
            start = fh.read(10)
    except FileNotFoundError:
        raise InputError(_("{source} does not exist").format(source=source)) from None
    except (OSError, EOFError, zlib.error):
        raise _damaged(source) from None
    if start == b'{"header":':
        return _open_v2(source)
    return _open_v1(source)


def read_header(path: Path, limit: int) -> dict[str, Any] | None:
    """The header of a version 2 bundle (its first line, read alone), or None when the file is not
    one."""
    try:
        with gzip.open(path, "rb") as fh:
            first = fh.readline(limit)
        head = json.loads(first).get("header")
    except (OSError, EOFError, zlib.error, ValueError, AttributeError):
        return None
    return head if isinstance(head, dict) and head.get("format") == FORMAT else None


def _damaged(source: Path, why: str = N_("it cannot be read whole")) -> InputError:
    return InputError(_("{name} is damaged or not a vse-tui bundle ({why}); nothing was applied").format(
        name=source.name, why=_(why)))


def _bad(source: Path, what: str) -> InputError:
    return InputError(_("{name}: {what}; nothing was applied").format(name=source.name, what=what))


def _lines(source: Path) -> Iterator[bytes]:
    """The decompressed lines of a bundle, none longer than MAX_LINE_BYTES."""
    try:
        with gzip.open(source, "rb") as fh:
            while line := fh.readline(MAX_LINE_BYTES + 1):
                if len(line) > MAX_LINE_BYTES:
                    raise InputError(_("{name} holds a line longer than {limit} MiB: it is not a bundle vse-tui wrote; nothing was applied").format(name=source.name, limit=MAX_LINE_BYTES >> 20))
                yield line
    except FileNotFoundError:
        raise InputError(_("{source} does not exist").format(source=source)) from None
    except (OSError, EOFError, zlib.error):
        raise _damaged(source) from None


def check_event(source: Path, n: int, e: Any) -> None:
    """One event of the shape vse-tui writes (`n`: its place in the bundle, for the message)."""
    if type(e) is not dict:
        raise _bad(source, _("event {n} is not an event").format(n=n))
    for key, types_ in _EVENT_TYPE_LIST:
        if type(e.get(key)) not in types_:  # exactly these types (JSON's true is no number here)
            raise _bad(source, _("event {n} has no valid {key}").format(n=n, key=key))


def check_head(source: Path, head: dict[str, Any], top: dict[str, tuple[type, ...]]) -> None:
    for key, kinds in top.items():
        if key in head and not isinstance(head[key], kinds) or key == "from_site" and key not in head:
            raise _bad(source, _("its {key} is missing or of the wrong kind").format(key=key))


def _chained(source: Path, e: dict[str, Any], previous: dict[str, Any] | None) -> None:
    # rows hash their origin since schema 14; rows written before, and by an earlier vse-tui, do not
    if row_hash(e["prev_hash"], e, origin=True) != e["hash"] and row_hash(e["prev_hash"], e) != e["hash"]:
        raise _bad(source, _("event {seq} does not hash as its chain says").format(seq=e['seq']))
    if previous and e["seq"] == previous["seq"] + 1 and e["prev_hash"] != previous["hash"]:
        raise _bad(source, _("the chain breaks at event {seq}").format(seq=e['seq']))


def _checked(source: Path, expect: str | None = None) -> Iterator[tuple[str, Any]]:
    """A version 2 bundle's lines as (kind, value), each checked for its kind, place and shape,
    events for their hash and chain, file parts for their order; then the end: the checksum of
    every byte before it. Read again (`expect`: the checksum found when it was opened), the events'
    hashes are not computed twice: the same checksum at the end proves the same bytes."""
    digest = hashlib.sha256()
    stage, count, expected, previous, part, sha = "header", 0, 0, None, -1, ""
    lines = _lines(source)
    for raw in lines:
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):
            raise _damaged(source, _("a line is not JSON")) from None
        if not isinstance(line, dict) or len(line) != 1:
            raise _damaged(source, _("a line is not a bundle's line"))
        kind, value = next(iter(line.items()))
        if kind == "end":
            if stage == "header":
                raise _damaged(source, _("it has no header"))
            if not isinstance(value, dict) or not isinstance(value.get("sha256"), str):
                raise _damaged(source, _("its end is malformed"))
            if next(lines, None) is not None:
                raise _damaged(source, _("there is more after its end"))
            if count != expected:
                raise _damaged(source, _("it holds {count} events of the {expected} its header names").format(count=count, expected=expected))
            if digest.hexdigest() != value["sha256"] or (expect is not None and expect != value["sha256"]):
                raise InputError((_("{name} is damaged (its checksum does not match); nothing was applied")
                                  if expect is None else
                                  _("{name} is damaged (its checksum does not match, or it changed while it was read); "
                                    "nothing was applied")).format(name=source.name))
            yield kind, value
            return
        digest.update(raw)
        if stage == "header":
            if kind != "header" or not isinstance(value, dict) or value.get("format") != FORMAT:
                raise InputError(_("{name} is not a vse-tui bundle; nothing was applied").format(name=source.name))
            if value.get("version") != VERSION:
                raise InputError(_("{name} was written by another version of vse-tui (bundle {version}); nothing was applied").format(name=source.name, version=value.get('version')))
            check_head(source, value, _HEAD_TYPES)
            if "events" not in value or value["events"] < 0:
                raise _bad(source, _("its events is missing or of the wrong kind"))
            expected, stage = value["events"], "events"
        elif kind == "event" and stage == "events":
            count += 1
            check_event(source, count, value)
            if expect is None:  # read again: its bytes are the ones checked, or its checksum tells at the end
                _chained(source, value, previous)
                previous = value
        elif kind == "file" and stage in ("events", "files"):
            stage = "files"
            if (not isinstance(value, dict) or not isinstance(value.get("sha256"), str) or len(value["sha256"]) != 64
                    or not isinstance(value.get("data"), str) or not isinstance(value.get("part"), int)):
                raise _bad(source, _("an attached file is malformed"))
            expected_part = part + 1 if value["sha256"] == sha else 0
            if value["part"] != expected_part:
                raise _bad(source, _("an attached file's parts are out of order"))
            sha, part = value["sha256"], value["part"]
        else:
            raise _damaged(source, _("a {kind} line where none belongs").format(kind=kind))
        yield kind, value
    raise _damaged(source, _("it ends before its end") if stage != "header" else _("it is empty"))


def _open_v2(source: Path) -> Bundle:
    head: dict[str, Any] = {}
    files: set[str] = set()
    end: dict[str, Any] = {}
    content = hashlib.sha256()  # of the file being read
    sha = ""

    def file_done() -> None:
        if sha and content.hexdigest() != sha:
            raise _bad(source, _("an attached file does not match its hash"))

    last = 0
    for kind, value in _checked(source):
        if kind == "event":
            last = max(last, value["seq"])
        elif kind == "header":
            head = value
        elif kind == "file":
            if value["sha256"] != sha:
                file_done()
                if value["sha256"] in files:
                    raise _bad(source, _("an attached file comes twice"))
                sha, content = value["sha256"], hashlib.sha256()
                files.add(sha)
            try:
                chunk = base64.b64decode(value["data"], validate=True)
            except (binascii.Error, ValueError):
                raise _bad(source, _("an attached file is not valid base64")) from None
            content.update(chunk)
        elif kind == "end":
            end = value
    file_done()
    return Bundle(source, VERSION, head, end["sha256"], end.get("signature"), head["events"], files, last_seq=last)


def _open_v1(source: Path) -> Bundle:
    """A version 1 bundle: one JSON document {"body": ..., "sha256": ..., "signature": ...}, read whole."""
    try:
        doc = json.loads(decompress_v1(source).decode("utf-8"))
    except (OSError, EOFError, ValueError, UnicodeDecodeError, zlib.error, RecursionError):
        raise _damaged(source) from None
    body = doc.get("body") if isinstance(doc, dict) else None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise InputError(_("{name} is not a vse-tui bundle; nothing was applied").format(name=source.name))
    if body.get("version") != 1:
        raise InputError(_("{name} was written by another version of vse-tui (bundle {version}); nothing was applied").format(name=source.name, version=body.get('version')))
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if hashlib.sha256(payload).hexdigest() != doc.get("sha256"):
        raise InputError(_("{name} is damaged (its checksum does not match); nothing was applied").format(name=source.name))
    check_head(source, body, {**{k: v for k, v in _HEAD_TYPES.items() if k != "events"}, "events": (list,),
                              "files": (dict,)})
    if "events" not in body:
        raise _bad(source, _("its events is missing or of the wrong kind"))
    previous = None
    for n, e in enumerate(body["events"], start=1):
        check_event(source, n, e)
        _chained(source, e, previous)
        previous = e
    files = set()
    for sha, data in body.get("files", {}).items():
        if not isinstance(sha, str) or not isinstance(data, str) or len(sha) != 64:
            raise _bad(source, _("an attached file is malformed"))
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise _bad(source, _("an attached file is not valid base64")) from None
        if hashlib.sha256(content).hexdigest() != sha:
            raise _bad(source, _("an attached file does not match its hash"))
        files.add(sha)
    head = {k: v for k, v in body.items() if k not in ("events", "files")}
    return Bundle(source, 1, head, doc["sha256"], doc.get("signature"), len(body["events"]), files, body,
                  max((e["seq"] for e in body["events"]), default=0))


def decompress_v1(source: Path, limit: int | None = None) -> bytes:
    """A version 1 bundle's JSON, decompressed a piece at a time and refused past `limit` bytes."""
    limit = limit or MAX_BUNDLE_BYTES
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing
    out = bytearray()
    with open(source, "rb") as fh:
        while chunk := fh.read(1 << 20):
            out += inflate.decompress(chunk, limit + 1 - len(out))
            if len(out) > limit or inflate.unconsumed_tail:
                raise InputError(_("{name} decompresses to more than {limit} MiB, more than a bundle of the old format (version 1) may hold: have it exported again by a current vse-tui; nothing was applied").format(name=source.name, limit=limit >> 20))
        out += inflate.flush()
    if not inflate.eof:
        raise EOFError("truncated")
    return bytes(out)


__all__ = ["EVENT_COLUMNS", "FORMAT", "MAX_BUNDLE_BYTES", "MAX_LINE_BYTES", "VERSION", "Bundle", "BundleWriter",
           "decompress_v1", "open_bundle", "read_header", "signature_text"]
