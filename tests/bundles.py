"""Sync bundles opened and rewritten in tests as someone with gzip and a text editor would: the
header's fields, the events and the attached files (sha256 -> base64) in one `body` dict, the
checksum and signature beside it."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any


def load(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = {"events": [], "files": {}}
    end: dict[str, Any] = {}
    parts: dict[str, bytes] = {}
    for raw in gzip.decompress(path.read_bytes()).splitlines():
        (kind, value), = json.loads(raw).items()
        if kind == "header":
            body.update({k: v for k, v in value.items() if k != "events"})
        elif kind == "event":
            body["events"].append(value)
        elif kind == "file":
            parts[value["sha256"]] = parts.get(value["sha256"], b"") + base64.b64decode(value["data"])
        else:
            end = value
    body["files"] = {sha: base64.b64encode(data).decode("ascii") for sha, data in parts.items()}
    return {"body": body, "sha256": end.get("sha256"), "signature": end.get("signature")}


def lines(body: dict[str, Any]) -> list[bytes]:
    """The bundle's lines before its end; `_declared` in the body overrides the count of events."""
    def line(kind: str, value: Any) -> bytes:
        return json.dumps({kind: value}, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"

    head = {k: v for k, v in body.items() if k not in ("events", "files", "_declared")}
    head["events"] = body.get("_declared", len(body["events"]))
    out = [line("header", head)]
    out += [line("event", e) for e in body["events"]]
    out += [line("file", {"sha256": sha, "part": 0, "data": data}) for sha, data in body["files"].items()]
    return out


def save(doc: dict[str, Any], path: Path, checksum: bool = True) -> None:
    """Write `doc` back; `checksum`: recompute it (a careful forger), else keep the one it had."""
    before = lines(doc["body"])
    end: dict[str, Any] = {"sha256": hashlib.sha256(b"".join(before)).hexdigest() if checksum else doc["sha256"]}
    if doc.get("signature"):
        end["signature"] = doc["signature"]
    path.write_bytes(gzip.compress(b"".join(before) + json.dumps({"end": end}).encode() + b"\n"))


def save_v1(doc: dict[str, Any], path: Path) -> None:
    """The same events as an earlier vse-tui wrote them: one JSON document, version 1."""
    body = {**{k: v for k, v in doc["body"].items() if k != "_declared"}, "version": 1}
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    whole = {"body": body, "sha256": hashlib.sha256(payload).hexdigest()}
    path.write_bytes(gzip.compress(json.dumps(whole).encode()))


def rehash(body: dict[str, Any]) -> None:
    """Every event's hash recomputed along the chain (what a forger without a signing key can do)."""
    from vse_tui.store.chain import row_hash

    prev = body["events"][0]["prev_hash"]
    for e in body["events"]:
        e["prev_hash"] = prev
        e["hash"] = row_hash(prev, e)
        prev = e["hash"]
