"""One incident as `incident show` prints it: its fields, its target, its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..intake.mail_delivery import messages_of
from ..kernel import clock
from ..kernel.text import one_line
from ..present.display import change_text, history_labels, when_text
from ..present.labels import code_word
from . import policy, targets
from .process import confirmation_problem, resolver_acknowledgement

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
    acknowledgement: tuple[str, bool] | None = None  # closing one's own work: its text, whether it counts
    unconfirmed: str | None = None  # closed: why the confirmation is not the affected party's

    def as_json(self) -> dict[str, Any]:
        ack = ({"acknowledgement": {"text": self.acknowledgement[0], "counts": self.acknowledgement[1]}}
               if self.acknowledgement else {})
        return {**self.incident.model_dump(mode="json"), **ack, "history": self.history}

    def as_text(self) -> str:
        inc, tgt = self.incident, self.target
        lines = [f"{inc.id}  {one_line(inc.summary)}",  # the title line stays one line
                 "  " + _("priority {priority} (impact {impact}, urgency {urgency})   status {status}   "
                        "state {state}").format(priority=inc.priority, impact=code_word("impact", inc.impact),
                                                urgency=code_word("urgency", inc.urgency),
                                                status=code_word("status", inc.status),
                                                state=code_word("state", inc.state)),
                 "  " + _("customer {customer}   service {service}").format(customer=self.customer or "-",
                                                                      service=self.service or "-"),
                 "  " + _("opened {opened}   restored {restored}   closed {closed}").format(
                     opened=clock.local_text(inc.opened_at), restored=clock.local_text(inc.restored_at) or "-",
                     closed=clock.local_text(inc.closed_at) or "-")]
        if inc.external_ref or inc.fingerprint:  # the old tool's key and what its content hashed to
            lines.append("  " + _("imported as {ref}").format(ref=inc.external_ref or _("(no ticket key)"))
                         + (" " + _("(content {fingerprint})").format(fingerprint=inc.fingerprint[:16])
                            if inc.fingerprint else "")
                         + (", " + _("its status there: {status}").format(status=inc.source_status)
                            if inc.source_status else ""))
        if tgt.due_at and inc.status != "closed":
            due = clock.local_text(tgt.due_at)
            lines.append("  " + (_("target BREACHED {due} ({source})") if tgt.breached else
                                 _("target due {due} ({source})")).format(due=due, source=policy.source_words(tgt.source)))
        # each label inside its sentence: a language puts its own space before the colon (French)
        for line, value in ((_("reporter: {value}"), " ".join(p for p in (inc.reporter, inc.reporter_contact) if p)),
                            (_("details: {value}"), inc.details), (_("category: {value}"), inc.category),
                            (_("resolver: {value}"), self.names.get(inc.resolver, inc.resolver)),
                            (_("steps taken: {value}"), inc.steps_taken), (_("solution: {value}"), inc.solution),
                            (_("root cause: {value}"), inc.root_cause),
                            (_("no change because: {value}"), inc.no_change_reason)):
            if value:
                lines.append("  " + line.format(value=value))
        if inc.confirmation:
            c = inc.confirmation
            lines.append("  " + _("confirmed: {who} by {how}, {at}").format(who=c.by, how=code_word("how", c.how),
                                                                               at=clock.local_text(c.at)))
            if c.checked_by:
                lines.append("  " + _("fix checked by: {who}").format(who=self.names.get(c.checked_by, c.checked_by))
                             + (f" ({c.check})" if c.check else ""))
        if self.acknowledgement is not None:
            text, counted = self.acknowledgement
            lines.append("  " + (_("closed by its own resolver, acknowledged: {text}") if counted else
                                 _("closed by its own resolver, acknowledged with placeholder text only: {text}"))
                         .format(text=text))
        if inc.status == "closed" and self.unconfirmed:
            lines.append("  " + _("not evidence of IN.2.5: {why}").format(why=self.unconfirmed))
        if self.messages:
            lines.append(_("mail and notifications:"))
            for m in self.messages:
                lines.append(f"  {m.heading(self.names)}")
                if m.subject:
                    lines.append("    " + _("subject: {subject}").format(subject=m.subject))
                lines.extend(f"    | {line}" for line in (m.text or "").splitlines())

        lines.append(_("history:"))
        for h in self.history:
            lines.append(f"  {when_text(h):17} {self.names.get(h.get('person') or '', h['operator']):<14} "
                         f"{h['task'] or '':7} {change_text(h, self.labels, 300)}")
        if any(h.get("occurred_at") for h in self.history):
            lines.append("  " + _("* when it happened in the tool it was imported from"))
        return "\n".join(lines) + "\n"


def incident_view(store: Reader, ref: str) -> IncidentView:
    """The incident `ref` (its id, or the ticket key it had in the tool it came from)."""

    inc = store.get("incidents", ref)
    tgt = targets.target_clock(inc, targets.target_for(store, inc))

    customers, services = store.customer_codes(), store.titles("services")
    history = store.history(inc.uuid)
    return IncidentView(inc, history, tgt, customers.get(inc.customer or "", ""), services.get(inc.service or "", ""),
                        store.titles("people"), history_labels(store, history),
                        messages_of(store, "incidents", inc), resolver_acknowledgement(store, inc),
                        confirmation_problem(store, inc))
