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

from ..core.kernel.errors import InputError
from .connection import SQLITE_MAGIC, header

TIP_TEXT = re.compile(r"(?:sequence|seq:?)\s*(\d+)\s*,?\s*(?:hash:?)?\s*([0-9a-f]{64})", re.IGNORECASE)
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
    return (f"vse-tui chain tip v1\ndatabase: {site}\nseq: {seq}\nhash: {digest}\nat: {at}\n"
            f"person: {person or '-'} {name}\n")


def read_anchor(path: str | Path) -> Tip:
    """The tip held by a backup, bundle, export, audit pack (its folder or index) or tip file.
    Whatever its size: a backup's tip is its last row, a bundle's is in its first line, an export's
    in its first lines."""
    file = Path(path).expanduser()
    if file.is_dir():  # an audit pack's folder
        file = file / "index.md"
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
                return Tip(int(exported["seq"]), str(exported["hash"]), f"the export {file.name}")
        if size > MAX_ANCHOR_BYTES and file.suffix not in (".db", ".bak", ""):
            raise InputError(f"{file} is too big to be an anchor")
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot read the anchor {file}: {exc.strerror or exc}") from None
    text = raw.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            tip = json.loads(text)["chain_tip"]
            return Tip(int(tip["seq"]), str(tip["hash"]), f"the export {file.name}")
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{file} is JSON holding no chain tip") from None
    found = TIP_TEXT.search(text.replace("\\", "")) or re.search(r"^\s*(\d+)\s+([0-9a-f]{64})\s*$", text, re.M)
    if not found:
        raise InputError(f"{file} holds no chain tip (a sequence number and a 64-digit hash)")
    return Tip(int(found.group(1)), found.group(2), f"{file.name}")


def _from_bundle(file: Path) -> Tip:
    """A sync bundle's tip: in its header, its first line (a bundle of version 1: one document,
    read whole up to a bundle's limit)."""
    from .bundle import decompress_v1, read_header

    try:
        sent = read_header(file, MAX_ANCHOR_BYTES)
        if sent is None:
            sent = json.loads(decompress_v1(file))["body"]
        tip = sent["chain_tip"]
        return Tip(int(tip["seq"]), str(tip["hash"]), f"the bundle {file.name}")
    except (OSError, EOFError, ValueError, KeyError, TypeError, zlib.error):
        raise InputError(f"{file} is a compressed file holding no chain tip (a bundle from an older "
                         "vse-tui carries none)") from None


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
        raise InputError(f"Cannot read the backup {file} ({exc})") from None
    if not row:
        raise InputError(f"The backup {file} has no history yet")
    return Tip(int(row[0]), str(row[1]), f"the backup {file.name}")


def _quote(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


def check_anchor(conn: sqlite3.Connection, tip: Tip) -> str | None:
    """None when the history still holds the anchor's row with the anchor's hash; else why not."""
    row = conn.execute("SELECT hash FROM history WHERE seq = ?", (tip.seq,)).fetchone()
    if row is None:
        last = conn.execute("SELECT MAX(seq) FROM history").fetchone()[0] or 0
        return (f"the history ends at number {last}, before the anchor's {tip.seq} ({tip.source}): rows were cut off "
                "or the database was replaced by an older copy")
    if row[0] != tip.hash:
        return (f"row {tip.seq} does not have the anchor's hash ({tip.source}): the history up to it was rewritten")
    return None


__all__ = ["Tip", "check_anchor", "read_anchor", "tip_text"]
