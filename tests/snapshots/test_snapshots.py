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
    from vse_tui.session import identify

    store = open_store(demo_db, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    identify(store)  # the login kim is Kim Lee's in the demo shop
    yield VseApp(store, Config(operator="Kim Lee"))
    store.close()


async def _settled(pilot):
    """Once the start's warm-up has loaded the models and the evidence and the breaches are counted
    (both fill in from threads after the first paint: the picture waits for the text, not a delay)."""
    import asyncio

    def filled() -> bool:
        screen = pilot.app.screen
        setup, trends = (str(screen.query_one(f"#{name}").content) for name in ("setup", "trends"))
        return "Tasks done" in setup and "restored with a target missed" in trends

    import time

    end = time.monotonic() + 180  # however busy the machine: the picture waits for the text
    while not (pilot.app.warm and filled()) and time.monotonic() < end:
        await pilot.pause(0.05)
    assert filled(), "the dashboard never finished counting"
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await asyncio.sleep(0)


async def _no_blink(pilot):
    """No blinking cursor, and the app at rest: the models' warm-up and every reading thread done,
    so a busy machine takes the same picture as an idle one."""
    import time

    end = time.monotonic() + 180
    while not pilot.app.warm and time.monotonic() < end:
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_dashboard(snap_compare, demo_app):
    assert snap_compare(demo_app, run_before=_settled, terminal_size=SIZE)


def test_incident_list(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["i"], terminal_size=SIZE)


def test_capture_form(snap_compare, demo_app):
    async def before(pilot):
        await pilot.press("i", "n", *list("Mail server down - Acme"))
        await _no_blink(pilot)

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


def test_capture_form_picking_a_customer(snap_compare, demo_app):
    """A picker open in place: the filter typed so far and the matches under it."""

    async def before(pilot):
        await pilot.press("i", "n", *list("Printer jam"), "tab", "r", "i")
        await _no_blink(pilot)

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


def test_incident_detail(snap_compare, demo_app):
    async def before(pilot):
        await pilot.pause()
        pilot.app.open_record("INC-0288")  # a security incident, closed (no item linked: uuids differ per build)
        await pilot.pause()

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


@pytest.fixture
def first_start(tmp_path):
    """A new shop's first start: nobody is known yet."""
    store = open_store(tmp_path / "new.db", Actor(operator="kim", os_user="kim", host="laptop"))
    yield VseApp(store, Config())
    store.close()


def test_who_is_at_the_keyboard_on_the_first_start(snap_compare, first_start):
    async def before(pilot):
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*list("Kim Lee"))
        await _no_blink(pilot)

    assert snap_compare(first_start, run_before=before, terminal_size=SIZE)


