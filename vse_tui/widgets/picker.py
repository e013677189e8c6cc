"""A reference picked from a list that narrows as you type: a customer, a service, a person, a
configuration item, an incident or a change, never an id typed by hand.

Closed, the picker is one line showing what is chosen. Typing a letter opens it in place: the
filter on its first line, the matches under it. Up and down move through the matches while the
typing goes on; Enter takes the one under the cursor (a picker of several adds or removes it and
stays open); Esc closes it without a change; Backspace on a closed picker clears it.

It is one widget that reads every key itself, in the order the keys came: nothing opens on
another screen, so a burst of keys (a fast typist, a paste, SSH) never lands half in one place and
half in another."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from rich.text import Text
from textual import events
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widget import Widget

from vse_tui.i18n import _, ngettext

from .keys import key_word

Search = Callable[[str], list[tuple[Any, str]]]  # filter text -> [(value, label)], best first
# a picker that can make a new record: create(app, text typed, done) asks for it (a form) and calls
# done(value, label) with what was made (nothing when the person gives up)
Create = Callable[[Any, str, Callable[[Any, str], None]], None]
LIMIT = 50
SHOWN = 8  # matches shown at once


class _New:
    """The value of the "new ..." line of a picker that can make what it lacks."""

    def __repr__(self) -> str:
        return "NEW"


NEW = _New()


def filter_options(options: Iterable[tuple[Any, str]], text: str, limit: int = LIMIT) -> list[tuple[Any, str]]:
    """The options whose label holds every word of `text` (any case): labels starting with it first."""
    words = text.lower().split()
    first: list[tuple[Any, str]] = []
    rest: list[tuple[Any, str]] = []
    for value, label in options:
        low = label.lower()
        if all(w in low for w in words):
            (first if words and low.startswith(words[0]) else rest).append((value, label))
    return (first + rest)[:limit]


class Picker(Widget, can_focus=True):
    """One reference (or several) chosen from a list that narrows as you type.

    `options` are (value, label) pairs for a short list; `search(text)` answers for a long one
    (read from the database as the filter changes). `value` is the chosen value (None: nothing), or
    for `multiple=True` the list of chosen values."""

    DEFAULT_CSS = """
    Picker { height: auto; min-height: 3; width: 1fr; border: tall $border-blurred; background: $surface;
             padding: 0 1; }
    Picker:focus { border: tall $border; background-tint: $foreground 5%; }
    Picker.-open { border: tall $accent; }
    """

    class Changed(Message):
        def __init__(self, picker: Picker, value: Any) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(self, options: Iterable[tuple[Any, str | Text]] | None = None, *, search: Search | None = None,
                 value: Any = None, multiple: bool = False, prompt: str | None = None, title: str | None = None,
                 labels: dict[Any, str] | None = None, allow_blank: bool = True, id: str | None = None,
                 classes: str | None = None, keep_typed: bool = False, create: Create | None = None,
                 create_label: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # keep_typed: a name typed and then left (Tab, a click elsewhere, ctrl+s) is taken as the
        # highlighted match, as Enter would take it, instead of being dropped with the list
        self.keep_typed = keep_typed
        self.create = create
        self.create_label = create_label or _("new…")
        self.options = [(v, str(label)) for v, label in (options or [])]
        self.labels: dict[Hashable, str] = {v: label for v, label in self.options}
        self.labels.update(labels or {})
        self.search = search or (lambda text: filter_options(self.options, text))
        self.multiple = multiple
        self.prompt = _("(none)") if prompt is None else prompt
        self.title = _("Choose") if title is None else title
        self.allow_blank = allow_blank
        self._value: Any = list(value or []) if multiple else value
        self.expanded = False
        self.filter = ""
        self.matches: list[tuple[Any, str]] = []
        self.cursor = 0

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
            self.refresh(layout=True)
            self.post_message(self.Changed(self, self.value))

    @property
    def is_blank(self) -> bool:
        return not self._value

    def label_of(self, value: Any) -> str:
        return self.labels.get(value, str(value))

    # ------------------------------------------------------------ drawing
    def render(self) -> Text:
        chosen = self._value if self.multiple else ([] if self._value is None else [self._value])
        if not self.expanded:
            if not chosen:
                return Text(self.prompt, style="dim", no_wrap=True, overflow="ellipsis")
            return Text(", ".join(self.label_of(v) for v in chosen), no_wrap=True, overflow="ellipsis")
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("› ", style="bold")
        out.append(self.filter)
        out.append("▏", style="reverse" if self.has_focus else "")
        out.append("   " + self._help(), style="dim")
        found = [m for m in self.matches if m[0] is not NEW]
        rows = self._window()
        for n, value, label in rows:
            if value is NEW:
                continue
            out.append("\n")
            mark = ("✓ " if value in chosen else "  ") if self.multiple else ""
            line = Text(mark + (label if value is not None else self.prompt), no_wrap=True, overflow="ellipsis")
            if value is None:
                line.stylize("dim")
            if n == self.cursor:
                line.stylize("reverse")
            out.append_text(line)
        if not found:
            out.append("\n")
            out.append(_("no match"), style="dim italic")
        elif len(found) > self._shown():
            out.append("\n")
            out.append(self._count_text(len(found)), style="dim")
        for n, value, label in rows:  # the "new" line under the rest
            if value is NEW:
                out.append("\n")
                out.append_text(Text("+ " + label, style="italic reverse" if n == self.cursor else "italic",
                                     no_wrap=True, overflow="ellipsis"))
        return out

    def _shown(self) -> int:
        """How many matches are drawn at once: up to SHOWN, fewer when the picker stands in a
        scrolled area too short for them (a form at 80x24), so that the open list is seen whole,
        its count line saying how many more there are to reach with the arrows."""
        room = next((a.scrollable_content_region.height for a in self.ancestors
                     if isinstance(a, ScrollableContainer)), 0)
        if room <= 0:
            return SHOWN
        width = max(1, self.content_region.width)
        help_line = 2 + len(self.filter) + 1 + 3 + len(self._help())
        count_line = len(self._count_text(len(self.matches)))
        # the border, the filter's line and the count's (as many rows as they wrap to), the "new" line
        overhead = 2 + -(-help_line // width) + -(-count_line // width) + (self.create is not None)
        return max(3, min(SHOWN, room - overhead))

    def _help(self) -> str:
        if self.multiple:
            chosen = self._value
            return _("{enter} adds or removes · {esc} done · chosen: {chosen}").format(
                enter=key_word("enter"), esc=key_word("escape"),
                chosen=", ".join(self.label_of(v) for v in chosen) or _("nothing yet"))
        return _("↑↓ move · {enter} takes · {esc} keeps what was chosen").format(enter=key_word("enter"),
                                                                                 esc=key_word("escape"))

    @staticmethod
    def _count_text(n: int) -> str:
        return ngettext("{n} match: type more to narrow, ↑↓ to move",
                        "{n} matches: type more to narrow, ↑↓ to move", n).format(n=n)

    def _window(self) -> list[tuple[int, Any, str]]:
        """The matches drawn (index, value, label): up to SHOWN around the cursor, and the "new"
        line always, under them."""
        found = [m for m in self.matches if m[0] is not NEW]
        shown = self._shown()
        cursor = min(self.cursor, len(found) - 1)
        top = max(0, min(cursor - shown + 1, len(found) - shown))
        rows = [(n, v, label) for n, (v, label) in enumerate(found[top:top + shown], start=top)]
        if len(found) < len(self.matches):
            rows.append((len(self.matches) - 1, NEW, self.create_label))
        return rows

    # ------------------------------------------------------------ keys (all here, in order)
    def on_key(self, event: events.Key) -> None:
        key = event.key
        handled = True
        if event.is_printable and event.character and (self.expanded or key != "space"):
            self._type(self.filter + event.character)
        elif key == "backspace":
            if self.expanded:
                self._type(self.filter[:-1])
            elif self.allow_blank or self.multiple:
                self.value = [] if self.multiple else None
        elif key in ("enter", "space"):
            if self.expanded:
                self._take()
            else:
                self.open()
        elif key in ("down", "up", "pagedown", "pageup"):
            if not self.expanded:
                if key == "down":
                    self.open()
                else:
                    handled = False
            else:
                step = {"down": 1, "up": -1, "pagedown": self._shown(), "pageup": -self._shown()}[key]
                self.cursor = max(0, min(len(self.matches) - 1, self.cursor + step))
                self.refresh()
        elif key == "escape" and self.expanded:
            self.close()
        elif key == "delete" and not self.expanded and (self.allow_blank or self.multiple):
            self.value = [] if self.multiple else None
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()

    def open(self, text: str = "") -> None:
        self.expanded = True
        self.add_class("-open")
        self._type(text)

    def close(self) -> None:
        self.expanded, self.filter, self.matches = False, "", []
        self.remove_class("-open")
        self.refresh(layout=True)

    def _type(self, text: str) -> None:
        if not self.expanded:
            self.expanded = True
            self.add_class("-open")
        self.filter = text
        found = self.search(text)
        for value, label in found:
            self.labels[value] = label
        blank = self.allow_blank and not self.multiple and not text.strip()
        self.matches = [*([(None, self.prompt)] if blank else []), *found]
        if self.create is not None:  # last: Enter on what was typed still takes the best match
            self.matches.append((NEW, self.create_label))
        current = None if self.multiple else self._value
        values = [v for v, _ in self.matches]
        self.cursor = values.index(current) if not text.strip() and current is not None and current in values else (
            1 if blank and len(values) > 1 and current is None else 0)
        self.refresh(layout=True)
        self.call_after_refresh(self.scroll_visible, animate=False)  # the open list in view, whole

    def _take(self) -> None:
        if not self.matches:
            return
        value = self.matches[self.cursor][0]
        if value is NEW:
            self._new()
            return
        if not self.multiple:
            self.close()
            self.value = value
            return
        chosen = list(self._value)
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        self.value = chosen
        self._type("")  # the filter starts again for the next one

    def _new(self) -> None:
        """Make a new record (a form over this one, the typed text as its name) and pick it."""
        if self.create is None:
            return
        text = self.filter.strip()
        self.close()

        def made(value: Any, label: str) -> None:
            self.labels[value] = label
            if self.multiple:
                if value not in self._value:
                    self.value = [*self._value, value]
            else:
                self.value = value
            self.focus()

        self.create(self.app, text, made)

    def take_typed(self) -> bool:
        """Take the highlighted match of a name typed and not yet taken (a picker that keeps what
        is typed); True when something was taken."""
        if not (self.keep_typed and self.expanded and self.filter.strip() and not self.multiple):
            return False
        if self.cursor >= len(self.matches) or self.matches[self.cursor][0] in (None, NEW):
            return False
        self._take()
        return True

    def on_blur(self) -> None:
        if self.expanded and not self.take_typed():
            self.close()

    def on_click(self, event: events.Click) -> None:
        if not self.expanded:
            self.open()
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y - 1  # the filter's line, then the matches
        rows = self._window()
        listed = [r for r in rows if r[1] is not NEW]
        found = len(self.matches) - (len(listed) < len(rows))
        if 0 <= row < len(listed):
            self.cursor = listed[row][0]
            self._take()
        elif len(listed) < len(rows) and row == len(listed) + (not found or found > self._shown()):  # the "new" line
            self.cursor = rows[-1][0]
            self._take()


__all__ = ["NEW", "Picker", "filter_options"]
