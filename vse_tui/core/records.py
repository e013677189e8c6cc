"""Pydantic models of everything the app stores: the 21 work products, people, parties, roles.

Each model names its kind (table and export key), its work product (if any) and the prefix of
its human id. The work product status (the standard's codes, for document control) lives in
`status`; the operational state of a record (an incident waiting for the customer, a retired
configuration item) lives in `state`.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from typing import Annotated

from pydantic import AfterValidator, BaseModel, PlainSerializer, ConfigDict, Field, field_validator, model_validator

from .clock import ensure_utc
from .standard import load_standard

# A moment in time, always held in UTC (naive input is taken as local time).
Instant = Annotated[datetime, AfterValidator(ensure_utc), PlainSerializer(lambda v: v.isoformat(), when_used="json")]

Level = Literal["high", "medium", "low"]
HOW_APPROVED = ("email", "signature", "verbal", "meeting", "other")


def new_uuid() -> str:
    return str(uuidlib.uuid4())


class Approval(BaseModel):
    """Who approved, when and how; a verbal approval names who noted it."""

    model_config = ConfigDict(extra="forbid")
    by: str = Field(min_length=1)
    at: Instant
    how: Literal["email", "signature", "verbal", "meeting", "other"]
    noted_by: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _verbal_needs_witness(self) -> "Approval":
        if self.how == "verbal" and not self.noted_by:
            raise ValueError("a verbal approval needs noted_by: who noted it")
        return self


class Record(BaseModel):
    """Common fields of every stored record."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    KIND: ClassVar[str] = ""
    WP: ClassVar[str | None] = None
    PREFIX: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    TITLE_FIELD: ClassVar[str] = "title"
    STATES: ClassVar[tuple[str, ...]] = ()

    id: str | None = None
    uuid: str = Field(default_factory=new_uuid)
    status: str | None = None
    state: str | None = None
    version: int = 1
    created_at: Instant | None = None
    updated_at: Instant | None = None
    created_by: str | None = None
    updated_by: str | None = None
    approvals: list[Approval] = []
    notes: str = ""

    @model_validator(mode="after")
    def _status_in_lifecycle(self) -> "Record":
        if self.WP:
            wp = load_standard().wp(self.WP)
            if self.status is None:
                object.__setattr__(self, "status", wp.initial_status)
            elif self.status not in wp.statuses:
                raise ValueError(
                    f"status must be one of {', '.join(wp.statuses)} for {self.WP} (got {self.status!r})"
                )
        if self.STATES:
            if self.state is None:
                object.__setattr__(self, "state", self.STATES[0])
            elif self.state not in self.STATES:
                raise ValueError(f"state must be one of {', '.join(self.STATES)} (got {self.state!r})")
        return self

    @property
    def title_text(self) -> str:
        return str(getattr(self, self.TITLE_FIELD, "") or "")


class Document(Record):
    """A structured, versioned document (policy, scope, procedures...)."""

    title: str = Field(default="", max_length=300)


# ---------------------------------------------------------------- parties and roles


class Organisation(Record):
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("active", "former")
    name: str = Field(min_length=1, max_length=200)
    short: str = Field(default="", max_length=12)
    address: str = ""
    phone: str = ""
    email: str = ""


class Customer(Organisation):
    KIND: ClassVar[str] = "customers"
    PREFIX: ClassVar[str] = "CUS"
    LABEL: ClassVar[str] = "Customer"


class Supplier(Organisation):
    KIND: ClassVar[str] = "suppliers"
    PREFIX: ClassVar[str] = "SUP"
    LABEL: ClassVar[str] = "Supplier"
    supplies: str = ""


class Person(Record):
    KIND: ClassVar[str] = "people"
    PREFIX: ClassVar[str] = "PER"
    LABEL: ClassVar[str] = "Person"
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("active", "former")
    name: str = Field(min_length=1, max_length=200)
    email: str = ""
    phone: str = ""
    affiliation: Literal["internal", "customer", "supplier"] = "internal"
    organisation: str | None = None  # uuid of a customer or supplier


