"""The Service Incident process (IN): logging, the IN.2 flow and prevention.

Every function takes the store, performs one task of the standard, and writes the record and its
history in one transaction, tagged with the task id. Targets live in `targets`, lists and trends
in `incident_lists`: logging an incident from a script needs neither.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _, listed, pgettext, using

from ..governance.assign import who
from ..governance.people import callers, find_person, language_of, me, person_ref, split_reach, unknown_person
from ..intake.mail_delivery import told_at
from ..kernel import clock
from ..kernel.errors import InputError
from ..kernel.placeholder import counts
from ..model.lookup import resolve
from ..present.invalid import describe_validation_error
from . import policy
from .targets import target_clock, target_for

if TYPE_CHECKING:
    from ..model.ports import Reads, StorePort
    from ..model.records.control import ChangeRequest
    from ..model.records.governance import ServicePolicy
    from ..model.records.incident import Incident

# The models (and pydantic) load when a record is built or read in full; the dashboard and the
# incident list read plain rows (`incident_lists.IncidentRow`) and never need them.

WAITING = ("waiting for customer", "waiting for supplier")


# ---------------------------------------------------------------- the policy in force


def current_policy(store: StorePort) -> ServicePolicy | None:
    """The shop's policy in force (approved or updated), or None."""
    return store.latest("policies", {"status": ("approved", "updated")})


def priority_matrix(store: StorePort) -> dict[str, str]:
    """The policy's impact x urgency matrix, defaults where it is silent (read from the row: logging
    an incident never builds the policy model)."""
    row = store.row("policies", ["priority_matrix:json"], {"status": ("approved", "updated")})
    matrix = dict(policy.DEFAULT_MATRIX)
    if row and row[0]:
        matrix.update(row[0])
    return matrix


# ---------------------------------------------------------------- IN.2.1 record


def log_incident(
    store: StorePort,
    summary: str,
    *,
    customer: str | None = None,
    service: str | None = None,
    impact: str = "medium",
    urgency: str = "medium",
    reporter: str = "",
    reporter_contact: str = "",
    details: str = "",
    cis: list[str] | None = None,
    security: bool = False,
    problem: bool = False,
    use_last: bool = True,
    assignee: str | None = None,
    opened_at: datetime | None = None,
    caller: str | None = None,
    new_caller: str = "",
    new_caller_reach: str = "",
) -> Incident:
    """IN.2.1: record an incident. Only the summary is required; the customer and service default
    to the last used, the priority comes from the policy's matrix.

    `caller` is a customer's contact (a person's id or uuid): the reporter, how to reach them and,
    unless given, the customer come from them. `new_caller` is a contact typed in for the first
    time, with `new_caller_reach` (phone or e-mail, required): they are added to the customer's
    contacts in the same transaction as the incident. `opened_at`: when it was reported, when
    that was earlier than now (a message's date); never later than now."""
    summary = (summary or "").strip()
    if not summary:
        raise InputError(_("Summary: describe the incident in a few words (it is the only required field)"))
    contact = None
    if caller:
        uuid = person_ref(store, caller, _("Caller"), affiliation="customer")
        contact = next((c for c in callers(store) if c.uuid == uuid), None)
        if contact is not None:
            reporter, reporter_contact = contact.name, contact.email or contact.phone
            customer = customer or contact.customer
    new_person = None
    if (new_caller or "").strip():
        if not (new_caller_reach or "").strip():
            raise InputError(_("Phone or e-mail of {new_caller}: how to reach the caller (a new contact)").format(new_caller=new_caller.strip()),
                             field="reach")
        email, phone = split_reach(new_caller_reach)
        reporter, reporter_contact = new_caller.strip(), email or phone
        new_person = (reporter, email, phone)
    customer_uuid = resolve(store, "customers", customer) if customer else (store.pref("last_customer") if use_last else None)
    service_uuid = resolve(store, "services", service) if service else (store.pref("last_service") if use_last else None)
    ci_uuids = [resolve(store, "configuration_items", c) for c in (cis or [])]

    assignee_uuid = who(store, assignee) if assignee else None
    for name, value in (("impact", impact), ("urgency", urgency)):
        if value not in policy.LEVELS:
            raise InputError(_("{name}: expected high, medium or low (got {value!r})").format(name=name, value=value))
    from pydantic import ValidationError

    # here, not at the top: importing it loads pydantic
    from ..model.records.incident import Incident

    try:
        record = Incident(
            summary=summary, customer=customer_uuid, service=service_uuid, impact=impact, urgency=urgency,
            priority=policy.priority_for(impact, urgency, priority_matrix(store)), reporter=reporter,
            reporter_contact=reporter_contact, details=details, cis=ci_uuids, security=security,
            problem=problem, opened_at=min(opened_at, store.write_time()) if opened_at else store.write_time(),
            assignee=assignee_uuid,
        )
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _("incident"))) from None
    with store.transaction():
        if new_person is not None:
            # here, not at the top: importing it loads pydantic
            from ..governance.roles import add_person

            name, email, phone = new_person
            add_person(store, name, email=email, phone=phone, affiliation="customer", organisation=customer_uuid)
        stored = store.add(record, task="IN.1.3" if problem else "IN.2.1")
        for key, chosen in (("last_customer", customer_uuid), ("last_service", service_uuid)):
            if chosen:
                store.set_pref(key, chosen)
    return stored


