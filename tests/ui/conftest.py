import pytest

from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store

SIZE = (120, 40)


async def type_into(pilot, selector: str, text: str) -> None:
    """Type into a field as a user would: focus it, clear it, enter the text. All but the last
    character are pasted (keeps the suite quick); the last one is a real key press."""
    from textual.widgets import TextArea

    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
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

    def make(path, operator: str = "Kim Lee", open_wizard: bool = False) -> VseApp:
        store = open_store(path, Actor(operator=operator, os_user="kim", host="laptop"))
        stores.append(store)
        return VseApp(store, Config(operator=operator), open_wizard=open_wizard)

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
