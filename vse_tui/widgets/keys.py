"""The key a screen's action is bound to, as the user's keymap has it: every hint written on a
screen, in a form or in a small window is built from it, so a key remapped in the config shows
right everywhere."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def key_of(screen, action: str, shown: bool = False) -> str:
    """The key (as the key bar shows it) that runs `action` on `screen`, or "?" if none does;
    `shown`: the one the key bar shows, where a hidden one does the same (n, not ctrl+n)."""
    for _key, binding, _enabled, _tooltip in screen.active_bindings.values():
        if binding.action == action and (binding.show or not shown):
            return screen.app.get_key_display(binding)
    if shown:  # not active yet (the screen is still being mounted): the app's own, as remapped
        for bindings in screen.app._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.action == action and binding.show:
                    return screen.app.get_key_display(binding)
        return key_of(screen, action)
    for binding in getattr(screen, "BINDINGS", ()):
        if getattr(binding, "action", None) == action:
            return screen.app.get_key_display(binding)
    return "?"


def hint_text(screen, pairs: list[tuple[str, str]], extra: str = "") -> str:
    """"^s Save · esc Cancel" from (action, what it does) pairs, with the keys the user's keymap has
    (an action written "key:s" is that key itself)."""
    parts = [f"{action[4:] if action.startswith('key:') else key_of(screen, action)} {what}" for action, what in pairs]
    return " · ".join(parts + ([extra] if extra else []))


class KeyHint(Static):
    """A line of key hints under a form or a small window, written once its screen is up (so the
    keys are the ones bound there, remapped or not)."""

    DEFAULT_CSS = "KeyHint { color: $text-muted; height: auto; }"

    def __init__(self, pairs: list[tuple[str, str]], extra: str = "", **kwargs) -> None:
        super().__init__("", **kwargs)
        self.pairs, self.extra = pairs, extra

    def on_mount(self) -> None:
        self.call_after_refresh(self.show_keys)

    def show_keys(self, pairs: list[tuple[str, str]] | None = None, extra: str | None = None) -> None:
        if pairs is not None:
            self.pairs = pairs
        if extra is not None:
            self.extra = extra
        self.update(Text(hint_text(self.screen, self.pairs, self.extra)))


__all__ = ["KeyHint", "hint_text", "key_of"]
