"""Governance work products (GO): goals, scope, roles list, policy, customer experience, documents, feedback, improvement."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from vse_tui.i18n import N_

from .base import Document, Instant, Record, new_dict, new_list


class BusinessGoals(Document):
    KIND: ClassVar[str] = "business_goals"
    WP: ClassVar[str | None] = "WP.01"
    LABEL: ClassVar[str] = N_("Business goals and objectives")
    goals: str = ""
    objectives: str = ""
    provider_type: Literal["internal", "external"] = "external"


class ServiceDeliveryScope(Document):
    KIND: ClassVar[str] = "scopes"
    WP: ClassVar[str | None] = "WP.15"
    LABEL: ClassVar[str] = N_("Service delivery scope")
    services_offered: str = ""
    customers: list[str] = Field(default_factory=new_list)  # uuids: all present customers at a minimum
    boundaries: str = ""
    technology: str = ""
    exclusions: str = ""


class RoleList(Document):
    KIND: ClassVar[str] = "role_lists"
    WP: ClassVar[str | None] = "WP.08"
    LABEL: ClassVar[str] = N_("List of assigned roles")
    assignments: list[str] = Field(default_factory=new_list)  # uuids of role assignments in force when approved
    training_needs: str = ""


class PriorityTarget(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    priority: Literal["P1", "P2", "P3", "P4", "P5"]
    respond_minutes: int = Field(gt=0)
    resolve_minutes: int = Field(gt=0)


class ServicePolicy(Document):
    KIND: ClassVar[str] = "policies"
    WP: ClassVar[str | None] = "WP.14"
    LABEL: ClassVar[str] = N_("Service delivery policy")
    objectives: str = ""
    plans: str = ""
    catalogue_creation: str = ""
    priority_matrix: dict[str, str] = Field(default_factory=new_dict)  # "high/medium" -> "P2"
    targets: list[PriorityTarget] = Field(default_factory=new_list)
    change_definitions: dict[str, str] = Field(default_factory=new_dict)  # pre-approved / emergency / normal
    change_request_method: str = ""  # how anyone asks for a change (CO.1.1)
    communication_practices: str = ""
    templates: dict[str, str] = Field(default_factory=new_dict)  # incident_opened, incident_restored, ...
    security_measures: dict[str, str] = Field(default_factory=new_dict)  # confidentiality / integrity / availability
    review_date: date | None = None
    review_intervals: dict[str, int] = Field(default_factory=new_dict)  # task -> days before its evidence is stale (the shop's own)


class CustomerExperienceApproach(Document):
    KIND: ClassVar[str] = "cx_approaches"
    WP: ClassVar[str | None] = "WP.04"
    LABEL: ClassVar[str] = N_("Customer experience approach")
    measurement: str = ""
    receiving: str = ""
    acknowledging: str = ""
    recording: str = ""
    investigating: str = ""
    answering: str = ""
    escalating: str = ""
    closing: str = ""
    log_contents: str = ""


class DataDocumentProcedure(Document):
    KIND: ClassVar[str] = "data_procedures"
    WP: ClassVar[str | None] = "WP.05"
    LABEL: ClassVar[str] = N_("Data and document management procedure")
    controls: str = ""
    location: str = ""
    backup: str = ""
    backup_folder: str = ""  # where `vse-tui backup` and the daily backup write, when set
    archive: str = ""
    other_records: str = ""


class FeedbackEntry(Record):
    KIND: ClassVar[str] = "feedback"
    WP: ClassVar[str | None] = "WP.06"
    LABEL: ClassVar[str] = N_("Feedback entry")
    TITLE_FIELD: ClassVar[str] = "description"
    STATES: ClassVar[tuple[str, ...]] = (
        "received", "acknowledged", "investigated", "answered", "escalated", "closed",
    )
    feedback_type: Literal["compliment", "complaint", "comment"] = "comment"
    source: Literal["customer", "supplier", "other"] = "customer"
    contact: str = ""
    company: str | None = None  # uuid of a customer or supplier
    special_needs: str = ""
    description: str = Field(min_length=1)
    received_at: Instant | None = None
    investigation_outcome: str = ""
    signed_off_by: str | None = None
    signed_off_at: Instant | None = None
    incidents: list[str] = Field(default_factory=new_list)
    changes: list[str] = Field(default_factory=new_list)
    assignee: str | None = None  # uuid of the person who has it


class ImprovementReport(Document):
    KIND: ClassVar[str] = "improvement_reports"
    WP: ClassVar[str | None] = "WP.07"
    LABEL: ClassVar[str] = N_("Improvement report")
    period_start: date | None = None
    period_end: date | None = None
    customer_view: str = ""
    goals_achieved: str = ""
    issues: str = ""
    provider_view: str = ""
    actions: str = ""
    figures: dict[str, int] = Field(default_factory=new_dict)  # the counts it is written from (reports.figures)
