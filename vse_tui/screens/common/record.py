"""Any stored record: its fields, approvals and version history."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from vse_tui.config import no_sender_text
from vse_tui.core.evidence.guide import FLOWS, record_steps
from vse_tui.core.evidence.substance import check_edit
from vse_tui.core.governance.approvals import APPROVE_TASK, how_given
from vse_tui.core.governance.approvals import state as approval_state
from vse_tui.core.governance.assign import ASSIGNABLE
from vse_tui.core.governance.documents import CREATE_TASK, FLOW_STATES, approval_undone, approve, edit, editable_fields
from vse_tui.core.governance.people import name_of
from vse_tui.core.intake.mail import is_address
from vse_tui.core.intake.mail_delivery import messages_of
from vse_tui.core.intake.mail_intake import mail_about, mail_draft
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.model.records.control import ScheduleItem
from vse_tui.core.model.standard import load_standard
from vse_tui.core.present.display import record_lines, shown_title
from vse_tui.core.present.labels import code_word
from vse_tui.i18n import N_, _, ngettext
from vse_tui.screens.common.attachments import AttachmentsScreen
from vse_tui.screens.common.base import BaseScreen, go_back
from vse_tui.screens.common.forms import (
    Field,
    FormScreen,
    approval_args,
    approval_fields,
    assign_action,
    person_field,
    preview_for,
    spec_fields,
)
from vse_tui.screens.common.guide import marks, next_line
from vse_tui.screens.common.versions import VersionsScreen
from vse_tui.screens.evidence.map import EvidenceScreen
from vse_tui.widgets.history import HistoryTable, record_panels

# what an approval meant, as the record shows it (the meaning stored stays in English)
MEANINGS = {"approved": N_("approved"), "reviewed": N_("reviewed"),
            "accepted by the customer": N_("accepted by the customer"),
            "accepted by the supplier": N_("accepted by the supplier")}


class RecordScreen(BaseScreen):
    TITLE_TEXT = N_("Record")
    STACK_BELOW = 140  # the history beside the fields only when both read whole
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="record_back"),
        Binding("e", "evidence_here", N_("Evidence"), id="record_evidence"),
        Binding("E", "edit", N_("Edit (new version)"), id="record_edit"),
        Binding("a", "approve", N_("Approve"), id="record_approve"),
        Binding("v", "compare", N_("Compare versions"), id="record_compare"),
        Binding("f", "files", N_("Files"), id="record_files"),
        Binding("A", "assign", N_("Assign"), id="record_assign"),
    ]

    def __init__(self, kind: str, ref: str) -> None:
        super().__init__()
        self.kind, self.ref = kind, ref
        self.TITLE_TEXT = BY_KIND[kind].LABEL

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="head")
        yield Static("", id="record-steps")
        yield Static("", id="record-guide", classes="warning")
        yield from self.compose_extra()
        yield record_panels()
        yield from self.compose_footer()

    def compose_extra(self) -> ComposeResult:
        """What a kind of record shows between its heading and its fields (a path, a timeline)."""
        yield from ()

    def reload_extra(self, rec) -> None:
        """Refill what compose_extra added."""

    def reload(self) -> None:
        store = self.store
        rec = store.get(self.kind, self.ref)
        model = BY_KIND[self.kind]
        wp = load_standard().wp(model.WP) if model.WP else None
        self.query_one("#head", Static).update(self._head(rec, model, wp))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, shown in record_lines(store, rec):  # every stored field, as `record show` lists them
            grid.add_row(label, Text(shown))
        for label, shown in [*self._approval_lines(rec), *self._around_lines(rec)]:
            grid.add_row(label, Text(shown))
        grid.add_row(_("created"), Text(_("{when} by {person}").format(when=clock.local_text(rec.created_at),
                                                                        person=name_of(store, rec.created_by))))
        grid.add_row(_("updated"), Text(_("{when} by {person}").format(when=clock.local_text(rec.updated_at),
                                                                        person=name_of(store, rec.updated_by))))
        self.query_one("#fields", Static).update(grid)
        self.query_one("#fields-panel").border_title = _(model.LABEL) + (f" ({model.WP})" if model.WP else "")
        self.query_one("#history-panel").border_title = _("History")
        self.query_one("#history", HistoryTable).show(store.history(rec.uuid), store)
        self._guide(rec)
        self.reload_extra(rec)

    def _head(self, rec, model, wp) -> Text:
        """The record's id and title, its work product, status, state and version, and whether its
        approval holds."""
        signed = approval_state(rec) if wp and wp.approved_status else None
        return Text.assemble(
            (f"{rec.id}  ", "bold"), (shown_title(self.store, rec), "bold"), "   ",
            (f"{wp.code} {_(wp.name)}" if wp else _(model.LABEL), "dim"),
            (" · " if rec.status else "", "dim"),  # a record with no status (an entry, a warning answered): none
            (_("status {status}").format(status=code_word("status", rec.status)) if rec.status else "",
             "green" if rec.status in ("approved", "updated", "published", "final") else ""),
            (f" · {code_word('state', rec.state)}" if rec.state else "", ""), (_(" · version {version}").format(version=rec.version), "dim"),
            *(((("\n" + ("▲ " if signed.needs_approval else "")) + signed.text,
                "bold dark_orange" if signed.needs_approval else ("green" if signed.current else "dim")),)
              if signed else ()))

    def _approval_lines(self, rec) -> list[tuple[str, str]]:
        """(what it meant, who, when, how, of which version, signed or typed) for each approval."""
        lines = []
        for a in rec.approvals:
            line = _("{who}, {when}, {how}").format(who=a.by, when=clock.local_text(a.at), how=how_given(a))
            if a.version:
                line += _(", version {version}").format(version=a.version)
            if a.noted_by:
                line += _(", noted by {person}").format(person=name_of(self.store, a.noted_by))
            if a.note:
                line += f": {a.note}"
            lines.append((_(MEANINGS.get(a.meaning, a.meaning)), line))
        return lines

    def _around_lines(self, rec) -> list[tuple[str, str]]:
        """What other records say of this one: a change's place on the schedule, the mail sent and
        received about it, the files attached to it."""
        store, lines = self.store, []
        if self.kind == "change_requests":  # its place on the schedule, with the resources said for it
            entry = store.latest("schedule_items", {"change": rec.uuid})
            if isinstance(entry, ScheduleItem):
                when = clock.local_text(entry.starts_at) + (f" – {clock.local_text(entry.ends_at)}" if entry.ends_at else "")
                lines.append((_("scheduled"), when + (("\n" + _("resources: {text}").format(text=entry.resources))
                                                      if entry.resources else "")))
        if self.kind in ("feedback", "change_requests"):
            for m in messages_of(store, self.kind, rec):  # each answer or notice sent, each reply, with its state
                body = (_("subject: {subject}").format(subject=m.subject) + "\n" if m.subject else "") + (m.text or "")
                lines.append((_("mail"), m.heading() + ("\n" + (body if len(body) <= 2000 else body[:1999] + "…")
                                                        if body.strip() else "")))
        files = store.count("attachments", {"record": rec.uuid}) if self.kind != "attachments" else 0
        if files:
            lines.append((_("files"), ngettext("{n} attached ({key} lists them)", "{n} attached ({key} lists them)",
                                               files).format(n=files, key=self.key_for("files"))))
        return lines

    # the action that performs each step's task on a record screen (a change has its own screen's)
    STEP_ACTIONS: dict[str, tuple[str, ...]] = {"RE.2.1": ("edit",), "RE.2.2": ("approve",), "RE.2.3": ("step",)}

    def _guide(self, rec) -> None:
        """An agreement's or a feedback entry's steps as the evidence map judges them, and the line
        saying what its evidence needs next (core.evidence.guide: the map's own rules)."""

        line, shown = self.query_one("#record-guide", Static), self.query_one("#record-steps", Static)
        if self.kind not in FLOWS or self.kind == "change_requests":
            line.display = shown.display = False
            return
        steps = record_steps(self.store, rec)
        self.steps = steps
        shown.update(marks(steps))
        text, acts = next_line(self, steps, self.STEP_ACTIONS)
        line.display = bool(text)
        line.update(Text(text))
        self.next_actions = acts

    steps: list = []

    def evidence_task(self) -> str | None:
        """The task this screen is about: its first step the map does not count yet, else the task
        the record's work product is made by."""

        open_ = next((s.task for s in self.steps if not s.done), None)
        if open_:
            return open_
        if self.steps:
            return self.steps[-1].task
        wp = BY_KIND[self.kind].WP or ""
        return APPROVE_TASK.get(wp) or CREATE_TASK.get(wp)

    def action_evidence_here(self) -> None:
        self.app.push_screen(EvidenceScreen(task=self.evidence_task()))

    def action_back(self) -> None:
        go_back(self)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "edit":
            return True if editable_fields(self.kind) else None
        if action == "approve":
            return True if BY_KIND[self.kind].WP else None
        if action == "files":
            return None if self.kind == "attachments" else True
        if action == "assign":
            return True if self.kind in ASSIGNABLE else False  # hidden: nothing to assign here
        return True

    def action_edit(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        info = _("Saving stores a new version; the previous one stays in the history ({key} compares them).").format(
            key=self.key_for("compare"))
        if self.kind == "services" and rec.status in ("approved", "updated"):
            info += " " + _("This entry is approved: the change goes through a change request, raised and linked "
                            "for you.")

        def done(result) -> None:
            if result is not None:
                if self.kind == "services" and result.change_requests != rec.change_requests:
                    self.notify(_("{ref} saved as version {version} ({status}); change request {change} linked").format(
                        ref=result.id, version=result.version, status=_(result.status),
                        change=self.store.get("change_requests", result.change_requests[-1]).id))
                else:
                    self.notify(_("{ref} saved as version {version} ({status})").format(
                        ref=result.id, version=result.version, status=_(result.status)))
                undone = approval_undone(rec, result)
                if undone:
                    self.notify(_("{said}: {key} on its screen").format(said=undone, key=self.key_for("approve")),
                                severity="warning")
                self.reload()

        fields = [f for f in spec_fields(self.store, self.kind, rec) if not (f.name == "state" and self.kind in FLOW_STATES)]
        self.app.push_screen(FormScreen(fields,
                                        lambda v: edit(self.store, self.kind, rec.id, v, check=check_edit(self.store)),
                                        _("Edit {ref}").format(ref=rec.id),
                                        info=info, preview=preview_for(self.store, self.kind)), done)

    def action_approve(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        # (what the form shows, the meaning stored)
        codes = ["approved", "reviewed"]
        if self.kind == "customer_agreements":
            codes.append("accepted by the customer")
        if self.kind == "supplier_agreements":
            codes.append("accepted by the supplier")
        meanings = [(_(MEANINGS[code]), code) for code in codes]
        fields = approval_fields(self)
        fields[0] = person_field(self.store, "who", _("Approved by"), self.store.actor.person, required=True,
                                 affiliation=None)
        fields.insert(1, Field("meaning", _("Meaning"), "radio", "approved", meanings))
        fields.append(Field("sign", _("Sign (SSH)"), "switch", False))
        fields.append(Field("evidence", _("Shown by"), value="",
                            placeholder=_("for someone else's approval: the e-mail (.eml) or scan file")))
        fields.append(Field("note", _("Note"), value=""))
        state_text = approval_state(rec).text
        info = _("You approve version {version} of {ref}: the approval is bound to its content, and an edit "
                 "afterwards needs a new approval. {state}.").format(
            version=rec.version, ref=rec.id, state=state_text[:1].upper() + state_text[1:])

        def done(result) -> None:
            if result is not None:
                self.notify(_("{ref}: {what}").format(ref=result.id, what=approval_state(result).text))
                self.reload()

        def submit(v):
            return approve(self.store, self.kind, rec.id, meaning=v["meaning"] or "approved", note=v["note"],
                           sign=bool(v["sign"]), evidence=v.get("evidence") or None, **approval_args(v))

        self.app.push_screen(FormScreen(fields, submit, _("Approve {ref} (version {version})").format(
            ref=rec.id, version=rec.version), info=info), done)

    def action_assign(self) -> None:
        assign_action(self, self.kind, self.ref, lambda _r: self.reload())

    def action_mail(self) -> None:
        """A feedback entry's answer or a change's notice by e-mail: the draft in a form (address,
        text), queued in the outbox, sent at once when the config says so."""

        settings = self.app.config.mail_settings
        if not is_address(settings.sender):
            self.notify(no_sender_text(), severity="warning", timeout=10)
            return
        try:
            draft = mail_draft(self.store, self.kind, self.ref, self.app.operator)
        except InputError as exc:
            self.notify(str(exc), severity="warning", timeout=10)
            return
        rec = draft["record"]
        answer = self.kind == "feedback"
        fields = [Field("to", _("To"), value=draft["address"], required=True, placeholder=_("name@example.org")),
                  Field("message", _("Message"), "text", draft["text"], required=True)]

        def submit(v):
            return mail_about(self.store, self.kind, rec.id, sender=settings.sender, to=v["to"],
                              message=v["message"], who=self.app.operator)

        def done(result) -> None:
            if result is None:
                return
            queued = (_("{ref}: answer queued for {address} (vse-tui mail send delivers it)") if answer
                      else _("{ref}: notice queued for {address} (vse-tui mail send delivers it)"))
            self.notify(queued.format(ref=rec.id, address=result[2]), title=_("Mail"))
            if settings.send == "now":
                self.send_outbox_apart()
            self.reload()

        info = (_("The answer goes to the outbox as a real message ([{ref}] in its subject); the record's history "
                  "keeps what was sent, to whom and when.") if answer else
                _("The notice goes to the outbox as a real message ([{ref}] in its subject); the record's history "
                  "keeps what was sent, to whom and when.")).format(ref=rec.id)
        if draft.get("warning"):
            info += f"\n▲ {draft['warning']}"
        title = _("Mail the answer for {ref}") if answer else _("Mail the notice for {ref}")
        self.app.push_screen(FormScreen(fields, submit, title.format(ref=rec.id), info=info), done)

    def action_files(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        self.app.push_screen(AttachmentsScreen(rec.id), lambda _: self.reload())

    def action_compare(self) -> None:
        rec = self.store.get(self.kind, self.ref)
        self.app.push_screen(VersionsScreen(rec.id, self.store.history(rec.uuid)))
