"""Modal forms. Each one is described by its fields, validates through the core functions, shows
errors next to the form in plain words, saves with ctrl+s and cancels with Esc (asking first if
something was typed). Nothing is saved until the core function accepts the whole input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Select, Static, Switch, TextArea

from vse_tui.core.governance.assign import assign
from vse_tui.core.governance.people import name_of
from vse_tui.core.kernel.errors import VseError, said_by
from vse_tui.core.present.display import shown_title, title_words
from vse_tui.core.present.labels import code_word
from vse_tui.i18n import N_, _, pgettext
from vse_tui.i18n.formats import parse_yes_no
from vse_tui.screens.common.base import OnceModal, after_typing
from vse_tui.widgets.choice import Choice, Mark
from vse_tui.widgets.keys import KeyHint
from vse_tui.widgets.picker import Picker


@dataclass
class Field:
    name: str
    label: str
    kind: str = "input"  # input | text | select | radio | switch | int
    value: Any = None
    options: list[tuple[str, Any]] = field(default_factory=list)
    required: bool = False
    placeholder: str = ""
    search: Callable[[str], list[tuple[Any, str]]] | None = None  # a long list, read as the filter changes
    labels: dict[Any, str] = field(default_factory=dict)  # what the chosen values are called
    as_text: bool = False  # a picker whose value is read as ids joined by commas (core.present.fields parses it)
    create: Callable[[Any, str, Callable[[Any, str], None]], None] | None = None  # a picker's "new ..." line
    create_label: str = ""
    note: str = ""  # a line under the field: a rule it must meet, said before saving


def check_field() -> Field:
    """The countable check a mitigation names, chosen from a list: what the audit check counts,
    whatever language the mitigation is written in (blank: none of these)."""
    # here, not at the top: the checks load the evidence rules
    from vse_tui.core.evidence.duties import CHECKS

    return Field("check", _("Check the app counts"), "select", None, [(_(c.text), c.key) for c in CHECKS])


def person_options(store, affiliation: str | None = "internal", organisation: str | None = None) -> list[tuple[str, str]]:
    """People to choose from (a picker: type to jump): the shop's, or contacts (of one organisation)."""
    where: dict[str, Any] = {"state": "active"}
    if affiliation:
        where["affiliation"] = affiliation
    if organisation:
        where["organisation"] = organisation
    orgs = {**store.titles("customers"), **store.titles("suppliers")} if affiliation != "internal" else {}
    out = []
    for uuid, _pid, name, org in store.rows("people", ["uuid", "id", "title", "organisation"], where, order="title"):
        label = f"{name} ({orgs[org]})" if org in orgs else name
        out.append((label, uuid))
    return out


def person_field(store, name: str, label: str, value: str | None = None, required: bool = False,
                 affiliation: str | None = "internal") -> Field:
    """A "who" field: a person picked from People, never typed (default: `value`)."""
    options = person_options(store, affiliation)
    if value not in {v for _, v in options}:
        value = None
    return Field(name, label, "pick", value, options, required=required, placeholder=_("(nobody)"))


# how an approval was given: (what the form shows, the code stored)
APPROVAL_HOW = [(N_("typed here, not signed"), "signature"), (N_("e-mail"), "email"), (N_("paper"), "paper"),
                (N_("meeting"), "meeting"), (N_("verbal"), "verbal"), (N_("other"), "other")]


def how_field(how: str) -> Field:
    """How an approval was given, and the rule for one recorded on someone else's behalf said under
    it (core.governance.approvals.on_behalf), before saving rather than after."""
    return Field("how", _("How"), "radio", how, [(_(label), code) for label, code in APPROVAL_HOW],
                 note=_("Someone else's approval counts given by e-mail or on paper, with its file under Shown by."))


def approval_fields(screen, who: str | None = None, how: str = "signature", mitigation: bool = True) -> list[Field]:
    """Who approves (a person, default the one at the keyboard), how, who noted a verbal approval,
    and the mitigation asked for when the approver holds none of the task's roles."""
    store = screen.app.store
    out = [person_field(store, "who", _("Approved by"), who or store.actor.person, required=True),
           how_field(how), person_field(store, "noted_by", _("Noted by"))]
    if mitigation:
        out.append(Field("mitigation", _("Mitigation"), "text", "",
                         placeholder=_("only when the approver holds none of the task's roles: how the risk is "
                                       "covered")))
    return out