# ---------------------------------------------------------------- IN.2.2 - IN.2.5


def _get(store: StorePort, ref: str) -> Incident:
    return store.get("incidents", ref)


def reachable_by(store: StorePort, inc: Incident) -> str:
    """How the affected party of `inc` can be told, as a notification's `how`: by e-mail when there
    is an address for them (the incident's contact, else their record in People), else by phone
    when there is a number, else in person (a caller who walked in and left nothing)."""
    contact = (inc.reporter_contact or "").strip()
    email = contact if "@" in contact else ""
    phone = contact if not email and any(ch.isdigit() for ch in contact) else ""
    found = find_person(store, inc.reporter) if (inc.reporter or "").strip() else None
    if found:
        row = store.row("people", ["email", "phone"], {"uuid": found[0]})
        if row:
            email, phone = email or (row[0] or ""), phone or (row[1] or "")
    return "email" if email.strip() else "phone" if phone.strip() else "in person"


def affected_party(store: StorePort, ref: str, text: str | None, label: str) -> str:
    """The name of the affected party `text` names for incident `ref` (who was told, who confirmed
    the fix): a person in People (their id, name or login, any affiliation), or the incident's
    reporter as it was given (a caller who is in no list, say), never anything else. An unknown
    name is refused with the names it nearly matches. `label`: the field as shown, translated."""
    text = (text or "").strip()
    if not text:
        raise InputError(_("{label}: choose a person").format(label=label))
    found = find_person(store, text)
    if found:
        return found[1]
    inc = _get(store, ref)
    reporter = (inc.reporter or "").strip()
    if reporter and text.lower() == reporter.lower():
        return reporter
    refusal = _("{label}: no person {text!r}, nor the incident's reporter (people are added in GO.1.2, or with "
                "'vse-tui people add')").format(label=label, text=text)
    raise unknown_person(store, text, refusal, extra=(reporter,) if reporter else ())


def classify(store: StorePort, ref: str, *, category: str | None = None, impact: str | None = None,
             urgency: str | None = None, cis: list[str] | None = None, related: list[str] | None = None,
             changes: list[str] | None = None, root_cause: str | None = None, security: bool | None = None) -> Incident:
    """IN.2.2: classify and link the incident to items, changes and other incidents."""
    inc = _get(store, ref)
    _must_be_open(inc, N_("{id} is closed; reopen it before you classify it"))
    changes_: dict[str, Any] = {"status": "updated"}
    if inc.state == "new":
        changes_["state"] = "in progress"
    if category is not None:
        changes_["category"] = category.strip()
    if impact or urgency:
        imp, urg = impact or inc.impact, urgency or inc.urgency
        changes_.update(impact=imp, urgency=urg, priority=policy.priority_for(imp, urg, priority_matrix(store)))
    if cis is not None:
        changes_["cis"] = [resolve(store, "configuration_items", c) for c in cis]
    if related is not None:
        changes_["related_incidents"] = [_get(store, r).uuid for r in related]
    if changes is not None:
        changes_["changes"] = [store.get("change_requests", c).uuid for c in changes]
    if root_cause is not None:
        changes_["root_cause"] = root_cause.strip()
    if security is not None:
        changes_["security"] = security
    with store.transaction():
        updated = store.update("incidents", inc.uuid, changes_, task="IN.2.2")
        for ci_uuid in set(updated.cis) - set(inc.cis):  # each item linked records the incident (WP.02)
            ci = store.get("configuration_items", ci_uuid)
            if inc.uuid not in ci.incidents:
                store.update("configuration_items", ci.uuid, {"incidents": [*ci.incidents, inc.uuid], "status": "updated"},
                             task="IN.2.2")
    return updated


