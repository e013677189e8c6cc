"""Service incident record (WP.18) and the entries it carries."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vse_tui.i18n import N_, _

from .base import Instant, Level, Record, new_list


class Notification(BaseModel):
    """A message to the affected party: who was told (their words), by whom (a person of the shop),
    how, when, and the text itself, as the policy's standard message filled in."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    task: Literal["IN.2.3", "IN.2.4", "IN.2.5"]
    to: str = Field(min_length=1)
    at: Instant
    how: Literal["email", "phone", "chat", "in person", "other"] = "email"
    by: str = ""  # the person (uuid) who told them
    message: str = ""
    to_person: str | None = None  # the contact told, when they are in People
    message_id: str | None = None  # the Message-ID of the mail that carried it
    address: str = ""  # the e-mail address it was sent to
    sent_at: Instant | None = None  # when a mail server accepted the mail
    delivery: str = ""  # what the server said (its reply when it accepted, its code and words when it refused)
    # what became of the mail (see core.mail_delivery): "" for a notification that was no mail of ours
    state: Literal["", "queued", "sent", "refused", "bounced", "dropped"] = ""


class Mail(BaseModel):
    """A message that came in on the incident: the one that opened it, or a reply."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    message_id: str = Field(min_length=1)  # its Message-ID (or sha256:... of its content when it had none)
    sender: str = ""  # the address
    sender_name: str = ""
    subject: str = ""
    at: Instant  # the Date it carries (what the sender's computer said: shown, never counted), else when it arrived
    received_at: Instant  # when the shop received it (imported it): the incident opened by it opens then
    text: str = ""
    kind: Literal["new", "reply", "held"] = "new"  # held: a stranger's mail to a closed incident, for a person


class TimeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    who: str = Field(min_length=1)  # the person (uuid) who spent it
    at: Instant
    minutes: int = Field(gt=0, le=24 * 60)
    billable: bool = True
    note: str = ""


class Confirmation(BaseModel):
    """The affected party's confirmation that the service works: their name as given, the contact
    in People when known, how and when."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    by: str = Field(min_length=1)
    at: Instant
    how: Literal["email", "phone", "chat", "in person", "other"] = "phone"
    person: str | None = None  # the contact (uuid) who confirmed, when they are in People
    checked_by: str | None = None  # the person (uuid) who checked the fix, when its resolver closes it
    check: str = ""  # how they checked it


class Incident(Record):
    KIND: ClassVar[str] = "incidents"
    WP: ClassVar[str | None] = "WP.18"
    LABEL: ClassVar[str] = N_("Incident")
    TITLE_FIELD: ClassVar[str] = "summary"
    STATES: ClassVar[tuple[str, ...]] = (
        "new", "in progress", "waiting for customer", "waiting for supplier", "restored", "closed",
    )
    summary: str = Field(min_length=1, max_length=300)
    customer: str | None = None  # uuid
    service: str | None = None  # uuid
    reporter: str = ""
    reporter_contact: str = ""
    resolver: str = ""  # the person (uuid) who restored the service
    details: str = ""
    cis: list[str] = Field(default_factory=new_list)  # uuids of configuration items
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
    changes: list[str] = Field(default_factory=new_list)  # uuids of change requests
    related_incidents: list[str] = Field(default_factory=new_list)
    notifications: list[Notification] = Field(default_factory=new_list)
    time_spent: list[TimeEntry] = Field(default_factory=new_list)
    confirmation: Confirmation | None = None
    reopened: int = Field(default=0, ge=0)
    waiting_minutes: int = Field(default=0, ge=0)
    waiting_since: Instant | None = None
    problem: bool = False  # a potential problem (IN.1.3) rather than a reported failure
    mail: list[Mail] = Field(default_factory=new_list)  # messages that came in on it (the first one opened it)
    external_ref: str | None = None  # the ticket key in the tool it was imported from
    source_status: str = ""  # the status word it had in the tool it was imported from, as that tool wrote it
    fingerprint: str | None = None  # an imported row's content hash, when its export had no ticket key
    assignee: str | None = None  # uuid of the person who has it

    @property
    def time_to_resolve_minutes(self) -> int | None:
        if self.opened_at and self.restored_at:
            return max(0, int((self.restored_at - self.opened_at).total_seconds() // 60))
        return None

    @property
    def significant(self) -> bool:
        return self.priority in ("P1", "P2") or self.security

    @model_validator(mode="after")
    def _times_in_order(self) -> Incident:
        if self.opened_at and self.restored_at and self.restored_at < self.opened_at:
            raise ValueError(_("restored_at must not be before opened_at"))
        if self.opened_at and self.closed_at and self.closed_at < self.opened_at:
            raise ValueError(_("closed_at must not be before opened_at"))
        return self
