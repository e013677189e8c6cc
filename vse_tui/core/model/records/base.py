"""Pydantic models of everything the app stores: the 21 work products, people, parties, roles.

Each model names its kind (table and export key), its work product (if any) and the prefix of
its human id. The work product status (the standard's codes, for document control) lives in
`status`; the operational state of a record (an incident waiting for the customer, a retired
configuration item) lives in `state`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from vse_tui.i18n import _

from ...kernel.clock import ensure_utc
from ..data import work_product_statuses
from ..ids import new_uuid
from .registry import prefix_of


def new_list() -> list[Any]:
    """An empty list for a field's default: a plain function, whose signature pydantic reads at
    once (for the builtin `list` it parses a text signature, some milliseconds per model at start)."""
    return []


def new_dict() -> dict[str, Any]:
    """An empty dict for a field's default (as `new_list`)."""
    return {}


# A moment in time, always held in UTC (naive input is taken as local time).
Instant = Annotated[datetime, AfterValidator(ensure_utc), PlainSerializer(lambda v: v.isoformat(), when_used="json")]

Level = Literal["high", "medium", "low"]
HOW_APPROVED = ("signature", "email", "meeting", "verbal", "other")
MEANINGS = ("approved", "reviewed", "accepted by the customer", "accepted by the supplier")


class Approval(BaseModel):
    """A signature on one version of a record (after 21 CFR Part 11, 11.50 and 11.70): the person
    (their printed name as it was), when, what it means, how it was given, and the version and
    content hash of what was approved, so that it cannot move to another record or version. A
    verbal approval names who noted it. It may carry an SSH signature over `core.governance.approvals.text`."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    by: str = Field(min_length=1)  # the printed name
    at: Instant
    how: Literal["signature", "email", "meeting", "verbal", "other", "paper"]
    noted_by: str | None = None  # the person (uuid) who noted a verbal approval
    note: str | None = None
    person: str | None = None  # uuid of the person who approved
    meaning: Literal["approved", "reviewed", "accepted by the customer", "accepted by the supplier"] = "approved"
    version: int | None = None  # the version of the record approved
    content: str | None = None  # sha256 of its content items at that version
    signature: str | None = None  # an SSH signature (ssh-keygen -Y sign -n vse-tui) over its text
    key: str | None = None  # the fingerprint of the key that signed
    recorded_by: str | None = None  # the person (uuid) who recorded it for the approver (given elsewhere)
    evidence: str | None = None  # the attachment (uuid) that shows it: the e-mail, or the signed paper's scan

    @model_validator(mode="after")
    def _verbal_needs_witness(self) -> Approval:
        if self.how == "verbal" and not self.noted_by:
            raise ValueError(_("a verbal approval needs noted_by: who noted it"))
        if self.recorded_by and self.signature:
            raise ValueError(_("an approval recorded for someone else is never a signature"))
        return self


class Record(BaseModel):
    """Common fields of every stored record."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

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
    approvals: list[Approval] = Field(default_factory=new_list)
    notes: str = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """A record's id prefix is the one data/standard gives its work product (or, for records
        that are not a work product, the registry's)."""
        super().__pydantic_init_subclass__(**kwargs)
        if cls.KIND:
            cls.PREFIX = prefix_of(cls.KIND)

    @model_validator(mode="after")
    def _status_in_lifecycle(self) -> Record:
        if self.WP:
            statuses = work_product_statuses()[self.WP]
            if self.status is None:
                object.__setattr__(self, "status", statuses[0])
            elif self.status not in statuses:
                raise ValueError(
                    _("status must be one of {statuses} for {wp} (got {status!r})").format(statuses=', '.join(statuses), wp=self.WP, status=self.status)
                )
        if self.STATES:
            if self.state is None:
                object.__setattr__(self, "state", self.STATES[0])
            elif self.state not in self.STATES:
                raise ValueError(_("state must be one of {states} (got {state!r})").format(states=', '.join(self.STATES), state=self.state))
        return self

    @property
    def title_text(self) -> str:
        return str(getattr(self, self.TITLE_FIELD, "") or "")


class Document(Record):
    """A structured, versioned document (policy, scope, procedures...)."""

    title: str = Field(default="", max_length=300)
