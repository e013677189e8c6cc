"""One incident as `incident show` prints it: its fields, its target, its history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import clock

if TYPE_CHECKING:
    from .ports import StorePort


@dataclass
class IncidentView:
    incident: Any
    history: list[dict[str, Any]]
    target: Any
    customer: str
    service: str

    def as_json(self) -> dict[str, Any]:
        return {**self.incident.model_dump(mode="json"), "history": self.history}

    def as_text(self) -> str:
        inc, tgt = self.incident, self.target
        lines = [f"{inc.id}  {inc.summary}",
                 f"  priority {inc.priority} (impact {inc.impact}, urgency {inc.urgency})   status {inc.status}   "
                 f"state {inc.state}",
                 f"  customer {self.customer or '-'}   service {self.service or '-'}",
                 f"  opened {clock.local_text(inc.opened_at)}   restored {clock.local_text(inc.restored_at) or '-'}"
                 f"   closed {clock.local_text(inc.closed_at) or '-'}"]
        if inc.external_ref:
            lines.append(f"  imported as {inc.external_ref}")
        if tgt.due_at and inc.status != "closed":
            state = "BREACHED" if tgt.breached else "due"
            lines.append(f"  target {state} {clock.local_text(tgt.due_at)} ({tgt.source})")
        for label, value in (("reporter", inc.reporter), ("details", inc.details), ("category", inc.category),
                             ("solution", inc.solution), ("root cause", inc.root_cause)):
            if value:
                lines.append(f"  {label}: {value}")
        lines.append("history:")
        for h in self.history:
            what = ("created" if h["action"] == "create"
                    else f"{h['field']}: {h['old_value'] or ''} -> {h['new_value'] or ''}")
            lines.append(f"  {clock.local_text(clock.parse_datetime(h['at']))}  {h['operator']:<12} {h['task'] or '':7} "
                         f"{what[:80]}")
        return "\n".join(lines) + "\n"


def incident_view(store: StorePort, ref: str) -> IncidentView:
    """The incident `ref` (its id, or the ticket key it had in the tool it came from)."""
    from . import targets

    inc = store.get("incidents", ref)
    tgt = targets.target_clock(inc, targets.target_for(store, inc))
    customers, services = store.customer_codes(), store.titles("services")
    return IncidentView(inc, store.history(inc.uuid), tgt, customers.get(inc.customer or "", ""),
                        services.get(inc.service or "", ""))
