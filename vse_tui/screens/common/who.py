"""Who is at the keyboard, asked once when the login is mapped to nobody: in a new shop, the first
person (the owner, usually Service Manager and management); in a shop with people, a choice among
them, remembered for this login if wanted. Every write is then attributed to that person."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Static, Switch

from vse_tui.core.governance.people import FIRST_ROLES, login_of, set_login
from vse_tui.core.kernel.errors import VseError
from vse_tui.i18n import N_, _
from vse_tui.screens.common.base import OnceModal, after_typing
from vse_tui.screens.common.forms import ConfirmScreen, next_line
from vse_tui.widgets.choice import Tick
from vse_tui.widgets.picker import Picker


class WhoScreen(OnceModal):
    BINDINGS = [Binding("ctrl+s", "save", N_("Save"), id="who_save", priority=True),
                Binding("escape", "later", N_("Later"), id="who_later"),
                Binding("enter", "next_line", N_("Next line (save from the last)"), id="who_next", priority=True,
                        show=False)]
    DEFAULT_CSS = """
    WhoScreen { align: center middle; }
    WhoScreen > Vertical { width: 76; height: auto; border: round $accent; background: $surface; padding: 1 2; }
    WhoScreen .row { height: auto; }
    WhoScreen .row > Label { width: 16; padding: 1 1 0 0; }
    WhoScreen .row > Input, WhoScreen .row > Picker { width: 1fr; }
    WhoScreen #who-error { color: $error; height: auto; }
    WhoScreen #who-roles { height: auto; padding-left: 2; }
    WhoScreen #who-roles Checkbox { border: none; padding: 0; height: 1; }
    """

    def compose(self) -> ComposeResult:
        store = self.app.store
        login = store.actor.os_user
        self.people = store.titles("people", {"affiliation": "internal", "state": "active"})
        with Vertical() as box:
            box.border_title = _("Who is at the keyboard?")
            if self.people:
                yield Static(Text(_("Your login {login} is not yet mapped to a person of the shop. Choose who you "
                                    "are: your changes are attributed to you.").format(login=repr(login))))
                with Horizontal(classes="row"):
                    yield Label(_("I am"))
                    yield Picker(list(self.people.items()), id="who-person", prompt=_("(choose your name)"),
                                 title=_("I am"))
                with Horizontal(classes="row"):
                    yield Label(Text(_("Remember for {login}").format(login=login)))
                    yield Switch(True, id="who-remember")
            else:
                yield Static(Text(_("A new shop: you are its first person. Everything you record is attributed to "
                                    "you, and your login will say so from now on. You can add the others in the "
                                    "setup's Roles step.")))
                with Horizontal(classes="row"):
                    yield Label(_("Your name *"))
                    yield Input(id="who-name", placeholder=_("e.g. Kim Lee"))
                with Horizontal(classes="row"):
                    yield Label(_("E-mail"))
                    yield Input(id="who-email")
                yield Static(Text(_("Your roles (the owner of a small shop usually runs the service, manages the "
                                    "shop and handles incidents; untick what you leave to others, more can be "
                                    "given in the Roles step):")))
                # here, not at the top: importing it loads pydantic
                from vse_tui.core.model.standard import load_standard

                with Vertical(id="who-roles"):
                    for role in load_standard().roles:
                        if role.external:
                            continue
                        given = OFFERED.get(role.code)
                        label = f"{_(role.name)} ({role.code})"
                        if given == "PT:incident":
                            label = _("{role} ({code}) in incidents").format(role=_(role.name), code=role.code)
                        yield Tick(label, given is not None, id=f"who-role-{role.code}")
            yield Static("", id="who-error")
            yield Static("", id="who-keys")

    def on_mount(self) -> None:
        self.query_one("#who-keys", Static).update(Text(
            _("{save} save   {later} later (your changes stay attributed to your login)").format(
                save=self.key_for("save"), later=self.key_for("later")),
            style="dim"))
        first = self.query("Input, Picker")
        if first:
            first.first().focus()

    def action_save(self) -> None:
        after_typing(self, self.save_now)  # the keys typed before ctrl+s first

    def action_next_line(self) -> None:
        """Enter after the name goes to the e-mail; after the e-mail, saves (the roles as ticked)."""
        next_line(self, "who-email", prefix="who-")

    def save_now(self) -> None:
        store = self.app.store
        try:
            if self.people:
                chosen = self.query_one("#who-person", Picker).value
                if chosen is None:
                    raise VseError(_("Choose who you are"))
                uuid, name, login = str(chosen), self.people[str(chosen)], store.actor.os_user
                # the person chosen writes from now on, the mapping of the login too (not "mapped to nobody")
                store.actor = store.actor.as_person(uuid, name)
                if self.query_one("#who-remember", Switch).value and login:
                    had = login_of(store, uuid)
                    if had and had != login:  # a person has one login: never take theirs silently
                        self._ask_to_replace(uuid, name, login, had)
                        return
                    set_login(store, uuid, login)
            else:
                # here, not at the top: importing it loads pydantic
                from vse_tui.core.governance.roles import add_person

                person, _created = add_person(store, self.query_one("#who-name", Input).value,
                                       email=self.query_one("#who-email", Input).value,
                                       roles=",".join(_as_offered(box.id.rsplit("-", 1)[1])
                                                      for box in self.query("#who-roles Checkbox")
                                                      if isinstance(box, Checkbox) and box.value and box.id),
                                       os_user=store.actor.os_user)
                store.actor = store.actor.as_person(person.uuid, person.name)
        except VseError as exc:
            self.query_one("#who-error", Static).update(Text(str(exc)))
            return
        self.dismiss(store.actor.person)

    def _ask_to_replace(self, person: str, name: str, login: str, had: str) -> None:
        """Map the login to a person who has another one only when told to (one login a person)."""

        def answered(yes: bool | None) -> None:
            store = self.app.store
            if yes:
                try:
                    set_login(store, person, login)
                except VseError as exc:
                    self.query_one("#who-error", Static).update(Text(str(exc)))
                    return
            self.dismiss(store.actor.person)

        self.app.push_screen(ConfirmScreen(_(
            "{name} already uses the login {had}, and a person has one login. Make {login} {name}'s login instead? "
            "Then {had} is nobody's until it is given again (People screen). Answer no to work as {name} now "
            "without remembering {login}.").format(name=name, had=repr(had), login=repr(login))), answered)

    def action_later(self) -> None:
        self.dismiss(None)


# each role the first start offers ticked, by its code, as it is given: PT is the practitioner in
# incidents (other areas are given in the setup's Roles step)
OFFERED = {given.split(":")[0]: given for given in FIRST_ROLES}


def _as_offered(code: str) -> str:
    """A ticked role as the first start gives it."""
    return OFFERED.get(code, code)
