"""The evidence map: for each of the 40 tasks, whether the shop's records show it was performed,
derived from the content of the records the task produces, never from a tag alone.

A record of an output work product counts as evidence of a task when:
- it is in the status the task leaves it in (data/standard/tasks.toml);
- the content items data/standard/work_products.toml requires for that status are filled;
- where the status is an approved one, an approval binds its current content;
- a write on it performs the task (its history row carries the task), made by a person who holds
  one of the task's roles then (or with a role warning acknowledged in writing), never by a login
  mapped to no person;
- the task's inputs were in the status the standard lists when it was performed (a new shop runs
  GO.3.1 and GO.3.2 on the approved policy until feedback updates it: the evidence says so);
- what the task itself asks holds (the rules of `SPECIFIC` below: an incident closed with the
  affected party's confirmation and not by its own resolver unchecked; a notification that keeps
  the message sent; every impacted item updated on deployment ...).

A task is done when each of its outputs has such a record, partly done when some record or output
is there, not started when none is, and stale when done but performed longer ago than the review
interval the shop sets in its policy (`review_intervals`; the shop's defaults come from the
`cadence_days` of tasks.toml). Every state carries its why. One function counts (`summary`): the
dashboard, the evidence map, `report audit` and the audit pack print the same numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _, either, ngettext, pgettext

from ..governance.approvals import content_hash, not_approved, performing
from ..governance.approvals import state as approval_state
from ..governance.people import area_of, roles_of
from ..governance.process import STEPS, first_open_step
from ..governance.yearly import review_intervals
from ..incidents.process import closes_own_work, confirmation_problem, resolver_acknowledgement
from ..intake.mail_delivery import reached
from ..kernel import clock
from ..model.data import APPROVE_TASK, status_name, task_codes
from ..model.records import kind_of_wp
from ..present.labels import code_word, field_words, roles_either, roles_named
from ..relationship.queries import current_customers, current_suppliers, without_suppliers
from .duties import counted_approvals, counts, internal_people, mitigated_people, writers
from .lapsed import lapsed_training
from .substance import Index, kinds_words, offered, placeholder
from .substance import problems as substance_problems

if TYPE_CHECKING:
    from ..model.ports import Reader, StorePort
    from ..model.standard import Standard, Task, TaskIO, WorkProduct

STATES = ("done", "partly done", "not started", "stale")
SUPPLIER_AGREEMENT = "WP.21"
SCAN = 25  # candidate records examined per output, newest first
FIRST_PASS_TASKS = ("GO.3.1", "GO.3.2")


@dataclass
class Line:
    """One line of a task's why: a rule, whether it holds, and the records it is about."""

    ok: bool
    text: str
    records: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "text": self.text, "records": self.records}


@dataclass
class ProductCheck:
    wp: str | None
    name: str
    needed: list[str]
    any_of: bool
    condition: str | None
    found: list[str]  # statuses present among the stored records
    ok: bool
    ref: str | None = None  # the record that meets it (or the latest one)

    def as_dict(self) -> dict[str, Any]:
        return {"wp": self.wp, "name": self.name, "needed": self.needed, "any_of": self.any_of,
                "condition": self.condition, "found": self.found, "ok": self.ok, "ref": self.ref}


@dataclass
class TaskEvidence:
    task: str
    process: str
    activity: str
    title: str
    roles: list[str]
    holders: dict[str, list[str]]
    inputs: list[ProductCheck]
    outputs: list[ProductCheck]
    evidence: dict[str, Any] | None  # the write that performed it last: record, at, by, kind, what
    state: str
    why: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rule: str = ""  # the rule that derives the state, in words (describe)

    def as_dict(self) -> dict[str, Any]:
        return {"task": self.task, "process": self.process, "activity": self.activity, "title": self.title,
                "state": self.state, "roles": self.roles, "holders": self.holders,
                "inputs": [i.as_dict() for i in self.inputs], "outputs": [o.as_dict() for o in self.outputs],
                "evidence": self.evidence, "rule": self.rule, "why": [w.as_dict() for w in self.why],
                "notes": self.notes}

    @property
    def missing(self) -> list[str]:
        """What a user would do next: the rules that do not hold yet."""
        return [w.text for w in self.why if not w.ok]


# ---------------------------------------------------------------- the context of one evaluation


class _Context:
    """What the rules read more than once, read once per evaluation."""

    def __init__(self, store: StorePort, standard: Standard, now: datetime) -> None:
        self.store, self.standard, self.now = store, standard, now
        self._first: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._roles: dict[tuple[str | None, str, str | None], set[str]] = {}
        self._names: dict[str, str] | None = None
        self._acks: set[tuple[str, str | None]] | None = None
        self._people: tuple[set[str], set[str]] | None = None
        self._suppliers: bool | None = None

        self.substance = Index(store, now)
        # the shop recorded that it has no suppliers: no task waits for a supplier agreement
        self.no_suppliers = without_suppliers(store)

    def suppliers(self) -> bool:
        """Whether the shop has a supplier recorded now."""
        if self._suppliers is None:
            self._suppliers = bool(current_suppliers(self.store))
        return self._suppliers

    def needed(self, wp: str | None) -> bool:
        """Whether a task needs `wp` in this shop: a supplier agreement (WP.21) only with suppliers."""
        return not (wp == SUPPLIER_AGREEMENT and self.no_suppliers)

    def history(self, uuid: str) -> list[dict[str, Any]]:
        if uuid not in self._history:
            self._history[uuid] = self.store.history(uuid)
        return self._history[uuid]

    def first_in(self, kind: str, statuses: tuple[str, ...]) -> str | None:
        """When a record of `kind` first stood in one of `statuses` (ISO time), or None."""
        key = (kind, statuses)
        if key not in self._first:
            self._first[key] = self.store.first_status_time(kind, statuses)
        return self._first[key]

    def roles(self, person: str | None, at: str, task: str = "") -> set[str]:
        """The roles `person` held at `at`, in the practitioner area of `task` when given."""
        area = area_of(task) if task else None
        key = (person, at, area)
        if key not in self._roles:
            self._roles[key] = roles_of(self.store, person, clock.parse_datetime(at), area)
        return self._roles[key]

    def name(self, person: str | None) -> str:
        if self._names is None:
            self._names = self.store.titles("people")
        return self._names.get(person or "", person or "?")

    def people(self) -> tuple[set[str], set[str]]:
        """The people of the shop who could approve, and those whose own approvals an answer covers."""
        if self._people is None:
            self._people = (internal_people(self.store), mitigated_people(self.store))
        return self._people

    def acknowledged(self, record_uuid: str) -> bool:
        """A role warning met on this record was acknowledged with a written mitigation."""
        if self._acks is None:
            self._acks = {(r, rec) for r, rec, text in self.store.rows("acknowledgements", ["rule", "record", "mitigation"])
                          if counts(text)}
        return any(rec == record_uuid for _r, rec in self._acks)


