"""Roles and the combination rules of clause 10: who holds what, and which combinations deserve a
warning. Warnings inform; a tiny shop may knowingly accept one with a written mitigation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from vse_tui.i18n import N_, _

from ..kernel import clock
from ..kernel.errors import InputError
from ..model.data import approving_roles, role_codes
from ..model.lookup import resolve
from ..model.records.parties import Person, RoleAcknowledgement, RoleAssignment, TrainingRecord
from ..present.invalid import describe_validation_error
from ..present.labels import CODES, role_named, role_words, roles_listed
from .keys import fingerprint, key_body, owner_of
from .people import check_person_name, check_public_key

if TYPE_CHECKING:
    from ..model.ports import StorePort

MANAGER_AREA = {"CM": "change", "IM": "incident", "RM": "relationship"}
AREAS = ("change", "incident", "relationship")
RULE_NAMES = CODES["rule"]  # each rule's name, where a stored rule code is said in words (core.present.labels)


# the rules whose name already names the roles they are about: a headline does not repeat them
NAMES_ITS_ROLES = frozenset({"service-manager", "control-and-incident"})


@dataclass(frozen=True)
class RuleText:
    code: str
    name: str
    why: str
    instead: str


RULES = {
    "service-manager": RuleText(
        "service-manager", RULE_NAMES["service-manager"],
        N_("Someone has to own the policy, the plans and the improvement of the services; the setup is not complete without one."),
        N_("Name the owner or lead technician as Service Manager; in a one-person shop that is you.")),
    "control-and-incident": RuleText(
        "control-and-incident", RULE_NAMES["control-and-incident"],
        N_("The person who approves changes would also judge the incidents those changes cause: nobody checks the checker."),
        N_("Give one of the two roles to someone else, or have the customer or a peer review every change linked to an incident.")),
    "manager-and-practitioner": RuleText(
        "manager-and-practitioner", RULE_NAMES["manager-and-practitioner"],
        N_("Whoever approves the work would be approving their own work."),
        N_("Let another person do or approve that work, or have the customer sign off each piece (for example every change test).")),
    "builder-approves": RuleText(
        "builder-approves", RULE_NAMES["builder-approves"],
        N_("A builder approving their own change removes the independent check before deployment."),
        N_("Ask another person or the customer to approve, or record how the change was checked independently.")),
    "approver-without-role": RuleText(
        "approver-without-role", RULE_NAMES["approver-without-role"],
        N_("The standard gives each approval to certain roles; an approval by someone else is weaker evidence that the right person looked."),
        N_("Have a holder of the role approve, or write who checked it and why this approver may sign.")),
    "resolver-closes": RuleText(
        "resolver-closes", RULE_NAMES["resolver-closes"],
        N_("Closing your own work without a second look can hide an incomplete fix."),
        N_("Have the Incident Manager or the customer confirm, or note who checked the resolution.")),
    "sole-approver": RuleText(
        "sole-approver", RULE_NAMES["sole-approver"],
        N_("Nobody else is there to check what you approve."),
        N_("The Resources step asks for a compensating control: a dated second look at each document you approve, "
           "within 30 days.")),
}


@dataclass(frozen=True)
class RoleWarning:
    rule: str
    person: str | None  # uuid
    person_name: str
    roles: tuple[str, ...]
    acknowledged: RoleAcknowledgement | None = None
    detail: str = ""

    @property
    def text(self) -> RuleText:
        """The rule in words, in the language spoken now."""
        rule = RULES[self.rule]
        return RuleText(rule.code, _(rule.name), _(rule.why), _(rule.instead))

    @property
    def roles_named(self) -> tuple[str, ...]:
        """The roles it is about by their names, no code and no bracket: "Incident Manager",
        "Practitioner for incidents" (for a sentence's own brackets: the CLI, reports, the pack)."""
        return tuple(role_named(r) for r in self.roles)

    def headline(self) -> str:
        """The person, the rule in words and the roles by their names ("Sam: Control Manager and ...
        (Control Manager and Incident Manager)"): what the CLI, the setup's roles step and the
        People screen say first, each part a whole sentence of the language (French spaces its colons)."""
        said = self.text.name
        if self.person_name:
            said = _("{person}: {warning}").format(person=self.person_name, warning=said)
        # a shop-wide rule (no Service Manager) names its role already, and so does the rule on the two
        # managers ("Control Manager and Incident Manager should be different people")
        if self.roles and self.person_name and self.rule not in NAMES_ITS_ROLES:
            said = _("{warning} ({roles})").format(warning=said, roles=roles_listed(self.roles))
        return said

    def line(self) -> str:
        """One line: the headline, its detail and the acknowledgement (as `vse-tui roles check`
        prints it)."""
        said = self.headline() + self.detail
        if self.acknowledged:
            said += " [" + _("acknowledged: {mitigation}").format(mitigation=self.acknowledged.mitigation) + "]"
        return said


@dataclass
class Holding:
    """What one person holds: role codes, and the areas of their practitioner roles."""

    person: Person
    roles: set[str] = field(default_factory=set)
    practitioner_areas: set[str] = field(default_factory=set)


def label(a: RoleAssignment) -> str:
    """A held role as it is typed and stored (`PT:incident`)."""
    return f"PT:{a.area}" if a.role == "PT" and a.area else a.role


def said(a: RoleAssignment) -> str:
    """A held role as a person reads it: "PT (incidents)" in their language."""
    return role_words(a.role, a.area if a.role == "PT" else None, short=True)


def holdings(people: list[Person], assignments: list[RoleAssignment]) -> list[Holding]:
    by_uuid = {p.uuid: Holding(p) for p in people}
    for a in assignments:
        if a.state != "active" or a.person not in by_uuid:
            continue
        h = by_uuid[a.person]
        h.roles.add(a.role)
        if a.role == "PT":
            h.practitioner_areas.update([a.area] if a.area else AREAS)
    return list(by_uuid.values())


def check_combinations(people: list[Person], assignments: list[RoleAssignment],
                       acknowledgements: Sequence[RoleAcknowledgement] = ()) -> list[RoleWarning]:
    """The warnings for a set of role assignments (rules 1-4 of MODEL.md section 2, and rule 5 met
    ahead in a shop where one person holds every role: they approve all they write)."""
    acks = {(a.rule, a.person): a for a in acknowledgements if a.record is None}
    out: list[RoleWarning] = []
    held = holdings(people, assignments)
    if not any("SM" in h.roles for h in held):
        out.append(RoleWarning("service-manager", None, "", ("SM",), acks.get(("service-manager", None))))
    own = set(role_codes(external=False))  # the shop's roles, not a customer's or supplier's part
    # who could approve: a practitioner (PT) never approves, so one who joins leaves the shop's
    # documents approved by the one person who writes them (the rule of `duties.self_approvals`)
    holders = [h for h in held if h.roles & approving_roles()]
    if len(holders) == 1:  # one person holds every approving role of the shop: they approve what they write
        h = holders[0]
        out.append(RoleWarning("sole-approver", h.person.uuid, h.person.name,
                               tuple(c for c in role_codes() if c in h.roles & own),
                               acks.get(("sole-approver", h.person.uuid))))
    for h in held:
        name = h.person.name
        if {"CM", "IM"} <= h.roles:
            out.append(RoleWarning("control-and-incident", h.person.uuid, name, ("CM", "IM"),
                                   acks.get(("control-and-incident", h.person.uuid))))
        for manager, area in MANAGER_AREA.items():
            if manager in h.roles and area in h.practitioner_areas:
                out.append(RoleWarning("manager-and-practitioner", h.person.uuid, name, (manager, f"PT:{area}"),
                                       acks.get(("manager-and-practitioner", h.person.uuid))))
    return out


def load(store: StorePort) -> tuple[list[Person], list[RoleAssignment], list[RoleAcknowledgement]]:
    people = store.records("people", {"state": "active"}, order="title")
    assignments = store.records("role_assignments", {"state": "active"})
    acks = store.records("acknowledgements")
    return people, assignments, acks


def warnings(store: StorePort) -> list[RoleWarning]:
    return check_combinations(*load(store))


def parse_roles(text: str) -> list[tuple[str, str | None]]:
    """'SM,CM,PT:change' -> [('SM', None), ('CM', None), ('PT', 'change')], with clear errors."""
    out: list[tuple[str, str | None]] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        role_text, _sep, area_text = part.partition(":")
        role = role_text.strip().upper()
        area = area_text.strip().lower() or None
        codes = role_codes()
        if role not in codes:
            raise InputError(_("roles: {part!r} is not a role (use {codes} or {codes2}; PT:change for an area)").format(part=part, codes=', '.join(codes[:-1]), codes2=codes[-1]))
        if area and role != "PT":
            raise InputError(_("roles: only PT takes an area ({part!r})").format(part=part))
        if area and area not in AREAS:
            raise InputError(_("roles: the area of {part!r} must be change, incident or relationship").format(part=part))
        out.append((role, area))
    return out


def add_person(store: StorePort, name: str, *, email: str = "", phone: str = "", affiliation: str = "internal",
               roles: str = "", os_user: str | None = None, ssh_key: str | None = None,
               organisation: str | None = None, language: str | None = None) -> tuple[Person, list[RoleAssignment]]:
    """A person and their roles (GO.1.2), in one transaction. `os_user`: the login whose writes are
    theirs; `organisation`: for a contact, the customer or supplier they work for; `language`: the
    one mail to them is written in (es, pt_BR, fr, en; none: their organisation's, else the shop's)."""

    wanted = parse_roles(roles)
    login = (os_user or "").strip() or None
    if login:
        other = store.row("people", ["id", "title"], {"os_user": login})
        if other:
            raise InputError(_("The login {login!r} is already {other}'s ({other2})").format(login=login, other=other[1], other2=other[0]))
    org = None
    if organisation:
        kind = "suppliers" if affiliation == "supplier" else "customers"
        org = resolve(store, kind, organisation)
        affiliation = "supplier" if kind == "suppliers" else "customer"

    ssh_key = check_public_key(ssh_key)
    name = check_person_name(store, name)
    try:
        person = Person(name=name, email=email.strip(), phone=phone.strip(), affiliation=affiliation,
                        os_user=login, ssh_key=ssh_key, organisation=org, language=language)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _("person"))) from None
    if login and not store.actor.person and store.actor.os_user == login:
        # someone adding themself, mapped to their login: from this write on, they write as themself
        store.actor = store.actor.as_person(person.uuid, person.name)
    if ssh_key:
        person = person.model_copy(update={"key_proof": _first_key(store, person)})
    with store.transaction():
        person = store.add(person, task="GO.1.2")
        added = [store.add(RoleAssignment(person=person.uuid, role=r, area=a), task="GO.1.2") for r, a in wanted]
    return person, added


