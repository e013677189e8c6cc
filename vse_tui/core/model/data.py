"""Reading the shipped data files: light enough for the quickest paths (no pydantic models here)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any


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
