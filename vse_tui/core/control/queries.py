"""Service control's named reads: the changes deployed in a period and the changes whose test
failed. The reports ask these by name; only here are they said as the store's filters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.ports import Reads


def changes_deployed_between(store: Reads, lo: datetime, hi: datetime) -> dict[str, int]:
    """How many change requests were deployed in [lo, hi), by type of change."""
    return store.group_count("change_requests", "change_type", {"deployed_at__ge": lo, "deployed_at__lt": hi})


def changes_with_a_failed_test(store: Reads) -> set[str]:
    """The change requests (uuids) a failing test report was written for, whenever it was."""
    return {change for (change,) in store.rows("test_reports", ["change"], {"result": "fail", "change__isnull": False})}


def failed_a_test_between(store: Reads, change: str, lo: datetime, hi: datetime) -> bool:
    """Whether a test of the change request `change` (a uuid) failed in [lo, hi)."""
    return store.exists("test_reports", {"change": change, "result": "fail", "tested_at__ge": lo, "tested_at__lt": hi})


__all__ = ["changes_deployed_between", "changes_with_a_failed_test", "failed_a_test_between"]