def _first_key(store: StorePort, person: Person) -> dict[str, Any]:
    """A key given with a new person is their first: registered by them at the keyboard (adding
    themself), never by someone else for them (core.governance.keys)."""

    fp = fingerprint(key_body(person.ssh_key or ""))
    other = owner_of(store, fp)
    if other:
        raise InputError(_("This key is registered for {other} ({other2}): one key, one person").format(other=other[2], other2=other[1]))
    if store.actor.person != person.uuid:
        raise InputError(_("{name} registers their key themself, at their own keyboard ('vse-tui people key {name!r} FILE.pub' from their login): add them without --ssh-key").format(name=person.name))
    return {"how": "self", "fingerprint": fp, "login": store.actor.os_user, "host": store.actor.host}


def set_roles(store: StorePort, person_uuid: str, wanted: list[tuple[str, str | None]]) -> list[RoleAssignment]:
    """Make a person's active roles exactly `wanted`: new ones added, dropped ones ended (kept in history)."""
    current = store.records("role_assignments", {"person": person_uuid, "state": "active"})
    have = {(a.role, a.area): a for a in current}
    with store.transaction():
        for key, a in have.items():
            if key not in wanted:
                store.update("role_assignments", a.uuid, {"state": "ended"}, task="GO.1.2")
        for role, area in wanted:
            if (role, area) not in have:
                store.add(RoleAssignment(person=person_uuid, role=role, area=area), task="GO.1.2")
    return store.records("role_assignments", {"person": person_uuid, "state": "active"})