# ---------------------------------------------------------------- evaluating one output record


def _satisfying(wp: WorkProduct, io: TaskIO) -> tuple[str, ...]:
    """The statuses of `wp` that meet what the task asks (any of them, or all)."""
    if io.any_of:
        return tuple(s for s in wp.statuses if any(wp.satisfies(s, r) for r in io.statuses))
    return tuple(s for s in wp.statuses if all(wp.satisfies(s, r) for r in io.statuses))


def _tags(task: Task) -> tuple[str, ...]:
    return (task.code, *ALSO_TAGS.get(task.code, ()))


def _performing_write(ctx: _Context, task: Task, io: TaskIO, wp: WorkProduct, rec: Any) -> dict[str, Any] | None:
    """The history row on `rec` that performs the task: where the task leaves the record in its
    initial status, the first of its writes whose version met the task's content with its inputs
    ready (a catalogue entry the setup made with a name only, before the policy was approved, and
    written in full after it is performed by that later write: its inputs and performer are judged
    then; later edits do not redo it), else its latest."""
    tags = _tags(task)
    history = ctx.history(rec.uuid)
    rows = [r for r in history if r["task"] in tags]
    if not rows:
        return None
    if wp.initial_status not in io.statuses:
        return rows[-1]
    if len({r["version"] for r in rows}) > 1:  # written again by the same task: which version met it
        firsts = [r for i, r in enumerate(rows) if i == 0 or r["version"] != rows[i - 1]["version"]]
        met = [r for r in firsts if _version_meets(ctx, wp, history, r)]
        ready = [r for r in met if not _input_problems(ctx, task, io.wp, r["at"])]
        return (ready or met or rows)[0]
    return rows[0]


def _version_meets(ctx: _Context, wp: WorkProduct, history: list[dict[str, Any]], row: dict[str, Any]) -> bool:
    """Whether the record, as the write `row` (and the rest of its version) left it, had the
    content its work product asks (substance.problems), rebuilt from its history."""
    data: dict[str, Any] = {}
    for h in history:
        if h["version"] is not None and row["version"] is not None and h["version"] > row["version"]:
            break
        if h["action"] == "create" and h["new_value"]:
            try:
                data = json.loads(h["new_value"])
            except ValueError:
                return False
        elif h["field"]:
            data[h["field"]] = _history_value(h["new_value"], data.get(h["field"]))
    return not substance_problems(ctx.substance, wp, data, data.get("status"), data.get("id"))


