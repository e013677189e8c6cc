"""One incident as `incident show` prints it: its fields, its target, its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..kernel import clock
from ..kernel.text import one_line

if TYPE_CHECKING:
    from ..model.ports import Reader


@dataclass
class IncidentView:
    incident: Any
    history: list[dict[str, Any]]
    target: Any
    customer: str
    service: str
    names: dict[str, str]
    labels: dict[str, str]
    messages: list[Any] = field(default_factory=list)  # core.mail_delivery.Message, oldest first

    def as_json(self) -> dict[str, Any]:
        return {**self.incident.model_dump(mode="json"), "history": self.history}

    def as_text(self) -> str:
        inc, tgt = self.incident, self.target
        lines = [f"{inc.id}  {one_line(inc.summary)}",  # the title line stays one line
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
        if inc.confirmation:
            c = inc.confirmation
            lines.append(f"  confirmed: {c.by} by {c.how}, {clock.local_text(c.at)}")
            if c.checked_by:
                lines.append(f"  fix checked by: {self.names.get(c.checked_by, c.checked_by)}"
                             + (f" ({c.check})" if c.check else ""))
        if self.messages:
            lines.append("mail and notifications:")
            for m in self.messages:
                lines.append(f"  {m.heading(self.names)}")
                if m.subject:
                    lines.append(f"    subject: {m.subject}")
                lines.extend(f"    | {line}" for line in (m.text or "").splitlines())
        from ..present.display import change_text, when_text

        lines.append("history:")
        for h in self.history:
            lines.append(f"  {when_text(h):17} {self.names.get(h.get('person') or '', h['operator']):<14} "
                         f"{h['task'] or '':7} {change_text(h, self.labels, 80)}")
        if any(h.get("occurred_at") for h in self.history):
            lines.append("  * when it happened in the tool it was imported from")
        return "\n".join(lines) + "\n"


def incident_view(store: Reader, ref: str) -> IncidentView:
    """The incident `ref` (its id, or the ticket key it had in the tool it came from)."""
    from . import targets

    inc = store.get("incidents", ref)
    tgt = targets.target_clock(inc, targets.target_for(store, inc))
    from ..intake.mail_delivery import messages_of
    from ..present.display import uuid_labels

    customers, services = store.customer_codes(), store.titles("services")
    history = store.history(inc.uuid)
    return IncidentView(inc, history, tgt, customers.get(inc.customer or "", ""), services.get(inc.service or "", ""),
                        store.titles("people"), uuid_labels(store, [h["new_value"] for h in history if h["new_value"]]
                                                            + [h["old_value"] for h in history if h["old_value"]]),
                        messages_of(store, "incidents", inc))
