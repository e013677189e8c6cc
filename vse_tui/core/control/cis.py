"""Configuration items (WP.02, CO.1.4): the list, each item's timeline, what a failure affects,
and the import of a shop's existing spreadsheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from vse_tui.i18n import N_, _

from ..incidents.lists import IncidentQuery
from ..intake.importer import Rejected, check_new_name, empty, match_columns, read_rows
from ..kernel.dates import DateError, DateReader
from ..kernel.errors import NotFound
from ..model.lookup import resolve
from ..model.records.control import ConfigurationItem
from ..present.invalid import describe_validation_error

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.control import ConfigurationItem

TYPES = ("hardware", "software", "network", "document", "service component", "other")
TYPE_WORDS = {
    "hw": "hardware", "hardware": "hardware", "laptop": "hardware", "desktop": "hardware", "server": "hardware",
    "printer": "hardware", "pc": "hardware", "computer": "hardware", "phone": "hardware", "nas": "hardware",
    "sw": "software", "software": "software", "application": "software", "app": "software", "licence": "software",
    "license": "software", "os": "software", "network": "network", "router": "network", "switch": "network",
    "firewall": "network", "wifi": "network", "wi-fi": "network", "access point": "network", "vpn": "network",
    "document": "document", "doc": "document", "contract": "document", "manual": "document",
    "service component": "service component", "component": "service component", "service": "service component",
    "other": "other",
}
STATE_WORDS = {"in service": "in service", "in use": "in service", "active": "in service", "live": "in service",
               "production": "in service", "planned": "planned", "ordered": "planned", "new": "planned",
               "retired": "retired", "disposed": "retired", "decommissioned": "retired", "inactive": "retired"}
ALIASES = {
    "name": ("name", "item", "asset", "asset name", "hostname", "device", "ci", "ci name", "title"),
    "ci_type": ("type", "ci type", "category", "class", "kind", "asset type"),
    "description": ("description", "details", "notes", "model", "comment", "comments"),
    "owner": ("owner", "user", "assigned to", "responsible", "managed by"),
    "location": ("location", "site", "room", "office", "place"),
    "in_service_date": ("in service", "in service date", "installed", "install date", "purchase date", "purchased",
                        "date in service", "since"),
    "expiry_date": ("expiry", "expiry date", "expires", "warranty", "warranty end", "warranty until", "licence expiry",
                    "license expiry", "renewal", "end date"),
    "expiry_kind": ("expiry kind", "expiry type"),
    "state": ("state", "status", "operational state"),
    "services": ("service", "services"),
    "depends_on": ("depends on", "depends_on", "dependencies", "parent"),
}


# ---------------------------------------------------------------- list, timeline, impact

def list_rows(store: StorePort, limit: int | None = None) -> list[dict[str, Any]]:
    people = store.titles("people")
    rows = []
    for ci in store.records("configuration_items", order="title", limit=limit):
        rows.append({"id": ci.id, "uuid": ci.uuid, "name": ci.name, "type": ci.ci_type, "state": ci.state,
                     "status": ci.status, "owner": people.get(ci.owner_person or "", ci.owner),
                     "location": ci.location, "in_service": ci.in_service_date.isoformat() if ci.in_service_date else "",
                     "expiry": ci.expiry_date.isoformat() if ci.expiry_date else "", "expiry_kind": ci.expiry_kind or ""})
    return rows


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # change proposed | change deployed | incident
    ref: str
    text: str


def timeline(store: StorePort, ref: str) -> list[Event]:
    """Changes proposed and deployed on the item (with their type) and incidents that named it, newest first."""
    ci = store.get("configuration_items", ref)
    out: list[Event] = []
    for c in store.records("change_requests", {"impacted_cis__has": ci.uuid}):
        out.append(Event(c.created_at, "change proposed", c.id, f"{c.change_type} · {c.title} ({c.status})"))
        if c.deployed_at:
            out.append(Event(c.deployed_at, "change deployed", c.id,
                             f"{c.change_type} · {c.title}" + (_(" · before approval") if c.deployed_before_approval else "")))

    for inc in store.each_incident_row(IncidentQuery(ci=ci.uuid), sort="oldest"):
        if inc.opened_at:
            out.append(Event(inc.opened_at, "incident", inc.id, f"{inc.priority} · {inc.summary}"))
    rank = {"change proposed": 0, "incident": 1, "change deployed": 2}
    out.sort(key=lambda e: (e.at, rank[e.kind], e.ref), reverse=True)
    return out


def affected_by(store: StorePort, ref: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What fails with this item: the items that depend on it, directly or through others, and
    the services of all of them. Returns ([(CI id, name)], [(SVC id, name)])."""
    ci = store.get("configuration_items", ref)
    deps: dict[str, list[str]] = {}
    info: dict[str, tuple[str, str, list[str]]] = {}
    for uuid, rid, name, services, depends_on in store.rows(
            "configuration_items", ["uuid", "id", "title", "services:json", "depends_on:json"]):
        info[uuid] = (rid, name, services or [])
        for parent in depends_on or []:
            deps.setdefault(parent, []).append(uuid)
    seen: list[str] = []
    todo = list(deps.get(ci.uuid, []))
    while todo:
        u = todo.pop(0)
        if u in seen or u == ci.uuid:
            continue
        seen.append(u)
        todo.extend(deps.get(u, []))
    reached: list[str] = list(dict.fromkeys([*info[ci.uuid][2], *(s for u in seen for s in info[u][2])]))
    names = {u: (rid, t) for u, rid, t in store.choices("services")}
    return ([(info[u][0], info[u][1]) for u in seen], [names[s] for s in reached if s in names])


