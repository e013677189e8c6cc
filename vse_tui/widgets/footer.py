"""The key bar at the bottom: one widget that draws every key of the shown screen as one line.

Textual's Footer mounts a widget per key (a dozen per screen, each styled and laid out on its
own), rebuilds them all on every binding change, hidden screens included, and was a sixth of
the work of drawing the first screen. This bar reads the keys once per burst of changes, only
while its screen is shown, repaints only when they changed, and keeps what users rely on: the
keys in the theme's footer colours, unavailable ones dimmed (and left out first when the line
is short), the palette key at the right end, and a click on a key pressing it."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from vse_tui.i18n import _

DIM = Style(dim=True)


class Key(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool
    action: str = ""
    own: bool = True  # the screen's own key (False: one of the app's, the same on every screen)


# when the line is short the app's keys yield to the screen's own: these are kept longest, in this
# order (the rest go first); `?` is always kept: it lists every key, those left out included
KEPT_LONGEST = ("keys", "new_incident", "go('dashboard')", "go('incidents')")


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--hover"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--hover {
            background: $block-hover-background;
        }
    }
    """

    _pending = False
    _stale = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys: tuple[Key, ...] = ()
        self.palette: Key | None = None
        self._spans: list[tuple[int, int, Key]] = []  # (start, end, key) of each key as drawn
        self._hover: Key | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self._schedule()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    # ------------------------------------------------------------ which keys
    def _read_keys(self) -> tuple[tuple[Key, ...], Key | None]:
        """The screen's shown bindings, one per action (as Textual's Footer), palette apart."""
        app = self.app
        keys: list[Key] = []
        actions: set[str] = set()
        palette = None
        for _key, (node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            label = getattr(self.screen, "key_label", None)  # a screen may name what a key does now
            # a Binding's description is marked at import time and translated here, where it is shown
            description = (label(binding.action) if label else None) or (
                _(binding.description) if binding.description else "")
            key = Key(binding.key, app.get_key_display(binding), description, enabled, binding.action,
                      own=node is not app)
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = key
            else:
                keys.append(key)
        first = getattr(self.screen, "next_actions", ())  # the steps possible now lead the bar
        if first:
            keys.sort(key=lambda k: first.index(k.action) if k.action in first else len(first))
        return tuple(keys), palette

    def bindings_changed(self, screen) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if screen is not self.app.screen:
            self._stale = True  # read again when its screen comes back
            return
        self._schedule()

    def refresh_if_stale(self) -> None:
        if self._stale:  # scheduled from the bar's own message loop
            self.call_later(self._schedule)

    def _schedule(self) -> None:
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._update_keys)

    def _update_keys(self) -> None:
        self._pending = self._stale = False
        keys, palette = self._read_keys()
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self.refresh()

    # ------------------------------------------------------------ drawing
    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        hover_style = self.get_component_rich_style("key-footer--hover")
        width = self.size.width
        right = Text()
        if self.palette:
            right = Text.assemble(("▏", "dim"), *self._parts(self.palette, key_style, description_style))
        room = max(0, width - right.cell_len)
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, Key]] = []
        keys = self.keys
        if sum(self._width(key) for key in keys) > room:  # short of room: what can be done now first
            keys = tuple(key for key in keys if key.enabled)
        plan = self._plan(keys, room)
        if self.palette and any(bare for key, bare in plan if key.own):  # the palette's word yields too
            right = Text.assemble(("▏", "dim"), *self._parts(self.palette, key_style, description_style, True))
            room = max(0, width - right.cell_len)
            plan = self._plan(keys, room)
        for key, bare in plan:
            if line.cell_len + (self._bare_width(key) if bare else self._width(key)) > room:
                break
            start = line.cell_len
            line.append_text(Text.assemble(*self._parts(key, key_style, description_style, bare)))
            if key == self._hover:
                line.stylize(hover_style, start, line.cell_len)
            spans.append((start, line.cell_len, key))
        if self.palette:
            line.append(" " * (room - line.cell_len))
            start = line.cell_len
            line.append_text(right)
            if self.palette == self._hover:
                line.stylize(hover_style, start + 1, line.cell_len)
            spans.append((start + 1, line.cell_len, self.palette))
        self._spans = spans
        return line

    @staticmethod
    def _width(key: Key) -> int:
        return len(key.display) + 2 + (len(key.description) + 1 if key.description else 0)

    @staticmethod
    def _bare_width(key: Key) -> int:
        return len(key.display) + 2

    @classmethod
    def _plan(cls, keys: tuple[Key, ...], room: int) -> list[tuple[Key, bool]]:
        """The keys drawn, in order, each with whether it is drawn alone (no room for its words).
        The screen's own keys keep their words first; the app's keys (the same on every screen)
        yield: they go bare, then go (the least used first), before an own key loses its words."""
        own = tuple(k for k in keys if k.own)
        apps = [k for k in keys if not k.own]
        order = sorted(apps, key=lambda k: KEPT_LONGEST.index(k.action) if k.action in KEPT_LONGEST
                       else len(KEPT_LONGEST))
        best: tuple[int, int, int] | None = None  # (own keys with words, app keys kept, app keys with words)
        least = 1 if order and order[0].action == "keys" else 0  # `?` stays: it names every key
        for kept in range(len(order), least - 1, -1):
            chosen = order[:kept]
            bare = sum(map(cls._bare_width, chosen))
            if sum(map(cls._bare_width, own)) + bare > room:
                continue
            words = cls._described(own, room - bare)
            left = room - sum(map(cls._width, own[:words])) - sum(map(cls._bare_width, own[words:]))
            app_words = cls._described(tuple(k for k in apps if k in chosen), left) if words == len(own) else 0
            if best is None or (words, kept) > best[:2]:
                best = (words, kept, app_words)
        if best is None:  # not even the own keys alone fit: as many as there is room for
            return [(k, True) for k in keys if k.own or k.action == "keys"]
        words, kept, app_words = best
        chosen_apps = [k for k in apps if k in order[:kept]]
        described = set(own[:words]) | set(chosen_apps[:app_words])
        return [(k, k not in described) for k in keys if k.own or k in chosen_apps]

    @classmethod
    def _described(cls, keys: tuple[Key, ...], room: int) -> int:
        """How many keys, from the first, keep their words so that every key still fits; the keys
        after them are drawn alone (80 columns hold an incident's dozen keys this way)."""
        for count in range(len(keys), -1, -1):
            if sum(map(cls._width, keys[:count])) + sum(map(cls._bare_width, keys[count:])) <= room:
                return count
        return 0

    @staticmethod
    def _parts(key: Key, key_style: Style, description_style: Style,
               bare: bool = False) -> list[tuple[str, Style]]:
        if not key.enabled:
            key_style, description_style = key_style + DIM, description_style + DIM
        parts: list[tuple[str, Style]] = [(f" {key.display} ", key_style)]
        if key.description and not bare:
            parts.append((f"{key.description} ", description_style))
        return parts

    # ------------------------------------------------------------ mouse
    def _key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if key != self._hover:
            self._hover = key
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_resize(self) -> None:
        self.refresh()