def acknowledge(store: StorePort, warning: RoleWarning, mitigation: str, record: str | None = None,
                check: str | None = None) -> RoleAcknowledgement:
    """Accept a warning knowingly, with a written mitigation; stored with who and when, and with the
    countable check it names when the person chose one (`check`: a key of the checks the evidence
    counts, core.evidence.duties.CHECKS; an unknown key counts as none), so that it counts whatever
    language the mitigation is written in."""
    if len((mitigation or "").strip()) < 3:
        raise InputError(_("Mitigation: say how the risk is covered (e.g. 'the customer signs off every change test')"))
    return store.add(RoleAcknowledgement(rule=warning.rule, person=warning.person, roles=list(warning.roles),
                                         record=record, mitigation=mitigation.strip(), check=check or None),
                     task="GO.1.2" if record is None else None)


SECOND_LOOKS = ("self", "outside")  # how a shop of one covers approving its own documents


def sole_approver(store: StorePort) -> RoleWarning | None:
    """The warning of a shop where one person holds every role, still open (not acknowledged)."""
    return next((w for w in warnings(store) if w.rule == "sole-approver" and w.acknowledged is None), None)


def answer_sole_approver(store: StorePort, how: str, reviewer: str = "", days: int = 30) -> RoleAcknowledgement | None:
    """A shop of one answers its open one-person warning with a dated second look at every document
    its person approves (`how`: "self", they look again on a later day; "outside", `reviewer` does),
    written in words the audit check counts (core.evidence.duties' "second-look" check). None when
    no such warning is open."""

    warning = sole_approver(store)
    if warning is None:
        return None
    if how == "outside":
        if not reviewer.strip():
            raise InputError(_("Reviewer: name the outside reviewer who looks at each document"), field="reviewer")
        text = _("A dated second look at every document I approve myself: {reviewer}, from outside the shop, "
                 "reviews it within {days} days and the review is recorded on it.").format(
            reviewer=" ".join(reviewer.split()), days=days)
    elif how == "self":
        text = _("A dated second look at every document I approve myself: I review it again on a later day, within "
                 "{days} days, and record the review on it.").format(days=days)
    else:
        raise InputError(_("Second look: choose who looks again ({choices})").format(choices=", ".join(SECOND_LOOKS)))
    return acknowledge(store, warning, text, check="second-look")


