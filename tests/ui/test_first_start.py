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


async def test_choosing_who_you_are_never_takes_a_persons_login_silently(make_app, tmp_path):
    """An assessor chose Sam Ortiz at an unmapped login: Sam's login "sam" became "root" with no
    word, and the write was logged as by the login, mapped to nobody. A person has one login: the
    picker asks before replacing it, and the mapping is written by the person chosen."""
    from vse_tui.core.governance.roles import add_person
    from vse_tui.store import Actor, open_store
    from vse_tui.widgets.picker import Picker

    from .conftest import until

    path = tmp_path / "shop.db"
    setup = open_store(path, Actor(operator="setup", os_user="setup", host="h"))
    sam, _ = add_person(setup, "Sam Ortiz", roles="SM", os_user="sam")
    setup.close()

    async def choose_sam(answer: str):
        app = make_app(path, operator="nobody", ask_who=True)  # at the login "kim", mapped to nobody
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, WhoScreen))
            app.screen.query_one("#who-person", Picker).value = sam.uuid
            await pilot.press("ctrl+s")
            await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
            assert "Sam Ortiz already uses the login 'sam'" in str(app.screen.query_one("Static").render())
            await pilot.press(answer)
            await until(pilot, lambda: type(app.screen).__name__ not in ("WhoScreen", "ConfirmScreen"))
        return app.store

    for answer, login in (("escape", "sam"), ("y", "kim")):
        store = await choose_sam(answer)
        assert store.actor.person == sam.uuid  # this session writes as Sam either way
        assert store.get("people", sam.uuid).os_user == login
    rows = [r for r in store.history(sam.uuid) if r["field"] == "os_user"]
    assert [(r["old_value"], r["new_value"], r["person"]) for r in rows] == [("sam", "kim", sam.uuid)]
