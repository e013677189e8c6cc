"""Priorities and targets: the impact x urgency matrix and where an incident's targets come from.

Defaults here are the starting point the governance wizard offers; the shop's own policy (WP.14),
catalogue (WP.10) and agreements (WP.03) override them, most specific first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vse_tui.i18n import LANGUAGES, N_, _, using

if TYPE_CHECKING:
    from .hours import Hours

LEVELS = ("high", "medium", "low")
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")

DEFAULT_MATRIX: dict[str, str] = {
    "high/high": "P1", "high/medium": "P2", "high/low": "P3",
    "medium/high": "P2", "medium/medium": "P3", "medium/low": "P4",
    "low/high": "P3", "low/medium": "P4", "low/low": "P5",
}

# minutes: (respond, resolve)
DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    "P1": (15, 4 * 60),
    "P2": (30, 8 * 60),
    "P3": (2 * 60, 3 * 24 * 60),
    "P4": (8 * 60, 5 * 24 * 60),
    "P5": (24 * 60, 10 * 24 * 60),
}

# the starting text of the policy's change definitions and security measures (marked: offered in the
# shop's language by core.governance.process.policy_defaults)
DEFAULT_CHANGE_DEFINITIONS: dict[str, str] = {
    "pre-approved": N_("Low-risk, routine work done the same way every time, such as setting up a new laptop, "
                       "adding a mailbox or moving a desk. Agreed in advance with the customer; no approval per change."),
    "emergency": N_("Unplanned work that cannot wait because a vital service is down or at serious risk, "
                    "such as an urgent security patch. May be deployed first and approved straight after."),
    "normal": N_("Anything else: assessed and approved before it is built, tested and deployed, such as a "
                 "new service, an operating system upgrade or more capacity."),
}

# The standard messages a new policy starts with (WP.14's communication practices), written in the
# shop's language when the policy is made and in a customer's language when a message goes to one.
DEFAULT_TEMPLATES: dict[str, str] = {
    "incident_opened": N_("Hello {reporter},\n\nWe have logged your report as {id}: {summary}.\n"
                          "Priority {priority}; we aim to restore service by {target}.\n\n{operator}, {shop}"),
    "incident_investigating": N_("Hello {reporter},\n\nWe are working on {id}: {summary}.\n"
                                 "What we know so far: {details}\nNext update by {target}.\n\n{operator}, {shop}"),
    "incident_restored": N_("Hello {reporter},\n\nService is restored for {id}: {summary}.\n"
                            "What we did: {solution}\nPlease tell us if all works as expected so we can close it."
                            "\n\n{operator}, {shop}"),
    "incident_closed": N_("Hello {reporter},\n\nWe have closed {id}: {summary}. Thank you for confirming.\n\n"
                          "{operator}, {shop}"),
    "change_scheduled": N_("Hello,\n\nChange {id}: {title} is planned for {planned}. Expected impact: {impact}."
                           "\n\n{operator}, {shop}"),
    "change_deployed": N_("Hello,\n\nChange {id}: {title} was deployed on {deployed}.\n\n{operator}, {shop}"),
}


def default_templates() -> dict[str, str]:
    """The standard messages in the current language: what a new policy starts with."""
    return {key: _(text) for key, text in DEFAULT_TEMPLATES.items()}


def template_text(own: dict[str, str] | None, key: str) -> str:
    """The standard message `key` to write now: the policy's own words when the shop wrote them;
    the starting text, in the current language, when the policy holds it unchanged in any language
    (so a customer who reads another language gets it in theirs)."""
    default = DEFAULT_TEMPLATES.get(key, "")
    text = (own or {}).get(key) or ""
    if not text.strip() or (default and _same_as_default(text, default)):
        return _(default)
    return text


def _same_as_default(text: str, default: str) -> bool:
    wanted = " ".join(text.split())
    for lang in LANGUAGES:
        with using(lang):
            if " ".join(_(default).split()) == wanted:
                return True
    return False


DEFAULT_SECURITY_MEASURES: dict[str, str] = {
    "confidentiality": N_("Customer data only on encrypted disks; accounts personal, with multi-factor sign-in; "
                          "access removed the day someone leaves."),
    "integrity": N_("Changes go through change requests; records keep their history; backups are checked monthly."),
    "availability": N_("Nightly backups kept off site for 30 days; a restore test every quarter; spare parts for "
                       "critical hardware."),
}


def priority_for(impact: str, urgency: str, matrix: dict[str, str] | None = None) -> str:
    """The priority the matrix gives an impact and an urgency (each high, medium or low)."""
    table = matrix or DEFAULT_MATRIX
    key = f"{impact}/{urgency}"
    return table.get(key) or DEFAULT_MATRIX[key]


@dataclass(frozen=True)
class Target:
    respond_minutes: int
    resolve_minutes: int
    source: str  # where it comes from, a code: "agreement AGR-0001", "service SVC-0002", "policy POL-0001", "default"
    hours: Hours | None = None  # the hours the clock counts in; None: every minute


def default_target(priority: str) -> Target:
    respond, resolve = DEFAULT_TARGETS[priority]
    return Target(respond, resolve, "default")


# where a target comes from, as a person reads it (Target.source is a code, the same in every language)
SOURCE_WORDS = {"agreement": N_("agreement {id}"), "service": N_("service {id}"), "policy": N_("policy {id}"),
                "default": N_("default")}


def source_words(source: str) -> str:
    """A target's source in the language spoken: 'acuerdo AGR-0001', 'por omisión'."""
    kind, _sep, ident = source.partition(" ")
    words = SOURCE_WORDS.get(kind)
    return _(words).format(id=ident) if words else source
