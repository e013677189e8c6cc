"""Named reads that need more than a filter: the incident lists and their counts, search, the
evidence map's indexes, time spent in a period, attached files. Each is one or a few indexed
queries; the SQL stays here."""

from __future__ import annotations

import hashlib
import json
import os
import os as _os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..core.kernel import clock
from ..core.kernel.errors import InputError
from ..core.model.ids import new_uuid
from ..core.model.incident_rows import OPEN_STATES, IncidentQuery, IncidentRow
from ..core.model.records import KINDS, model_for
from .anchor import check_anchor
from .columns import SEARCH_KINDS, TIME_SPENT_SET
from .connection import held
from .files import atomic_file, private_folder, translated, write_bytes, write_text
from .filters import text_match
from .writes import FUTURE_REASON

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..core.model.incident_rows import OPEN_STATES, IncidentQuery, IncidentRow
    from ..core.model.records import Record
    from .anchor import Tip

SORTS = {
    "newest": "seq DESC",
    "oldest": "seq ASC",
    "priority": "priority ASC, opened_at ASC, seq ASC",
    "opened": "opened_at DESC, seq DESC",
    "urgent": "priority ASC, opened_at ASC",
}

_ROW_SELECT = ("SELECT uuid, id, title, priority, status, state, customer, service, opened_at, restored_at, closed_at, "
               "json_extract(data, '$.waiting_minutes'), json_extract(data, '$.waiting_since'), security, version, "
               "json_extract(data, '$.responded_at'), external_ref, assignee, problem, "
               "json_extract(data, '$.reopened') FROM incidents")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _moment(text: str | None) -> datetime | None:
    return clock.parse_datetime(text) if text else None


