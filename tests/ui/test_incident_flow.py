"""Pilot tests: an incident from quick capture to closure, with the keyboard alone."""

from textual.widgets import Input

from vse_tui.screens.common.forms import FormScreen
from vse_tui.screens.incidents.capture import QuickCapture
from vse_tui.screens.incidents.detail import IncidentDetailScreen

from .conftest import SIZE, type_into


async def fill(pilot, field: str, value: str) -> None:
    await type_into(pilot, f"#f-{field}", value)


async def test_quick_capture_costs_the_text_plus_two_keys(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture)
        assert isinstance(app.focused, Input) and app.focused.id == "summary"
        await pilot.press(*list("Mail down"), "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)
        inc = app.store.get("incidents", "INC-0001")
        assert (inc.summary, inc.status, inc.priority) == ("Mail down", "opened", "P3")
        assert any("INC-0001" in str(n.message) for n in app._notifications)


async def test_ctrl_n_opens_capture_even_while_typing(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, QuickCapture)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuickCapture)


async def test_walk_an_incident_from_capture_to_close(make_app, tmp_path):
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *list("VPN drops every hour"), "ctrl+s")
        await pilot.pause()
        store = app.store
        app.open_record("INC-0001")
        await pilot.pause()
        assert isinstance(app.screen, IncidentDetailScreen)

        await pilot.press("k")  # classify, IN.2.2
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, "category", "network")
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.get("incidents", "INC-0001")
        assert (inc.category, inc.status, inc.state) == ("network", "updated", "in progress")
        assert store.history(inc.uuid)[-1]["task"] == "IN.2.2"

        await pilot.press("m")  # notify, IN.2.3
        await pilot.pause()
        await fill(pilot, "to", "Dana Wells")
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.get("incidents", "INC-0001")
        assert [(n.task, n.to) for n in inc.notifications] == [("IN.2.3", "Dana Wells")]
        assert "INC-0001" in inc.notifications[0].message
        assert inc.responded_at is not None

        await pilot.press("t")  # restore, IN.2.4
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Solution" in str(app.screen.query_one("#form-error").render())
        await fill(pilot, "solution", "Replaced the router")
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.get("incidents", "INC-0001")
        assert (inc.state, inc.solution) == ("restored", "Replaced the router")

        await pilot.press("x")  # close, IN.2.5
        await pilot.pause()
        await fill(pilot, "by", "Dana Wells")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # the one who restored it closes it, alone in the shop: separation of duty asks how the fix was checked
        assert "Why nobody else checked it" in str(app.screen.query_one("#form-error").render())
        assert store.get("incidents", "INC-0001").status != "closed"
        await fill(pilot, "ack", "Dana tested the VPN with me for an hour")
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.get("incidents", "INC-0001")
        assert (inc.status, inc.state, inc.confirmation.by) == ("closed", "closed", "Dana Wells")
        tasks = [h["task"] for h in store.history(inc.uuid)]
        assert tasks[0] == "IN.2.1" and tasks[-1] == "IN.2.5"
        assert {"IN.2.2", "IN.2.3", "IN.2.4"} <= set(tasks)
        steps = str(app.screen.query_one("#steps").render())
        # every step taken, none done: the shop lacks the records each step's inputs ask for (an
        # agreement, the catalogue), so the map counts none of them, and the bar says the same
        assert "○" not in steps and "● " not in steps and "◐ Closed" in steps, steps
        from vse_tui.core.evidence.tasks import evidence_map

        states = {t.task: t.state for t in evidence_map(store)}
        assert all(states[t] != "done" for t in ("IN.2.1", "IN.2.2", "IN.2.3", "IN.2.4", "IN.2.5")), states


async def test_significant_incident_cannot_close_without_root_cause_and_change(make_app, tmp_path):
    from vse_tui.core.incidents.process import log_incident, restore

    app = make_app(tmp_path / "x.db")
    log_incident(app.store, "Mail server down", impact="high", urgency="high", reporter="Dana")
    restore(app.store, "INC-0001", solution="Restarted")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record("INC-0001")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        await fill(pilot, "ack", "Dana checked her mail came through")
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#form-error").render())
        assert "root cause" in error and "change request" in error
        assert app.store.get("incidents", "INC-0001").status != "closed"
        await pilot.press("escape")  # typed text: asked before it is thrown away
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("h")  # raise a change request, prefilled
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        change = app.store.get("change_requests", "CHG-0001")
        assert change.status == "draft" and "INC-0001" in change.title
        await pilot.press("x")
        await pilot.pause()
        await fill(pilot, "root_cause", "Disk full")
        await fill(pilot, "ack", "Dana checked her mail came through")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.get("incidents", "INC-0001").status == "closed"


async def test_markup_in_user_text_is_shown_as_typed(make_app, tmp_path):
    from vse_tui.core.incidents.process import log_incident

    app = make_app(tmp_path / "x.db")
    log_incident(app.store, "[bold]not bold[/bold] and [red]x")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        table = app.screen.query_one("#list")
        assert "[bold]not bold[/bold]" in str(table.get_row_at(0)[4])
        app.open_record("INC-0001")
        await pilot.pause()
        assert "[bold]not bold[/bold]" in str(app.screen.query_one("#head").render())


async def test_keys_on_an_incident_that_could_not_be_read_say_so(make_app, tmp_path):
    """The incident screen opened on a reference whose first reading fails (gone since the list
    was shown, say): every key of the screen answers with the reason, none stops the app."""
    app = make_app(tmp_path / "x.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(IncidentDetailScreen("INC-0404"))
        await pilot.pause()
        for key in ("k", "m", "t", "x", "h", "w", "l", "e", "E", "o", "P", "f", "A"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, IncidentDetailScreen), key
            assert any("INC-0404" in str(n.message) for n in app._notifications), key
        assert "INC-0404" in str(app.screen.query_one("#why").render())
    assert app.return_code in (None, 0)
