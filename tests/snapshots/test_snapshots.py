"""Pictures of the main screens at 120x40 on the demo shop, with the clock, time zone and locale
pinned (see tests/conftest.py). Regenerate with --snapshot-update after checking the report."""

import pytest
from textual.widgets import Input

from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store

SIZE = (120, 40)


@pytest.fixture
def demo_app(demo_db):
    store = open_store(demo_db, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    yield VseApp(store, Config(operator="Kim Lee"))
    store.close()


async def _no_blink(pilot):
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_dashboard(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE)


def test_incident_list(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["i"], terminal_size=SIZE)


def test_capture_form(snap_compare, demo_app):
    async def before(pilot):
        await pilot.press("i", "n", *list("Mail server down - Acme"))
        await _no_blink(pilot)

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


def test_incident_detail(snap_compare, demo_app):
    async def before(pilot):
        await pilot.pause()
        pilot.app.open_record("INC-0290")
        await pilot.pause()

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)