def message_for(store: StorePort, inc: Incident, template: str, operator: str = "",
                language: str | None = None) -> str:
    """The policy's standard message for this incident, filled in, ready to copy: in `language`, else
    in the reporter's (their contact's, else their customer's: core.governance.people.language_of),
    else in the shop's."""

    if language is None:
        contact = inc.reporter_contact or ""
        language = language_of(store, contact if "@" in contact else "", name=inc.reporter or "",
                               organisation=inc.customer)
    pol = current_policy(store)
    tgt = target_clock(inc, target_for(store, inc))
    with using(language):
        text = policy.template_text(pol.templates if pol else None, template)
        values = {
            "id": inc.id, "summary": inc.summary, "priority": inc.priority,
            "reporter": inc.reporter or pgettext("mail", "there"),
            "details": inc.details or inc.summary, "solution": inc.solution or pgettext("mail", "(see below)"),
            "target": clock.local_text(tgt.due_at) if tgt.due_at else pgettext("mail", "as soon as possible"),
            "operator": operator or store.actor.operator,
            "shop": _shop_or(store.setting("shop_name", None), pgettext("mail", "the service desk")),
        }
    try:
        return text.format_map(_Defaulting(values))
    except (ValueError, IndexError):  # a malformed template: show it unfilled rather than fail
        return text


def _shop_or(name: str | None, default: str) -> str:
    return default if name is None else name


class _Defaulting(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


NOTIFY_TEMPLATE = {"IN.2.3": "incident_investigating", "IN.2.4": "incident_restored", "IN.2.5": "incident_closed"}


def notify(store: StorePort, ref: str, *, task: str, to: str, how: str = "email", message: str | None = None,
           at: datetime | None = None, mail: dict[str, Any] | None = None) -> Incident:
    """IN.2.3/IN.2.4: record that the affected party was told (who, when, how, what). `mail`: the
    message of ours that carries it (message_id, address, state "queued"): then the response time
    waits for a server to accept it (core.mail_delivery), it is no evidence of a response yet."""
    inc = _get(store, ref)
    if task not in NOTIFY_TEMPLATE:
        raise InputError(_("task: expected IN.2.3, IN.2.4 or IN.2.5 (got {task!r})").format(task=task))
    if not (to or "").strip():
        raise InputError(_("Notified: name who was told"))
    text = message if message is not None else message_for(store, inc, NOTIFY_TEMPLATE[task])
    if not (text or "").strip():
        raise InputError(_("Message: a notification keeps the text that was sent (the policy's standard message)"))
    from pydantic import ValidationError

    # here, not at the top: importing it loads pydantic
    from ..model.records.incident import Notification

    contact = find_person(store, to)
    try:
        note = Notification(task=task, to=to.strip(), how=how, at=at or store.write_time(),
                            by=store.actor.person or store.actor.operator, message=text,
                            to_person=contact[0] if contact else None, **(mail or {}))
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _("notification"))) from None
    changes: dict[str, Any] = {"notifications": [*inc.notifications, note]}
    if inc.status != "closed":
        changes["status"] = "updated"

    if task == "IN.2.3" and inc.responded_at is None and told_at(note) is not None:
        changes["responded_at"] = told_at(note)
    if inc.state == "new":
        changes["state"] = "in progress"
    return store.update("incidents", inc.uuid, changes, task=task)