def approval_args(values: dict[str, Any]) -> dict[str, Any]:
    return {"who": values.get("who"), "how": values.get("how") or "signature", "noted_by": values.get("noted_by"),
            "mitigation": values.get("mitigation") or None}


def build_widget(f: Field):
    """The input widget for a field, with id f-<name>."""
    wid = f"f-{f.name}"
    if f.kind == "text":
        area = TextArea(str(f.value or ""), id=wid, soft_wrap=True, show_line_numbers=False, placeholder=f.placeholder)
        area.move_cursor(area.document.end)  # what is typed adds to a prefilled text, never lands before it
        return area
    if f.kind == "select":
        options = [(Text(label) if isinstance(label, str) else label, value) for label, value in f.options]
        return Select(options, value=f.value if f.value is not None else Select.NULL, id=wid, allow_blank=True,
                      type_to_search=True, prompt=f.placeholder or _("(none)"))
    if f.kind in ("pick", "picks"):
        multiple = f.kind == "picks"
        value = f.value
        if f.as_text:
            parts = [p.strip() for p in str(value or "").split(",") if p.strip()]
            value = parts if multiple else (parts[0] if parts else None)
        return Picker([(v, str(label)) for label, v in f.options] if f.options else None, search=f.search,
                      value=value, multiple=multiple, prompt=f.placeholder or _("(none)"), title=f.label,
                      labels=f.labels, id=wid, create=f.create, create_label=f.create_label or None)
    if f.kind == "radio":
        # choices too long for one line are listed one under the other (never cut at the edge)
        stacked = sum(len(str(label)) + 6 for label, _ in f.options) > 60
        return Choice(*[Mark(label, value=(val == f.value), name=str(val)) for label, val in f.options], id=wid,
                      classes="-stacked" if stacked else None)
    if f.kind == "switch":
        return Switch(bool(f.value), id=wid)
    # what a field holds is never selected on arriving in it: a key typed then (`?` for help) would
    # replace a name or a date the person meant to keep
    return Input(str(f.value if f.value is not None else ""), id=wid, placeholder=f.placeholder,
                 type="integer" if f.kind == "int" else "text", select_on_focus=False)


def next_line(screen, last: str | None, prefix: str = "f-") -> None:
    """Enter in a one-line field of a form (its fields' ids start with `prefix`; bound on its screen,
    so it is handled as the key arrives and the keys typed after it go to the next line): the next
    field, or from the field `last`, save. Elsewhere (a picker, a choice, a text, a button) Enter
    does what it does there."""
    focused = screen.focused
    if not isinstance(focused, Input) or not (focused.id or "").startswith(prefix):
        raise SkipAction()
    if focused.id == last:
        screen.action_save()
    else:
        screen.focus_next()  # at once (a widget's focus() waits its turn behind the keys)


def last_line(fields: list[Field]) -> str | None:
    """The id of a form's last field (Enter there saves)."""
    return f"f-{fields[-1].name}" if fields else None


def read_value(widget, f: Field) -> Any:
    if isinstance(widget, Picker):
        value = widget.value
        if f.as_text:
            return ", ".join(value) if isinstance(value, list) else (value or "")
        return value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    if isinstance(widget, RadioSet):
        btn = widget.pressed_button
        return next((val for label, val in f.options if str(val) == (btn.name if btn else None)), None)
    if isinstance(widget, Switch):
        return widget.value
    return widget.value


def yes_key() -> str:
    """The key that answers yes in the language spoken (y in English, s in Spanish and Portuguese,
    o in French); y answers yes in every language as well."""
    key = pgettext("the key that answers yes", "y").strip().lower()
    return key if len(key) == 1 and key.isalpha() and key != "n" else "y"


class NoteBox(VerticalScroll):
    """A form's notes: scrolled (and reached with Tab) only when the screen is too short for them."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0


class ConfirmScreen(OnceModal):
    BINDINGS = [Binding("y", "answer(True)", N_("Yes"), id="confirm_yes"),
                Binding("escape", "answer(False)", N_("No"), id="confirm_no")]  # never n: it is "new incident" too
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; height: auto; border: round $warning; padding: 1 2; background: $surface; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes_key()
        if self.yes != "y":  # the language's own key answers yes too
            self._bindings.bind(self.yes, "answer(True)", _("Yes"), show=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yes = "answer(True)" if self.yes == "y" else f"key:{self.yes}"  # the language's key shown
            yield KeyHint([(yes, _("yes")), ("answer(False)", _("no"))])

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def on_key(self, event) -> None:
        """The language's own yes: s (sí, sim), o (oui); y is a binding in every language."""

        if event.character and event.character != "y" and parse_yes_no(event.character) is True:
            event.stop()
            self.dismiss(True)


