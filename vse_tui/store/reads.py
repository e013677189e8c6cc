"""Reading records: by id, by filter (see store.filters), as whole records (pydantic models) or as
plain rows of a few fields (lists and the dashboard, which never build a model)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..core.kernel.errors import DatabaseError, NotFound
from ..core.model.records import KINDS, PREFIXES, model_for
from ..core.present.display import UUID
from ..core.present.invalid import describe_validation_error
from . import filters as F
from .columns import PROMOTED
from .writes import COMMON_FIELDS, seq_of

if TYPE_CHECKING:
    from ..core.model.records import Record

JSON_SUFFIX = ":json"


def _record(model: type[Record], row: dict[str, Any]) -> Record:
    row = dict(row)
    data = json.loads(row.pop("data") or "{}")
    for name in PROMOTED[model.KIND]:
        value = row.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):  # never "": it is in every string
            value = json.loads(value)
        data[name] = value
    for name in COMMON_FIELDS:
        data[name] = row.get(name)
    from pydantic import ValidationError  # loaded already: `model` is a pydantic model

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DatabaseError(
            _("{record} is stored in a form this vse-tui cannot read ({problem}); run 'vse-tui export' to keep a copy").format(
                record=row.get("id") or _(model.LABEL), problem=describe_validation_error(exc, _("stored record")))) from None


class Reads:
    """The read half of the Store."""

    conn: sqlite3.Connection

    def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, list(params))
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    # ------------------------------------------------------------ one record
    def get(self, kind: str, ref: str) -> Any:
        """A record by its human id (INC-0042, case-insensitive) or its UUID: the model of `kind`
        (core.model.ports.StorePort.get names the type of each kind for the type checker)."""
        model = model_for(kind)
        rows = self._fetch(f"SELECT * FROM {kind} WHERE id = ? OR uuid = ?", (ref.upper(), ref))
        if not rows:
            found = self._by_alias(ref)
            if found and found[0] == kind:
                rows = self._fetch(f"SELECT * FROM {kind} WHERE uuid = ?", (found[1],))
        if not rows and kind == "incidents":  # the key it had in the tool it was imported from
            rows = self._fetch("SELECT * FROM incidents WHERE external_ref = ? ORDER BY seq LIMIT 1", (ref.strip(),))
        if not rows:
            raise NotFound(_("No {label} {ref}").format(label=_(model.LABEL).lower(), ref=ref))
        return _record(model, rows[0])

    def _by_alias(self, ref: str) -> tuple[str, str] | None:
        row = self.conn.execute("SELECT kind, uuid FROM aliases WHERE alias = ?", (ref.upper(),)).fetchone()
        return (row[0], row[1]) if row else None

    def find(self, ref: str) -> Record:
        """A record of any kind by its human id (or an id it had before a merge renumbered it), or an
        incident by the ticket key it had in the tool it was imported from."""
        ref = (ref or "").strip()
        prefix = ref.upper().split("-", 1)[0]
        kind = PREFIXES.get(prefix)
        if kind is not None:
            try:
                return self.get(kind, ref)
            except NotFound:
                pass
        alias = self._by_alias(ref)
        if alias:
            return self.get(alias[0], alias[1])
        row = self.conn.execute("SELECT uuid FROM incidents WHERE external_ref = ? ORDER BY seq LIMIT 1",
                                (ref,)).fetchone()
        if row:
            return self.get("incidents", row[0])
        if kind is None:
            raise NotFound(_("No record {ref} (unknown id prefix {prefix!r})").format(ref=ref, prefix=prefix))
        raise NotFound(_("No {label} {ref}").format(label=_(model_for(kind).LABEL).lower(), ref=ref))

    def kind_of(self, uuid: str) -> str | None:
        """Which table holds the record with this uuid."""
        for kind in KINDS:
            if self.conn.execute(f"SELECT 1 FROM {kind} WHERE uuid = ?", (uuid,)).fetchone():
                return kind
        return None

    # ------------------------------------------------------------ many records
    def records(self, kind: str, where: F.Filter | None = None, order: str | Sequence[str] | None = "seq",
                limit: int | None = None, offset: int = 0) -> list[Record]:
        """Whole records of `kind` matching a filter, in order."""
        return list(self.each_record(kind, where, order, limit, offset))

    def each_record(self, kind: str, where: F.Filter | None = None, order: str | Sequence[str] | None = "seq",
                    limit: int | None = None, offset: int = 0, batch: int = 500) -> Iterator[Record]:
        """The same records one at a time, from one query read `batch` rows at a time (a long
        selection is sorted once, not once per page of it)."""
        model = model_for(kind)
        cond, params = F.where(kind, where)
        sql = f"SELECT * FROM {kind} WHERE {cond} ORDER BY {F.order(kind, order)}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        cursor = self.conn.execute(sql, list(params))
        names = [c[0] for c in cursor.description]
        while rows := cursor.fetchmany(batch):
            for r in rows:
                yield _record(model, dict(zip(names, r)))

    def rows(self, kind: str, fields: Sequence[str], where: F.Filter | None = None,
             order: str | Sequence[str] | None = "seq", limit: int | None = None, offset: int = 0) -> list[tuple[Any, ...]]:
        """Plain values of a few fields, no model built. A field named "targets:json" is decoded
        from JSON (lists and objects of a record's data)."""
        return list(self.each_row(kind, fields, where, order, limit, offset))

    def each_row(self, kind: str, fields: Sequence[str], where: F.Filter | None = None,
                 order: str | Sequence[str] | None = "seq", limit: int | None = None,
                 offset: int = 0) -> Iterator[tuple[Any, ...]]:
        """The same values one row at a time, as SQLite reads them (memory does not grow with the
        table)."""
        cols, decode = [], []
        for f in fields:
            name = f.removesuffix(JSON_SUFFIX)
            cols.append(F.column(kind, name))
            decode.append(f.endswith(JSON_SUFFIX))
        cond, params = F.where(kind, where)
        sql = f"SELECT {', '.join(cols)} FROM {kind} WHERE {cond} ORDER BY {F.order(kind, order)}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        decoding = any(decode)
        for r in self.conn.execute(sql, params):
            if decoding:
                r = tuple(json.loads(v) if d and isinstance(v, str) else v for v, d in zip(r, decode))
            yield r

    def row(self, kind: str, fields: Sequence[str], where: F.Filter | None = None,
            order: str | Sequence[str] | None = "-seq") -> tuple[Any, ...] | None:
        """The first of `rows` (by default the newest), or None."""
        found = self.rows(kind, fields, where, order, limit=1)
        return found[0] if found else None

    def iter_all(self, kind: str, batch: int = 2000) -> Iterator[Record]:
        """Every record of a kind in id order, read in batches (keyset paging)."""
        last = 0
        while True:
            found = self.records(kind, {"seq__gt": last}, "seq", limit=batch)
            if not found:
                return
            yield from found
            last = seq_of(found[-1].id)

    def stored_values(self, kind: str, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Every record of a kind in id order as its row holds it: no model built, so a record
        written by an older or newer model comes out as written (exports, checks)."""
        promoted = [p for p in PROMOTED[kind] if p not in COMMON_FIELDS]
        names = [*COMMON_FIELDS, *promoted, "data"]
        cursor = self.conn.execute(f"SELECT {', '.join(names)} FROM {kind} ORDER BY seq")
        common = len(COMMON_FIELDS)
        while rows := cursor.fetchmany(batch):
            for row in rows:
                values = dict(zip(COMMON_FIELDS, row[:common]))
                values.update(json.loads(row[-1] or "{}"))
                for name, value in zip(promoted, row[common:-1]):
                    if isinstance(value, str) and value[:1] in ("[", "{"):
                        value = json.loads(value)
                    values[name] = value
                yield values

    def count(self, kind: str, where: F.Filter | None = None) -> int:
        cond, params = F.where(kind, where)
        count: int = self.conn.execute(f"SELECT COUNT(*) FROM {kind} WHERE {cond}", params).fetchone()[0]
        return count

    def exists(self, kind: str, where: F.Filter | None = None) -> bool:
        cond, params = F.where(kind, where)
        return self.conn.execute(f"SELECT 1 FROM {kind} WHERE {cond} LIMIT 1", params).fetchone() is not None

    def latest(self, kind: str, where: F.Filter | None = None, order: str | Sequence[str] = "-seq") -> Record | None:
        found = self.records(kind, where, order, limit=1)
        return found[0] if found else None

    def empty_counts(self, kind: str, fields: Sequence[str], by: str,
                     where: F.Filter | None = None) -> dict[Any, dict[str, int]]:
        """Per value of `by`, how many records matching `where` leave each of `fields` empty (as the
        filter `__isnull` says it): every field counted in one reading of the table."""
        if not fields:
            return {}
        cond, params = F.where(kind, where)
        col = F.column(kind, by)
        sums = ", ".join(f"SUM(CASE WHEN {F.empty(F.column(kind, f))} THEN 1 ELSE 0 END)" for f in fields)
        return {row[0]: dict(zip(fields, row[1:])) for row in
                self.conn.execute(f"SELECT {col}, {sums} FROM {kind} WHERE {cond} GROUP BY {col}", params)}

    def group_count(self, kind: str, by: str, where: F.Filter | None = None) -> dict[Any, int]:
        cond, params = F.where(kind, where)
        col = F.column(kind, by)
        return {k: n for k, n in self.conn.execute(f"SELECT {col}, COUNT(*) FROM {kind} WHERE {cond} GROUP BY {col}",
                                                   params)}

    # ------------------------------------------------------------ names, for lists and pickers
    def titles(self, kind: str, where: F.Filter | None = None) -> dict[str, str]:
        """uuid -> title (name) for a small table (customers, services, people)."""
        return {u: t for u, t in self.rows(kind, ["uuid", "title"], where, order="title")}

    def choices(self, kind: str, where: F.Filter | None = None) -> list[tuple[str, str, str]]:
        """(uuid, human id, title) of the records of `kind`, by title: what a picker offers."""
        return [(u, i, t or "") for u, i, t in self.rows(kind, ["uuid", "id", "title"], where, order="title")]

    def customer_codes(self) -> dict[str, str]:
        """customer uuid -> short code (falling back to the name)."""
        return {u: code or t for u, t, code in self.rows("customers", ["uuid", "title", "short"])}

    def match_names(self, kind: str, text: str, limit: int = 3) -> tuple[str | None, list[tuple[str, str]]]:
        """What `text` names among records of `kind`: (uuid of an exact match by id, uuid, name or short
        code, case-insensitive; else None, [(uuid, title)] of up to `limit` names containing it)."""
        text = text.strip()
        row = self.conn.execute(f"SELECT uuid FROM {kind} WHERE id = ? OR uuid = ? OR lower(title) = lower(?)",
                                (text.upper(), text, text)).fetchone()
        if row:
            return row[0], []
        if kind in ("customers", "suppliers"):
            row = self.conn.execute(f"SELECT uuid FROM {kind} WHERE lower(json_extract(data, '$.short')) = lower(?)",
                                    (text,)).fetchone()
            if row:
                return row[0], []
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn.execute(f"SELECT uuid, title FROM {kind} WHERE title LIKE ? ESCAPE '\\' ORDER BY title LIMIT ?",
                                 (f"%{like}%", limit)).fetchall()
        return None, [(u, t) for u, t in rows]

    def pick(self, kind: str, text: str, limit: int = 50, where: F.Filter | None = None) -> list[tuple[str, str, str]]:
        """(uuid, human id, title) of the records of `kind` whose id or title holds every word of
        `text`, for a picker: an exact id first, then the newest (tickets) or by title (the rest)."""
        words = text.split()[:8]
        sql, params = F.where(kind, where)
        clauses = [sql] if sql else []
        for w in words:
            like = F.like_pattern(w)
            clauses.append("(id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')")
            params += [like, like]
        cond = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        newest = kind in ("incidents", "change_requests", "feedback", "problems")
        order = "rowid DESC" if newest else "title COLLATE NOCASE, id"
        exact = text.strip().upper()
        rows = self.conn.execute(f"SELECT uuid, id, title FROM {kind} {cond} "
                                 f"ORDER BY id = ? DESC, {order} LIMIT ?", [*params, exact, limit]).fetchall()
        return [(u, i, t or "") for u, i, t in rows]

    def ids_for(self, values: Iterable[Any], kind: str | None = None) -> dict[str, tuple[str, str]]:
        """uuid -> (human id, title) for the uuids among `values`: in one table, or across every one."""

        wanted = sorted({v for v in values if isinstance(v, str) and UUID.match(v)})
        out: dict[str, tuple[str, str]] = {}
        if not wanted:
            return out
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for table in [kind] if kind else KINDS:
                for u, rid, title in self.conn.execute(f"SELECT uuid, id, title FROM {table} WHERE uuid IN ({marks})",
                                                       chunk):
                    out[u] = (rid, title or "")
        return out

    # ------------------------------------------------------------ history
    def history(self, record_uuid: str | None = None) -> list[dict[str, Any]]:
        if record_uuid:
            return self._fetch("SELECT * FROM history WHERE record = ? ORDER BY seq", (record_uuid,))
        return self._fetch("SELECT * FROM history ORDER BY seq")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every read inside sees the same state of the database, whatever
        other instances write meanwhile (a long export or check never mixes two moments)."""
        own = not self.conn.in_transaction
        if own:
            self.conn.execute("BEGIN")
            # a deferred BEGIN takes its snapshot at the first read: taken here, so that a step of
            # SQLite's backup (which reads outside a transaction of its own) sees this moment too
            self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        try:
            yield
        finally:
            if own:
                self.conn.rollback()  # it only read

    def history_values(self, fields: Sequence[str], batch: int = 5000) -> Iterator[tuple[Any, ...]]:
        """The whole history in order as plain tuples of `fields`, read a batch at a time."""
        cols = ", ".join(f for f in fields if f.isidentifier())
        cursor = self.conn.execute(f"SELECT {cols} FROM history ORDER BY seq")
        while rows := cursor.fetchmany(batch):
            yield from rows

    def last_task_row(self, record_uuid: str, task: str) -> dict[str, Any] | None:
        """The newest history row of a record tagged with a task: who did that step, and when."""
        rows = self._fetch("SELECT * FROM history WHERE record = ? AND task = ? ORDER BY seq DESC LIMIT 1",
                           (record_uuid, task))
        return rows[0] if rows else None

    def record_count(self) -> int:
        """Records of every kind together."""
        return sum(self.conn.execute(f"SELECT COUNT(*) FROM {kind}").fetchone()[0] for kind in KINDS)

    def history_count(self) -> int:
        count: int = self.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
        return count

    # ------------------------------------------------------------ the database
    def schema_version(self) -> int:
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    def is_empty(self) -> bool:
        return all(self.count(kind) == 0 for kind in KINDS)


__all__ = ["Reads"]
