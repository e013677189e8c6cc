"""The Governance process (GO) as a guided first-time setup: each step of the wizard performs one
task and leaves its work product in the status the standard gives it. Defaults are offered by the
screens but stored only when the user saves a step."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _, formats

from ..incidents import policy
from ..kernel import clock
from ..kernel.errors import InputError
from ..model.records import model_for
from ..present.invalid import describe_validation_error
from ..present.labels import field_name
from ..relationship.queries import current_customers
from . import yearly
from .approvals import attach_evidence, bind, bind_next, check_role, new, on_behalf
from .people import check_person_name

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Approval, Record
    from .roles import RoleWarning


@dataclass(frozen=True)
class Step:
    key: str
    task: str | None
    title: str
    wp: str
    why: str
    code: str = ""  # the codes the step list shows, when not its task's (the yearly step covers two)
    document: bool = True  # the step writes its work product (the yearly one only plans it)

    @property
    def shown_code(self) -> str:
        return self.code or self.task or self.wp


STEPS: tuple[Step, ...] = (
    Step("goals", None, N_("Business goals"), "WP.01",
         N_("Everything else hangs on why the shop exists and what it wants to achieve. Write a few plain sentences; an external provider (selling to customers) states its own goals.")),
    Step("scope", "GO.1.1", N_("Scope"), "WP.15",
         N_("Which services you offer, to whom, where and with what technology. Every customer you serve today belongs in it; what you do not do is worth writing down too.")),
    Step("roles", "GO.1.2", N_("Roles"), "WP.08",
         N_("Who does what. A Service Manager is required; the other roles can be combined in a small shop, with care: the warnings below say where a second pair of eyes is missing.")),
    Step("policy", "GO.2.1", N_("Policy draft"), "WP.14",
         N_("The house rules: objectives, how priorities are set, what each kind of change means, how you keep customers informed and how you protect data. The defaults suit a small shop; edit what does not fit.")),
    Step("approve", "GO.2.2", N_("Policy approval"), "WP.14",
         N_("Signing the policy off makes it the reference everyone works from. Record who approved it and how.")),
    Step("experience", "GO.2.3", N_("Customer voice"), "WP.04",
         N_("How praise, complaints and comments reach you and are answered. The feedback log follows these steps.")),
    Step("resources", "GO.3.1", N_("Resources"), "WP.08",
         N_("The skills each role needs and when they are due; the dashboard reminds you before they lapse.")),
    Step("documents", "GO.3.2", N_("Documents"), "WP.05",
         N_("Where records live, who may change them, how they are backed up and how long they are kept.")),
    Step("improvement", None, N_("Yearly review"), "WP.07",
         N_("Once a year you look back: did the shop meet its goals, what do customers say, which of your own "
            "rules still help, and what you will improve. A new shop has nothing to look back on yet, so here "
            "you only plan the first improvement report: when it is due, who writes it and who approves it."),
         code="GO.4", document=False),
)
STEP_KEYS = tuple(s.key for s in STEPS)

FIRST_PASS = (N_("First pass: the standard has this task read the policy as updated from customer feedback (GO.2.4); a new shop has no feedback yet, so it runs on the approved policy and the evidence says so."))

# The wizard's starting texts, in our own words, meant to be rewritten: marked here, offered in the
# shop's language when a step is filled in (cx_defaults, documents_defaults, policy_defaults). The
# evidence map's substance rule knows each in every language (core.evidence.substance).
DEFAULT_CX = {
    "measurement": N_("A short survey after each closed incident of priority P1 to P3, and a yearly conversation with each customer."),
    "receiving": N_("By e-mail, phone or in person; anyone in the shop may take it and logs it the same day."),
    "acknowledging": N_("Within one working day, by the Relationship Manager (or the Service Manager)."),
    "recording": N_("Every compliment, complaint and comment goes in the feedback log."),
    "investigating": N_("Complaints are looked into within five working days."),
    "answering": N_("A written answer to the customer, with what will change."),
    "escalating": N_("A complaint not settled goes to the Service Manager, then to an agreed mediator."),
    "closing": N_("Closed when the customer accepts the answer; the sign-off is recorded."),
    "log_contents": N_("Contact, company, special needs (language, accessibility), description, dates, outcome and sign-off."),
}

DEFAULT_REQUEST_METHOD = N_("Anyone asks the service desk by phone or e-mail; the desk raises the change request "
                            "the same day and the Control Manager evaluates it within two working days.")

DEFAULT_DOCUMENTS = {
    "controls": N_("Records are kept in vse-tui; only staff accounts can change them and every change keeps its history."),
    "location": N_("The vse-tui database on the shop's laptop, in the user data folder."),
    "backup": N_("A copy every night to the office NAS and every week off site, kept 90 days; a restore is tested every quarter."),
    "backup_folder": "",
    "archive": N_("Closed records are kept seven years, then deleted."),
    "other_records": N_("Invoices and personnel files live in the accounting system under the same rules."),
}

DEFAULT_POLICY_TEXTS = {
    "objectives": N_("Restore service within the agreed targets for at least 95% of incidents; "
                     "no more than one failed change per quarter; customers rate us 4 out of 5 or better."),
    "plans": N_("Quarterly performance report to each customer; a yearly improvement report; "
                "a restore test every quarter; training plans reviewed every year."),
    "catalogue_creation": N_("The Relationship Manager keeps the service catalogue and reviews it at least yearly."),
    "communication_practices": N_("Customers hear from us when an incident is logged, restored and closed, and two "
                                  "working days before a change that affects them."),
}


def _spoken(texts: dict[str, str]) -> dict[str, str]:
    """Starting texts in the language spoken now (an empty one stays empty)."""
    return {key: _(text) if text else "" for key, text in texts.items()}


def cx_defaults() -> dict[str, str]:
    """GO.2.3's starting text (the customer experience approach), in the language spoken now."""
    return _spoken(DEFAULT_CX)