class FormScreen(OnceModal):
    """A form over the current screen. `submit(values)` returns the result or raises VseError."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form_save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form_cancel"),
        Binding("enter", "next_line", N_("Next line (save from the last)"), id="form_next", priority=True, show=False),
    ]
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%; border: round $accent;
                            background: $surface; padding: 0 1; }
    FormScreen .form-title { text-style: bold; padding: 0 0 1 0; }
    FormScreen #form-fields { height: auto; }
    FormScreen .row { height: auto; }
    FormScreen .row > Label { width: 16; padding: 1 1 0 0; }
    FormScreen .row > Input, FormScreen .row > Select, FormScreen .row > Picker { width: 1fr; }
    FormScreen .row > TextArea { width: 1fr; height: 5; }
    FormScreen .row > RadioSet { width: 1fr; height: auto; layout: horizontal; border: none; padding: 0; }
    FormScreen .field-note { color: $text-muted; height: auto; }
    FormScreen .field-error { color: $error; height: auto; display: none; }
    FormScreen .field-error.-shown { display: block; }
    FormScreen #form-error { color: $error; height: auto; }
    FormScreen #form-info { color: $text-muted; height: auto; }
    FormScreen #form-info-box { height: auto; }
    FormScreen #form-preview { color: $text-muted; height: auto; }
    FormScreen .buttons { height: 3; align-horizontal: right; }
    """

    form_title = N_("Form")
    info: str = ""
    FIELD_ROWS = 12  # rows the fields keep before long notes are made to scroll
    NOTE_ROWS = 3  # rows long notes keep at least

    def __init__(self, fields: list[Field], submit: Callable[[dict[str, Any]], Any], title: str | None = None,
                 info: str = "", preview: Callable[[dict[str, Any]], str] | None = None) -> None:
        super().__init__()
        self.preview = preview  # what the values typed mean, said again as they change (before saving)
        self.fields = fields
        self.submit = submit
        self.form_title = title or _(self.form_title)
        self.info = info or self.info
        self._initial: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        # the labels' column is as wide as the longest label needs (up to 24), so none is cut
        width = min(24, max([len(f.label) + 2 for f in self.fields] + [12]) + 2)
        with Vertical():
            yield Static(self.form_title, classes="form-title")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    with Horizontal(classes="row"):
                        label = Label(f.label + (" *" if f.required else ""))
                        label.styles.width = width
                        yield label
                        yield self._widget(f)
                    if f.note:
                        note = Static(Text(f.note), id=f"n-{f.name}", classes="field-note")
                        note.styles.padding = (0, 0, 0, width)
                        yield note
                    error = Static("", id=f"e-{f.name}", classes="field-error")
                    error.styles.padding = (0, 0, 0, width)
                    yield error
            with NoteBox(id="form-info-box"):
                yield Static(Text(self.info), id="form-info")
            preview = Static("", id="form-preview")
            preview.display = self.preview is not None  # a form with nothing to preview keeps its layout
            yield preview
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def _widget(self, f: Field):
        return build_widget(f)

    def on_mount(self) -> None:
        self.query_one("#save", Button).label = _("Save {key}").format(key=self.key_for("save"))
        self.query_one("#cancel", Button).label = _("Cancel {key}").format(key=self.key_for("cancel"))
        self._initial = self.values()
        self._show_preview()
        self.call_after_refresh(self._fit)
        first = self.query(f"#f-{self.fields[0].name}") if self.fields else None
        if first:
            first.first().focus()

    def values(self) -> dict[str, Any]:
        return {f.name: read_value(self.query_one(f"#f-{f.name}"), f) for f in self.fields}

    def _show_preview(self) -> None:
        if self.preview is None:
            return
        preview = self.query_one("#form-preview", Static)
        preview.update(Text(self.preview(self.values())))
        self.call_after_refresh(self._fit)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_preview()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._show_preview()

    def _fit(self) -> None:
        """The fields scroll in the room the screen leaves once the title, the notes and the buttons
        are drawn, so Save and the error line are always in view (a long form at 80x24). On a short
        screen long notes (warnings) keep to what leaves the fields a dozen rows and scroll, reached
        with Tab: a list to choose from opened in a field is never cut to a few lines."""
        scroll = self.query_one("#form-fields", VerticalScroll)
        box = scroll.parent
        if not isinstance(box, Vertical):
            return
        notes = self.query_one("#form-info-box", NoteBox)
        notes_height = self.query_one("#form-info", Static).outer_size.height
        others = sum(child.outer_size.height for child in box.children
                     if child is not scroll and child is not notes and child.display)
        room = max(3, self.size.height - others - 2)  # 2: the frame's border
        wanted = min(scroll.virtual_size.height, self.FIELD_ROWS)
        cap = max(self.NOTE_ROWS, room - wanted)
        notes_cap = None if notes_height <= cap else cap
        current = notes.styles.max_height.value if notes.styles.max_height is not None else None
        if current != notes_cap:
            notes.styles.max_height = notes_cap
        room = max(3, room - min(notes_height, notes_cap if notes_cap is not None else notes_height))
        if scroll.styles.max_height is None or scroll.styles.max_height.value != room:
            scroll.styles.max_height = room

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def dirty(self) -> bool:
        return self.values() != self._initial

    def field_named(self, message: str) -> Field | None:
        """The field an error names ("Customer: required", "customer: ...", "service: customer: ...")."""
        head = message.lower()
        best: tuple[int, Field] | None = None
        for f in self.fields:
            for name in {f.label.rstrip("…").lower(), f.name.lower(), f.name.replace("_", " ").lower()}:
                at = head.find(name + ":") if name else -1
                if at >= 0 and (at == 0 or not head[at - 1].isalnum()) and (best is None or at < best[0]):
                    best = (at, f)
        return best[1] if best else None

    def show_error(self, message: str, field: Field | None = None) -> None:
        """The error under the field it names (which takes the focus, scrolled into view), and in
        the line above the buttons, which is always on screen."""
        for shown in self.query(".field-error.-shown"):
            shown.remove_class("-shown")
        field = field or self.field_named(message)
        self.query_one("#form-error", Static).update(Text(message))
        self.call_after_refresh(self._fit)
        if field is None:
            return
        error = self.query_one(f"#e-{field.name}", Static)
        error.update(Text(message))
        error.add_class("-shown")
        widget = self.query_one(f"#f-{field.name}")
        widget.focus()
        self.call_after_refresh(widget.scroll_visible, animate=False)

    def action_save(self) -> None:
        after_typing(self, self.save_now)  # the keys typed before ctrl+s first

    def save_now(self) -> None:
        values = self.values()
        missing = [f for f in self.fields if f.required and not str(values.get(f.name) or "").strip()]
        if missing:
            if missing[1:]:
                message = _("{field}: required (and {others})")
            else:
                message = _("{field}: required")
            self.show_error(message.format(field=missing[0].label, others=", ".join(f.label for f in missing[1:])),
                            missing[0])
            return
        try:
            result = self.submit(values)
        except VseError as exc:
            # in the form's words, under the field at fault whatever language the message is in
            named = next((f for f in self.fields if f.name == getattr(exc, "field", None)), None)
            self.show_error(said_by(exc, "form"), named)
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.dirty():
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("Discard what you typed?")), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_next_line(self) -> None:
        next_line(self, last_line(self.fields))


