"""What an incident needs next, decided once from the evidence map's own rules (the steps
`evidence.guide.record_steps` judges): the incident screen says it with its keys, `incident show`
with the commands that do it.

The decision reads each reason by its kind ("role", "not notified", "not performed"), never by its
words, which are in the person's language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..governance.people import login_advice
from ..incidents import process
from .guide import Step, reason_kind, record_steps, shop_lacks

if TYPE_CHECKING:
    from ..model.ports import StorePort


@dataclass(frozen=True)
class NextStep:
    """The next thing to do on an incident.

    `step` names it: "notify restored" (IN.2.4: tell the affected party it is restored), "classify"
    (IN.2.2), "notify" (IN.2.3), "restore" (IN.2.4), "mend"
    (only what IN.2.1 lacks is left), "needs" (it may not close yet: `needs` says why), "close"
    (IN.2.5), "" (closed). `actions` are the verbs that do it, first the step's own: classify,
    notify, restore, edit, close, raise_change, reopen."""

    step: str
    actions: tuple[str, ...]
    category: str = ""
    needs: list[str] = field(default_factory=list)  # what closing still waits for
    gaps: list[str] = field(default_factory=list)  # what IN.2.1 lacks that an edit mends
    roles: list[str] = field(default_factory=list)  # IN.2.1 written by someone holding none of its roles
    logins: list[str] = field(default_factory=list)  # IN.2.1 written by a login mapped to no person
    shop_task: str = ""  # the first step waiting on the shop's own records...
    shop_records: list[str] = field(default_factory=list)  # ...and which (WP codes) the shop still lacks now
    # which it lacked when the step was performed but holds now: the step cannot count (it was done
    # without them); the same step on a record made from now on does
    shop_past: list[str] = field(default_factory=list)


def next_step(store: StorePort, inc: Any, steps: list[Step] | None = None) -> NextStep:
    """What `inc` needs next (`steps`: its `record_steps`, when the caller has them already)."""
    if inc.status == "closed":
        return NextStep("", ("reopen",))
    steps = record_steps(store, inc) if steps is None else steps
    by = {s.task: s for s in steps}
    first = by.get("IN.2.1")
    lacking = [m for m in (first.new if first else []) if reason_kind(m) != "not performed"]
    roles = [m for m in lacking if reason_kind(m) == "role"]  # the writer's role: not mended by an edit
    logins = list(dict.fromkeys(getattr(m, "login", "") for m in lacking if reason_kind(m) == "login"))  # nor the writer
    gaps = [m for m in lacking if reason_kind(m) not in ("role", "login")]
    shop = next((s for s in steps if s.inputs), None)
    shop_task = shop.task if shop else ""
    lacked = list(dict.fromkeys(re.findall(r"WP\.\d+", " ".join(shop.inputs)))) if shop else []
    still = {need.wp for need in shop_lacks(store, shop_task)} if shop_task else set()
    common = NextStep("", (), gaps=gaps, roles=roles, logins=logins, shop_task=shop_task,
                      shop_records=[wp for wp in lacked if wp in still],
                      shop_past=[wp for wp in lacked if wp not in still])
    pending = next((s for s in steps if s.task in ("IN.2.2", "IN.2.3", "IN.2.4") and not s.performed), None)
    restored = by.get("IN.2.4")
    if pending is None and restored is not None and any(reason_kind(m) == "not notified" for m in restored.missing):
        return replace(common, step="notify restored", actions=("notify",))  # restored: the party is told before it closes
    if pending is not None and pending.task == "IN.2.2":
        return replace(common, step="classify", actions=("classify",), category=inc.category or "")
    if pending is not None and pending.task == "IN.2.3":
        return replace(common, step="notify", actions=("notify",))
    if pending is not None:
        return replace(common, step="restore", actions=("restore", "notify"))
    if gaps:
        return replace(common, step="mend", actions=("edit", "close"))
    confirmation = _("the affected party's confirmation")
    needs = [p for p in process.closure_problems(inc) if p != confirmation]
    return replace(common, step="needs" if needs else "close", actions=("close", "raise_change"), needs=needs)


def unmapped_login_text(login: str) -> str:
    """IN.2.1 written by a login mapped to no person, and what to do (`people.login_advice`)."""
    return _("IN.2.1 was written by the login {login}, mapped to no person: {advice}").format(
        login=login, advice=login_advice(login))


__all__ = ["NextStep", "next_step", "unmapped_login_text"]
