"""Modal forms. Each one is described by its fields, validates through the core functions, shows
errors next to the form in plain words, saves with ctrl+s and cancels with Esc (asking first if
something was typed). Nothing is saved until the core function accepts the whole input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static, Switch, TextArea

from ..core.errors import VseError
from .base import OnceModal


@dataclass
class Field:
    name: str
    label: str
    kind: str = "input"  # input | text | select | radio | switch | int
    value: Any = None
    options: list[tuple[str, Any]] = field(default_factory=list)
    required: bool = False
    placeholder: str = ""


def person_options(store, affiliation: str | None = "internal", organisation: str | None = None) -> list[tuple[Text, str]]:
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
        out.append((Text(label), uuid))
    return out


def person_field(store, name: str, label: str, value: str | None = None, required: bool = False,
                 affiliation: str | None = "internal") -> Field:
    """A "who" field: a person picked from People, never typed (default: `value`)."""
    options = person_options(store, affiliation)
    if value not in {v for _, v in options}:
        value = None
    return Field(name, label, "select", value, options, required=required)


APPROVAL_HOW = [("signature", "signature"), ("e-mail", "email"), ("meeting", "meeting"), ("verbal", "verbal"),
                ("other", "other")]


def approval_fields(screen, who: str | None = None, how: str = "signature", mitigation: bool = True) -> list[Field]:
    """Who approves (a person, default the one at the keyboard), how, who noted a verbal approval,
    and the mitigation asked for when the approver holds none of the task's roles."""
    store = screen.app.store
    out = [person_field(store, "who", "Approved by", who or store.actor.person, required=True),
           Field("how", "How", "radio", how, APPROVAL_HOW),
           person_field(store, "noted_by", "Noted by")]
    if mitigation:
        out.append(Field("mitigation", "Mitigation", "text", "",
                         placeholder="only when the approver holds none of the task's roles: how the risk is covered"))
    return out


def approval_args(values: dict[str, Any]) -> dict[str, Any]:
    return {"who": values.get("who"), "how": values.get("how") or "signature", "noted_by": values.get("noted_by"),
            "mitigation": values.get("mitigation") or None}


def build_widget(f: Field):
    """The input widget for a field, with id f-<name>."""
    wid = f"f-{f.name}"
    if f.kind == "text":
        return TextArea(str(f.value or ""), id=wid, soft_wrap=True, show_line_numbers=False)
    if f.kind == "select":
        options = [(Text(label) if isinstance(label, str) else label, value) for label, value in f.options]
        return Select(options, value=f.value if f.value is not None else Select.NULL, id=wid, allow_blank=True,
                      type_to_search=True)
    if f.kind == "radio":
        return RadioSet(*[RadioButton(label, value=(val == f.value), name=str(val)) for label, val in f.options], id=wid)
    if f.kind == "switch":
        return Switch(bool(f.value), id=wid)
    return Input(str(f.value if f.value is not None else ""), id=wid, placeholder=f.placeholder,
                 type="integer" if f.kind == "int" else "text")


def read_value(widget, f: Field) -> Any:
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


class ConfirmScreen(OnceModal):
    BINDINGS = [Binding("y", "answer(True)", "Yes", id="confirm_yes"),
                Binding("n,escape", "answer(False)", "No", id="confirm_no")]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; height: auto; border: round $warning; padding: 1 2; background: $surface; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yield Static(Text("y yes   n / Esc no", style="dim"))

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class FormScreen(OnceModal):
    """A form over the current screen. `submit(values)` returns the result or raises VseError."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
    ]
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > Vertical { width: 84; height: auto; max-height: 95%; border: round $accent; background: $surface; padding: 0 1; }
    FormScreen .form-title { text-style: bold; padding: 0 0 1 0; }
    FormScreen .row { height: auto; }
    FormScreen .row > Label { width: 14; padding: 1 1 0 0; }
    FormScreen .row > Input, FormScreen .row > Select { width: 1fr; }
    FormScreen .row > TextArea { width: 1fr; height: 5; }
    FormScreen .row > RadioSet { width: 1fr; height: auto; layout: horizontal; border: none; padding: 0; }
    FormScreen #form-error { color: $error; height: auto; }
    FormScreen #form-info { color: $text-muted; height: auto; }
    FormScreen .buttons { height: 3; align-horizontal: right; }
    """

    form_title = "Form"
    info: str = ""

    def __init__(self, fields: list[Field], submit: Callable[[dict[str, Any]], Any], title: str | None = None,
                 info: str = "") -> None:
        super().__init__()
        self.fields = fields
        self.submit = submit
        self.form_title = title or self.form_title
        self.info = info or self.info
        self._initial: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, classes="form-title")
            with VerticalScroll():
                for f in self.fields:
                    with Horizontal(classes="row"):
                        yield Label(f.label + (" *" if f.required else ""))
                        yield self._widget(f)
            yield Static(Text(self.info), id="form-info")
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save ^s", id="save", variant="primary")
                yield Button("Cancel Esc", id="cancel")

    def _widget(self, f: Field):
        return build_widget(f)

    def on_mount(self) -> None:
        self._initial = self.values()
        first = self.query(f"#f-{self.fields[0].name}") if self.fields else None
        if first:
            first.first().focus()

    def values(self) -> dict[str, Any]:
        return {f.name: read_value(self.query_one(f"#f-{f.name}"), f) for f in self.fields}

    def dirty(self) -> bool:
        return self.values() != self._initial

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))

    def action_save(self) -> None:
        values = self.values()
        missing = [f.label for f in self.fields if f.required and not str(values.get(f.name) or "").strip()]
        if missing:
            self.show_error(f"{', '.join(missing)}: required")
            return
        try:
            result = self.submit(values)
        except VseError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.dirty():
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard what you typed?"), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()


class PartyFilter(OnceModal):
    """Choose a customer and/or a service to filter a list by."""

    BINDINGS = [Binding("ctrl+s", "apply", "Apply", id="party_apply", priority=True),
                Binding("escape", "cancel", "Cancel", id="party_cancel")]
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
            yield Label("Customer")
            yield Select(customers, value=self.customer or Select.NULL, id="customer", prompt="any customer")
            yield Label("Service")
            yield Select(services, value=self.service or Select.NULL, id="service", prompt="any service")
            yield Static(Text("^s apply   Esc cancel", style="dim"))

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
    from ..core.fields import field_specs, show

    shown = show(store, kind, record)
    shown.update(values or {})
    out = []
    for spec in field_specs(kind):
        if only is not None and spec.name not in only:
            continue
        label = spec.label if len(spec.label) <= 13 else spec.label[:12] + "…"
        value = shown.get(spec.name)
        if spec.how == "text":
            out.append(Field(spec.name, label, "text", value, required=spec.required))
        elif spec.how == "choice":
            out.append(Field(spec.name, label, "select", value, [(c, c) for c in spec.choices], required=spec.required))
        elif spec.how == "flag":
            out.append(Field(spec.name, label, "switch", bool(value)))
        elif spec.how == "int":
            out.append(Field(spec.name, label, "int", value))
        elif spec.how == "ref" and spec.ref_kind in SMALL_TABLES:
            options = [(f"{t} ({rid})", rid) for _, rid, t in store.choices(spec.ref_kind)]
            out.append(Field(spec.name, label, "select", value or None, options, required=spec.required))
        else:
            out.append(Field(spec.name, label, "input", value, required=spec.required, placeholder=spec.hint))
    return out
