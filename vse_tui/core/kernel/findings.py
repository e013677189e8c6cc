"""A finding: what a check found wrong, about which records, and how serious it is.

One type for every check the app makes of its records: `verify` (the history chain, each record
against its history, attached files, signatures and keys, anchors: core.governance.approvals,
core.evidence.attachments, store.chain) and `audit check` (the rules an assessor reads the records
by: core.evidence.audit_check, reports.figures). A check says what is wrong in words; the doors
print `line()` or group findings by their rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vse_tui.i18n import _


class Severity(StrEnum):
    """How serious a finding is."""

    BROKEN = "broken"  # the records cannot be trusted as they stand: changed behind the app's back, a file gone
    QUESTION = "question"  # the records are intact; what they show is what an assessor would question
    MITIGATED = "mitigated"  # a warning the shop answered with a control the records show: read, not open


@dataclass(frozen=True)
class Finding:
    """What is wrong (`what`), which records (`records`, as a person names them: an id, "history
    123", "anchor"), the audit check's rule it breaks (`rule`, a key of audit_check.RULES; None for
    what `verify` finds) and how serious it is. `record` and `index` point into one record where a
    page links to a part of it (an approval: the record's uuid and the approval's place)."""

    rule: str | None
    records: tuple[str, ...]
    what: str
    severity: Severity = Severity.QUESTION
    record: str | None = None
    index: int | None = None
    # the dates `what` names, as values (name, UTC ISO 8601 moment or ISO day): `what` shows them in
    # the person's time zone and language, the JSON output carries them as stored
    dates: tuple[tuple[str, str], ...] = ()

    @classmethod
    def broken(cls, where: str, what: str, record: str | None = None, index: int | None = None) -> Finding:
        """Something `verify` finds: the records at `where` cannot be trusted as they stand."""
        return cls(None, (where,), what, Severity.BROKEN, record, index)

    @classmethod
    def question(cls, where: str, what: str, record: str | None = None, index: int | None = None) -> Finding:
        """Something `verify` finds that an assessor would question, the records themselves intact."""
        return cls(None, (where,), what, Severity.QUESTION, record, index)

    @property
    def ref(self) -> str:
        """The records as one name ("INC-0042", "P-0001, P-0002")."""
        return ", ".join(self.records)

    def line(self) -> str:
        """One line: "records: what", a whole sentence of the language (French spaces its colon).
        `what` says what is wrong in words; the rule's key is for programs (JSON), never shown: the
        audit check says a rule in words as the heading above its findings."""
        return _("{records}: {what}").format(records=self.ref, what=self.what)


__all__ = ["Finding", "Severity"]