def documents_defaults() -> dict[str, str]:
    """GO.3.2's starting text (data and document management), in the language spoken now."""
    return _spoken(DEFAULT_DOCUMENTS)


def starting_messages() -> dict[str, list[str]]:
    """item -> the wizard's starting texts for it as marked (English): what the substance rule
    looks for, translated into every language."""
    out: dict[str, list[str]] = {}
    sources: list[dict[str, str]] = [DEFAULT_CX, DEFAULT_DOCUMENTS, DEFAULT_POLICY_TEXTS,
                                     {"change_request_method": DEFAULT_REQUEST_METHOD}]
    for source in sources:
        for name, text in source.items():
            if text:
                out.setdefault(name, []).append(text)
    return out


# ---------------------------------------------------------------- where the wizard stands


def _exists(store: StorePort, table: str, statuses: tuple[str, ...]) -> bool:
    return store.exists(table, {"status": statuses})


def step_done(store: StorePort, key: str) -> bool:
    if key == "goals":
        return _exists(store, "business_goals", ("approved",))
    if key == "scope":
        return _exists(store, "scopes", ("approved",))
    if key == "roles":
        return _exists(store, "role_lists", ("approved", "updated"))
    if key == "policy":
        return _exists(store, "policies", ("draft", "approved", "updated"))
    if key == "approve":
        return _exists(store, "policies", ("approved", "updated"))
    if key == "experience":
        return _exists(store, "cx_approaches", ("approved",))
    if key == "resources":
        return _exists(store, "role_lists", ("updated",))
    if key == "documents":
        return _exists(store, "data_procedures", ("approved",))
    if key == "improvement":  # planned, or the report itself already written (an import, a second year)
        return bool(store.setting(yearly.PLAN_DUE)) or store.exists("improvement_reports")
    raise KeyError(key)


def progress(store: StorePort) -> dict[str, bool]:
    return {key: step_done(store, key) for key in STEP_KEYS}


def first_open_step(store: StorePort) -> int:
    done = progress(store)
    return next((i for i, key in enumerate(STEP_KEYS) if not done[key]), len(STEPS))


def setup_started(store: StorePort) -> bool:
    return any(progress(store).values())


