"""The key a screen's action is bound to, as the user's keymap has it: every hint written on a
screen, in a form or in a small window is built from it, so a key remapped in the config shows
right everywhere."""

from __future__ import annotations

from rich.text import Text
from textual.keys import format_key
from textual.widgets import Static

from vse_tui.i18n import SOURCE_LANGUAGE, language, pgettext


def _named(key: str) -> str | None:
    """A key that has a name on the keyboard, as the language spoken names it; None for another."""
    names = {"escape": pgettext("key", "Esc"), "enter": pgettext("key", "Enter"), "tab": pgettext("key", "Tab"),
             "space": pgettext("key", "Space"), "delete": pgettext("key", "Del"),
             "backspace": pgettext("key", "Backspace"), "home": pgettext("key", "Home"),
             "end": pgettext("key", "End"), "pagedown": pgettext("key", "PgDn"), "pageup": pgettext("key", "PgUp"),
             "insert": pgettext("key", "Ins"), "question_mark": "?", "slash": "/"}
    return names.get(key)


def key_name(key: str) -> str:
    """One key as a person of the language spoken reads it: "Enter"/"Entrée", "Esc"/"Échap",
    "Shift+Tab"/"Maj+Tab", ctrl+s as ^s, arrows as arrows, never a key's name such as
    "question_mark". Every place that shows a key (the key bar, `?`, a form's hints, a sentence
    naming a key) names it here."""
    *modifiers, base = key.strip().split("+") if key.strip() != "+" else ["+"]
    name = _named(base) or format_key(base)
    words = {"shift": pgettext("key", "Shift"), "alt": pgettext("key", "Alt")}
    prefix = "^" if "ctrl" in modifiers else ""
    return prefix + "+".join([words.get(m, m) for m in modifiers if m != "ctrl"] + [name])


def key_label(keys: str) -> str:
    """A binding's keys ("escape,q") as a person reads them, each `key_name`: "Esc, q"."""
    return ", ".join(key_name(k) for k in keys.split(","))


def key_display(key: str, textual: str | None = None) -> str:
    """A key as the key bar and the hints show it: in English the compact form Textual gives
    (`textual`, else worked out as Textual does: "esc", "enter", "^s": the screens as they always
    were), in another language the key's `key_name` ("Échap", "Entrée")."""
    if language() != SOURCE_LANGUAGE:
        return key_name(key)
    if textual is not None:
        return textual
    *modifiers, base = key.strip().split("+") if key.strip() != "+" else ["+"]
    shown = format_key(base)
    prefix = "^" if "ctrl" in modifiers else ""
    return prefix + "+".join([m for m in modifiers if m != "ctrl"] + [shown])


def key_word(key: str) -> str:
    """A key named inside a hint's sentence ("enter takes · esc keeps"): in English the lower-case
    word the hints always used, in another language its `key_name` ("Entrée prend · Échap garde")."""
    if language() == SOURCE_LANGUAGE:
        return {"escape": "esc"}.get(key, key)
    return key_name(key)


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


__all__ = ["KeyHint", "hint_text", "key_display", "key_label", "key_name", "key_of", "key_word"]
