"""A reference picked from a list that narrows as you type: a customer, a service, a person, a
configuration item, an incident or a change, never an id typed by hand.

Closed, the picker is one line showing what is chosen. Enter (or any letter, which starts the
filter with it) opens a small window: the filter line on top, the matches below. Up and down move
through the matches while the typing goes on, Enter takes the one under the cursor. A picker of
several (the items a change touches) adds or removes with Enter and is done with ctrl+s. Keys
typed while the window opens are kept for the filter, never lost."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from .keys import key_of

Search = Callable[[str], list[tuple[Any, str]]]  # filter text -> [(value, label)], best first
LIMIT = 50


def filter_options(options: Iterable[tuple[Any, str]], text: str, limit: int = LIMIT) -> list[tuple[Any, str]]:
    """The options whose label holds every word of `text` (any case): labels starting with it first."""
    words = text.lower().split()
    first, rest = [], []
    for value, label in options:
        low = label.lower()
        if all(w in low for w in words):
            (first if words and low.startswith(words[0]) else rest).append((value, label))
    return (first + rest)[:limit]


class PickerScreen(ModalScreen):
    """The picker's window: a filter line over the matches."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker_cancel"),
        Binding("enter", "take", "Choose", id="picker_take", priority=True),
        Binding("ctrl+s", "done", "Done", id="picker_done", priority=True),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
    ]
    AUTO_FOCUS = "#picker-filter"
    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 72; max-width: 100%; height: auto; max-height: 90%; border: round $accent;
                              background: $surface; padding: 0 1; }
    PickerScreen #picker-chosen { color: $success; height: auto; }
    PickerScreen #picker-hint { color: $text-muted; }
    PickerScreen OptionList { height: auto; max-height: 16; border: none; padding: 0; }
    """

    def __init__(self, title: str, search: Search, chosen: list[Any], labels: dict[Any, str], multiple: bool,
                 blank: str | None, text: str = "") -> None:
        super().__init__()
        self.title_text, self.search, self.multiple, self.blank = title, search, multiple, blank
        self.chosen = list(chosen)
        self.labels = dict(labels)
        self.start_text = text
        self.shown: list[Any] = []
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.multiple:
                yield Static("", id="picker-chosen")
            yield Input(self.start_text, id="picker-filter", placeholder="type to narrow the list")
            matches = OptionList(id="picker-matches")
            matches.can_focus = False
            yield matches
            yield Static("", id="picker-hint")

    def on_mount(self) -> None:
        take, cancel = key_of(self, "take"), key_of(self, "cancel")
        if self.multiple:
            done = key_of(self, "done")
            hint = f"↑↓ move   {take} add or remove   {done} done   {cancel} cancel"
        else:
            hint = f"↑↓ move   {take} choose   {cancel} cancel"
        self.query_one("#picker-hint", Static).update(Text(hint))
        field = self.query_one("#picker-filter", Input)
        field.cursor_position = len(field.value)
        self._refill(field.value)

    def _refill(self, text: str) -> None:
        found = self.search(text)
        options: list[tuple[Any, str]] = []
        if self.blank is not None and not text.strip() and not self.multiple:
            options.append((None, self.blank))
        options.extend(found)
        for value, label in found:
            self.labels[value] = label
        self.shown = [value for value, _ in options]
        matches = self.query_one("#picker-matches", OptionList)
        matches.clear_options()
        matches.add_options([Option(self._line(value, label)) for value, label in options])
        if options:
            current = self.chosen[0] if self.chosen and not self.multiple else None
            matches.highlighted = self.shown.index(current) if current in self.shown and not text.strip() else 0
        if self.multiple:
            names = ", ".join(self.labels.get(v, str(v)) for v in self.chosen) or "nothing yet"
            self.query_one("#picker-chosen", Static).update(Text(f"Chosen: {names}"))

    def _line(self, value: Any, label: str) -> Text:
        if value is None:
            return Text(label, style="dim")
        if self.multiple:
            return Text(("✓ " if value in self.chosen else "  ") + label)
        return Text(label)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_take()

    def on_key(self, event: events.Key) -> None:
        """A key typed before the filter line had the focus still goes to it."""
        field = self.query_one("#picker-filter", Input)
        if not field.has_focus and event.is_printable and event.character:
            event.stop()
            field.focus()
            field.insert_text_at_cursor(event.character)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click on a match
        self.query_one("#picker-matches", OptionList).highlighted = event.option_index
        self.action_take()

    def action_move(self, step: int) -> None:
        matches = self.query_one("#picker-matches", OptionList)
        if matches.option_count:
            now = matches.highlighted if matches.highlighted is not None else 0
            matches.highlighted = max(0, min(matches.option_count - 1, now + step))

    def _highlighted(self) -> tuple[bool, Any]:
        matches = self.query_one("#picker-matches", OptionList)
        if matches.highlighted is None or not self.shown:
            return False, None
        return True, self.shown[matches.highlighted]

    def action_take(self) -> None:
        found, value = self._highlighted()
        if not self.multiple:
            if found:
                self._answer((value,))
            return
        if not found:
            if not self.query_one("#picker-filter", Input).value.strip():
                self.action_done()  # Enter on an empty filter with nothing to add: done
            return
        if value in self.chosen:
            self.chosen.remove(value)
        else:
            self.chosen.append(value)
        field = self.query_one("#picker-filter", Input)
        if field.value:
            field.value = ""  # refills
        else:
            self._refill("")

    def action_done(self) -> None:
        if self.multiple:
            self._answer(tuple(self.chosen))
        else:
            self.action_take()

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, result) -> None:
        if self._answered or self.app.screen is not self:
            return
        self._answered = True
        self.dismiss(result)


class Picker(Widget, can_focus=True):
    """One reference (or several) chosen from a list that narrows as you type.

    `options` are (value, label) pairs for a short list; `search(text)` answers for a long one
    (read from the database as the filter changes). `value` is the chosen value (None: nothing), or
    for `multiple=True` the list of chosen values."""

    DEFAULT_CSS = """
    Picker { height: 3; width: 1fr; border: tall $border-blurred; background: $surface; padding: 0 1; }
    Picker:focus { border: tall $border; background-tint: $foreground 5%; }
    """
    BINDINGS = [
        Binding("enter,down,space", "open", "Choose", show=False, id="picker_open"),
        Binding("backspace,delete", "clear", "Clear", show=False, id="picker_clear"),
    ]

    class Changed(Message):
        def __init__(self, picker: Picker, value: Any) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(self, options: Iterable[tuple[Any, str | Text]] | None = None, *, search: Search | None = None,
                 value: Any = None, multiple: bool = False, prompt: str = "(none)", title: str = "Choose",
                 labels: dict[Any, str] | None = None, allow_blank: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.options = [(v, str(label)) for v, label in (options or [])]
        self.labels: dict[Hashable, str] = {v: label for v, label in self.options}
        self.labels.update(labels or {})
        self.search = search or (lambda text: filter_options(self.options, text))
        self.multiple = multiple
        self.prompt, self.title, self.allow_blank = prompt, title, allow_blank
        self._value: Any = list(value or []) if multiple else value
        self._open = False

    # ------------------------------------------------------------ value
    @property
    def value(self) -> Any:
        return list(self._value) if self.multiple else self._value

    @value.setter
    def value(self, value: Any) -> None:
        if self.multiple and isinstance(value, str):  # "CI-0003, CI-0007"
            value = [p.strip() for p in value.split(",") if p.strip()]
        new = list(value or []) if self.multiple else value
        if new != self._value:
            self._value = new
            self.refresh()
            self.post_message(self.Changed(self, self.value))

    @property
    def is_blank(self) -> bool:
        return not self._value

    def label_of(self, value: Any) -> str:
        return self.labels.get(value, str(value))

    def render(self) -> Text:
        if self.is_blank:
            return Text(self.prompt, style="dim", no_wrap=True, overflow="ellipsis")
        chosen = self._value if self.multiple else [self._value]
        return Text(", ".join(self.label_of(v) for v in chosen), no_wrap=True, overflow="ellipsis")

    # ------------------------------------------------------------ keys
    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.character != " ":
            event.stop()
            event.prevent_default()
            self.open(event.character)

    def on_click(self) -> None:
        self.open()

    def action_open(self) -> None:
        self.open()

    def action_clear(self) -> None:
        if self.allow_blank or self.multiple:
            self.value = [] if self.multiple else None

    def open(self, text: str = "") -> None:
        if self._open:
            return
        self._open = True
        chosen = self._value if self.multiple else ([] if self._value is None else [self._value])
        blank = self.prompt if self.allow_blank else None

        screen = PickerScreen(self.title, self.search, chosen, self.labels, self.multiple, blank, text)

        def answered(result) -> None:
            self._open = False
            self.labels.update(screen.labels)
            if result is None:
                return
            self.value = list(result) if self.multiple else result[0]

        self.app.push_screen(screen, answered)


__all__ = ["Picker", "PickerScreen", "filter_options"]