class RoleAssignment(Record):
    KIND: ClassVar[str] = "role_assignments"
    PREFIX: ClassVar[str] = "RA"
    LABEL: ClassVar[str] = "Role assignment"
    TITLE_FIELD: ClassVar[str] = "role"
    STATES: ClassVar[tuple[str, ...]] = ("active", "ended")
    person: str  # uuid
    role: str
    area: Literal["change", "incident", "relationship"] | None = None
    since: date | None = None

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        value = value.upper()
        codes = [r.code for r in load_standard().roles]
        if value not in codes:
            raise ValueError(f"role must be one of {', '.join(codes)}")
        return value

    @model_validator(mode="after")
    def _area_only_for_practitioner(self) -> "RoleAssignment":
        if self.area and self.role != "PT":
            raise ValueError("only a practitioner (PT) assignment carries an area")
        return self


class TrainingRecord(Record):
    """Training or competence required for a role assignment, when met and when due again."""

    KIND: ClassVar[str] = "training"
    PREFIX: ClassVar[str] = "TRN"
    LABEL: ClassVar[str] = "Training"
    TITLE_FIELD: ClassVar[str] = "requirement"
    STATES: ClassVar[tuple[str, ...]] = ("planned", "met", "lapsed")
    assignment: str  # uuid of the role assignment
    person: str  # uuid
    requirement: str = Field(min_length=1)
    met_on: date | None = None
    due_on: date | None = None


class RoleAcknowledgement(Record):
    """A role-combination warning knowingly accepted, with its written mitigation."""

    KIND: ClassVar[str] = "acknowledgements"
    PREFIX: ClassVar[str] = "ACK"
    LABEL: ClassVar[str] = "Acknowledged warning"
    TITLE_FIELD: ClassVar[str] = "rule"
    rule: str
    person: str | None = None
    roles: list[str] = []
    record: str | None = None  # uuid of a record, for a rule met at the moment of work
    mitigation: str = Field(min_length=3)


# ---------------------------------------------------------------- governance documents


class BusinessGoals(Document):
    KIND: ClassVar[str] = "business_goals"
    WP: ClassVar[str | None] = "WP.01"
    PREFIX: ClassVar[str] = "BGO"
    LABEL: ClassVar[str] = "Business goals and objectives"
    goals: str = ""
    objectives: str = ""
    provider_type: Literal["internal", "external"] = "external"


class ServiceDeliveryScope(Document):
    KIND: ClassVar[str] = "scopes"
    WP: ClassVar[str | None] = "WP.15"
    PREFIX: ClassVar[str] = "SCO"
    LABEL: ClassVar[str] = "Service delivery scope"
    services_offered: str = ""
    customers: list[str] = []  # uuids: all present customers at a minimum
    boundaries: str = ""
    technology: str = ""
    exclusions: str = ""


class RoleList(Document):
    KIND: ClassVar[str] = "role_lists"
    WP: ClassVar[str | None] = "WP.08"
    PREFIX: ClassVar[str] = "ROL"
    LABEL: ClassVar[str] = "List of assigned roles"
    assignments: list[str] = []  # uuids of role assignments in force when approved
    training_needs: str = ""


class PriorityTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    priority: Literal["P1", "P2", "P3", "P4", "P5"]
    respond_minutes: int = Field(gt=0)
    resolve_minutes: int = Field(gt=0)


