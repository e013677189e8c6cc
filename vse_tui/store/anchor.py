"""Anchors outside the file: the chain's tip (a history row's number and hash) kept somewhere else
proves that nothing up to it changed since. A hash chain without a key can be rewritten whole by
someone who recomputes every hash; a copy of its tip taken earlier cannot.

Every backup (the copy's own last row), sync bundle (`chain_tip`), export (`chain_tip`), audit
pack (its index) and `vse-tui verify --tip-out FILE` (a small text file, signed with the person's
SSH key when they have one) carries a tip; `vse-tui verify --anchor FILE` reads any of them."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vse_tui.i18n import _

from ..core.kernel.errors import InputError
from .bundle import MAX_LINE_BYTES, decompress_v1, read_header
from .connection import SQLITE_MAGIC, header

# A tip is read from its own fields, never searched for in text that may hold user text (a shop's
# name "... sequence 1, hash ..." would be found first): a tip file's third and fourth lines, a
# printed tip alone in its file, an audit pack's anchor file (JSON).
TIP_FILE_HEAD = "vse-tui chain tip v1"
PRINTED_TIP = re.compile(r"(?:tip:\s*)?(\d+)\s+([0-9a-f]{64})")
PACK_ANCHOR = "anchor.json"  # an audit pack's tip, as JSON beside its index
# the line an audit pack of an earlier vse-tui wrote in its index.md (user text never starts a line there)
OLD_PACK_LINE = re.compile(r"^History chain tip: sequence (\d+), hash ([0-9a-f]{64}) \(", re.M)
MAX_ANCHOR_BYTES = 64 * 1024 * 1024
HEAD_BYTES = 64 * 1024  # an export's head (its tip comes before any record)
# at the start of a line, so inside the head only: user text is escaped in JSON, never a line of its own
EXPORT_TIP_LINE = re.compile(r'^"chain_tip":\s*', re.M)


@dataclass(frozen=True)
class Tip:
    seq: int
    hash: str
    source: str  # what it was read from, for the message

    def text(self) -> str:
        return f"{self.seq} {self.hash}"


def tip_text(site: str, seq: int, digest: str, at: str, person: str | None, name: str) -> str:
    """The canonical text of a tip, as `--tip-out` writes (and signs) it."""
    return (f"{TIP_FILE_HEAD}\ndatabase: {site}\nseq: {seq}\nhash: {digest}\nat: {at}\n"
            f"person: {person or '-'} {name}\n")


def read_anchor(path: str | Path) -> Tip:
    """The tip held by a backup, bundle, export, audit pack (its folder or index) or tip file.
    Whatever its size: a backup's tip is its last row, a bundle's is in its first line, an export's
    in its first lines."""
    file = Path(path).expanduser()
    if file.is_dir() or file.name in ("index.md", "index.html", PACK_ANCHOR):  # an audit pack
        folder = file if file.is_dir() else file.parent
        if (folder / PACK_ANCHOR).is_file():
            file = folder / PACK_ANCHOR
        elif file.is_dir():
            file = folder / "index.md"
    try:
        head = header(file)
        size = file.stat().st_size
        if head == SQLITE_MAGIC:
            return _from_database(file)
        if head[:2] == b"\x1f\x8b":
            return _from_bundle(file)
        with open(file, "rb") as fh:
            start = fh.read(HEAD_BYTES).decode("utf-8", errors="replace")
        if start.lstrip().startswith("{"):
            exported = _export_head(start)
            if exported is not None:
                return Tip(int(exported["seq"]), str(exported["hash"]), _("the export {name}").format(name=file.name))
        if size > MAX_ANCHOR_BYTES and file.suffix not in (".db", ".bak", ""):
            raise InputError(_("{file} is too big to be an anchor").format(file=file))
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(_("Cannot read the anchor {file}: {problem}").format(file=file, problem=exc.strerror or exc)) from None
    text = raw.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            tip = json.loads(text)["chain_tip"]
            return Tip(int(tip["seq"]), str(tip["hash"]), _("the export {name}").format(name=file.name))
        except (ValueError, KeyError, TypeError):
            raise InputError(_("{file} is JSON holding no chain tip").format(file=file)) from None
    lines = text.splitlines()
    if lines and lines[0] == TIP_FILE_HEAD:  # written by --tip-out: the number and hash on their own lines
        seq = lines[2][len("seq: "):] if len(lines) > 3 and lines[2].startswith("seq: ") else ""
        digest = lines[3][len("hash: "):] if len(lines) > 3 and lines[3].startswith("hash: ") else ""
        if not seq.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise InputError(_("{file} is a tip file whose number or hash is malformed").format(file=file))
        return Tip(int(seq), digest, f"{file.name}")
    found = PRINTED_TIP.fullmatch(text.strip())
    if not found and file.name == "index.md":
        found = OLD_PACK_LINE.search(text)
    if not found:
        raise InputError(_("{file} holds no chain tip (a tip file, a printed tip alone in its file, an audit pack, a backup, a bundle or an export)").format(file=file))
    return Tip(int(found.group(1)), found.group(2), f"{file.name}")


def _from_bundle(file: Path) -> Tip:
    """A sync bundle's tip: in its header, its first line (a bundle of version 1: one document,
    read whole up to a bundle's limit)."""

    try:
        sent = read_header(file, MAX_LINE_BYTES)
        if sent is None:
            sent = json.loads(decompress_v1(file))["body"]
        tip = sent["chain_tip"]
        return Tip(int(tip["seq"]), str(tip["hash"]), _("the bundle {name}").format(name=file.name))
    except (OSError, EOFError, ValueError, KeyError, TypeError, zlib.error, RecursionError, MemoryError):
        raise InputError(_("{file} is a compressed file holding no chain tip (a bundle from an older vse-tui carries none)").format(file=file)) from None