def restore(store: StorePort, ref: str, *, solution: str, steps_taken: str | None = None) -> Incident:
    """IN.2.4: the service works again."""
    inc = _get(store, ref)
    _must_be_open(inc, N_("{id} is closed; reopen it before you restore it"))
    if not (solution or "").strip():
        raise InputError(_("Solution: say what restored the service"))
    now = store.write_time()
    changes: dict[str, Any] = {"status": "updated", "state": "restored", "solution": solution.strip(), "restored_at": now,
                               "resolver": store.actor.person or store.actor.operator}
    changes.update(_stop_waiting(inc, now))
    if steps_taken is not None:
        changes["steps_taken"] = steps_taken.strip()
    if inc.responded_at is None:
        changes["responded_at"] = now
    return store.update("incidents", inc.uuid, changes, task="IN.2.4")


def closure_problems(inc: Incident) -> list[str]:
    """What still stands in the way of closing (IN.2.5); empty when it may close."""
    problems = []
    if not inc.solution.strip():
        problems.append(_("a resolution (restore it first)"))
    if inc.confirmation is None:
        problems.append(_("the affected party's confirmation"))
    if inc.significant:
        if not inc.root_cause.strip():
            problems.append(_("a root cause (significant incident)"))
        if not inc.changes and not inc.no_change_reason.strip():
            problems.append(_("a change request for the mitigating solution, or the reason none is needed"))
    return problems


def confirmation_problem(store: Reads, inc: Incident) -> str | None:
    """Why an incident's confirmation is not the affected party's (IN.2.5), or None when it is.
    One rule: `close` refuses what it says, the evidence map and the audit check count by it,
    `incident show` says it."""
    c = inc.confirmation
    if c is None:
        return _("closed without the affected party's confirmation")
    if c.person and store.exists("people", {"uuid": c.person, "affiliation": "internal"}):
        return _("confirmed by a person of the shop, not by the affected party")
    return None


RESOLVER_CLOSES = "resolver-closes"  # the rule an incident closed by its own resolver acknowledges


def resolver_acknowledgement(store: Reads, inc: Incident) -> tuple[str, bool] | None:
    """The acknowledgement recorded for closing `inc` by its own resolver (its text) and whether it
    counts (`placeholder.counts`: not placeholder text); None when there is none."""
    found = store.rows("acknowledgements", ["mitigation"], {"rule": RESOLVER_CLOSES, "record": inc.uuid})
    if not found:
        return None
    text = str(found[-1][0] or "")
    return text, any(counts(t) for (t,) in found)


def closes_own_work(inc: Incident, closer: str | None, closer_name: str = "") -> bool:
    """The separation-of-duties rule at the moment of work: the practitioner who resolved the
    incident is also the one closing it for the provider (`closer`: their person uuid)."""
    resolver = (inc.resolver or "").strip()
    return bool(resolver) and resolver.lower() in {(closer or "").lower(), closer_name.strip().lower()} - {""}


