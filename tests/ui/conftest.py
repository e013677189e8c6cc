import pytest

from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store

SIZE = (120, 40)


async def until(pilot, check, timeout: float = 120.0) -> None:
    """Wait for what the app does (a worker's result, a notice, a screen), however busy the machine:
    checked between pauses, failing only after `timeout` seconds."""
    import time

    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "the app did not get there in time"
        await pilot.pause(0.05)


def told(app) -> list[str]:
    """Every notice the app gives from now on, kept (a notice on screen expires after a few seconds)."""
    said: list[str] = []
    notify = app.notify

    def keep(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = keep
    return said


async def type_into(pilot, selector: str, text: str) -> None:
    """Type into a field as a user would: focus it, clear it, enter the text. All but the last
    character are pasted (keeps the suite quick); the last one is a real key press."""
    from textual.widgets import Select, TextArea

    from vse_tui.widgets.picker import Picker

    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Picker):  # the first match for the text, as the picker's filter finds it
        matches = widget.search(text)
        assert matches, f"{text!r} matches nothing in {widget.id}"
        widget.value = [matches[0][0]] if widget.multiple else matches[0][0]
        await pilot.pause()
        return
    if isinstance(widget, Select):  # a picker: the option whose label starts with the text
        options = [(str(label), value) for label, value in widget._options if value is not Select.NULL]
        matches = [value for label, value in options if label.lower().startswith(text.lower())]
        assert matches, f"{text!r} is none of {[label for label, _ in options]}"
        widget.value = matches[0]
        await pilot.pause()
        return
    head, last = text[:-1], text[-1:]
    if isinstance(widget, TextArea):
        widget.text = head
        widget.move_cursor(widget.document.end)
    else:
        widget.value = head
        widget.cursor_position = len(head)
    if last:
        await pilot.press(last if last != " " else "space")


@pytest.fixture
def make_app():
    """An app on a given database, closed after the test."""
    stores = []

    def make(path, operator: str = "Kim Lee", open_wizard: bool = False, ask_who: bool = False) -> VseApp:
        from vse_tui.core.governance.people import identify

        store = open_store(path, Actor(operator=operator, os_user="kim", host="laptop"))
        found = identify(store, operator, "kim")
        if found.person:
            store.actor = store.actor.as_person(found.person, found.name)
        elif not ask_who:
            # the person at the keyboard, known to the shop with the roles of its owner (as after the first start)
            from vse_tui.core.governance.roles import add_person

            add_person(store, operator, roles="SM,CM,RM,MGT,PT:incident", os_user="kim")
        stores.append(store)
        return VseApp(store, Config(operator=operator), open_wizard=open_wizard, ask_who=ask_who)

    yield make
    for s in stores:
        s.close()


def widget_text(app, selector: str, width: int = 120) -> str:
    """What a Static shows, as plain text (tables and groups rendered as on screen)."""
    from rich.console import Console

    content = app.screen.query_one(selector).content
    if isinstance(content, str):
        return content
    console = Console(width=width, record=True, color_system=None)
    console.print(content)
    return console.export_text()


async def burst(pilot, *keys: str) -> None:
    """Keys as a terminal delivers a burst (a fast typist, a paste of keystrokes, SSH): all sent at
    once, before the app has handled the first, as the terminal driver does; then wait."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    for _ in range(4):
        await pilot.pause()


async def palette_lists(pilot, words: str, timeout: float = 120.0) -> None:
    """Until the command palette, searching for `words` as typed, has finished its search and lists
    first a command that contains them, however busy the machine (the search runs apart from the
    keys and fills its list in batches)."""
    from textual.command import CommandList, CommandPalette

    def found() -> bool:
        screen = pilot.app.screen
        if not isinstance(screen, CommandPalette):
            return False
        if any(w.group == screen._GATHER_COMMANDS_GROUP and not w.is_finished for w in pilot.app.workers):
            return False
        hits = screen.query(CommandList)
        if not hits or not hits.first().option_count:
            return False
        prompt = hits.first().get_option_at_index(0).prompt
        return words.lower() in getattr(prompt, "plain", str(prompt)).lower()

    await until(pilot, found, timeout)


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """A newcomer's machine: no vse-tui variables set, an empty home, data and config folders, so the
    app opens on its default database under the real clock."""
    for name in ("VSE_TUI_NOW", "VSE_TUI_DB", "VSE_TUI_CONFIG", "VSE_TUI_OPERATOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


async def open_form(app, pilot, ref: str, key: str) -> None:
    """A record's screen, then the key that opens one of its forms: the form is on top."""
    from vse_tui.screens.common.forms import FormScreen

    app.open_record(ref)
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, FormScreen), app.screen
