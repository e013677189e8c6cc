"""`vse-tui export --format json`: everything stored, in one documented JSON document.

{"schema_version": int, "exported_at": ISO 8601, "records": {"WP.18": [...], "people": [...],
 ..., "history": [...]}, "sync": {"site": ..., "peers": [...], "aliases": [...], "conflicts": [...]}}.
Records are keyed by work product code, other kinds by their name; each carries id, uuid,
status, version and its fields in snake_case, times in ISO 8601 UTC. `sync` is what offline
copies exchange: the copies known, the old numbers of renumbered records, the merge conflicts
(open and settled, with the choice made).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any

from pydantic import BaseModel

from ..core.kernel import clock
from ..core.kernel.text import json_safe
from ..core.model.records import RECORD_TYPES, Record, export_key
from ..store.db import Store

HISTORY_FIELDS = (
    "seq", "at", "kind", "record", "record_id", "action", "field", "old_value", "new_value",
    "operator", "os_user", "host", "task", "version",
)


def _exported(record) -> dict[str, Any]:
    out = record.model_dump(mode="json")
    if record.KIND == "incidents":  # derived, but auditors and reports want it at hand
        out["time_to_resolve_minutes"] = record.time_to_resolve_minutes
    return out


def _defaults(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """What a model gives a field a stored record lacks, as JSON: for the record, and for the
    entries of each list of sub-records (a record written before a field existed is exported as
    the model reads it today)."""
    top = model.model_construct().model_dump(mode="json", warnings=False)
    nested: dict[str, dict[str, Any]] = {}
    for name, field in model.model_fields.items():
        args = typing.get_args(field.annotation)
        inner = args[0] if typing.get_origin(field.annotation) is list and args else None
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            nested[name] = inner.model_construct().model_dump(mode="json", warnings=False)
    return top, nested


def _minutes_between(start: Any, end: Any) -> int | None:
    if not start or not end:
        return None
    try:
        delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    except (TypeError, ValueError):
        return None
    return max(0, int(delta.total_seconds() // 60))


def _stored_records(store: Store, model: type[Record]) -> Iterator[dict[str, Any]]:
    """Records as stored, completed with today's defaults: the same JSON as `_exported` gives,
    without building a model per record (an export of 100,000 incidents in seconds)."""
    top, nested = _defaults(model)
    incidents = model.KIND == "incidents"
    for values in store.stored_values(model.KIND):
        out = {**top, **values}
        for name, empty in nested.items():
            entries = out.get(name)
            if entries and isinstance(entries, list):
                out[name] = [{**empty, **e} if isinstance(e, dict) else e for e in entries]
        if incidents:
            out["time_to_resolve_minutes"] = _minutes_between(out.get("opened_at"), out.get("restored_at"))
        yield out


def export_document(store: Store) -> dict[str, Any]:
    records: dict[str, list[dict[str, Any]]] = {}
    for model in RECORD_TYPES:
        records[export_key(model)] = [_exported(r) for r in store.iter_all(model.KIND)]
    records["history"] = [{k: row[k] for k in HISTORY_FIELDS} for row in store.history()]
    tip = store.chain_tip()
    return {
        "schema_version": store.schema_version(),
        "exported_at": clock.iso(clock.now()),
        "chain_tip": {"seq": tip[0], "hash": tip[1], "at": tip[2]} if tip else None,
        "records": records,
        "sync": {"site": store.site_id, **store.sync_state()},
    }


def write_export(store: Store, out: IO[str], progress: Callable[[int], None] | None = None) -> None:
    """The export as JSON, written as it is read (memory stays flat whatever the size): the same
    document as export_document, one record or history row per line, from one snapshot of the
    database. The controls JSON would leave raw (C1, bidi marks) are written as \\uXXXX: the same
    JSON value, harmless on a terminal."""

    def dump(value: Any) -> str:
        return json_safe(json.dumps(value, ensure_ascii=False))

    encode = json.JSONEncoder(ensure_ascii=False).encode
    done = 0

    def write_list(values: Iterator[Any]) -> None:
        """A JSON list, one value per line, written a batch of lines at a time."""
        nonlocal done
        batch: list[str] = []
        first = True
        for value in values:
            batch.append(encode(value))
            if len(batch) == 2000:
                out.write(("\n" if first else ",\n") + json_safe(",\n".join(batch)))
                done += len(batch)
                first = False
                batch = []
                if progress:
                    progress(done)
        if batch:
            out.write(("\n" if first else ",\n") + json_safe(",\n".join(batch)))
            done += len(batch)
        out.write("\n]")

    with store.snapshot():
        tip = store.chain_tip()
        head = {"schema_version": store.schema_version(), "exported_at": clock.iso(clock.now()),
                "chain_tip": {"seq": tip[0], "hash": tip[1], "at": tip[2]} if tip else None}
        out.write("{\n")
        for key, value in head.items():
            out.write(f"{json_safe(encode(key))}: {json_safe(encode(value))},\n")
        out.write('"records": {\n')
        for model in RECORD_TYPES:
            out.write(f"{json_safe(encode(export_key(model)))}: [")
            write_list(_stored_records(store, model))
            out.write(",\n")
        out.write('"history": [')
        write_list(dict(zip(HISTORY_FIELDS, row)) for row in store.history_values(HISTORY_FIELDS))
        out.write("\n},\n")
        sync = {"site": store.site_id, **store.sync_state()}
        out.write(f'"sync": {json_safe(encode(sync))}\n}}\n')
    if progress:
        progress(done)
