"""The smaller promises of the first week: each said once, each checked."""

import os

from .conftest import SIZE, until


def _titles(app) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    notify = app.notify

    def keep(message, *args, **kwargs):
        said.append((kwargs.get("title", ""), str(message)))
        return notify(message, *args, **kwargs)

    app.notify = keep
    return said


async def test_a_loose_config_file_is_named_for_what_it_is(make_app, tmp_path):
    from vse_tui.paths import config_path

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "dark"\n', encoding="utf-8")
    os.chmod(config, 0o644)
    app = make_app(tmp_path / "shop.db")
    said = _titles(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: said)
        await pilot.pause()
    assert ("Check your config file's permissions", f"Readable by other users: {config}. Make it private with "
            "chmod 600.") in said
    assert not any("database" in title for title, _text in said)  # the database is private: not its warning


async def test_the_config_is_read_again_when_the_file_changes(make_app, tmp_path):
    from vse_tui.paths import config_path

    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "dark"\n', encoding="utf-8")
    os.chmod(config, 0o600)
    app = make_app(tmp_path / "shop.db")
    said = _titles(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        config.write_text('theme = "light"\n[keys]\nnew_incident = "ctrl+o"\n', encoding="utf-8")
        await until(pilot, lambda: app.theme == "textual-light")
        assert app.config.keys == {"new_incident": "ctrl+o"}
        assert ("Config reloaded", f"Read again from {config}") in said
        await pilot.press("ctrl+o")  # the new key works at once
        await pilot.pause()
        assert type(app.screen).__name__ == "QuickCapture"
        await pilot.press("escape")
        config.write_text('theme = "purple"\n', encoding="utf-8")  # a mistake: said, and nothing changes
        await until(pilot, lambda: any(t == "The config was not reloaded" for t, _m in said))
        assert app.theme == "textual-light"
