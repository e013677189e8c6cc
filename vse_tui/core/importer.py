"""Importing a shop's existing incidents from CSV: spreadsheets and helpdesk exports, tidy or not.

Columns are matched by common names (number, short_description, opened_at, ...) or `--map`;
empty markers (`?`, `NULL`, `N/A`) are empty; codes with labels ("2 - Medium") keep their meaning;
dates come in ISO or day-first forms. An event log (one row per state change of a ticket) becomes
one incident per ticket. The source's ticket number is kept, so a ticket is never imported twice."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import clock
from .errors import InputError, describe_validation_error
from .records.incident import Incident

if TYPE_CHECKING:
    from .ports import StorePort

FIELDS = ("ref", "summary", "opened_at", "restored_at", "closed_at", "impact", "urgency", "priority", "state",
          "reporter", "resolver", "group", "category", "details", "product", "event_time")

ALIASES = {
    "ref": ("number", "ticket id", "ticket", "ticket_id", "incident", "incident id", "incident_id", "id", "case", "key"),
    "summary": ("short_description", "short description", "summary", "title", "subject"),
    "opened_at": ("opened_at", "opened", "created", "created_on", "created at", "sys_created_on", "open time", "start"),
    "restored_at": ("resolved_at", "resolved", "resolved on", "restored", "u_resolved"),
    "closed_at": ("closed_at", "closed", "closed on", "end"),
    "impact": ("impact", "severity"),
    "urgency": ("urgency",),
    "priority": ("priority",),
    "state": ("state", "status", "incident_state"),
    "reporter": ("caller", "caller_id", "reporter", "requester", "opened_by", "reported by"),
    "resolver": ("assigned_to", "assignee", "resolved_by", "owner"),
    "group": ("assignment_group", "support team", "team", "group"),
    "category": ("category", "subcategory"),
    "details": ("description", "details", "comments"),
    "product": ("product", "service", "business_service", "cmdb_ci"),
    "event_time": ("event time", "event_time", "timestamp", "sys_updated_on", "updated"),
}
EMPTY = {"", "?", "null", "none", "n/a", "na", "-", "--", "(empty)"}
LEVEL_WORDS = {"1": "high", "2": "medium", "3": "low", "high": "high", "critical": "high", "major": "high",
               "medium": "medium", "moderate": "medium", "low": "low", "minor": "low", "planning": "low"}
PRIORITY_WORDS = {"1": "P1", "2": "P2", "3": "P3", "4": "P4", "5": "P5", "critical": "P1", "high": "P2",
                  "moderate": "P3", "medium": "P3", "low": "P4", "planning": "P5"}
CLOSED = ("closed", "completed", "cancelled", "canceled", "done")
RESOLVED = ("resolved", "restored", "fixed")
WAITING = ("wait", "pending", "on hold", "awaiting")
WORKING = ("progress", "accepted", "active", "assigned", "work")
DATE_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M:%S",
                "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class ImportPlan:
    mapping: dict[str, str]  # field -> column
    incidents: list[Incident] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    skipped_known: int = 0
    rows: int = 0
    event_log: bool = False


def empty(value: str | None) -> bool:
    return value is None or value.strip().lower() in EMPTY


def _code(value: str) -> str:
    """'2 - Medium' -> '2 - medium'; we look at both the number and the word."""
    return value.strip().lower()


def level(value: str | None) -> str | None:
    if value is None or empty(value):
        return None
    text = _code(value)
    for part in re.split(r"\s*[-:]\s*|\s+", text):
        if part in LEVEL_WORDS:
            return LEVEL_WORDS[part]
    raise ValueError(f"{value!r} is not high, medium or low")


def priority(value: str | None) -> str | None:
    if value is None or empty(value):
        return None
    text = _code(value).removeprefix("p")
    for part in re.split(r"\s*[-:]\s*|\s+", text):
        if part in PRIORITY_WORDS:
            return PRIORITY_WORDS[part]
    raise ValueError(f"{value!r} is not a priority (1-5, P1-P5 or a word such as high)")


def moment(value: str | None) -> datetime | None:
    """ISO 8601 or a common day-first form; naive values are local time."""
    if value is None or empty(value):
        return None
    text = value.strip()
    try:
        return clock.parse_datetime(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).astimezone().astimezone(UTC)
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date and time we can read (use YYYY-MM-DD HH:MM or DD-MM-YYYY HH:MM)")


def state_of(value: str | None) -> str | None:
    if value is None or empty(value):
        return None
    text = value.strip().lower()
    if any(w in text for w in CLOSED):
        return "closed"
    if any(w in text for w in RESOLVED):
        return "restored"
    if any(w in text for w in WAITING):
        return "waiting for customer"
    if any(w in text for w in WORKING):
        return "in progress"
    return "new"


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (with their line numbers) of a CSV file, delimiter sniffed."""
    raw = Path(path).expanduser().read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"{path} is empty") from None
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append((number, {header[i]: values[i] if i < len(values) else "" for i in range(len(header))}))
    return header, rows


