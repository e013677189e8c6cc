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

from vse_tui.i18n import _, pgettext

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


def short_word(action: str) -> str | None:
    """What a key to a process says where its name has no room: a shortened word of the language
    spoken ("Gouv." for Gouvernance), never the process's code (a code, not a word, to whoever reads
    the bar); None for a key without one."""
    words = {"go('governance')": pgettext("key bar, short", "Gov."),
             "go('control')": pgettext("key bar, short", "Contr."),
             "go('relationship')": pgettext("key bar, short", "Rel."),
             "go('incidents')": pgettext("key bar, short", "Inc.")}
    return words.get(action)


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
        self._spans: list[tuple[int, int, int, Key]] = []  # (row, start, end, key) of each key as drawn
        self.drawn: list[tuple[Key, bool]] = []  # the keys drawn, in order, each with whether its words are
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
            self._fit_height()
            self.refresh()

    # ------------------------------------------------------------ drawing
    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        hover_style = self.get_component_rich_style("key-footer--hover")
        width = self.size.width
        rows, right = self._layout(width)
        self.drawn = [(key, not bare) for row in rows for key, bare in row]
        spans: list[tuple[int, int, int, Key]] = []
        text = Text(no_wrap=True, overflow="crop")
        for y, row in enumerate(rows):
            line = Text(no_wrap=True, overflow="crop")
            for key, bare in row:
                start = line.cell_len
                line.append_text(Text.assemble(*self._parts(key, key_style, description_style, bare)))
                if key == self._hover:
                    line.stylize(hover_style, start, line.cell_len)
                spans.append((y, start, line.cell_len, key))
            if y == 0 and self.palette is not None:
                room = max(0, width - self._palette_width(right))
                line.append(" " * max(0, room - line.cell_len))
                start = line.cell_len
                line.append_text(Text.assemble(("▏", "dim"), *self._parts(self.palette, key_style, description_style,
                                                                           not right)))
                if self.palette == self._hover:
                    line.stylize(hover_style, start + 1, line.cell_len)
                spans.append((y, start + 1, line.cell_len, self.palette))
            if y:
                text.append("\n")
            text.append_text(line)
        self._spans = spans
        return text

    def _palette_width(self, worded: bool) -> int:
        if self.palette is None:
            return 0
        return 1 + (self._width(self.palette) if worded else self._bare_width(self.palette))

    def _layout(self, width: int) -> tuple[list[list[tuple[Key, bool]]], bool]:
        """The rows of the bar (one, or two when the screen's own keys need them to keep their words)
        and whether the palette key keeps its word. Every key drawn says what it does: the screen's
        own keys (its next steps first) all, `?` always (it lists every key); the app's keys, the same
        on every screen, as many as there is room for, the most used first. Only when even two rows
        cannot hold the own keys' words do the last of them go alone."""
        keys = self.keys
        if sum(map(self._width, keys)) > width - self._palette_width(True):  # short of room: what can be done now
            keys = tuple(k for k in keys if k.enabled)
        own = [k for k in keys if k.own]
        helper = [k for k in keys if not k.own and k.action == "keys"]
        apps = sorted((k for k in keys if not k.own and k.action != "keys"),
                      key=lambda k: KEPT_LONGEST.index(k.action) if k.action in KEPT_LONGEST else len(KEPT_LONGEST))
        most = self._most_rows()
        for rows_allowed in range(1, most + 1):
            for worded_palette in (True, False):
                rooms = [width - self._palette_width(worded_palette)] + [width] * (rows_allowed - 1)
                if self._pack(own + helper, rooms) is None:
                    continue
                # the app's keys where they fit, with their words or their short ones (Gov. for
                # Governance), on the own keys' rows, else on one more (never past the second)
                for extra in range(0, 2 if rows_allowed < min(2, most) else 1):
                    wider = rooms + [width] * extra
                    chosen = self._fit_apps(keys, own + helper, apps, wider)
                    if len(chosen) == len(apps) or extra or rows_allowed >= min(2, most):
                        break
                packed = self._pack([k for k in self._in_order(keys, chosen) if k.own or k in helper or k in chosen],
                                    wider)
                if packed is not None:
                    return [[(k, False) for k in row] for row in packed], worded_palette
        # not even the rows allowed hold the own keys' words: the first keep them, the rest go alone
        rooms = [width - self._palette_width(False)] + [width] * (most - 1)
        shown = own + helper
        for words in range(len(own), -1, -1):
            rows = self._pack_plan([(k, i >= words and k.own) for i, k in enumerate(shown)], rooms)
            if rows is not None:
                return rows, False
        return [[(k, True) for k in shown]], False

    @classmethod
    def _in_order(cls, keys: tuple[Key, ...], chosen: list[Key]) -> list[Key]:
        """The bar's keys in its order, each app key as chosen (its words or its short ones)."""
        by_action = {k.action: k for k in chosen}
        return [by_action.get(k.action, k) if not k.own else k for k in keys]

    def _fit_apps(self, keys: tuple[Key, ...], fixed: list[Key], apps: list[Key], rooms: list[int]) -> list[Key]:
        chosen: list[Key] = []
        for key in apps:  # the most used first
            short = short_word(key.action)
            for variant in (key, key._replace(description=short)) if short else (key,):
                trial = [k for k in self._in_order(keys, [*chosen, variant])
                         if k in fixed or k in chosen or k == variant]
                if self._pack(trial, rooms) is not None:
                    chosen.append(variant)
                    break
        return chosen

    def _most_rows(self) -> int:
        """More than one row only where the screen has rows to spare: two from 18 rows, three from 24
        (an incident's dozen keys, with their words, at 80x24)."""
        height = self.app.size.height
        return 3 if height >= 24 else 2 if height >= 18 else 1

    @classmethod
    def _pack(cls, keys: list[Key], rooms: list[int]) -> list[list[Key]] | None:
        rows = cls._pack_plan([(k, False) for k in keys], rooms)
        return None if rows is None else [[k for k, _bare in row] for row in rows]

    @classmethod
    def _pack_plan(cls, plan: list[tuple[Key, bool]], rooms: list[int]) -> list[list[tuple[Key, bool]]] | None:
        """The keys laid over rows of the given widths, each in the first row with room for it (so
        the first keys, the next steps, stay first), or None when they do not fit."""
        rows: list[list[tuple[Key, bool]]] = [[] for _room in rooms]
        used = [0] * len(rooms)
        last_own = 0  # the app's keys come after the screen's own, on their last row or later
        for key, bare in plan:
            size = cls._bare_width(key) if bare else cls._width(key)
            first = 0 if key.own else last_own
            row = next((i for i, room in enumerate(rooms) if i >= first and used[i] + size <= room), None)
            if row is not None and key.own:
                last_own = max(last_own, row)
            if row is None:
                return None
            rows[row].append((key, bare))
            used[row] += size
        return [row for row in rows if row] or [[]]

    def _fit_height(self) -> None:
        rows, _worded = self._layout(self.size.width or self.app.size.width)
        height = max(1, len(rows))
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    @staticmethod
    def _width(key: Key) -> int:
        return len(key.display) + 2 + (len(key.description) + 1 if key.description else 0)

    @staticmethod
    def _bare_width(key: Key) -> int:
        return len(key.display) + 2

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
    def _key_at(self, x: int, y: int = 0) -> Key | None:
        return next((key for row, start, end, key in self._spans if row == y and start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x, event.y)
        if key != self._hover:
            self._hover = key
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x, event.y)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_resize(self) -> None:
        self._fit_height()
        self.refresh()