class PartyFilter(OnceModal):
    """Choose a customer and/or a service to filter a list by."""

    BINDINGS = [Binding("ctrl+s", "apply", N_("Apply"), id="party_apply", priority=True),
                Binding("escape", "cancel", N_("Cancel"), id="party_cancel")]
    DEFAULT_CSS = """
    PartyFilter { align: center middle; }
    PartyFilter > Vertical { width: 64; height: auto; border: round $accent; background: $surface; padding: 1 2; }
    """

    def __init__(self, customer: str | None, service: str | None) -> None:
        super().__init__()
        self.customer, self.service = customer, service

    def compose(self) -> ComposeResult:
        store = self.app.store
        customers = [(t, u) for u, t in store.titles("customers").items()]
        services = [(t, u) for u, t in store.titles("services").items()]
        with Vertical():
            yield Label(_("Customer"))
            yield Select(customers, value=self.customer or Select.NULL, id="customer", prompt=_("any customer"))
            yield Label(_("Service"))
            yield Select(services, value=self.service or Select.NULL, id="service", prompt=_("any service"))
            yield KeyHint([("apply", _("apply")), ("cancel", _("cancel"))])

    def action_apply(self) -> None:
        c = self.query_one("#customer", Select).value
        s = self.query_one("#service", Select).value
        self.dismiss((None if c is Select.NULL else c, None if s is Select.NULL else s))

    def action_cancel(self) -> None:
        self.dismiss(None)


