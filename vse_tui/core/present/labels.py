"""A stored code or a field's name as a person reads it, in the language spoken: the one place
that turns what is stored ("in progress", "medium", "queued", "impacted_cis") into words on a
screen, in the CLI's lists and show commands and in the reports. The field labels and the
records' states and statuses are the standard's names (`core.model.data`, data/standard/names);
the other codes are worded here. What is stored is never translated: JSON and CSV keep the codes."""

from __future__ import annotations

from collections.abc import Iterable

from vse_tui.i18n import N_, NAMES, SOURCE_LANGUAGE, _, either, language, pgettext

from ..model.data import field_label, role_name, state_name, status_name

# a choice's code -> its word, per stored field (the codes of core.model.records)
CODES: dict[str, dict[str, str]] = {
    "impact": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "risk": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "change_type": {"emergency": N_("emergency"), "normal": N_("normal"), "pre-approved": N_("pre-approved")},
    "ci_type": {"hardware": N_("hardware"), "software": N_("software"), "network": N_("network"),
                "document": N_("document"), "service component": N_("service component"), "other": N_("other")},
    "expiry_kind": {"licence": N_("licence"), "warranty": N_("warranty"), "certificate": N_("certificate"),
                    "contract": N_("contract")},
    "feedback_type": {"compliment": N_("compliment"), "complaint": N_("complaint"), "comment": N_("comment")},
    "source": {"customer": N_("customer"), "supplier": N_("supplier"), "other": N_("other")},
    "provider_type": {"internal": N_("internal"), "external": N_("external")},
    "affiliation": {"internal": N_("internal"), "customer": N_("customer"), "supplier": N_("supplier")},
    "item_type": {"change": N_("change"), "change window": N_("change window"),
                  "maintenance window": N_("maintenance window"), "business event": N_("business event")},
    "recurrence": {"none": N_("none"), "weekly": N_("weekly"), "monthly": N_("monthly")},
    "result": {"pass": N_("pass"), "fail": N_("fail")},
    # a practitioner's area, as "Practitioner (incidents)" says it
    "area": {"change": N_("changes"), "incident": N_("incidents"), "relationship": N_("relationship")},
    # how a party was told, confirmed or gave an approval
    "how": {"signature": N_("signature"), "email": N_("e-mail"), "paper": N_("paper"), "meeting": N_("meeting"),
            "verbal": N_("verbal"), "phone": N_("phone"), "chat": N_("chat"), "in person": N_("in person"),
            "other": N_("other")},
    "mail_kind": {"new": N_("new message"), "reply": N_("reply"), "held": N_("held for a person")},
    "meaning": {"approved": N_("approved"), "reviewed": N_("reviewed"),
                "accepted by the customer": N_("accepted by the customer"),
                "accepted by the supplier": N_("accepted by the supplier")},
    # what a due date is for (core.evidence.due), a CI's expiry among them
    "due_kind": {"agreement": N_("agreement"), "supplier agreement": N_("supplier agreement"), "policy": N_("policy"),
                 "catalogue": N_("catalogue"), "improvement report": N_("improvement report"),
                 "performance report": N_("performance report"), "training": N_("training"),
                 "licence": N_("licence"), "warranty": N_("warranty"), "certificate": N_("certificate"),
                 "contract": N_("contract"), "expiry": N_("expiry")},
    # how a person's key came to be theirs (core.governance.keys)
    "key_how": {"self": N_("registered by its owner"), "old key": N_("replacement signed with the old key"),
                "service manager": N_("replacement approved by the Service Manager")},
    # the keys of a policy's dicts: its security measures and its standard messages
    "security_measures": {"confidentiality": N_("confidentiality"), "integrity": N_("integrity"),
                          "availability": N_("availability")},
    "templates": {"incident_opened": N_("incident opened"), "incident_investigating": N_("incident investigating"),
                  "incident_restored": N_("incident restored"), "incident_closed": N_("incident closed"),
                  "change_scheduled": N_("change scheduled"), "change_deployed": N_("change deployed")},
    # the countable check a mitigation names (core.evidence.duties.CHECKS, the same words)
    "check": {"closure-review": N_("a second person on each P1/P2 closure (closed or confirmed by someone other than "
                                   "who restored it)"),
              "change-review": N_("a review of the changes deployed (CO.3.5)"),
              "second-look": N_("a dated second look at each document approved by its own author: a review recorded "
                                "on it within 30 days, by an outside reviewer or by the author on a later day")},
    # the command line's own choices (core.present: --help says them in words, see cli.common.Choices)
    "setup_step": {"goals": N_("Business goals"), "scope": N_("Scope"), "roles": N_("Roles"), "policy": N_("Policy draft"),
                   "approve": N_("Policy approval"), "experience": N_("Customer voice"), "resources": N_("Resources"),
                   "documents": N_("Documents"), "improvement": N_("Yearly review")},
    "wait_on": {"customer": N_("the customer"), "supplier": N_("a supplier"), "nobody": N_("nobody: stop waiting")},
    "sort": {"newest": N_("newest first"), "oldest": N_("oldest first"), "priority": N_("by priority"),
             "opened": N_("by the time it was opened")},
    "sync_side": {"local": N_("this copy's value"), "remote": N_("the other copy's value")},
    "task_state": {"done": N_("done"), "partly done": N_("partly done"), "not started": N_("not started"),
                   "stale": N_("stale")},
    # the role-combination rules an acknowledgement answers (core.governance.roles), by their names
    "rule": {
        "service-manager": N_("A Service Manager is required"),
        "control-and-incident": N_("Control Manager and Incident Manager should be different people"),
        "manager-and-practitioner": N_("A manager should not also be a practitioner in the same area"),
        "builder-approves": N_("The person who built a change should not approve its test report or deployment"),
        "approver-without-role": N_("An approval by someone who holds none of the task's roles"),
        "resolver-closes": N_("The practitioner who resolved an incident should not confirm its closure for the "
                              "provider"),
        "sole-approver": N_("One person writes and approves every document"),
    },
}
# a practitioner's role with its area, in words and without brackets, so that it reads inside a
# sentence's own brackets ("(Incident Manager and Practitioner for incidents)")
PRACTITIONER_FOR = {"change": N_("Practitioner for changes"), "incident": N_("Practitioner for incidents"),
                    "relationship": N_("Practitioner for the relationship")}