def resume_step(store: StorePort) -> int:
    """Where to reopen the wizard: where the user was, never past the first unfinished step."""
    first = first_open_step(store)
    saved = store.pref("wizard_step")
    if saved in STEP_KEYS:
        return min(STEP_KEYS.index(saved), first)
    return min(first, len(STEPS) - 1)


def remember_step(store: StorePort, index: int) -> None:
    store.set_pref("wizard_step", STEP_KEYS[index])


def save_draft(store: StorePort, key: str, values: dict[str, Any]) -> None:
    """Unsaved typing of a step, kept so that a quit or a crash loses nothing. Not a work product."""
    store.set_pref(f"wizard_draft:{key}", json.dumps(values, ensure_ascii=False, default=str))


def load_draft(store: StorePort, key: str) -> dict[str, Any] | None:
    raw = store.pref(f"wizard_draft:{key}")
    return json.loads(raw) if raw else None


def drop_draft(store: StorePort, key: str) -> None:
    store.set_pref(f"wizard_draft:{key}", None)


# ---------------------------------------------------------------- the current documents


def current(store: StorePort, table: str) -> Record | None:
    return store.latest(table)


def approval(store: StorePort, by: str | None, how: str = "signature", noted_by: str | None = None) -> Approval:
    """An approval by a person of the shop (default: the person at the keyboard), bound to the version
    it approves when the step is saved."""

    return new(store, by, how or "signature", noted_by=noted_by)


def _save_document(store: StorePort, table: str, model: type[Record], fields: dict[str, Any], task: str | None, status: str,
                   approved: Approval | None, evidence: str | None = None) -> Record:
    """Create the document, or store a new version of it (the previous one stays in history). An
    approval given by someone other than the person at the keyboard is recorded on their behalf:
    `evidence`, the message or the scan that shows it, is attached (approvals.on_behalf)."""
    from pydantic import ValidationError  # loaded with `model`

    existing = store.latest(table)
    try:
        if existing is None:
            record = model(**fields, status=status)
            if approved:
                check_role(store, model.WP, approved, None)
                approved = _shown(store, record, approved, evidence, record.version)
                record = record.model_copy(update={"approvals": [bind(approved, record)]})
            return store.add(record, task=task)
        changes = dict(fields)
        changes["status"] = status
        if approved:
            check_role(store, model.WP, approved, None)
            candidate = model.model_validate({**existing.model_dump(), **changes, "version": existing.version + 1})
            approved = _shown(store, existing, approved, evidence, candidate.version)
            changes["approvals"] = [*existing.approvals, bind(approved, candidate)]
        return store.update(table, existing.uuid, changes, task=task)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _(model.LABEL))) from None


def _shown(store: StorePort, record: Record, approved: Approval, evidence: str | None, version: int) -> Approval:
    """The approval as recorded: one given by someone else carries its attached message or scan
    (refused without one, as every approval recorded on someone's behalf). Inside the write's
    transaction."""

    if on_behalf(store, approved, approved.how, evidence):
        return attach_evidence(store, record, approved, evidence or "", version)
    return approved


# ---------------------------------------------------------------- the steps


def save_goals(store: StorePort, *, goals: str, objectives: str, provider_type: str, approved: Approval, title: str = "",
               shop_name: str = "", evidence: str | None = None) -> Record:
    if not goals.strip():
        raise InputError(_("Goals: write at least one goal"))
    with store.transaction():
        if shop_name.strip() and shop_name.strip() != store.setting("shop_name"):
            store.set_setting("shop_name", shop_name.strip(), task=None)
        rec = _save_document(store, "business_goals", model_for("business_goals"),
                             {"title": title or _("Business goals and objectives"), "goals": goals.strip(),
                              "objectives": objectives.strip(), "provider_type": provider_type or "external"},
                             None, "approved", approved, evidence)
        drop_draft(store, "goals")
    return rec


def list_lines(text: str, label: str) -> list[str]:
    """The names of a list typed one a line, each once; a line that reads as a sentence (a colon,
    or many words) is refused with its text, so that no prose becomes a record."""
    out: list[str] = []
    for line in (text or "").splitlines():
        name = line.strip().lstrip("-*• ").strip()
        if not name:
            continue
        if ": " in name or name.endswith(":") or len(name.split()) > 8:
            raise InputError(_("{label}: one name a line; {name!r} reads as a sentence, not a name").format(label=label, name=name[:60]))
        if name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return out


