"""A pseudo-language, `en_XA`, made on the fly from the English texts (never stored): every message
accented, about 40 % longer, and held between « and ». Run a screen in it and what is wrong shows:
a text with « but no » was cut or overflowed its box; a plain English word was never wrapped for
translation. `vse-tui --lang en_XA` shows it by hand; tests/ui/test_i18n_pseudo.py runs every screen.
Fields (`{ref}`, `%(n)s`) and markup (`[b]`) are kept as they are, so the message still works.
"""

from __future__ import annotations

import re

PSEUDO = "en_XA"
OPEN, CLOSE = "«", "»"
_ACCENTS = str.maketrans("aeiouyAEIOUYcnCNszSZ", "àéîõüýÀÉÎÕÜÝçñÇÑšžŠŽ")
_KEEP = re.compile(r"(\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]|\[/?[a-z@#$][^\]]*\]|\[/\]|\\n|\n)")
_PAD = "~"


def pseudo(message: str) -> str:
    """The pseudo-translation of one message: accented, 40 % longer, between « and »."""
    if not message.strip():
        return message
    parts = _KEEP.split(message)
    letters = 0
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a field or markup: kept
            out.append(part)
        else:
            out.append(part.translate(_ACCENTS))
            letters += len(part)
    padding = _PAD * max(1, round(letters * 0.4) - 2)
    return OPEN + "".join(out) + padding + CLOSE