class ServicePolicy(Document):
    KIND: ClassVar[str] = "policies"
    WP: ClassVar[str | None] = "WP.14"
    PREFIX: ClassVar[str] = "POL"
    LABEL: ClassVar[str] = "Service delivery policy"
    objectives: str = ""
    plans: str = ""
    catalogue_creation: str = ""
    priority_matrix: dict[str, str] = {}  # "high/medium" -> "P2"
    targets: list[PriorityTarget] = []
    change_definitions: dict[str, str] = {}  # pre-approved / emergency / normal
    communication_practices: str = ""
    templates: dict[str, str] = {}  # incident_opened, incident_restored, ...
    security_measures: dict[str, str] = {}  # confidentiality / integrity / availability
    review_date: date | None = None


class CustomerExperienceApproach(Document):
    KIND: ClassVar[str] = "cx_approaches"
    WP: ClassVar[str | None] = "WP.04"
    PREFIX: ClassVar[str] = "CXA"
    LABEL: ClassVar[str] = "Customer experience approach"
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
    PREFIX: ClassVar[str] = "DDP"
    LABEL: ClassVar[str] = "Data and document management procedure"
    controls: str = ""
    location: str = ""
    backup: str = ""
    archive: str = ""
    other_records: str = ""


class FeedbackEntry(Record):
    KIND: ClassVar[str] = "feedback"
    WP: ClassVar[str | None] = "WP.06"
    PREFIX: ClassVar[str] = "FB"
    LABEL: ClassVar[str] = "Feedback entry"
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
    incidents: list[str] = []
    changes: list[str] = []


class ImprovementReport(Document):
    KIND: ClassVar[str] = "improvement_reports"
    WP: ClassVar[str | None] = "WP.07"
    PREFIX: ClassVar[str] = "IMP"
    LABEL: ClassVar[str] = "Improvement report"
    period_start: date | None = None
    period_end: date | None = None
    customer_view: str = ""
    goals_achieved: str = ""
    issues: str = ""
    provider_view: str = ""
    actions: str = ""


# ---------------------------------------------------------------- service control


class ConfigurationItem(Record):
    KIND: ClassVar[str] = "configuration_items"
    WP: ClassVar[str | None] = "WP.02"
    PREFIX: ClassVar[str] = "CI"
    LABEL: ClassVar[str] = "Configuration item"
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("in service", "planned", "retired")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    ci_type: Literal["hardware", "software", "network", "document", "service component", "other"] = "other"
    owner: str = ""
    owner_person: str | None = None
    location: str = ""
    in_service_date: date | None = None
    expiry_date: date | None = None
    expiry_kind: Literal["licence", "warranty", "certificate", "contract"] | None = None
    services: list[str] = []  # uuids of services
    depends_on: list[str] = []  # uuids of other items


class ChangeRequest(Record):
    KIND: ClassVar[str] = "change_requests"
    WP: ClassVar[str | None] = "WP.11"
    PREFIX: ClassVar[str] = "CHG"
    LABEL: ClassVar[str] = "Change request"
    STATES: ClassVar[tuple[str, ...]] = (
        "requested", "scheduled", "designed", "built", "tested", "ready", "deployed", "reviewed", "cancelled",
    )
    title: str = Field(min_length=1, max_length=300)
    purpose: str = ""
    priority: Literal["P1", "P2", "P3", "P4", "P5"] = "P3"
    date_needed: date | None = None
    impacted_cis: list[str] = []
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
    incidents: list[str] = []
    service: str | None = None
    customer: str | None = None
    requested_by: str = ""
    built_by: str | None = None
    planned_at: Instant | None = None
    deployed_at: Instant | None = None


class ScheduleItem(Record):
    KIND: ClassVar[str] = "schedule_items"
    WP: ClassVar[str | None] = "WP.12"
    PREFIX: ClassVar[str] = "SCH"
    LABEL: ClassVar[str] = "Schedule entry"
    title: str = Field(min_length=1)
    item_type: Literal["change", "change window", "maintenance window", "business event"] = "change"
    starts_at: Instant
    ends_at: Instant | None = None
    change: str | None = None
    recurrence: Literal["none", "weekly", "monthly"] = "none"

    @model_validator(mode="after")
    def _ends_after_start(self) -> "ScheduleItem":
        if self.ends_at and self.ends_at < self.starts_at:
            raise ValueError("ends_at must not be before starts_at")
        return self


