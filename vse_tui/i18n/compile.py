"""Compile the `.po` catalogues to `.mo`: when the package is built (hatch_build.py loads this file
by its path, so that building needs nothing but the standard library) and by hand in development:

    python -m vse_tui.i18n.compile            # every locale/<language>/LC_MESSAGES/<area>.po

The `.mo` is GNU gettext's binary format, as msgfmt and Babel write it (magic, revision 0, the
sorted originals and their translations; a plural's forms joined by NUL, a context as
"context EOT msgid"). Untranslated and fuzzy messages are left out, as msgfmt does.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


def _unquote(text: str) -> str:
    """A .po string's value: "..." with C escapes (read by Python's own literal reader only when
    there is an escape in it: most lines have none, and the reader is slow)."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted text: {text!r}")
    inner = text[1:-1]
    if "\\" not in inner:
        return inner
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"not a quoted text: {text!r}")
    return value


def read_po(text: str) -> dict[str, tuple[str, list[str]]]:
    """msgid key (context EOT msgid) -> (msgid_plural or "", the forms); fuzzy entries left out
    (the header excepted). The same reading as vse_tui.i18n.parse_po, kept here so that this file
    stands alone."""
    out: dict[str, tuple[str, list[str]]] = {}
    entry: dict[str, str] = {}
    forms: dict[int, str] = {}
    current: tuple[str, int] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, forms, fuzzy
        if "msgid" in entry and (not fuzzy or entry["msgid"] == ""):
            key = entry["msgid"]
            if "msgctxt" in entry:
                key = entry["msgctxt"] + "\x04" + key
            values = [forms[i] for i in sorted(forms)] if forms else [entry.get("msgstr", "")]
            out[key] = (entry.get("msgid_plural", ""), values)
        entry, forms, fuzzy = {}, {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                if "msgid" in entry:
                    flush()
                fuzzy = True
            continue
        if line.startswith('"') and current is not None:
            name, index = current
            if name == "msgstr[]":
                forms[index] += _unquote(line)
            else:
                entry[name] += _unquote(line)
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and ("msgstr" in entry or forms or (keyword == "msgctxt" and "msgid" in entry)):
            flush()
        if keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            forms[index] = _unquote(rest)
            current = ("msgstr[]", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            entry[keyword] = _unquote(rest)
            current = (keyword, 0)
        else:
            raise ValueError(f"a .po line not understood: {raw!r}")
    flush()
    return out


def mo_bytes(po_text: str) -> bytes:
    """The `.mo` of a `.po` file's text."""
    pairs: list[tuple[bytes, bytes]] = []
    for key, (plural, forms) in read_po(po_text).items():
        if key and not all(forms):
            continue  # untranslated (or a plural with a form missing): English is shown
        source = key if not plural else key + "\x00" + plural
        pairs.append((source.encode("utf-8"), "\x00".join(forms).encode("utf-8")))
    pairs.sort()
    count = len(pairs)
    start_originals = 7 * 4
    start_translations = start_originals + count * 8
    start_data = start_translations + count * 8
    originals = b""
    translations = b""
    original_table: list[int] = []
    for original, _translation in pairs:
        original_table += [len(original), start_data + len(originals)]
        originals += original + b"\x00"
    translation_start = start_data + len(originals)
    translation_table: list[int] = []
    for _original, translation in pairs:
        translation_table += [len(translation), translation_start + len(translations)]
        translations += translation + b"\x00"
    header = struct.pack("<7I", 0x950412DE, 0, count, start_originals, start_translations, 0, 0)
    return (header + struct.pack(f"<{2 * count}I", *original_table) + struct.pack(f"<{2 * count}I", *translation_table)
            + originals + translations)


def compile_all(source: Path = LOCALE_DIR, target: Path | None = None) -> list[Path]:
    """Write `<area>.mo` for every `<area>.po` under `source` (beside it, or under `target` with the
    same layout). Returns the files written."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        out = (target / po.relative_to(source) if target else po).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(mo_bytes(po.read_text(encoding="utf-8")))
        written.append(out)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(path, file=sys.stderr)