def _export_head(start: str) -> dict[str, Any] | None:
    """The tip an export writes on a line of its own at its start (`"chain_tip": {...},`), before
    any record; None when the text does not begin that way (a whole JSON document is read then)."""
    found = EXPORT_TIP_LINE.search(start)
    if not found:
        return None
    try:
        tip, _end = json.JSONDecoder().raw_decode(start, found.end())
        if isinstance(tip, dict) and isinstance(tip.get("seq"), int) and isinstance(tip.get("hash"), str):
            return tip
    except ValueError:
        pass
    return None


def _from_database(file: Path) -> Tip:
    try:
        conn = sqlite3.connect(f"file:{_quote(file)}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise InputError(_("Cannot read the backup {file} ({exc})").format(file=file, exc=exc)) from None
    if not row:
        raise InputError(_("The backup {file} has no history yet").format(file=file))
    return Tip(int(row[0]), str(row[1]), _("the backup {name}").format(name=file.name))


def _quote(path: Path) -> str:
    return quote(str(path.resolve()))


def check_anchor(conn: sqlite3.Connection, tip: Tip) -> str | None:
    """None when the history still holds the anchor's row with the anchor's hash; else why not."""
    row = conn.execute("SELECT hash FROM history WHERE seq = ?", (tip.seq,)).fetchone()
    if row is None:
        last = conn.execute("SELECT MAX(seq) FROM history").fetchone()[0] or 0
        return (_("the history ends at number {last}, before the anchor's {seq} ({source}): rows were cut off or the database was replaced by an older copy").format(last=last, seq=tip.seq, source=tip.source))
    if row[0] != tip.hash:
        return (_("row {seq} does not have the anchor's hash ({source}): the history up to it was rewritten").format(seq=tip.seq, source=tip.source))
    return None


def pack_anchor(site: str, seq: int, digest: str, at: str) -> str:
    """An audit pack's anchor file: its tip as JSON (read by `read_anchor`)."""
    return json.dumps({"chain_tip": {"seq": seq, "hash": digest, "at": at}, "database": site,
                       "format": "vse-tui audit pack anchor"}, indent=1, sort_keys=True) + "\n"


__all__ = ["PACK_ANCHOR", "Tip", "check_anchor", "pack_anchor", "read_anchor", "tip_text"]
