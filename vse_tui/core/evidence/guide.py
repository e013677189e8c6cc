"""What the app asks next, from the evidence map's own rules: the steps of one record (an incident,
a change) each judged as the map judges that record for its task, and the shop's next missing
record per process ("to be audit-ready"). A step the map would call not done is never skipped by
the guide: what the evidence needs is what the app asks for.

The rules themselves live in `tasks` (one place); this module only asks them about one record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _

from ..governance.people import area_of, in_area
from ..governance.process import STEPS
from ..kernel import clock
from ..model.data import status_name
from ..model.records import kind_of_wp
from .substance import Index, as_offered, problems
from .tasks import (
    SPECIFIC,
    TaskEvidence,
    _Context,
    _input_problems,
    _record_problems,
    _satisfying,
    problem,
    task_state,
    wanted,
)

if TYPE_CHECKING:
    from ..model.ports import StorePort

# the steps of a record's flow: (task, label). A change's steps are performed on the records made
# for it (its design, build, test report, items) and on the shop's schedule and procedures.
_AGREEMENT = (("RE.2.1", N_("Drafted")), ("RE.2.2", N_("Approved")))
FLOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "incidents": (("IN.2.1", N_("Recorded")), ("IN.2.2", N_("Classified")), ("IN.2.3", N_("Notified")), ("IN.2.4", N_("Restored")),
                  ("IN.2.5", N_("Closed"))),
    "change_requests": (("CO.2.1", N_("Evaluated")), ("CO.2.2", N_("Scheduled")), ("CO.2.3", N_("Designed")), ("CO.2.4", N_("Built")),
                        ("CO.3.1", N_("Tested")), ("CO.3.2", N_("Deployment approved")), ("CO.3.3", N_("Resources confirmed")),
                        ("CO.3.4", N_("Deployed")), ("CO.3.5", N_("Reviewed"))),
    "customer_agreements": _AGREEMENT,
    "supplier_agreements": _AGREEMENT,
    "feedback": (("RE.2.3", N_("Followed up")),),
}


def reason_kind(text: str) -> str:
    """What kind of reason a line is ("input", "not performed", "role", "not notified", "status": performed
    but the record is not yet in the status its task leaves it in; else "")."""
    return getattr(text, "kind", "")


@dataclass
class Need:
    """A record the shop lacks for a step not performed yet: one of the task's inputs, not in the
    status the standard lists (performing the step now would not count)."""

    wp: str
    name: str
    status: str
    kind: str


@dataclass
class Step:
    """One step of a record's flow, as the evidence map judges this record for its task."""

    task: str
    label: str
    done: bool
    missing: list[str] = field(default_factory=list)  # what the record itself lacks for the task
    inputs: list[str] = field(default_factory=list)  # what the shop lacked when it was performed
    new: list[str] = field(default_factory=list)  # of `missing`, what no earlier step lacks already
    performed: bool = True
    needs: list[Need] = field(default_factory=list)  # not performed: the inputs the shop still lacks
    roles: list[str] = field(default_factory=list)  # not performed: the task's roles, when the person at the
    holders: list[str] = field(default_factory=list)  # keyboard holds none of them, and who holds them
    records: list[str] = field(default_factory=list)  # the other records `missing` is about (the schedule, an item)
    state: str = ""  # the step's state by the map's rule (`tasks.task_state`): done, partly done, not started

    @property
    def mark(self) -> str:
        """The step's state as the map's marks say it, read without colour: ● done (the map counts this
        record for the task), ◐ partly done (performed, but its evidence lacks something, perhaps
        what an earlier step lacks already), ○ not started."""
        return {"done": "●", "partly done": "◐"}.get(self.state, "○")


def _related(store: StorePort, rec: Any, kind: str) -> list[Any]:
    """The records of `kind` a step of `rec`'s flow is performed on, newest first: the record
    itself, the records made for a change, a change's items, else the shop's one document."""
    if kind == rec.KIND:
        return [rec]
    if rec.KIND == "change_requests":
        if kind == "configuration_items":
            return store.records(kind, {"uuid": list(rec.impacted_cis)}) if rec.impacted_cis else []
        if kind in ("service_designs", "built_changes", "test_reports"):
            return store.records(kind, {"change": rec.uuid}, order="-seq")
    latest = store.latest(kind)
    return [latest] if latest is not None else []


