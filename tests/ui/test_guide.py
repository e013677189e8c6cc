"""What the evidence needs is what the app asks next: the incident's steps are judged by the evidence
map's own rules, the dashboard lists the next missing record of each process, and reviews fall due
from the shop's first day plus their interval."""

from __future__ import annotations

from datetime import timedelta

from vse_tui.core.evidence.due import due_items
from vse_tui.core.evidence.guide import audit_ready, record_steps
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.incidents import process as core
from vse_tui.core.kernel import clock

from .conftest import SIZE, until


def _hint(app) -> str:
    return str(app.screen.query_one("#why").render())


async def test_after_restore_the_guide_asks_to_notify_before_closing(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    store = app.store
    from vse_tui.core.model.records import Customer

    acme = store.add(Customer(name="Acme Bakery"))
    inc = core.log_incident(store, "Mail down", reporter="Dana Wells", reporter_contact="dana@acme.example",
                            customer=acme.uuid)
    from vse_tui.core.model.records import ConfigurationItem

    server = store.add(ConfigurationItem(name="Mail server", ci_type="software"))
    core.classify(store, inc.id, category="mail", cis=[server.uuid])
    core.notify(store, inc.id, task="IN.2.3", to="Dana Wells", message="We are on it")
    core.restore(store, inc.id, solution="Restarted the mail service")
    steps = {s.task: s for s in record_steps(store, store.get("incidents", inc.id))}
    assert "the affected party was not told the service is restored (IN.2.4)" in steps["IN.2.4"].missing  # the map's own words
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await pilot.pause()
        assert "IN.2.4 tell the affected party" in _hint(app) and "press m" in _hint(app)
        assert app.screen.next_actions[0] == "notify_party"
        assert "◐ Restored" in str(app.screen.query_one("#steps").render())  # performed, not yet evidence
        await pilot.press("m")
        await pilot.pause()
        assert "(IN.2.4)" in str(app.screen.query_one("#form-title").render()) if app.screen.query("#form-title") \
            else True
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        inc = store.get("incidents", inc.id)
        assert [n.task for n in inc.notifications] == ["IN.2.3", "IN.2.4"]
        assert "IN.2.5 close it" in _hint(app)
    steps = {s.task: s for s in record_steps(store, inc)}
    assert "the affected party was not told the service is restored (IN.2.4)" not in steps["IN.2.4"].missing


async def test_the_incident_says_what_the_shop_lacks_for_its_evidence(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    inc = core.log_incident(app.store, "Printer jams")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await pilot.pause()
        hint = _hint(app)
        assert hint.splitlines()[0] == "Next: IN.2.2 classify it: press k."  # the flow's next step first
        assert "IN.2.1 lacks customer, reporter not recorded: press E." in hint.splitlines()
        assert "IN.2.1 waits on the shop's WP.03" in hint  # an approved customer agreement first


def test_the_audit_ready_list_is_built_from_the_map(store):
    tasks = evidence_map(store)
    ready = audit_ready(tasks)
    assert [r.process for r in ready] == ["GO", "CO", "RE", "IN"]
    by = {r.process: r for r in ready}
    first_re = next(t for t in tasks if t.process == "RE" and t.state != "done")
    assert by["RE"].task == first_re.task and by["RE"].missing == first_re.missing[0]
    assert by["RE"].wp == "WP.10" and "IN.2.1" in by["RE"].completes  # incidents wait on the catalogue


async def test_after_the_setup_the_dashboard_lists_what_is_still_needed(make_app, demo_db, monkeypatch):
    from vse_tui.screens import dashboard

    monkeypatch.setattr(dashboard.DashboardScreen, "SETUP_EVERY", 0.0)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        setup = app.screen.query_one("#setup")
        await until(pilot, lambda: setup.border_title == "To be audit-ready")  # filled apart, however busy
        text = str(setup.render())
        ready = audit_ready(evidence_map(app.store))
        assert setup.border_title == "To be audit-ready" and ready
        for item in ready:
            assert f"{item.task} {item.title}" in text and f"completes {item.task}" in text


def test_the_first_improvement_report_falls_due_a_year_after_the_first_day(store):
    from vse_tui.core.governance.process import policy_defaults, save_policy_draft

    save_policy_draft(store, policy_defaults())  # the policy as the setup drafts it, on the shop's first day
    today = clock.today()
    assert not [i for i in due_items(store, today) if "improvement" in i.title]  # not "due today" on day one
    later = today + timedelta(days=360)
    first = [i for i in due_items(store, later) if "improvement" in i.title]
    assert [i.due for i in first] == [today + timedelta(days=365)]
