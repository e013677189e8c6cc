"""Service relationship work products (RE): catalogue services, agreements, performance reports."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vse_tui.i18n import N_, _

from .base import Document, Record, new_dict, new_list


class ServiceTarget(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    priority: Literal["P1", "P2", "P3", "P4", "P5"]
    respond_minutes: int = Field(gt=0)
    resolve_minutes: int = Field(gt=0)


class ServiceHours(BaseModel):
    """When the service is staffed: days (0=Monday), from-to local times, holidays."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    days: list[int] = [0, 1, 2, 3, 4]
    start: str = "09:00"
    end: str = "17:00"
    holidays: list[date] = Field(default_factory=new_list)
    always: bool = False  # 24x7


def _main_catalogue() -> str:
    """A new entry's catalogue when none is named: written in the language spoken when it is made."""
    return _("Main catalogue")


class Service(Record):
    KIND: ClassVar[str] = "services"
    WP: ClassVar[str | None] = "WP.10"
    LABEL: ClassVar[str] = N_("Service")
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("live", "planned", "retired")
    name: str = Field(min_length=1, max_length=200)
    catalogue: str = Field(default_factory=_main_catalogue)
    description: str = ""
    service_hours: ServiceHours = ServiceHours()
    quality_measures: str = ""
    targets: list[ServiceTarget] = Field(default_factory=new_list)
    how_to_use: str = ""
    costs: str = ""
    dependencies: list[str] = Field(default_factory=new_list)
    standards: str = ""
    feedback_handling: str = ""
    review_date: date | None = None
    change_requests: list[str] = Field(default_factory=new_list)  # uuids of the change requests that changed an approved entry


class Agreement(Record):
    STATES: ClassVar[tuple[str, ...]] = ("in force", "expired", "terminated")
    title: str = Field(min_length=1, max_length=300)
    approval_form: str = ""
    scope: str = ""
    start_date: date | None = None
    review_date: date | None = None
    end_date: date | None = None
    provider_owner: str = ""
    party_owner: str = ""
    communication_methods: str = ""
    services: list[str] = Field(default_factory=new_list)  # uuids of services covered
    targets: list[ServiceTarget] = Field(default_factory=new_list)
    service_hours: ServiceHours | None = None
    acceptance_criteria: str = ""
    warranty: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Agreement:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(_("end_date must not be before start_date"))
        return self


class CustomerAgreement(Agreement):
    KIND: ClassVar[str] = "customer_agreements"
    WP: ClassVar[str | None] = "WP.03"
    LABEL: ClassVar[str] = N_("Customer agreement")
    customer: str  # uuid
    requirements: str = ""
    performance_measurement: str = ""
    resources: str = ""
    charging: str = ""
    licensing: str = ""
    delivery: str = ""
    change_and_incident_procedures: str = ""
    customer_role: str = ""
    review_evidence: str = ""


class SupplierAgreement(Agreement):
    KIND: ClassVar[str] = "supplier_agreements"
    WP: ClassVar[str | None] = "WP.21"
    LABEL: ClassVar[str] = N_("Supplier agreement")
    supplier: str  # uuid
    deliverables: str = ""
    terms: str = ""
    pricing: str = ""
    schedule: str = ""
    competency: str = ""
    standards: str = ""
    reviews: str = ""
    rights: str = ""
    change_procedure: str = ""


class PerformanceReport(Document):
    KIND: ClassVar[str] = "performance_reports"
    WP: ClassVar[str | None] = "WP.19"
    LABEL: ClassVar[str] = N_("Performance report")
    period_start: date | None = None
    period_end: date | None = None
    customer: str | None = None
    period_performance: dict[str, Any] = Field(default_factory=new_dict)
    previous_actions: str = ""
    proposed_actions: str = ""
