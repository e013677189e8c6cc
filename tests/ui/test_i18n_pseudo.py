"""Every screen in the pseudo-language en_XA (vse_tui.i18n.pseudo: each message accented, 40 %
longer, between « and »), at 80x24 and 120x40: a text opened with « and not closed with » on screen
was cut or overflowed its box; a plain English word on screen was never wrapped for translation.

The shop's own records are written in words no English screen would hold (accented names), so an
English word on screen can only be the app's. While the texts are being wrapped (issue 33), what
each screen still shows in English and how many texts it cuts are listed in
i18n_pseudo_baseline.json: a screen fails on any English word or cut not listed there.
`VSE_TUI_PSEUDO_BASELINE=write pytest tests/ui/test_i18n_pseudo.py` rewrites the list (only to
shorten it)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from vse_tui import i18n
from vse_tui.i18n.pseudo import CLOSE, OPEN

BASELINE = Path(__file__).with_name("i18n_pseudo_baseline.json")
SIZES = ((80, 24), (120, 40))
# the screens a person reaches, each by the keys a person presses from the dashboard
SCREENS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dashboard", ()),
    ("governance", ("g",)),
    ("control", ("c",)),
    ("relationship", ("r",)),
    ("incidents", ("i",)),
    ("incident", ("i", "enter")),
    ("capture", ("n",)),
    ("evidence map", ("e",)),
    ("keys", ("question_mark",)),
    ("wizard", ("g", "w")),
    ("change calendar", ("c", "m")),
    ("feedback", ("r", "f")),
)
# what is not a word of the app's: the product's and the standard's names, the terminal's keys
PROPER = {"vse", "tui", "iso", "iec", "esc", "ctrl", "tab", "enter", "shift", "del", "pgup", "pgdn"}
_ENGLISH = re.compile(r"(?<![\w«-])[A-Za-z]{3,}(?![\w»-])")  # not INC in INC-0001


def _visible_words(lines: list[str]) -> tuple[set[str], int]:
    """English words left outside «...» and the number of texts cut (opened and never closed)."""
    text = "\n".join(lines)
    words: set[str] = set()
    depth = 0
    cut = 0
    outside: list[str] = []
    for ch in text:
        if ch == OPEN:
            depth += 1
        elif ch == CLOSE:
            depth = max(0, depth - 1)
        elif ch == "\n":
            outside.append(" ")
        elif depth == 0:
            outside.append(ch)
    cut = text.count(OPEN) - text.count(CLOSE)
    for word in _ENGLISH.findall("".join(outside)):
        if word.lower() not in PROPER:
            words.add(word)
    return words, max(0, cut)


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _shop(path: Path, make_app):
    """The app on a copy of a small shop: its owner and one incident, in words that are not English."""
    import shutil

    from vse_tui.core.incidents.process import log_incident

    first = path.parent / "shop.db"
    if not first.exists():
        app = make_app(first, operator="Ñandú Pérez")
        log_incident(app.store, "Ímpresora ñ Çà", details="Ñoño çà")
        app.store.close()
    shutil.copy(first, path)
    return make_app(path, operator="Ñandú Pérez")


def _load_baseline() -> dict[str, dict[str, object]]:
    if BASELINE.exists():
        return json.loads(BASELINE.read_text(encoding="utf-8"))
    return {}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_screen_in_the_pseudo_language(make_app, tmp_path, size) -> None:
    found: dict[str, dict[str, object]] = {}
    i18n.set_language(i18n.PSEUDO)
    try:
        for name, keys in SCREENS:
            app = _shop(tmp_path / f"{name}.db", make_app)
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                for key in keys:
                    await pilot.press(key)
                    await pilot.pause()
                await pilot.pause()
                words, cut = _visible_words(_screen_lines(app))
                found[f"{size[0]}x{size[1]} {name}"] = {"english": sorted(words), "cut": cut}
    finally:
        i18n.set_language("en")
    if os.environ.get("VSE_TUI_PSEUDO_BASELINE") == "write":
        known = _load_baseline()
        known.update(found)
        BASELINE.write_text(json.dumps(known, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        return
    known = _load_baseline()
    problems = []
    for screen, got in found.items():
        allowed = known.get(screen, {"english": [], "cut": 0})
        english = sorted(set(got["english"]) - set(allowed["english"]))  # type: ignore[arg-type]
        if english:
            problems.append(f"{screen}: English left on screen: {', '.join(english)}")
        if got["cut"] > allowed["cut"]:  # type: ignore[operator]
            problems.append(f"{screen}: {got['cut']} texts cut or overflowing (« without »), "
                            f"{allowed['cut']} known")
    assert not problems, "\n".join(problems)


def test_the_pseudo_language_keeps_fields_and_markup() -> None:
    from vse_tui.i18n.pseudo import pseudo

    text = pseudo("Incident {ref} [b]closed[/b] after %(n)s days")
    assert text.startswith(OPEN) and text.endswith(CLOSE)
    assert "{ref}" in text and "[b]" in text and "[/b]" in text and "%(n)s" in text
    assert "Incident" not in text and len(text) >= 1.35 * len("Incident {ref} [b]closed[/b] after %(n)s days") - 12
    words, cut = _visible_words(["«Ñàmé~~» Open «cut off"])
    assert words == {"Open"} and cut == 1