SMALL_TABLES = ("customers", "suppliers", "services", "people")


def spec_fields(store, kind: str, record=None, only: list[str] | None = None,
                values: dict[str, Any] | None = None) -> list[Field]:
    """Form fields for a record of `kind` from the core's field specs: links to small tables are
    choices, other links are typed as ids, targets and service hours as one line each."""
    # here, not at the top: importing it loads pydantic
    from vse_tui.core.present.fields import field_specs, show

    shown = show(store, kind, record)
    shown.update(values or {})
    out = []
    for spec in field_specs(kind):
        if only is not None and spec.name not in only:
            continue
        label = spec.label  # already in the language spoken (core.present.fields)
        value = shown.get(spec.name)
        if spec.how == "text":
            out.append(Field(spec.name, label, "text", value, required=spec.required))
        elif spec.how == "choice":
            # each choice in words, its code stored (a database moves between languages unchanged)
            out.append(Field(spec.name, label, "select", value, [(code_word(spec.name, c), c) for c in spec.choices],
                             required=spec.required))
        elif spec.how == "flag":
            out.append(Field(spec.name, label, "switch", bool(value)))
        elif spec.how == "int":
            out.append(Field(spec.name, label, "int", value))
        elif spec.how in ("ref", "refs") and spec.ref_kind:
            out.append(ref_field(store, spec.name, label, spec.ref_kind, value, spec.how == "refs", spec.required))
        elif spec.how in ("ref", "refs"):  # a link to a record of more than one kind: picked all the same
            out.append(any_ref_field(store, spec.name, label, value, spec.how == "refs", spec.required,
                                     kinds=PARTY_KINDS if spec.name in PARTY_LINKS else None))
        else:
            out.append(Field(spec.name, label, "input", value, required=spec.required,
                             placeholder=spec.hint))
    return sorted(out, key=lambda f: not f.required)  # what must be filled first (the order kept otherwise)


def ref_field(store, name: str, label: str, kind: str, value: str | None, multiple: bool = False,
              required: bool = False) -> Field:
    """A link to other records, picked from a list that narrows as you type: the few customers,
    suppliers, services and people listed whole, longer tables (items, incidents, changes) read from
    the database as the filter changes. The value is the records' ids ("CI-0003, CI-0007")."""
    chosen = [p.strip() for p in str(value or "").split(",") if p.strip()]
    labels = {rid: f"{rid} {t}" for _, rid, t in store.choices(kind, {"id": chosen})} if chosen else {}
    if kind in SMALL_TABLES:
        options = [(f"{rid} {t}", rid) for _, rid, t in store.choices(kind)]
        return Field(name, label, "picks" if multiple else "pick", value, options, required=required,
                     placeholder=_("(none)"), labels=labels, as_text=True)

    def search(text: str) -> list[tuple[Any, str]]:
        return [(rid, f"{rid} {t}") for _, rid, t in store.pick(kind, text)]

    out = Field(name, label, "picks" if multiple else "pick", value, required=required, placeholder=_("(none)"),
                search=search, labels=labels, as_text=True)
    if kind in CREATED_IN_PICKER:  # an item met for the first time is made here, without leaving the form
        out.create = record_maker(store, kind)
        out.create_label = _(CREATED_IN_PICKER[kind])
    return out


# the kinds a picker can make a new record of, and what its "new" line says
CREATED_IN_PICKER = {"configuration_items": N_("new item…")}


