"""User text never reaches the terminal as a command. Rich and Textual drop only a few control
characters (bell, backspace, vertical tab, form feed, carriage return) from the text they render
and pass the others through, ESC included: a summary holding an OSC sequence would set the
window title or write the clipboard. Every control character (and bidi override) is shown
visibly instead, the way the command line shows it (`^[`), in every widget, palette and toast
alike, because it happens where both libraries turn text into what they draw."""

from __future__ import annotations

from ..core.kernel.text import visible_table

_DONE = False


def show_controls_visibly() -> None:
    """Make Rich's and Textual's control-character tables show every control visibly (idempotent)."""
    global _DONE
    if _DONE:
        return
    import rich.control
    import textual.content

    table = visible_table()
    for module, name in ((rich.control, "_CONTROL_STRIP_TRANSLATE"), (textual.content, "_CONTROL_STRIP_TRANSLATE")):
        current = getattr(module, name)
        current.clear()  # the dict each function took as its default argument: changed in place
        current.update(table)
    _DONE = True


__all__ = ["show_controls_visibly"]
