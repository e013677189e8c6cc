"""Service Control screens: a change and its path, a configuration item with its timeline, and the
change calendar (month and week)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from vse_tui.core.control.changes import (
    add_entry,
    approve_deployment,
    build,
    calendar,
    cancel,
    clash_warnings,
    confirm_schedule,
    deploy,
    design,
    evaluate,
    make_template,
    path,
    request_from_values,
    review,
    schedule,
    schedule_document,
    scheduled_resources,
    slots,
    templates,
    test,
)
from vse_tui.core.control.cis import affected_by, timeline
from vse_tui.core.evidence.guide import Step, record_steps
from vse_tui.core.governance.people import name_of
from vse_tui.core.governance.starting_text import starting_values
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import VseError
from vse_tui.core.model.data import status_name
from vse_tui.i18n import N_, _, either, formats, listed, ngettext
from vse_tui.i18n.formats import week_start
from vse_tui.screens.common.base import BaseScreen, go_back
from vse_tui.screens.common.forms import (
    ConfirmScreen,
    Field,
    FormScreen,
    approval_args,
    approval_fields,
    person_field,
    spec_fields,
)
from vse_tui.screens.common.guide import ask_for, next_line, where_to_add
from vse_tui.screens.common.record import RecordScreen

# the codes of the schedule's entries and tests as the forms say them (the codes stored stay in English)
SAID = {"change window": N_("change window"), "maintenance window": N_("maintenance window"),
        "business event": N_("business event"), "none": N_("none"), "weekly": N_("weekly"),
        "monthly": N_("monthly"), "pass": N_("pass"), "fail": N_("fail"), "change": N_("change"),
        "change deployed": N_("change deployed"), "incident": N_("incident"), "normal": N_("normal"),
        "emergency": N_("emergency"), "pre-approved": N_("pre-approved")}



def said(code: str | None) -> str:
    return _(SAID[code]) if code in SAID else (code or "")


CHANGE_FORM = ["title", "change_type", "priority", "risk", "purpose", "impacted_cis", "customer", "service",
               "date_needed", "problem", "business_impact", "scope", "benefits", "backout_plan", "contact",
               "assumptions", "constraints", "cost", "updates_catalogue", "incidents"]


def new_change(screen) -> None:
    """The change request form (CO.2.1); a pre-approved change names its template."""

    store = screen.store
    fields = spec_fields(store, "change_requests", only=CHANGE_FORM)
    order = {name: i for i, name in enumerate(CHANGE_FORM)}
    fields.sort(key=lambda f: order.get(f.name, 99))
    tpl = [(f"{t.id} {t.title}", t.id) for t in templates(store)]
    fields.insert(2, Field("template", _("Pre-approved"), "select", None, tpl,
                           placeholder=_("for a pre-approved change")))

    fields = ask_for(fields, "WP.11")  # what the evidence needs (CO.2.1) is what the form asks

    def done(result) -> None:
        if result is not None:
            screen.notify(_("Saved {ref} ({status})").format(ref=result.id, status=status_name(result.status)),
                          title=_("Change requested"))
            screen.reload()
            screen.app.open_record(result.id)

    info = (_("A pre-approved change is made from a type that went once through the full normal path (choose it "
              "under Pre-approved);") + " "
            + (ngettext("{n} such type exists.", "{n} such types exist.", len(tpl)).format(n=len(tpl)) if tpl
               else _("none exists yet.")))
    screen.app.push_screen(FormScreen(fields, lambda v: request_from_values(store, v), _("New change request (WP.11)"),
                                      info=info), done)


def new_entry(screen) -> None:
    """A change window, maintenance window or business event on the schedule."""

    store = screen.store
    fields = [Field("title", _("Title"), required=True),
              Field("item_type", _("Type"), "select", "change window",
                    [(said(t), t) for t in ("change window", "maintenance window", "business event")]),
              Field("starts_at", _("Starts"), placeholder=formats.moment_hint(), required=True),
              Field("ends_at", _("Ends"), placeholder=formats.moment_hint()),
              Field("recurrence", _("Repeats"), "select", "none", [(said(r), r) for r in ("none", "weekly", "monthly")])]

    def done(result) -> None:
        if result is not None:
            screen.notify(_("Saved {ref}").format(ref=result.id), title=_("Schedule"))
            screen.reload()

    screen.app.push_screen(FormScreen(fields, lambda v: add_entry(store, v["title"], v["item_type"] or "change window",
                                                                  v["starts_at"], v["ends_at"], v["recurrence"] or "none"),
                                      _("New schedule entry (WP.12)"),
                                      info=_("A change goes on the schedule from the change itself (s on the "
                                             "change).")), done)


# the task of each step of a change's path -> the actions that do it (their keys come from the keymap)
STEP_ACTIONS: dict[str, tuple[str, ...]] = {
    "CO.2.1": ("approve", "reject"), "CO.2.2": ("schedule",), "CO.2.3": ("design",), "CO.2.4": ("build",),
    "CO.3.1": ("test",), "CO.3.2": ("approve_deploy",), "CO.3.3": ("resources",), "CO.3.4": ("deploy",),
    "CO.3.5": ("review",),
}


class ChangeScreen(RecordScreen):
    """A change request with its whole path; one key per step."""

    TITLE_TEXT = N_("Change")
    BINDINGS = RecordScreen.BINDINGS + [
        Binding("j", "reject", N_("Reject"), id="change_reject"),
        Binding("s", "schedule", N_("Schedule"), id="change_schedule"),
        Binding("w", "design", N_("Design"), id="change_design"),
        Binding("b", "build", N_("Build"), id="change_build"),
        Binding("t", "test", N_("Test report"), id="change_test"),
        Binding("y", "approve_deploy", N_("Approve deploy"), id="change_approve_deploy"),
        Binding("p", "deploy", N_("Deploy"), id="change_deploy"),
        Binding("o", "review", N_("Review"), id="change_review"),
        Binding("u", "resources", N_("Confirm resources"), id="change_resources"),
        Binding("m", "mail", N_("Mail notice"), id="change_mail", show=False),
        Binding("T", "make_template", N_("Make pre-approved type"), id="change_template", show=False),
        Binding("x", "cancel_change", N_("Cancel change"), id="change_cancel", show=False),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__("change_requests", ref)

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="path", classes="panel")

    def reload_extra(self, rec) -> None:
        """The path as the evidence map judges it (core.evidence.guide, the map's own rules): each
        step's mark, what shows it was done, and the one line saying what the evidence needs next:
        the step's key, what the change or its records lack, what the shop must record first."""
        steps = record_steps(self.store, rec)
        self.steps = steps
        # the last step taken: one the evidence counts, or the act itself when its evidence lacks
        # something (deployed though no item records it; reviewed, the procedure not updated yet)
        last = max((i for i, s in enumerate(steps) if s.performed or self._taken(rec, s)), default=-1)
        finished = rec.state == "cancelled" or rec.status == "rejected"
        # the next step comes after the last one taken; one passed over says so on its own row
        line, acts = next_line(self, steps, STEP_ACTIONS, after=last) if not finished else ("", ())
        review = next((s for s in steps if s.task == "CO.3.5" and not s.performed), None)
        if review is not None and rec.state == "reviewed":
            # the review is recorded: CO.3.5 is done when the procedure is updated from it
            line = "\n".join([self._lesson_line(), *line.splitlines()])
            acts = ()
        table = self._path_table(rec, steps, last, finished)
        self.next_actions = acts + (("deploy",) if rec.change_type == "emergency" and not rec.deployed_at
                                    and "deploy" not in acts else ())
        box = self.query_one("#path", Static)
        box.border_title = {"emergency": _("Path of an emergency change"), "normal": _("Path of a normal change"),
                            "pre-approved": _("Path of a pre-approved change")}.get(
            rec.change_type or "", _("Path of a {type} change").format(type=said(rec.change_type)))
        from rich.console import Group

        box.update(Group(table, *self._path_notes(rec, line, finished)))
        self.refresh_bindings()  # the key bar leads with the steps possible now

    @staticmethod
    def _taken(rec, step: Step) -> bool:
        """Whether the change took this step though its evidence does not count yet: deployed (CO.3.4)
        or reviewed (CO.3.5)."""
        return ((step.task == "CO.3.4" and rec.deployed_at is not None)
                or (step.task == "CO.3.5" and rec.state == "reviewed"))

    def _lesson_line(self) -> str:
        """What CO.3.5 asks once the review is recorded: the procedure updated from it."""
        procedure = self.store.latest("procedures")
        if procedure is not None:
            return _("CO.3.5: update the procedure from the review: ctrl+p {ref} opens it, {edit} edits, "
                     "a approves.").format(ref=procedure.id, edit=self.key_for("edit"))
        return _("CO.3.5: write the change procedure ({where}), then update it from the review.").format(
            where=where_to_add("procedures"))

    def _path_table(self, rec, steps: list[Step], last: int, finished: bool) -> Table:
        """A row per step of the path: its mark, its task, its name, and what shows it was done or the
        key that does it."""
        shown = {task: text for task, _step, text, _ref in path(self.store, rec)}
        entry = self.store.latest("schedule_items", {"change": rec.uuid})
        resources = str(getattr(entry, "resources", "") or "")
        if resources:
            shown["CO.3.3"] = _("resources: {text}").format(text=resources.splitlines()[0][:60])
        nxt = next((s for i, s in enumerate(steps) if i > last and not s.performed), None)
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=2)
        table.add_column(style="dim", width=7)
        table.add_column(width=20)
        # a line a step, cut at the width: every step stays in the box (e shows each one whole)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        for i, step in enumerate(steps):
            label = _(step.label)
            if step.performed:
                style = "green" if not step.new else "yellow"
                what = Text(shown.get(step.task) or _("done"))
                if step.new:
                    what.append("  " + _("lacks {what}").format(what=listed(step.new)), style="dark_orange")
                table.add_row(Text(step.mark, style=style), step.task, label, what)
            elif i < last and rec.change_type == "emergency" and step.task != "CO.2.1":
                table.add_row(Text("–", style="dim"), step.task, Text(label, style="dim"),
                              Text(_("skipped: deployed as an emergency change"), style="dim"))
            elif step.task == "CO.3.4" and rec.deployed_at:  # deployed: its evidence lacks something
                when = clock.local_text(rec.deployed_at)
                table.add_row(Text("◐", style="yellow"), step.task, label, Text(
                    _("deployed {when}; no item named").format(when=when)
                    if not rec.impacted_cis else _("deployed {when}; lacks {what}").format(
                        when=when, what=listed(step.new)), style="dark_orange"))
            elif step.task == "CO.3.5" and rec.state == "reviewed":  # the review, not its lesson
                table.add_row(Text("◐", style="yellow"), step.task, label,
                              Text(_("reviewed; the procedure is not updated from it yet"), style="dark_orange"))
            elif step is nxt and not finished:
                keys = either(self.key_for(a) for a in STEP_ACTIONS.get(step.task, ()))
                table.add_row(Text("▶", style="bold yellow"), step.task, Text(label, style="bold"),
                              Text(_("next: press {key}").format(key=keys) if keys else _("next"), style="yellow"))
            elif i < last and not finished:  # passed over: the evidence still asks for it
                keys = either(self.key_for(a) for a in STEP_ACTIONS.get(step.task, ())
                                      if self.check_action(a, ()))
                table.add_row(Text("○", style="dark_orange"), step.task, label,
                              Text(_("not done: press {key}").format(key=keys) if keys
                                   else _("not done before the deployment"), style="dark_orange"))
            else:
                table.add_row("·", step.task, Text(label, style="dim"), "")
        return table

    def _path_notes(self, rec, line: str, finished: bool) -> list[Text]:
        """The lines under the path: what the evidence needs next, and what the change itself lacks
        or clashes with."""
        notes = []
        if line:
            notes.append(Text(line, style="bold dark_orange"))
        if not rec.impacted_cis and not rec.deployed_at and not finished:
            notes.append(Text(_("It names no configuration item: CO.3.4 records the deployment on the items it "
                                "changes ({key} names them).").format(key=self.key_for("edit")), style="dark_orange"))
        if rec.deployed_before_approval:
            notes.append(Text(_("▲ emergency change deployed before approval; approve it now ({key})").format(
                key=self.key_for("approve")) if rec.status == "draft"
                else _("▲ emergency change deployed before approval"), style="bold dark_orange"))
        if rec.planned_at and not rec.deployed_at and rec.state != "cancelled":
            for w in clash_warnings(self.store, rec.planned_at, rec.planned_end or rec.planned_at + timedelta(hours=1),
                                    rec.impacted_cis, rec.id):
                notes.append(Text(_("▲ schedule: {warning}").format(warning=w), style="dark_orange"))
        if rec.template:
            notes.append(Text(_("★ a pre-approved type: new changes of this kind can be made from it"), style="green"))
        return notes

    # ---------------------------------------------------------------- steps
    def _run(self, form_fields, submit, title: str, info: str = "", ok: str | None = None) -> None:
        ok = ok or _("Saved")

        def done(result) -> None:
            if result is not None:
                message = result[1] if isinstance(result, tuple) else None
                self.notify(ok if not message else f"{ok}. " + listed(message),
                            severity="warning" if message else "information", timeout=10 if message else 4)
                self.reload()

        self.app.push_screen(FormScreen(form_fields, submit, title, info=info), done)

    def _approval_fields(self) -> list[Field]:
        """Who decided, how, and for a decision given by someone else (e-mail or paper), the file that
        shows it: recorded on their behalf, the same rule as any approval."""
        return [*approval_fields(self), Field("evidence", _("Shown by"), value="",
                                              placeholder=_("for someone else's decision: the e-mail (.eml) or scan "
                                                            "file"))]

    @staticmethod
    def _approval_args(values: dict) -> dict:
        return {**approval_args(values), "evidence": values.get("evidence") or None}

    def action_approve(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        self._run(self._approval_fields() + [Field("reason", _("Note"), value="")],
                  lambda v: evaluate(self.store, rec.id, True, reason=v["reason"] or "", **self._approval_args(v)),
                  _("Approve {ref} (CO.2.1)").format(ref=rec.id), ok=_("{ref} approved").format(ref=rec.id))

    def action_reject(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        self._run(self._approval_fields() + [Field("reason", _("Reason"), "text", "", required=True)],
                  lambda v: evaluate(self.store, rec.id, False, reason=v["reason"], **self._approval_args(v)),
                  _("Reject {ref} (CO.2.1)").format(ref=rec.id), ok=_("{ref} rejected").format(ref=rec.id))

    def action_schedule(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        start = rec.planned_at or _next_window(self.store)
        end = rec.planned_end or (start + timedelta(hours=1) if start else None)
        fields = [Field("starts", _("Starts"), value=clock.local_text(start) if start else "",
                        placeholder=formats.moment_hint(), required=True),
                  Field("ends", _("Ends"), value=clock.local_text(end) if end else "", placeholder=formats.moment_hint()),
                  Field("resources", _("Resources"), "text", scheduled_resources(self.store, rec.uuid))]
        self._run(fields, lambda v: schedule(self.store, rec.id, v["starts"], v["ends"], v["resources"] or ""),
                  _("Schedule {ref} (CO.2.2)").format(ref=rec.id),
                  info=_("Warnings (outside a window, a business event, the same item the same day) are shown after "
                         "saving; they inform, they do not stop."), ok=_("{ref} scheduled").format(ref=rec.id))

    def action_resources(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        self._run([Field("resources", _("Resources"), "text", scheduled_resources(self.store, rec.uuid), required=True)],
                  lambda v: confirm_schedule(self.store, rec.id, v["resources"]),
                  _("Confirm resources for {ref} (CO.3.3)").format(ref=rec.id),
                  ok=_("{ref}: date and resources confirmed").format(ref=rec.id))

    def action_design(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        start = starting_values("service_designs")
        fields = [Field("scope", _("Scope"), "text", rec.scope or rec.purpose),
                  Field("schedule", _("Schedule"), value=clock.local_text(rec.planned_at) if rec.planned_at else ""),
                  Field("resources", _("Resources"), "text", scheduled_resources(self.store, rec.uuid)),
                  Field("risks", _("Risks"), "text", "", placeholder=start.get("risks", "")),
                  Field("quality_measures", _("Quality"), "text", start.get("quality_measures", "")),
                  *self._approval_fields()]

        fields = ask_for(fields, "WP.16")
        self._run(fields, lambda v: design(self.store, rec.id, scope=v["scope"], schedule=v["schedule"],
                                           resources=v["resources"], risks=v["risks"],
                                           quality_measures=v["quality_measures"], **self._approval_args(v)),
                  _("Design {ref} (CO.2.3, WP.16)").format(ref=rec.id), ok=_("Design recorded and approved"))

    def action_build(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        fields = [person_field(self.store, "built_by", _("Built by"), self.store.actor.person, required=True),
                  Field("master_copy", _("Master copy"), value="", placeholder=_("where the built change is kept")),
                  Field("description", _("What was built"), "text", "")]

        fields = ask_for(fields, "WP.13")
        self._run(fields, lambda v: build(self.store, rec.id, built_by=v["built_by"], master_copy=v["master_copy"],
                                          description=v["description"]),
                  _("Build {ref} (CO.2.4, WP.13)").format(ref=rec.id), ok=_("Build recorded (initial)"))

    def action_test(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        fields = [Field("summary", _("Summary"), "text", "", required=True),
                  Field("result", _("Result"), "radio", "pass", [(said("pass"), "pass"), (said("fail"), "fail")]),
                  Field("levels", _("Levels, types"), value="",
                        placeholder=_("e.g. functional check, user acceptance")),
                  Field("errors", _("Errors"), "text", ""),
                  person_field(self.store, "tested_by", _("Tested by"), self.store.actor.person, required=True),
                  person_field(self.store, "validated_by", _("Validated by"), affiliation=None)]

        fields = ask_for(fields, "WP.20", names={"levels": "levels_and_types"})
        self._run(fields, lambda v: test(self.store, rec.id, summary=v["summary"], result=v["result"] or "pass",
                                         tested_by=v["tested_by"], levels_and_types=v["levels"], errors=v["errors"],
                                         validated_by=v["validated_by"] or ""),
                  _("Test report for {ref} (CO.3.1, WP.20)").format(ref=rec.id), ok=_("Test report published"))

    def action_approve_deploy(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        info = _("The person who built the change should not approve its deployment.")
        if rec.built_by:
            info = _("Built by {person}. The person who built the change should not approve its deployment. If you "
                     "must, give a mitigation; it is kept with the change.").format(
                person=name_of(self.store, rec.built_by))
        fields = self._approval_fields()
        self._run(fields, lambda v: approve_deployment(self.store, rec.id, **self._approval_args(v)),
                  _("Approve deployment of {ref} (CO.3.2)").format(ref=rec.id), info=info,
                  ok=_("Deployment approved; the build is final"))

    def action_deploy(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        found = self.store.ids_for(rec.impacted_cis, "configuration_items")
        refs = sorted(rid for rid, _title in found.values()) if rec.impacted_cis else []
        items = ", ".join(refs)
        catalogue = bool(rec.updates_catalogue and rec.service)
        warnings = []
        if rec.status == "draft":
            warnings.append(_("▲ It is not approved yet: it will show as deployed before approval."))
        now = clock.now()
        if rec.planned_at and now < rec.planned_at:
            warnings.append(_("▲ It is scheduled to start {when}, in {left}: deploying now is before its scheduled "
                              "start.").format(when=clock.local_text(rec.planned_at),
                                               left=clock.human_duration(rec.planned_at - now)))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                deploy(self.store, rec.id)
            except VseError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            # a sentence of its own when it updates no item: "no" is a word of the sentence, not of the list
            self.notify((ngettext("{ref} deployed; {items} updated", "{ref} deployed; {items} updated", len(refs))
                         if refs else _("{ref} deployed; no configuration item updated")).format(ref=rec.id,
                                                                                                items=items))
            self.reload()

        if refs:
            question = (_("Deploy {ref} now (CO.3.4)? It updates {items} and the catalogue.") if catalogue
                        else _("Deploy {ref} now (CO.3.4)? It updates {items}.")).format(ref=rec.id, items=items)
        else:
            question = (_("Deploy {ref} now (CO.3.4)? It updates no configuration item, only the catalogue.")
                        if catalogue else _("Deploy {ref} now (CO.3.4)? It updates no configuration item.")
                        ).format(ref=rec.id)
        self.app.push_screen(ConfirmScreen(" ".join([question, *warnings])), answered)

    def action_review(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        self._run([Field("outcome", _("Review"), "text", rec.review, required=True)],
                  lambda v: review(self.store, rec.id, v["outcome"]),
                  _("Post-deployment review of {ref} (CO.3.5)").format(ref=rec.id),
                  info=_("Did it do what it should? What would you do differently?"), ok=_("Review recorded"))

    def action_make_template(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        try:
            make_template(self.store, rec.id)
        except VseError as exc:
            self.notify(str(exc), severity="warning", timeout=12)
            return
        self.notify(_("{ref} is now a pre-approved type").format(ref=rec.id))
        self.reload()

    def check_action(self, action: str, parameters) -> bool | None:
        """Steps that cannot be taken now are shown dimmed (and say why when pressed)."""
        if action in ("cancel_change", "deploy", "build", "design", "schedule", "test", "approve_deploy", "review",
                      "resources", "reject", "make_template"):
            try:
                rec = self.store.get(self.kind, self.ref)
            except Exception:  # noqa: BLE001 - before the first load
                return True
            finished = rec.state == "cancelled" or rec.status == "rejected"
            if action == "cancel_change":
                return None if (rec.deployed_at or finished) else True  # None: shown dimmed
            if action == "review":
                return True if rec.deployed_at and not finished else None
            if action == "resources":  # CO.3.3 applies to a change on the schedule, until it is deployed
                return True if rec.planned_at and not (finished or rec.deployed_at) else False
            if action in ("deploy", "build", "design", "schedule", "test", "approve_deploy", "reject"):
                return None if (finished or rec.deployed_at) else True
        return super().check_action(action, parameters)

    def action_cancel_change(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        if rec.deployed_at:
            self.notify(_("{ref} is deployed: it cannot be cancelled; raise a new change to undo it").format(ref=rec.id),
                        severity="warning")
            return
        self._run([Field("reason", _("Reason"), "text", "", required=True)],
                  lambda v: cancel(self.store, rec.id, v["reason"]),
                  _("Cancel {ref}").format(ref=rec.id), ok=_("{ref} cancelled").format(ref=rec.id))


def _next_window(store) -> datetime | None:
    now = clock.now()
    for s in slots(store, now, now + timedelta(days=35)):
        if s.kind == "change window" and s.starts > now:
            return s.starts
    return None


class ConfigurationItemScreen(RecordScreen):
    """A configuration item: its fields, what depends on it and its timeline."""

    TITLE_TEXT = N_("Configuration item")

    def __init__(self, ref: str) -> None:
        super().__init__("configuration_items", ref)

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="ci-extra", classes="panel")

    def reload_extra(self, rec) -> None:
        from rich.console import Group

        items, services = affected_by(self.store, rec.id)
        head = Text.assemble((_("If it fails:") + " ", "bold"),
                             (_("services {list}").format(list=", ".join(f"{i} {n}" for i, n in services)) if services
                              else _("no service"), ""),
                             "; ",
                             (_("items {list}").format(list=", ".join(f"{i} {n}" for i, n in items)) if items
                              else _("no item depends on it"), ""))
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", width=16)
        table.add_column(width=16)
        table.add_column(width=9)
        table.add_column()
        events = timeline(self.store, rec.id)
        for e in events[:8]:
            style = {"change deployed": "green", "incident": "dark_orange"}.get(e.kind, "")
            table.add_row(clock.local_text(e.at), Text(said(e.kind), style=style), e.ref, Text(e.text))
        parts = [head, table if events else Text(_("No change or incident names this item yet."), style="dim")]
        if len(events) > 8:
            older = len(events) - 8
            parts.append(Text(ngettext("… and {n} older event", "… and {n} older events", older).format(n=older),
                              style="dim"))
        box = self.query_one("#ci-extra", Static)
        box.border_title = _("Timeline ({n}) and impact").format(n=len(events))
        box.update(Group(*parts))


class CalendarScreen(BaseScreen):
    """The change schedule as a month or a week: changes, windows and business events."""

    TITLE_TEXT = N_("Change calendar")
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="calendar_back"),
        Binding("w", "toggle_view", N_("Week/month"), id="calendar_toggle"),
        Binding("left", "move(-1)", N_("Day before"), id="calendar_left", show=False),
        Binding("right", "move(1)", N_("Day after"), id="calendar_right", show=False),
        Binding("up", "move(-7)", N_("Week before"), id="calendar_up", show=False),
        Binding("down", "move(7)", N_("Week after"), id="calendar_down", show=False),
        Binding("left_square_bracket", "page(-1)", N_("Previous"), id="calendar_prev"),
        Binding("right_square_bracket", "page(1)", N_("Next"), id="calendar_next"),
        Binding("t", "today", N_("Today"), id="calendar_today"),
        Binding("a", "add", N_("Add window/event"), id="calendar_add"),
        Binding("enter", "open", N_("Open change"), id="calendar_open"),
    ]

    def __init__(self, view: str = "month", day: date | None = None) -> None:
        super().__init__()
        self.view = view
        self.day = day or clock.today()
        self._day_entries: list = []
        self._laid_out = False

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="calendar", classes="panel")
        yield Static("", id="day", classes="panel")
        yield from self.compose_footer()

    def _range(self) -> tuple[date, date]:
        # weeks start on the day the person's language starts them (Sunday in Brazil)
        if self.view == "week":
            first = week_start(self.day)
            return first, first + timedelta(days=7)
        first = self.day.replace(day=1)
        start = week_start(first)
        nxt = (first + timedelta(days=32)).replace(day=1)
        end = nxt if week_start(nxt) == nxt else week_start(nxt) + timedelta(days=7)
        return start, end

    def reload(self) -> None:
        lo_day, hi_day = self._range()
        lo = clock.ensure_utc(datetime.combine(lo_day, datetime.min.time()))
        hi = clock.ensure_utc(datetime.combine(hi_day, datetime.min.time()))
        entries, warned = calendar(self.store, lo, hi)
        by_day: dict[date, list] = {}
        for s in entries:
            first, last = clock.to_local(s.starts).date(), clock.to_local(s.ends - timedelta(seconds=1)).date()
            d = max(first, lo_day)
            while d <= last and d < hi_day:
                by_day.setdefault(d, []).append(s)
                d += timedelta(days=1)
        table = Table(expand=True, show_lines=True, box=box.SQUARE, padding=(0, 0))

        for name in formats.weekdays_in_order():  # from the language's first day (Sunday in Brazil)
            table.add_column(name, ratio=1, overflow="ellipsis", no_wrap=True)
        today = clock.today()
        weeks = max(1, (hi_day - lo_day).days // 7)
        height = self.query_one("#calendar").size.height
        if not height and not self._laid_out:  # before the first layout: draw again once it is known
            self._laid_out = True
            self.call_after_refresh(self.reload)
        lines = max(3, ((height or 30) - 5) // weeks - 1)
        d = lo_day
        while d < hi_day:
            cells = []
            for _weekday in range(7):
                cell = Text()
                style = "bold reverse" if d == self.day else ("bold" if d == today else "")
                dim = self.view == "month" and d.month != self.day.month
                cell.append(f"{d.day:>2}" + (" " + _("today") if d == today else ""),
                            style=style or ("dim" if dim else ""))
                todays = by_day.get(d, [])
                for s in todays[:lines - 1]:
                    cell.append("\n")
                    cell.append_text(self._entry_text(s, d, warned))
                if len(todays) > lines - 1:
                    more = len(todays) - lines + 1
                    cell.append("\n" + ngettext("+{n} more", "+{n} more", more).format(n=more), style="dim")
                cells.append(cell)
                d += timedelta(days=1)
            table.add_row(*cells)
        doc = schedule_document(self.store, create=False)
        label = (formats.month_and_year(self.day) if self.view == "month" else
                 _("week of {day}").format(day=formats.medium_date(lo_day)))
        panel = self.query_one("#calendar", Static)
        panel.border_title = f"{label} · " + (f"{doc.id} {_(doc.status or '')}" if doc else _("schedule not started"))
        panel.border_subtitle = _("▪ change  ◦ window  ■ business event  ▲ warning  ✓ deployed")
        panel.update(table)
        self._show_day(by_day.get(self.day, []), warned)

    @staticmethod
    def _entry_text(s, day: date, warned: dict[str, list[str]]) -> Text:
        local = clock.to_local(s.starts)
        at = f"{local:%H:%M} " if local.date() == day else ""
        if s.kind == "change":
            mark = "✓" if s.deployed else ("▲" if warned.get(s.change or "") else "▪")
            style = "green" if s.deployed else ("bold dark_orange" if warned.get(s.change or "") else
                                                 ("red" if s.change_type == "emergency" else "bold"))
            return Text(f"{mark}{at}{s.title}", style=style)
        if s.kind == "business event":
            return Text(f"■ {s.title}", style="magenta")
        return Text(f"◦{at}{s.title}", style="cyan")

    def _show_day(self, entries, warned) -> None:
        self._day_entries = entries
        box = self.query_one("#day", Static)
        box.border_title = f"{self.day:%A %d %B %Y}"
        if not entries:
            box.update(Text(_("Nothing planned. {key} adds a window or a business event; a change is scheduled from "
                              "the change (s).").format(key=self.key_for("add")), style="dim"))
            return
        out = Text()
        for n, s in enumerate(entries, start=1):
            start, end = clock.local_text(s.starts), clock.local_text(s.ends)
            out.append(f"{n} ", style="bold")
            out.append(f"{start} → {end[-5:] if start[:10] == end[:10] else end}  ", style="dim")
            out.append(f"{said(s.kind):<18}", style="dim")
            out.append(f"{(s.change or s.ref):<9} {s.title}")
            if s.change_type:
                out.append(f" ({said(s.change_type)})", style="dim")
            for w in warned.get(s.change or "", []) if not s.deployed else []:
                out.append(f"\n   ▲ {w}", style="dark_orange")
            out.append("\n")
        box.update(out)

    def on_resize(self, event) -> None:
        self.call_after_refresh(self.reload)

    def action_back(self) -> None:
        go_back(self)

    def action_toggle_view(self) -> None:
        self.view = "week" if self.view == "month" else "month"
        self.reload()

    def action_move(self, days: int) -> None:
        self.day += timedelta(days=days)
        self.reload()

    def action_page(self, step: int) -> None:
        if self.view == "week":
            self.day += timedelta(days=7 * step)
        else:
            month = self.day.month - 1 + step
            year, month = self.day.year + month // 12, month % 12 + 1
            self.day = date(year, month, min(self.day.day, 28))
        self.reload()

    def action_today(self) -> None:
        self.day = clock.today()
        self.reload()

    def action_add(self) -> None:
        new_entry(self)

    def action_open(self) -> None:
        self.action_open_nth(1)

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            event.stop()
            self.action_open_nth(int(event.character))

    def action_open_nth(self, n: int = 1) -> None:
        if not self._day_entries:
            self.notify(_("Nothing planned on this day"))
            return
        if n > len(self._day_entries):
            self.notify(ngettext("This day has {n} entry", "This day has {n} entries",
                                 len(self._day_entries)).format(n=len(self._day_entries)))
            return
        s = self._day_entries[n - 1]
        self.app.open_record(s.change or s.ref)
