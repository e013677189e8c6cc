"""Reading the shipped data files: light enough for the quickest paths (no pydantic models here)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from vse_tui.i18n import SOURCE_LANGUAGE, language


def data_dir() -> Path:
    """The folder holding the shipped data: inside the package when installed, else the checkout."""
    installed = Path(__file__).resolve().parents[2] / "data"
    if (installed / "standard").is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "data"


@cache
def _read(name: str) -> dict[str, Any]:
    """One data file, parsed once per process (callers read it, never change it)."""
    with open(data_dir() / "standard" / name, "rb") as fh:
        return tomllib.load(fh)


@cache
def work_product_statuses() -> dict[str, list[str]]:
    """work product code -> its statuses in order: the light path records validate against."""
    return {w["code"]: w["statuses"] for w in _read("work_products.toml")["work_products"]}


@cache
def work_product_prefixes() -> dict[str, str]:
    """work product code -> the prefix of its records' human ids (INC for WP.18)."""
    return {w["code"]: w["prefix"] for w in _read("work_products.toml")["work_products"]}


@cache
def role_codes(external: bool = True) -> tuple[str, ...]:
    """The role codes of the standard, in the order roles.toml gives them (SM, CM, IM, ...); without
    `external`, only those held by people of the shop (not the customer's or supplier's)."""
    return tuple(r["code"] for r in _read("roles.toml")["roles"] if external or not r.get("external"))


@cache
def task_codes() -> dict[str, list[str]]:
    """process code -> its task codes in order, straight from the TOML (no model building)."""
    out: dict[str, list[str]] = {}
    for task in _read("tasks.toml")["tasks"]:
        out.setdefault(task["code"].split(".")[0], []).append(task["code"])
    return out


# The task of the standard that approves each work product (its approval performs that task).
APPROVE_TASK = {
    "WP.14": "GO.2.2", "WP.04": "GO.2.3", "WP.05": "GO.3.2", "WP.07": "GO.4.2", "WP.17": "CO.1.3",
    "WP.09": "CO.1.5", "WP.10": "RE.1.2", "WP.03": "RE.2.2", "WP.21": "RE.2.2", "WP.19": "RE.2.4",
    "WP.11": "CO.2.1", "WP.08": "GO.1.2", "WP.15": "GO.1.1", "WP.16": "CO.2.3", "WP.12": "CO.1.3",
    "WP.01": "GO.1.1",
}
ACCEPTANCES = ("accepted by the customer", "accepted by the supplier")
# The task a customer's (supplier's) acceptance performs when the record was already approved by the
# shop: their acceptance of an evaluated change request is their part of the approval to deploy
# (CO.3.2, whose roles are CM and CUS), not the evaluation (CO.2.1) Kim made before.
LATER_ACCEPTANCE_TASK = {"WP.11": "CO.3.2"}


def approval_task(wp: str | None, meaning: str, approved_before: bool) -> str | None:
    """The task an approval of a record of `wp` performs: `APPROVE_TASK`, but for a customer's or
    supplier's acceptance given once the shop had approved the record (`approved_before`), the task
    of `LATER_ACCEPTANCE_TASK` where the work product has one."""
    if meaning in ACCEPTANCES and approved_before and (wp or "") in LATER_ACCEPTANCE_TASK:
        return LATER_ACCEPTANCE_TASK[wp or ""]
    return APPROVE_TASK.get(wp or "")


@cache
def approving_roles() -> frozenset[str]:
    """The shop's roles that approve some work product (the roles of the tasks in APPROVE_TASK held
    by people of the shop): who holds one of them could approve; a practitioner (PT) never does."""
    tasks = set(APPROVE_TASK.values())
    held = {role for t in _read("tasks.toml")["tasks"] if t["code"] in tasks for role in t.get("roles", [])}
    return frozenset(held & set(role_codes(external=False)))


# The standard's names a person reads (statuses, states, field labels) in the language spoken: here,
# beside the data files, so that a list of records shows them without building the pydantic model.
def names(lang: str | None = None) -> dict[str, Any]:
    """The standard's names in a language, the current one by default (data/standard/names/<language>.toml);
    {} for English, whose names are the model's own."""
    return _names(lang or language())


@cache
def _names(lang: str) -> dict[str, Any]:
    if lang == SOURCE_LANGUAGE:
        return {}
    path = data_dir() / "standard" / "names" / f"{lang}.toml"
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def status_name(code: str | None) -> str:
    """A work product's status as a person reads it in the current language ("aprobado" for approved)."""
    if not code:
        return ""
    return str(names().get("statuses", {}).get(code, code))


def state_name(code: str | None) -> str:
    """A record's state as a person reads it in the current language ("en curso" for in progress)."""
    if not code:
        return ""
    return str(names().get("states", {}).get(code, code))


def role_name(code: str) -> str:
    """A role of the standard by its name in the current language ("Gerente de incidentes" for IM);
    an unknown code as it is."""
    found = names().get("roles", {}).get(code, {}).get("name")
    if found:
        return str(found)
    return next((str(r["name"]) for r in _read("roles.toml")["roles"] if r["code"] == code), code)


def field_label(name: str, english: str | None = None, lang: str | None = None) -> str:
    """The label of a record's field in a language (the current one by default); `english` (else the
    name, spaced and capitalised) where the language has none."""
    found = names(lang).get("fields", {}).get(name)
    if found:
        return str(found)
    return english if english is not None else name.replace("_", " ").capitalize()
