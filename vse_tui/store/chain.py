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


def verify_tip(conn) -> list[Problem]:
    """The chain's tip row says how far the chain went: its last row and how many rows it holds.
    Rows cut off at the end (with the records they made) leave the tip ahead of the history."""
    last = conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    count = conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    tip = conn.execute("SELECT seq, hash, rows FROM chain_tip WHERE id = 1").fetchone()
    if tip is None:
        return [Problem("history", "the chain's tip row is missing (removed behind the app's back)")]
    seq, digest = (last[0], last[1]) if last else (0, None)
    if (tip[0], tip[1], tip[2]) != (seq, digest, count):
        return [Problem("history", f"the chain's tip says {tip[2]} rows up to number {tip[0]}, the history holds "
                                   f"{count} up to number {seq}: rows were cut off or added behind the app's back")]
    return []


def verify_time(conn) -> list[Problem]:
    """The rows written on one copy never go back in time (a clock set back, or rows forged)."""
    rows = conn.execute(
        "SELECT seq, record_id, at, prev FROM (SELECT origin_site, seq, record_id, at, "
        "LAG(at) OVER (PARTITION BY origin_site ORDER BY origin_seq) AS prev FROM history) "
        "WHERE prev IS NOT NULL AND at < prev ORDER BY seq LIMIT 20").fetchall()
    return [Problem(f"history {seq}", f"dated {at}, before the row written ahead of it ({prev})"
                    + (f" about {rid}" if rid else "")) for seq, rid, at, prev in rows]


def verify_settings(conn) -> list[Problem]:
    """Every setting holds the value its own history rows give it (the site id, the frozen clock of
    a demo, the shop's name): one changed, added or removed behind the app's back is found."""
    expected: dict[str, str | None] = {}
    for key, new in conn.execute("SELECT record, new_value FROM history WHERE kind = 'settings' ORDER BY seq"):
        expected[key] = new
    actual = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    problems = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            problems.append(Problem(f"setting {key}", "its value differs from what its history says "
                                                      "(changed behind the app's back)"))
    return problems


COMMON = ("version", "created_at", "created_by", "updated_at", "updated_by")


def _same_moment(a: Any, b: Any) -> bool:
    from ..core import clock

    if a == b:
        return True
    try:
        return clock.parse_datetime(str(a)) == clock.parse_datetime(str(b))
    except (TypeError, ValueError):
        return False


def verify_records(store) -> list[Problem]:
    """Each record's chain must point at its latest history row; replaying its history must give
    its current values, its version, when and by whom it was made and last changed; a record its
    history made must still be there."""
    from ..core.records import KINDS

    problems: list[Problem] = []
    conn = store.conn
    for kind in KINDS:
        latest = {r: h for r, h in conn.execute(
            "SELECT record, hash FROM history WHERE kind = ? AND seq IN "
            "(SELECT MAX(seq) FROM history WHERE kind = ? GROUP BY record)", (kind, kind))}
        replay: dict[str, dict[str, Any]] = {}
        last: dict[str, dict[str, Any]] = {}  # record -> version, the times and writers of its last version
        ids: dict[str, str] = {}
        for record, record_id, action, field, new, version, at, operator in conn.execute(
                "SELECT record, record_id, action, field, new_value, version, at, operator FROM history "
                "WHERE kind = ? ORDER BY seq", (kind,)):
            if action == "create":
                try:
                    snapshot = json.loads(new) if new else {}
                except ValueError:  # a creation row no longer holding the record it made
                    snapshot = {"": "unreadable"}
                if not isinstance(snapshot, dict):
                    snapshot = {"": "unreadable"}
                replay[record] = {k: history_value(v) for k, v in snapshot.items()}
                last[record] = {"version": snapshot.get("version", version), "at": {snapshot.get("updated_at")},
                                "by": {snapshot.get("updated_by")}}
                ids[record] = record_id or snapshot.get("id") or record
            elif action == "update" and record in replay and field:
                replay[record][field] = new
                if version is not None and version != last[record]["version"]:
                    last[record] = {"version": version, "at": set(), "by": set()}
                last[record]["at"].add(at)
                last[record]["by"].add(operator)
        present: set[str] = set()
        for rec in store.iter_all(kind):
            present.add(rec.uuid)
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
                if name in COMMON:
                    continue
                now_value = history_value(value)
                want = expected.get(name)
                if _empty(now_value) and _empty(want):
                    continue
                if now_value != want:
                    problems.append(Problem(rec.id, f"field {name} differs from what its history says "
                                            "(changed behind the app's back)"))
                    break
            else:
                wrong = _common_problem(current, expected, last.get(rec.uuid))
                if wrong:
                    problems.append(Problem(rec.id, f"its {wrong} differs from what its history says "
                                                    "(changed behind the app's back)"))
        for uuid in replay:
            if uuid not in present:
                problems.append(Problem(ids.get(uuid, uuid), "its history says it exists, but its row is gone "
                                                            "(deleted behind the app's back)"))
    return problems


def _common_problem(current: dict[str, Any], created: dict[str, Any], last: dict[str, Any] | None) -> str | None:
    """Which of version, created_at/by, updated_at/by the history does not give, if any."""
    if last is None:
        return None
    if str(current.get("version")) != str(last["version"]):
        return "version"
    if not _same_moment(current.get("created_at"), created.get("created_at")):
        return "creation time"
    if current.get("created_by") != created.get("created_by"):
        return "creator"
    if not any(_same_moment(current.get("updated_at"), at) for at in last["at"]):
        return "time of its last change"
    if current.get("updated_by") not in last["by"]:
        return "last writer"
    return None


def verify(store) -> list[Problem]:
    """Everything `vse-tui verify` checks, read from one snapshot of the database: other instances
    writing meanwhile are neither half seen nor taken for an intruder."""
    conn = store.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # a read transaction: every read below sees the same snapshot
    try:
        return (verify_history(conn) + verify_tip(conn) + verify_time(conn) + verify_settings(conn)
                + verify_records(store))
    finally:
        if own:
            conn.rollback()