def save_scope(store: StorePort, *, services_offered: str, customers: str, boundaries: str, technology: str,
               exclusions: str, approved: Approval, make_services: bool = False,
               evidence: str | None = None) -> Record:
    """GO.1.1. `customers` and `services_offered` are lists, one name a line (never split from
    prose: a comma belongs to a name such as "Baker & Sons, Ltd"); a new customer name becomes a
    customer record. With `make_services` (the setup's Services box), each new service name becomes
    a draft entry of the catalogue (RE.1.1) whose hours and targets are confirmed there."""
    if not services_offered.strip():
        raise InputError(_("Services offered: list what you offer"))
    services = list_lines(services_offered, _("Services")) if make_services else []
    names = list_lines(customers, _("Customers"))
    with store.transaction():
        uuids = []
        known = {t.lower(): u for u, t in store.titles("customers").items()}
        for name in names:
            found = known.get(name.lower())
            uuids.append(found or store.add(model_for("customers").model_validate({"name": name}), task="GO.1.1").uuid)
        offered = {t.lower() for t in store.titles("services").values()}
        for name in services:
            if name.lower() not in offered:
                store.add(model_for("services").model_validate({"name": name, "status": "draft"}), task="RE.1.1")
        present = list(current_customers(store))
        missing = [u for u in present if u not in uuids]
        rec = _save_document(store, "scopes", model_for("scopes"), {
            "title": _("Service delivery scope"), "services_offered": services_offered.strip(),
            "customers": uuids + missing, "boundaries": boundaries.strip(), "technology": technology.strip(),
            "exclusions": exclusions.strip()}, "GO.1.1", "approved", approved, evidence)
        drop_draft(store, "scope")
    return rec


def save_roles(store: StorePort, people_roles: list[tuple[str | None, str, str, str]],
               approved: Approval | None, evidence: str | None = None) -> Record | None:
    """GO.1.2. people_roles: (person uuid or None for a new person, name, email, roles text such as
    'SM,CM,PT:change'). Without a Service Manager the step is refused."""
    # here, not at the top: importing it loads pydantic
    from .roles import add_person, parse_roles, set_roles

    parsed = []
    for uuid, name, email, text in people_roles:
        if not name.strip():
            if text.strip():
                raise InputError(_("Roles: a row with roles needs the person's name"))
            continue
        parsed.append((uuid, name.strip(), email.strip(), parse_roles(text)))
    if not any(role == "SM" for *_, wanted in parsed for role, _ in wanted):
        raise InputError(_("Roles: name a Service Manager (SM); the setup cannot be completed without one"))
    with store.transaction():
        for uuid, name, email, wanted in parsed:
            if uuid:
                person = store.get("people", uuid)
                if person.name != name:
                    name = check_person_name(store, name, uuid, N_("Roles"))
                if (person.name, person.email) != (name, email):
                    store.update("people", uuid, {"name": name, "email": email}, task="GO.1.2")
                set_roles(store, uuid, wanted)
            else:
                add_person(store, name, email=email, roles=",".join(f"{r}:{a}" if a else r for r, a in wanted))
        assignments = [u for (u,) in store.rows("role_assignments", ["uuid"], {"state": "active"})]
        rec = None
        if approved is not None:  # a first list is approved; a later one is a new, updated version
            status = "approved" if store.latest("role_lists") is None else "updated"
            rec = _save_document(store, "role_lists", model_for("role_lists"), {"title": _("List of assigned roles"), "assignments": assignments},
                                 "GO.1.2", status, approved, evidence)
        drop_draft(store, "roles")
    return rec


