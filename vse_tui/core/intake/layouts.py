"""The CSV exports helpdesk tools write by default, as the importer recognises them: the columns a
layout is known by, which column gives which field, and what its priority, impact and state words
mean here. Written from each tool's documentation of its export; a file matching none is read with
the common names of every layout (and `--map`).

Fields: ref (the ticket key), summary, details, opened_at, responded_at, restored_at, closed_at,
event_time (an event log's row time), priority, impact, urgency, state, substate, reporter,
reporter_contact, resolver (who has it), actor (who made an event), group, category, product,
customer."""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("ref", "summary", "details", "opened_at", "responded_at", "restored_at", "closed_at", "updated_at", "event_time",
          "priority", "impact", "urgency", "state", "substate", "reporter", "reporter_contact", "resolver", "actor",
          "group", "category", "product", "customer")
DATE_FIELDS = ("opened_at", "responded_at", "restored_at", "closed_at", "updated_at", "event_time")

# What a state word means here (substring matches, checked in this order after the exact words).
GENERIC_STATES: tuple[tuple[str, str], ...] = (
    ("cancel", "closed"), ("reject", "closed"), ("closed", "closed"), ("complete", "closed"), ("done", "closed"),
    ("merged", "closed"), ("removed", "closed"), ("deleted", "closed"), ("archiv", "closed"),
    ("resolved", "restored"), ("solved", "restored"), ("restored", "restored"), ("fixed", "restored"),
    ("waiting for support", "in progress"), ("waiting on support", "in progress"),
    ("third party", "waiting for supplier"), ("supplier", "waiting for supplier"), ("vendor", "waiting for supplier"),
    ("wait", "waiting for customer"), ("pending", "waiting for customer"), ("hold", "waiting for customer"),
    ("stalled", "waiting for customer"),
    ("progress", "in progress"), ("assigned", "in progress"), ("accepted", "in progress"), ("active", "in progress"),
    ("processing", "in progress"), ("escalat", "in progress"), ("work", "in progress"), ("open", "in progress"),
    ("new", "new"), ("queued", "new"), ("awaiting assignment", "new"), ("to do", "new"), ("backlog", "new"),
)
GENERIC_PRIORITIES = {
    "1": "P1", "2": "P2", "3": "P3", "4": "P4", "5": "P5", "p1": "P1", "p2": "P2", "p3": "P3", "p4": "P4", "p5": "P5",
    "critical": "P1", "highest": "P1", "blocker": "P1", "emergency": "P1", "urgent": "P1", "very high": "P1",
    "major": "P2", "high": "P2",
    "moderate": "P3", "medium": "P3", "normal": "P3",
    "low": "P4", "minor": "P4",
    "lowest": "P5", "trivial": "P5", "planning": "P5", "very low": "P5",
}
GENERIC_LEVELS = {"1": "high", "2": "medium", "3": "low", "high": "high", "critical": "high", "major": "high",
                  "very high": "high", "extensive": "high", "widespread": "high",
                  "medium": "medium", "moderate": "medium", "significant": "medium", "large": "medium",
                  "low": "low", "minor": "low", "very low": "low", "planning": "low", "localized": "low"}

COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "ref": ("number", "ticket id", "ticket", "ticket_id", "ticket number", "incident", "incident id", "incident_id",
            "issue key", "key", "ref", "reference", "id", "case", "case number"),
    "summary": ("short_description", "short description", "summary", "title", "subject"),
    "details": ("description", "details", "comments", "body"),
    "opened_at": ("opened_at", "opened", "created", "created_on", "created at", "created_at", "created time",
                  "date created", "opening date", "sys_created_on", "open time", "start date", "start"),
    "responded_at": ("first_response_at", "first response", "initial response time", "responded", "assignment date"),
    "restored_at": ("resolved_at", "resolved", "resolved on", "resolved time", "resolution date", "restored",
                    "u_resolved", "solved"),
    "closed_at": ("closed_at", "closed", "closed on", "closed time", "closing date", "close date", "close_at", "end"),
    "updated_at": ("updated", "updated_at", "last updated", "lastupdated", "last update", "last update time",
                   "sys_updated_on"),
    "event_time": ("event time", "event_time", "timestamp", "time", "date"),
    "priority": ("priority",),
    "impact": ("impact", "severity"),
    "urgency": ("urgency",),
    "state": ("state", "status", "incident_state", "current status"),
    "substate": ("sub status", "substatus", "sub_status", "sub state"),
    "reporter": ("caller", "caller_id", "reporter", "requester", "requestor", "requestors", "requester name",
                 "customer", "opened_by", "reported by", "from", "full name", "contact"),
    "reporter_contact": ("requester email", "from email", "email", "contact email", "caller email"),
    "resolver": ("assigned_to", "assigned to", "assignee", "agent", "agent assigned", "owner", "resolved_by",
                 "technician"),
    "group": ("assignment_group", "support team", "team", "group", "team assigned", "queue", "department"),
    "category": ("category", "subcategory", "type", "issue type", "help topic", "component/s"),
    "product": ("product", "service", "business_service", "cmdb_ci", "configuration item"),
    "customer": ("company", "organization", "organisation", "company name", "entity", "account"),
}


