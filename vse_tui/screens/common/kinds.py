"""What each kind of record is called on screen, one and many, in the language spoken.

The core names a kind in the singular (`Model.LABEL`, marked for translation there); a list's
heading needs the plural, which no rule of English endings gives in another language, so each is
written out here."""

from __future__ import annotations

from vse_tui.core.kernel.text import plural
from vse_tui.core.model.records import BY_KIND
from vse_tui.i18n import N_, _

PLURALS = {
    "customers": N_("Customers"),
    "suppliers": N_("Suppliers"),
    "people": N_("People"),
    "role_assignments": N_("Role assignments"),
    "training": N_("Trainings"),
    "acknowledgements": N_("Acknowledged warnings"),
    "attachments": N_("Attachments"),
    "business_goals": N_("Business goals and objectives"),
    "scopes": N_("Service delivery scopes"),
    "role_lists": N_("List of assigned roles"),
    "policies": N_("Service delivery policies"),
    "cx_approaches": N_("Customer experience approaches"),
    "data_procedures": N_("Data and document management procedures"),
    "feedback": N_("Feedback entries"),
    "improvement_reports": N_("Improvement reports"),
    "configuration_items": N_("Configuration items"),
    "change_requests": N_("Change requests"),
    "schedule_items": N_("Schedule entries"),
    "change_schedules": N_("Change schedules"),
    "built_changes": N_("Built changes"),
    "service_designs": N_("Service designs"),
    "procedures": N_("Design, build, test and deployment procedures"),
    "secure_procedures": N_("Secure component procedures"),
    "test_reports": N_("Test reports"),
    "services": N_("Services"),
    "customer_agreements": N_("Customer agreements"),
    "supplier_agreements": N_("Supplier agreements"),
    "performance_reports": N_("Performance reports"),
    "incidents": N_("Incidents"),
}


def kind_name(kind: str) -> str:
    """One record of `kind`, as the screen names it ("Change request")."""

    return _(BY_KIND[kind].LABEL)


def kinds_name(kind: str) -> str:
    """The records of `kind`, as a list's heading names them ("Change requests")."""
    if kind in PLURALS:
        return _(PLURALS[kind])

    return plural(_(BY_KIND[kind].LABEL))


__all__ = ["PLURALS", "kind_name", "kinds_name"]
