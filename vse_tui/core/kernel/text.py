"""User text is data: shown as typed, never as a terminal command, markup or formula.

`visible` makes control characters visible (ESC as ``^[``, a C1 control as ``\\x9b``, a bidi
override as ``\\u202e``) so that a summary cannot set the window title, write the clipboard, clear
the screen or reorder what the reader sees. `json_safe` does the same for JSON text (which
already escapes C0 controls but passes C1 and bidi controls through)."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_NL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _show(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code == 0x0A:
        return "↵"
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible_table() -> dict[int, str]:
    """codepoint -> how it is shown, for every character `visible` replaces (newline and tab kept):
    a str.translate table, for the renderers that translate rather than substitute."""
    codes = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    return {c: _CONTROL.sub(_show, chr(c)) for c in codes}


def visible(text: str | None, keep_newlines: bool = True) -> str:
    """`text` with every control character shown as printable characters; newlines kept (or shown
    as ↵ when a value must stay on one line)."""
    if not text:
        return "" if text is None else text
    pattern = _CONTROL if keep_newlines else _CONTROL_NL
    return pattern.sub(_show, text) if pattern.search(text) else text


def one_line(text: str | None) -> str:
    return visible(text, keep_newlines=False)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text with the controls JSON leaves raw escaped as \\uXXXX (still the same JSON value)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text or ""))


__all__ = ["has_control", "json_safe", "one_line", "visible"]


_IRREGULAR = {"person": "people", "entry": "entries", "summary": "summaries", "ticket": "tickets"}


def plural(word: str, n: int = 2) -> str:
    """'entry' -> 'entries', 'Schedule entry' -> 'Schedule entries', 'record' -> 'records'; the word
    itself when n is 1."""
    if n == 1 or not word:
        return word
    head, _sep, last = word.rpartition(" ")
    lower = last.lower()
    if lower in _IRREGULAR:
        out = _IRREGULAR[lower]
        out = out[0].upper() + out[1:] if last[0].isupper() else out
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        out = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "ch", "sh")):
        out = last + "es" if not lower.endswith("s") else last
    else:
        out = last + "s"
    return f"{head} {out}" if head else out


def count(n: int, word: str) -> str:
    """'1 record', '2 records', '0 entries'."""
    return f"{n} {plural(word, n)}"
