"""Every command the palette lists does what it says, from every screen: the app's own commands land
on their screen, a screen's commands run its action (a coroutine called and never awaited did
nothing at all, for most of them)."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from vse_tui.screens.common.forms import FormScreen
from vse_tui.screens.common.help import KeysScreen
from vse_tui.screens.common.process import ControlScreen, GovernanceScreen, RelationshipScreen
from vse_tui.screens.control.records import CalendarScreen
from vse_tui.screens.dashboard import DashboardScreen
from vse_tui.screens.evidence.map import EvidenceScreen
from vse_tui.screens.evidence.why import AuditFindingsScreen
from vse_tui.screens.governance.training import TrainingDueScreen
from vse_tui.screens.governance.wizard import WizardScreen
from vse_tui.screens.incidents.capture import QuickCapture
from vse_tui.screens.incidents.import_screen import ImportScreen
from vse_tui.screens.incidents.list import IncidentsScreen
from vse_tui.screens.relationship.records import FeedbackCapture, PerformanceScreen

from .conftest import SIZE, palette_lists, until

# where each of the app's own commands lands: the screen on top (and under it, for a modal)
LANDS = {
    "Dashboard": (DashboardScreen, None),
    "Governance": (GovernanceScreen, None),
    "Control": (ControlScreen, None),
    "Relationship": (RelationshipScreen, None),
    "Incidents": (IncidentsScreen, None),
    "New incident": (QuickCapture, None),
    "Setup wizard": (WizardScreen, None),
    "Evidence map": (EvidenceScreen, None),
    "Audit check": (AuditFindingsScreen, None),
    "Write the audit pack": (FormScreen, EvidenceScreen),
    "Performance report": (PerformanceScreen, RelationshipScreen),
    "Log feedback": (FeedbackCapture, RelationshipScreen),
    "Change calendar": (CalendarScreen, ControlScreen),
    "Import incidents": (ImportScreen, IncidentsScreen),
    "Mail in": (IncidentsScreen, None),  # no Maildir set: it says where to set one (below)
    "Training": (TrainingDueScreen, IncidentsScreen),
    "Keys": (KeysScreen, None),
}


async def _start(app, pilot, where: str) -> None:
    """Show the screen the palette is opened from."""
    await pilot.press("d")
    if where in ("d", "g", "c", "r", "i"):
        await pilot.press(where)
    elif where == "evidence":
        app.action_evidence()
    else:  # a record's screen
        app.open_record(where)
    await pilot.pause()


async def _run(app, pilot, command) -> None:
    """As the palette does once a command is chosen: it is called after the palette closed. Waits
    until it has run (a marker queued after it), however busy the machine, then for what it opened."""
    ran: list[bool] = []
    app.call_later(command.callback)
    app.call_later(ran.append, True)
    await until(pilot, lambda: bool(ran))
    for _ in range(3):
        await pilot.pause()


@pytest.fixture
def small_shop(tmp_path):
    """A shop with one customer, one service, an incident and a change: every screen has a record."""
    from vse_tui.core.control import changes
    from vse_tui.core.incidents import process as core
    from vse_tui.store import Actor, open_store

    path = tmp_path / "shop.db"
    store = open_store(path, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    try:
        core.log_incident(store, "Printer jams")
        changes.request(store, "Replace the router", change_type="normal")
    finally:
        store.close()
    return path


@pytest.mark.parametrize("where", ["d", "g", "c", "r", "i", "evidence", "INC-0001", "CHG-0001"])
async def test_each_palette_command_lands_where_it_says_from_each_screen(make_app, small_shop, where):
    app = make_app(small_shop)
    async with app.run_test(size=SIZE) as pilot:
        await _start(app, pilot, where)
        start = type(app.screen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert set(LANDS) | {"Quit"} <= set(titles)
        for title, (top, under) in LANDS.items():
            await _start(app, pilot, where)
            command = next(c for c in app.get_system_commands(app.screen) if c.title == title)
            app.clear_notifications()
            await _run(app, pilot, command)
            assert isinstance(app.screen, top), f"{title} from {start.__name__}: {type(app.screen).__name__}"
            if under is not None:
                assert isinstance(app.screen_stack[-2], under), title
            if title == "Mail in":
                assert any("maildir" in n.message for n in app._notifications), "Mail in said nothing"
            while app.screen.is_modal:
                app.pop_screen()
                await pilot.pause()
        # a screen's own commands: each runs its action on that screen
        await _start(app, pilot, where)
        screen = app.screen
        own = [c for c in app.get_system_commands(screen) if c.help.startswith("on this screen")]
        assert own or where == "evidence", f"no command of {start.__name__} in the palette"
        for command in own:
            binding = next(b for b in screen.BINDINGS if getattr(b, "description", None) == command.title)
            namespace, _, name = binding.action.split("(")[0].rpartition(".")
            target = app if namespace == "app" else screen
            ran: list[str] = []
            setattr(target, f"action_{name}", lambda *args, name=name, ran=ran: ran.append(name))
            await _run(app, pilot, command)
            delattr(target, f"action_{name}")
            assert ran == [name], f"{command.title} from {start.__name__} did not run"
        # Quit, last
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
        await _run(app, pilot, command)
        assert app._exit  # the app is closing


async def test_a_command_chosen_in_the_palette_by_typing_runs(make_app, demo_db):
    """The whole way a person goes: ctrl+p, words, Enter."""
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for words, top in (("governance", GovernanceScreen), ("evidence map", EvidenceScreen),
                           ("setup wizard", WizardScreen), ("audit check", AuditFindingsScreen)):
            await pilot.press("d", "ctrl+p", *[k if k != " " else "space" for k in words])
            await palette_lists(pilot, words)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press("enter")
            await until(pilot, lambda top=top: isinstance(app.screen, top))  # run once the palette has closed
            assert isinstance(app.screen, top), f"{words}: {type(app.screen).__name__}"


@pytest.mark.parametrize("where", ["d", "g", "c", "r", "i"])
async def test_e_opens_the_evidence_map_from_every_process_screen(make_app, tmp_path, where):
    """The key bar's `e` (the README's "e opens the map") works from each process's screen."""
    app = make_app(tmp_path / "x.db", open_wizard=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(where)
        await pilot.pause()
        start = type(app.screen)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EvidenceScreen), timeout=15)
        assert isinstance(app.screen, EvidenceScreen), f"e on {start.__name__} left {type(app.screen).__name__}"


async def test_the_theme_search_speaks_the_language(make_app, tmp_path):
    """'Change theme' opens Textual's theme search: its search line was English in every language."""
    from textual.command import CommandInput

    from vse_tui import i18n
    from vse_tui.screens.common.palette import Palette

    i18n.set_language("fr")
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        app.search_themes()
        await pilot.pause()
        assert isinstance(app.screen, Palette)
        assert app.screen.query_one(CommandInput).placeholder == "Rechercher un thème…"
