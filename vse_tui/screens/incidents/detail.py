"""One incident and its flow: IN.2.1 recorded -> IN.2.2 classified -> IN.2.3 notified ->
IN.2.4 restored -> IN.2.5 closed. The next step is always one key; a step that cannot happen
yet is greyed out in the Footer and the line above it says why."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from vse_tui.config import no_sender_text
from vse_tui.core.evidence.guide import record_steps
from vse_tui.core.evidence.next_step import next_step, unmapped_login_text
from vse_tui.core.governance.people import name_of
from vse_tui.core.incidents import process as core
from vse_tui.core.incidents import targets
from vse_tui.core.incidents.hours import hours_words
from vse_tui.core.incidents.policy import source_words
from vse_tui.core.intake.mail import is_address
from vse_tui.core.intake.mail_delivery import messages_of
from vse_tui.core.intake.mail_intake import notify_address, notify_by_mail
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import InputError, VseError
from vse_tui.core.model.records import Incident
from vse_tui.i18n import N_, _, listed, ngettext, pgettext
from vse_tui.screens.common.attachments import AttachmentsScreen
from vse_tui.screens.common.base import BaseScreen, go_back
from vse_tui.screens.common.forms import (
    ConfirmScreen,
    Field,
    FormScreen,
    assign_action,
    person_field,
    person_options,
    ref_field,
)
from vse_tui.screens.incidents.capture import level_label
from vse_tui.screens.incidents.words import shown
from vse_tui.widgets.history import HistoryTable, record_panels
from vse_tui.widgets.style import PRIORITY_STYLE

# (what the form shows, the code stored)
LEVELS = [(N_("high"), "high"), (N_("medium"), "medium"), (N_("low"), "low")]
HOW = [(N_("email"), "email"), (N_("phone"), "phone"), (N_("chat"), "chat"), (N_("in person"), "in person")]
WAITING_ON = [(N_("customer"), "customer"), (N_("supplier"), "supplier")]


def choices(options: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(label, code) choices with their labels in the language spoken."""
    return [(_(label), code) for label, code in options]


def said(code: str | None, options: list[tuple[str, str]]) -> str:
    """A stored code shown in the language spoken (the code itself when it is none of the options)."""
    return next((_(label) for label, value in options if value == code), code or "")


def _units(hours) -> str:
    """What the target times count: the service hours, or every hour."""

    if hours is None or hours.always:
        return _("targets count every hour")
    return _("targets count service hours, {hours}").format(hours=hours_words(hours))


