"""Pictures of the screens a shop's front desk uses first, in Spanish, Brazilian Portuguese and
French, at 120x40 on the demo shop with the clock, time zone and locale pinned (tests/conftest.py):
the dashboard, the quick capture form, an incident and the evidence map. Each was looked at before it
was accepted: no English word left but names and identifiers (the demo shop's own records are
written in English: they are data, shown as stored). Regenerate with --snapshot-update after
checking the report."""

import pytest
from textual.widgets import Input

from vse_tui import i18n
from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store

SIZE = (120, 40)
LANGUAGES = ("es", "pt_BR", "fr")


@pytest.fixture(params=LANGUAGES)
def app_in(request, demo_db):
    """The demo shop's app, speaking one language (chosen before the app is made, as the command
    line does)."""
    from vse_tui.session import identify

    i18n.set_language(request.param)
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
        await pilot.press("i", "n", *list("Mail server down - Acme"))
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
