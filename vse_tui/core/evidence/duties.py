"""Separation of duties at the moment of approval, and mitigations that can be counted.

- Approving content one wrote is a finding in a shop of two or more people, whether another person
  holds one of the roles the standard gives the approval (she should have approved it) or nobody
  else does (give the role to someone, or have someone else write the content). In a shop of one
  person it is a finding unless she acknowledged a mitigation that names a check the app counts.
- A mitigation counts when it is not placeholder text and names a check the app can count from
  the records (`CHECKS`); `audit check` lists each mitigation whose check finds no evidence in
  the period (the last `PERIOD_DAYS` days, or since the mitigation was written)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, ngettext, pgettext

from ..governance.approvals import APPROVE_TASK, content_items
from ..governance.people import approvers, roles_of
from ..kernel import clock
from ..kernel.placeholder import counts, placeholder
from ..present.labels import CODES, roles_either

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Approval, Record, RoleAcknowledgement

PERIOD_DAYS = 92
SECOND_LOOK_DAYS = 30  # a document approved by its own author is looked at again within this many days


@dataclass(frozen=True)
class Check:
    key: str
    text: str  # what the app counts, in words
    pattern: re.Pattern[str]
    evidence: Callable[[StorePort, datetime, datetime], str | None]  # None: evidence found; else why not
    task: str = ""  # the task whose records the check counts, when a mitigation may cite it by its code


def _closures_reviewed(store: StorePort, since: datetime, until: datetime) -> str | None:
    """Every P1/P2 incident closed in the period was closed or confirmed by someone other than
    the person who restored it."""
    closed = store.records("incidents", {"status": "closed", "priority": ("P1", "P2"),
                                         "closed_at__ge": since, "closed_at__le": until}, order="-seq", limit=500)
    if not closed:
        return None
    alone = []
    for inc in closed:
        rows = store.history(inc.uuid)
        restorer = next((r.get("person") for r in reversed(rows) if r["field"] == "restored_at"), None)
        closer = next((r.get("person") for r in reversed(rows) if r["field"] == "status" and r["new_value"] == "closed"),
                      None)
        confirmer = inc.confirmation.person if inc.confirmation else None
        if not ({closer, confirmer} - {restorer, None}):
            alone.append(inc.id or inc.uuid)
    if alone:
        return ngettext("{n} P1/P2 closure of {total} in the period had no second person ({ids})",
                        "{n} P1/P2 closures of {total} in the period had no second person ({ids})", len(alone)).format(
            n=len(alone), total=len(closed), ids=", ".join(alone[:5]))
    return None


def _changes_reviewed(store: StorePort, since: datetime, until: datetime) -> str | None:
    deployed = store.count("change_requests", {"deployed_at__ge": since, "deployed_at__le": until})
    if not deployed:
        return None
    reviewed = store.count("change_requests", {"deployed_at__ge": since - timedelta(days=31), "state": "reviewed"})
    return None if reviewed else ngettext("{n} change deployed in the period, not reviewed",
                                          "{n} changes deployed in the period, none reviewed", deployed).format(n=deployed)


def _documents_reviewed(store: StorePort, since: datetime, until: datetime) -> str | None:
    """Every document approved by its own author in the period, `SECOND_LOOK_DAYS` or more ago,
    has a review recorded on it on a later day (an approval meaning "reviewed": by an outside
    reviewer, or by the author looking again)."""

    due = until - timedelta(days=SECOND_LOOK_DAYS)
    if due < since:
        return None
    looked, alone = 0, []
    for rec in _approved_records(store):
        for a in rec.approvals:
            if a.meaning != "approved" or not a.person or not (since <= a.at <= due):
                continue
            if a.person not in writers(store, rec, a):
                continue
            looked += 1
            day = clock.to_local(a.at).date()
            if not any(r.meaning == "reviewed" and clock.to_local(r.at).date() > day for r in rec.approvals):
                alone.append(f"{rec.id or rec.uuid} v{a.version}")
    if alone:
        return ngettext("{n} approval of one's own document of {total} in the period had no second look recorded "
                        "within {days} days ({ids}): record a review on it (a on its screen, meaning: reviewed)",
                        "{n} approvals of one's own documents of {total} in the period had no second look recorded "
                        "within {days} days ({ids}): record a review on each (a on its screen, meaning: reviewed)",
                        len(alone)).format(
            n=len(alone), total=looked, days=SECOND_LOOK_DAYS, ids=", ".join(alone[:5]))
    return None


def _approved_records(store: StorePort) -> list[Record]:
    """The records of every kind that takes an approval, approved now or before (newest first)."""
    # here, not at the top: importing it loads pydantic
    from ..model.records import KINDS
    from ..model.standard import load_standard

    standard = load_standard()
    out: list[Record] = []
    for kind, (_m, _c, wp) in KINDS.items():
        if wp and standard.wp(wp).approved_status:
            out += store.records(kind, {"status": ("approved", "updated")}, order="-seq", limit=500)
    return out


# The words that name each check, in every language the app speaks (a mitigation counts whatever
# the language it was written in: a shop's database moves between people of different languages).
_CLOSURES = (r"p1|p2|incidents?|incidentes?|closures?|closed|close|cierres?|cerrad\w*|cerrar|encerra\w*|"
             r"fechad\w*|fechamentos?|clôtur\w*|clotur\w*|fermetures?|fermé\w*")
_CHECKING = (r"review\w*|check\w*|confirm\w*|sign\w*|revis\w*|révis\w*|revue\w*|revoi\w*|revu\w*|relu\w*|"
             r"reli\w*|comprob\w*|verific\w*|vérifi\w*|firm\w*|assin\w*|contrôl\w*|confer\w*")
_CHANGES = (r"changes?|deploy\w*|cambios?|despl\w*|implanta\w*|mudanças?|mudancas?|changements?|déplo\w*|"
            r"deplo\w*|mise en production")
_REVIEWING = r"review\w*|revis\w*|révis\w*|revue\w*|revoi\w*|revu\w*|relu\w*|reli\w*|bilan\w*|examin\w*"
_DOCUMENTS = r"documents?|documentos?|approv\w*|aprob\w*|aprova\w*|approuv\w*"
_SECOND_LOOK = r"second look|second review|segunda revisión|segunda revisão|segunda mirada|segundo olhar|" \
               r"second regard|deuxième regard|seconde lecture|relecture|relu\w*|review\w*|revis\w*|révis\w*|revue\w*|" \
               r"revoi\w*|revu\w*"


def _both(first: str, second: str) -> re.Pattern[str]:
    """A text naming a word of each group, in any order."""
    return re.compile(rf"(?=.*\b({first})\b)(?=.*\b({second})\b)", re.I | re.S)


_SAID = CODES["check"]  # what each check counts, in words (the same words wherever the check is named)
CHECKS = (
    Check("closure-review", _SAID["closure-review"], _both(_CLOSURES, _CHECKING), _closures_reviewed),
    Check("change-review", _SAID["change-review"], _both(_CHANGES, _REVIEWING), _changes_reviewed, "CO.3.5"),
    Check("second-look", _SAID["second-look"], _both(_DOCUMENTS, _SECOND_LOOK), _documents_reviewed),
)
BY_KEY = {c.key: c for c in CHECKS}
_TASK_CODE = re.compile(r"\b([A-Z]{2}\.\d\.\d)\b")


def check_of(mitigation: str | None, chosen: str | None = None) -> Check | None:
    """The countable check a mitigation names, or None: the check chosen when it was written (the
    acknowledgement's `check`), else the task its text cites (e.g. "(CO.3.5)"), else the words of
    a check in any language the app speaks. One function for the audit check, the evidence map,
    the roles page and the improvement report, whatever language the mitigation is in."""
    if placeholder(mitigation):
        return None
    if chosen in BY_KEY:
        return BY_KEY[chosen]
    text = mitigation or ""
    cited = {m.group(1) for m in _TASK_CODE.finditer(text)}
    by_task = next((c for c in CHECKS if c.task and c.task in cited), None)
    return by_task or next((c for c in CHECKS if c.pattern.search(text)), None)


def mitigation_problem(mitigation: str | None, chosen: str | None = None) -> str | None:
    """Why a written mitigation does not count, or None when it names a countable check."""
    if placeholder(mitigation):
        return _("its mitigation is placeholder text")
    if check_of(mitigation, chosen) is None:
        return _("its mitigation names no check the app can count ({checks})").format(
            checks=pgettext("list separator", "; ").join(_(c.text) for c in CHECKS))
    return None


def evidence_problem(store: StorePort, mitigation: str, written: datetime, now: datetime | None = None,
                     chosen: str | None = None) -> str | None:
    """None when the mitigation's check finds its evidence in the period, else why not."""
    check = check_of(mitigation, chosen)
    if check is None:
        return mitigation_problem(mitigation, chosen)
    now = now or clock.now()
    since = max(written, now - timedelta(days=PERIOD_DAYS))
    return check.evidence(store, since, now)


def internal_people(store: StorePort) -> set[str]:
    """The people of the shop who could approve something (`roles.approvers`): who decides whether
    another person could have approved, and whether the shop is one of one for its approvals."""
    return approvers(store)


def writers(store: StorePort, record: Record, approval: Approval) -> set[str]:
    """The people who wrote the record's content in the version `approval` approves (its creation,
    or an edit of a content item): read by version, not by time, since an approval given with a
    write carries a moment taken just before the write's own (a second apart on the real clock)."""

    items = set(content_items(record))
    moment = clock.iso(approval.at) or ""

    def before(row: dict[str, Any]) -> bool:
        if approval.version is not None and row.get("version") is not None:
            return int(row["version"]) <= approval.version
        return (row["at"] or "") <= moment

    return {r["person"] for r in store.history(record.uuid)
            if r.get("person") and before(r)
            and (r["action"] == "create" or (r["action"] == "update" and r["field"] in items))}


@dataclass(frozen=True)
class SelfApproval:
    """An approval given by someone who wrote the content. `mitigated`: in a shop of one person,
    covered by their acknowledged warning whose mitigation names a countable check (an assessor
    still reads it, as a warning, not as an open finding)."""

    record: str
    approval: Approval
    why: str
    mitigated: bool = False


def mitigated_people(store: StorePort) -> set[str]:
    """The people with an acknowledged mitigation that names a countable check: in a shop of one
    approver, theirs is the answer that covers the approvals of their own documents."""

    return {p for p, text, chosen in store.rows("acknowledgements", ["person", "mitigation", "check"])
            if p and check_of(text, chosen)}


def acknowledgement_problem(store: StorePort, ack: RoleAcknowledgement, now: datetime | None = None) -> str | None:
    """None when an acknowledged warning is answered by a control the app counts and the records show
    it in the period, else why not: what the audit check, the roles page of the audit pack and the
    improvement report all say of an acknowledgement."""
    now = now or clock.now()
    return evidence_problem(store, ack.mitigation, ack.created_at or now, now, ack.check)


def approving_roles(record: Record) -> set[str]:
    """The roles of the task that approves the record's work product (`APPROVE_TASK`): whether
    another person could have approved is judged by these, whichever task the approval performs."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    task = APPROVE_TASK.get(getattr(record, "WP", None) or "")
    return set(load_standard().task(task).roles) if task else set()


def self_approvals(store: StorePort, record: Record, people: set[str] | None = None,
                   mitigated: set[str] | None = None) -> list[SelfApproval]:
    """The approvals of `record` given by someone who wrote its content: any, in a shop of two or
    more people, is a finding (the text says whether another person holds one of the roles of the
    task that approves its work product, `approving_roles`); in a shop of one person, each is a
    finding unless she acknowledged a mitigation that names a countable check (`mitigated`: the
    people with one), then it is listed as mitigated. One function for the evidence map and the
    audit check (`counted_approvals`)."""

    task_roles = approving_roles(record)
    if not task_roles:
        return []
    people = internal_people(store) if people is None else people
    mitigated = mitigated_people(store) if mitigated is None else mitigated
    out = []
    for a in record.approvals:
        if a.meaning != "approved" or not a.person or not a.content:
            continue
        if a.person not in writers(store, record, a):
            continue
        if [p for p in people - {a.person} if roles_of(store, p) & task_roles]:
            why = _("approved in v{version} by {person}, who wrote it, while another person of the shop holds the "
                    "approving role").format(version=a.version, person=a.by)
        elif people - {a.person}:  # another could approve other documents, not this one
            why = _("approved in v{version} by {person}, who wrote it, while nobody else holds the approving role "
                    "({roles}): give one of these roles to someone else, or have someone else write it").format(
                version=a.version, person=a.by, roles=roles_either(sorted(task_roles)))
        elif a.person not in mitigated:
            why = _("approved in v{version} by {person}, who wrote it, in a one-person shop with no compensating "
                    "control acknowledged: answer the one-person warning with a dated second look (the setup's "
                    "Resources step, or k on the Governance screen)").format(version=a.version, person=a.by)
        else:
            out.append(SelfApproval(record.id or record.uuid, a, _("approved in v{version} by {person}, who wrote "
                                                                   "it").format(version=a.version, person=a.by), True))
            continue
        out.append(SelfApproval(record.id or record.uuid, a, why))
    return out


@dataclass(frozen=True)
class Counted:
    """A record's approvals as evidence: those that count, the approvals of one's own content that
    do not (`refused`, each with why: the audit check's finding) and those the one-person shop's
    answer covers (`covered`: they count; an assessor reads them as answered warnings)."""

    counted: list[Approval]
    refused: list[SelfApproval]
    covered: list[SelfApproval]


def counted_approvals(store: StorePort, record: Record, people: set[str] | None = None,
                      mitigated: set[str] | None = None) -> Counted:
    """Which of the record's approvals count. An approval of one's own content counts only where
    the one-person shop's answer covers it; every other approval counts here (whether its approver
    held the role is judged apart). The evidence map and the audit check both ask this."""

    own = self_approvals(store, record, people, mitigated)
    refused = [s for s in own if not s.mitigated]
    ids = {id(s.approval) for s in refused}
    return Counted([a for a in record.approvals if id(a) not in ids], refused, [s for s in own if s.mitigated])


__all__ = ["BY_KEY", "CHECKS", "PERIOD_DAYS", "SECOND_LOOK_DAYS", "Check", "Counted", "SelfApproval", "check_of", "counts", "evidence_problem",
           "acknowledgement_problem", "approving_roles", "counted_approvals", "internal_people", "mitigated_people", "mitigation_problem",
           "self_approvals", "writers"]