@dataclass(frozen=True)
class Layout:
    """One tool's default export."""

    name: str
    known_by: tuple[str, ...]  # lower-case columns that all appear in its export
    columns: dict[str, tuple[str, ...]]  # field -> the tool's column names, in preference order
    priorities: dict[str, str] = field(default_factory=dict)  # its words -> P1..P5
    levels: dict[str, str] = field(default_factory=dict)  # impact/urgency words -> high/medium/low
    states: dict[str, str] = field(default_factory=dict)  # exact state words -> a state here
    numeric_priority: str = ""  # "rt": 0-100, higher is more urgent
    note: str = ""


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "Jira Service Management", ("issue key", "summary", "status", "created"),
        {"ref": ("issue key",), "summary": ("summary",), "details": ("description",), "opened_at": ("created",),
         "restored_at": ("resolved",), "updated_at": ("updated",), "event_time": (), "priority": ("priority",), "state": ("status",),
         "reporter": ("reporter",), "resolver": ("assignee",), "category": ("component/s", "issue type"),
         "customer": ("custom field (organizations)", "organizations"), "group": ("project name",)},
        priorities={"highest": "P1", "blocker": "P1", "high": "P2", "critical": "P2", "medium": "P3", "major": "P3",
                    "low": "P4", "minor": "P4", "lowest": "P5", "trivial": "P5"},
        states={"open": "new", "to do": "new", "new": "new", "backlog": "new", "in progress": "in progress",
                "work in progress": "in progress", "escalated": "in progress",
                "waiting for support": "in progress", "waiting for customer": "waiting for customer",
                "pending": "waiting for supplier", "resolved": "restored", "done": "closed", "closed": "closed",
                "canceled": "closed", "cancelled": "closed", "declined": "closed", "won't do": "closed"},
        note="Waiting for support waits for the shop: its clock runs"),
    Layout(
        "ServiceNow", ("number", "short_description"),
        {"ref": ("number",), "summary": ("short_description",), "details": ("description",),
         "opened_at": ("opened_at", "sys_created_on"), "restored_at": ("resolved_at",), "closed_at": ("closed_at",),
         "updated_at": ("sys_updated_on",), "event_time": (), "priority": ("priority",), "impact": ("impact",),
         "urgency": ("urgency",),
         "state": ("state", "incident_state"), "reporter": ("caller_id", "opened_by"), "resolver": ("assigned_to",),
         "group": ("assignment_group",), "category": ("category", "subcategory"),
         "product": ("business_service", "cmdb_ci"), "customer": ("company",)},
        priorities={"1": "P1", "critical": "P1", "2": "P2", "high": "P2", "3": "P3", "moderate": "P3", "4": "P4",
                    "low": "P4", "5": "P5", "planning": "P5"},
        levels={"1": "high", "high": "high", "2": "medium", "medium": "medium", "3": "low", "low": "low"},
        states={"new": "new", "in progress": "in progress", "active": "in progress", "on hold": "waiting for customer",
                "awaiting user info": "waiting for customer", "awaiting vendor": "waiting for supplier",
                "resolved": "restored", "closed": "closed", "canceled": "closed", "cancelled": "closed"}),
    Layout(
        "Zammad", ("number", "title", "state", "created_at"),
        {"ref": ("number",), "summary": ("title",), "opened_at": ("created_at",), "closed_at": ("close_at",),
         "updated_at": ("updated_at",),
         "responded_at": ("first_response_at",), "event_time": (), "priority": ("priority",), "state": ("state",),
         "reporter": ("customer",), "resolver": ("owner",), "group": ("group",), "customer": ("organization",)},
        priorities={"3 high": "P2", "3": "P2", "high": "P2", "2 normal": "P3", "2": "P3", "normal": "P3",
                    "1 low": "P4", "1": "P4", "low": "P4"},
        states={"new": "new", "open": "in progress", "pending reminder": "waiting for customer",
                "pending close": "restored", "closed": "closed", "merged": "closed", "removed": "closed"},
        note="Zammad's 1 low, 2 normal, 3 high run the other way round from P1-P5"),
    Layout(
        "GLPI", ("id", "title", "status", "opening date"),
        {"ref": ("id",), "summary": ("title",), "details": ("description",), "opened_at": ("opening date",),
         "restored_at": ("resolution date",), "closed_at": ("closing date",), "event_time": (),
         "priority": ("priority",), "impact": ("impact",), "urgency": ("urgency",), "state": ("status",),
         "reporter": ("requester", "requester - requester"), "resolver": ("assigned to", "assigned to - technician"),
         "category": ("category",), "customer": ("entity",)},
        priorities={"major": "P1", "very high": "P1", "high": "P2", "medium": "P3", "low": "P4", "very low": "P5",
                    "6": "P1", "5": "P1", "4": "P2", "3": "P3", "2": "P4", "1": "P5"},
        levels={"very high": "high", "high": "high", "medium": "medium", "low": "low", "very low": "low",
                "5": "high", "4": "high", "3": "medium", "2": "low", "1": "low"},
        states={"new": "new", "processing (assigned)": "in progress", "processing (planned)": "in progress",
                "pending": "waiting for customer", "solved": "restored", "closed": "closed"}),
    Layout(
        "Freshdesk", ("ticket id", "subject", "status", "created time"),
        {"ref": ("ticket id",), "summary": ("subject",), "details": ("description",), "opened_at": ("created time",),
         "updated_at": ("last update time",),
         "responded_at": ("initial response time",), "restored_at": ("resolved time",),
         "closed_at": ("closed time",), "event_time": (), "priority": ("priority",), "state": ("status",),
         "reporter": ("requester name", "full name", "contact id"), "reporter_contact": ("requester email", "email"),
         "resolver": ("agent",), "group": ("group",), "category": ("type",), "product": ("product",),
         "customer": ("company name", "company")},
        priorities={"urgent": "P1", "high": "P2", "medium": "P3", "low": "P4"},
        states={"open": "new", "pending": "waiting for customer", "waiting on customer": "waiting for customer",
                "waiting on third party": "waiting for supplier", "resolved": "restored", "closed": "closed"}),
    Layout(
        "osTicket", ("ticket number", "subject", "current status"),
        {"ref": ("ticket number",), "summary": ("subject",), "opened_at": ("date created", "create date"),
         "updated_at": ("last updated",),
         "closed_at": ("closed date", "date closed"), "event_time": (), "priority": ("priority",),
         "state": ("current status",), "reporter": ("from",), "reporter_contact": ("from email",),
         "resolver": ("agent assigned", "assigned to"), "group": ("team assigned", "department"),
         "category": ("help topic",)},
        priorities={"emergency": "P1", "high": "P2", "normal": "P3", "low": "P4"},
        states={"open": "in progress", "resolved": "restored", "closed": "closed", "archived": "closed",
                "deleted": "closed"}),
    Layout(
        "Request Tracker", ("id", "subject", "queue", "status"),
        {"ref": ("id",), "summary": ("subject",), "opened_at": ("created",), "responded_at": ("started",),
         "updated_at": ("lastupdated",),
         "restored_at": ("resolved",), "event_time": (), "priority": ("priority",), "state": ("status",),
         "reporter": ("requestors", "requestor"), "resolver": ("owner",), "group": ("queue",)},
        priorities={"high": "P2", "medium": "P3", "low": "P4"},
        states={"new": "new", "open": "in progress", "stalled": "waiting for customer", "resolved": "closed",
                "rejected": "closed", "deleted": "closed"},
        numeric_priority="rt", note="RT's priority numbers: 0-33 low, 34-66 medium, 67-100 high"),
    Layout(
        "iTop", ("ref", "title", "caller", "status"),
        {"ref": ("ref",), "summary": ("title",), "details": ("description",), "opened_at": ("start date",),
         "responded_at": ("assignment date",), "restored_at": ("resolution date",), "closed_at": ("close date",),
         "event_time": (), "priority": ("priority",), "impact": ("impact",), "urgency": ("urgency",),
         "state": ("status",), "reporter": ("caller",), "resolver": ("agent",), "group": ("team",),
         "product": ("service",), "customer": ("organization",)},
        priorities={"1": "P1", "critical": "P1", "2": "P2", "high": "P2", "3": "P3", "medium": "P3", "4": "P4",
                    "low": "P4"},
        levels={"a department": "high", "1": "high", "critical": "high", "a service": "medium", "2": "medium",
                "high": "high", "medium": "medium", "a person": "low", "3": "low", "low": "low"},
        states={"new": "new", "assigned": "in progress", "dispatched": "in progress", "redispatched": "in progress",
                "escalated_tto": "in progress", "escalated tto": "in progress", "escalated_ttr": "in progress",
                "escalated ttr": "in progress", "pending": "waiting for customer", "resolved": "restored",
                "closed": "closed", "rejected": "closed"}),
    Layout(
        "a ticket event log (one row per status change)", ("ticket id", "event time", "status"),
        {"ref": ("ticket id",), "event_time": ("event time",), "state": ("status",), "substate": ("sub status",),
         "impact": ("impact",), "product": ("product",), "group": ("support team",), "actor": ("assignee",),
         "resolver": ("assignee",)},
        states={"queued": "new", "awaiting assignment": "new", "accepted": "in progress", "in progress": "in progress",
                "assigned": "in progress", "wait": "waiting for customer", "completed": "closed",
                "closed": "closed", "cancelled": "closed", "unmatched": ""},
        note="the sub status says more than the status: read first"),
)


def detect(header: list[str]) -> Layout | None:
    """The layout whose columns all appear in `header` (the one naming most of the file wins)."""
    lowered = {h.strip().lower() for h in header}
    found = [lay for lay in LAYOUTS if set(lay.known_by) <= lowered]
    if not found:
        return None
    return max(found, key=lambda lay: (len(lay.known_by), sum(1 for cols in lay.columns.values()
                                                               for c in cols if c in lowered)))


__all__ = ["COMMON_NAMES", "DATE_FIELDS", "FIELDS", "GENERIC_LEVELS", "GENERIC_PRIORITIES", "GENERIC_STATES",
           "LAYOUTS", "Layout", "detect"]