def _history_value(text: str | None, before: Any) -> Any:
    """A field's value as the history holds it back to JSON: text as it is, anything else (a
    list, a table, a number) from its JSON."""
    if text is None or isinstance(before, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


class Reason(str):
    """A reason a record is not evidence, as a person reads it, that knows what kind of reason it
    is ("input": an input was not ready, `wp` names it; "not performed": no write performed the
    task; "role": whoever performed it held none of the task's roles; "not notified": nobody was
    told), so that nothing reads the words back (they are in the person's language)."""

    kind: str = ""
    wp: str = ""
    login: str = ""  # "login": the login mapped to no person


def problem(text: str, kind: str, wp: str = "", login: str = "") -> Reason:
    out = Reason(text)
    out.kind, out.wp, out.login = kind, wp, login
    return out


def _record_problems(ctx: _Context, task: Task, io: TaskIO, wp: WorkProduct, rec: Any) -> tuple[list[str], dict[str, Any] | None]:
    """Why `rec` is not evidence of `task` (empty: it is), and the write that performed it."""

    problems = substance_problems(ctx.substance, wp, rec.model_dump(mode="json"), rec.status, rec.id)
    needs_approval = wp.approved_status and all(s in ("approved", "updated") for s in _satisfying(wp, io))
    # the task its approval performs (GO.1.1 for a scope, CO.2.3 for a design): then the approver did
    # the task; any other task is done by whoever wrote the record for it (its history row), and the
    # approval is only a condition of its status
    approves = APPROVE_TASK.get(wp.code) == task.code
    approval: Any = None
    row = _performing_write(ctx, task, io, wp, rec)
    if needs_approval:
        st = approval_state(rec)
        if not st.current:
            problems.append(st.text if st.latest is not None else not_approved(rec))
        else:
            current = content_hash(rec)
            # an approval of one's own content counts as the audit check says (one function decides)
            judged = counted_approvals(ctx.store, rec, *ctx.people())
            counted = [a for a in judged.counted if a.content == current and a.person]
            own = [s for s in judged.refused if s.approval.content == current]
            if own and not counted:
                problems.append(problem(own[-1].why, "self-approval"))
            performed = performing(rec, task.code, ctx.history(rec.uuid))
            mine = [a for a in counted if any(a is p for p in performed)]
            if approves and mine:  # the approver who performed it: one holding the task's role, if any did
                approval = next((a for a in reversed(mine)
                                 if ctx.roles(a.person, clock.iso(a.at) or "", task.code) & set(task.roles)),
                                mine[-1])
    if row is None:
        problems.append(problem(_("no write on it performs {code}").format(code=task.code), "not performed"))
        return problems, None
    at = row["at"]
    performer = row.get("person")
    if approval is not None:
        performer, at = approval.person, clock.iso(approval.at) or at
    if not performer:
        login = row.get("os_user") or row["operator"]
        problems.append(problem(_("written by the login {login}, mapped to no person").format(login=login), "login",
                                login=login))
    else:
        held = ctx.roles(performer, at, task.code)
        if not held & set(task.roles) and not ctx.acknowledged(rec.uuid):
            problems.append(problem(_("{who} held none of {roles} and no warning was acknowledged").format(
                who=ctx.name(performer), roles=roles_named(task.roles)), "role"))
    problems += _input_problems(ctx, task, io.wp, at)
    by = ctx.name(performer) if performer else row["operator"]
    if approval is not None:
        what = _("approved")
        wrote = sorted(ctx.name(p) for p in writers(ctx.store, rec, approval) - {performer})
        if wrote:  # the approver did the task; who wrote what she approved is said too
            by = _("{approver} (approving what {author} wrote)").format(approver=by, author=_(" and ").join(wrote))
    else:
        what = _("created") if row["action"] == "create" else _("{field} changed").format(field=row["field"])
    return problems, {"record": rec.id, "at": at, "by": by, "kind": rec.KIND, "what": what}


def _input_problems(ctx: _Context, task: Task, output_wp: str | None, at: str) -> list[str]:
    """The task's inputs that were not in the status the standard lists when it was performed."""

    out: list[str] = []
    for io in task.inputs:
        if io.wp is None or io.condition or io.wp == output_wp or not ctx.needed(io.wp):
            continue
        wp = ctx.standard.wp(io.wp)
        statuses = _satisfying(wp, io)
        first = ctx.first_in(kind_of_wp(io.wp), statuses)
        if first is not None and first <= at:
            continue
        if task.code in FIRST_PASS_TASKS and io.wp == "WP.14":
            approved = ctx.first_in("policies", ("approved", "updated"))
            if approved is not None and approved <= at:
                continue  # the first pass runs on the approved policy (said in the notes)
        if first:
            when, done = clock.parse_datetime(first), clock.parse_datetime(at)
            same_day = clock.to_local(when).date() == clock.to_local(done).date()  # then the time tells the order
            out.append(problem(_("its input {wp} was not {statuses} yet (first on {day})").format(
                wp=io.wp, statuses=io.status_text, day=clock.local_text(when, with_time=same_day)),
                "input", io.wp))
        else:
            out.append(problem(_("its input {wp} was not {statuses} yet").format(wp=io.wp, statuses=io.status_text),
                               "input", io.wp))
    return out


# ---------------------------------------------------------------- what each task itself asks


def _scope_has_every_customer(ctx: _Context, rec: Any) -> list[str]:
    present = set(current_customers(ctx.store))
    missing = present - set(rec.customers or [])
    return [ngettext("{n} present customer is not in it", "{n} present customers are not in it",
                     len(missing)).format(n=len(missing))] if missing else []


def _role_list_has_sm(ctx: _Context, rec: Any) -> list[str]:
    held = {r for (r,) in ctx.store.rows("role_assignments", ["role"], {"uuid": list(rec.assignments or [])})}
    return [] if "SM" in held else [_("it names no Service Manager")]


def _feedback_before(ctx: _Context, rec: Any) -> list[str]:
    return [] if ctx.store.exists("feedback") else [_("no feedback was logged to update it from")]


def _training_planned(ctx: _Context, rec: Any) -> list[str]:
    return [] if ctx.store.exists("training") else [_("no training or competence need is planned for the role holders")]


def _change_definitions(ctx: _Context, rec: Any) -> list[str]:
    defs = rec.change_definitions or {}
    missing = [t for t in ("pre-approved", "emergency", "normal") if not (defs.get(t) or "").strip()]
    said = {"pre-approved": _("no definition of a pre-approved change"),
            "emergency": _("no definition of a emergency change"), "normal": _("no definition of a normal change")}
    out = [said[t] for t in missing]
    if not (getattr(rec, "change_request_method", "") or "").strip():
        out.append(_("how to request a change is not written"))
    return out


def _ci_in_a_service(ctx: _Context, rec: Any) -> list[str]:
    return [] if rec.services else [_("it is not linked to a service")]


def _schedule_has_change(ctx: _Context, rec: Any) -> list[str]:
    return [] if ctx.store.exists("schedule_items", {"item_type": "change"}) else [_("no change is on it")]


def _resources_confirmed(ctx: _Context, rec: Any) -> list[str]:
    return [] if ctx.store.exists("schedule_items", {"item_type": "change", "resources__isnull": False}) \
        else [_("no planned change has its resources confirmed")]


def _deployment_not_by_builder(ctx: _Context, rec: Any) -> list[str]:
    latest = approval_state(rec).latest
    if rec.built_by and latest and rec.built_by == latest.person and not ctx.acknowledged(rec.uuid):
        return [_("its builder approved its deployment, with no mitigation acknowledged")]
    return []


def _impacted_items_updated(ctx: _Context, rec: Any) -> list[str]:
    """CO.3.4 on a configuration item: the deployed change that updated it updated all its items."""
    changes = ctx.store.records("change_requests", {"uuid": list(rec.changes or []), "deployed_at__isnull": False})
    for ch in changes:
        missing = [u for u in ch.impacted_cis
                   if not ctx.store.exists("configuration_items", {"uuid": u, "changes__has": ch.uuid})]
        if missing:
            return [ngettext("{id} was deployed but {n} of its items does not record it",
                             "{id} was deployed but {n} of its items do not record it", len(missing)).format(
                id=ch.id, n=len(missing))]
    return [] if changes else [_("no deployed change is recorded on it")]


def _catalogue_change_request(ctx: _Context, rec: Any) -> list[str]:
    return [] if rec.change_requests else [_("its change did not go through a change request")]


def _accepted_by_party(ctx: _Context, rec: Any) -> list[str]:
    party = "customer" if rec.KIND == "customer_agreements" else "supplier"
    current = content_hash(rec)
    if any(a.meaning == f"accepted by the {party}" and a.content == current for a in rec.approvals):
        return []
    if party == "customer":
        return [_("not accepted by the customer (an acceptance by one of their contacts, on this version)")]
    return [_("not accepted by the supplier (an acceptance by one of their contacts, on this version)")]


def _closed_properly(ctx: _Context, rec: Any) -> list[str]:
    unconfirmed = confirmation_problem(ctx.store, rec)
    out = [unconfirmed] if unconfirmed else []
    closing = next((r for r in reversed(ctx.history(rec.uuid)) if r["field"] == "status" and r["new_value"] == "closed"),
                   None)
    checked = rec.confirmation is not None and rec.confirmation.checked_by not in (None, rec.resolver)
    if closing and closes_own_work(rec, closing.get("person"), closing["operator"]) and not checked:
        out += unacknowledged(ctx.store, rec)
    return out


def unacknowledged(store: Reader, rec: Any) -> list[str]:
    """An incident closed by its own resolver, unchecked: the acknowledgement it needs, as the audit
    check reads it (`process.resolver_acknowledgement`)."""
    ack = resolver_acknowledgement(store, rec)
    if ack is None:
        return [_("closed by its own resolver without an acknowledgement")]
    if not ack[1]:
        return [_("closed by its own resolver, acknowledged with placeholder text only")]
    return []


def _classified(ctx: _Context, rec: Any) -> list[str]:
    out = [] if (rec.category or "").strip() else [_("no category")]
    if rec.significant and not (rec.root_cause or "").strip():
        out.append(_("a significant incident without its root cause"))
    if rec.cis:  # the items it names record it (WP.02 updated with IN.2.2): linked both ways
        unlinked = [ci.id or ci.uuid for ci in ctx.store.records("configuration_items", {"uuid": list(rec.cis)})
                    if rec.uuid not in ci.incidents]
        if unlinked:
            out.append(_("{items} named, but their configuration records do not record the incident (WP.02)").format(
                items=", ".join(sorted(unlinked))))
    return out


def _notified(task: str) -> Callable[[_Context, Any], list[str]]:
    def check(ctx: _Context, rec: Any) -> list[str]:
        sent = [n for n in rec.notifications if n.task == task and reached(n)]
        if not sent:
            waiting = [n for n in rec.notifications if n.task == task]
            if waiting:  # a mail of ours that no server accepted yet, or that was refused or came back
                return [_("the {task} notice did not reach anyone (mail {states})").format(
                    task=task, states=", ".join(code_word("mail", s) for s in sorted({n.state for n in waiting})))]
            if task == "IN.2.4":  # told of the incident perhaps (IN.2.3), but not that it is restored
                return [problem(_("the affected party was not told the service is restored (IN.2.4)"), "not notified")]
            return [problem(_("nobody was notified ({task})").format(task=task), "not notified")]
        if not any((n.message or "").strip() for n in sent):
            return [_("the notification keeps no message")]
        return []

    return check


def _restored(ctx: _Context, rec: Any) -> list[str]:
    out = [] if rec.restored_at and (rec.solution or "").strip() else [_("not restored with a solution")]
    return out + _notified("IN.2.4")(ctx, rec)


def _problem_fixed(ctx: _Context, rec: Any) -> list[str]:
    out = []
    if not rec.problem:
        out.append(_("not a potential problem"))
    if not (rec.root_cause or "").strip():
        out.append(_("no root cause"))
    if not rec.changes:
        out.append(_("no change request raised to fix it"))
    return out


def review_behind(store: Reader, procedure: Any) -> tuple[str, datetime, datetime] | None:
    """The deployment review a procedure's CO.3.5 update learnt from: the change reviewed last
    before that update, reviewed after its deployment (its id, deployed, reviewed); None when no
    deployment was reviewed before it. One rule for the evidence map and the audit check."""
    updated = store.last_task_row(procedure.uuid, "CO.3.5")
    if updated is None:
        return None
    best: tuple[str, datetime, datetime] | None = None
    for uuid, rid, deployed in store.rows("change_requests", ["uuid", "id", "deployed_at"],
                                          {"state": "reviewed", "deployed_at__isnull": False}, order="-seq", limit=SCAN * 8):
        row = store.last_task_row(uuid, "CO.3.5")
        if row is None or row["at"] > updated["at"]:
            continue
        reviewed, done = clock.parse_datetime(row["at"]), clock.parse_datetime(str(deployed))
        if done <= reviewed and (best is None or reviewed > best[2]):
            best = (rid or uuid, done, reviewed)
    return best


def _reviewed_change(ctx: _Context, rec: Any) -> list[str]:
    if ctx.store.exists("change_requests", {"state": "reviewed"}) and review_behind(ctx.store, rec) is not None:
        return []
    return [_("no deployment was reviewed before it was updated")]


CITED = ("CO.2.3", "CO.2.4", "CO.3.1", "CO.3.2", "CO.3.4", "CO.3.5")  # whose rows name the change behind them


def _cited(ctx: _Context, task: str, kind: str, ref: str) -> Line | None:
    """The change behind a record that counts for CO.3.4 (the deployment that updated the item) or
    CO.3.5 (the review the procedure learnt from), with its dates: the rows of the map read in one
    order (a review cited after the deployment it reviewed)."""
    rec: Any = ctx.store.get(kind, ref)

    def day(moment: datetime) -> str:
        return clock.local_text(moment, with_time=False)

    if task == "CO.3.5":
        behind = review_behind(ctx.store, rec)
        if behind is None:
            return None
        return Line(True, _("after the review of {change} (deployed {deployed}, reviewed {reviewed})").format(
            change=behind[0], deployed=day(behind[1]), reviewed=day(behind[2])), [behind[0]])
    if task == "CO.3.4":
        found = ctx.store.records("change_requests", {"uuid": list(rec.changes or []), "deployed_at__isnull": False})
        if not found:
            return None
        change: Any = max(found, key=lambda c: str(getattr(c, "deployed_at", "")))
        return Line(True, _("by the deployment of {change} ({deployed})").format(
            change=change.id, deployed=day(change.deployed_at)), [change.id or change.uuid])
    if getattr(rec, "change", None):  # a design, a build, a test report: made for one change
        made_for: Any = ctx.store.get("change_requests", rec.change)
        return Line(True, _("made for {change}").format(change=made_for.id), [made_for.id or made_for.uuid])
    return None


# task -> (output work product it applies to, or None for all) -> rule
SPECIFIC: dict[str, list[tuple[str | None, Callable[[_Context, Any], list[str]]]]] = {
    "GO.1.1": [("WP.15", _scope_has_every_customer)],
    "GO.1.2": [("WP.08", _role_list_has_sm)],
    "GO.2.4": [("WP.14", _feedback_before)],
    "GO.3.1": [("WP.08", _training_planned)],
    "CO.1.1": [("WP.14", _change_definitions)],
    "CO.1.4": [("WP.02", _ci_in_a_service)],
    "CO.2.2": [("WP.12", _schedule_has_change)],
    "CO.3.2": [("WP.11", _deployment_not_by_builder)],
    "CO.3.3": [("WP.12", _resources_confirmed)],
    "CO.3.4": [("WP.02", _impacted_items_updated)],
    "CO.3.5": [("WP.17", _reviewed_change)],
    "RE.1.3": [("WP.10", _catalogue_change_request)],
    "RE.2.2": [("WP.03", _accepted_by_party), ("WP.21", _accepted_by_party)],
    "IN.1.3": [("WP.18", _problem_fixed)],
    "IN.2.2": [("WP.18", _classified)],
    "IN.2.3": [("WP.18", _notified("IN.2.3"))],
    "IN.2.4": [("WP.18", _restored)],
    "IN.2.5": [("WP.18", _closed_properly)],
}

# What each task-specific rule asks, in words (the evidence map's why screen, the audit pack, JSON).
SPECIFIC_TEXT: dict[str, str] = {
    "GO.1.1": N_("the scope lists every present customer"),
    "GO.1.2": N_("the role list names a Service Manager"),
    "GO.2.4": N_("feedback was logged to update the policy from"),
    "GO.3.1": N_("a training or competence need is planned for the role holders"),
    "CO.1.1": N_("the policy defines pre-approved, emergency and normal changes and how to request one"),
    "CO.1.4": N_("the configuration item is linked to a service"),
    "CO.2.2": N_("a change is on the schedule"),
    "CO.3.2": N_("the builder did not approve the deployment (or a mitigation was acknowledged)"),
    "CO.3.3": N_("a planned change has its resources confirmed"),
    "CO.3.4": N_("the deployed change updated every item it impacts"),
    "CO.3.5": N_("a deployment was reviewed, after it was deployed and before the procedure was updated"),
    "RE.1.3": N_("the catalogue's change went through a change request"),
    "RE.2.2": N_("the agreement was accepted by the customer or supplier, on its current version"),
    "IN.1.3": N_("a potential problem with its root cause and a change request raised to fix it"),
    "IN.2.2": N_("a category, the root cause of a significant incident, and the configuration records of the items it "
                 "names updated with it (an incident that names none needs none)"),
    "IN.2.3": N_("the affected party was notified, with the message that was sent"),
    "IN.2.4": N_("restored with a solution, and the affected party notified with the message sent"),
    "IN.2.5": N_("closed with the affected party's confirmation, not by its own resolver without an acknowledgement"),
}


def describe(task: Task, standard: Standard | None = None) -> str:
    """The rule that derives `task`'s state, in words: what record, in what status, with what
    filled, written by whom, with which inputs at the time, and what the task itself asks."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard
    standard = standard or load_standard()
    if task.code == "IN.1.1":
        return _("every holder of a role of the shop has training recorded as met (WP.08's training, its requirement "
                 "no placeholder text), recorded with IN.1.1 by a holder of {roles}").format(
                     roles=roles_either(task.roles))
    if task.code == "IN.1.2":
        return _("nobody's training or competence has lapsed, and a renewal was recorded with IN.1.2 by a holder of "
                 "{roles}").format(roles=roles_either(task.roles))
    parts = []
    for io in wanted(task):
        wp = standard.wp(io.wp or "")
        statuses = _statuses_text(io)
        items = sorted({i for st in io.statuses for i in wp.required_in(st)})
        # "Service incident record" says "record" already
        text = (_("a {code} {name} written with {task}, {statuses}") if wp.name.lower().endswith("record") else
                _("a {code} {name} record written with {task}, {statuses}")).format(
            code=wp.code, name=wp.name, task=task.code, statuses=statuses)
        if items:
            filled = ", ".join(f"{field_words(i)} ({_substance_words(wp, i)})" for i in items)
            if wp.own:
                text += _(", with {items} (no placeholder text, no text pasted from another item or document, not "
                          "the app's starting text for {own})").format(
                    items=filled, own=", ".join(field_words(o) for o in wp.own))
            elif offered_items := [i for i in offered(wp) if i in items]:
                text += _(", with {items} (no placeholder text, no text pasted from another item or document; the "
                          "shop's own words, not the app's starting text, in at least one of {offered})").format(
                    items=filled, offered=", ".join(field_words(o) for o in offered_items))
            else:
                text += _(", with {items} (no placeholder text, no text pasted from another item or document)").format(
                    items=filled)
        if wp.approved_status and all(st in ("approved", "updated") for st in _satisfying(wp, io)):
            text += _(", approved in its current content")
        parts.append(text)
    inputs = [f"{io.wp} {io.status_text}" for io in task.inputs if io.wp and not io.condition]
    out = pgettext("list separator", "; ").join(parts) + _("; performed by a holder of {roles} (or with an acknowledged warning)").format(
        roles=roles_either(task.roles))
    if inputs:
        out += _("; with its inputs {inputs} at that time").format(inputs=", ".join(inputs))
    if task.code in SPECIFIC_TEXT:
        out += _("; and {rule}").format(rule=_(SPECIFIC_TEXT[task.code]))
    if task.cadence_days:
        out += ngettext("; stale after the shop's review interval (default {n} day)",
                        "; stale after the shop's review interval (default {n} days)", task.cadence_days).format(
            n=task.cadence_days)
    return out


def _statuses_text(io: TaskIO) -> str:
    """An output's statuses as a person reads them: "approved or updated" in their language."""
    shown = [status_name(s) for s in io.statuses]
    return either(shown) if io.any_of else _(" and ").join(shown)


def _substance_words(wp: WorkProduct, item: str) -> str:
    """An item's substance rule (data/standard) in words."""
    out = []
    for token in wp.substance.get(item, "text").split():
        kind, _sep, arg = token.partition(":")
        if kind == "text" or (kind == "words" and arg == "1"):
            out.append(_("written"))
        elif kind == "words":
            out.append(_("{n} words or more").format(n=arg))
        elif kind == "items":
            out.append(_("{n} entries or more").format(n=arg) if arg != "1" else _("an entry or more"))
        elif kind == "date":
            out.append(_("a date in range"))
        elif kind == "moment":
            out.append(_("a time not in the future"))
        elif kind == "after":
            out.append(_("not before {item}").format(item=field_words(arg)))
        elif kind == "ref":
            out.append(_("an existing {kinds}").format(kinds=kinds_words(arg.split("|"))))
        else:
            raise KeyError(kind)
    return ", ".join(out)


# Tasks whose evidence is not (only) the outputs the tables name: what the app records when the
# task is performed. CO.1.1 defines the change types in the approved policy; CO.1.2 writes the
# procedures (how to raise a change request is one of their items: the request's form, not a
# request) and the schedule, so a change request raised later is no evidence of it; CO.1.3 approves the
# procedures and the schedule (the change request and configuration record forms are the app's
# own); CO.3.2 approves the deployment on the change and makes its build final (the test report
# it reviews stays as published); CO.3.4 updates the catalogue only for a new or changed service.
OUTPUTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "CO.1.1": [("WP.14", ("approved",))],
    "CO.1.2": [("WP.17", ("draft",)), ("WP.12", ("draft",))],
    "CO.1.3": [("WP.17", ("approved",)), ("WP.12", ("approved",))],
    "CO.3.2": [("WP.11", ("approved", "updated")), ("WP.13", ("final",))],
    "CO.3.4": [("WP.02", ("updated",))],
}
# History tags that perform a task besides its own code: the change types are defined when the
# policy is drafted, approved or updated.
ALSO_TAGS: dict[str, tuple[str, ...]] = {"CO.1.1": ("GO.2.1", "GO.2.2", "GO.2.4")}
# Outputs a table lists that a record leaves only in some cases. IN.2.2 links the incident to the
# "other necessary records": an incident with no failed component (a question, an account to
# open) names no configuration item, and only the items an incident names are updated with it
# (`_classified` checks those, incident by incident). Requiring an item of every incident would
# only ask for links made up to fill a field.
WHEN: dict[str, dict[str, str]] = {"IN.2.2": {"WP.02": N_("for the configuration items the incident names")}}


