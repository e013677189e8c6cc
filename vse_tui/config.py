"""The TOML config: operator name, theme, defaults, key bindings. Read with tomllib, written
atomically with tomli-w (a temp file renamed over the old one)."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .core.errors import InputError, describe_validation_error
from .paths import config_path
from .store.db import os_user


class Config(BaseModel):
    model_config = ConfigDict(extra="ignore")
    operator: str = Field(default_factory=os_user, min_length=1)
    theme: Literal["dark", "light"] = "dark"
    default_customer: str | None = None
    default_service: str | None = None
    keys: dict[str, str] = {}  # binding id -> key, e.g. new_incident = "ctrl+i"
    daily_backup: bool = False  # back the database up on the first start of each day


def load_config(path: Path | None = None) -> Config:
    """The config at `path` (or the default place); missing file: defaults. Bad file: a clear error."""
    path = path or config_path()
    if not path.exists():
        return Config()
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"The config file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise InputError(f"Cannot read the config file {path}: {exc.strerror or exc}") from None
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, f"config {path}")) from None


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically, readable by its owner only."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = config.model_dump(exclude_none=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            import tomli_w  # only when writing: opening the app needs just the reader

            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