@pytest.fixture
def empty_app(tmp_path):
    """A new shop whose owner has said who she is (the first start's question)."""
    from vse_tui.core.governance.roles import add_person

    store = open_store(tmp_path / "new.db", Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    add_person(store, "Kim Lee", roles="SM,MGT", os_user="kim")
    yield VseApp(store, Config(operator="Kim Lee"))
    store.close()


def test_wizard_first_step(snap_compare, empty_app):
    async def before(pilot):
        await pilot.pause()
        await _no_blink(pilot)  # the focused field's cursor drawn the same on a busy machine

    assert snap_compare(empty_app, run_before=before, terminal_size=SIZE)


def test_wizard_roles_step_with_a_warning(snap_compare, empty_app):
    from textual.widgets import Checkbox

    async def before(pilot):
        from vse_tui.core.governance import process as gov

        store = pilot.app.store
        gov.save_goals(store, goals="Keep small offices running", objectives="", provider_type="external",
                       approved=gov.approval(store, None, "signature"))
        gov.save_scope(store, services_offered="Managed workstations", customers="Acme Bakery", boundaries="",
                       technology="", exclusions="", approved=gov.approval(store, None, "signature"))
        await pilot.pause()
        screen = pilot.app.screen
        await screen.show_step(2)
        await pilot.pause()
        screen.query_one("#r0-CM", Checkbox).value = True
        screen.query_one("#r0-IM", Checkbox).value = True
        await pilot.pause()
        await _no_blink(pilot)

    assert snap_compare(empty_app, run_before=before, terminal_size=SIZE)


def test_governance_screen(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["g"], terminal_size=SIZE)


def test_change_list(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["c"], terminal_size=SIZE)


def test_change_request_form(snap_compare, demo_app):
    async def before(pilot):
        import time

        from vse_tui.screens.common.forms import FormScreen

        await pilot.press("c", "a")
        # the form fitted to the screen (its fields' scrollbar shown) before the title is typed:
        # typed into a field not yet at its width (a busy machine), the text scrolls by a letter
        end = time.monotonic() + 180
        while time.monotonic() < end and not (
                isinstance(pilot.app.screen, FormScreen)
                and pilot.app.screen.query_one("#form-fields").styles.max_height is not None):
            await pilot.pause(0.05)
        await _no_blink(pilot)
        await pilot.press(*list("Replace the Wi-Fi access point at Acme"))
        await _no_blink(pilot)

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


def test_change_with_its_path(snap_compare, demo_app):
    async def before(pilot):
        await pilot.pause()
        store = pilot.app.store  # the last emergency change, deployed before its approval
        pilot.app.open_record(store.records("change_requests", {"change_type": "emergency"}, order="-seq", limit=1)[0].id)
        await pilot.pause()

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


def test_month_calendar(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["c", "m"], terminal_size=SIZE)


def test_catalogue(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["r"], terminal_size=SIZE)


def test_agreement(snap_compare, demo_app):
    async def before(pilot):
        await pilot.pause()
        pilot.app.open_record("AGR-0001")
        await pilot.pause()

    assert snap_compare(demo_app, run_before=before, terminal_size=SIZE)


def test_performance_report(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["r", "p", "left_square_bracket"], terminal_size=SIZE)


# The main screens on a small terminal (80x24): nothing cut, the focused field in view
SMALL = (80, 24)


def test_dashboard_at_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, run_before=_settled, terminal_size=SMALL)


def test_incident_list_at_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["i"], terminal_size=SMALL)


def test_incident_detail_at_80x24(snap_compare, demo_app):
    async def before(pilot):
        await pilot.pause()
        pilot.app.open_record("INC-0288")
        await pilot.pause()

    assert snap_compare(demo_app, run_before=before, terminal_size=SMALL)


def test_capture_form_at_80x24(snap_compare, demo_app):
    async def before(pilot):
        await pilot.press("i", "n", *list("Printer jam"))
        await _no_blink(pilot)

    assert snap_compare(demo_app, run_before=before, terminal_size=SMALL)


def test_wizard_roles_step_at_80x24_scrolled_to_the_last_box(snap_compare, empty_app):
    async def before(pilot):
        from vse_tui.core.governance import process as gov

        store = pilot.app.store
        gov.save_goals(store, goals="Keep small offices running", objectives="", provider_type="external",
                       approved=gov.approval(store, None, "signature"))
        gov.save_scope(store, services_offered="Managed workstations", customers="Acme Bakery", boundaries="",
                       technology="", exclusions="", approved=gov.approval(store, None, "signature"))
        await pilot.pause()
        screen = pilot.app.screen
        await screen.show_step(2)
        await pilot.pause()
        screen.query_one("#r0-area-relationship").focus()  # Tab's last stop: scrolled into view
        await pilot.pause()
        await _no_blink(pilot)

    assert snap_compare(empty_app, run_before=before, terminal_size=SMALL)


def test_evidence_map_at_80x24(snap_compare, demo_app):
    async def before(pilot):
        import time

        await pilot.press("e")
        end = time.monotonic() + 180
        while pilot.app.screen.query_one("#evidence").row_count < 40 and time.monotonic() < end:
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(demo_app, run_before=before, terminal_size=SMALL)


def test_performance_report_at_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, press=["r", "p", "left_square_bracket"], terminal_size=SMALL)
