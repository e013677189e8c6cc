"""Quick capture of an incident (IN.2.1): type the summary, press ctrl+s. Everything else has a default."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from ..core.incidents import policy, targets
from ..core.incidents import process as core
from ..core.kernel import clock
from ..core.kernel.errors import VseError
from ..core.model.records import Incident
from ..widgets.choice import Choice
from ..widgets.picker import Picker
from .base import OnceModal, after_typing
from .forms import ConfirmScreen

LEVELS = ("high", "medium", "low")


class QuickCapture(OnceModal):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="capture_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="capture_cancel"),
    ]
    DEFAULT_CSS = """
    QuickCapture { align: center middle; }
    QuickCapture > Vertical { width: 80; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    QuickCapture .row { height: auto; }
    QuickCapture .row > Label { width: 10; padding: 1 1 0 0; }
    QuickCapture #summary { width: 1fr; }
    QuickCapture Picker { width: 1fr; }
    QuickCapture RadioSet { layout: horizontal; border: none; height: auto; width: auto; padding: 0; }
    QuickCapture #priority { padding: 1 0 0 2; width: 1fr; }
    QuickCapture #target, QuickCapture #keys { color: $text-muted; padding: 0 0 0 10; }
    QuickCapture #error { color: $error; height: auto; padding: 0 0 0 10; }
    """

    def compose(self) -> ComposeResult:
        store = self.app.store
        customers = [(u, t) for u, t in store.titles("customers", {"state__ne": "former"}).items()]
        services = [(u, t) for u, t in store.titles("services", {"status__ne": "draft"}).items()]
        people = [(u, t) for u, t in store.titles("people", {"affiliation": "internal", "state": "active"}).items()]
        me = store.actor.person if getattr(self.app.config, "assign_new", "nobody") == "me" else None
        last_c, last_s = store.pref("last_customer"), store.pref("last_service")
        if last_c not in {u for u, _ in customers}:
            last_c = None
        if last_s not in {u for u, _ in services}:
            last_s = None
        self.border_title = "New incident"
        with Vertical() as box:
            box.border_title = "New incident"
            with Horizontal(classes="row"):
                yield Label("Summary *")
                yield Input(id="summary", placeholder="What is wrong, in a few words", max_length=300)
            with Horizontal(classes="row"):
                yield Label("Customer")
                yield Picker(customers, value=last_c, id="customer", prompt="(none)", title="Customer")
            with Horizontal(classes="row"):
                yield Label("Service")
                yield Picker(services, value=last_s, id="service", prompt="(none)", title="Service")
            with Horizontal(classes="row"):
                yield Label("Assign to")
                yield Picker(people, value=me if me in {u for u, _ in people} else None, id="assignee",
                             prompt="(nobody yet)", title="Assign to")
            with Horizontal(classes="row"):
                yield Label("Impact")
                yield Choice(*[RadioButton(level, value=level == "medium", name=level) for level in LEVELS], id="impact")
            with Horizontal(classes="row"):
                yield Label("Urgency")
                yield Choice(*[RadioButton(level, value=level == "medium", name=level) for level in LEVELS], id="urgency")
                yield Static("", id="priority")
            yield Static("", id="target")
            yield Static("", id="error")
            yield Static("", id="keys")

    def on_mount(self) -> None:
        self.matrix = core.priority_matrix(self.app.store)
        self.query_one("#keys", Static).update(Text(
            f"{self.key_for('save')} Save   {self.key_for('cancel')} Cancel   tab next field   "
            "type a name in a list to narrow it", style="dim"))
        self.query_one("#summary", Input).focus()
        self._update_priority()

    def _level(self, wid: str) -> str:
        btn = self.query_one(f"#{wid}", RadioSet).pressed_button
        return btn.name if btn and btn.name else "medium"

    def _update_priority(self) -> None:
        impact, urgency = self._level("impact"), self._level("urgency")
        prio = policy.priority_for(impact, urgency, self.matrix)
        self.query_one("#priority", Static).update(Text.assemble("→ Priority ", (prio, "bold")))
        c = self.query_one("#customer", Picker).value
        s = self.query_one("#service", Picker).value
        probe = Incident(summary="probe", priority=prio, customer=c, service=s, opened_at=clock.now())
        tgt = targets.target_for(self.app.store, probe)
        self.query_one("#target", Static).update(
            f"Target  respond {clock.human_duration(clock.timedelta(minutes=tgt.respond_minutes))}"
            f" · resolve {clock.human_duration(clock.timedelta(minutes=tgt.resolve_minutes))}  ({tgt.source})")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._update_priority()

    def on_picker_changed(self, event: Picker.Changed) -> None:
        self._update_priority()

    def action_save(self) -> None:
        after_typing(self, self.save_now)  # the keys typed before ctrl+s first

    def save_now(self) -> None:
        summary = self.query_one("#summary", Input).value
        c = self.query_one("#customer", Picker).value
        s = self.query_one("#service", Picker).value
        a = self.query_one("#assignee", Picker).value
        try:
            inc = core.log_incident(
                self.app.store, summary, customer=c, service=s, impact=self._level("impact"),
                urgency=self._level("urgency"), use_last=False, assignee=a)
        except VseError as exc:
            self.query_one("#error", Static).update(Text(str(exc)))
            self.query_one("#summary", Input).focus()
            return
        self.dismiss(inc.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        if not self.query_one("#summary", Input).value.strip():
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmScreen("Discard this incident? What you typed will be lost."), self._discard)

    def _discard(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(None)