def role_warnings_for(store: StorePort, rows: list[tuple[str | None, str, str, str]]) -> list[RoleWarning]:
    """Live warnings for the roles as typed, before they are saved (acknowledgements of stored people count)."""
    # here, not at the top: importing it loads pydantic
    from ..model.records.parties import Person, RoleAssignment

    # here, not at the top: importing it loads pydantic
    from .roles import check_combinations, parse_roles

    # here, not at the top: importing it loads pydantic
    from .roles import load as load_roles

    people, assignments = [], []
    _unused, _unused2, acks = load_roles(store)
    for uuid, name, _email, text in rows:
        if not name.strip():
            continue
        try:
            wanted = parse_roles(text)
        except InputError:
            continue
        person = Person(name=name.strip(), **({"uuid": uuid} if uuid else {}))
        people.append(person)
        assignments += [RoleAssignment(person=person.uuid, role=r, area=a) for r, a in wanted]
    return check_combinations(people, assignments, acks)


def policy_defaults(today: date | None = None) -> dict[str, Any]:
    today = today or clock.today()
    return {
        "objectives": _(DEFAULT_POLICY_TEXTS["objectives"]),
        "plans": _(DEFAULT_POLICY_TEXTS["plans"]),
        "catalogue_creation": _(DEFAULT_POLICY_TEXTS["catalogue_creation"]),
        "priority_matrix": dict(policy.DEFAULT_MATRIX),
        "targets": [{"priority": p, "respond_minutes": r, "resolve_minutes": s} for p, (r, s) in policy.DEFAULT_TARGETS.items()],
        "change_definitions": _spoken(policy.DEFAULT_CHANGE_DEFINITIONS),
        "change_request_method": _(DEFAULT_REQUEST_METHOD),
        "communication_practices": _(DEFAULT_POLICY_TEXTS["communication_practices"]),
        "templates": policy.default_templates(),
        "security_measures": _spoken(policy.DEFAULT_SECURITY_MEASURES),
        "review_date": (today + timedelta(days=365)).isoformat(),
    }


def save_policy_draft(store: StorePort, fields: dict[str, Any]) -> Record:
    """GO.2.1: the policy as a draft (a new version when one exists and is still a draft)."""
    fields = dict(fields)
    if isinstance(fields.get("review_date"), str):
        try:
            fields["review_date"] = formats.parse_date(fields["review_date"])  # as the person's language writes it
        except formats.ParseError as exc:
            raise InputError(_("{label}: {error}").format(label=field_name("review_date"), error=exc),
                             field="review_date") from None
    if "targets" in fields:
        # here, not at the top: importing it loads pydantic
        from ..model.records.governance import PriorityTarget as target

        fields["targets"] = [target(**t) if isinstance(t, dict) else t for t in fields["targets"]]
    if not str(fields.get("objectives", "")).strip():
        raise InputError(_("Objectives: write at least one objective"))
    existing = store.latest("policies")
    status = "draft" if existing is None or existing.status == "draft" else "updated"
    has_feedback = store.count("feedback") > 0
    task = "GO.2.4" if status == "updated" and has_feedback else "GO.2.1"
    with store.transaction():
        rec = _save_document(store, "policies", model_for("policies"), {"title": _("Service delivery and information security policy"), **fields},
                             task, status, None)
        drop_draft(store, "policy")
    return rec


def approve_policy(store: StorePort, approved: Approval, evidence: str | None = None) -> Record:
    """GO.2.2: approve and deploy the policy."""
    existing = store.latest("policies")
    if existing is None:
        raise InputError(_("There is no policy to approve yet: draft it first (GO.2.1)"))

    status = "approved" if existing.status == "draft" else existing.status
    check_role(store, "WP.14", approved, None)
    candidate = existing.model_copy(update={"status": status})
    with store.transaction():
        approved = _shown(store, existing, approved, evidence, existing.version + 1)
        return store.update("policies", existing.uuid, {"status": status, "approvals": [*existing.approvals,
                                                                                        bind_next(approved, candidate)]},
                            task="GO.2.2", expected_version=existing.version)


def save_experience(store: StorePort, fields: dict[str, str], approved: Approval, evidence: str | None = None) -> Record:
    """GO.2.3: the customer experience approach, approved."""
    if not any(v.strip() for v in fields.values()):
        raise InputError(_("Describe at least how feedback is received and answered"))
    with store.transaction():
        rec = _save_document(store, "cx_approaches", model_for("cx_approaches"),
                             {"title": _("Customer experience approach"), **{k: v.strip() for k, v in fields.items()}},
                             "GO.2.3", "approved", approved, evidence)
        drop_draft(store, "experience")
    return rec


