"""Importing customers, suppliers and people from a spreadsheet (CSV): columns matched by their
usual names, a preview, and each rejected row with its line number and reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from vse_tui.i18n import _

from ..governance.people import clean_name, name_key
from ..governance.roles import parse_roles
from ..kernel.errors import InputError
from ..model.records import model_for
from ..model.records.parties import RoleAssignment
from ..present.invalid import describe_validation_error
from .importer import Rejected, check_new_name, empty, match_columns, read_rows

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Record

ORG_ALIASES = {
    "name": ("name", "company", "customer", "supplier", "organisation", "organization", "client", "account"),
    "short": ("short", "code", "short name", "abbreviation", "short code"),
    "address": ("address", "street", "location"),
    "phone": ("phone", "telephone", "tel", "phone number"),
    "email": ("email", "e-mail", "mail", "email address"),
    "state": ("state", "status", "active"),
    "supplies": ("supplies", "products", "what they supply"),
    "language": ("language", "lang", "locale", "preferred language", "idioma", "langue"),
}
PEOPLE_ALIASES = {
    "name": ("name", "full name", "person", "contact", "employee", "user"),
    "email": ("email", "e-mail", "mail", "email address"),
    "phone": ("phone", "telephone", "mobile", "tel"),
    "affiliation": ("affiliation", "type", "works for"),
    "organisation": ("company", "organisation", "organization", "customer", "supplier", "employer"),
    "roles": ("roles", "role", "29110 roles"),
    "language": ("language", "lang", "locale", "preferred language", "idioma", "langue"),
}
STATE_WORDS = {"active": "active", "yes": "active", "current": "active", "1": "active", "true": "active",
               "former": "former", "inactive": "former", "no": "former", "0": "former", "false": "former", "ended": "former"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class PartyPlan:
    kind: str
    mapping: dict[str, str]
    records: list[Record] = field(default_factory=list)
    roles: dict[int, list[tuple[str, str | None]]] = field(default_factory=dict)  # index -> roles (people)
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0


def plan_parties(store: StorePort, kind: str, path: Path) -> PartyPlan:
    """Read customers, suppliers or people from a CSV; nothing is stored here."""

    if kind not in ("customers", "suppliers", "people"):
        raise InputError(_("cannot import {kind!r}: customers, suppliers or people").format(kind=kind))
    model = model_for(kind)
    store.guard_input(path)
    header, rows = read_rows(path)
    mapping = match_columns(header, PEOPLE_ALIASES if kind == "people" else ORG_ALIASES)
    plan = PartyPlan(kind, mapping, rows=len(rows), ignored=[h for h in header if h not in mapping.values()])
    if "name" not in mapping:
        plan.rejected.append(Rejected(1, _("no name column (call it name, or company for an organisation)")))
        return plan
    existing = {t.lower() for t in store.titles(kind).values()}
    existing_keys = {name_key(t) for t in store.titles(kind).values()} if kind == "people" else set()
    seen_keys: set[str] = set()
    orgs = {t.lower(): (u, "customer") for u, t in store.titles("customers").items()}
    orgs.update({t.lower(): (u, "supplier") for u, t in store.titles("suppliers").items()})
    seen: set[str] = set()
    for line, row in rows:
        def get(name: str, row: dict[str, str] = row) -> str:
            column = mapping.get(name)
            value = row.get(column) if column else None
            return "" if value is None or empty(value) else value.strip()

        try:
            name = _people_name(get("name"), existing_keys, seen_keys) if kind == "people" else \
                check_new_name(get("name"), existing, seen)
            email = get("email")
            if email and not EMAIL.match(email):
                raise ValueError(_("email: {email!r} is not an e-mail address").format(email=email))
            state = get("state").lower()
            if state and state not in STATE_WORDS:
                raise ValueError(_("state: {state!r} is not active or former").format(state=state))
            data = {"name": name, "email": email, "phone": get("phone"), "state": STATE_WORDS.get(state, "active"),
                    "language": get("language") or None}
            roles: list[tuple[str, str | None]] = []
            if kind == "people":
                affiliation = get("affiliation").lower() or None
                org_name = get("organisation")
                if org_name:
                    if org_name.lower() not in orgs:
                        raise ValueError(_("company: {org_name!r} is not a customer or supplier (import those first)").format(org_name=org_name))
                    data["organisation"], found = orgs[org_name.lower()]
                    affiliation = affiliation or found
                if affiliation and affiliation not in ("internal", "customer", "supplier"):
                    raise ValueError(_("affiliation: {affiliation!r} is not internal, customer or supplier").format(affiliation=affiliation))
                data["affiliation"] = affiliation or "internal"
                try:
                    roles = parse_roles(get("roles").replace(";", ","))
                except InputError as exc:
                    raise ValueError(str(exc)) from None
            else:
                data.update(short=get("short")[:12], address=get("address"))
                if kind == "suppliers":
                    data["supplies"] = get("supplies")
            record = model(**data)
        except ValueError as exc:
            plan.rejected.append(Rejected(line, str(exc)))
            continue
        except ValidationError as exc:
            plan.rejected.append(Rejected(line, describe_validation_error(exc, _("row"))))
            continue
        seen.add(name.lower())
        seen_keys.add(name_key(name))
        if roles:
            plan.roles[len(plan.records)] = roles
        plan.records.append(record)
    return plan


def _people_name(text: str, existing: set[str], seen: set[str]) -> str:
    """A person's name from a row: clean (no line break, no invisible character), and reading unlike
    every stored name and every earlier row's (case, accents, look-alike letters)."""
    if not text:
        raise ValueError(_("name is empty"))
    try:
        name = clean_name(text)
    except InputError as exc:
        raise ValueError(str(exc)) from None
    if name_key(name) in existing:
        raise ValueError(_("{name!r} is already stored (or reads the same as a stored name)").format(name=name))
    if name_key(name) in seen:
        raise ValueError(_("{name!r} appears twice in the file (or reads the same as an earlier row)").format(name=name))
    return name


def apply_parties(store: StorePort, plan: PartyPlan) -> int:
    """Store the planned records (and people's roles) in one transaction, each with its history row."""

    task = "GO.1.2" if plan.kind == "people" else None
    with store.transaction():
        for index, record in enumerate(plan.records):
            saved = store.add(record, task=task)
            for role, area in plan.roles.get(index, []):
                store.add(RoleAssignment(person=saved.uuid, role=role, area=area), task="GO.1.2")
    return len(plan.records)
