"""Pictures of the screens a shop's front desk uses first, in Spanish, Brazilian Portuguese and
French, at 120x40 on the demo shop with the clock, time zone and locale pinned (tests/conftest.py):
the dashboard, the quick capture form, an incident and the evidence map. Each was looked at before it
was accepted: no English word left but names and identifiers. The demo shop is made in the language
shown, as `vse-tui --lang es demo` makes it: its records are written in that language (the same year
as the English demo's, the same draws, other words). Regenerate with --snapshot-update after
checking the report."""

import os
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from vse_tui import i18n
from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store

SIZE = (120, 40)
LANGUAGES = ("es", "pt_BR", "fr")
# what the front desk types as a call's summary, in its language
TYPED = {"es": "Servidor de correo caído - Acme", "pt_BR": "Servidor de e-mail fora do ar - Acme",
         "fr": "Serveur de courriel en panne - Acme"}


@pytest.fixture(params=LANGUAGES)
def app_in(request, tmp_path_factory, tmp_path):
    """The demo shop made in one language, and its app speaking that language (chosen before the
    app is made, as the command line does). Each language's demo is built once for the run."""
    from datetime import date

    from tests.conftest import AS_OF, FROZEN_NOW, shared_build
    from vse_tui.demo import install_demo, make_demo
    from vse_tui.session import identify

    language = request.param

    def build(folder: Path) -> None:
        os.environ["VSE_TUI_NOW"] = FROZEN_NOW
        built, _counts = make_demo(folder / "demo.db", as_of=date.fromisoformat(AS_OF), language=language)
        install_demo(built, folder / "demo.db", keep_previous=False)

    built = shared_build(tmp_path_factory, f"demo-{language}", build) / "demo.db"
    demo_db = tmp_path / "demo.db"
    shutil.copy(built, demo_db)
    i18n.set_language(language)
    store = open_store(demo_db, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    identify(store)
    yield VseApp(store, Config(operator="Kim Lee"))
    store.close()
    i18n.set_language("en")


async def _at_rest(pilot) -> None:
    """The models' warm-up and every reading thread done, no blinking cursor: a busy machine takes
    the same picture as an idle one."""
    import time

    end = time.monotonic() + 180
    while not pilot.app.warm and time.monotonic() < end:
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def _dashboard_counted(pilot) -> None:
    """The dashboard once the evidence and the breaches are counted (both fill in from threads)."""
    import asyncio
    import time

    from vse_tui.i18n import _

    def filled() -> bool:
        screen = pilot.app.screen
        setup, trends = (str(screen.query_one(f"#{name}").content) for name in ("setup", "trends"))
        return _("Tasks done (the evidence map's rules):") in setup and _("restored with a target missed") in trends

    end = time.monotonic() + 180
    while not (pilot.app.warm and filled()) and time.monotonic() < end:
        await pilot.pause(0.05)
    assert filled(), "the dashboard never finished counting"
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await asyncio.sleep(0)


def test_dashboard(snap_compare, app_in):
    assert snap_compare(app_in, run_before=_dashboard_counted, terminal_size=SIZE)


def test_capture_form(snap_compare, app_in):
    async def before(pilot):
        await pilot.press("i", "n", *list(TYPED[i18n.language()]))
        await _at_rest(pilot)

    assert snap_compare(app_in, run_before=before, terminal_size=SIZE)


def test_incident(snap_compare, app_in):
    async def before(pilot):
        await pilot.pause()
        pilot.app.open_record("INC-0288")  # a security incident, closed, with its history
        await _at_rest(pilot)

    assert snap_compare(app_in, run_before=before, terminal_size=SIZE)


def test_evidence_map(snap_compare, app_in):
    async def before(pilot):
        await _at_rest(pilot)
        await pilot.press("e")
        await _at_rest(pilot)

    assert snap_compare(app_in, run_before=before, terminal_size=SIZE)