def save_resources(store: StorePort, needs: list[tuple[str, str, str]], training_needs: str,
                   approved: Approval | None = None, evidence: str | None = None) -> Record:
    """GO.3.1: training and competence per role assignment; the list of roles becomes 'updated' and
    is approved again in its new version. Its training needs (WP.08's item) are `training_needs`,
    the overall words, or when none were typed each role's need with its person and due date.
    needs: (assignment uuid, requirement, due date or '')."""
    role_list = store.latest("role_lists")
    if role_list is None:
        raise InputError(_("Assign roles first (GO.1.2)"))
    # here, not at the top: importing it loads pydantic
    from .roles import said

    people = store.titles("people")
    lines = []  # each need as the list of roles says it: the person, the role, what it needs and by when
    with store.transaction():
        for assignment_uuid, requirement, due in needs:
            if not requirement.strip():
                continue
            try:
                due_on = formats.parse_date(due) if due.strip() else None  # as the person's language writes it
            except formats.ParseError as exc:
                raise InputError(_("{label}: {error}").format(label=field_name("due_on"), error=exc)) from None
            a = store.get("role_assignments", assignment_uuid)
            store.add(model_for("training").model_validate({
                "assignment": a.uuid, "person": a.person, "requirement": requirement.strip(), "due_on": due_on,
                "state": "planned"}), task="GO.3.1")
            line = _("{person}, {role}: {need}").format(person=people.get(a.person, "?"), role=said(a),
                                                        need=" ".join(requirement.split()))
            if due_on is not None:
                line = _("{need} (due by {day})").format(need=line, day=due_on.isoformat())
            lines.append(line)
        # the list's training needs (WP.08): the overall words typed, else each role's need (never
        # nothing when the step was told one)
        written = training_needs.strip() or "\n".join(lines)
        changes: dict[str, Any] = {
            "status": "updated", "training_needs": written.strip(),
            "assignments": [u for (u,) in store.rows("role_assignments", ["uuid"], {"state": "active"})]}
        if approved is not None:
            check_role(store, "WP.08", approved, None, task="GO.3.1")
            candidate = model_for("role_lists").model_validate({**role_list.model_dump(), **changes,
                                                                "version": role_list.version + 1})
            approved = _shown(store, role_list, approved, evidence, candidate.version)
            changes["approvals"] = [*role_list.approvals, bind(approved, candidate)]
        rec = store.update("role_lists", role_list.uuid, changes, task="GO.3.1")
        drop_draft(store, "resources")
    return rec


def save_documents(store: StorePort, fields: dict[str, str], approved: Approval | None,
                   evidence: str | None = None) -> Record:
    """GO.3.2: the data and document management procedure, drafted and approved (without an
    approval it stays a draft, for its approver to approve as any record)."""
    if not fields.get("backup", "").strip():
        raise InputError(_("Backup: say how and where backups are made"))
    clean = {k: v.strip() for k, v in fields.items()}
    with store.transaction():
        existing = store.latest("data_procedures")
        if existing is None:
            draft = store.add(model_for("data_procedures").model_validate(
                {"title": _("Data and document management procedure"), "status": "draft", **clean}), task="GO.3.2")
            rec = draft
            if approved is not None:
                check_role(store, "WP.05", approved, None)
                candidate = draft.model_copy(update={"status": "approved"})
                approved = _shown(store, draft, approved, evidence, draft.version + 1)
                rec = store.update("data_procedures", draft.uuid, {"status": "approved",
                                                                   "approvals": [bind_next(approved, candidate)]},
                                   task="GO.3.2", expected_version=draft.version)
        else:
            rec = _save_document(store, "data_procedures", model_for("data_procedures"), clean, "GO.3.2",
                                 "approved" if approved is not None else "draft", approved, evidence)
        drop_draft(store, "documents")
    return rec