def close(store: StorePort, ref: str, *, confirmed_by: str, how: str = "phone", at: datetime | None = None,
          solution: str | None = None, root_cause: str | None = None, no_change_reason: str | None = None,
          acknowledgement: str | None = None, checked_by: str | None = None, check: str = "") -> Incident:
    """IN.2.5: close with the resolution and the affected party's confirmation. A significant
    incident also needs its root cause and a change request (or the reason none is needed).
    Closing an incident one resolved oneself needs a second look: the person who checked the fix
    (`checked_by`, recorded with the confirmation, with how they checked it), or an acknowledgement
    of the rule, recorded on the incident."""
    inc = _get(store, ref)
    if inc.status == "closed":  # first: what it needs to close no longer matters
        raise InputError(_("{id} is already closed").format(id=inc.id))
    own = closes_own_work(inc, store.actor.person, store.actor.operator)
    checker = None
    if (checked_by or "").strip():
        checker = person_ref(store, checked_by, _("Checked by"), None)
        if checker in (inc.resolver, store.actor.person):
            raise InputError(_("Checked by: someone else than who resolved and closes it (the second look)"))
        if not (check or "").strip():
            raise InputError(_("How it was checked: say how they checked the fix"))
    if own and checker is None and not (acknowledgement or "").strip():
        raise InputError(_("You resolved {id} yourself: name who checked the fix (or acknowledge the rule)").format(id=inc.id))
    if own and checker is None and not counts(acknowledgement):
        raise InputError(_("Acknowledgement: {text!r} is placeholder text; say what covers the missing second look "
                           "(or name who checked the fix)").format(text=(acknowledgement or "").strip()))
    now = store.write_time()
    updates: dict[str, Any] = {}
    if solution:
        updates["solution"] = solution.strip()
    if root_cause:
        updates["root_cause"] = root_cause.strip()
    if no_change_reason:
        updates["no_change_reason"] = no_change_reason.strip()
    if (confirmed_by or "").strip():
        from pydantic import ValidationError

        # here, not at the top: importing it loads pydantic
        from ..model.records.incident import Confirmation

        confirmer = find_person(store, confirmed_by)
        if confirmer and confirmer[0] in (store.actor.person, inc.resolver):
            raise InputError(_("Confirmed by: the affected party confirms (the reporter or a contact of the customer), not the person closing or resolving it"))
        try:
            updates["confirmation"] = Confirmation(by=confirmed_by.strip(), at=at or now, how=how,
                                                   person=confirmer[0] if confirmer else None, checked_by=checker,
                                                   check=(check or "").strip() if checker else "")
        except ValidationError as exc:
            raise InputError(describe_validation_error(exc, N_("confirmation"))) from None
    candidate = inc.model_copy(update=updates)
    if candidate.confirmation is not None and confirmation_problem(store, candidate):
        raise InputError(_("Confirmed by: the affected party confirms (the reporter or a contact of the customer), "
                           "not a person of the shop"))
    missing = closure_problems(candidate)
    if missing:
        raise InputError(_("{id} cannot close yet: it needs {missing}").format(id=inc.id, missing=listed(missing)))
    updates.update(status="closed", state="closed", closed_at=now)
    if inc.restored_at is None:
        updates["restored_at"] = now
    updates.update(_stop_waiting(inc, now))
    with store.transaction():
        if own and checker is None:
            # here, not at the top: importing it loads pydantic
            from ..governance.roles import RoleWarning, acknowledge

            acknowledge(store, RoleWarning(RESOLVER_CLOSES, None, inc.resolver, ("PT",)), acknowledgement or "",
                        record=inc.uuid)
        return store.update("incidents", inc.uuid, updates, task="IN.2.5")


def set_waiting(store: StorePort, ref: str, on: str | None) -> Incident:
    """Pause the target clock while waiting for the customer or a supplier; None resumes."""
    inc = _get(store, ref)
    _must_be_open(inc, N_("{id} is closed; reopen it before you put on hold it"))
    now = store.write_time()
    if on is None:
        if inc.state not in WAITING:
            return inc
        changes = {"state": "in progress", **_stop_waiting(inc, now)}
    else:
        if on not in ("customer", "supplier"):
            raise InputError(_("waiting: expected customer or supplier (got {on!r})").format(on=on))
        changes = {"state": f"waiting for {on}", "waiting_since": now, "status": "updated"}
        if inc.state in WAITING:
            changes.update(_stop_waiting(inc, now))
            changes["waiting_since"] = now
    return store.update("incidents", inc.uuid, changes, task="IN.2.3")