def role_rows(store: StorePort) -> list[dict[str, Any]]:
    """People of the shop and the roles they hold, for `roles list`."""
    people, assignments, _ = load(store)
    by_person: dict[str, list[str]] = {}
    for a in assignments:
        by_person.setdefault(a.person, []).append(label(a))
    return [{"id": h.person.id, "name": h.person.name, "affiliation": h.person.affiliation,
             "roles": " ".join(by_person.get(h.person.uuid, []))} for h in holdings(people, assignments)]


def people_rows(store: StorePort) -> list[dict[str, Any]]:
    """Everyone in People, with their login, roles and whether they can sign, for `people list`."""
    people = store.records("people", order="title")
    roles: dict[str, list[str]] = {}
    for a in store.records("role_assignments", {"state": "active"}):
        roles.setdefault(a.person, []).append(label(a))
    orgs = {**store.titles("customers"), **store.titles("suppliers")}
    return [{"id": p.id, "uuid": p.uuid, "name": p.name, "affiliation": p.affiliation,
             "organisation": orgs.get(p.organisation or "", ""), "email": p.email, "login": p.os_user or "",
             "roles": " ".join(roles.get(p.uuid, [])), "key": "yes" if p.ssh_key else ""} for p in people]


def record_training(store: StorePort, ref: str, *, met_on: date | None = None, due_on: date | None = None,
                    note: str = "") -> TrainingRecord:
    """IN.1.1: a training or competence need recorded as met (today unless told), with when it is
    due again. Done by someone who holds SM (or the trainee's customer or supplier)."""

    rec = store.get("training", ref)
    met = met_on or clock.to_local(store.write_time()).date()
    changes: dict[str, Any] = {"met_on": met, "state": "met"}
    if due_on is not None:
        if due_on <= met:
            raise InputError(_("Due again: {due_on} must come after the day it was met ({met})").format(due_on=due_on, met=met))
        changes["due_on"] = due_on
    if note.strip():
        changes["notes"] = (rec.notes + "\n" + note.strip()).strip()
    return store.update("training", rec.uuid, changes, task="IN.1.1")


def renew_competence(store: StorePort, ref: str, *, due_on: date, met_on: date | None = None,
                     note: str = "") -> TrainingRecord:
    """IN.1.2: competence kept current: the need is met again and its next due date set."""

    rec = store.get("training", ref)
    met = met_on or clock.to_local(store.write_time()).date()
    if due_on <= met:
        raise InputError(_("Due again: {due_on} must come after the day it was renewed ({met})").format(due_on=due_on, met=met))
    changes: dict[str, Any] = {"met_on": met, "due_on": due_on, "state": "met"}
    if note.strip():
        changes["notes"] = (rec.notes + "\n" + note.strip()).strip()
    return store.update("training", rec.uuid, changes, task="IN.1.2")
