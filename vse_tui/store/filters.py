"""Filters and sort orders as the rest of the app says them, turned into SQL here and nowhere else.

A filter is a dict of field -> value: `{"state": "active", "person": uuid}`. A tuple or list value
means "one of"; a field may carry a lookup after a double underscore:

    ne, lt, le, gt, ge      comparisons ("planned_at__ge": moment)
    in, notin               one of / none of (NULL counts as none of)
    isnull                  True: empty, False: set
    has                     a list field holds this value ("impacted_cis__has": ci uuid)

and one pseudo-field, `text`, matched against a record's id, title and keys (its old ticket key,
a short code): {"text__match": "printer acme"} holds every word (the FTS5 index answers).

Fields are a record's common columns, its promoted columns or any other field of its data (read
with json_extract). A sort order is a field name, "-field" for descending, or a tuple of them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from vse_tui.i18n import _

from ..core.kernel import clock
from .columns import COMMON, PROMOTED

Filter = dict[str, Any]
LOOKUPS = ("ne", "lt", "le", "gt", "ge", "in", "notin", "isnull", "has")


def column(kind: str, name: str) -> str:
    """The SQL expression of a field of a record table (field names are checked, never pasted raw)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(_("not a field name: {name!r}").format(name=name))
    if name in COMMON or name in PROMOTED[kind]:
        return name
    return f"json_extract(data, '$.{name}')"


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return clock.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def where(kind: str, filters: Filter | None) -> tuple[str, list[Any]]:
    """(SQL condition, parameters) for a filter on the table of `kind`."""
    if not filters:
        return "1", []
    parts: list[str] = []
    params: list[Any] = []
    for key, value in filters.items():
        name, _sep, op = key.partition("__")
        if name == "text" and op == "match":
            sql, more = text_match(kind, value)
            parts.append(sql)
            params.extend(more)
            continue
        col = column(kind, name)
        if op == "" and isinstance(value, (tuple, list, set, frozenset)):
            op = "in"
        if op == "":
            if value is None:
                parts.append(f"{col} IS NULL")
            else:
                parts.append(f"{col} = ?")
                params.append(_param(value))
        elif op in ("ne", "lt", "le", "gt", "ge"):
            sql = {"ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
            if op == "ne":
                parts.append(f"({col} IS NULL OR {col} != ?)")
            else:
                parts.append(f"{col} {sql} ?")
            params.append(_param(value))
        elif op in ("in", "notin"):
            values = [_param(v) for v in value]
            if not values:
                parts.append("0" if op == "in" else "1")
                continue
            marks = ",".join("?" * len(values))
            parts.append(f"{col} IN ({marks})" if op == "in" else f"({col} IS NULL OR {col} NOT IN ({marks}))")
            params.extend(values)
        elif op == "isnull":
            # set: said so that SQLite sees `IS NOT NULL` (the partial indexes are on it)
            parts.append(empty(col) if value else f"({col} IS NOT NULL AND {col} != '')")
        elif op == "has":
            source = name if name in PROMOTED[kind] else f"json_extract(data, '$.{name}')"
            parts.append(f"EXISTS (SELECT 1 FROM json_each({source}) WHERE value = ?)")
            params.append(_param(value))
        else:
            raise ValueError(_("unknown filter lookup {op!r} (use one of {lookups})").format(op=op, lookups=', '.join(LOOKUPS)))
    return " AND ".join(parts), params


def empty(col: str) -> str:
    """The condition of an empty field (the lookup `isnull`): no value, or empty text."""
    return f"({col} IS NULL OR {col} = '')"


def like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def text_match(kind: str, text: str) -> tuple[str, list[Any]]:
    """Records of `kind` whose id, title or keys hold every word of `text`: through the trigram
    index when every word has three characters or more, else a scan of the id and title."""
    words = [w for w in (text or "").split() if w]
    if not words:
        return "1", []
    if all(len(w) >= 3 for w in words):
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        return ("uuid IN (SELECT uuid FROM record_search WHERE record_search MATCH ? AND kind = ?)", [match, kind])
    parts, params = [], []
    for w in words:
        parts.append("(id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')")
        params += [like_pattern(w.upper()), like_pattern(w)]
    return " AND ".join(parts), params


def order(kind: str, sort: str | Iterable[str] | None) -> str:
    """ORDER BY text for "field", "-field" or a sequence of them (seq breaks ties)."""
    if not sort:
        return "seq"
    items = [sort] if isinstance(sort, str) else list(sort)
    out = []
    for item in items:
        desc = item.startswith("-")
        out.append(column(kind, item.lstrip("-")) + (" DESC" if desc else ""))
    return ", ".join(out)


__all__ = ["Filter", "column", "empty", "order", "where"]