class IncidentDetailScreen(BaseScreen):
    TITLE_TEXT = N_("Incident")
    STACK_BELOW = 140  # the history beside the fields only when both read whole
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="incident_back"),
        Binding("k", "classify", N_("Classify"), id="incident_classify"),
        Binding("m", "notify_party", N_("Notify"), id="incident_notify"),
        Binding("t", "restore", N_("Restore"), id="incident_restore"),
        Binding("x", "close_incident", N_("Close"), id="incident_close"),
        Binding("h", "raise_change", N_("Raise change"), id="incident_change"),
        Binding("w", "waiting", N_("Waiting"), id="incident_waiting"),
        Binding("l", "log_time", N_("Log time"), id="incident_time"),
        Binding("E", "edit", N_("Edit"), id="incident_edit"),
        Binding("e", "evidence_here", N_("Evidence"), id="incident_evidence"),
        Binding("o", "reopen", N_("Reopen"), id="incident_reopen"),
        Binding("P", "problem", N_("Potential problem"), id="incident_problem"),
        Binding("f", "files", N_("Files"), id="incident_files"),
        Binding("A", "assign", N_("Assign"), id="incident_assign"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.incident: Incident | None = None
        self._unread = ""  # why the incident could not be read, until it is

    def _shown(self) -> Incident | None:
        """The incident on the screen; None, said in a message, while it could not be read."""
        if self.incident is None:
            self.notify(_("{ref} could not be read: {error}").format(ref=self.ref, error=self._unread) if self._unread
                        else _("{ref} could not be read").format(ref=self.ref), severity="error")
        return self.incident

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="head")
        yield Static("", id="steps")
        yield Static("", id="why", classes="warning")
        yield record_panels()
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#fields-panel").border_title = _("Record (WP.18)")
        self.query_one("#history-panel").border_title = _("History")

    # ------------------------------------------------------------ display
    def reload(self) -> None:
        try:
            inc = self.store.get("incidents", self.ref)
        except VseError as exc:
            self.notify(str(exc), severity="error")
            if self.incident is None:  # never read: the screen says why its keys do nothing
                self._unread = str(exc)
                why = self.query_one("#why", Static)
                why.display = True
                why.update(Text(_("{ref} could not be read: {error}").format(ref=self.ref, error=exc)))
            return
        self.incident = inc
        self._unread = ""
        self.ref = inc.id or self.ref
        store = self.store
        now = clock.now()
        target = targets.target_for(store, inc)
        clk = targets.target_clock(inc, target, now)
        verdict = targets.assess(inc, target, now)
        age = clock.human_duration(now - inc.opened_at) if inc.opened_at else "?"
        tail = Text.assemble(*self._target_text(inc, target, clk, verdict, now))
        self.query_one("#head", Static).update(Text.assemble(
            (f"{inc.id}  ", "bold"), Text(inc.summary, style="bold"), "   ",
            (inc.priority, PRIORITY_STYLE.get(inc.priority, "")), " · " + _("opened {age} ago").format(age=age) + " · ",
            tail, (" · " + _("SECURITY") if inc.security else "", "bold red"),
            (" · " + _("potential problem") if inc.problem else "", "italic")))
        self._steps(inc)
        self._fields(inc, clk)
        self._history(inc)
        self.refresh_bindings()

    def _steps(self, inc: Incident) -> None:
        """The flow's steps, each done only when the evidence map counts this incident for its task
        (the same rules): a step the evidence still needs is what the line below asks for."""

        steps = record_steps(self.store, inc)
        self.steps = steps
        parts = []
        for step in steps:
            style = {"●": "green", "◐": "yellow"}.get(step.mark, "dim")
            parts.append(Text.assemble((f"{step.mark} ", style), (_(step.label), "bold" if step.performed else ""),
                                       (f" {step.task}   ", "dim")))
        self.query_one("#steps", Static).update(Text.assemble(*parts))
        why = self.query_one("#why", Static)
        msg = self._next_hint(inc, steps)
        why.display = bool(msg)
        why.update(Text(msg))
        self.refresh_bindings()  # the key bar leads with the next step

    # the action that performs each step's task; a missing notification is always `notify_party`
    STEP_ACTION = {"IN.2.1": "edit", "IN.2.2": "classify", "IN.2.3": "notify_party", "IN.2.4": "restore",
                   "IN.2.5": "close_incident"}

    steps: list = []

    def action_evidence_here(self) -> None:
        """The evidence map, at this incident's first step the map does not count yet."""
        # here, not at the top: importing it loads pydantic
        from vse_tui.screens.evidence.map import EvidenceScreen

        if self._shown() is None:
            return
        task = next((s.task for s in self.steps if not s.done), self.steps[-1].task if self.steps else None)
        self.app.push_screen(EvidenceScreen(task=task))

    # the screen's action for each verb of the core's next step
    ACTIONS = {"classify": "classify", "notify": "notify_party", "restore": "restore", "edit": "edit",
               "close": "close_incident", "raise_change": "raise_change", "reopen": "reopen"}

    def _next_hint(self, inc: Incident, steps) -> str:
        """The next step as the core decides it (`evidence.next_step`, the evidence map's rules), said
        with this screen's keys; the key bar leads with its actions."""
        k = self.key_for
        nxt = next_step(self.store, inc, steps)
        self.next_actions = tuple(self.ACTIONS[a] for a in nxt.actions)
        said = {
            "notify restored": _("Next: IN.2.4 tell the affected party it is restored: press {key}."),
            "classify": _("Next: IN.2.2 classify it: press {key}."),
            "notify": _("Next: IN.2.3 notify the affected party: press {key}."),
            "restore": _("Next: IN.2.4 record what restored the service: press {key}."),
            "close": _("Next: IN.2.5 close it once the affected party confirms: press {key}."),
        }
        lines: list[str] = []
        if nxt.step in said:
            lines.append(said[nxt.step].format(key=k(self.next_actions[0])))
        elif nxt.step == "needs":
            lines.append(_("Before closing it needs {what}.").format(what=listed(nxt.needs)))
            lines.append(_("{key} raises the change request.").format(key=k("raise_change")))
        if nxt.gaps:
            lines.append(_("IN.2.1 lacks {what}: press {key}.").format(what=listed(nxt.gaps), key=k("edit")))
        if nxt.roles:
            lines.append(_("IN.2.1: {what}.").format(what=listed(nxt.roles)))
        lines.extend(unmapped_login_text(login) for login in nxt.logins)
        if nxt.shop_records:
            lines.append(_("{task} waits on the shop's {records}: {key} lists them.").format(
                task=nxt.shop_task, records=", ".join(nxt.shop_records), key="d"))
        if nxt.shop_past:
            lines.append(_("{task} was done before the shop had {records}: this incident cannot count for {task}; "
                           "those recorded from now on do.").format(task=nxt.shop_task,
                                                                    records=", ".join(nxt.shop_past)))
        return "\n".join(lines)

    @staticmethod
    def _target_text(inc, target, clk, verdict, now) -> list:
        """Both targets in full: respond (P1 15m) and resolve, each met, late by how much, or the
        time left; after the restoration, met or late, never a countdown."""
        def span(minutes: int) -> str:
            return clock.human_duration(clock.timedelta(minutes=minutes))

        # each target says what it allows, and a countdown says when it falls due: "resolve within 3d:
        # due in 4d" (3 service days over a weekend fall due in 4 days), never "3d: 4d left"
        parts: list = [(_("respond within {target}:").format(target=span(target.respond_minutes)) + " ", "dim")]
        if verdict.response_met is True:
            parts.append((_("met"), "green"))
        elif verdict.response_met is False:
            late = verdict.response_late_by or (now - verdict.respond_due)
            parts.append((_("late by {duration}").format(duration=clock.human_duration(late)), "bold red"))
        else:
            parts.append((_("due in {duration}").format(duration=clock.human_duration(verdict.respond_due - now)), ""))
        parts += [(" · " + _("resolve within {target}:").format(target=span(target.resolve_minutes)) + " ", "dim")]
        if inc.restored_at is not None:
            if verdict.resolution_met:
                parts.append((_("met"), "green"))
            else:
                parts.append((_("late by {duration}").format(
                    duration=clock.human_duration(inc.restored_at - verdict.resolve_due)), "bold red"))
        elif clk.paused:
            parts.append((_("paused ({state})").format(state=shown(inc.state)), "dim"))
        elif clk.late:
            parts.append((_("late by {duration}").format(duration=clock.human_duration(-clk.remaining)), "bold red"))
        elif clk.remaining is not None:
            parts.append((_("due in {duration}").format(duration=clock.human_duration(clk.remaining)), ""))
        parts.append((" · " + _units(target.hours), "dim"))  # "2d" is two days of service hours: said
        if inc.status == "closed" and inc.closed_at:
            parts += [(" · ", "dim"), (_("closed {when}").format(when=clock.relative(inc.closed_at, now)), "green")]
        return parts

    def _fields(self, inc: Incident, clk: targets.Clock) -> None:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        people = self.store.titles("people")
        for label, value in [*self._what_rows(inc), *self._time_rows(inc, clk), *self._resolution_rows(inc),
                             *self._mail_rows(inc, people), *self._closing_rows(inc, people)]:
            if value not in (None, "", []):
                grid.add_row(label, value if isinstance(value, Text) else Text(str(value)))
        self.query_one("#fields", Static).update(grid)

    def _what_rows(self, inc: Incident) -> list[tuple[str, Any]]:
        """What the incident is: its status, priority, parties, items and details."""
        store = self.store
        customers, services = store.customer_codes(), store.titles("services")
        cis = store.titles("configuration_items")
        return [
            (_("status"), _("{status} (work product) · {state} (operational)").format(
                status=_(inc.status or ""), state=shown(inc.state or ""))),
            (_("priority"), _("{priority} from impact {impact} × urgency {urgency}").format(
                priority=inc.priority, impact=level_label("impact", inc.impact),
                urgency=level_label("urgency", inc.urgency))),
            (_("customer"), customers.get(inc.customer or "", "")),
            (_("service"), services.get(inc.service or "", "")),
            (_("reporter"), " ".join(p for p in (inc.reporter, inc.reporter_contact) if p)),
            (_("assigned to"), name_of(store, inc.assignee) if inc.assignee else _("nobody yet")),
            (_("resolver"), name_of(store, inc.resolver)),
            (_("category"), inc.category),
            (_("items"), ", ".join(cis.get(u, u) for u in inc.cis)),
            (_("details"), inc.details),
        ]

    def _time_rows(self, inc: Incident, clk: targets.Clock) -> list[tuple[str, Any]]:
        """Its moments, how long it took, its target while open, how long it waited."""
        rows: list[tuple[str, Any]] = [
            (_("opened"), clock.local_text(inc.opened_at)),
            (_("responded"), clock.local_text(inc.responded_at)),
            (pgettext("a moment of the incident", "restored"), clock.local_text(inc.restored_at)),
            (pgettext("a moment of the incident", "closed"), clock.local_text(inc.closed_at)),
        ]
        if inc.time_to_resolve_minutes is not None:
            rows.append((_("time to resolve"),
                         clock.human_duration(clock.timedelta(minutes=inc.time_to_resolve_minutes))))
        if clk.due_at and inc.status != "closed":
            rows.append((_("target"), _("resolve by {when} ({source})").format(when=clock.local_text(clk.due_at),
                                                                               source=source_words(clk.source))))
        rows.append((_("waited"), clock.human_duration(clock.timedelta(minutes=inc.waiting_minutes))
                     if inc.waiting_minutes else ""))
        return rows

    def _resolution_rows(self, inc: Incident) -> list[tuple[str, Any]]:
        """What was done: steps, solution, root cause, the changes and incidents it is linked to."""
        rows: list[tuple[str, Any]] = [(_("steps taken"), inc.steps_taken), (_("solution"), inc.solution),
                                       (_("root cause"), inc.root_cause), (_("no change because"), inc.no_change_reason)]
        if inc.changes:
            found = self.store.ids_for(inc.changes, "change_requests")
            rows.append((_("changes"), ", ".join(found[u][0] for u in inc.changes if u in found)))
        if inc.related_incidents:
            found = self.store.ids_for(inc.related_incidents, "incidents")
            rows.append((_("related"), ", ".join(found[u][0] for u in inc.related_incidents if u in found)))
        return rows

    def _mail_rows(self, inc: Incident, people: dict[str, str]) -> list[tuple[str, Any]]:
        """Each message in and out, with what became of it."""
        rows: list[tuple[str, Any]] = []
        for m in messages_of(self.store, "incidents", inc):
            body = (_("subject: {subject}").format(subject=m.subject) + "\n" if m.subject else "") + (m.text or "")
            rows.append((_("mail in") if m.way == "from" else _("notified {task}").format(task=m.task),
                         m.heading(people) + ("\n" + (body if len(body) <= 2000 else body[:1999] + "…")
                                              if body.strip() else "")))
        return rows

    def _closing_rows(self, inc: Incident, people: dict[str, str]) -> list[tuple[str, Any]]:
        """Who confirmed it and checked the fix, the time spent, reopenings, where it was imported
        from, its version."""
        rows: list[tuple[str, Any]] = []
        if inc.confirmation:
            c = inc.confirmation
            rows.append((_("confirmed"), _("{person} by {how}, {when}").format(person=c.by, how=said(c.how, HOW),
                                                                              when=clock.local_text(c.at))))
            if c.checked_by:
                rows.append((_("fix checked by"),
                             _("{who}: {how}").format(who=people.get(c.checked_by, c.checked_by), how=c.check)
                             if c.check else people.get(c.checked_by, c.checked_by)))
        if inc.time_spent:
            total = sum(t.minutes for t in inc.time_spent)
            billable = sum(t.minutes for t in inc.time_spent if t.billable)
            rows.append((_("time spent"), ngettext("{total} ({billable} billable, {n} entry)",
                                                   "{total} ({billable} billable, {n} entries)",
                                                   len(inc.time_spent)).format(
                total=clock.human_duration(clock.timedelta(minutes=total)),
                billable=clock.human_duration(clock.timedelta(minutes=billable)), n=len(inc.time_spent))))
        rows.append((_("reopened"), ngettext("{n} time", "{n} times", inc.reopened).format(n=inc.reopened)
                     if inc.reopened else ""))
        if inc.external_ref or inc.fingerprint:  # the key it had in the tool it was imported from (it finds it too)
            rows.append((_("imported as"), (inc.external_ref or _("(no ticket key)"))
                         + (" " + _("(content {fingerprint})").format(fingerprint=inc.fingerprint[:16])
                            if inc.fingerprint else "")
                         + (", " + _("its status there: {status}").format(status=inc.source_status)
                            if inc.source_status else "")))
        rows.append((_("version"), _("{version}, last by {person} {when}").format(
            version=inc.version, person=inc.updated_by, when=clock.local_text(inc.updated_at))))
        return rows

    def _history(self, inc: Incident) -> None:
        self.query_one("#history", HistoryTable).show(self.store.history(inc.uuid), self.store)

    def key_label(self, action: str) -> str | None:
        """Closing an incident is its own verb in some languages (French clôture an incident and
        ferme a window): the key bar says it so."""
        if action == "close_incident":
            return pgettext("closing an incident", "Close")
        return None

    # ------------------------------------------------------------ which actions apply
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        inc = self.incident
        if inc is None:  # not read (yet): each key says so
            return True
        closed = inc.status == "closed"
        if action in ("classify", "restore", "waiting", "close_incident", "edit"):
            return None if closed else True
        if action == "reopen":
            return True if closed else None
        return True

    # ------------------------------------------------------------ actions
    def _run(self, form: FormScreen, done_message: str | None = None) -> None:
        def finished(result) -> None:
            if result is not None:
                if done_message:
                    self.notify(done_message.format(ref=self.ref))
                self.reload()

        self.app.push_screen(form, finished)

    def action_files(self) -> None:
        if self._shown() is None:
            return
        self.app.push_screen(AttachmentsScreen(self.ref), lambda _: self.reload())

    def action_back(self) -> None:
        go_back(self)

    def action_classify(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        store = self.store
        found = store.ids_for(inc.cis, "configuration_items")
        ci_ids = ", ".join(found[u][0] for u in inc.cis if u in found)
        found = store.ids_for(inc.related_incidents, "incidents")
        related_ids = ", ".join(found[u][0] for u in inc.related_incidents if u in found)
        fields = [
            Field("category", _("Category"), value=inc.category,
                  placeholder=_("hardware, software, network, access ...")),
            Field("impact", _("Impact"), "radio", inc.impact, [(level_label("impact", c), c) for _l, c in LEVELS]),
            Field("urgency", _("Urgency"), "radio", inc.urgency, [(level_label("urgency", c), c) for _l, c in LEVELS]),
            # links are picked from lists that narrow as you type, never ids typed from memory
            ref_field(store, "cis", _("Items"), "configuration_items", ci_ids, multiple=True),
            ref_field(store, "related", _("Related"), "incidents", related_ids, multiple=True),
            Field("root_cause", _("Root cause"), "text", inc.root_cause),
            Field("security", _("Security"), "switch", inc.security),
        ]

        def submit(v):
            return core.classify(store, inc.uuid, category=v["category"], impact=v["impact"], urgency=v["urgency"],
                                 cis=_ids(v["cis"]), related=_ids(v["related"]),
                                 root_cause=v["root_cause"], security=v["security"])

        self._run(FormScreen(fields, submit, _("Classify {ref} (IN.2.2)").format(ref=inc.id),
                             info=_("The priority follows the policy's matrix. Significant incidents (P1, P2 or "
                                    "security) need a root cause and a change request before they close.")),
                  _("{ref} classified"))

    def action_notify_party(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        task = "IN.2.4" if inc.restored_at else "IN.2.3"
        if inc.status == "closed":
            task = "IN.2.5"
        message = core.message_for(self.store, inc, core.NOTIFY_TEMPLATE[task], operator=self.app.operator)
        settings = self.app.config.mail_settings
        can_mail = bool(settings.sender) and "@" in (inc.reporter_contact or "")
        fields = [
            Field("to", _("Told"), value=inc.reporter or inc.reporter_contact, required=True,
                  placeholder=_("who was told")),
            Field("how", _("How"), "radio", core.reachable_by(self.store, inc), choices(HOW)),
            Field("mail", _("Send by e-mail to {address}").format(address=inc.reporter_contact) if can_mail
                  else _("Send by e-mail"), "switch", can_mail),
            Field("message", _("Message"), "text", message),
        ]

        def submit(v):
            if v.get("mail"):
                lacking = [] if is_address(settings.sender) else [no_sender_text()]
                if "@" not in notify_address(self.store, inc):
                    lacking.append(_("the reporter has no e-mail address: turn 'Send by e-mail' off and record how "
                                     "they were told"))
                if lacking:  # everything missing at once, before anything is written
                    raise InputError(pgettext("list separator", "; ").join(lacking))
                updated, _path = notify_by_mail(self.store, inc.uuid, task=task, sender=settings.sender,
                                                message=v["message"])
                if settings.send == "now":
                    self.send_outbox_apart()
                return updated
            self.app.copy_to_clipboard(v["message"])
            return core.notify(self.store, inc.uuid, task=task, to=v["to"], how=v["how"], message=v["message"])

        info = _("The message comes from the policy's templates. With 'Send by e-mail' it goes to the outbox as a "
                 "real message ([{ref}] in its subject); else it is copied to the clipboard. Either way the "
                 "notification is recorded.").format(ref=inc.id or "")
        self._run(FormScreen(fields, submit, _("Notify about {ref} ({task})").format(ref=inc.id, task=task), info=info),
                  _("Notification recorded"))

    def action_restore(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        fields = [Field("solution", _("Solution"), "text", inc.solution, required=True),
                  Field("steps", _("Steps taken"), "text", inc.steps_taken)]
        self._run(FormScreen(fields, lambda v: core.restore(self.store, inc.uuid, solution=v["solution"], steps_taken=v["steps"]),
                             _("Restore {ref} (IN.2.4)").format(ref=inc.id)), _("{ref} restored"))

    def action_close_incident(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        fields = [
            Field("by", _("Confirmed by"), value=inc.reporter, required=True, placeholder=_("the affected party")),
            Field("how", _("How"), "radio", "phone", choices(HOW)),
            Field("solution", _("Resolution"), "text", inc.solution, required=True),
        ]
        if inc.significant:
            fields += [Field("root_cause", _("Root cause"), "text", inc.root_cause),
                       Field("no_change", _("No change because"), "text", inc.no_change_reason,
                             placeholder=_("only if no change request is needed"))]
        own = core.closes_own_work(inc, self.store.actor.person, self.store.actor.operator)
        others = [o for o in person_options(self.store, None) if o[1] not in (inc.resolver, self.store.actor.person)]
        if own and others:  # a second look: who checked the fix, and how (recorded with the confirmation)
            fields.append(Field("checked_by", _("Checked by"), "pick", None, others, required=True,
                                placeholder=_("(nobody)")))
            fields.append(Field("check", _("How they checked it"), "text", "", required=True,
                                placeholder=_("e.g. Sam logged in as the user and sent a test mail")))
        elif own:  # nobody else in the shop or among the contacts: the rule is acknowledged in writing
            fields.append(Field("ack", _("Why nobody else checked it"), "text", "", required=True,
                                placeholder=_("how the fix was checked, e.g. the customer tested it with me")))

        def submit(v):
            return core.close(self.store, inc.uuid, confirmed_by=v["by"], how=v["how"], solution=v["solution"],
                              root_cause=v.get("root_cause"), no_change_reason=v.get("no_change"),
                              checked_by=v.get("checked_by"), check=v.get("check") or "", acknowledgement=v.get("ack"))

        info = (_("A significant incident needs its root cause and a linked change request ({key}), or the reason "
                  "none is needed.").format(key=self.key_for("raise_change")) + " " if inc.significant else "")
        warning = self._steps_not_taken(inc)
        if warning:
            info = warning + " " + info
        if own:
            # here, not at the top: importing it loads pydantic
            from vse_tui.core.governance.roles import RULES

            rule = RULES["resolver-closes"]
            info += (_("▲ {rule}: {why} Name who checked the fix: it is recorded on {ref}.") if others else
                     _("▲ {rule}: {why} {instead} Your note is recorded on {ref}.")).format(
                rule=_(rule.name), why=_(rule.why), instead=_(rule.instead), ref=inc.id)
        self._run(FormScreen(fields, submit, _("Close {ref} (IN.2.5)").format(ref=inc.id), info=info),
                  _("{ref} closed"))

    def _steps_not_taken(self, inc: Incident) -> str:
        """The warning before closing an incident whose flow skipped a step (never classified,
        notified or restored) or whose evidence lacks something; empty when nothing is missing."""
        names = {"IN.2.2": N_("classified"), "IN.2.3": N_("the affected party notified"),
                 "IN.2.4": N_("restored with a solution")}
        steps = [s for s in record_steps(self.store, inc) if s.task in names]
        skipped = [_(names[s.task]) for s in steps if not s.performed]
        # what the evidence lacks in words, the step's code after them (said once): never a code glued
        # to a colon in the middle of the sentence ("preuve IN.2.3:")
        lacking = [what if s.task in what else pgettext("evidence lacks", "{what} ({ref})").format(ref=s.task, what=what)
                   for s in steps if s.performed and s.new for what in [listed(s.new)]]
        if not skipped and not lacking:
            return ""
        if skipped and lacking:
            warning = _("▲ This {priority} incident was never {never}; its evidence lacks {lacks}: an assessor "
                        "will ask why. Close anyway, or Esc and do it first.")
        elif skipped:
            warning = _("▲ This {priority} incident was never {never}: an assessor will ask why. Close anyway, "
                        "or Esc and do it first.")
        else:
            warning = _("▲ This {priority} incident lacks for its evidence {lacks}: an assessor will ask why. "
                        "Close anyway, or Esc and do it first.")
        return warning.format(priority=inc.priority, never=_(" nor ").join(skipped), lacks=listed(lacking))

    def action_raise_change(self) -> None:
        inc = self._shown()
        if inc is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                _incident, change = core.raise_change(self.store, inc.uuid)
            except VseError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("{ref} raised and linked; the Control screen lists it").format(ref=change.id),
                        title=_("Change request"))
            self.reload()

        self.app.push_screen(ConfirmScreen(_("Raise a change request for {ref}, prefilled from it?").format(
            ref=inc.id)), answered)

    def action_waiting(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        if inc.state in core.WAITING:
            try:
                core.set_waiting(self.store, inc.uuid, None)
            except VseError as exc:
                self.notify(str(exc), severity="error")
            self.reload()
            return
        fields = [Field("on", _("Waiting for"), "radio", "customer", choices(WAITING_ON))]
        self._run(FormScreen(fields, lambda v: core.set_waiting(self.store, inc.uuid, v["on"] or "customer"),
                             _("Put {ref} on hold").format(ref=inc.id),
                             info=_("The target clock pauses while you wait; {key} again resumes it.").format(
                                 key=self.key_for("waiting"))))

    def action_log_time(self) -> None:
        inc = self._shown()
        if inc is None:
            return

        fields = [person_field(self.store, "who", _("Who"), self.store.actor.person, required=True),
                  Field("minutes", _("Minutes"), "int", 30, required=True),
                  Field("billable", _("Billable"), "switch", True),
                  Field("note", _("Note"), value="")]

        def submit(v):
            try:
                minutes = int(v["minutes"])
            except (TypeError, ValueError):
                raise InputError(_("Minutes: a whole number of minutes, e.g. 45")) from None
            return core.log_time(self.store, inc.uuid, who=v["who"], minutes=minutes, billable=v["billable"], note=v["note"])

        self._run(FormScreen(fields, submit, _("Time spent on {ref}").format(ref=inc.id)), _("Time logged"))

    def action_edit(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        fields = [Field("summary", _("Summary"), value=inc.summary, required=True),
                  Field("details", _("Details"), "text", inc.details),
                  Field("reporter", _("Reporter"), value=inc.reporter),
                  Field("contact", _("Contact"), value=inc.reporter_contact),
                  person_field(self.store, "resolver", _("Resolver"), inc.resolver)]

        def submit(v):
            return core.edit_details(self.store, inc.uuid, summary=v["summary"], details=v["details"],
                                     reporter=v["reporter"], reporter_contact=v["contact"], resolver=v["resolver"])

        self._run(FormScreen(fields, submit, _("Edit {ref}").format(ref=inc.id)), _("{ref} saved"))

    def action_assign(self) -> None:
        if self._shown() is None:
            return
        assign_action(self, "incidents", self.ref, lambda _r: self.reload())

    def action_reopen(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        self._run(FormScreen([Field("reason", _("Reason"), "text", "", required=True)],
                             lambda v: core.reopen(self.store, inc.uuid, v["reason"]),
                             _("Reopen {ref}").format(ref=inc.id)), _("{ref} reopened"))


    def action_problem(self) -> None:
        inc = self._shown()
        if inc is None:
            return
        self._run(FormScreen([Field("root_cause", _("Root cause"), "text", inc.root_cause or "")],
                             lambda v: core.mark_problem(self.store, inc.uuid, root_cause=v["root_cause"]),
                             _("Mark {ref} a potential problem (IN.1.3)").format(ref=inc.id),
                             info=_("A cause that could bring incidents again; raise a change request to remove it "
                                    "({key}).").format(key=self.key_for("raise_change"))),
                  _("{ref} is a potential problem"))


def _ids(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