def check_new_name(name: str | None, existing: set[str], seen: set[str], stored: str = "already stored") -> str:
    """A row's name, refused when empty, already stored or met earlier in the same file."""
    if not name:
        raise ValueError("name is empty")
    if name.lower() in existing:
        raise ValueError(f"{name!r} is {stored}")
    if name.lower() in seen:
        raise ValueError(f"{name!r} appears twice in the file")
    return name


def match_columns(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """field -> column, each field taking the first of its usual names the file has (case-insensitive)."""
    lowered = {h.lower().strip(): h for h in header}
    mapping: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in names:
            if alias in lowered and lowered[alias] not in mapping.values():
                mapping[name] = lowered[alias]
                break
    return mapping


def auto_mapping(header: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    mapping = match_columns(header, ALIASES)
    for column, name in (overrides or {}).items():
        if name not in FIELDS:
            raise InputError(f"--map {column}={name}: {name!r} is not a field (use one of {', '.join(FIELDS)})")
        if column not in header:
            raise InputError(f"--map {column}={name}: the file has no column {column!r}")
        mapping[name] = column
    return mapping


def plan_incidents(store: StorePort, path: Path, overrides: dict[str, str] | None = None) -> ImportPlan:
    store.guard_input(path)
    header, rows = read_rows(path)
    mapping = auto_mapping(header, overrides)
    plan = ImportPlan(mapping, rows=len(rows))
    if "summary" not in mapping and "ref" not in mapping:
        raise InputError("No column gives a summary or a ticket number; name one with --map COLUMN=summary")
    known = store.known_external_refs()

    def get(row: dict[str, str], name: str) -> str | None:
        column = mapping.get(name)
        value = row.get(column) if column else None
        return None if value is None or empty(value) else value.strip()

    # group the rows of one ticket (an event log has many); a file without numbers has one per row
    tickets: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in rows:
        ref = get(row, "ref") or f"line {number}"
        tickets.setdefault(ref, []).append((number, row))
    plan.event_log = any(len(v) > 1 for v in tickets.values())
    for ref, events in tickets.items():
        first_line = events[0][0]
        if not ref.startswith("line ") and ref in known:
            plan.skipped_known += 1
            continue
        try:
            plan.incidents.append(_incident(ref, events, get))
        except (ValueError, InputError) as exc:
            plan.rejected.append(Rejected(first_line, str(exc)))
        except ValidationError as exc:
            plan.rejected.append(Rejected(first_line, describe_validation_error(exc, "row")))
    return plan


def _incident(ref: str, events, get) -> Incident:
    timed = []
    for number, row in events:
        try:
            when = moment(get(row, "event_time")) or moment(get(row, "opened_at"))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        timed.append((when, number, row))
    timed.sort(key=lambda t: (t[0] is None, t[0] or datetime.min, t[1]))
    first_row, last_row = timed[0][2], timed[-1][2]
    opened = moment(get(first_row, "opened_at")) or timed[0][0]
    if opened is None:
        raise ValueError("no opening date (opened_at or an event time)")
    state = state_of(get(last_row, "state")) or "new"
    restored = moment(get(last_row, "restored_at"))
    closed = moment(get(last_row, "closed_at"))
    if state == "closed" and closed is None:
        closed = timed[-1][0] or opened
    if state in ("closed", "restored") and restored is None:
        restored = next((t for t, _, r in timed if state_of(get(r, "state")) in ("restored", "closed")), closed)
    impact = level(get(last_row, "impact")) or "medium"
    urgency = level(get(last_row, "urgency")) or impact
    prio = priority(get(last_row, "priority"))
    from .policy import priority_for

    summary = get(first_row, "summary") or get(last_row, "summary")
    if not summary:
        product = get(last_row, "product")
        summary = f"Imported ticket {ref}" + (f" ({product})" if product else "")
    details = get(last_row, "details") or ""
    group = get(last_row, "group")
    if group:
        details = (details + "\n" if details else "") + f"Assignment group: {group}"
    return Incident(
        summary=summary[:300], external_ref=None if ref.startswith("line ") else ref, opened_at=opened,
        restored_at=restored if restored and restored >= opened else None,
        closed_at=closed if state == "closed" and closed and closed >= opened else None,
        status="closed" if state == "closed" else ("updated" if len(timed) > 1 or state != "new" else "opened"),
        state=state, impact=impact, urgency=urgency, priority=prio or priority_for(impact, urgency),
        reporter=get(first_row, "reporter") or "", resolver=get(last_row, "resolver") or "",
        category=get(last_row, "category") or get(last_row, "product") or "", details=details,
        steps_taken=f"Imported from a {len(timed)}-event history." if len(timed) > 1 else "",
    )


def apply(store: StorePort, plan: ImportPlan) -> int:
    """Store the planned incidents, one transaction, each with its IN.2.1 history row."""
    return store.add_many(plan.incidents, task="IN.2.1")
