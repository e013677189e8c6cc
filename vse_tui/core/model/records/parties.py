"""Parties and roles: customers, suppliers, people, role assignments, training, acknowledged warnings."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from vse_tui.i18n import N_, _, match_language

from ..standard import load_standard
from .base import Record, new_list

# The languages mail to a customer or supplier can be written in (vse_tui.i18n.LANGUAGES).
Language = Literal["en", "es", "pt_BR", "fr"]


def _language(value: Any) -> Any:
    """A language as people write it (es-MX, pt, Français) stored as its code; empty: none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    found = match_language(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(_("language: {value!r} is not one we write in (en, es, pt_BR or fr)").format(value=value))
    return found


class Organisation(Record):
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("active", "former")
    name: str = Field(min_length=1, max_length=200)
    short: str = Field(default="", max_length=12)
    address: str = ""
    phone: str = ""
    email: str = ""
    language: Language | None = None  # mail to its contacts is written in it (else the shop's)

    _check_language = field_validator("language", mode="before")(_language)


class Customer(Organisation):
    KIND: ClassVar[str] = "customers"
    LABEL: ClassVar[str] = N_("Customer")


class Supplier(Organisation):
    KIND: ClassVar[str] = "suppliers"
    LABEL: ClassVar[str] = N_("Supplier")
    supplies: str = ""


class Person(Record):
    KIND: ClassVar[str] = "people"
    LABEL: ClassVar[str] = N_("Person")
    TITLE_FIELD: ClassVar[str] = "name"
    STATES: ClassVar[tuple[str, ...]] = ("active", "former")
    name: str = Field(min_length=1, max_length=200)
    email: str = ""
    phone: str = ""
    affiliation: Literal["internal", "customer", "supplier"] = "internal"
    organisation: str | None = None  # uuid of a customer or supplier
    os_user: str | None = None  # the login this person uses, so that their writes are theirs
    ssh_key: str | None = None  # their SSH public key: approvals they make can be signed with it
    key_proof: dict[str, Any] | None = None  # how their key came to be theirs (core.governance.keys), written with it
    language: Language | None = None  # a contact's language: mail to them is written in it (else their organisation's)

    _check_language = field_validator("language", mode="before")(_language)


class RoleAssignment(Record):
    KIND: ClassVar[str] = "role_assignments"
    LABEL: ClassVar[str] = N_("Role assignment")
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
            raise ValueError(_("role must be one of {codes}").format(codes=', '.join(codes)))
        return value

    @model_validator(mode="after")
    def _area_only_for_practitioner(self) -> RoleAssignment:
        if self.area and self.role != "PT":
            raise ValueError(_("only a practitioner (PT) assignment carries an area"))
        return self


class TrainingRecord(Record):
    """Training or competence required for a role assignment, when met and when due again."""

    KIND: ClassVar[str] = "training"
    LABEL: ClassVar[str] = N_("Training")
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
    LABEL: ClassVar[str] = N_("Acknowledged warning")
    TITLE_FIELD: ClassVar[str] = "rule"
    rule: str
    person: str | None = None
    roles: list[str] = Field(default_factory=new_list)
    record: str | None = None  # uuid of a record, for a rule met at the moment of work
    mitigation: str = Field(min_length=3)
    check: str | None = None  # the countable check the mitigation names, as chosen (core.evidence.duties.CHECKS)


class Attachment(Record):
    """A file kept as evidence with a record: stored beside the database under its content hash."""

    KIND: ClassVar[str] = "attachments"
    LABEL: ClassVar[str] = N_("Attachment")
    TITLE_FIELD: ClassVar[str] = "name"
    record: str  # uuid of the record it belongs to
    name: str = Field(min_length=1, max_length=255)  # the file's name when attached
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    note: str = ""
