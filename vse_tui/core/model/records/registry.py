"""Which kinds of record there are, the module and class of each, its work product and the prefix
of its human ids: plain data, loaded with no model (and no pydantic)."""

from __future__ import annotations

from ..data import work_product_prefixes

# kind (table and export key) -> (module, class, work product or None), in export order
KINDS: dict[str, tuple[str, str, str | None]] = {
    "customers": ("parties", "Customer", None),
    "suppliers": ("parties", "Supplier", None),
    "people": ("parties", "Person", None),
    "role_assignments": ("parties", "RoleAssignment", None),
    "training": ("parties", "TrainingRecord", None),
    "acknowledgements": ("parties", "RoleAcknowledgement", None),
    "attachments": ("parties", "Attachment", None),
    "business_goals": ("governance", "BusinessGoals", "WP.01"),
    "scopes": ("governance", "ServiceDeliveryScope", "WP.15"),
    "role_lists": ("governance", "RoleList", "WP.08"),
    "policies": ("governance", "ServicePolicy", "WP.14"),
    "cx_approaches": ("governance", "CustomerExperienceApproach", "WP.04"),
    "data_procedures": ("governance", "DataDocumentProcedure", "WP.05"),
    "feedback": ("governance", "FeedbackEntry", "WP.06"),
    "improvement_reports": ("governance", "ImprovementReport", "WP.07"),
    "configuration_items": ("control", "ConfigurationItem", "WP.02"),
    "change_requests": ("control", "ChangeRequest", "WP.11"),
    "schedule_items": ("control", "ScheduleItem", None),
    "change_schedules": ("control", "ChangeSchedule", "WP.12"),
    "built_changes": ("control", "BuiltChange", "WP.13"),
    "service_designs": ("control", "ServiceDesign", "WP.16"),
    "procedures": ("control", "ChangeProcedure", "WP.17"),
    "secure_procedures": ("control", "SecureComponentProcedure", "WP.09"),
    "test_reports": ("control", "TestReport", "WP.20"),
    "services": ("relationship", "Service", "WP.10"),
    "customer_agreements": ("relationship", "CustomerAgreement", "WP.03"),
    "supplier_agreements": ("relationship", "SupplierAgreement", "WP.21"),
    "performance_reports": ("relationship", "PerformanceReport", "WP.19"),
    "incidents": ("incident", "Incident", "WP.18"),
}
MODULES = ("parties", "governance", "control", "relationship", "incident")
# The prefix of records that are not a work product of the standard (those of a work product come
# from data/standard/work_products.toml).
OTHER_PREFIXES = {
    "customers": "CUS", "suppliers": "SUP", "people": "PER", "role_assignments": "RA", "training": "TRN",
    "acknowledgements": "ACK", "attachments": "ATT", "schedule_items": "SCH",
}


def prefix_of(kind: str) -> str:
    """The prefix of the human ids of records of `kind` (INC for incidents)."""
    wp = KINDS[kind][2]
    if wp:
        return work_product_prefixes()[wp]
    return OTHER_PREFIXES[kind]


def kind_of_wp(wp: str) -> str:
    return next(kind for kind, (_, _, code) in KINDS.items() if code == wp)


def _prefixes() -> dict[str, str]:
    return {prefix_of(kind): kind for kind in KINDS}


PREFIXES: dict[str, str] = _prefixes()  # human id prefix -> kind: finding "INC-0042" loads one module only
