"""The first start exactly as README's first command leaves a newcomer: `vse-tui` with no option, on
the default database in the user data folder, on the real clock (the suite's frozen clock undone)."""

from __future__ import annotations

from datetime import UTC, datetime

from vse_tui.screens.common.who import WhoScreen

from .conftest import SIZE


async def test_the_first_start_on_the_default_path_and_the_real_clock(tmp_path, fresh_home):
    from vse_tui.app import VseApp
    from vse_tui.cli import _parse
    from vse_tui.config import load_config
    from vse_tui.screens.governance.wizard import WizardScreen
    from vse_tui.session import open_as
    from vse_tui.store.chain import verify

    args = _parse([])  # `vse-tui`, as README's first command ends
    assert getattr(args, "func", None) is None  # no command: the TUI
    before = datetime.now(UTC)
    store = open_as(args)
    try:
        assert store.path == tmp_path / "data" / "vse-tui" / "vse.db"
        app = VseApp(store, load_config())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, WhoScreen)  # a new shop asks who is at the keyboard first
            for key in [*"Kim Lee", "enter", *"kim@example.com", "enter"]:
                await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, WizardScreen)  # then the governance setup opens by itself
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()
            for key in [*"Printer offline", "enter"]:
                await pilot.press(key)
            await pilot.pause()
        after = datetime.now(UTC)
        person = store.records("people")[0]
        assert (person.name, person.email) == ("Kim Lee", "kim@example.com")
        incidents = store.records("incidents")
        assert [i.summary for i in incidents] == ["Printer offline"]
        history = store.history()
        assert history
        for row in history:  # every change dated by the real clock, not the suite's frozen one
            at = datetime.fromisoformat(row["at"])
            assert before.replace(microsecond=0) <= at <= after, row
        assert incidents[0].opened_at >= before.replace(microsecond=0)
        assert verify(store) == []
    finally:
        store.close()
