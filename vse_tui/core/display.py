"""Field values as a person reads them: links shown as 'ID name', moments in local time, lists
joined. Shared by the record screens and the audit pack."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from . import clock

if TYPE_CHECKING:
    from .ports import StorePort

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def find_uuids(store: StorePort, values: list[str], kind: str | None = None) -> dict[str, tuple[str, str]]:
    """uuid -> (human id, title) for the uuids among `values`: in one table, or across every one."""
    return store.ids_for(values, kind)


def uuid_labels(store: StorePort, values: list[str]) -> dict[str, str]:
    """uuid -> what a reader knows it by: a person's name; for any other record, 'ID title'."""
    wanted = [v for v in values if isinstance(v, str) and UUID.match(v)]
    people = find_uuids(store, wanted, "people")
    out = {u: title for u, (_rid, title) in people.items()}
    rest = [v for v in wanted if v not in people]
    out.update({u: f"{rid} {title}".strip() for u, (rid, title) in find_uuids(store, rest).items()} if rest else {})
    return out


def walk(value: Any) -> list[str]:
    """Every string inside a value (lists and dicts included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in walk(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in walk(v)]
    return []


def render_value(value: Any, labels: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if UUID.match(value):
            return labels.get(value, value)
        if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
            try:
                return clock.local_text(clock.parse_datetime(value))
            except ValueError:
                return value
        return value
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(render_value(v, labels) for v in value)
        return "\n".join(render_value(v, labels) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {render_value(v, labels)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False)
