import os
import stat

import pytest

from vse_tui.config import Config, load_config, save_config
from vse_tui.core.kernel.errors import InputError
from vse_tui.paths import config_path, default_db_path


def test_defaults_without_a_file():
    cfg = load_config()
    assert cfg.operator is None and cfg.theme == "dark"  # who you are comes from your login unless named


def test_save_is_atomic_private_and_round_trips(tmp_path):
    path = config_path()
    save_config(Config(operator="Kim Lee", theme="light", keys={"new_incident": "ctrl+i"}))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".config-")]
    back = load_config()
    assert (back.operator, back.theme, back.keys) == ("Kim Lee", "light", {"new_incident": "ctrl+i"})


def test_a_broken_config_gives_a_clear_error():
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("operator = [unclosed")
    with pytest.raises(InputError, match="not valid TOML"):
        load_config()
    path.write_text('theme = "purple"')
    with pytest.raises(InputError, match="theme"):
        load_config()


def test_env_overrides_the_database_path(tmp_path, monkeypatch):
    monkeypatch.setenv("VSE_TUI_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"


def test_each_bad_value_is_named(tmp_path):
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('operator = ""\ndaily_backup = "yes"\nkeys = { new_incident = 5 }\nfuture_option = 1\n')
    with pytest.raises(InputError) as err:
        load_config()
    message = str(err.value)
    assert str(path) in message
    for name in ("operator", "daily_backup", "keys"):
        assert name in message
    assert "future_option" not in message  # unknown keys are ignored, not refused
    with pytest.raises(InputError, match="theme"):
        Config(theme="purple")
