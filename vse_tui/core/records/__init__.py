"""Everything the app stores, as pydantic models: the 21 work products, parties and roles.

The models live in one module per process; this package loads a module only when one of its
models is first needed, so that a command such as `vse-tui incident add` stays quick. Importing
the package itself loads no model and not pydantic: the tables below are plain data, which lets
the store and the dashboard read rows without paying for validation they do not use.
`model_for(kind)` loads one; `BY_KIND`, `BY_WP`, `BY_PREFIX` and `RECORD_TYPES` load them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # for readers and type checkers; at run time the names load on first use
    from .base import Approval, Document, Instant, Level, Record, new_uuid  # noqa: F401
    from .control import *  # noqa: F403
    from .governance import *  # noqa: F403
    from .incident import *  # noqa: F403
    from .parties import *  # noqa: F403
    from .relationship import *  # noqa: F403

# kind (table and export key) -> (module, class), in export order
KINDS: dict[str, tuple[str, str]] = {
    "customers": ("parties", "Customer"),
    "suppliers": ("parties", "Supplier"),
    "people": ("parties", "Person"),
    "role_assignments": ("parties", "RoleAssignment"),
    "training": ("parties", "TrainingRecord"),
    "acknowledgements": ("parties", "RoleAcknowledgement"),
    "attachments": ("parties", "Attachment"),
    "business_goals": ("governance", "BusinessGoals"),
    "scopes": ("governance", "ServiceDeliveryScope"),
    "role_lists": ("governance", "RoleList"),
    "policies": ("governance", "ServicePolicy"),
    "cx_approaches": ("governance", "CustomerExperienceApproach"),
    "data_procedures": ("governance", "DataDocumentProcedure"),
    "feedback": ("governance", "FeedbackEntry"),
    "improvement_reports": ("governance", "ImprovementReport"),
    "configuration_items": ("control", "ConfigurationItem"),
    "change_requests": ("control", "ChangeRequest"),
    "schedule_items": ("control", "ScheduleItem"),
    "change_schedules": ("control", "ChangeSchedule"),
    "built_changes": ("control", "BuiltChange"),
    "service_designs": ("control", "ServiceDesign"),
    "procedures": ("control", "ChangeProcedure"),
    "secure_procedures": ("control", "SecureComponentProcedure"),
    "test_reports": ("control", "TestReport"),
    "services": ("relationship", "Service"),
    "customer_agreements": ("relationship", "CustomerAgreement"),
    "supplier_agreements": ("relationship", "SupplierAgreement"),
    "performance_reports": ("relationship", "PerformanceReport"),
    "incidents": ("incident", "Incident"),
}
MODULES = ("parties", "governance", "control", "relationship", "incident")
PREFIXES = {  # human id prefix -> kind, so that finding "INC-0042" loads one module only
    "CUS": "customers", "SUP": "suppliers", "PER": "people", "RA": "role_assignments", "TRN": "training",
    "ACK": "acknowledgements", "ATT": "attachments", "BGO": "business_goals", "SCO": "scopes", "ROL": "role_lists", "POL": "policies",
    "CXA": "cx_approaches", "DDP": "data_procedures", "FB": "feedback", "IMP": "improvement_reports",
    "CI": "configuration_items", "CHG": "change_requests", "SCH": "schedule_items", "CSC": "change_schedules", "BLD": "built_changes",
    "DES": "service_designs", "PRC": "procedures", "SEC": "secure_procedures", "TST": "test_reports",
    "SVC": "services", "AGR": "customer_agreements", "SAG": "supplier_agreements", "PRF": "performance_reports",
    "INC": "incidents",
}


def model_for(kind: str) -> type[Record]:
    """The model of a kind of record, loading only its module."""
    try:
        module, name = KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown kind of record {kind!r}") from None
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def all_models() -> tuple[type[Record], ...]:
    return tuple(model_for(kind) for kind in KINDS)


class _Registry(Mapping):
    """A mapping filled on first use, with every model loaded."""

    def __init__(self, key) -> None:
        self._key = key
        self._data: dict | None = None

    def _load(self) -> dict:
        if self._data is None:
            self._data = {self._key(m): m for m in all_models() if self._key(m)}
        return self._data

    def __getitem__(self, key: str) -> type[Record]:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


BY_KIND: Mapping[str, type[Record]] = _Registry(lambda m: m.KIND)
BY_WP: Mapping[str, type[Record]] = _Registry(lambda m: m.WP)
BY_PREFIX: Mapping[str, type[Record]] = _Registry(lambda m: m.PREFIX)


def export_key(model: type[Record]) -> str:
    """Records of a work product export under its code ("WP.18"), the others under their kind."""
    return model.WP or model.KIND


# class name -> module, for `from vse_tui.core.records import Incident` (loads that module only)
NAMES: dict[str, str] = {cls: module for module, cls in KINDS.values()} | {
    "Approval": "base", "Document": "base", "Instant": "base", "Level": "base", "Record": "base", "new_uuid": "base",
    "Organisation": "parties", "PriorityTarget": "governance", "ServiceTarget": "relationship",
    "ServiceHours": "relationship", "Agreement": "relationship", "Notification": "incident",
    "TimeEntry": "incident", "Confirmation": "incident",
}


def __getattr__(name: str) -> Any:
    if name == "RECORD_TYPES":
        return all_models()
    module = NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
