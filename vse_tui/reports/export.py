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
from typing import IO, Any

from ..core import clock
from ..core.records import RECORD_TYPES, export_key
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


def write_export(store: Store, out: IO[str]) -> None:
    """The export as JSON; the controls JSON would leave raw (C1, bidi marks) written as \\uXXXX:
    the same JSON value, harmless on a terminal."""
    from ..core.text import json_safe

    out.write(json_safe(json.dumps(export_document(store), ensure_ascii=False, indent=1)))
    out.write("\n")
