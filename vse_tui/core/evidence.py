"""The evidence map: for each of the 40 tasks, whether its inputs and outputs exist in the status
the standard names, who holds its roles, and the latest dated, attributed record showing it was
performed. Everything is derived from the reference model and the stored records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import clock
from .data import task_codes

if TYPE_CHECKING:
    from .ports import StorePort

STATES = ("done", "partly done", "not started", "stale")


def evidenced_tasks(store: StorePort) -> set[str]:
    """Tasks with at least one history row: one index probe per task (40), whatever the history's size."""
    return store.tasks_with_history([code for codes in task_codes().values() for code in codes])


def progress(store: StorePort) -> dict[str, tuple[int, int]]:
    """process code -> (tasks with evidence, tasks), plus "all"."""
    done = evidenced_tasks(store)
    out: dict[str, tuple[int, int]] = {}
    for proc, codes in task_codes().items():
        out[proc] = (sum(c in done for c in codes), len(codes))
    out["all"] = (sum(v[0] for v in out.values()), sum(v[1] for v in out.values()))
    return out


def governance_complete(store: StorePort) -> bool:
    """Setup is complete when every step of the governance wizard is done (one definition, there)."""
    from .governance import STEPS, first_open_step

    return first_open_step(store) == len(STEPS)


@dataclass
class ProductCheck:
    wp: str | None
    name: str
    needed: list[str]
    any_of: bool
    condition: str | None
    found: list[str]  # statuses present among the stored records
    ok: bool
    ref: str | None = None  # a record that meets it (or the latest one)

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
    evidence: dict[str, Any] | None
    state: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"task": self.task, "process": self.process, "activity": self.activity, "title": self.title,
                "state": self.state, "roles": self.roles, "holders": self.holders,
                "inputs": [i.as_dict() for i in self.inputs], "outputs": [o.as_dict() for o in self.outputs],
                "evidence": self.evidence, "notes": self.notes}

    @property
    def missing(self) -> list[str]:
        """What a user would do next: the outputs not yet there, then inputs not yet there."""
        out = [f"{o.wp} {o.name} [{' or '.join(o.needed) if o.any_of else ', '.join(o.needed)}]"
               for o in self.outputs if o.wp and not o.ok and not o.condition]
        if not out and self.evidence is None:
            out = ["a dated record of this task (nothing in the history names it yet)"]
        return out


def _status_index(store: StorePort) -> dict[str, dict[str, str]]:
    """work product -> {status: latest record id in it}."""
    return store.statuses_present()


def _check(io, statuses: dict[str, dict[str, str]], standard) -> ProductCheck:
    if io.wp is None:
        return ProductCheck(None, io.communication or "", [], False, io.condition, [], True)
    wp = standard.wp(io.wp)
    present = statuses.get(io.wp, {})
    found = sorted(present, key=wp.statuses.index)

    def met(required: str) -> str | None:
        return next((present[s] for s in found if wp.satisfies(s, required)), None)

    hits = [met(s) for s in io.statuses]
    ok = any(hits) if io.any_of else all(hits)
    ref = next((h for h in hits if h), None) or (present[found[-1]] if found else None)
    return ProductCheck(io.wp, wp.name, list(io.statuses), io.any_of, io.condition, found, bool(ok), ref)


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
            out.setdefault(code, []).append(f"{n} {kind}")
    return out


def _latest_evidence(store: StorePort, code: str) -> dict[str, Any] | None:
    rows = store.task_rows(code, limit=1)
    if not rows:
        return None
    row = rows[0]
    return {"record": row["record_id"], "at": row["at"], "by": row["operator"], "kind": row["kind"],
            "what": "created" if row["action"] == "create" else f"{row['field']} changed"}


def evidence_map(store: StorePort, now: datetime | None = None) -> list[TaskEvidence]:
    from .standard import load_standard

    standard = load_standard()
    now = now or clock.now()
    statuses = _status_index(store)
    holders = _holders(store)
    out = []
    for task in standard.tasks:
        inputs = [_check(io, statuses, standard) for io in task.inputs]
        outputs = [_check(io, statuses, standard) for io in task.outputs]
        evidence = _latest_evidence(store, task.code)
        required = [o for o in outputs if o.wp and not o.condition]
        produced = [o.ok for o in required]
        notes = []
        if evidence and all(produced):
            state = "done"
            if task.cadence_days:
                when = clock.parse_datetime(evidence["at"])
                if now - when > timedelta(days=task.cadence_days):
                    state = "stale"
                    notes.append(f"latest evidence is older than {task.cadence_days} days")
        elif evidence or any(produced):
            state = "partly done"
        else:
            state = "not started"
        if task.first_pass_note and any(i.wp == "WP.14" and not i.ok for i in inputs) \
                and statuses.get("WP.14", {}).get("approved"):
            notes.append("first pass: run on the approved policy, as no policy update from feedback exists yet")
        out.append(TaskEvidence(task.code, task.process, task.activity, task.title, list(task.roles),
                                {r: holders.get(r, []) for r in task.roles}, inputs, outputs, evidence, state, notes))
    return out


def summary(tasks: list[TaskEvidence]) -> dict[str, tuple[int, int]]:
    """process -> (tasks done, tasks), plus "all"."""
    out: dict[str, tuple[int, int]] = {}
    for t in tasks:
        d, n = out.get(t.process, (0, 0))
        out[t.process] = (d + (t.state == "done"), n + 1)
    out["all"] = (sum(v[0] for v in out.values()), sum(v[1] for v in out.values()))
    return out
