"""The governance wizard: GO.1.1 -> GO.4.2 in the standard's order, one work product per step; the
last, the yearly look back (GO.4.1, GO.4.2), plans the first improvement report (when, who writes it,
who approves it) since a new shop has nothing to look back on yet, or drafts it at once when the
records already reach a year back.

Each step is stored when the user saves it (ctrl+s), never before: an untouched database shows no
half-made work products. What is typed but not yet saved is kept as a draft, so that a quit or a
crash loses nothing, and the wizard reopens at the step where the user left."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static

from vse_tui.core.evidence.duties import CHECKS, mitigation_problem
from vse_tui.core.evidence.guide import draft_services, setup_gaps
from vse_tui.core.governance import process as gov
from vse_tui.core.governance import yearly
from vse_tui.core.governance.approvals import new
from vse_tui.core.governance.people import FIRST_ROLES
from vse_tui.core.governance.process import list_lines
from vse_tui.core.governance.roles import RULES, acknowledge, label, sole_approver
from vse_tui.core.governance.setup import APPROVES, fields, save
from vse_tui.core.kernel.errors import VseError, said_by
from vse_tui.core.model.data import role_codes, role_name
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.model.records.parties import Person, RoleAssignment
from vse_tui.core.model.standard import load_standard
from vse_tui.i18n import N_, _, listed, ngettext
from vse_tui.screens.common.base import BaseScreen, after_typing, go_back
from vse_tui.screens.common.forms import (
    ConfirmScreen,
    Field,
    FormScreen,
    build_widget,
    check_field,
    how_field,
    last_line,
    next_line,
    person_field,
    read_value,
)
from vse_tui.screens.common.process import draft_improvement
from vse_tui.widgets.keys import hint_text

if TYPE_CHECKING:
    from textual.widget import Widget

    from vse_tui.store.db import Store


class RoleBox(Checkbox):
    """A role tick that reads without colour: ■ held, · not held."""

    @property
    def _button(self):
        self.BUTTON_INNER = "■" if self.value else "·"
        return super()._button
ROLE_CODES = role_codes(external=False)  # from data/standard/roles.toml
# a practitioner's areas, each a box of its own (several may be ticked; PT with none: every area)
AREAS = [("change", N_("change")), ("incident", N_("incident")), ("relationship", N_("relationship"))]
NAME_WIDTH = 18  # the grid's columns: the name, a box per role, a box per practitioner area
BOX_WIDTH = 5


def area_width(area_label: str) -> int:
    return max(BOX_WIDTH, len(area_label) + 2)


class RoleRow(Horizontal):
    """One person's line of the roles grid: their name, a box per role, the practitioner area;
    the person it stands for (None for a new name) and their e-mail ride along."""

    def __init__(self, *children: Widget, person_uuid: str | None, email: str) -> None:
        super().__init__(*children, classes="role-row")
        self.person_uuid = person_uuid
        self.email = email


def stored_role_rows(store: Store) -> list[tuple[str | None, str, str, str]]:
    """The active internal people as rows of the roles grid: (uuid, name, e-mail, roles)."""

    rows: list[tuple[str | None, str, str, str]] = []
    for p in store.records("people", {"state": "active", "affiliation": "internal"}):
        if isinstance(p, Person):
            held = [a for a in store.records("role_assignments", {"person": p.uuid, "state": "active"})
                    if isinstance(a, RoleAssignment)]
            rows.append((p.uuid, p.name, p.email, ",".join(label(a) for a in held)))
    return rows


class WizardScreen(BaseScreen):
    TITLE_TEXT = N_("Governance setup")
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save & next"), id="wizard_save", priority=True),
        Binding("ctrl+b", "back", N_("Back"), id="wizard_back", priority=True),
        Binding("ctrl+r", "add_person", N_("Add person"), id="wizard_add_person", priority=True),
        Binding("ctrl+k", "acknowledge", N_("Acknowledge warning"), id="wizard_acknowledge", priority=True),
        Binding("ctrl+o", "draft_report", N_("Draft the improvement report now"), id="wizard_draft_report",
                priority=True),
        Binding("escape", "leave", N_("Leave (saved steps are kept)"), id="wizard_leave"),
        Binding("enter", "next_line", N_("Next line (save from the last)"), id="wizard_next", priority=True,
                show=False),
    ]

    def __init__(self, start: int | None = None) -> None:
        super().__init__()
        self.start = start
        self.index = 0
        self.fields: list[Field] = []
        self.role_rows = 0
        self._loading = False
        self.approver: str | None = None  # who approved the last step: offered again on the next
        self.approved_how = "signature"
        self.approved_evidence = ""  # the message or scan of an approval given by someone else: offered again too

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal():
            with Vertical(id="wizard-steps", classes="panel"):
                yield Static("", id="step-list")
            with Vertical(id="wizard-step", classes="panel"):
                yield Static("", id="step-why")
                yield VerticalScroll(id="step-form")
                yield Static("", id="step-warnings", classes="warning")
                yield Static("", id="step-error", classes="error")
                yield Static("", id="step-keys", classes="hint")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#wizard-steps").border_title = _("Setup")
        self.index = self.start if self.start is not None else gov.resume_step(self.store)
        if self.start is None and all(gov.progress(self.store).values()):
            gaps = setup_gaps(self.store)  # reopened after the setup: at the first document still to write
            if gaps:
                self.index = gov.STEP_KEYS.index(gaps[0].step)
        self.call_later(self.show_step, self.index)

    def reload(self) -> None:
        self._step_list()

    # ------------------------------------------------------------ building a step
    @property
    def step(self) -> gov.Step:
        return gov.STEPS[self.index]

    def _step_list(self) -> None:
        done = gov.progress(self.store)
        gaps = setup_gaps(self.store)
        # a saved step whose document the map would not count (the app's starting text, a placeholder):
        # no tick, which says evidence; its own mark, and words below saying why
        wp_of = {step.key: step.wp for step in gov.STEPS}
        lacking = {wp_of[gap.step]: gap for gap in gaps}
        text = Text()
        for i, step in enumerate(gov.STEPS):
            gap = lacking.get(step.wp) if done[step.key] and step.document else None
            mark = "▶ " if i == self.index else ("◐ " if gap else "✓ " if done[step.key] else "· ")
            style = "bold" if i == self.index else ("dark_orange" if gap else "green" if done[step.key] else "dim")
            # the code after a space even when the title fills its column (Spanish and French titles do)
            text.append(f"{mark}{_(step.title):<16}", style=style)
            text.append(f" {step.shown_code}\n", style="dim")
        text.append("\n" + _("step {n} of {total}").format(n=self.index + 1, total=len(gov.STEPS)), style="dim")
        if any(gap.starting for gap in gaps):
            text.append("\n" + _("◐ still the app's starting text: not evidence yet"),
                        style="dark_orange")
        if any(not gap.starting for gap in gaps):
            text.append("\n" + _("◐ not evidence yet: empty, a placeholder or pasted"),
                        style="dark_orange")
        if all(done.values()):
            if gaps:  # stored, but not in the shop's own words yet: the map would not count it
                text.append("\n\n" + ngettext("{n} document still to write in your words",
                                                "{n} documents still to write in your words", len(gaps)).format(
                    n=len(gaps)), style="bold dark_orange")
            else:
                text.append("\n\n" + _("Setup complete."), style="bold green")
        self.query_one("#step-list", Static).update(text)

    async def show_step(self, index: int) -> None:
        self.index = max(0, min(index, len(gov.STEPS) - 1))
        gov.remember_step(self.store, self.index)
        step = self.step
        self._step_list()
        task = load_standard().task(step.task) if step.task else None
        heading = f"{step.task}  {_(task.title)}" if task else f"{step.wp}  " + _("Business goals and objectives")
        if step.key == "improvement":
            heading = "GO.4.1 → GO.4.2  " + _("The yearly look back")
        self.query_one("#wizard-step").border_title = heading
        why = Text(_(step.why))
        if step.key in ("resources", "documents") and not self._policy_updated():
            why.append("\n" + _(gov.FIRST_PASS), style="dim italic")
        if step.key == "resources" and sole_approver(self.store) is not None:
            why.append("\n" + _("You alone approve what you write: choose below who looks again at each document "
                                "within 30 days."))
        if step.key == "improvement":
            why.append("\n" + _("It counts as done only once the report itself is written and approved; this "
                                 "step records the plan."), style="dim italic")
            if yearly.has_a_year(self.store):
                why.append("\n" + _("Your records already reach a year back: {key} drafts the improvement report "
                                     "now instead.").format(key=self.key_for("draft_report")), style="bold")
        self.query_one("#step-why", Static).update(why)
        self.query_one("#step-error", Static).update("")
        form = self.query_one("#step-form", VerticalScroll)
        self._loading = True
        await form.remove_children()
        draft = gov.load_draft(self.store, step.key)
        if step.key == "roles":
            await self._build_roles(form, draft)
        else:
            self.fields = self._fields(step.key, draft)
            # the labels' column as wide as its longest label, so that none is cut mid-word
            width = min(24, max([len(f.label) + (2 if f.required else 0) for f in self.fields] + [12]) + 3)
            rows: list[Widget] = []
            for f in self.fields:
                label = Label(f.label + (" *" if f.required else ""))
                label.styles.width = width
                rows.append(Horizontal(label, build_widget(f), classes="row"))
                if f.note:  # a rule the field must meet, said before saving
                    note = Static(Text(f.note), classes="field-note")
                    note.styles.padding = (0, 0, 0, width)
                    rows.append(note)
            await form.mount_all(rows)
        self._after_build()
        pairs = [("save", _("save & next")), ("back", _("back")), ("leave", _("leave (saved steps are kept)"))]
        if step.key == "roles":
            pairs = [("add_person", _("add a person")), ("acknowledge", _("acknowledge a warning")), *pairs]
        if step.key == "improvement" and yearly.has_a_year(self.store):
            pairs = [("draft_report", _("draft the report now")), *pairs]
        self.query_one("#step-keys", Static).update(Text(hint_text(self, pairs)))
        self.refresh_bindings()

    def _after_build(self) -> None:
        self._loading = False
        self._update_warnings()
        first = self.query_one("#step-form").query("Input, TextArea, Checkbox")
        if first:
            first.first().focus()

    def _policy_updated(self) -> bool:
        return self.store.exists("policies", {"status": "updated"})

    def _approval_fields(self, draft: dict | None) -> list[Field]:
        d = draft or {}
        who = d.get("approved_by") or self.approver or self.store.actor.person
        return [person_field(self.store, "approved_by", _("Approved by"), who, required=True),
                how_field(d.get("how", self.approved_how)),
                person_field(self.store, "noted_by", _("Noted by"), d.get("noted_by")),
                Field("evidence", _("Shown by"), value=d.get("evidence", self.approved_evidence),
                      placeholder=_("for someone else's approval: the e-mail (.eml) or scan file"))]

    def _fields(self, key: str, draft: dict | None) -> list[Field]:
        """The step's fields as the core describes them, plus the approval's for a step that approves."""

        kinds = {"line": "input", "date": "input", "text": "text", "radio": "radio"}
        # the core gives the labels, choices and hints already in the language spoken (never translated twice)
        out = [Field(f.name, f.label, kinds[f.kind], f.value, list(f.options), f.required, f.placeholder)
               for f in fields(self.store, key, draft)]
        if key in APPROVES and key != "roles":
            out += self._approval_fields(draft)
        return out

    # ------------------------------------------------------------ the roles grid
    async def _build_roles(self, form: VerticalScroll, draft: dict | None) -> None:
        self.fields = []
        rows: list[tuple[str | None, str, str, str]] = []
        if draft and draft.get("rows"):
            rows = [tuple(r) for r in draft["rows"]]
        else:
            rows = stored_role_rows(self.store)
        if not rows:
            rows = [(self.store.actor.person, self.store.actor.operator, "", ",".join(FIRST_ROLES))]
        # The grid is wider than a small terminal: it scrolls sideways, and a focused box is
        # scrolled into view (the screen does that for every focus), so Tab never lands out of sight.
        grid = ScrollableContainer(id="roles-grid")
        await form.mount(grid)
        head = [Label(_("Person"), classes="role-name")]
        head += [Label(code, classes="role-box") for code in ROLE_CODES]
        head += [Label(_("PT in:"), classes="role-gap")]
        head += [Label(_(word), classes="role-area").set_styles(f"width: {area_width(_(word))};")
                 for _area, word in AREAS]
        await grid.mount(Horizontal(*head, classes="roles-head"))
        self.role_rows = 0
        for row in rows:
            await self._mount_role_row(grid, row)
        # the columns' codes in words: a code alone is no word to whoever reads the grid
        legend = " · ".join(_("{role} ({code})").format(role=role_name(code), code=code) for code in ROLE_CODES)
        await form.mount(Static(Text(legend + "\n" + _(
            "PT ticked with no area: a practitioner in every area. Ticking an area makes the person a practitioner "
            "there."), style="dim"), classes="roles-note"))

    async def _mount_role_row(self, grid, row: tuple[str | None, str, str, str]) -> None:
        uuid, name, email, text = row
        i = self.role_rows
        self.role_rows += 1
        held: dict[str, str] = {}
        areas: set[str] = set()
        for part in (text or "").split(","):
            role, _sep, area = part.strip().partition(":")
            if role:
                held[role.upper()] = area
                if role.upper() == "PT" and area:
                    areas.add(area.strip().lower())
        boxes = [RoleBox("", value=code in held, id=f"r{i}-{code}", compact=True, classes="role-box")
                 for code in ROLE_CODES]
        area_boxes = [RoleBox("", value=area in areas, id=f"r{i}-area-{area}", compact=True, classes="role-area")
                      .set_styles(f"width: {area_width(_(word))};") for area, word in AREAS]
        line = RoleRow(Input(name, id=f"r{i}-name", placeholder=_("name"), compact=True, classes="role-name",
                             select_on_focus=False),
                       *boxes, Label("", classes="role-gap"), *area_boxes, person_uuid=uuid, email=email)
        await grid.mount(line)

    def role_values(self) -> list[tuple[str | None, str, str, str]]:
        out = []
        for line in self.query(RoleRow):
            i = (line.query_one(Input).id or "").split("-")[0][1:]
            name = self.query_one(f"#r{i}-name", Input).value
            areas = [area for area, _word in AREAS if self.query_one(f"#r{i}-area-{area}", Checkbox).value]
            if len(areas) == len(AREAS):
                areas = []  # every area: one PT, as stored without an area
            codes = []
            for code in ROLE_CODES:
                if code == "PT":
                    if areas:
                        codes += [f"PT:{area}" for area in areas]
                    elif self.query_one(f"#r{i}-PT", Checkbox).value:
                        codes.append("PT")
                elif self.query_one(f"#r{i}-{code}", Checkbox).value:
                    codes.append(code)
            out.append((line.person_uuid, name, line.email, ",".join(codes)))
        return out

    # ------------------------------------------------------------ live state
    def values(self) -> dict[str, Any]:
        if self.step.key == "roles":
            return {"rows": [list(r) for r in self.role_values()]}
        return {f.name: read_value(self.query_one(f"#f-{f.name}"), f) for f in self.fields}

    def _changed(self) -> None:
        if self._loading:
            return
        gov.save_draft(self.store, self.step.key, self.values())
        self._update_warnings()

    def on_input_changed(self, event) -> None:
        self._changed()

    def on_text_area_changed(self, event) -> None:
        self._changed()

    def on_checkbox_changed(self, event) -> None:
        box_id = event.checkbox.id or ""
        row, _sep, rest = box_id.partition("-")
        if rest.startswith("area-") and event.value:  # an area ticked: a practitioner there
            self.query_one(f"#{row}-PT", Checkbox).value = True
        elif rest == "PT" and not event.value:  # no longer a practitioner: in no area either
            for area, _word in AREAS:
                self.query_one(f"#{row}-area-{area}", Checkbox).value = False
        self._changed()

    def on_select_changed(self, event) -> None:
        self._changed()

    def on_radio_set_changed(self, event) -> None:
        self._changed()

    def current_warnings(self):
        if self.step.key != "roles":
            return []
        return gov.role_warnings_for(self.store, self.role_values())

    def _update_warnings(self) -> None:
        box = self.query_one("#step-warnings", Static)
        found = self.current_warnings() if self.step.key == "roles" else []
        if not found:
            box.display = False
            return
        text = Text()
        for w in found:
            rule = RULES[w.rule]
            text.append(f"▲ {w.headline()}\n", style="bold")  # the roles by their names, as the CLI says them
            if w.acknowledged:
                text.append("  " + _("acknowledged: {mitigation}").format(mitigation=w.acknowledged.mitigation) + "\n",
                            style="green")
            else:
                text.append(f"  {_(rule.why)}\n  " + _("Instead: {instead}  ({key} acknowledge with a mitigation)").format(
                    instead=_(rule.instead), key=self.key_for("acknowledge")) + "\n")
        box.update(text)
        box.display = True

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "draft_report":
            return self.step.key == "improvement" and yearly.has_a_year(self.store)
        if action in ("add_person", "acknowledge"):
            return True if self.step.key == "roles" else False  # hidden on the other steps
        if action == "back":
            return True if self.index > 0 else None
        return True

    # ------------------------------------------------------------ actions
    def _approval(self, v: dict[str, Any]):
        self.approver, self.approved_how = v.get("approved_by") or self.approver, v.get("how") or "signature"
        self.approved_evidence = v.get("evidence") or ""
        return new(self.store, v.get("approved_by"), v.get("how") or "signature", noted_by=v.get("noted_by"))

    def action_next_line(self) -> None:
        next_line(self, last_line(self.fields))

    def action_save(self) -> None:
        after_typing(self, self.save_now)  # the keys typed before ctrl+s first

    _previewed: str | None = None  # the scope's lists as confirmed by the person

    def _preview_lists(self, v) -> bool:
        """The Scope step's lists, shown name by name before they become records. True: go on saving."""

        store = self.store
        names = list_lines(v.get("customers", ""), _("Customers"))
        services = list_lines(v.get("services_offered", ""), _("Services"))
        known_c = {t.lower() for t in store.titles("customers").values()}
        known_s = {t.lower() for t in store.titles("services").values()}
        new_c = [n for n in names if n.lower() not in known_c]
        new_s = [n for n in services if n.lower() not in known_s]
        key = repr((new_c, new_s))
        if not (new_c or new_s) or self._previewed == key:
            return True
        lines = []
        if new_c:
            lines.append(_("New customers ({n}):").format(n=len(new_c)) + "\n" + "\n".join(f"  · {n}" for n in new_c))
        if new_s:
            lines.append(_("New services, drafts of the catalogue to confirm there ({n}):").format(n=len(new_s)) + "\n"
                         + "\n".join(f"  · {n}" for n in new_s))

        def answered(yes: bool | None) -> None:
            if yes:
                self._previewed = key
                self.save_now()

        self.app.push_screen(ConfirmScreen("\n\n".join(lines) + "\n\n" + _("Save these as records?")), answered)
        return False

    def save_now(self) -> None:
        step, store = self.step, self.store
        try:
            v = self.values()
            if step.key == "scope" and not self._preview_lists(v):
                return
            approved = self._approval(v) if step.key in APPROVES and step.key != "roles" else None
            if step.key == "roles":
                approved = self._approval({"approved_by": self.approver or store.actor.person,
                                           "how": self.approved_how if self.approver else "signature",
                                           "evidence": self.approved_evidence})
            save(store, step.key, v, approved, roles=self.role_values() if step.key == "roles" else None,
                 evidence=(v.get("evidence") if step.key != "roles" else self.approved_evidence) or None)
            if step.key == "goals":
                self.app.shop_name = store.setting("shop_name", "") or self.app.shop_name
                self.app.refresh_top()
        except VseError as exc:
            self.query_one("#step-error", Static).update(Text(said_by(exc, "form")))
            return
        if step.key == "improvement":
            self.notify(yearly.said(store) if yearly.planned(store) and not store.exists("improvement_reports")
                        else _("The improvement report is already written: nothing to plan."))
        else:
            self.notify(_("{step} saved ({task})").format(step=_(step.title), task=step.task or step.wp))
        if self.index + 1 < len(gov.STEPS):
            self.call_later(self.show_step, self.index + 1)
        else:
            self._step_list()
            self.call_later(self._show_remaining)

    async def _show_remaining(self) -> None:
        """After the last step: what the setup leaves to do, in the form's place (everything is saved)."""
        head, body = self._complete_text()
        form = self.query_one("#step-form", VerticalScroll)
        await form.remove_children()  # saved: the form's room shows what remains (it scrolls at 80x24)
        if body.plain:
            await form.mount(Static(body, id="setup-remaining"))
            form.focus()
        self.query_one("#step-error", Static).update(head)

    def _complete_text(self) -> tuple[Text, Text]:
        """"Setup complete" only when the evidence map would count every document for its substance
        (the same rule): else which document still holds the app's starting text or a placeholder, and
        how to edit it. Then the services of the scope still drafts of the catalogue, and where to
        finish them. The headline, and what remains."""

        gaps = setup_gaps(self.store)
        drafts = draft_services(self.store)
        titles = {step.key: step.title for step in gov.STEPS}
        body = Text()
        if not gaps:
            head = Text.assemble((_("Setup complete.") + " ", "bold green"),
                                 _("Every governance work product is stored and approved. Esc goes back; g opens "
                                   "them on the Governance screen."))
        else:
            head = Text(_("Not complete yet: the evidence map counts a document written in your own words."),
                        style="bold dark_orange")
            lines = [_("{ref} (step {step}): {what}").format(ref=gap.ref, step=_(titles[gap.step]),
                                                             what=listed(gap.problems)) for gap in gaps]
            lines.append(_("To edit one: {back} goes back to its step here ({save} saves a new version, approved "
                           "again); or g → its list → Enter → E to edit, then a to approve.").format(
                back=self.key_for("back"), save=self.key_for("save")))
            body.append("\n".join(lines), "dark_orange")
        store = self.store
        if yearly.planned(store) and not store.exists("improvement_reports"):  # the yearly look back, still ahead
            body.append(("\n\n" if body.plain else "") + yearly.said(store) + " " + _(
                "When it is due: g → {list} → a drafts it from the year's records.").format(
                list=_(BY_KIND["improvement_reports"].LABEL)))
        if drafts:
            body.append(("\n\n" if body.plain else "") + ngettext(
                "Still a draft of the catalogue: {services}. Describe it (hours, targets, how to use, costs) and "
                "approve it: r → {list} → Enter → E to edit, then a to approve.",
                "Still drafts of the catalogue: {services}. Describe each (hours, targets, how to use, costs) and "
                "approve it: r → {list} → Enter → E to edit, then a to approve.", len(drafts)).format(
                services=", ".join(_("{ref} {name}").format(ref=ref, name=name) for ref, name in drafts),
                list=_(BY_KIND["services"].LABEL)), "dark_orange")
        return head, body

    def action_back(self) -> None:
        if self.index > 0:
            self.call_later(self.show_step, self.index - 1)

    async def action_add_person(self) -> None:
        if self.step.key == "roles":
            await self._mount_role_row(self.query_one("#roles-grid"), (None, "", "", ""))
            self.query_one(f"#r{self.role_rows - 1}-name", Input).focus()

    async def action_acknowledge(self) -> None:
        if self.step.key != "roles":
            return
        open_ = [w for w in self.current_warnings() if not w.acknowledged]
        if not open_:
            self.notify(_("No warning left to acknowledge"))
            return
        try:  # people must exist before a warning about them can be acknowledged
            gov.save_roles(self.store, self.role_values(), None)
        except VseError as exc:
            self.query_one("#step-error", Static).update(Text(str(exc)))
            return
        await self.show_step(self.index)
        warning = next((w for w in gov.role_warnings_for(self.store, self._stored_rows())
                        if not w.acknowledged and w.rule == open_[0].rule and w.person_name == open_[0].person_name), None)
        if warning is None:
            return

        rule = RULES[warning.rule]

        def save(values: dict) -> object:
            done = acknowledge(self.store, warning, values["mitigation"], check=values.get("check"))
            why = mitigation_problem(values["mitigation"], values.get("check"))
            if why:  # kept as written, but said now rather than at the audit
                self.notify(_("Acknowledged, but the audit check will question it: {why}.").format(why=why),
                            severity="warning", timeout=10)
            return done

        checks = listed(_(check.text) for check in CHECKS)
        self.app.push_screen(FormScreen(
            [Field("mitigation", _("Mitigation"), "text", "", required=True), check_field()], save,
            _("Acknowledge: {warning}").format(warning=_(rule.name)),
            info=(_("{person}: {warning}").format(person=warning.person_name, warning=_(rule.why))
                  if warning.person_name else _(rule.why)) + " " + _(
                "Write how the risk is covered, naming a check the app can count from the records: {checks}.").format(
                checks=checks)),
            lambda result: self._update_warnings() if result else None)

    def _stored_rows(self) -> list[tuple[str | None, str, str, str]]:
        return stored_role_rows(self.store)

    def action_draft_report(self) -> None:
        """The records reach a year back (an import): the improvement report itself, rather than a plan."""
        if self.step.key == "improvement" and yearly.has_a_year(self.store):
            draft_improvement(self, self._step_list)

    def action_leave(self) -> None:
        go_back(self)


