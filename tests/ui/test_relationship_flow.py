"""Pilot tests of Service Relationship: a catalogue entry and an agreement created and approved, the
agreement's review date reaching the dashboard when it passes; feedback in seconds; the performance
report on screen and saved."""

from textual.widgets import OptionList, Select

from vse_tui.core.model.records import Customer
from vse_tui.screens.common.forms import FormScreen
from vse_tui.screens.common.record import RecordScreen
from vse_tui.screens.relationship.records import FeedbackCapture, FeedbackScreen, PerformanceScreen
from vse_tui.widgets.picker import Picker
from vse_tui.widgets.rowlist import RowList

from .conftest import SIZE, type_into, widget_text


async def save_form(pilot, **values) -> None:
    assert isinstance(pilot.app.screen, FormScreen), pilot.app.screen
    for name, value in values.items():
        widget = pilot.app.screen.query_one(f"#f-{name}")
        if isinstance(widget, (Select, Picker)):
            widget.value = value
            await pilot.pause()
        else:
            await type_into(pilot, f"#f-{name}", value)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert not isinstance(pilot.app.screen, FormScreen), pilot.app.screen.query_one("#form-error").render()


def dashboard_reviews(app) -> list[str]:
    table = app.screen.query_one("#reviews", RowList)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def choose_kind(pilot, kind: str) -> None:
    kinds = pilot.app.screen.query_one("#kinds", OptionList)
    kinds.focus()
    kinds.highlighted = kinds.get_option_index(kind)
    await pilot.pause()
    await pilot.press("right")
    await pilot.pause()


async def test_catalogue_entry_and_agreement_approved_and_the_review_reaches_the_dashboard(make_app, tmp_path, monkeypatch):
    app = make_app(tmp_path / "x.db")
    acme = app.store.add(Customer(name="Acme Bakery", short="ACME"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "a")  # a new catalogue entry (RE.1.1)
        await pilot.pause()
        await save_form(pilot, name="Managed backup", service_hours="Mon-Fri 08:00-18:00", targets="P1 30m/4h, P2 1h/1d",
                        review_date="2027-06-30")
        assert isinstance(app.screen, RecordScreen)
        svc = app.store.get("services", "SVC-0001")
        assert (svc.status, svc.service_hours.start, svc.targets[0].resolve_minutes) == ("draft", "08:00", 240)
        await pilot.press("a")  # RE.1.2 approve
        await save_form(pilot)
        assert app.store.get("services", "SVC-0001").status == "approved"
        await pilot.press("escape")
        await pilot.pause()

        await choose_kind(pilot, "customer_agreements")
        await pilot.press("a")  # RE.2.1 draft an agreement
        await pilot.pause()
        await save_form(pilot, title="Acme support agreement", customer=acme.id, services="SVC-0001",
                        start_date="2026-12-01", review_date="2027-03-01", end_date="2027-11-30", targets="P1 15m/2h")
        agr = app.store.get("customer_agreements", "AGR-0001")
        assert (agr.status, agr.customer, agr.services) == ("draft", acme.uuid, [svc.uuid])
        await pilot.press("a")  # RE.2.2 approve
        await save_form(pilot)
        agr = app.store.get("customer_agreements", "AGR-0001")
        assert agr.status == "approved" and agr.approvals[0].by == "Kim Lee"
        assert {h["task"] for h in app.store.history(agr.uuid)} == {"RE.2.1", "RE.2.2"}

        await pilot.press("d")
        await pilot.pause()
        assert not any("Acme support agreement" in row for row in dashboard_reviews(app))
        monkeypatch.setenv("VSE_TUI_NOW", "2027-03-02T09:00:00+00:00")  # the review date has passed
        app.screen.reload()
        await pilot.pause()
        rows = dashboard_reviews(app)
        assert any("Acme support agreement: agreement review" in row and "1d overdue" in row for row in rows), rows


async def test_feedback_is_logged_in_seconds_and_moves_through_its_steps(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    acme = app.store.add(Customer(name="Acme Bakery"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "f")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackCapture) and app.focused.id == "description"
        app.screen.query_one("#company", Picker).value = acme.uuid
        await pilot.press(*list("Invoices arrive late"), "ctrl+s")
        await pilot.pause()
        entry = app.store.get("feedback", "FB-0001")
        assert (entry.description, entry.feedback_type, entry.company, entry.state) == (
            "Invoices arrive late", "comment", acme.uuid, "received")
        app.open_record("FB-0001")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("s")
        await save_form(pilot)  # acknowledged (the first next step)
        assert app.store.get("feedback", "FB-0001").state == "acknowledged"
        assert "next: investigated or escalated: press s" in widget_text(app, "#steps")


async def test_the_performance_report_on_screen_and_saved_as_a_draft(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "p")
        await pilot.pause()
        assert isinstance(app.screen, PerformanceScreen)
        assert app.screen.query_one("#perf").border_title.startswith("Service performance 2026-Q4")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.screen.report["period"]["label"] == "2026-Q3"
        table = widget_text(app, "#perf-table", width=118)
        total = next(line for line in table.splitlines() if line.strip().startswith("Total"))
        assert str(app.screen.report["total"]["incidents"]) in total
        assert "By service" in widget_text(app, "#perf-charts", width=118)
        before = app.store.count("performance_reports")
        shown = app.screen.report
        await pilot.press("s")
        await save_form(pilot, proposed_actions="Replace the backup disks at Bolt")
        assert app.store.count("performance_reports") == before + 1
        saved = app.store.latest("performance_reports")
        assert (saved.status, saved.proposed_actions, saved.period_performance["period"]["label"]) == (
            "draft", "Replace the backup disks at Bolt", "2026-Q3")
        assert saved.period_performance["total"] == shown["total"]  # saved as shown


async def test_a_big_period_is_counted_apart_and_saved_as_shown(make_app, demo_db, monkeypatch):
    monkeypatch.setattr(PerformanceScreen, "BACKGROUND_FROM", 0)  # as with tens of thousands of incidents
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "p")
        await pilot.pause()
        await pilot.press("left_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = app.screen.report
        assert shown["period"]["label"] == "2026-Q3"
        app.screen.report = None  # as while a period is still being counted: nothing to save yet
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
        app.screen.report = shown
        await pilot.press("s")
        await save_form(pilot, proposed_actions="none")
        assert app.store.latest("performance_reports").period_performance["total"] == shown["total"]


async def test_a_period_out_of_range_is_refused_in_the_form_never_a_traceback(make_app, demo_db):
    """Row 22 of the second attack: the period 9999-Q4 typed in the performance report's form ended
    the app with a full traceback."""
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "p")
        await pilot.pause()
        for typed in ("9999-Q4", "0000"):
            await pilot.press("slash")
            await pilot.pause()
            await type_into(pilot, "#f-period", typed)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert "out of range" in str(app.screen.query_one("#form-error").render())
            await pilot.press("escape")
            await pilot.pause()
            if isinstance(app.screen, FormScreen) is False and not isinstance(app.screen, PerformanceScreen):
                await pilot.press("y")  # discard what was typed
                await pilot.pause()
        assert isinstance(app.screen, PerformanceScreen) and app.is_running
        assert app.screen.report["period"]["label"] == "2026-Q4"
