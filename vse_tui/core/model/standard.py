"""The reference model of ISO/IEC TR 29110-5-3, loaded once per language from the TOML files in data/.

The names a person reads (processes, activities, tasks and their guidance, roles, work products,
statuses, the labels of the records' fields) come in the current language from
data/standard/names/<language>.toml; identifiers and stored codes (GO.1.1, WP.18, "approved")
never change with the language."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel, Field, model_validator

from vse_tui.i18n import language

from .data import _read, data_dir, field_label, names, state_name, status_name, work_product_statuses  # noqa: F401  (re-exported)


class Objective(BaseModel):
    code: str
    text: str


class Process(BaseModel):
    code: str
    name: str
    purpose: str
    objectives: list[Objective]


class Activity(BaseModel):
    code: str
    process: str
    name: str


class Role(BaseModel):
    code: str
    name: str
    responsibilities: str
    manager: bool = False
    practitioner: bool = False
    required: bool = False
    external: bool = False
    area: str | None = None


class WorkProduct(BaseModel):
    code: str
    name: str
    process: str
    kind: str
    prefix: str
    statuses: list[str]
    transitions: list[tuple[str, str]] = []
    passes: dict[str, list[str]] = {}
    fields: list[str]
    required: list[str] = []
    required_when: dict[str, list[str]] = {}
    lifecycle_fields: list[str] = []
    substance: dict[str, str] = {}  # required item -> what counts as written (core/evidence/substance.py)
    own: list[str] = []  # items the shop writes in its own words (starting text unchanged is not)
    later_fields: list[str] = []  # items added after approvals were bound: hashed only when filled

    def required_in(self, status: str | None) -> list[str]:
        """The content items a record in `status` must have filled."""
        return [*self.required, *self.required_when.get(status or "", [])]

    @property
    def approved_status(self) -> bool:
        """Whether records of this work product are approved (and an approval binds their content)."""
        return "approved" in self.statuses

    @property
    def initial_status(self) -> str:
        return self.statuses[0]

    def passed(self, status: str) -> set[str]:
        """The statuses a record in `status` has gone through, itself included."""
        if status in self.passes:
            return {status, *self.passes[status]}
        return set(self.statuses[: self.statuses.index(status) + 1])

    def satisfies(self, status: str, required: str) -> bool:
        """True when a record in `status` meets a task's need for `required` (updated passes approved)."""
        return required in self.passed(status)

    def can_move(self, old: str, new: str | None) -> bool:
        return old == new or (old, new) in {tuple(t) for t in self.transitions}


class TaskIO(BaseModel):
    """One input or output of a task, its status text normalised to the work product's codes."""

    wp: str | None = None
    status_text: str | None = None
    statuses: list[str] = []
    any_of: bool = False  # "Approved or Rejected": one of them; otherwise all of them
    condition: str | None = None
    communication: str | None = None  # an output that is a message, not a work product


class Task(BaseModel):
    code: str
    activity: str
    process: str
    title: str
    roles: list[str]
    inputs: list[TaskIO]
    outputs: list[TaskIO]
    guidance: str
    cadence_days: int | None = None
    first_pass_note: str | None = None


