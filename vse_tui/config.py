"""The TOML config: operator name, theme, defaults, key bindings. Read with tomllib, written
atomically with tomli-w (a temp file renamed over the old one)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from .core.errors import InputError
from .paths import config_path

THEMES = ("dark", "light")


@dataclass
class Config:
    """What the config file may say. Checked by hand (a handful of keys), so that opening the app
    or logging an incident from a script does not wait for a validation library to load."""

    operator: str | None = None  # who you are: a person's id or name (default: the person your login maps to)
    theme: Literal["dark", "light"] = "dark"
    default_customer: str | None = None
    default_service: str | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key, e.g. new_incident = "ctrl+i"
    daily_backup: bool = False  # back the database up on the first start of each day

    def __post_init__(self) -> None:
        problems = []
        if self.operator is not None and (not isinstance(self.operator, str) or not self.operator.strip()):
            problems.append(f"operator: a person's id or name is needed (got {self.operator!r})")
        if self.theme not in THEMES:
            problems.append(f"theme: expected \"dark\" or \"light\" (got {self.theme!r})")
        for name in ("default_customer", "default_service"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                problems.append(f"{name}: expected text such as CUS-0001 (got {value!r})")
        if not isinstance(self.keys, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in self.keys.items()):
            problems.append(f"keys: expected a table of binding id = \"key\" (got {self.keys!r})")
        if not isinstance(self.daily_backup, bool):
            problems.append(f"daily_backup: expected true or false (got {self.daily_backup!r})")
        if problems:
            raise InputError("; ".join(problems))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Config:
        """Known keys only; others (from a newer version, say) are ignored."""
        return cls(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw})

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


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
    except UnicodeDecodeError:
        raise InputError(f"The config file {path} is not text (TOML is UTF-8 text); fix or remove it") from None
    except RecursionError:
        raise InputError(f"The config file {path} nests values too deeply to read; fix or remove it") from None
    except OSError as exc:
        raise InputError(f"Cannot read the config file {path}: {exc.strerror or exc}") from None
    try:
        return Config.from_dict(raw)
    except InputError as exc:
        raise InputError(f"config {path}: {exc}") from None


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically, readable by its owner only."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = config.to_dict()
    import tempfile  # only when writing (and tomli_w below): reading the config needs neither

    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            import tomli_w

            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