def record_steps(store: StorePort, rec: Any, now: datetime | None = None) -> list[Step]:
    """The steps of `rec`'s flow, each done only when the evidence map would count this record (or
    the records made for it) as evidence of its task, and what is missing, in the map's words, when
    not. A step not performed yet also says which of its inputs the shop still lacks and, when the
    person at the keyboard holds none of its roles, who does."""

    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    standard = load_standard()
    ctx = _Context(store, standard, now or clock.now())
    at_now = clock.iso(ctx.now) or ""
    out: list[Step] = []
    said: set[str] = set()
    for code, label in FLOWS.get(rec.KIND, ()):
        task = standard.task(code)
        ios = wanted(task)  # the map's outputs (IN.2.2's items are judged on the incident: tasks.WHEN)
        if rec.KIND != "change_requests":  # an incident, an agreement or an entry: its own work product only
            ios = [io for io in ios if io.wp == rec.WP]
        if not ios:
            continue
        problems: list[str] = []
        others: list[str] = []
        performed = True
        met = 0
        for io in ios:
            wp = standard.wp(io.wp or "")
            found, about = _judge(ctx, task, io, wp, _related(store, rec, kind_of_wp(wp.code)))
            if found is None:
                met += 1
                continue
            if any(reason_kind(p) == "not performed" for p in found):
                performed = False
            elif about and about != rec.id and about not in others:
                others.append(about)
            problems += [p for p in found if p not in problems]
        if rec.KIND == "change_requests" and not _own_part(store, rec, code):
            # the schedule and the procedure are the shop's: this change's part of the step comes first
            performed, met = False, 0
            problems = [problem(_("no write on it performs {code}").format(code=code), "not performed")]
        state = task_state(met, len(ios), performed)  # the map's rule, over this record's outputs
        needs: list[Need] = []
        roles: list[str] = []
        holders: list[str] = []
        if not performed:
            needs = _needs(ctx, task, {io.wp for io in ios}, at_now)
            mine = ctx.roles(store.actor.person, at_now, code) if store.actor.person else set()
            if not mine & set(task.roles):
                roles = list(task.roles)
                area = area_of(code)
                holders = sorted({ctx.name(p) for p, given in store.rows("role_assignments", ["person", "area"],
                                                                         {"state": "active", "role": roles})
                                  if in_area(given, area)})
        inputs = [p for p in problems if reason_kind(p) == "input"]
        missing = [p for p in problems if reason_kind(p) != "input"]
        out.append(Step(code, label, state == "done", missing, inputs, [m for m in missing if m not in said],
                        performed, needs, roles, holders, others, state))
        said.update(missing)
    return out


def _own_part(store: StorePort, rec: Any, code: str) -> bool:
    """Whether this change did its own part of a step performed on a shop document or a shared
    record: it is on the schedule (CO.2.2), its entry's resources were confirmed (CO.3.3), it was
    deployed itself (CO.3.4: its items may have been updated by another change's deployment), it
    was reviewed and the procedure was updated after that review (CO.3.5)."""
    if code == "CO.2.2":
        return rec.planned_at is not None
    if code == "CO.3.4":
        return rec.deployed_at is not None and rec.state in ("deployed", "reviewed")
    if code == "CO.3.3":
        entry = store.latest("schedule_items", {"change": rec.uuid})
        return entry is not None and store.last_task_row(entry.uuid, "CO.3.3") is not None
    if code == "CO.3.5":
        if rec.state != "reviewed":
            return False
        reviewed = store.last_task_row(rec.uuid, "CO.3.5")
        procedure = store.latest("procedures")
        updated = store.last_task_row(procedure.uuid, "CO.3.5") if procedure is not None else None
        return bool(reviewed and updated and updated["at"] >= reviewed["at"])
    return True


def _judge(ctx: _Context, task: Any, io: Any, wp: Any, records: list[Any]) -> tuple[list[str] | None, str | None]:
    """Why none of `records` is evidence of `task` for the output `io` (None: one is), and the
    record that is about: the newest record's problems, or the map's words for a record not made yet."""
    first: list[str] | None = None
    about: str | None = None
    for rec in records:
        problems, _write = _record_problems(ctx, task, io, wp, rec)
        if not any(reason_kind(p) == "not performed" for p in problems):
            for target, rule in SPECIFIC.get(task.code, []):
                if target in (None, wp.code):
                    problems += rule(ctx, rec)
        if rec.status not in _satisfying(wp, io) and not problems:
            problems.append(problem(_("not {statuses} yet").format(statuses=(io.status_text or "").lower()), "status"))
        if not problems:
            return None, rec.id
        if first is None:
            first, about = problems, rec.id
    return (first, about) if first is not None else (
        [problem(_("no write on it performs {code} (no {wp} {name} yet)").format(code=task.code, wp=wp.code, name=wp.name),
                 "not performed")], None)


