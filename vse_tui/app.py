"""The Textual app: bindings, the five process screens as modes, palette commands. Screens do the work."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import partial

from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from vse_tui.i18n import N_, _

from .config import Config, load_config
from .core.evidence.tasks import governance_complete
from .core.kernel.errors import VseError
from .core.model.records import all_models
from .i18n import language_note
from .paths import config_path
from .screens.common.palette import Palette, RecordsProvider
from .session import open_as
from .store.db import Store
from .store.maintenance import daily_backup, startup_notices
from .widgets.keys import key_display
from .widgets.options import guard_page_keys
from .widgets.safety import show_controls_visibly
from .widgets.topbar import TopBar

# what each warning at the start is about, as its title says (store.maintenance.startup_notices)
STARTUP_TITLES = {"location": N_("Check where the database is"), "database": N_("Check your database's permissions"),
                  "config": N_("Check your config file's permissions"), "clock": N_("Check this computer's clock")}
WARM_UP_AFTER = 1.0  # seconds after the start: the models load in a thread, off the first screen's path


class VseApp(App[object]):  # App[object], as Textual types every widget's app; it returns nothing
    CSS_PATH = "app.tcss"
    TITLE = "vse-tui"

    MODES = {
        "dashboard": "vse_tui.screens.dashboard:DashboardScreen",
        "governance": "vse_tui.screens.common.process:GovernanceScreen",
        "control": "vse_tui.screens.common.process:ControlScreen",
        "relationship": "vse_tui.screens.common.process:RelationshipScreen",
        "incidents": "vse_tui.screens.incidents.list:IncidentsScreen",
    }

    BINDINGS = [
        Binding("d", "go('dashboard')", N_("Dashboard"), id="dashboard"),
        Binding("g", "go('governance')", N_("Governance"), id="governance"),
        Binding("c", "go('control')", N_("Control"), id="control"),
        Binding("r", "go('relationship')", N_("Relationship"), id="relationship"),
        Binding("i", "go('incidents')", N_("Incidents"), id="incidents"),
        # n is seen as it arrives (priority), so that the keys typed right after it reach the new
        # incident's form, not the screen under it; in a field that takes text it is a letter
        Binding("n", "new_incident", N_("New incident"), id="new_incident", priority=True),
        Binding("ctrl+n", "new_incident_anywhere", N_("New incident"), id="new_incident_anywhere", show=False,
                priority=True),
        Binding("question_mark", "keys", N_("Keys"), id="keys"),
        Binding("ctrl+p", "command_palette", N_("Palette"), id="palette"),
        Binding("q", "quit", N_("Quit"), id="quit"),
        # Tab moves the focus as soon as it arrives, before the keys after it are handed out: in a
        # burst of keys the text typed after a Tab goes to the next field, never the previous one
        Binding("tab", "focus_next", N_("Next field"), id="next_field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", N_("Previous field"), id="previous_field", show=False, priority=True),
    ]

    def get_key_display(self, binding: Binding) -> str:
        """A bound key as the key bar and every hint show it, in the language spoken (widgets.keys)."""
        textual = super().get_key_display(binding)
        return textual if binding.key_display else key_display(binding.key, textual)

    def __init__(self, store: Store, config: Config | None = None, open_wizard: bool = True, ask_who: bool = True,
                 **kwargs) -> None:
        show_controls_visibly()  # user text never reaches the terminal as a command
        super().__init__(**kwargs)
        self.open_wizard = open_wizard
        self.ask_who = ask_who
        self.store = store
        self.config = config or Config()
        self.operator = store.actor.operator
        self.shop_name = store.setting("shop_name", "") or _("(shop not named yet)")
        self.db_label = store.path.name
        self.theme = "textual-light" if self.config.theme == "light" else "textual-dark"

    def _load_mode(self, name: str) -> Screen[object]:
        spec = self.MODES[name]
        if isinstance(spec, str):
            module, _sep, cls = spec.partition(":")
            screen: Screen[object] = getattr(importlib.import_module(module), cls)()
        else:
            screen = spec()
        # A new screen gets the current stylesheet when it mounts. Textual 8.2 marks a mode's new
        # screen as out of date all the same and re-parses every CSS source, twice at start and
        # again on the first visit of each screen (~15 ms each); saying it is current avoids that.
        screen._css_update_count = self._css_update_count
        return screen

    def on_mount(self) -> None:
        guard_page_keys()
        for name in self.MODES:
            self.add_mode_screen(name)
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self.switch_mode("dashboard")
        self._watch_config()
        self.call_after_refresh(self._startup_checks)
        self.warm = False  # the record models are loaded (what counting the evidence needs)
        self.set_timer(WARM_UP_AFTER, self._warm_up)
        if not self.store.actor.person and self.ask_who:
            # here, not at the top: a screen the start does not open
            from .screens.common.who import WhoScreen

            # who is at the keyboard, asked once for a login mapped to nobody; then the setup
            self.push_screen(WhoScreen(), self._after_who)
        else:
            self._open_setup()

    CONFIG_CHECK_EVERY = 1.0  # seconds: a changed config file is read again while the app runs

    def _watch_config(self) -> None:
        self._config_path = config_path()
        self._config_seen = _file_stamp(self._config_path)
        self.set_interval(self.CONFIG_CHECK_EVERY, self._reload_config_if_changed)

    def _reload_config_if_changed(self) -> None:
        """The config file changed on disk: read it again and apply what can change while the app
        runs (theme, keys, mail, defaults). Who is at the keyboard stays who they are."""
        stamp = _file_stamp(self._config_path)
        if stamp == self._config_seen:
            return
        self._config_seen = stamp
        try:
            new = load_config(self._config_path)
        except VseError as exc:
            self.notify(str(exc), title=_("The config was not reloaded"), severity="error", timeout=15)
            return
        new.operator = self.config.operator
        self.config = new
        self.theme = "textual-light" if new.theme == "light" else "textual-dark"
        self.set_keymap(new.keys)
        for screen in self.screen_stack:
            screen.refresh_bindings()
        self.notify(_("Read again from {path}").format(path=self._config_path), title=_("Config reloaded"))

    def _after_who(self, _chosen: object) -> None:
        self.refresh_top()
        self._open_setup()

    def _open_setup(self) -> None:
        if self.open_wizard:
            # The one thing that opens by itself: the first-time setup, until it is finished.
            if not governance_complete(self.store):
                self.action_wizard()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Every toast shows its text as written: record titles and paths are data, never markup
        (a title holding "[/]" would otherwise break the toast or vanish from it)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """The screen as SVG (a screenshot, a snapshot), its spaces kept as drawn: without
        xml:space="preserve" a viewer such as librsvg drops the spaces a run of text starts with, and
        a list's columns run together ("approvedscheduled", "RecordedIN.2.1")."""
        svg = super().export_screenshot(title=title, simplify=simplify)
        return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)

    def refresh_top(self) -> None:
        """The top bar of every screen after the shop's name or the person at the keyboard changed."""

        self.operator = self.store.actor.operator
        for screen in self.screen_stack:
            for bar in screen.query(TopBar):
                bar.refresh_text()

    def _warm_up(self) -> None:
        """The first screen needs no record models; the first record opened does. Loading them in
        a thread once the first screen is up spares that first opening a tenth of a second."""

        def load() -> None:
            all_models()
            self.warm = True

        self.run_worker(load, thread=True, group="warm-up", exit_on_error=False)

    def _startup_checks(self) -> None:
        """Warn about an unsafe place or loose permissions; make the daily backup if asked to."""

        for topic, warning in startup_notices(self.store, config_path()):
            self.notify(warning, title=_(STARTUP_TITLES[topic]), severity="warning", timeout=15)

        if language_note():  # LANG=pt_PT: spoken as pt_BR
            self.notify(language_note(), timeout=10)
        if self.config.daily_backup:
            try:
                made = daily_backup(self.store)
            except VseError as exc:
                self.notify(str(exc), title=_("Daily backup failed"), severity="error", timeout=15)
            else:
                if made:
                    self.notify(_("Daily backup written to {path}").format(path=made), title=_("Backup"))

    def action_evidence(self) -> None:
        # here, not at the top: importing it loads pydantic
        from .screens.evidence.map import EvidenceScreen

        if not isinstance(self.screen, EvidenceScreen):
            self.push_screen(EvidenceScreen())

    def action_wizard(self) -> None:
        # here, not at the top: importing it loads pydantic
        from .screens.governance.wizard import WizardScreen

        if not isinstance(self.screen, WizardScreen):
            self.push_screen(WizardScreen())

    def add_mode_screen(self, name: str) -> None:
        self._modes[name] = partial(self._load_mode, name)

    # ------------------------------------------------------------ actions
    def action_go(self, mode: str) -> None:
        """A screen key (d, g, c, r, i) shows that screen itself, never a record left open on it."""
        if self.current_mode != mode:
            self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()

    def action_new_incident(self) -> None:
        """`n`: a new incident, unless the key means something else where it is pressed: a letter in
        a field that takes text, the screen's own key (the training list's renew), a modal's."""
        if self._key_taken_here("new_incident"):
            raise SkipAction()
        self.action_new_incident_anywhere()

    def _key_taken_here(self, action: str) -> bool:
        # here, not at the top: widgets the start may not need
        from textual.widgets import Input, Select, TextArea

        from .widgets.picker import Picker

        focused = self.focused
        if focused is not None and any(isinstance(node, (Input, TextArea, Select, Picker))
                                       for node in focused.ancestors_with_self):
            return True
        if self.screen.is_modal:
            return True
        keys = {b.key for bs in self._bindings.key_to_bindings.values() for b in bs if b.action == action}
        return any(namespace is not self and keys & set(bindings.key_to_bindings)
                   for namespace, bindings in self.screen._modal_binding_chain)

    def action_new_incident_anywhere(self) -> None:
        # here, not at the top: a screen the start does not open
        from .screens.common.forms import ConfirmScreen

        # here, not at the top: a screen the start does not open
        from .screens.incidents.capture import QuickCapture

        if isinstance(self.screen, (QuickCapture, ConfirmScreen)):  # a question waits for its answer first
            return
        self.push_screen(QuickCapture(), self._captured)

    def _captured(self, incident_id: str | None) -> None:
        if incident_id:
            # here, not at the top: it reads the standard (pydantic), after the capture only
            from .core.evidence.guide import lacks_once, needs_text

            said = _("Saved {ref}").format(ref=incident_id)
            lacks = lacks_once(self.store, "IN.2.1")  # said once, not at every call
            if lacks:
                said += "\n" + _("IN.2.1 is not fully backed yet: the shop still lacks {needs}. The dashboard's "
                                 "To be audit-ready says where to add each.").format(needs=needs_text(lacks))
            self.notify(said, title=_("Incident recorded"), timeout=12 if lacks else 5)
            refresh = getattr(self.screen, "reload", None)
            if refresh:
                refresh()

    def action_keys(self) -> None:
        # here, not at the top: a screen the start does not open
        from .screens.common.help import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.screen))

    def open_record(self, ref: str) -> None:
        """Open any record by its human id: incidents get their flow screen, others the record view."""
        try:
            record = self.store.find(ref)
        except VseError as exc:
            self.notify(str(exc), severity="error")
            return
        if record.KIND == "incidents":
            # here, not at the top: a screen the start does not open
            from .screens.incidents.detail import IncidentDetailScreen

            self.push_screen(IncidentDetailScreen(record.id or ref))
        elif record.KIND in ("change_requests", "configuration_items", "feedback"):
            # here, not at the top: importing it loads pydantic
            from .screens.control.records import ChangeScreen, ConfigurationItemScreen

            # here, not at the top: importing it loads pydantic
            from .screens.relationship.records import FeedbackScreen

            screen = {"change_requests": ChangeScreen, "configuration_items": ConfigurationItemScreen,
                      "feedback": FeedbackScreen}[record.KIND]
            self.push_screen(screen(record.id or ref))
        else:
            # here, not at the top: importing it loads pydantic
            from .screens.common.record import RecordScreen

            self.push_screen(RecordScreen(record.KIND, record.id or ref))

    # what the palette offers from any screen: (title, help, mode to show first, action there)
    GLOBAL_COMMANDS: tuple[tuple[str, str, str | None, str], ...] = (
        (N_("Dashboard"), N_("open incidents, scheduled changes, reviews due"), None, "go('dashboard')"),
        (N_("Governance"), N_("goals, scope, roles, policy, documents (GO)"), None, "go('governance')"),
        (N_("Control"), N_("changes, configuration items, the schedule (CO)"), None, "go('control')"),
        (N_("Relationship"), N_("catalogue, agreements, feedback, reports (RE)"), None, "go('relationship')"),
        (N_("Incidents"), N_("the incident list (IN)"), None, "go('incidents')"),
        (N_("New incident"), N_("log an incident: the summary is enough"), None, "new_incident"),
        (N_("Setup wizard"), N_("the governance setup, step by step (GO.1.1 to GO.3.2)"), None, "wizard"),
        (N_("Evidence map"), N_("the 40 tasks: done or not, and why"), None, "evidence"),
        (N_("Audit check"), N_("what an assessor would question"), None, "audit_check"),
        (N_("Write the audit pack"), N_("a folder an assessor browses offline"), None, "audit_pack"),
        (N_("Performance report"), N_("the service performance report of a period (WP.19)"), "relationship",
         "performance"),
        (N_("Log feedback"), N_("a compliment, complaint or comment (RE.2.3)"), "relationship", "new_feedback"),
        (N_("Change calendar"), N_("the change schedule by month or week (WP.12)"), "control", "calendar"),
        (N_("Import incidents"), N_("from the export of the tool you use now"), "incidents", "import_export"),
        (N_("Mail in"), N_("read the Maildir into incidents and replies"), "incidents", "mail_in"),
        (N_("Training"), N_("training and competence: record it met, renew it (IN.1.1, IN.1.2)"), "incidents",
         "training"),
        (N_("Keys"), N_("every key of the current screen"), None, "keys"),
        (N_("Quit"), N_("leave the app (everything is saved as it is entered)"), None, "quit"),
    )
    # Textual's own palette commands, in the language spoken: (title, help) by Textual's English title
    TEXTUAL_COMMANDS = {
        "Theme": (N_("Theme"), N_("Change the current theme")),
        "Minimize": (N_("Minimize"), N_("Minimize the widget and restore to normal size")),
        "Maximize": (N_("Maximize"), N_("Maximize the focused widget")),
        "Screenshot": (N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen")),
    }

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every screen's commands from anywhere (each shows its screen first), then the current
        screen's own keys; each once, named in words, with the key that does it."""
        seen: set[str] = set()
        keys = {b.action: self.get_key_display(b) for b in self.BINDINGS if isinstance(b, Binding)}
        for title, help_text, mode, action in self.GLOBAL_COMMANDS:
            title, help_text = _(title), _(help_text)
            seen.add(title.lower())
            shown = f"{help_text} ({keys[action]})" if action in keys else help_text
            yield SystemCommand(title, shown, partial(self._run_global, mode, action))
        for binding in getattr(screen, "BINDINGS", []):
            if not isinstance(binding, Binding) or not binding.description:
                continue
            description = _(binding.description)
            if description.lower() in seen or binding.action in ("back", "close_search", "open"):
                continue
            if not self._applies(screen, binding.action):  # as the key bar: only what can run now
                continue
            seen.add(description.lower())
            yield SystemCommand(description, _("on this screen ({key})").format(key=self.get_key_display(binding)),
                                partial(self.run_action, binding.action, screen))
        for cmd in super().get_system_commands(screen):  # the theme and the like, minus what is here already
            if cmd.title.lower() in ("quit", "keys"):
                continue
            if cmd.title in self.TEXTUAL_COMMANDS:
                title, help_text = self.TEXTUAL_COMMANDS[cmd.title]
                cmd = SystemCommand(_(title), _(help_text), cmd.callback, cmd.discover)
            if cmd.title.lower() not in seen:
                seen.add(cmd.title.lower())
                yield cmd

    @staticmethod
    def _applies(screen: Screen, action: str) -> bool:
        from textual.actions import parse

        namespace, name, params = parse(action)
        if namespace == "app":
            return True
        try:
            return bool(screen.check_action(name, params))
        except Exception:  # noqa: BLE001 - a check that cannot answer (widgets not there yet) hides nothing
            return True

    async def _run_global(self, mode: str | None, action: str) -> None:
        """A palette command: its screen shown first where it has one, then its action, awaited
        (`run_action` is a coroutine: one called and not awaited does nothing at all). The action
        on another screen runs once that screen is laid out: a callback, never awaited here, where
        it would wait on the very message loop that is running this command."""
        if mode is not None:
            self.action_go(mode)
            self.call_after_refresh(partial(self._run_on_screen, action))
        else:
            await self.run_action(action)

    async def _run_on_screen(self, action: str) -> None:
        await self.run_action(action, self.screen)

    def action_audit_check(self) -> None:
        # here, not at the top: a screen the start does not open
        from .screens.evidence.why import AuditFindingsScreen

        self.push_screen(AuditFindingsScreen())

    def action_audit_pack(self) -> None:
        # here, not at the top: importing it loads pydantic
        from .screens.evidence.map import EvidenceScreen

        screen = EvidenceScreen()
        self.push_screen(screen)
        self.call_after_refresh(screen.action_audit_pack)

    def action_command_palette(self) -> None:
        """Textual's palette, its search line in the language spoken."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette", placeholder=_("Search for commands…")))

    def search_themes(self) -> None:
        """Textual's theme search ("Change theme" in the palette), its search line in the language
        spoken; the themes keep their own names."""
        from textual.theme import ThemeProvider

        self.push_screen(Palette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    COMMANDS = App.COMMANDS | {RecordsProvider}


def _file_stamp(path) -> tuple[int, int] | None:
    """When a file last changed and its size (None: there is none), to notice it was rewritten."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def run_app(args=None) -> int:
    """Open the TUI on the database the command line names (default: VSE_TUI_DB or the user data
    folder), as the person at the keyboard."""

    config = load_config()
    store = open_as(args)
    try:
        VseApp(store, config).run()
    finally:
        store.close()
    return 0


__all__ = ["VseApp", "run_app"]
