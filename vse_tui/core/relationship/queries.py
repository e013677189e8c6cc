"""Service relationship's named reads: the customers served today, the services offered, the
feedback of a period, the performance report before a period. The screens, the command line and
the reports ask these by name; only here are they said as the store's filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.ports import Reads


def current_customers(store: Reads) -> dict[str, str]:
    """The customers served now (a former customer left out): uuid -> name, in the order added."""
    return store.titles("customers", {"state__ne": "former"})


def current_suppliers(store: Reads) -> dict[str, str]:
    """The suppliers the shop works with now (a former one left out): uuid -> name."""
    return store.titles("suppliers", {"state__ne": "former"})


NO_SUPPLIERS = "none"  # the setting "suppliers" when the shop recorded that it has none


def without_suppliers(store: Reads) -> bool:
    """Whether the shop recorded that it has no suppliers, and none is recorded since: then no task
    waits for a supplier agreement (WP.21). A supplier added later voids the statement."""
    return store.setting("suppliers") == NO_SUPPLIERS and not current_suppliers(store)


def offered_services(store: Reads) -> list[tuple[str, str, str]]:
    """The services of the catalogue not retired (drafts too): (uuid, name, status), in the order added."""
    return [(uuid, title, status) for uuid, title, status
            in store.rows("services", ["uuid", "title", "status"], {"state__ne": "retired"})]


def _received(lo: datetime, hi: datetime) -> dict[str, datetime]:
    return {"received_at__ge": lo, "received_at__lt": hi}


def feedback_received_between(store: Reads, lo: datetime, hi: datetime,
                              company: str | None = None) -> list[tuple[str | None, str | None]]:
    """(company, type) of each feedback entry received in [lo, hi); of one company (a uuid) if given."""
    where: dict[str, object] = dict(_received(lo, hi))
    if company:
        where["company"] = company
    return [(who, kind) for who, kind in store.rows("feedback", ["company", "feedback_type"], where)]


def complaints_received_between(store: Reads, lo: datetime, hi: datetime) -> list[str]:
    """What each complaint received in [lo, hi) said (its title), the oldest first."""
    return [title for (title,) in store.rows("feedback", ["title"], {**_received(lo, hi), "feedback_type": "complaint"},
                                             order="received_at")]


def count_complaints_received_between(store: Reads, lo: datetime, hi: datetime) -> int:
    """How many complaints were received in [lo, hi)."""
    return store.count("feedback", {**_received(lo, hi), "feedback_type": "complaint"})


def previous_proposed_actions(store: Reads, before: date, customer: str | None) -> str:
    """The actions proposed by the latest approved performance report of `customer` (None: of all
    customers) whose period ended before `before`; empty when there is none."""
    row = store.row("performance_reports", ["proposed_actions"],
                    {"status": "approved", "period_end__lt": before, "customer": customer}, order="-period_end")
    return (row[0] or "") if row else ""


__all__ = ["NO_SUPPLIERS", "complaints_received_between", "count_complaints_received_between", "current_customers",
           "current_suppliers", "without_suppliers",
           "feedback_received_between", "offered_services", "previous_proposed_actions"]
