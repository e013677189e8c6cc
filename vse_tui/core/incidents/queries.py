"""Service incident's named reads beyond a list's query (`core/model/incident_rows.py`): the keys
incidents had in the tool they were imported from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.ports import Reads


def external_refs(store: Reads, incidents: Sequence[str]) -> dict[str, str]:
    """The key each of `incidents` (uuids) had in the tool it came from: uuid -> key, for those
    that had one."""
    if not incidents:
        return {}
    return {uuid: key for uuid, key in store.rows("incidents", ["uuid", "external_ref"],
                                                  {"uuid": list(incidents), "external_ref__isnull": False})}


__all__ = ["external_refs"]
