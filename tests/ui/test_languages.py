"""The screens in another language: every text of the screens, widgets and app is in each
language's catalogue, the yes key of a question is the language's own, a list's header is never cut."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vse_tui import i18n
from vse_tui.screens.common.forms import ConfirmScreen

ROOT = Path(i18n.__file__).parents[1]
AREA = [ROOT / "screens", ROOT / "widgets", ROOT / "app.py"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def marked_texts() -> set[tuple[str, str, str]]:
    """(context, singular, plural) of every literal text the screens, widgets and app mark."""
    found: set[tuple[str, str, str]] = set()
    files = [p for place in AREA for p in ([place] if place.is_file() else sorted(place.rglob("*.py")))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if node.func.id in ("_", "N_") and args and args[0] is not None:
                found.add(("", args[0], ""))
            elif node.func.id == "ngettext" and len(args) >= 2 and None not in args[:2]:
                found.add(("", str(args[0]), str(args[1])))
            elif node.func.id == "pgettext" and len(args) >= 2 and None not in args[:2]:
                found.add((str(args[0]), str(args[1]), ""))
    return found


@pytest.fixture
def speaking():
    def speak(language: str) -> None:
        i18n.set_language(language)

    yield speak
    i18n.set_language("en")


@pytest.mark.parametrize("language", ["es", "pt_BR", "fr"])
def test_every_text_of_the_screens_is_translated(language: str) -> None:
    path = ROOT / "i18n" / "locale" / language / "LC_MESSAGES" / "screens.po"
    messages, header = i18n.parse_po(path.read_text(encoding="utf-8"))
    assert "nplurals=3" in header
    texts = marked_texts()
    assert len(texts) > 800  # the extraction itself works
    missing, wrong = [], []
    for context, singular, plural in sorted(texts):
        key = f"{context}\x04{singular}" if context else singular
        forms = messages.get(key)
        if not forms or not all(forms):
            missing.append(singular)
            continue
        wanted = set(PLACEHOLDER.findall(singular + plural))
        if plural and len(forms) != 3:
            wrong.append((singular, forms))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != wanted and not (plural and set(PLACEHOLDER.findall(form)) <= wanted):
                wrong.append((singular, form))
    assert not missing, f"not translated in {language}: {missing[:10]}"
    assert not wrong, f"placeholders or plural forms wrong in {language}: {wrong[:10]}"


async def test_a_question_takes_the_yes_key_of_the_language(tmp_path, make_app, speaking) -> None:
    speaking("fr")
    app = make_app(tmp_path / "t.db")
    answers: list[bool | None] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ConfirmScreen(i18n._("Discard what you typed?")), answers.append)
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Abandonner ce que vous avez saisi ?" in shown and "o oui" in shown
        await pilot.press("o")  # oui
        await pilot.pause()
        app.push_screen(ConfirmScreen("?"), answers.append)
        await pilot.pause()
        await pilot.press("y")  # y answers yes in every language
        await pilot.pause()
        app.push_screen(ConfirmScreen("?"), answers.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert answers == [True, True, False]


async def test_the_dashboard_speaks_spanish_and_cuts_no_header(tmp_path, make_app, speaking) -> None:
    from vse_tui.widgets.rowlist import RowList

    speaking("es")
    app = make_app(tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#open-incidents", RowList)
        header = table._line_text(tuple(i18n._(label) for label, _width in table.columns)).plain
        assert "quién" in header and "resumen" in header  # "who" is three letters wide in English
        keys = app.screen.query_one("KeyFooter").render().plain
        assert "Tablero" in keys and "Dashboard" not in keys


async def test_an_incident_s_next_step_reads_its_reasons_by_kind_in_spanish(tmp_path, make_app, speaking) -> None:
    """The incident screen sorts what IN.2.1 lacks by the kind of each reason, never by its English
    words: in Spanish, a writer who held none of the incident roles is said as such (no edit mends
    it), not as a field to fill in with E."""
    from vse_tui.core.governance.roles import add_person
    from vse_tui.core.incidents import process as incidents
    from vse_tui.screens.incidents.detail import IncidentDetailScreen
    from vse_tui.store import Actor, open_store

    from .conftest import until, widget_text

    path = tmp_path / "t.db"
    store = open_store(path, Actor(operator="Pat Doe", os_user="pat", host="laptop"))
    pat, _ = add_person(store, "Pat Doe", roles="MGT", os_user="pat")
    store.actor = store.actor.as_person(pat.uuid, pat.name)
    inc = incidents.log_incident(store, "La impresora no imprime", reporter="Ana", reporter_contact="555-0101")
    store.close()
    speaking("es")
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_record(inc.id)
        await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.incident)
        why = widget_text(app, "#why")
        assert "IN.2.1: Pat Doe" in why, why
        assert not [line for line in why.splitlines() if "le falta" in line and "Pat Doe" in line], why
