"""What a record's screen asks next, from the evidence map's own rules (core.evidence.guide): the
steps of a change, an agreement or a feedback entry as marks, and one short line naming the next
step's key, what the record lacks for its evidence and what the shop must record first."""

from __future__ import annotations

from rich.text import Text

from vse_tui.core.evidence.guide import reason_kind
from vse_tui.core.model.data import role_name
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.present.labels import code_word
from vse_tui.i18n import N_, _, either, listed

# the screen and list where a record of each kind is added (the keys a person presses there)
PLACES = {"procedures": ("c", N_("Procedures")), "secure_procedures": ("c", N_("Secure procedures")),
          "change_schedules": ("c", N_("Change schedule")), "configuration_items": ("c", N_("Configuration items")),
          "change_requests": ("c", N_("Changes")), "customer_agreements": ("r", N_("Customer agreements")),
          "supplier_agreements": ("r", N_("Supplier agreements")), "services": ("r", N_("Catalogue")),
          "feedback": ("r", N_("Feedback")), "cx_approaches": ("g", N_("Customer experience")),
          "policies": ("g", N_("Policy")), "business_goals": ("g", N_("Business goals"))}


# the kinds each process screen lists, by the key that opens it (the screens' KINDS are these)
SCREEN_KINDS: dict[str, tuple[str, ...]] = {
    "g": ("business_goals", "scopes", "role_lists", "people", "role_assignments", "training", "acknowledgements",
          "policies", "cx_approaches", "data_procedures", "feedback", "improvement_reports"),
    "c": ("change_requests", "schedule_items", "change_schedules", "configuration_items", "service_designs",
          "built_changes", "test_reports", "procedures", "secure_procedures"),
    "r": ("services", "customer_agreements", "supplier_agreements", "performance_reports", "feedback",
          "customers", "suppliers"),
}


def where_to_add(kind: str) -> str:
    """The keys that reach the list where a record of `kind` is added."""

    for key, kinds in SCREEN_KINDS.items():
        if kind in kinds:
            return _("{key} → {list} → a").format(key=key, list=_(BY_KIND[kind].LABEL))
    return ""


def needs_text(step) -> str:
    """What the shop must record before `step` counts: each input's name, status and where to add it."""
    out = []
    for need in step.needs:
        place = where_to_add(need.kind)
        status = code_word("status", need.status)
        out.append(_("{wp} {status} ({where})").format(wp=need.wp, status=status, where=place) if place else
                   _("{wp} {status}").format(wp=need.wp, status=status))
    return listed(out)


def roles_text(step) -> str:
    """Whose task `step` is, when the person at the keyboard holds none of its roles."""
    if not step.roles:
        return ""
    roles = ", ".join(role_name(code) for code in step.roles)  # the roles by their names, not their codes
    if step.holders:
        return _("a task for {roles}: {people} does it, at the keyboard as themselves").format(
            roles=roles, people=either(step.holders))
    return _("a task for {roles}: nobody holds it yet (g → Roles)").format(roles=roles)


def marks(steps) -> Text:
    """The steps in one line: ● done, ◐ performed but its evidence lacks something, ○ not yet."""
    parts = []
    for step in steps:
        style = {"●": "green", "◐": "yellow"}.get(step.mark, "dim")
        parts.append(Text.assemble((f"{step.mark} ", style), (_(step.label), "bold" if step.performed else ""),
                                   (f" {step.task}   ", "dim")))
    return Text.assemble(*parts)


# what each step asks a person to do, in words (the marks say what was done)
DO = {"CO.2.1": N_("evaluate the request"), "CO.2.2": N_("put it on the schedule"), "CO.2.3": N_("design it"),
      "CO.2.4": N_("build it"), "CO.3.1": N_("test it"), "CO.3.2": N_("approve its deployment"),
      "CO.3.3": N_("confirm its date and resources"), "CO.3.4": N_("deploy it"), "CO.3.5": N_("review the deployment"),
      "RE.2.1": N_("complete the draft"), "RE.2.2": N_("record its approval and the party's acceptance"),
      "RE.2.3": N_("take it to its next step")}


def next_line(screen, steps, actions: dict[str, tuple[str, ...]], fix: str = "edit",
              after: int = -1) -> tuple[str, tuple[str, ...]]:
    """What the evidence needs next, one short sentence a line: the next step and its key, what
    the shop must record first, whose task it is; then the first step already taken whose evidence
    lacks something, and where to mend it. Returns the lines (empty when every step counts) and the
    actions the key bar leads with. `after`: the next step is looked for after that index (a step
    passed over is said on its own row)."""
    k = screen.key_for
    lines: list[str] = []
    acts: tuple[str, ...] = ()
    def waiting(s) -> bool:  # performed, but not yet in the status its task leaves it in: its key again
        return bool(s.new) and all(reason_kind(m) == "status" for m in s.new)

    step = next((s for i, s in enumerate(steps) if i > after and (not s.performed or waiting(s))), None)
    if step is not None:
        acts = actions.get(step.task, ())
        keys = either(k(a) for a in acts)
        what = _(DO[step.task]) if step.task in DO else _(step.label).lower()
        lines.append(_("Next: {task} {what}: press {key}.").format(task=step.task, what=what, key=keys) if keys
                     else _("Next: {task} {what}.").format(task=step.task, what=what))
        if step.needs:
            lines.append(_("First: {what}.").format(what=needs_text(step)))
        if step.roles:
            lines.append(_("It is {whose}.").format(whose=roles_text(step)))
    lacking = next((s for s in steps if s.performed and s.new and not waiting(s)), None)
    if lacking is not None:
        named = lacking.records and any(lacking.records[0] in m for m in lacking.new)  # says which and how
        if named or any(reason_kind(m) == "role" for m in lacking.new):  # who wrote it: not mended by an edit
            lines.append(_("{task}: {what}.").format(task=lacking.task, what=listed(lacking.new)))
        elif lacking.records:
            lines.append(_("{task}: {ref} {what} (ctrl+p {ref} opens it).").format(
                task=lacking.task, ref=lacking.records[0], what=listed(lacking.new)))
        else:
            lines.append(_("{task}: {what} ({key} to mend it).").format(task=lacking.task, what=listed(lacking.new),
                                                                       key=k(fix)))
            acts = acts or (fix,)
    if not lines:
        shop = next((s for s in steps if s.inputs), None)
        if shop is not None:
            lines.append(_("{task} waits on the shop: {what}.").format(task=shop.task, what=listed(shop.inputs)))
    return "\n".join(lines), acts


def ask_for(fields, wp_code: str | None, status: str | None = None, names: dict[str, str] | None = None):
    """Mark required the fields holding what the standard requires of `wp_code` in `status` (its
    first status by default): what the evidence map counts is what the form asks for. `names`: a
    form field's name -> the content item it fills, where they differ."""
    # here, not at the top: importing it loads pydantic
    from vse_tui.core.model.standard import load_standard

    if not wp_code:
        return fields
    wp = load_standard().wp(wp_code)
    items = set(wp.required_in(status or wp.initial_status))
    for f in fields:
        if f.name in items or (names or {}).get(f.name) in items:
            f.required = True
    return sorted(fields, key=lambda f: not f.required)
