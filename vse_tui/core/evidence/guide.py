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

from ..kernel import clock
from .tasks import OUTPUTS, SPECIFIC, TaskEvidence, _Context, _record_problems, _satisfying

if TYPE_CHECKING:
    from ..model.ports import StorePort

# the steps of a record's flow: (task, label)
FLOWS: dict[str, tuple[tuple[str, str], ...]] = {
    "incidents": (("IN.2.1", N_("Recorded")), ("IN.2.2", N_("Classified")), ("IN.2.3", N_("Notified")),
                  ("IN.2.4", N_("Restored")), ("IN.2.5", N_("Closed"))),
}

# How the map words an input that was not ready when the task was performed, and a record no write
# performed the task on: the words its texts begin with, in the language spoken now.
INPUT_PROBLEM = N_("its input {wp} was not {statuses} yet")
NOT_PERFORMED = N_("no write on it performs {code}")


def _begins(text: str) -> str:
    """The words a map text begins with before its first value, translated."""
    return _(text).split("{", 1)[0]


@dataclass
class Step:
    """One step of a record's flow, as the evidence map judges this record for its task."""

    task: str
    label: str
    done: bool
    missing: list[str] = field(default_factory=list)  # what the record itself lacks for the task
    inputs: list[str] = field(default_factory=list)  # what the shop lacked when it was performed
    new: list[str] = field(default_factory=list)  # of `missing`, what no earlier step lacks already

    @property
    def performed(self) -> bool:
        return not any(m.startswith(_begins(NOT_PERFORMED)) for m in self.missing)

    @property
    def mark(self) -> str:
        """● performed with nothing missing for this step, ◐ performed but its evidence lacks something
        no earlier step lacks already, ○ not performed: read without colour."""
        return "○" if not self.performed else ("◐" if self.new else "●")


def record_steps(store: StorePort, rec: Any, now: datetime | None = None) -> list[Step]:
    """The steps of `rec`'s flow, each done only when the evidence map would count this record
    as evidence of its task (and what is missing, in the map's words, when not)."""
    from ..model.standard import TaskIO, load_standard

    standard = load_standard()
    ctx = _Context(store, standard, now or clock.now())
    out: list[Step] = []
    said: set[str] = set()
    for code, label in FLOWS.get(rec.KIND, ()):
        task = standard.task(code)
        ios = [TaskIO(wp=wp, statuses=list(st), status_text="/".join(st)) for wp, st in OUTPUTS[code]] \
            if code in OUTPUTS else [io for io in task.outputs if io.wp and not io.condition]
        io = next((i for i in ios if i.wp == rec.WP), None)
        if io is None:
            continue
        wp = standard.wp(io.wp or "")
        problems, _write = _record_problems(ctx, task, io, wp, rec)
        if not any(p.startswith(_begins(NOT_PERFORMED)) for p in problems):
            for target, rule in SPECIFIC.get(code, []):
                if target in (None, wp.code):
                    problems += rule(ctx, rec)
        if rec.status not in _satisfying(wp, io) and not problems:
            problems.append(_("not {statuses} yet").format(statuses=(io.status_text or "").lower()))
        inputs = [p for p in problems if p.startswith(_begins(INPUT_PROBLEM))]
        missing = [p for p in problems if not p.startswith(_begins(INPUT_PROBLEM))]
        out.append(Step(code, _(label), not problems, missing, inputs, [m for m in missing if m not in said]))
        said.update(missing)
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


__all__ = ["FLOWS", "NextRecord", "Step", "audit_ready", "record_steps"]