class Standard(BaseModel):
    processes: list[Process]
    activities: list[Activity]
    tasks: list[Task]
    roles: list[Role]
    work_products: list[WorkProduct]
    areas: dict[str, dict[str, str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_references(self) -> Standard:
        wps = {w.code: w for w in self.work_products}
        roles = {r.code for r in self.roles}
        acts = {a.code for a in self.activities}
        rules = ("text", "words", "items", "ref", "date", "moment", "after")
        for w in self.work_products:
            needed = {*w.required, *(n for names in w.required_when.values() for n in names)}
            for name, rule in w.substance.items():
                if name not in needed:
                    raise ValueError(f"{w.code}: substance of {name}, which is not a required item")
                if any(token.partition(":")[0] not in rules for token in rule.split()):
                    raise ValueError(f"{w.code}: unknown substance rule {rule!r} for {name}")
            if set(w.own) - needed:
                raise ValueError(f"{w.code}: own items {sorted(set(w.own) - needed)} are not required items")
        for task in self.tasks:
            if task.activity not in acts:
                raise ValueError(f"{task.code}: unknown activity {task.activity}")
            for role in task.roles:
                if role not in roles:
                    raise ValueError(f"{task.code}: unknown role {role}")
            for io in task.inputs + task.outputs:
                if io.wp is None:
                    continue
                if io.wp not in wps:
                    raise ValueError(f"{task.code}: unknown work product {io.wp}")
                for st in io.statuses:
                    if st not in wps[io.wp].statuses:
                        raise ValueError(f"{task.code}: {io.wp} has no status {st!r}")
        return self

    def wp(self, code: str) -> WorkProduct:
        return self._wp_index()[code]

    def task(self, code: str) -> Task:
        return next(t for t in self.tasks if t.code == code)

    def role(self, code: str) -> Role:
        return next(r for r in self.roles if r.code == code)

    def _wp_index(self) -> dict[str, WorkProduct]:
        index = self.__dict__.get("_wp_cache")
        if index is None:
            index = {w.code: w for w in self.work_products}
            self.__dict__["_wp_cache"] = index
        return index

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


_SPLIT = re.compile(r"\s*(?:,|&| or )\s*", re.IGNORECASE)


def _normalise_io(raw: dict[str, Any], synonyms: dict[str, dict[str, str]]) -> dict[str, Any]:
    if "communication" in raw:
        return {"communication": raw["communication"], "condition": raw.get("condition")}
    text = raw["status"]
    words = [w.strip().lower() for w in _SPLIT.split(text) if w.strip()]
    table = synonyms.get(raw["wp"], {})
    return {
        "wp": raw["wp"],
        "status_text": text,
        "statuses": [table.get(w, w) for w in words],
        "any_of": " or " in text.lower(),
        "condition": raw.get("condition"),
    }


def load_standard() -> Standard:
    """The reference model, its names in the current language (read and validated once per language)."""
    return _load_standard(language())


def _translated_io(io: dict[str, Any], words: dict[str, Any]) -> dict[str, Any]:
    out = dict(io)
    if out.get("condition"):
        out["condition"] = words.get("conditions", {}).get(out["condition"], out["condition"])
    if out.get("communication"):
        out["communication"] = words.get("communications", {}).get(out["communication"], out["communication"])
    if out.get("statuses"):
        shown = [words.get("statuses", {}).get(code, code) for code in out["statuses"]]
        out["status_text"] = " / ".join(shown)
    return out


def _translate(raw: dict[str, Any], words: dict[str, Any]) -> dict[str, Any]:
    """The model's parts with every name a person reads replaced by the language's (codes kept)."""
    if not words:
        return raw
    procs = words.get("processes", {})
    objectives = words.get("objectives", {})
    acts = words.get("activities", {})
    tasks = words.get("tasks", {})
    roles = words.get("roles", {})
    areas = words.get("areas", {})
    wps = words.get("work_products", {})
    return {
        "processes": [{**p, **procs.get(p["code"], {}),
                       "objectives": [{**o, "text": objectives.get(o["code"], o["text"])} for o in p["objectives"]]}
                      for p in raw["processes"]],
        "activities": [{**a, "name": acts.get(a["code"], a["name"])} for a in raw["activities"]],
        "tasks": [{**t, **tasks.get(t["code"], {}),
                   "inputs": [_translated_io(i, words) for i in t["inputs"]],
                   "outputs": [_translated_io(o, words) for o in t["outputs"]]} for t in raw["tasks"]],
        "roles": [{**r, **roles.get(r["code"], {})} for r in raw["roles"]],
        "areas": {code: {**area, "name": areas.get(code, area.get("name", code))} for code, area in raw["areas"].items()},
        "work_products": [{**w, "name": wps.get(w["code"], w["name"])} for w in raw["work_products"]],
    }


@cache
def _load_standard(lang: str) -> Standard:
    """Load and validate the reference model (once per process and language)."""
    procs = _read("processes.toml")
    roles = _read("roles.toml")
    wps = _read("work_products.toml")
    tasks = _read("tasks.toml")
    synonyms = {k.upper(): {a.lower(): b for a, b in v.items()} for k, v in wps.get("status_synonyms", {}).items()}
    task_list = []
    for raw in tasks["tasks"]:
        code = raw["code"]
        activity = code.rsplit(".", 1)[0]
        task_list.append(
            {
                **raw,
                "activity": activity,
                "process": code.split(".")[0],
                "inputs": [_normalise_io(i, synonyms) for i in raw["inputs"]],
                "outputs": [_normalise_io(o, synonyms) for o in raw["outputs"]],
            }
        )
    parts = _translate({
        "processes": procs["processes"],
        "activities": procs["activities"],
        "tasks": task_list,
        "roles": roles["roles"],
        "areas": roles.get("areas", {}),
        "work_products": wps["work_products"],
    }, names(lang))
    return Standard(**parts)
