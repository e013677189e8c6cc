"""Tamper evidence: the history table is a hash chain, and every record carries the hash of its
latest history row. `verify` recomputes both and replays each record's history against its
current values, so that a row edited, deleted or inserted behind the app's back is found."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HASHED = ("seq", "at", "kind", "record", "record_id", "action", "field", "old_value", "new_value",
          "operator", "os_user", "host", "task", "version")
# Columns added later: hashed when set, so rows written before them keep their hash.
HASHED_IF_SET = ("person", "via", "occurred_at")
ALL_HASHED = HASHED + HASHED_IF_SET


def history_value(value: Any) -> str | None:
    """A field's value as the history holds it: text as it is, anything else as sorted JSON. The one
    serialiser of the write path, the merge and the verification."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def row_hash(prev_hash: str | None, values: dict[str, Any]) -> str:
    """sha256 over the previous row's hash and this row's content, in a fixed canonical form."""
    items: list[Any] = [prev_hash or ""] + [values.get(k) for k in HASHED]
    extra = {k: values[k] for k in HASHED_IF_SET if values.get(k) is not None}
    if extra:
        items.append(extra)
    payload = json.dumps(items, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    where: str  # "history 123" or "INC-0042"
    what: str

    def line(self) -> str:
        return f"{self.where}: {self.what}"


def _history_rows(conn, batch: int = 5000) -> Iterator[dict[str, Any]]:
    last = 0
    cols = ", ".join(ALL_HASHED + ("hash", "prev_hash"))
    while True:
        rows = conn.execute(f"SELECT {cols} FROM history WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)).fetchall()
        if not rows:
            return
        for r in rows:
            yield dict(zip(ALL_HASHED + ("hash", "prev_hash"), r))
        last = rows[-1][0]


def verify_history(conn) -> list[Problem]:
    """Walk the chain from the first row; report every row whose link or content does not check out."""
    problems: list[Problem] = []
    prev = None
    for row in _history_rows(conn):
        if (row["prev_hash"] or None) != prev:
            problems.append(Problem(f"history {row['seq']}", "the link to the previous row is broken "
                                    "(a row before it was deleted, inserted or changed)"))
        if row["hash"] != row_hash(row["prev_hash"], row):
            problems.append(Problem(f"history {row['seq']}", "its content was changed after it was written"))
        prev = row["hash"]
    return problems


def _empty(value: Any) -> bool:
    return value in (None, "", "[]", "{}", [], {})


def verify_records(store) -> list[Problem]:
    """Each record's chain must point at its latest history row, and replaying its history must
    give its current values."""
    from ..core.records import KINDS

    problems: list[Problem] = []
    conn = store.conn
    for kind in KINDS:
        latest = {r: h for r, h in conn.execute(
            "SELECT record, hash FROM history WHERE kind = ? AND seq IN "
            "(SELECT MAX(seq) FROM history WHERE kind = ? GROUP BY record)", (kind, kind))}
        replay: dict[str, dict[str, Any]] = {}
        for record, action, field, new in conn.execute(
                "SELECT record, action, field, new_value FROM history WHERE kind = ? ORDER BY seq", (kind,)):
            if action == "create":
                try:
                    snapshot = json.loads(new) if new else {}
                except ValueError:  # a creation row no longer holding the record it made
                    snapshot = {"": "unreadable"}
                if not isinstance(snapshot, dict):
                    snapshot = {"": "unreadable"}
                replay[record] = {k: history_value(v) for k, v in snapshot.items()}
            elif action == "update" and record in replay and field:
                replay[record][field] = new
        for rec in store.iter_all(kind):
            if rec.uuid not in latest:
                problems.append(Problem(rec.id, "it has no history: it was inserted behind the app's back"))
                continue
            chain = conn.execute(f"SELECT chain FROM {kind} WHERE uuid = ?", (rec.uuid,)).fetchone()[0]
            if chain != latest[rec.uuid]:
                problems.append(Problem(rec.id, "it does not point at its latest history row "
                                        "(history rows about it were removed or added)"))
            expected = replay.get(rec.uuid, {})
            current = rec.model_dump(mode="json")
            for name, value in current.items():
                if name in ("version", "updated_at", "updated_by", "created_at", "created_by"):
                    continue
                now_value = history_value(value)
                want = expected.get(name)
                if _empty(now_value) and _empty(want):
                    continue
                if now_value != want:
                    problems.append(Problem(rec.id, f"field {name} differs from what its history says "
                                            "(changed behind the app's back)"))
                    break
    return problems


def verify(store) -> list[Problem]:
    return verify_history(store.conn) + verify_records(store)