class NamedReads:
    conn: sqlite3.Connection
    path: Path

    if TYPE_CHECKING:  # from the read half (store.reads.Reads) this class is mixed with
        def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...
        def find(self, ref: str) -> Record: ...

    # ------------------------------------------------------------ incidents
    def _incident_where(self, q: IncidentQuery) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if q.open_only:
            where.append("status != 'closed'")
        if q.status:
            where.append("state = ?" if q.status in OPEN_STATES or q.status == "closed" else "status = ?")
            params.append(q.status)
        for col, value in (("priority", q.priority), ("customer", q.customer), ("service", q.service)):
            if value:
                where.append(f"{col} = ?")
                params.append(value)
        if q.problems is not None:
            where.append("problem = ?")
            params.append(1 if q.problems else 0)
        if q.assignee is not None:
            if q.assignee == "":
                where.append("assignee IS NULL")
            else:
                where.append("assignee = ?")
                params.append(q.assignee)
        for col, (lo, hi) in (("opened_at", q.opened), ("restored_at", q.restored), ("closed_at", q.closed)):
            if lo is not None:
                where.append(f"{col} >= ?")
                params.append(clock.iso(lo))
            if hi is not None:
                where.append(f"{col} < ?")
                params.append(clock.iso(hi))
        if q.ci:
            where.append("EXISTS (SELECT 1 FROM json_each(json_extract(data, '$.cis')) WHERE value = ?)")
            params.append(q.ci)
        if q.search:
            sql, more = text_match("incidents", q.search)
            where.append(sql)
            params += more
        return " AND ".join(where) or "1", params

    def incident_rows(self, q: IncidentQuery | None = None, sort: str = "newest", limit: int | None = None,
                      offset: int = 0) -> list[IncidentRow]:
        """Incidents as plain rows: one query, no validation (lists, the dashboard)."""
        return list(self.each_incident_row(q, sort, limit, offset))

    def each_incident_row(self, q: IncidentQuery | None = None, sort: str = "newest", limit: int | None = None,
                          offset: int = 0) -> Iterator[IncidentRow]:
        """The same rows one at a time, as SQLite reads them (`incident list`, reports: memory does not
        grow with the number of incidents)."""

        where, params = self._incident_where(q or IncidentQuery())
        sql = f"{_ROW_SELECT} WHERE {where} ORDER BY {SORTS[sort]}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        for r in self.conn.execute(sql, params):
            yield IncidentRow(r[0], r[1], r[2] or "", r[3], r[4], r[5], r[6], r[7], _moment(r[8]), _moment(r[9]),
                              _moment(r[10]), int(r[11] or 0), _moment(r[12]), bool(r[13]), r[14], _moment(r[15]),
                              r[16], r[17], bool(r[18]), int(r[19] or 0))

    def any_external_ref(self) -> bool:
        """Whether any incident came from another tool with its key there (its index answers)."""
        return self.conn.execute("SELECT 1 FROM incidents WHERE external_ref IS NOT NULL LIMIT 1").fetchone() is not None

    def count_incidents(self, q: IncidentQuery | None = None) -> int:
        where, params = self._incident_where(q or IncidentQuery())
        count: int = self.conn.execute(f"SELECT COUNT(*) FROM incidents WHERE {where}", params).fetchone()[0]
        return count

    def incident_counts_between(self, column: str, bounds: list[datetime], q: IncidentQuery | None = None) -> list[int]:
        """How many incidents (matching `q`) have `column` in each interval between consecutive
        `bounds`: one index range count per interval, no date arithmetic per row."""
        if column not in ("opened_at", "closed_at", "restored_at"):
            raise ValueError(column)
        where, params = self._incident_where(q) if q is not None else ("1", [])
        edges = [clock.iso(b) for b in bounds]
        sql = f"SELECT COUNT(*) FROM incidents WHERE {column} >= ? AND {column} < ? AND {where}"
        return [self.conn.execute(sql, (a, b, *params)).fetchone()[0] for a, b in zip(edges, edges[1:])]

    def known_external_refs(self, refs: Iterable[str]) -> set[str]:
        """Of the ticket keys `refs` (of the tools incidents were imported from), those already here."""
        wanted = sorted(refs)  # in index order (a key given twice is asked twice: no copy of them all)
        out: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            out.update(r for (r,) in self.conn.execute(
                f"SELECT external_ref FROM incidents WHERE external_ref IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def known_fingerprints(self) -> set[str]:
        """The content fingerprints of incidents imported from exports without ticket keys."""
        return {r for (r,) in self.conn.execute("SELECT fingerprint FROM incidents WHERE fingerprint IS NOT NULL")}

    def time_spent_between(self, lo: datetime, hi: datetime, customer: str | None = None) -> list[tuple[str | None, int, bool]]:
        """(customer, minutes, billable) of each time entry dated in [lo, hi), on incidents of any date."""
        sql = ("SELECT i.customer, json_extract(e.value, '$.minutes'), json_extract(e.value, '$.billable') "
               f"FROM incidents i INDEXED BY incidents_time_spent, json_each(i.data, '$.time_spent') e "
               f"WHERE {TIME_SPENT_SET} AND json_extract(e.value, '$.at') >= ? AND json_extract(e.value, '$.at') < ?")
        params: list[Any] = [clock.iso(lo), clock.iso(hi)]
        if customer:
            sql += " AND i.customer = ?"
            params.append(customer)
        return [(c, int(m or 0), b in (None, 1, True)) for c, m, b in self.conn.execute(sql, params)]

    def count_history(self, *, kind: str | None = None, field: str | None = None, new_value: str | None = None,
                      task: str | None = None, between: tuple[datetime, datetime] | None = None) -> int:
        """How many history rows say this (e.g. change requests moved to rejected in a period)."""
        where: list[str] = []
        params: list[Any] = []
        for col, value in (("kind", kind), ("field", field), ("new_value", new_value), ("task", task)):
            if value is not None:
                where.append(f"{col} = ?")
                params.append(value)
        if between:
            where.append("at >= ? AND at < ?")
            params += [clock.iso(between[0]), clock.iso(between[1])]
        sql = "SELECT COUNT(*) FROM history WHERE " + (" AND ".join(where) or "1")
        count: int = self.conn.execute(sql, params).fetchone()[0]
        return count

    # ------------------------------------------------------------ search
    def _search_uuids(self, text: str, kind: str | None = None, limit: int = 5000) -> set[str] | None:
        """uuids of records whose id, title or keys hold every word of `text` (FTS5 trigram index);
        None when a word is too short for the index (the caller falls back to a plain scan)."""
        words = [w for w in text.split() if w]
        if not words or any(len(w) < 3 for w in words):
            return None
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        sql = "SELECT uuid FROM record_search WHERE record_search MATCH ?"
        params: list[Any] = [match]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        sql += f" LIMIT {int(limit)}"
        return {u for (u,) in self.conn.execute(sql, params)}

    OTHERS_READ = 500  # records of other kinds than incidents a search reads before ordering them

    def search(self, text: str, limit: int = 30) -> list[tuple[str, str, str, str]]:
        """(kind, uuid, human id, title) of records that `text` names: an exact id (or old number, or
        the ticket key in the tool it came from) first, then records whose id, title or keys hold
        every word. Answers from the FTS5 index; short words use the id's index."""
        text = (text or "").strip()
        if not text:
            return []
        out: list[tuple[str, str, str, str]] = []
        seen: set[str] = set()

        def add(kind: str, uuid: str, rid: str, title: str) -> None:
            if uuid not in seen:
                seen.add(uuid)
                out.append((kind, uuid, rid, title or ""))

        try:
            exact = self.find(text)
        except Exception:
            exact = None
        if exact is not None:
            add(exact.KIND, exact.uuid, exact.id or "", exact.title_text)
        words = text.split()
        if words and all(len(w) >= 3 for w in words):
            match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
            incidents = (SEARCH_KINDS.index("incidents") + 1) << 40
            # every kind but incidents, best match first (they are few); then incidents, newest
            # first, read from the index in its own order so that a common word stops at the limit
            # (FTS5's rank would weigh each word against the whole index, incidents included: at a
            # million incidents that read costs 25 ms; these records are few, so they are ordered here)
            others = self.conn.execute(
                "SELECT kind, uuid, id, title FROM record_search WHERE record_search MATCH ? AND rowid < ? LIMIT ?",
                (match, incidents, self.OTHERS_READ)).fetchall()
            lowered, upper = text.lower(), text.upper()
            others.sort(key=lambda r: (not (r[2] or "").startswith(upper), not (r[3] or "").lower().startswith(lowered),
                                       lowered not in (r[3] or "").lower(), len(r[3] or ""), r[2] or ""))
            for kind, uuid, rid, title in others[:limit]:
                add(kind, uuid, rid, title)
            for kind, uuid, rid, title in self.conn.execute(
                    "SELECT kind, uuid, id, title FROM record_search WHERE record_search MATCH ? AND rowid >= ? "
                    "ORDER BY rowid DESC LIMIT ?", (match, incidents, limit)):
                add(kind, uuid, rid, title)
        else:  # a short word: ids that start with it, through each table's index on its id
            prefix = text.upper()
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            for kind in KINDS:
                for uuid, rid, title in self.conn.execute(
                        f"SELECT uuid, id, title FROM {kind} WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                        (prefix, upper, limit)):
                    add(kind, uuid, rid, title)
                if len(out) >= limit:
                    break
        return out[:limit]

    # ------------------------------------------------------------ evidence
    def statuses_present(self) -> dict[str, dict[str, str]]:
        """work product -> {status: latest record id in it}, one grouped query per work product table."""
        out: dict[str, dict[str, str]] = {}
        for kind in KINDS:
            wp = model_for(kind).WP
            if not wp:
                continue
            if kind in self.STATE_INDEXED:
                out[wp] = self._latest_by_status(kind)
                continue
            rows = self.conn.execute(f"SELECT status, MAX(seq), id FROM {kind} GROUP BY status").fetchall()
            out[wp] = {status: rid for status, _, rid in rows if status}
        return out

    STATE_INDEXED = ("incidents", "change_requests")  # tables with an index on (status, state, seq)

    def _latest_by_status(self, kind: str) -> dict[str, str]:
        """{status: latest record id} of a big table, read from its (status, state, seq) index by
        hopping from one value to the next (a few lookups, not a pass over a million rows)."""
        def hop(column: str, where: str = "", args: tuple[Any, ...] = ()) -> list[str]:
            cond = f"{where} AND " if where else ""
            return [v for (v,) in self.conn.execute(
                f"WITH RECURSIVE s(v) AS (SELECT MIN({column}) FROM {kind} {'WHERE ' + where if where else ''} "
                f"UNION ALL SELECT (SELECT MIN({column}) FROM {kind} WHERE {cond}{column} > s.v) FROM s "
                "WHERE s.v IS NOT NULL) SELECT v FROM s WHERE v IS NOT NULL", (*args, *args))]

        out: dict[str, str] = {}
        for status in hop("status"):
            seqs = [self.conn.execute(f"SELECT MAX(seq) FROM {kind} WHERE status = ? AND state = ?",
                                      (status, state)).fetchone()[0] for state in hop("state", "status = ?", (status,))]
            seqs.append(self.conn.execute(f"SELECT MAX(seq) FROM {kind} WHERE status = ? AND state IS NULL",
                                          (status,)).fetchone()[0])
            latest = max((s for s in seqs if s is not None), default=None)
            if latest is not None:
                row = self.conn.execute(f"SELECT id FROM {kind} WHERE seq = ?", (latest,)).fetchone()
                if row:
                    out[status] = row[0]
        return out

    def tasks_with_history(self, codes: Iterable[str]) -> set[str]:
        """Tasks with at least one history row: one index probe per task, whatever the history's size."""
        return {code for code in codes
                if self.conn.execute("SELECT 1 FROM history WHERE task = ? LIMIT 1", (code,)).fetchone()}

    def first_status_time(self, kind: str, statuses: Iterable[str]) -> str | None:
        """When a record of `kind` first stood in one of `statuses` (by its history), or None."""
        wanted = list(statuses)
        if not wanted:
            return None
        marks = ",".join("?" * len(wanted))
        # two questions, each through its own partial index (history_status_moves, history_created_status)
        moved = self.conn.execute(f"SELECT MIN(at) FROM history WHERE field = 'status' AND kind = ? "
                                  f"AND new_value IN ({marks})", (kind, *wanted)).fetchone()[0]
        made = self.conn.execute(f"SELECT MIN(at) FROM history WHERE action = 'create' AND kind = ? "
                                 f"AND json_extract(new_value, '$.status') IN ({marks})", (kind, *wanted)).fetchone()[0]
        found = [t for t in (moved, made) if t]
        return min(found) if found else None

    def history_going_back(self) -> list[tuple[str, int, str | None, str, str]]:
        """(site, seq, record id, at, the time of the row before it) for every history row dated
        before the row written just ahead of it on the same copy (origin site)."""
        return self.conn.execute(
            "SELECT origin_site, seq, record_id, at, prev FROM (SELECT origin_site, seq, record_id, at, "
            "LAG(at) OVER (PARTITION BY origin_site ORDER BY origin_seq) AS prev FROM history) "
            "WHERE prev IS NOT NULL AND at < prev ORDER BY seq").fetchall()

    def held_from_the_future(self) -> list[tuple[int, str | None, str, str, str]]:
        """(conflict id, record id, the other copy's site, who, when) of every event still held
        because it was dated ahead of this computer's clock when it came (store.sync)."""

        return self.conn.execute(
            "SELECT id, record_id, remote_site, remote_operator, remote_at FROM conflicts "
            "WHERE state = 'open' AND reason LIKE ? ORDER BY id", (FUTURE_REASON + "%",)).fetchall()

    def chain_tip(self) -> tuple[int, str, str] | None:
        """The last history row: (sequence, hash, time). An earlier copy of it, kept outside the
        file (a backup, a bundle, an export, an audit pack), anchors the chain up to it."""
        row = self.conn.execute("SELECT seq, hash, at FROM history ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1], row[2]) if row else None

    def anchor_problem(self, tip: Tip) -> str | None:
        """None when the history still holds an anchor's row with its hash (store.anchor)."""

        return check_anchor(self.conn, tip)

    def unattributed_writes(self) -> list[tuple[str, int, str]]:
        """(login, how many writes, first time) of writes attributed to no person (imported events
        keep the source's names and are not counted)."""
        return self.conn.execute(
            "SELECT COALESCE(os_user, operator), COUNT(*), MIN(at) FROM history WHERE person IS NULL "
            "AND (via IS NULL OR (via NOT LIKE 'imported%' AND via NOT LIKE 'merged%')) "
            "AND kind != 'settings' GROUP BY 1 ORDER BY 3").fetchall()

    def logins_as_people(self, at_least: int = 2) -> list[tuple[str, str, str, int]]:
        """(login, host, the people it wrote as, comma-separated uuids, how many writes) of each
        login and host that wrote as `at_least` people or more (the shop's own writes: imported
        and merged events keep their source's names)."""
        return self.conn.execute(
            "SELECT COALESCE(os_user, operator), COALESCE(host, ''), GROUP_CONCAT(DISTINCT person), COUNT(*) "
            "FROM history WHERE person IS NOT NULL "
            "AND (via IS NULL OR (via NOT LIKE 'imported%' AND via NOT LIKE 'merged%')) "
            "GROUP BY 1, 2 HAVING COUNT(DISTINCT person) >= ? ORDER BY 1, 2", (at_least,)).fetchall()

    def status_moves(self) -> list[tuple[str, str | None, str | None, str | None, int]]:
        """(kind, record id, old, new, seq) of every status change the history holds."""
        return self.conn.execute("SELECT kind, record_id, old_value, new_value, seq FROM history "
                                 "WHERE action = 'update' AND field = 'status' ORDER BY seq").fetchall()

    def last_status_row(self, record_uuid: str, status: str) -> dict[str, Any] | None:
        """The history row that last moved a record into `status`."""
        rows = self._fetch("SELECT * FROM history WHERE record = ? AND field = 'status' AND new_value = ? "
                           "ORDER BY seq DESC LIMIT 1", (record_uuid, status))
        return rows[0] if rows else None

    def task_records(self, kind: str, tasks: Iterable[str], limit: int = 100) -> list[str]:
        """uuids of records of `kind` with a history row tagged with one of `tasks`, written here
        (not brought in from another tool), the most recently tagged first."""
        # here, not at the top: importing it loads sqlite-utils
        from .schema import LOCAL

        # per task, newest first through the partial index history_task_local, stopping once
        # `limit` records are found (a task tagged on a million rows reads only its newest)
        latest: dict[str, int] = {}
        for task in dict.fromkeys(tasks):
            cursor = self.conn.execute(f"SELECT record, seq FROM history WHERE task = ? AND kind = ? AND {LOCAL} "
                                       "ORDER BY seq DESC", (task, kind))
            seen: set[str] = set()
            while len(seen) < limit and (rows := cursor.fetchmany(500)):
                for record, seq in rows:
                    if record not in seen:
                        seen.add(record)
                        latest[record] = max(seq, latest.get(record, 0))
                        if len(seen) == limit:
                            break
            cursor.close()
        return sorted(latest, key=lambda r: -latest[r])[:limit]

    def task_rows(self, task: str, limit: int | None = None) -> list[dict[str, Any]]:
        """History rows tagged with a task, newest first."""
        sql = "SELECT * FROM history WHERE task = ? ORDER BY at DESC, seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._fetch(sql, (task,))

    # ------------------------------------------------------------ attached files
    @property
    def files_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".files")

    def file_path(self, sha256: str) -> Path:
        return self.files_dir / sha256[:2] / sha256

    def guard_input(self, source: Path) -> None:
        """Refuse to read a file that is a database this process holds (or its journal): reading it
        as a document would drop SQLite's locks on it (see store.connection.header)."""

        source = Path(source)
        base = source.with_name(source.name.removesuffix("-wal").removesuffix("-shm").removesuffix("-journal"))
        if held(source) or held(base):
            raise InputError(_("{source} is an open vse-tui database, not a file to read in").format(source=source))

    def keep_bytes(self, data: bytes, max_bytes: int) -> tuple[str, int]:
        """Keep content (a mail's attachment) beside the database under its sha256, as keep_file."""

        if len(data) > max_bytes:
            raise InputError(_("{size:.0f} MiB is more than {limit} MiB").format(size=len(data) / 2 ** 20, limit=max_bytes // 2 ** 20))
        sha = hashlib.sha256(data).hexdigest()
        target = self.file_path(sha)
        if not target.exists():
            private_folder(target.parent)
            with atomic_file(target, binary=True, what=_("attached file")) as dst:
                dst.write(data)
        return sha, len(data)

    # ------------------------------------------------------------ mail
    def mail_ids(self) -> set[str]:
        """Every Message-ID the shop has seen (incoming mail) or sent (notifications, change notices,
        feedback answers and the replies to them)."""
        rows = self.conn.execute(
            "SELECT json_extract(m.value, '$.message_id') FROM incidents, json_each(incidents.data, '$.mail') m "
            "UNION SELECT json_extract(n.value, '$.message_id') FROM incidents, json_each(incidents.data, "
            "'$.notifications') n WHERE json_extract(n.value, '$.message_id') IS NOT NULL "
            "UNION SELECT json_extract(new_value, '$.message_id') FROM history "
            "WHERE kind IN ('change_requests', 'feedback') AND action = 'mail' AND json_valid(new_value)").fetchall()
        return {r[0] for r in rows if r[0]}

    def incident_for_messages(self, ids: list[str]) -> str | None:
        """The incident a message refers to: the newest one whose mail or notifications hold one of `ids`."""
        if not ids:
            return None
        marks = ",".join("?" * len(ids))
        row = self.conn.execute(
            f"SELECT uuid FROM (SELECT incidents.uuid, incidents.seq FROM incidents, json_each(incidents.data, '$.mail') m "
            f"WHERE json_extract(m.value, '$.message_id') IN ({marks}) UNION SELECT incidents.uuid, incidents.seq "
            f"FROM incidents, json_each(incidents.data, '$.notifications') n "
            f"WHERE json_extract(n.value, '$.message_id') IN ({marks})) ORDER BY seq DESC LIMIT 1",
            (*ids, *ids)).fetchone()
        return row[0] if row else None

    def record_for_messages(self, ids: list[str]) -> tuple[str, str] | None:
        """(kind, uuid) of the record a message refers to: an incident (see incident_for_messages),
        else the change or feedback entry whose mail (sent or received) holds one of `ids`."""
        if not ids:
            return None
        found = self.incident_for_messages(ids)
        if found:
            return "incidents", found
        marks = ",".join("?" * len(ids))
        row = self.conn.execute(
            f"SELECT kind, record FROM history WHERE kind IN ('change_requests', 'feedback') AND action = 'mail' "
            f"AND json_valid(new_value) AND json_extract(new_value, '$.message_id') IN ({marks}) "
            f"ORDER BY seq DESC LIMIT 1", ids).fetchone()
        return (row[0], row[1]) if row else None

    # ------------------------------------------------------------ the outbox (a Maildir beside the database)
    # new/ holds what waits to be sent (queued), cur/ what a server accepted (sent, and later perhaps
    # bounced), held/ what a server refused for good (it waits for a person: drop or retry), dropped/
    # what a person dropped. Each message NAME.eml has its note NAME.eml.json beside it.
    OUTBOX_FOLDERS = ("new", "held", "cur", "dropped")

    @property
    def outbox_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".outbox")

    def queue_mail(self, raw: bytes, meta: dict[str, Any]) -> Path:
        """Put a message in the outbox (private, written whole): new/NAME holds it, NAME.json what
        it is for (the incident, the notification) and how its delivery went. Names sort in the
        order the messages were queued (a time-ordered uuid), so they go out in that order."""

        for sub in ("tmp", *self.OUTBOX_FOLDERS):
            private_folder(self.outbox_dir / sub)
        name = f"{new_uuid().replace('-', '')}.eml"
        meta = {"state": "queued", **meta, "key": name[-12:-4]}
        target = write_bytes(self.outbox_dir / "new" / name, raw, what=_("outbox message"))
        write_text(self.outbox_dir / "new" / f"{name}.json", json.dumps(meta, ensure_ascii=False), what=_("outbox note"))
        return target

    def _outbox_folder(self, sub: str) -> list[tuple[Path, dict[str, Any]]]:
        folder = self.outbox_dir / sub
        if not folder.is_dir():
            return []
        out = []
        for path in sorted(folder.glob("*.eml")):
            note = path.with_name(path.name + ".json")
            try:
                meta = json.loads(note.read_text(encoding="utf-8")) if note.exists() else {}
            except (OSError, ValueError):
                meta = {}
            if not isinstance(meta, dict):
                meta = {}
            meta.setdefault("state", {"new": "queued", "cur": "sent", "held": "refused", "dropped": "dropped"}[sub])
            meta.setdefault("key", path.name[-12:-4])
            out.append((path, meta))
        return out

    def outbox(self) -> list[tuple[Path, dict[str, Any]]]:
        """What waits to be sent, oldest first: (the message file, its note)."""
        return self._outbox_folder("new")

    def outbox_all(self) -> list[tuple[Path, dict[str, Any]]]:
        """Every message of the outbox, whatever became of it: waiting, refused, sent or bounced, dropped."""
        return [item for sub in self.OUTBOX_FOLDERS for item in self._outbox_folder(sub)]

    def outbox_move(self, path: Path, meta: dict[str, Any], sub: str, raw: bytes | None = None) -> Path:
        """A message's note rewritten and the message moved to `sub` (new, held, cur, dropped);
        `raw`: its new content (re-addressed). Returns where it now is."""

        private_folder(self.outbox_dir / sub)
        target = self.outbox_dir / sub / path.name
        if raw is not None:
            write_bytes(path, raw, force=True, what=_("outbox message"))
        write_text(target.with_name(target.name + ".json"), json.dumps(meta, ensure_ascii=False), force=True,
                   what=_("outbox note"))
        if target != path:
            _os.replace(path, target)
            path.with_name(path.name + ".json").unlink(missing_ok=True)
        return target

    def outbox_done(self, path: Path, meta: dict[str, Any]) -> None:
        """A message delivered: moved to cur/ (kept, as a sent folder keeps it), its note with it."""
        self.outbox_move(path, meta, "cur")

    def outbox_note(self, path: Path, meta: dict[str, Any]) -> None:
        """A message not delivered: its note says why; it stays where it is."""

        write_text(path.with_name(path.name + ".json"), json.dumps(meta, ensure_ascii=False), force=True,
                   what=_("outbox note"))

    def keep_file(self, source: Path, max_bytes: int) -> tuple[str, int]:
        """Copy a file beside the database under the sha256 of its content (once, whatever how
        often it is attached): private, written whole. Returns (sha256, size)."""

        self.guard_input(source)
        size = source.stat().st_size
        if size > max_bytes:
            raise InputError(_("{name} is {size:.0f} MiB; attach files up to {limit} MiB (keep larger ones in your document store and note where)").format(name=source.name, size=size / 2 ** 20, limit=max_bytes // 2 ** 20))
        # read once: copied and hashed from the same read, so a file still being written is stored
        # as it was read, under the hash of what was stored

        digest = hashlib.sha256()
        size = 0
        try:
            private_folder(self.files_dir)
            fd, name = tempfile.mkstemp(prefix=".attach.", suffix=".part", dir=self.files_dir)
        except OSError as exc:
            raise InputError(_("Cannot store {name} beside the database: {problem}").format(name=source.name, problem=exc.strerror or exc)) from None
        tmp = Path(name)
        try:
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(1 << 20):
                    size += len(chunk)
                    if size > max_bytes:
                        raise InputError(_("{name} grew past {limit} MiB while it was read; attach it once it is complete").format(name=source.name, limit=max_bytes // 2 ** 20))
                    digest.update(chunk)
                    dst.write(chunk)
                dst.flush()
                os.fsync(dst.fileno())
            sha = digest.hexdigest()
            target = self.file_path(sha)
            if not target.exists():
                private_folder(target.parent)
                os.replace(tmp, target)
        except OSError as exc:
            raise translated(exc, source, _("attached file")) from None
        finally:
            tmp.unlink(missing_ok=True)
        return sha, size

    def missing_files(self) -> list[tuple[str, str, str]]:
        """(attachment id, name, what is wrong) for every attached file missing or changed."""
        out = []
        for rid, name, sha in self.conn.execute("SELECT id, title, sha256 FROM attachments ORDER BY seq"):
            path = self.file_path(sha)
            if not path.exists():
                out.append((rid, name, "missing"))
            elif file_hash(path)[0] != sha:
                out.append((rid, name, "changed"))
        return out

    # ------------------------------------------------------------ sync's own tables, for the export
    def sync_state(self) -> dict[str, list[dict[str, Any]]]:
        out = {}
        for table, order in (("peers", "site"), ("aliases", "alias, uuid"), ("conflicts", "id")):
            out[table] = self._fetch(f"SELECT * FROM {table} ORDER BY {order}")
        return out


def file_hash(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


__all__ = ["NamedReads", "SORTS", "file_hash", "os"]