def _needs(ctx: _Context, task: Any, outputs: set[str | None], at: str) -> list[Need]:
    """The task's inputs that are not in the status the standard lists now."""

    out = []
    for line in _input_problems(ctx, task, None, at):
        code = getattr(line, "wp", "")
        if code in outputs:
            continue
        io = next(i for i in task.inputs if i.wp == code)
        out.append(Need(code, ctx.standard.wp(code).name, (io.status_text or "").lower(), kind_of_wp(code)))
    return out


# ---------------------------------------------------------------- to be audit-ready


@dataclass
class NextRecord:
    """The next missing record of a process: the task it performs, what is missing, and how many
    tasks of the map it would complete (itself, and those that wait on it as their input)."""

    process: str
    task: str
    title: str
    missing: str
    wp: str | None
    completes: list[str]


def audit_ready(tasks: list[TaskEvidence]) -> list[NextRecord]:
    """For each process with a task not done, its first such task in the standard's order (the
    shortest path first: a task whose output others wait on comes before them)."""
    open_ = [t for t in tasks if t.state != "done"]
    waiting: dict[str, list[str]] = {}  # wp -> tasks not done whose input it is and is not there yet
    for t in open_:
        for check in t.inputs:
            if check.wp and not check.ok and t.task not in waiting.setdefault(check.wp, []):
                waiting[check.wp].append(t.task)
    out: list[NextRecord] = []
    seen: set[str] = set()
    for t in open_:
        if t.process in seen:
            continue
        seen.add(t.process)
        what = t.missing[0] if t.missing else t.state
        wp = what.split()[0] if what.startswith("WP.") else next((o.wp for o in t.outputs if o.wp), None)
        completes = [t.task] + [c for c in waiting.get(wp or "", []) if c != t.task]
        out.append(NextRecord(t.process, t.task, t.title, what, wp, completes))
    return out


__all__ = ["FLOWS", "Need", "NextRecord", "SetupGap", "Step", "audit_ready", "draft_services", "record_steps",
           "lacks_once", "needs_text", "setup_gaps", "shop_lacks"]


# ---------------------------------------------------------------- the setup's documents


@dataclass
class SetupGap:
    """A governance document the setup stored that the evidence map would not count for its substance."""

    step: str  # the wizard's step that writes it
    ref: str
    problems: list[str]
    starting: bool = False  # among them, items still holding the app's starting text (`substance.as_offered`)


def setup_gaps(store: StorePort, now: datetime | None = None) -> list[SetupGap]:
    """The wizard's documents whose content the map's substance rule refuses (the app's starting
    text left unchanged, placeholder text, text pasted from another document): the setup is not
    complete while one is. One rule with the map (`substance.problems`)."""

    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    standard = load_standard()
    index = Index(store, now)
    out: list[SetupGap] = []
    seen: set[str] = set()
    for step in STEPS:
        if step.wp in seen or not step.document:  # the yearly step plans its report, never writes it
            continue
        seen.add(step.wp)
        rec = store.latest(kind_of_wp(step.wp))
        if rec is None:
            continue
        wp, data = standard.wp(step.wp), rec.model_dump(mode="json")
        found = problems(index, wp, data, rec.status, rec.id)
        if found:
            out.append(SetupGap(step.key, rec.id or rec.uuid, found, bool(as_offered(wp, data, rec.status))))
    return out


def draft_services(store: StorePort) -> list[tuple[str, str]]:
    """The catalogue's entries still drafts (the setup's Scope step makes one of each new service):
    (id, name), to describe and approve in the catalogue before the evidence counts them."""
    return [(rid, name) for rid, name in store.rows("services", ["id", "name"], {"status": "draft"}, order="seq")]


def shop_lacks(store: StorePort, code: str, now: datetime | None = None) -> list[Need]:
    """The inputs of task `code` the shop does not hold now in the status the standard lists: what a
    record performing it now would lack (said when an incident is logged, for IN.2.1)."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    standard = load_standard()
    ctx = _Context(store, standard, now or clock.now())
    task = standard.task(code)
    return _needs(ctx, task, {io.wp for io in task.outputs}, clock.iso(ctx.now) or "")


def lacks_once(store: StorePort, code: str) -> list[Need]:
    """`shop_lacks`, to be said once: empty when these same inputs were said last time (kept as a
    preference, not a record), so that logging incident after incident does not repeat it; said
    again when what the shop lacks changes."""
    lacks = shop_lacks(store, code)
    said = ",".join(n.wp for n in lacks)
    key = f"lacks_said:{code}"
    if (store.pref(key) or "") == said:
        return []
    store.set_pref(key, said or None)
    return lacks


def needs_text(needs: list[Need]) -> str:
    """The records the shop lacks, as one phrase: "WP.03 Customer agreement (approved), ..."."""
    return ", ".join(_("{wp} {name} ({status})").format(wp=n.wp, name=_(n.name), status=status_name(n.status))
                     for n in needs)
