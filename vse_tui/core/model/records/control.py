"""Service control work products (CO): configuration items, change requests, schedule, design, build, test, procedures."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from vse_tui.i18n import N_, _

from .base import Document, Instant, Record, new_list


class ConfigurationItem(Record):
    KIND: ClassVar[str] = "configuration_items"
    WP: ClassVar[str | None] = "WP.02"
    LABEL: ClassVar[str] = N_("Configuration item")
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("in service", "planned", "retired")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    ci_type: Literal["hardware", "software", "network", "document", "service component", "other"] = "other"
    owner: str = ""
    owner_person: str | None = None
    location: str = ""
    changes: list[str] = Field(default_factory=new_list)  # uuids of the change requests deployed on it (CO.3.4)
    incidents: list[str] = Field(default_factory=new_list)  # uuids of the incidents linked to it (IN.2.2)
    in_service_date: date | None = None
    expiry_date: date | None = None
    expiry_kind: Literal["licence", "warranty", "certificate", "contract"] | None = None
    services: list[str] = Field(default_factory=new_list)  # uuids of services
    depends_on: list[str] = Field(default_factory=new_list)  # uuids of other items


class ChangeRequest(Record):
    KIND: ClassVar[str] = "change_requests"
    WP: ClassVar[str | None] = "WP.11"
    LABEL: ClassVar[str] = N_("Change request")
    STATES: ClassVar[tuple[str, ...]] = (
        "requested", "scheduled", "designed", "built", "tested", "ready", "deployed", "reviewed", "cancelled",
    )
    title: str = Field(min_length=1, max_length=300)
    purpose: str = ""
    priority: Literal["P1", "P2", "P3", "P4", "P5"] = "P3"
    date_needed: date | None = None
    impacted_cis: list[str] = Field(default_factory=new_list)
    problem: str = ""
    business_impact: str = ""
    contact: str = ""
    scope: str = ""
    benefits: str = ""
    assumptions: str = ""
    constraints: str = ""
    cost: str = ""
    change_type: Literal["pre-approved", "emergency", "normal"] = "normal"
    risk: Literal["low", "medium", "high"] = "medium"
    backout_plan: str = ""
    incidents: list[str] = Field(default_factory=new_list)
    service: str | None = None
    customer: str | None = None
    requested_by: str = ""
    built_by: str | None = None
    planned_at: Instant | None = None
    planned_end: Instant | None = None
    deployed_at: Instant | None = None
    updates_catalogue: bool = False  # a new or changed service: deployment updates the catalogue
    template: bool = False  # this change defines a pre-approved type (earned by one full normal pass)
    template_from: str | None = None  # uuid of the pre-approved type this change was made from
    review: str = ""  # post-deployment review (CO.3.5)
    deployed_before_approval: bool = False  # an emergency change deployed first, approved after
    assignee: str | None = None  # uuid of the person who has it



class ChangeSchedule(Document):
    """The change schedule as a whole (WP.12): its status and approvals; its entries are ScheduleItems."""

    KIND: ClassVar[str] = "change_schedules"
    WP: ClassVar[str | None] = "WP.12"
    LABEL: ClassVar[str] = N_("Change schedule")
    rules: str = ""  # how the shop plans changes: windows, freezes, who confirms resources
    last_change: str | None = None  # the entry last put on or changed in the schedule (uuid)

    @property
    def entries(self) -> str:
        """Its entries live in schedule_items (changes, windows, business events)."""
        return "schedule_items"


class ScheduleItem(Record):
    """One entry of the change schedule: a planned change, a change or maintenance window, a business event."""

    KIND: ClassVar[str] = "schedule_items"
    LABEL: ClassVar[str] = N_("Schedule entry")
    title: str = Field(min_length=1)
    item_type: Literal["change", "change window", "maintenance window", "business event"] = "change"
    starts_at: Instant
    ends_at: Instant | None = None
    change: str | None = None
    recurrence: Literal["none", "weekly", "monthly"] = "none"
    resources: str = ""  # who and what the change needs, confirmed in CO.3.3
    confirmed_at: Instant | None = None  # when CO.3.3 last confirmed the date and resources (an act, even unchanged)

    @model_validator(mode="after")
    def _ends_after_start(self) -> ScheduleItem:
        if self.ends_at and self.ends_at < self.starts_at:
            raise ValueError(_("ends_at must not be before starts_at"))
        return self


class BuiltChange(Document):
    KIND: ClassVar[str] = "built_changes"
    WP: ClassVar[str | None] = "WP.13"
    LABEL: ClassVar[str] = N_("Built change")
    change: str | None = None
    master_copy: str = ""
    built_by: str = ""
    description: str = ""


class ServiceDesign(Document):
    KIND: ClassVar[str] = "service_designs"
    WP: ClassVar[str | None] = "WP.16"
    LABEL: ClassVar[str] = N_("Service design")
    change: str | None = None
    issue_date: date | None = None
    scope: str = ""
    issuer: str = ""
    approval_authority: str = ""
    tools_methods: str = ""
    schedule: str = ""
    budget: str = ""
    resources: str = ""
    responsibilities: str = ""
    risks: str = ""
    quality_measures: str = ""
    training: str = ""
    change_history: str = ""


class ChangeProcedure(Document):
    KIND: ClassVar[str] = "procedures"
    WP: ClassVar[str | None] = "WP.17"
    LABEL: ClassVar[str] = N_("Design, build, test and deployment procedure")
    raising_changes: str = ""
    updating_schedule: str = ""
    emergency_changes: str = ""
    removal: str = ""
    steps: str = ""


class SecureComponentProcedure(Document):
    KIND: ClassVar[str] = "secure_procedures"
    WP: ClassVar[str | None] = "WP.09"
    LABEL: ClassVar[str] = N_("Secure component procedure")
    storage_rule: str = ""
    steps: str = ""
    authorisation: str = ""


class TestReport(Document):
    __test__ = False  # not a pytest test class
    KIND: ClassVar[str] = "test_reports"
    WP: ClassVar[str | None] = "WP.20"
    LABEL: ClassVar[str] = N_("Test report")
    change: str | None = None
    summary: str = ""
    levels_and_types: str = ""
    measurement: str = ""
    errors: str = ""
    tested_by: str = ""
    tested_at: Instant | None = None
    interpreted_by: str = ""
    validated_by: str = ""
    result: Literal["pass", "fail"] = "pass"