def new_record_fields(store, kind: str, values: dict[str, Any] | None = None) -> list[Field]:
    """The fields of the form for a new record of `kind` (the same wherever it is made): the
    starting text offered, `values` given; an item's form asks for what its evidence needs."""
    from vse_tui.core.governance.starting_text import starting_values
    from vse_tui.core.model.records import BY_KIND
    from vse_tui.screens.common.guide import ask_for

    fields = spec_fields(store, kind, values={**starting_values(kind), **(values or {})})
    fields = [f for f in fields if f.name != "state"]
    if kind == "configuration_items":  # a short record: what the evidence needs of it is what the form asks
        fields = ask_for(fields, BY_KIND[kind].WP)  # (a longer one's screen asks for what it still lacks)
    return fields


def record_maker(store, kind: str) -> Callable[[Any, str, Callable[[Any, str], None]], None]:
    """What a picker's "new" line does: the new-record form of `kind` (the text typed as its name),
    saved through the same core function as the kind's own screen, then handed back by its id."""
    from vse_tui.core.governance.documents import create
    from vse_tui.core.model.records import BY_KIND

    model = BY_KIND[kind]

    def make(app, text: str, done: Callable[[Any, str], None]) -> None:
        title = getattr(model, "TITLE_FIELD", "title")
        fields = new_record_fields(store, kind, {title: text} if text else None)

        def made(record) -> None:
            if record is not None:
                app.notify(_("Saved {ref}").format(ref=record.id), title=_(model.LABEL))
                done(record.id, f"{record.id} {shown_title(store, record)}")

        app.push_screen(FormScreen(fields, lambda v: create(store, kind, v),
                                   _("New {kind}").format(kind=_(model.LABEL).lower()),
                                   preview=preview_for(store, kind)), made)

    return make


def preview_for(store, kind: str) -> Callable[[dict[str, Any]], str] | None:
    """The live preview of a record's form, where its values mean something only a date says: the
    targets of a service or an agreement, as due times of an incident opened now."""
    if kind not in ("services", "customer_agreements"):
        return None
    from vse_tui.core.incidents.targets import due_preview

    return lambda values: due_preview(store, kind, values)


PARTY_KINDS = ("customers", "suppliers")
PARTY_LINKS = {"organisation", "company"}  # a customer or a supplier


def any_ref_field(store, name: str, label: str, value: str | None, multiple: bool = False, required: bool = False,
                  kinds: tuple[str, ...] | None = None) -> Field:
    """A link to records of several kinds (a person's organisation: a customer or a supplier; a
    service's dependencies: any record), picked from a list that narrows as you type over those
    kinds. The value is the records' ids, as the core reads them."""
    chosen = [p.strip() for p in str(value or "").split(",") if p.strip()]
    labels: dict[str, str] = {}
    for ref in chosen:
        try:
            rec = store.find(ref)
        except VseError:
            continue
        labels[ref] = f"{rec.id} {shown_title(store, rec)}"
    if kinds is not None:
        options = [(f"{rid} {t}", rid) for kind in kinds for _u, rid, t in store.choices(kind)]
        return Field(name, label, "picks" if multiple else "pick", value, options, required=required,
                     placeholder=_("(none)"), labels=labels, as_text=True)

    def search(text: str) -> list[tuple[Any, str]]:
        return [(rid, f"{rid} {title_words(kind, title)}") for kind, _u, rid, title in store.search(text, limit=50) if rid]

    return Field(name, label, "picks" if multiple else "pick", value, required=required, placeholder=_("(none)"),
                 search=search, labels=labels, as_text=True)


def assign_action(screen, kind: str, ref: str, done=None) -> None:
    """`A` on an incident, a change request or a feedback entry: choose who has it (or nobody)."""

    store = screen.app.store
    record = store.get(kind, ref)
    field = person_field(store, "who", _("Assign to"), getattr(record, "assignee", None))
    field.placeholder = _("nobody")

    def submit(values):
        return assign(store, kind, record.id, values.get("who") or None)

    def finished(result) -> None:
        if result is not None:
            if result.assignee:
                screen.notify(_("{ref}: assigned to {person}").format(ref=result.id,
                                                                      person=name_of(store, result.assignee)))
            else:
                screen.notify(_("{ref}: assigned to nobody").format(ref=result.id))
        if done:
            done(result)

    screen.app.push_screen(FormScreen([field], submit, _("Who has {ref}?").format(ref=record.id),
                                      info=_("Empty: nobody has it yet. The change is recorded with its history "
                                             "row.")),
                           finished)