def _stop_waiting(inc: Incident, now: datetime) -> dict[str, Any]:
    if inc.state not in WAITING or inc.waiting_since is None:
        return {}
    waited = int((now - inc.waiting_since).total_seconds() // 60)
    return {"waiting_minutes": inc.waiting_minutes + max(0, waited), "waiting_since": None}


def reopen(store: StorePort, ref: str, reason: str) -> Incident:
    inc = _get(store, ref)
    if inc.status != "closed":
        raise InputError(_("{id} is not closed").format(id=inc.id))
    if not (reason or "").strip():
        raise InputError(_("Reason: say why the incident is reopened"))
    steps = (inc.steps_taken + "\n" if inc.steps_taken else "") + _("Reopened: {reason}").format(reason=reason.strip())
    return store.update("incidents", inc.uuid, {
        "status": "updated", "state": "in progress", "closed_at": None, "restored_at": None,
        "confirmation": None, "reopened": inc.reopened + 1, "steps_taken": steps,
    }, task="IN.2.2")


def mark_problem(store: StorePort, ref: str, *, root_cause: str = "") -> Incident:
    """IN.1.3: mark an incident as a potential problem (a cause that could bring incidents again),
    with its root cause when known; a change request that removes the cause follows
    (`raise_change`)."""
    inc = _get(store, ref)
    if inc.problem:
        raise InputError(_("{id} is already a potential problem").format(id=inc.id))
    updates: dict[str, Any] = {"problem": True}
    if root_cause.strip():
        updates["root_cause"] = root_cause.strip()
    if inc.status == "opened":
        updates["status"] = "updated"
    return store.update("incidents", inc.uuid, updates, task="IN.1.3")


def edit_details(store: StorePort, ref: str, *, summary: str, details: str = "", reporter: str = "",
                 reporter_contact: str = "", resolver: str | None = None) -> Incident:
    """Correct what was recorded (IN.2.2): the summary, details, who reported it and how to reach
    them, and who works on it (a person of the shop, or nobody yet)."""

    inc = _get(store, ref)
    if not (summary or "").strip():
        raise InputError(_("Summary: say in a few words what is wrong"))
    who = person_ref(store, resolver, _("Resolver")) if (resolver or "").strip() else None
    return store.update("incidents", inc.uuid, {
        "summary": summary.strip(), "details": details or "", "reporter": (reporter or "").strip(),
        "reporter_contact": (reporter_contact or "").strip(), "resolver": who or "",
        **({"status": "updated"} if inc.status == "opened" else {})}, task="IN.2.2")


def log_time(store: StorePort, ref: str, *, minutes: int, who: str | None = None, billable: bool = True,
             note: str = "") -> Incident:
    """Time spent on an incident, by a person of the shop (default: the person at the keyboard)."""
    inc = _get(store, ref)
    from pydantic import ValidationError

    # here, not at the top: importing it loads pydantic
    from ..model.records.incident import TimeEntry

    person = person_ref(store, who, _("Who")) if (who or "").strip() else me(store, _("Who"))
    try:
        entry = TimeEntry(who=person or "", at=store.write_time(), minutes=minutes, billable=billable, note=note)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, N_("time spent"))) from None
    return store.update("incidents", inc.uuid, {"time_spent": [*inc.time_spent, entry]}, task=None)


def raise_change(store: StorePort, ref: str, *, title: str | None = None, change_type: str = "normal") -> tuple[Incident, ChangeRequest]:
    """Raise a change request for the mitigating solution or permanent fix, prefilled from the
    incident and linked both ways (IN.2.2 / IN.1.3)."""
    # here, not at the top: importing it loads pydantic
    from ..model.records.control import ChangeRequest

    inc = _get(store, ref)
    task = "IN.1.3" if inc.problem else ("IN.2.5" if inc.state == "restored" else "IN.2.2")
    with store.transaction():
        change = store.add(ChangeRequest(
            title=title or _("Fix for {id}: {summary}").format(id=inc.id, summary=inc.summary)[:300],
            purpose=_("Mitigating solution for incident {id}.").format(id=inc.id),
            problem=inc.root_cause or inc.details or inc.summary,
            priority=inc.priority, change_type=change_type, impacted_cis=list(inc.cis),
            incidents=[inc.uuid], service=inc.service, customer=inc.customer,
            requested_by=store.actor.person or "", contact=inc.reporter,
        ), task=task)
        updated = store.update("incidents", inc.uuid, {"changes": [*inc.changes, change.uuid], "status": "updated"}, task=task)
    return updated, change


def _must_be_open(inc: Incident, refusal: str) -> None:
    """Refuse to change a closed incident: `refusal` (an N_ text with {id}) says what was asked."""
    if inc.status == "closed":
        raise InputError(_(refusal).format(id=inc.id))