# every field whose stored codes have words here: shown in words on screens, in `record show`, in
# history diffs and in the pack, while what is stored keeps the code
WORDED = frozenset({*CODES, "state", "status", "urgency", "mail", "language", "role"})


def role_words(held: str, area: str | None = None, short: bool = False) -> str:
    """A role held, as typed and stored ("SM", "PT:incident", or the role and its area apart), in
    words: "Profissional (incidentes)"; `short`: the standard's code kept, the area said, as a
    table fits it ("PT (incidentes)")."""
    role, _sep, typed_area = held.partition(":")
    area = area or typed_area or None
    name = role if short else role_name(role)
    if area:
        return _("{role} ({area})").format(role=name, area=code_word("area", area))
    return name


def role_named(held: str, area: str | None = None) -> str:
    """A role held ("IM", "PT:incident") by its name in the language spoken, with no code and no
    bracket: "Incident Manager", "Practitioner for incidents". For lists and sentences a person
    reads (the pack, reports, the CLI, the audit check)."""
    role, _sep, typed_area = held.partition(":")
    area = area or typed_area or None
    if role == "PT" and area in PRACTITIONER_FOR:
        return _(PRACTITIONER_FOR[area])
    return role_name(role)


def roles_named(held: Iterable[str], joined: str | None = None) -> str:
    """Several roles held, each `role_named`, joined by ", " (or `joined`, already translated)."""
    return (", " if joined is None else joined).join(role_named(r) for r in held)


def roles_either(held: Iterable[str]) -> str:
    """Several roles any of which will do, as a sentence offers them: "Customer, Top management or
    Supplier" (the language's own "or")."""
    return either(role_named(r) for r in held)


def roles_listed(held: Iterable[str]) -> str:
    """Several roles held, each `role_named`, as a sentence lists them: "Service Manager, Control
    Manager and Incident Manager" (the language's own "and")."""
    names = [role_named(r) for r in held]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + _(" and ") + names[-1]


def _mail_state(code: str) -> str:
    return {"queued": pgettext("mail state", "queued"), "sent": pgettext("mail state", "sent"),
            "refused": pgettext("mail state", "refused"), "bounced": pgettext("mail state", "bounced"),
            "dropped": pgettext("mail state", "dropped")}.get(code, code)


def _urgency(code: str) -> str:  # its own words: they agree with "urgency" (Spanish urgencia alta)
    return {"high": pgettext("urgency", "high"), "medium": pgettext("urgency", "medium"),
            "low": pgettext("urgency", "low")}.get(code, code)


def code_word(field: str, code: object) -> str:
    """A stored code of `field` ("state", "status", "impact", "mail", "how"...) as the language
    spoken says it; an unknown code as it is stored."""
    text = "" if code is None else str(code)
    if not text:
        return ""
    if field in ("state", "status"):
        return state_name(text) if field == "state" else status_name(text)
    if field == "mail":
        return _mail_state(text)
    if field == "urgency":
        return _urgency(text)
    if field == "language":  # each language by its own name, whatever the language spoken
        return NAMES.get(text, text)
    if field == "role":
        return role_words(text)
    if field == "roles":  # a person's roles as stored for a table ("SM CM PT:incident"), by their names
        return roles_named(text.split())
    table = CODES.get(field, {})
    return _(table[text]) if text in table else text


def figure_name(key: str) -> str:
    """The name of a figure an improvement or performance report stores (reports.figures: a stable
    key such as "changes_deployed", "priority P1", "feedback complaint") in the language spoken; an
    unknown key as it is stored."""
    named = {"incidents": N_("incidents"), "changes_deployed": N_("changes deployed"), "complaints": N_("complaints")}
    if key in named:
        return _(named[key])
    group, _sep, code = key.partition(" ")
    if group == "priority" and code:
        return _("priority {priority}").format(priority=code)
    if group == "feedback" and code:
        return _("feedback ({type})").format(type=code_word("feedback_type", code))
    return key


def field_name(name: str) -> str:
    """A field's label as a list of a record's fields shows it: the standard's label in the language
    spoken, in English the field's own name spaced ("impacted cis")."""
    return field_label(name, english=_spaced(name))


def _spaced(name: str) -> str:
    """A field's name in English words, without the unit its value is shown in ("time to resolve":
    the value reads '3d 21h', not minutes)."""
    for unit in ("_minutes", "_days"):
        if name.endswith(unit) and name != unit[1:]:
            name = name[: -len(unit)]
    return name.replace("_", " ")


def field_words(name: str) -> str:
    """A field's name as it reads inside a sentence ("root cause: placeholder text"): in English its
    name in words, in another language its label there with a small first letter."""
    if language() == SOURCE_LANGUAGE:
        return _spaced(name)
    label = field_label(name, "")
    return label[:1].lower() + label[1:] if label else name.replace("_", " ")
