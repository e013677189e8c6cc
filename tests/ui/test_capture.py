"""Quick capture makes a complete incident in a few keys: the summary, the caller (one of the
customers' contacts, or a new one typed in with a phone or e-mail), details; the customer comes from
the caller; nothing is chosen silently (the last customer and service are offered first)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.governance.roles import add_person
from vse_tui.screens.incidents.capture import QuickCapture
from vse_tui.widgets.picker import Picker

from .conftest import SIZE


def _shop(store):
    from vse_tui.core.model.records import Customer, Service

    acme = store.add(Customer(name="Acme Bakery"))
    bolt = store.add(Customer(name="Bolt Logistics"))
    store.add(Service(name="E-mail", status="approved"))
    add_person(store, "Dana Wells", phone="+44 20 7946 0101", organisation=acme.uuid, affiliation="customer")
    add_person(store, "Dan Brook", email="dan@bolt.example", organisation=bolt.uuid, affiliation="customer")
    return acme, bolt


def _record_complete(store) -> bool:
    """IN.2.1's evidence finds every item the record needs (its inputs, the agreements, are another matter)."""
    task = next(t for t in evidence_map(store) if t.task == "IN.2.1")
    return not any("not recorded" in line for line in task.missing)


async def test_a_call_from_a_known_contact_is_complete_for_the_evidence(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    acme, _ = _shop(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Mail is down", "tab", *"dana", "enter")
        await pilot.pause()
        assert app.screen.query_one("#customer", Picker).value == acme.uuid  # filled from the caller
        await pilot.press("tab", *"Outlook says disconnected since 9:10", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)
    inc = app.store.records("incidents")[0]
    assert (inc.reporter, inc.reporter_contact, inc.customer) == ("Dana Wells", "+44 20 7946 0101", acme.uuid)
    assert inc.details == "Outlook says disconnected since 9:10"
    assert _record_complete(app.store)


async def test_the_callers_list_narrows_over_the_chosen_customers_contacts_first(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    _, bolt = _shop(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Parcel labels do not print", "tab", "tab", "tab", *"bolt", "enter")
        await pilot.pause()
        assert app.screen.query_one("#customer", Picker).value == bolt.uuid
        picker = app.screen.query_one("#caller", Picker)
        labels = [label for _value, label in picker.search("da")]
        assert labels[0].startswith("Dan Brook · Bolt Logistics · dan@bolt.example")
        assert any(label.startswith("Dana Wells · Acme Bakery · +44") for label in labels)


async def test_a_new_caller_is_typed_inline_with_a_phone_or_email_and_kept_as_a_contact(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    acme, _ = _shop(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Till printer offline", "tab", *"Lee Park", "enter")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "reach"  # asked at once, beside the name
        await pilot.press("ctrl+s")  # without a way to reach them: said, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture)
        assert "Phone or e-mail" in str(app.screen.query_one("#error").render())
        assert not app.store.records("incidents")
        await pilot.press(*"lee@acme.example", "tab", "tab", *"acme", "enter", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)
    inc = app.store.records("incidents")[0]
    assert (inc.reporter, inc.reporter_contact, inc.customer) == ("Lee Park", "lee@acme.example", acme.uuid)
    lee = next(p for p in app.store.records("people") if p.name == "Lee Park")
    assert (lee.affiliation, lee.organisation, lee.email) == ("customer", acme.uuid, "lee@acme.example")
    assert _record_complete(app.store)


async def test_nothing_is_prefilled_the_last_customer_and_service_are_offered_first(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    _, bolt = _shop(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Scanner jams", "tab", *"dan b", "enter", "tab", "tab", "tab", *"mail", "enter", "ctrl+s")
        await pilot.pause()
        first = app.store.records("incidents")[0]
        assert first.customer == bolt.uuid and first.service
        await pilot.press("n")
        await pilot.pause()
        customer = app.screen.query_one("#customer", Picker)
        service = app.screen.query_one("#service", Picker)
        assert customer.value is None and service.value is None  # not chosen for the user
        assert "last: Bolt Logistics" in str(customer.render()) and "last: E-mail" in str(service.render())
        assert "needs a caller and a customer" in str(app.screen.query_one("#needs").render())
        await pilot.press(*"Second call", "tab", "tab", "tab", "enter", "enter")  # open the list: the last one first
        await pilot.pause()
        assert customer.value == bolt.uuid


async def test_the_discard_prompt_answers_y_or_esc_and_n_does_not_answer(make_app, tmp_path):
    from vse_tui.screens.common.forms import ConfirmScreen

    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Half a thought", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # "new incident" elsewhere: here neither an answer nor a second capture
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and len(app.screen_stack) == 3
        await pilot.press("escape")  # no: back to what was typed
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture) and app.screen.query_one("#summary", Input).value == "Half a thought"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, (QuickCapture, ConfirmScreen))
    assert not app.store.records("incidents")


async def test_a_callers_name_typed_and_left_with_tab_or_ctrl_s_is_kept(make_app, tmp_path):
    """A front desk types the caller's name and moves on without Enter: the name is not lost."""
    app = make_app(tmp_path / "x.db")
    acme, _ = _shop(app.store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Scanner jams", "tab", *"Luisa Perez", "tab")
        await pilot.pause()
        assert app.screen.query_one("#caller", Picker).value == "new:Luisa Perez"
        await pilot.press("ctrl+s")  # a new contact still needs a way to reach them: said, nothing saved
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture)
        assert not app.store.records("incidents")
        app.screen.query_one("#reach", Input).value = "luisa@acme.example"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)
        # a known contact typed, then ctrl+s at once: taken, shown, then saved on the next ctrl+s
        await pilot.press("n", *"Mail is down", "tab", *"dana", "ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#caller", Picker).value is not None
        assert app.screen.query_one("#customer", Picker).value == acme.uuid
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)
    reporters = sorted(i.reporter for i in app.store.records("incidents"))
    assert reporters == ["Dana Wells", "Luisa Perez"]


async def test_the_targets_previewed_are_the_ones_the_incident_is_logged_with(make_app, tmp_path, monkeypatch):
    """The targets shown before saving are the saved incident's (the core's one rule, `due_for`):
    the agreement's, counted in its service hours (a call late on a Friday is due on Monday)."""
    from vse_tui.core.incidents import targets
    from vse_tui.core.model.records import CustomerAgreement, ServiceHours, ServiceTarget

    monkeypatch.setenv("VSE_TUI_NOW", "2026-11-27T16:30:00+00:00")  # a Friday afternoon
    app = make_app(tmp_path / "x.db")
    acme, _ = _shop(app.store)
    agr = app.store.add(CustomerAgreement(
        title="SLA", customer=acme.uuid, status="approved", service_hours=ServiceHours(days=[0, 1, 2, 3, 4], start="09:00",
                                                                                        end="17:00"),
        targets=[ServiceTarget(priority="P3", respond_minutes=60, resolve_minutes=240)]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Mail is down", "tab", *"dana", "enter")
        await pilot.pause()
        preview = str(app.screen.query_one("#target").render())
        # the unit said: the agreement's targets count its service hours
        assert f"respond 1 service hour · resolve 4 service hours (Mon-Fri 09:00-17:00)  (agreement {agr.id})" in preview
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)
    inc = app.store.records("incidents")[0]
    verdict = targets.assess(inc, targets.target_for(app.store, inc))
    assert (verdict.respond_due.isoformat(), verdict.resolve_due.isoformat()) == (
        "2026-11-30T09:30:00+00:00", "2026-11-30T12:30:00+00:00")


@pytest.mark.parametrize("language", ["en", "es", "fr"])
async def test_a_new_callers_missing_phone_puts_the_cursor_in_the_phone_field(make_app, tmp_path, language):
    """Asked for a new caller's phone or e-mail, what is typed next goes there, never over the
    summary (in every language: the field is known by the error, not by its words)."""
    from vse_tui import i18n

    app = make_app(tmp_path / "x.db")
    _shop(app.store)
    i18n.set_language(language)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n", *"Printer jams", "tab", *"Lucia Paz", "tab", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, QuickCapture) and not app.store.records("incidents")
            await pilot.press(*"3001234567")
            await pilot.pause()
            assert app.screen.query_one("#summary", Input).value == "Printer jams"
            assert app.screen.query_one("#reach", Input).value == "3001234567"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, QuickCapture)
    finally:
        i18n.set_language("en")
    (inc,) = app.store.records("incidents")
    assert (inc.summary, inc.reporter) == ("Printer jams", "Lucia Paz")


@pytest.mark.parametrize("where", ["dashboard", "incidents"])
async def test_a_summary_typed_right_after_n_lands_in_the_summary(make_app, tmp_path, where):
    """A fast typist (or a terminal over SSH) sends `n` and the summary in one burst, before the
    form is there to take the focus: every letter lands in the summary, in order, none in the
    screen under it (the list's keys: p filters, s sorts, i goes to the incidents)."""
    from textual import events
    from textual.keys import _character_to_key

    app = make_app(tmp_path / "t.db")
    _shop(app.store)
    async with app.run_test(size=SIZE) as pilot:
        if where == "incidents":
            await pilot.press("i")
        await pilot.pause()
        under = app.screen
        for ch in "nPrinter jam, paper stuck":
            app.post_message(events.Key(_character_to_key(ch), ch))
        for _ in range(200):
            await pilot.pause(0.05)
            if isinstance(app.screen, QuickCapture) and app.screen.is_mounted and \
                    app.screen.query_one("#summary", Input).value == "Printer jam, paper stuck":
                break
        assert isinstance(app.screen, QuickCapture)
        assert app.screen.query_one("#summary", Input).value == "Printer jam, paper stuck"
        assert under in app.screen_stack and not getattr(under, "search_text", "")


async def test_an_incident_logged_from_the_dashboard_is_counted_in_its_weeks_at_once(make_app, tmp_path):
    """The dashboard came back within the second the incident was logged (the clock counts whole
    seconds) and its "last 12 weeks" said 0 opened until the next refresh."""
    from vse_tui.screens.dashboard import DashboardScreen

    from .conftest import until, widget_text

    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and "opened" in widget_text(app, "#trends"))
        await pilot.press("n", *"Mail is down", "ctrl+s")
        await until(pilot, lambda: app.store.count("incidents") == 1 and isinstance(app.screen, DashboardScreen))
        app.screen.reload()
        opened = next(line for line in widget_text(app, "#trends").splitlines() if "opened" in line)
        assert opened.split()[-1] == "1", opened
