"""Where files live: platformdirs defaults, overridden by VSE_TUI_DB / VSE_TUI_CONFIG or --db."""

from __future__ import annotations

import os
from pathlib import Path

APP = "vse-tui"


def _dirs():
    import platformdirs  # ~7 ms to load: only when no override or --db says where things are

    return platformdirs


def data_dir() -> Path:
    return Path(_dirs().user_data_dir(APP, appauthor=False))


def config_path() -> Path:
    override = os.environ.get("VSE_TUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(_dirs().user_config_dir(APP, appauthor=False)) / "config.toml"


def default_db_path() -> Path:
    override = os.environ.get("VSE_TUI_DB")
    if override:
        return Path(override).expanduser()
    return data_dir() / "vse.db"


def demo_db_path() -> Path:
    """The demo shop lives in its own file, never in the real database."""
    return data_dir() / "demo.db"


def resolve_db(cli_value: str | None) -> Path:
    return Path(cli_value).expanduser() if cli_value else default_db_path()


def export_dir() -> Path:
    """Where the app writes exported reports: VSE_TUI_EXPORT_DIR, else the user's documents folder."""
    override = os.environ.get("VSE_TUI_EXPORT_DIR")
    if override:
        return Path(override).expanduser()
    return Path(_dirs().user_documents_dir()) / APP
