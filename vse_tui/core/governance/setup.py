"""The governance setup's steps as forms: what each step asks (its fields, with their defaults or the
current document's values, or the draft typed so far) and how it is saved (the core function of
its task). The wizard screen is a generic stepper over these: it shows the fields, keeps drafts,
and calls `save`.

A field's kind is how it is typed: line, text (several lines), radio (one of a few), date. Steps
that approve their work product add the approval's fields (who, how, noted by) on screen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, formats

from ..kernel.errors import InputError
from ..present.labels import role_words
from ..relationship.queries import current_customers
from . import process as gov
from . import yearly

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Approval, Record


@dataclass
class FormField:
    name: str
    label: str
    kind: str = "line"  # line | text | radio | date
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    placeholder: str = ""


APPROVES = {"goals", "scope", "roles", "approve", "experience", "resources", "documents"}


def fields(store: StorePort, key: str, draft: dict[str, Any] | None) -> list[FormField]:
    """The fields of step `key`: the draft's values first, then the current document's, then the
    defaults a small shop can accept."""
    d = draft or {}

    def val(name: str, default: Any = "") -> Any:
        return d.get(name, default)

    if key == "goals":
        cur = store.latest("business_goals")
        return [FormField("shop_name", _("Shop name"), value=val("shop_name", store.setting("shop_name", "")),
                          placeholder=_("as customers know it, e.g. Harbour Lane IT")),
                FormField("goals", _("Goals"), "text", val("goals", cur.goals if cur else ""), required=True),
                FormField("objectives", _("Objectives"), "text", val("objectives", cur.objectives if cur else "")),
                FormField("provider_type", _("Provider"), "radio",
                          val("provider_type", cur.provider_type if cur else "external"),
                          [(_("external (we sell services)"), "external"),
                           (_("internal (we serve our own organisation)"), "internal")])]
    if key == "scope":
        cur = store.latest("scopes")
        names = "\n".join(current_customers(store).values())
        return [FormField("services_offered", _("Services"), "text",
                          val("services_offered", cur.services_offered if cur else ""), required=True,
                          placeholder=_("one a line: each new one becomes a draft service of the catalogue")),
                FormField("customers", _("Customers"), "text", val("customers", names),
                          placeholder=_("one per line: every customer you serve today")),
                FormField("boundaries", _("Boundaries"), "text", val("boundaries", cur.boundaries if cur else "")),
                FormField("technology", _("Technology"), "text", val("technology", cur.technology if cur else "")),
                FormField("exclusions", _("Not offered"), "text", val("exclusions", cur.exclusions if cur else ""))]
    if key == "policy":
        cur = store.latest("policies")
        base = gov.policy_defaults()
        # the review day offered as the person's language writes it (save reads it back the same way)
        base["review_date"] = formats.date_text(date.fromisoformat(base["review_date"]))
        if cur:
            base.update(objectives=cur.objectives, plans=cur.plans, catalogue_creation=cur.catalogue_creation,
                        change_definitions=dict(cur.change_definitions), change_request_method=cur.change_request_method,
                        communication_practices=cur.communication_practices, security_measures=dict(cur.security_measures),
                        review_date=formats.date_text(cur.review_date) if cur.review_date else base["review_date"])
        cd, sm = base["change_definitions"], base["security_measures"]
        return [FormField("objectives", _("Objectives"), "text", val("objectives", base["objectives"]), required=True),
                FormField("plans", _("Plans"), "text", val("plans", base["plans"])),
                FormField("catalogue_creation", _("Catalogue"), "text", val("catalogue_creation", base["catalogue_creation"])),
                FormField("pre_approved", _("Pre-approved change"), "text", val("pre_approved", cd.get("pre-approved", ""))),
                FormField("emergency", _("Emergency change"), "text", val("emergency", cd.get("emergency", ""))),
                FormField("normal", _("Normal change"), "text", val("normal", cd.get("normal", ""))),
                FormField("request_method", _("Asking for a change"), "text",
                          val("request_method", base.get("change_request_method") or _(gov.DEFAULT_REQUEST_METHOD))),
                FormField("communication", _("Communication"), "text",
                          val("communication", base["communication_practices"])),
                FormField("confidentiality", _("Confidentiality"), "text", val("confidentiality", sm.get("confidentiality", ""))),
                FormField("integrity", _("Integrity"), "text", val("integrity", sm.get("integrity", ""))),
                FormField("availability", _("Availability"), "text", val("availability", sm.get("availability", ""))),
                FormField("review_date", _("Review by"), "date", val("review_date", base["review_date"]), required=True,
                          placeholder=formats.date_hint())]
    if key in ("approve", "roles"):
        return []  # the roles step is a table of people and their roles (save's `roles`), not fields
    if key == "experience":
        cur = store.latest("cx_approaches")
        labels = {"measurement": _("Measuring"), "receiving": _("Receiving"), "acknowledging": _("Acknowledging"),
                  "recording": _("Recording"), "investigating": _("Investigating"), "answering": _("Answering"),
                  "escalating": _("Escalating"), "closing": _("Closing"), "log_contents": _("The log keeps")}
        starting = gov.cx_defaults()
        return [FormField(k, lbl, "text", val(k, getattr(cur, k) if cur else starting[k])) for k, lbl in labels.items()]
    if key == "resources":
        people = store.titles("people")
        out = []
        for a in store.records("role_assignments", {"state": "active"}):
            # the role in words (the label wraps between them), not its code
            role = role_words(a.role, a.area if a.role == "PT" else None)
            out.append(FormField(f"need_{a.uuid}", _("{person}, {role}").format(person=people.get(a.person, "?"), role=role),
                                 value=val(f"need_{a.uuid}", ""), placeholder=_("training or competence this role needs")))
            out.append(FormField(f"due_{a.uuid}", _("due by"), "date", value=val(f"due_{a.uuid}", ""),
                                 placeholder=formats.date_hint()))
        cur = store.latest("role_lists")
        out.append(FormField("training_needs", _("Overall"), "text", val("training_needs", cur.training_needs if cur else "")))
        return out + _second_look_fields(store, val)
    if key == "documents":
        cur = store.latest("data_procedures")
        labels = {"controls": _("Controls"), "location": _("Location"), "backup": _("Backup"), "archive": _("Archive"),
                  "other_records": _("Other records")}
        starting = gov.documents_defaults()
        return [FormField(k, lbl, "text", val(k, getattr(cur, k) if cur else starting[k]),
                          required=k == "backup") for k, lbl in labels.items()] + [
            FormField("backup_folder", _("Backup folder"), value=val("backup_folder", cur.backup_folder if cur else ""),
                      placeholder=_("where vse-tui writes its backups (empty: beside the database)"))]
    if key == "improvement":
        if store.exists("improvement_reports"):
            return []  # the report itself is written: nothing left to plan
        stored = yearly.plan(store)
        due = yearly.first_report_due(store)
        preparers, approvers = yearly.holders(store, yearly.PREPARES), yearly.holders(store, yearly.APPROVES)

        def first(options: dict[str, str], chosen: str) -> str:
            return chosen if chosen in options else next(iter(options), "")

        return [FormField("due", _("Due"), "date", val("due", formats.date_text(due) if due else ""), required=True,
                          placeholder=formats.date_hint()),
                FormField("preparer", _("Prepared by"), "radio", val("preparer", first(preparers, stored["preparer"])),
                          [(name, uuid) for uuid, name in preparers.items()]),
                FormField("approver", _("Approved by"), "radio", val("approver", first(approvers, stored["approver"])),
                          [(name, uuid) for uuid, name in approvers.items()])]
    raise KeyError(key)


def _second_look_fields(store: StorePort, val: Any) -> list[FormField]:
    """In a shop of one, whose person approves all they write: how a second look covers it (asked
    until answered; the answer is an acknowledgement of the one-person warning)."""
    # here, not at the top: importing it loads pydantic
    from .roles import sole_approver

    if sole_approver(store) is None:
        return []
    return [FormField("second_look", _("Second look"), "radio", val("second_look", "self"),
                      [(_("me, on a later day"), "self"), (_("an outside reviewer"), "outside"),
                       (_("not now"), "none")]),
            FormField("reviewer", _("Reviewer"), value=val("reviewer", ""),
                      placeholder=_("an outside reviewer's name and firm"))]


def save(store: StorePort, key: str, values: dict[str, Any], approved: Approval | None,
         roles: list[tuple[str | None, str, str, str]] | None = None, evidence: str | None = None) -> Record | None:
    """Save step `key` from what was typed (and the approval, for a step that approves; one given
    by someone other than the person at the keyboard comes with `evidence`, the message or the
    scan that shows it, attached)."""
    if key == "improvement":  # what is not given (a command line with no --set) takes the step's offer
        values = {f.name: values.get(f.name, f.value) for f in fields(store, key, values)} | values
    missing = [f.label for f in fields(store, key, values) if f.required and not str(values.get(f.name) or "").strip()]
    if missing:
        raise InputError(_("{fields}: required").format(fields=', '.join(missing)))
    if key in APPROVES and approved is None:
        raise InputError(_("Approved by: choose who approves this step"))
    v = values
    if key == "goals":
        return gov.save_goals(store, goals=v["goals"], objectives=v.get("objectives", ""),
                              provider_type=v.get("provider_type") or "external", approved=_needed(approved),
                              shop_name=v.get("shop_name", ""), evidence=evidence)
    if key == "scope":
        return gov.save_scope(store, services_offered=v["services_offered"], customers=v.get("customers", ""),
                              boundaries=v.get("boundaries", ""), technology=v.get("technology", ""),
                              exclusions=v.get("exclusions", ""), approved=_needed(approved),
                              make_services=True, evidence=evidence)
    if key == "roles":
        return gov.save_roles(store, roles or [], approved, evidence)
    if key == "policy":
        defaults = gov.policy_defaults()
        return gov.save_policy_draft(store, {
            "objectives": v["objectives"], "plans": v.get("plans", ""), "catalogue_creation": v.get("catalogue_creation", ""),
            "change_definitions": {"pre-approved": v.get("pre_approved", ""), "emergency": v.get("emergency", ""),
                                   "normal": v.get("normal", "")},
            "change_request_method": v.get("request_method", ""),
            "communication_practices": v.get("communication", ""),
            "security_measures": {"confidentiality": v.get("confidentiality", ""), "integrity": v.get("integrity", ""),
                                  "availability": v.get("availability", "")},
            "review_date": v["review_date"],
            **({} if store.latest("policies") else {"priority_matrix": defaults["priority_matrix"],
                                                     "targets": defaults["targets"], "templates": defaults["templates"]}),
        })
    if key == "approve":
        return gov.approve_policy(store, _needed(approved), evidence)
    if key == "experience":
        return gov.save_experience(store, {k: v.get(k, "") for k in gov.DEFAULT_CX}, _needed(approved), evidence)
    if key == "resources":
        needs = [(name[5:], value or "", v.get(f"due_{name[5:]}", "") or "") for name, value in v.items()
                 if name.startswith("need_")]
        for _assignment, need, due in needs:
            if (due or "").strip() and not (need or "").strip():
                raise InputError(_("A due date needs the training or competence it is for (the row's first field)"))
            if need.strip() and _looks_like_a_date(need):
                raise InputError(_("{need!r} looks like a date: write the training or competence in the first field and its due date in 'due by'").format(need=need))
        # here, not at the top: importing it loads pydantic
        from .roles import answer_sole_approver

        with store.transaction():
            rec = gov.save_resources(store, needs, v.get("training_needs", ""), approved, evidence)
            if v.get("second_look") in ("self", "outside"):
                answer_sole_approver(store, v["second_look"], v.get("reviewer") or "")
        return rec
    if key == "documents":
        return gov.save_documents(store, {k: v.get(k, "") for k in gov.DEFAULT_DOCUMENTS}, _needed(approved), evidence)
    if key == "improvement":  # a plan (settings with their history), not a work product: nothing to return
        if store.exists("improvement_reports"):
            return None  # the report is written (an import, a later year): it leads, no plan is stored
        yearly.save_plan(store, v["due"], v.get("preparer") or "", v.get("approver") or "")
        return None
    raise KeyError(key)


def _needed(approved: Approval | None) -> Approval:
    """The approval of a step that approves (`save` asks for it first)."""
    if approved is None:
        raise InputError(_("Approved by: choose who approves this step"))
    return approved


def _looks_like_a_date(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*", text))


__all__ = ["APPROVES", "FormField", "fields", "save"]