# ---------------------------------------------------------------- import

@dataclass
class CIPlan:
    mapping: dict[str, str]
    items: list[ConfigurationItem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    links: dict[int, list[str]] = field(default_factory=dict)  # index in items -> names it depends on


def _date(value: str | None, column: str) -> date | None:
    """A date as a spreadsheet writes it, read by the project's one date reader (day-first unless
    the value says otherwise)."""

    if value is None or empty(value):
        return None
    try:
        return DateReader(years_ahead=100).read_date(value)
    except DateError as exc:
        raise ValueError(_("{column}: {exc} (use YYYY-MM-DD or DD/MM/YYYY)").format(column=column, exc=exc)) from None


def _type(value: str | None) -> str:
    if value is None or empty(value):
        return "other"
    text = value.strip().lower()
    if text in TYPE_WORDS:
        return TYPE_WORDS[text]
    for word, kind in TYPE_WORDS.items():
        if re.search(rf"\b{re.escape(word)}\b", text):
            return kind
    raise ValueError(_("type: {value!r} is not one of {types} (or a word such as laptop, router, licence)").format(value=value, types=', '.join(TYPES)))


def plan_import(store: StorePort, path: Path) -> CIPlan:
    """Read a CSV of configuration items: good rows become items, bad rows are reported with
    their line number and why. Nothing is stored here."""

    store.guard_input(path)
    header, rows = read_rows(path)
    mapping = match_columns(header, ALIASES)
    plan = CIPlan(mapping, rows=len(rows), ignored=[h for h in header if h not in mapping.values()])
    if "name" not in mapping:
        raise_missing = ", ".join(ALIASES["name"][:4])
        plan.rejected.append(Rejected(1, _("no name column (call one of the columns {names})").format(names=raise_missing)))
        return plan
    people = {t.lower(): u for u, t in store.titles("people").items()}
    existing = {t.lower() for t in store.titles("configuration_items").values()}
    seen: set[str] = set()
    for line, row in rows:
        def get(name: str, row: dict[str, str] = row) -> str | None:
            column = mapping.get(name)
            value = row.get(column) if column else None
            return None if value is None or empty(value) else value.strip()

        try:
            name = check_new_name(get("name"), existing, seen, N_("already a configuration item"))
            state = get("state")
            if state and state.lower() not in STATE_WORDS:
                raise ValueError(_("state: {state!r} is not in service, planned or retired").format(state=state))
            services = []
            for part in [p.strip() for p in re.split(r"[;,]", get("services") or "") if p.strip()]:
                try:
                    services.append(resolve(store, "services", part))
                except NotFound as exc:
                    raise ValueError(_("service: {exc}").format(exc=exc)) from None
            owner = get("owner") or ""
            expiry_kind = (get("expiry_kind") or "").lower() or None
            if expiry_kind is None and mapping.get("expiry_date"):
                col = mapping["expiry_date"].lower()
                expiry_kind = next((k for k in ("warranty", "licence", "certificate", "contract")
                                    if k in col or (k == "licence" and "license" in col)), None)
            item = ConfigurationItem(
                name=name, ci_type=_type(get("ci_type")), description=get("description") or "", owner=owner,
                owner_person=people.get(owner.lower()), location=get("location") or "",
                in_service_date=_date(get("in_service_date"), "in service date"),
                expiry_date=_date(get("expiry_date"), "expiry"), expiry_kind=expiry_kind,
                state=STATE_WORDS[state.lower()] if state else "in service", services=services)
        except ValueError as exc:
            plan.rejected.append(Rejected(line, str(exc)))
            continue
        except ValidationError as exc:
            plan.rejected.append(Rejected(line, describe_validation_error(exc, _("row"))))
            continue
        seen.add(name.lower())
        parents = [p.strip() for p in re.split(r"[;,]", get("depends_on") or "") if p.strip()]
        if parents:
            plan.links[len(plan.items)] = parents
        plan.items.append(item)
    # links by name, to items of the file or already stored; an unknown name rejects the row
    known = {i.name.lower(): i.uuid for i in plan.items}
    known.update({t.lower(): u for u, t in store.titles("configuration_items").items()})
    keep = []
    for index, item in enumerate(plan.items):
        parents = plan.links.get(index, [])
        missing = [p for p in parents if p.lower() not in known]
        if missing:
            line = next(ln for ln, row in rows if (row.get(mapping["name"]) or "").strip() == item.name)
            plan.rejected.append(Rejected(line, _("depends on {names}, which is not an item").format(names=", ".join(repr(m) for m in missing))))
            continue
        keep.append(item.model_copy(update={"depends_on": [known[p.lower()] for p in parents]}) if parents else item)
    plan.items = keep
    plan.rejected.sort(key=lambda r: r.line)
    return plan


def apply_import(store: StorePort, plan: CIPlan) -> int:
    """Store the planned items in one transaction, each with its CO.1.4 history row."""
    return store.add_many(plan.items, task="CO.1.4")
