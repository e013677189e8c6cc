"""Quick capture of an incident (IN.2.1): type the summary, press ctrl+s. Everything else has a default."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, RadioSet, Static

from vse_tui.core.governance.people import callers
from vse_tui.core.incidents import policy, targets
from vse_tui.core.incidents import process as core
from vse_tui.core.incidents.hours import targets_words
from vse_tui.core.kernel.errors import VseError
from vse_tui.core.relationship.queries import current_customers, offered_services
from vse_tui.i18n import N_, _, pgettext
from vse_tui.screens.common.base import BaseScreen, OnceModal, after_typing
from vse_tui.screens.common.forms import ConfirmScreen
from vse_tui.widgets.choice import Choice, Mark
from vse_tui.widgets.keys import key_word
from vse_tui.widgets.picker import Picker, filter_options

LEVELS = ("high", "medium", "low")
LEVEL_NAMES = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}  # as the form says them


def level_label(field: str, level: str) -> str:
    """An impact or urgency level as the forms say it: the word agrees with its field in languages
    that give words a gender (Spanish impacto alto, urgencia alta)."""
    if field == "urgency":
        return {"high": pgettext("urgency", "high"), "medium": pgettext("urgency", "medium"),
                "low": pgettext("urgency", "low")}.get(level, level)
    return _(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level


NEW = "new:"  # the caller picker's value for a contact typed in for the first time


class QuickCapture(OnceModal):
    """Summary, caller, ctrl+s: who reported it, for whom, what. The caller narrows over the
    customers' contacts (or is typed in new, with a phone or e-mail); the customer comes from the
    caller. Nothing is chosen for the user: the last customer and service are offered first."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="capture_save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="capture_cancel"),
    ]
    DEFAULT_CSS = """
    QuickCapture { align: center middle; }
    QuickCapture > VerticalScroll { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                    border: round $accent; background: $surface; padding: 0 1; }
    QuickCapture .row { height: auto; }
    QuickCapture .row > Label { width: 10; padding: 1 1 0 0; }
    QuickCapture .row > Label.second { width: 9; padding: 1 1 0 1; }
    QuickCapture #summary, QuickCapture #details { width: 1fr; }
    QuickCapture Picker { width: 1fr; }
    QuickCapture #reach { width: 24; display: none; }
    QuickCapture.-new-caller #reach { display: block; }
    QuickCapture RadioSet { layout: horizontal; border: none; height: auto; width: auto; padding: 0; }
    QuickCapture #priority { padding: 1 0 0 2; width: 1fr; }
    QuickCapture #target, QuickCapture #keys, QuickCapture #needs { color: $text-muted; padding: 0 0 0 10; }
    QuickCapture #error { color: $error; height: auto; padding: 0 0 0 10; }
    """

    def compose(self) -> ComposeResult:
        store = self.app.store
        customers = list(current_customers(store).items())
        # a draft of the catalogue (the setup's Services box makes them) is offered too, and said to be one
        services = [(u, _("{service} (draft)").format(service=t) if st == "draft" else t)
                    for u, t, st in offered_services(store)]
        people = [(u, t) for u, t in store.titles("people", {"affiliation": "internal", "state": "active"}).items()]
        self.callers = {c.uuid: c for c in callers(store)}
        me = store.actor.person if getattr(self.app.config, "assign_new", "nobody") == "me" else None
        last_c, last_s = store.pref("last_customer"), store.pref("last_service")
        customers, last_c_name = _last_first(customers, last_c)
        services, last_s_name = _last_first(services, last_s)
        self.border_title = _("New incident")
        with VerticalScroll() as box:
            box.border_title = _("New incident")
            box.can_focus = False
            with Horizontal(classes="row"):
                yield Label(_("Summary *"))
                yield Input(id="summary", placeholder=_("What is wrong, in a few words"), max_length=300)
            with Horizontal(classes="row"):
                yield Label(_("Caller"))
                yield Picker(search=self._search_callers, id="caller", title=_("Caller"),
                             prompt=_("(type a name: a contact, or a new one)"), keep_typed=True)
                yield Input(id="reach", placeholder=_("phone or e-mail *"), max_length=200)
            with Horizontal(classes="row"):
                yield Label(_("Details"))
                yield Input(id="details", placeholder=_("What the caller said, what they see"), max_length=4000)
            with Horizontal(classes="row"):
                yield Label(_("Customer"))
                yield Picker(customers, id="customer", title=_("Customer"),
                             prompt=_("(none · last: {name})").format(name=last_c_name) if last_c_name else _("(none)"))
                yield Label(_("Service"), classes="second")
                yield Picker(services, id="service", title=_("Service"),
                             prompt=_("(none · last: {name})").format(name=last_s_name) if last_s_name else _("(none)"))
            with Horizontal(classes="row"):
                yield Label(_("Assign to"))
                yield Picker(people, value=me if me in {u for u, _name in people} else None, id="assignee",
                             prompt=_("(nobody yet)"), title=_("Assign to"))
            with Horizontal(classes="row choices"):
                yield Label(_("Impact"))
                yield Choice(*[Mark(level_label("impact", level), value=level == "medium", name=level)
                               for level in LEVELS], id="impact")
            with Horizontal(classes="row choices"):
                yield Label(_("Urgency"))
                yield Choice(*[Mark(level_label("urgency", level), value=level == "medium", name=level)
                               for level in LEVELS], id="urgency")
                yield Static("", id="priority")
            yield Static("", id="target")
            yield Static("", id="needs")
            yield Static("", id="error")
            yield Static("", id="keys")

    def _search_callers(self, text: str) -> list[tuple[str, str]]:
        """The contacts whose name, customer or phone/e-mail hold every word typed (the chosen
        customer's first), and the typed name as a new contact when it is nobody's name."""
        customer = self.query_one("#customer", Picker).value if self.is_mounted else None
        ordered = sorted(self.callers.values(), key=lambda c: (customer is not None and c.customer != customer,
                                                                c.name.lower()))
        found = filter_options([(c.uuid, c.label) for c in ordered], text)
        typed = text.strip()
        if typed and not any(c.name.lower() == typed.lower() for c in self.callers.values()):
            found.append((NEW + typed, _("+ new contact: {name}").format(name=typed)))
        return found

    def on_resize(self, event) -> None:
        # a short terminal (80x24): the two choice rows lose the blank line above them, so that
        # what the evidence still needs reads under the form instead of below the screen's edge
        self.set_class(event.size.height < BaseScreen.SHORT, "-short")

    def on_key(self, event) -> None:
        """A letter typed right after `n`, before the form had the focus, reaches the screen itself:
        it goes to the summary, the first field, in the order typed."""
        if event.is_printable and event.character and self.focused in (None, self):
            summary = self.query_one("#summary", Input)
            event.stop()
            event.prevent_default()
            summary.insert_text_at_cursor(event.character)

    def on_mount(self) -> None:
        self.matrix = core.priority_matrix(self.app.store)
        self.query_one("#keys", Static).update(Text(
            _("{save} Save   {cancel} Cancel   {tab} next field   type a name in a list to narrow it").format(
                tab=key_word("tab"), save=self.key_for("save"), cancel=self.key_for("cancel")), style="dim"))
        self._fit_labels()
        self.query_one("#summary", Input).focus()
        self._update_priority()
        self._update_needs()

    def _level(self, wid: str) -> str:
        btn = self.query_one(f"#{wid}", RadioSet).pressed_button
        return btn.name if btn and btn.name else "medium"

    def _update_priority(self) -> None:
        impact, urgency = self._level("impact"), self._level("urgency")
        prio = policy.priority_for(impact, urgency, self.matrix)
        self.query_one("#priority", Static).update(Text.assemble("→ " + _("Priority") + " ", (prio, "bold")))
        c = self.query_one("#customer", Picker).value
        s = self.query_one("#service", Picker).value
        tgt = targets.due_for(self.app.store, c, s, prio).target

        self.query_one("#target", Static).update(Text(_("Target  {targets}  ({source})").format(
            targets=targets_words(tgt.respond_minutes, tgt.resolve_minutes, tgt.hours),
            source=policy.source_words(tgt.source))))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._update_priority()

    def on_picker_changed(self, event: Picker.Changed) -> None:
        if event.picker.id == "caller":
            value = event.value or ""
            self.set_class(value.startswith(NEW), "-new-caller")
            contact = self.callers.get(value)
            if contact is not None and contact.customer:  # the customer comes from the caller
                self.query_one("#customer", Picker).value = contact.customer
            if value.startswith(NEW):
                self.call_after_refresh(self.query_one("#reach", Input).focus)
        self._update_priority()
        self._update_needs()

    def _update_needs(self) -> None:
        """What the evidence of IN.2.1 still lacks (who reported it, for whom), said before saving."""
        caller = self.query_one("#caller", Picker).value
        customer = self.query_one("#customer", Picker).value
        if not caller and not customer:
            needs = _("The evidence also needs a caller and a customer (who reported it, for whom)")
        elif not caller:
            needs = _("The evidence also needs a caller (who reported it, for whom)")
        elif not customer:
            needs = _("The evidence also needs a customer (who reported it, for whom)")
        else:
            needs = ""
        self.query_one("#needs", Static).update(Text(needs, style="italic") if needs else "")

    def action_save(self) -> None:
        after_typing(self, self.save_now)  # the keys typed before ctrl+s first

    def save_now(self) -> None:
        if self.query_one("#caller", Picker).take_typed():  # ctrl+s while a caller's name is typed
            return  # a new caller's phone or e-mail is asked first; a known one is shown before saving
        summary = self.query_one("#summary", Input).value
        c = self.query_one("#customer", Picker).value
        s = self.query_one("#service", Picker).value
        a = self.query_one("#assignee", Picker).value
        caller = self.query_one("#caller", Picker).value or ""
        new = caller[len(NEW):] if caller.startswith(NEW) else ""
        try:
            inc = core.log_incident(
                self.app.store, summary, customer=c, service=s, impact=self._level("impact"),
                urgency=self._level("urgency"), use_last=False, assignee=a,
                caller=None if new or not caller else caller, new_caller=new,
                new_caller_reach=self.query_one("#reach", Input).value if new else "",
                details=self.query_one("#details", Input).value.strip())
        except VseError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            reach = getattr(exc, "field", None) == "reach"
            self.query_one("#reach" if reach else "#summary", Input).focus()
            return
        self.dismiss(inc.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        if not any(self.query_one(f"#{w}", Input).value.strip() for w in ("summary", "details", "reach")):
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmScreen(_("Discard this incident? What you typed will be lost.")), self._discard)

    def _fit_labels(self) -> None:
        """The labels' column as wide as the longest label needs (a language's words may be longer
        than English ones), and the lines under the fields indented to match."""
        for second in self.query(".row > Label.second"):  # beside a field: its own width
            second.styles.width = max(9, len(str(second.render())) + 2)
        labels = [label for label in self.query(".row > Label") if not label.has_class("second")]
        need = max([len(str(label.render())) + 1 for label in labels] + [10])
        if need == 10:
            return
        for label in labels:
            label.styles.width = need
        for wid in ("#target", "#keys", "#needs", "#error"):
            self.query_one(wid).styles.padding = (0, 0, 0, need)

    def _discard(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(None)


def _last_first(options: list[tuple[str, str]], last: str | None) -> tuple[list[tuple[str, str]], str]:
    """The options with the one used last first (offered, not chosen), and its name."""
    chosen = next(((u, t) for u, t in options if u == last), None)
    if chosen is None:
        return options, ""
    return [chosen] + [o for o in options if o[0] != last], chosen[1]