class BuiltChange(Document):
    KIND: ClassVar[str] = "built_changes"
    WP: ClassVar[str | None] = "WP.13"
    PREFIX: ClassVar[str] = "BLD"
    LABEL: ClassVar[str] = "Built change"
    change: str | None = None
    master_copy: str = ""
    built_by: str = ""


class ServiceDesign(Document):
    KIND: ClassVar[str] = "service_designs"
    WP: ClassVar[str | None] = "WP.16"
    PREFIX: ClassVar[str] = "DES"
    LABEL: ClassVar[str] = "Service design"
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
    PREFIX: ClassVar[str] = "PRC"
    LABEL: ClassVar[str] = "Design, build, test and deployment procedure"
    raising_changes: str = ""
    updating_schedule: str = ""
    emergency_changes: str = ""
    removal: str = ""
    steps: str = ""


class SecureComponentProcedure(Document):
    KIND: ClassVar[str] = "secure_procedures"
    WP: ClassVar[str | None] = "WP.09"
    PREFIX: ClassVar[str] = "SEC"
    LABEL: ClassVar[str] = "Secure component procedure"
    storage_rule: str = ""
    steps: str = ""
    authorisation: str = ""


class TestReport(Document):
    KIND: ClassVar[str] = "test_reports"
    WP: ClassVar[str | None] = "WP.20"
    PREFIX: ClassVar[str] = "TST"
    LABEL: ClassVar[str] = "Test report"
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


# ---------------------------------------------------------------- service relationship


class ServiceTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    priority: Literal["P1", "P2", "P3", "P4", "P5"]
    respond_minutes: int = Field(gt=0)
    resolve_minutes: int = Field(gt=0)


class ServiceHours(BaseModel):
    """When the service is staffed: days (0=Monday), from-to local times, holidays."""

    model_config = ConfigDict(extra="forbid")
    days: list[int] = [0, 1, 2, 3, 4]
    start: str = "09:00"
    end: str = "17:00"
    holidays: list[date] = []
    always: bool = False  # 24x7


class Service(Record):
    KIND: ClassVar[str] = "services"
    WP: ClassVar[str | None] = "WP.10"
    PREFIX: ClassVar[str] = "SVC"
    LABEL: ClassVar[str] = "Service"
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("live", "planned", "retired")
    name: str = Field(min_length=1, max_length=200)
    catalogue: str = "Main catalogue"
    description: str = ""
    service_hours: ServiceHours = ServiceHours()
    quality_measures: str = ""
    targets: list[ServiceTarget] = []
    how_to_use: str = ""
    costs: str = ""
    dependencies: list[str] = []
    standards: str = ""
    feedback_handling: str = ""
    review_date: date | None = None


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
    services: list[str] = []  # uuids of services covered
    targets: list[ServiceTarget] = []
    service_hours: ServiceHours | None = None
    acceptance_criteria: str = ""
    warranty: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Agreement":
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class CustomerAgreement(Agreement):
    KIND: ClassVar[str] = "customer_agreements"
    WP: ClassVar[str | None] = "WP.03"
    PREFIX: ClassVar[str] = "AGR"
    LABEL: ClassVar[str] = "Customer agreement"
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
    PREFIX: ClassVar[str] = "SAG"
    LABEL: ClassVar[str] = "Supplier agreement"
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
    PREFIX: ClassVar[str] = "PRF"
    LABEL: ClassVar[str] = "Performance report"
    period_start: date | None = None
    period_end: date | None = None
    customer: str | None = None
    period_performance: dict[str, Any] = {}
    previous_actions: str = ""
    proposed_actions: str = ""


# ---------------------------------------------------------------- service incident