def wanted(task: Task) -> list[TaskIO]:
    """The outputs a record performing `task` must leave, each in its statuses: one answer for the
    map, the rule in words and a record's steps."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import TaskIO

    if task.code in OUTPUTS:
        return [TaskIO(wp=wp, statuses=list(st), status_text="/".join(st)) for wp, st in OUTPUTS[task.code]]
    when = WHEN.get(task.code, {})
    return [io for io in task.outputs if io.wp and not io.condition and io.wp not in when]


def task_state(met: int, outputs: int, touched: bool) -> str:
    """A task's state from its outputs: done when each has a record that counts, partly done when
    some has or a record was written with the task, else not started. The one rule for the map (over
    the shop's records) and for a record's steps (over that record's)."""
    if outputs and met == outputs:
        return "done"
    return "partly done" if met or touched else "not started"


# ---------------------------------------------------------------- training (IN.1.1, IN.1.2)


def _training_task(ctx: _Context, task: Task, interval: int | None) -> tuple[str, list[Line], dict[str, Any] | None]:
    """IN.1.1: every holder of a role of the shop has their training recorded as met; IN.1.2:
    nobody's competence has lapsed, and a renewal was recorded within the review interval."""
    store = ctx.store
    holders = {p for (p,) in store.rows("role_assignments", ["person"], {"state": "active"})}
    names = store.titles("people")

    rows = store.rows("training", ["uuid", "id", "person", "met_on", "due_on", "requirement"])
    junk = [r[1] for r in rows if placeholder(r[5])]
    training = [r[:5] for r in rows if not placeholder(r[5])]
    lines: list[Line] = []
    if junk:
        lines.append(Line(False, (_("requirement: placeholder text in {records} and {n} more") if len(junk) > 10 else
                                  _("requirement: placeholder text in {records}")).format(
            records=", ".join(junk[:10]), n=len(junk) - 10), junk[:10]))
    latest: dict[str, Any] | None = None
    for rec_uuid, rid, _person, _met, _due in training:
        for row in ctx.history(rec_uuid):
            if row["task"] == task.code and (latest is None or row["at"] > latest["at"]):
                latest = {"record": rid, "at": row["at"], "by": names.get(row.get("person") or "", row["operator"]),
                          "kind": "training", "what": _("training recorded")}
    if task.code == "IN.1.1":
        met = {p for _u, _i, p, m, _d in training if m}
        missing = sorted(names.get(p, p) for p in holders - met)
        lines.append(Line(not missing and bool(holders), _("every role holder's training recorded as met") if not missing
                          else _("no training recorded as met for {people}").format(people=", ".join(missing)),
                          [i for _u, i, _p, m, _d in training if m]))
    else:
        lapsing = {t.ref for t in lapsed_training(store, clock.to_local(ctx.now).date())}  # as the map's "today"
        lapsed = [i for _u, i, _p, _m, _d in training if i in lapsing]
        lines.append(Line(bool(training) and not lapsed, _("no competence lapsed") if training and not lapsed
                          else (_("lapsed: {records}").format(records=", ".join(lapsed)) if lapsed
                                else _("no training or competence recorded")),
                          lapsed))
    lines.append(Line(latest is not None, _("recorded with {task}").format(task=task.code) if latest else
                      (_("nothing recorded with {task} yet (the incidents list: t, then m: met; or vse-tui training "
                         "met)") if task.code == "IN.1.1" else
                       _("nothing recorded with {task} yet (the incidents list: t, then n: renew; or vse-tui training "
                         "renew)")).format(task=task.code)))
    ok = all(line.ok for line in lines)
    # partly done only from what the task itself recorded: a need planned by GO.3.1 (the setup's
    # resources step) trains nobody and renews nothing
    state = "done" if ok else ("partly done" if latest else "not started")
    if ok and interval and latest and ctx.now - clock.parse_datetime(latest["at"]) > timedelta(days=interval):
        state = "stale"
        lines.append(Line(False, ngettext("last recorded more than {n} day ago", "last recorded more than {n} days ago",
                                          interval).format(n=interval)))
    return state, lines, latest


# ---------------------------------------------------------------- the map


def _holders(store: StorePort) -> dict[str, list[str]]:
    names = store.titles("people")
    out: dict[str, list[str]] = {}
    for role, person in store.rows("role_assignments", ["role", "person"], {"state": "active"}):
        name = names.get(person)
        out.setdefault(role, [])
        if name and name not in out[role]:
            out[role].append(name)
    for kind, code in (("customers", "CUS"), ("suppliers", "SUP")):
        n = store.count(kind)
        if n:
            counted = (ngettext("{n} customer", "{n} customers", n) if kind == "customers" else
                       ngettext("{n} supplier", "{n} suppliers", n))
            out.setdefault(code, []).append(counted.format(n=n))
    return out


def _check(io: TaskIO, statuses: dict[str, dict[str, str]], standard: Standard) -> ProductCheck:
    if io.wp is None:
        return ProductCheck(None, io.communication or "", [], False, io.condition, [], True)
    wp = standard.wp(io.wp)
    present = statuses.get(io.wp, {})
    found = sorted(present, key=wp.statuses.index)
    ok = bool(set(found) & set(_satisfying(wp, io)))
    ref = next((present[s] for s in found if s in _satisfying(wp, io)), None) or (present[found[-1]] if found else None)
    return ProductCheck(io.wp, wp.name, list(io.statuses), io.any_of, io.condition, found, ok, ref)


def _written(store: StorePort, kind: str, wp: WorkProduct, uuids: list[str]) -> dict[str, str]:
    """status -> the latest of the records `uuids` (those a task wrote) standing in it."""
    out: dict[str, str] = {}
    if not uuids:
        return out
    order = {u: i for i, u in enumerate(uuids)}  # newest first
    for uuid, rid, status in sorted(store.rows(kind, ["uuid", "id", "status"], {"uuid": uuids}),
                                    key=lambda r: order.get(r[0], 0), reverse=True):
        if status in wp.statuses:
            out[status] = rid or uuid
    return out


def _inputs(ctx: _Context, task: Task, statuses: dict[str, dict[str, str]],
            at: str | None) -> tuple[list[ProductCheck], list[str]]:
    """The task's inputs as the standard lists them: when it was performed (`at`), the statuses
    each stood in then, by the history `_input_problems` reads; not performed yet, as they stand now.
    The notes say when it ran as a first pass on the approved policy."""
    standard = ctx.standard
    notes: list[str] = []
    first_pass = False
    if task.first_pass_note and at is None:
        first_pass = bool(statuses.get("WP.14", {}).get("approved")) and not statuses.get("WP.14", {}).get("updated")
    elif task.first_pass_note and at is not None:
        approved, updated = ctx.first_in("policies", ("approved", "updated")), ctx.first_in("policies", ("updated",))
        first_pass = approved is not None and approved <= at and (updated is None or at < updated)
    if first_pass:
        notes.append(_("first pass: run on the approved policy, as no policy update from feedback exists yet") if at is None
                     else _("first pass: run on the approved policy, before any policy update from feedback"))
    unneeded = {io.wp for io in (*task.inputs, *task.outputs) if io.wp and not ctx.needed(io.wp)}
    if unneeded:
        notes.append(_("no supplier agreement (WP.21) needed: the shop recorded that it has no suppliers"))
    if at is None:
        checks = [_check(io, statuses, standard) for io in task.inputs]
        if first_pass:  # the approved policy stands for the updated one, as the note says
            checks = [replace(c, ok=True) if c.wp == "WP.14" else c for c in checks]
        checks = [c if ctx.needed(c.wp) else replace(c, ok=True) for c in checks]  # as the note says
        return checks, notes
    out = []
    for io in task.inputs:
        if io.wp is None:
            out.append(_check(io, statuses, standard))
            continue
        wp = standard.wp(io.wp)
        kind = kind_of_wp(io.wp)
        found = [s for s in wp.statuses if (t := ctx.first_in(kind, (s,))) is not None and t <= at]
        ok = bool(set(found) & set(_satisfying(wp, io))) or (first_pass and io.wp == "WP.14" and "approved" in found) \
            or not ctx.needed(io.wp)
        present = statuses.get(io.wp, {})
        ref = next((present[s] for s in reversed(found) if s in present), None)
        out.append(ProductCheck(io.wp, wp.name, list(io.statuses), io.any_of, io.condition, found, ok, ref))
    return out, notes


def evaluate(store: StorePort, task: Task, ctx: _Context, statuses: dict[str, dict[str, str]],
             holders: dict[str, list[str]], intervals: dict[str, int]) -> TaskEvidence:
    standard = ctx.standard
    if task.code in ("IN.1.1", "IN.1.2"):
        state, lines, latest = _training_task(ctx, task, intervals.get(task.code))
        at = latest["at"] if latest else None
        inputs, notes = _inputs(ctx, task, statuses, at)
        trained = [ProductCheck(io.wp, standard.wp(io.wp).name, list(io.statuses), io.any_of, io.condition,
                                list(io.statuses) if latest else [], state == "done", latest["record"] if latest else None)
                   for io in task.outputs if io.wp]
        return TaskEvidence(task.code, task.process, task.activity, task.title, list(task.roles),
                            {r: holders.get(r, []) for r in task.roles}, inputs, trained, latest, state, lines, notes)
    # a shop without suppliers: no supplier agreement among them (ctx.needed)
    outputs_wanted = [io for io in wanted(task) if ctx.needed(io.wp)] or wanted(task)
    why: list[Line] = []
    performed: list[dict[str, Any]] = []
    outputs: list[ProductCheck] = []
    any_candidate = False
    for io in outputs_wanted:
        wp = standard.wp(io.wp or "")
        kind = kind_of_wp(wp.code)
        statuses_ok = _satisfying(wp, io)
        tagged = store.task_records(kind, _tags(task), limit=SCAN * 4)
        written = _written(store, kind, wp, tagged)
        candidates = [r for r in store.records(kind, {"uuid": tagged, "status": statuses_ok}) if r.uuid in tagged] \
            if statuses_ok and tagged else []
        candidates.sort(key=lambda r: tagged.index(r.uuid))
        candidates = candidates[:SCAN]
        any_candidate = any_candidate or bool(tagged)
        rules = [rule for target, rule in SPECIFIC.get(task.code, []) if target in (None, wp.code)]
        best = None
        rejected: list[tuple[str, list[str]]] = []
        for rec in candidates:
            problems, write = _record_problems(ctx, task, io, wp, rec)
            for rule in rules:
                problems += rule(ctx, rec)
            if not problems and write is not None:
                if best is None or write["at"] > best["at"]:
                    best = write
                if wp.initial_status in io.statuses:
                    break  # one qualifying record is enough; the newest ones come first
            elif len(rejected) < 3:
                rejected.append((rec.id or rec.uuid, problems))
        label = f"{wp.code} {wp.name} ({_statuses_text(io)})"
        # the output as the task left it: the statuses of the records it wrote, met by the record that
        # counts (the same records, by the same function, as the state)
        outputs.append(ProductCheck(wp.code, wp.name, list(io.statuses), io.any_of, None, sorted(written, key=wp.statuses.index),
                                    best is not None, best["record"] if best is not None else
                                    (rejected[0][0] if rejected else next(iter(written.values()), None))))
        if best is not None:
            performed.append(best)
            why.append(Line(True, _("{label}: {record}, {person}, {date}").format(
                label=label, record=best["record"], person=best["by"],
                date=clock.local_text(clock.parse_datetime(best["at"]), with_time=False)), [best["record"]]))
            cited = _cited(ctx, task.code, kind, best["record"]) if task.code in CITED else None
            if cited is not None:
                why.append(cited)
        elif rejected:
            why.append(Line(False, _("{label}: {refused}").format(label=label, refused=pgettext("list separator", "; ").join(
                _("{record}: {problems}").format(record=rid, problems=", ".join(p)) for rid, p in rejected)),
                            [rid for rid, _ in rejected]))
        elif tagged:
            why.append(Line(False, _("{label}: the records written by {task} are not in that status").format(
                label=label, task=task.code)))
        else:
            said = _("{label}: nothing recorded by {task} yet").format(label=label, task=task.code)
            if wp.code == SUPPLIER_AGREEMENT and not ctx.suppliers():  # not a dead end for a shop without any
                said = _("{said} (a shop with no suppliers says so: vse-tui suppliers none)").format(said=said)
            why.append(Line(False, said))
    when = WHEN.get(task.code, {})
    for io in task.outputs:  # what the task leaves only when it applies ("if a new service"), unless the
        condition = io.condition or (_(when[io.wp]) if io.wp in when else None)  # app's own records stand
        if io.wp and condition and task.code not in OUTPUTS:  # for the table's
            wp = standard.wp(io.wp)
            written = _written(store, kind_of_wp(wp.code), wp, store.task_records(kind_of_wp(wp.code), _tags(task),
                                                                                     limit=SCAN * 4))
            found = sorted(written, key=wp.statuses.index)
            ok_statuses = [s for s in found if s in _satisfying(wp, io)]
            outputs.append(ProductCheck(wp.code, wp.name, list(io.statuses), io.any_of, condition, found,
                                        bool(ok_statuses), written[ok_statuses[0]] if ok_statuses else None))
    state = task_state(len(performed), len(outputs_wanted), any_candidate)
    evidence = max(performed, key=lambda w: w["at"]) if performed else None
    inputs, notes = _inputs(ctx, task, statuses, min(w["at"] for w in performed) if performed else None)
    if state == "done":
        interval = intervals.get(task.code)
        last = min(w["at"] for w in performed)
        if interval and ctx.now - clock.parse_datetime(last) > timedelta(days=interval):
            state = "stale"
            why.append(Line(False, ngettext("performed more than {n} day ago (the shop's review interval)",
                                            "performed more than {n} days ago (the shop's review interval)",
                                            interval).format(n=interval)))
    return TaskEvidence(task.code, task.process, task.activity, task.title, list(task.roles),
                        {r: holders.get(r, []) for r in task.roles}, inputs, outputs, evidence, state, why, notes)


def evidence_map(store: StorePort, now: datetime | None = None) -> list[TaskEvidence]:
    """Every task of the standard, in order, with its state and why."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    standard = load_standard()
    ctx = _Context(store, standard, now or clock.now())
    statuses = store.statuses_present()
    holders = _holders(store)
    intervals = review_intervals(store)
    out = [evaluate(store, task, ctx, statuses, holders, intervals) for task in standard.tasks]
    for task, found in zip(standard.tasks, out, strict=True):
        found.rule = describe(task, standard)
    return out


def summary(tasks: list[TaskEvidence]) -> dict[str, tuple[int, int]]:
    """process -> (tasks done, tasks), plus "all": the one count everywhere."""
    out: dict[str, tuple[int, int]] = {}
    for t in tasks:
        d, n = out.get(t.process, (0, 0))
        out[t.process] = (d + (t.state == "done"), n + 1)
    out["all"] = (sum(v[0] for v in out.values()), sum(v[1] for v in out.values()))
    return out


def governance_complete(store: StorePort) -> bool:
    """Setup is complete when every step of the governance wizard is done (one definition, there)."""

    return first_open_step(store) == len(STEPS)


def all_tasks() -> list[str]:
    return [code for codes in task_codes().values() for code in codes]


__all__ = ["STATES", "WHEN", "Line", "ProductCheck", "TaskEvidence", "evidence_map", "governance_complete",
           "review_intervals", "summary", "task_state", "wanted"]
