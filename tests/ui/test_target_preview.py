"""The form that takes an agreement's targets says, before saving, when an incident opened now would
be due to be resolved, in local time and in the service hours that count."""

from __future__ import annotations

from textual.widgets import Static

from vse_tui.screens.common.forms import FormScreen

from .conftest import SIZE, type_into, until


async def test_editing_an_agreements_targets_shows_the_due_times_before_saving(make_app, tmp_path, monkeypatch):
    from vse_tui.core.governance.documents import create
    from vse_tui.core.model.records import Customer, Service

    monkeypatch.setenv("VSE_TUI_NOW", "2026-11-30T10:00:00+00:00")  # a Monday morning (TZ is UTC in tests)
    app = make_app(tmp_path / "t.db")
    store = app.store
    acme = store.add(Customer(name="Acme"))
    desk = store.add(Service(name="Desk", status="approved"))  # Mon-Fri 09:00-17:00, as offered
    agr = create(store, "customer_agreements", {"title": "Desk support for Acme", "customer": acme.id,
                                                "services": desk.id})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_record(agr.id)
        await pilot.pause()
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        await type_into(pilot, "#f-targets", "P3 2h/3d")
        await pilot.pause()
        said = str(app.screen.query_one("#form-preview", Static).render())
        assert "P3 by 2026-12-03 10:00" in said and "Mon-Fri 09:00-17:00" in said, said
        await type_into(pilot, "#f-targets", "P3 2h/36h")
        await pilot.pause()
        said = str(app.screen.query_one("#form-preview", Static).render())
        assert "P3 by 2026-12-04 14:00" in said, said