class Notification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task: Literal["IN.2.3", "IN.2.4", "IN.2.5"]
    to: str = Field(min_length=1)
    at: Instant
    how: Literal["email", "phone", "chat", "in person", "other"] = "email"
    by: str = ""
    message: str = ""


class TimeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    who: str = Field(min_length=1)
    at: Instant
    minutes: int = Field(gt=0, le=24 * 60)
    billable: bool = True
    note: str = ""


class Confirmation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: str = Field(min_length=1)
    at: Instant
    how: Literal["email", "phone", "chat", "in person", "other"] = "phone"


class Incident(Record):
    KIND: ClassVar[str] = "incidents"
    WP: ClassVar[str | None] = "WP.18"
    PREFIX: ClassVar[str] = "INC"
    LABEL: ClassVar[str] = "Incident"
    TITLE_FIELD: ClassVar[str] = "summary"
    STATES: ClassVar[tuple[str, ...]] = (
        "new", "in progress", "waiting for customer", "waiting for supplier", "restored", "closed",
    )
    summary: str = Field(min_length=1, max_length=300)
    customer: str | None = None  # uuid
    service: str | None = None  # uuid
    reporter: str = ""
    reporter_contact: str = ""
    resolver: str = ""
    details: str = ""
    cis: list[str] = []  # uuids of configuration items
    impact: Level = "medium"
    urgency: Level = "medium"
    priority: Literal["P1", "P2", "P3", "P4", "P5"] = "P3"
    category: str = ""
    steps_taken: str = ""
    solution: str = ""
    opened_at: Instant | None = None
    responded_at: Instant | None = None
    restored_at: Instant | None = None
    closed_at: Instant | None = None
    root_cause: str = ""
    no_change_reason: str = ""
    security: bool = False
    changes: list[str] = []  # uuids of change requests
    related_incidents: list[str] = []
    notifications: list[Notification] = []
    time_spent: list[TimeEntry] = []
    confirmation: Confirmation | None = None
    reopened: int = Field(default=0, ge=0)
    waiting_minutes: int = Field(default=0, ge=0)
    waiting_since: Instant | None = None
    problem: bool = False  # a potential problem (IN.1.3) rather than a reported failure

    @property
    def time_to_resolve_minutes(self) -> int | None:
        if self.opened_at and self.restored_at:
            return max(0, int((self.restored_at - self.opened_at).total_seconds() // 60))
        return None

    @property
    def significant(self) -> bool:
        return self.priority in ("P1", "P2") or self.security

    @model_validator(mode="after")
    def _times_in_order(self) -> "Incident":
        if self.opened_at and self.restored_at and self.restored_at < self.opened_at:
            raise ValueError("restored_at must not be before opened_at")
        if self.opened_at and self.closed_at and self.closed_at < self.opened_at:
            raise ValueError("closed_at must not be before opened_at")
        return self


RECORD_TYPES: tuple[type[Record], ...] = (
    Customer, Supplier, Person, RoleAssignment, TrainingRecord, RoleAcknowledgement,
    BusinessGoals, ServiceDeliveryScope, RoleList, ServicePolicy, CustomerExperienceApproach,
    DataDocumentProcedure, FeedbackEntry, ImprovementReport,
    ConfigurationItem, ChangeRequest, ScheduleItem, BuiltChange, ServiceDesign, ChangeProcedure,
    SecureComponentProcedure, TestReport,
    Service, CustomerAgreement, SupplierAgreement, PerformanceReport,
    Incident,
)

BY_KIND: dict[str, type[Record]] = {t.KIND: t for t in RECORD_TYPES}
BY_WP: dict[str, type[Record]] = {t.WP: t for t in RECORD_TYPES if t.WP}
BY_PREFIX: dict[str, type[Record]] = {t.PREFIX: t for t in RECORD_TYPES}


def export_key(model: type[Record]) -> str:
    """Records of a work product export under its code ("WP.18"), the others under their kind."""
    return model.WP or model.KIND
