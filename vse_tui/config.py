"""The TOML config: operator name, theme, defaults, key bindings. Read with tomllib, written
atomically with tomli-w (a temp file renamed over the old one)."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import tomli_w

from vse_tui.i18n import _

from .core.kernel.errors import InputError
from .i18n import UnknownLanguage, resolve
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
    assign_new: Literal["nobody", "me"] = "nobody"  # who a new incident goes to when nobody is chosen
    mail: dict[str, Any] = field(default_factory=dict)  # [mail]: see MailSettings
    language: str | None = None  # en, es, pt_BR or fr (default: LC_ALL, LC_MESSAGES or LANG); --lang wins

    def __post_init__(self) -> None:
        # The fields say what a valid file holds; a TOML file may hold anything, so each value is
        # checked as the object it is.
        daily_backup: object = self.daily_backup
        mail: object = self.mail
        problems = []
        if self.operator is not None and (not isinstance(self.operator, str) or not self.operator.strip()):
            problems.append(_("operator: a person's id or name is needed (got {operator})").format(operator=repr(self.operator)))
        if self.theme not in THEMES:
            problems.append(_("theme: expected \"dark\" or \"light\" (got {theme})").format(theme=repr(self.theme)))
        for name in ("default_customer", "default_service"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                problems.append(_("{name}: expected text such as CUS-0001 (got {value})").format(name=name, value=repr(value)))
        if not isinstance(self.keys, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in self.keys.items()):
            problems.append(_("keys: expected a table of binding id = \"key\" (got {keys})").format(keys=repr(self.keys)))
        if not isinstance(daily_backup, bool):
            problems.append(_("daily_backup: expected true or false (got {daily_backup})").format(daily_backup=repr(daily_backup)))
        if self.assign_new not in ("nobody", "me"):
            problems.append(_("assign_new: expected \"nobody\" or \"me\" (got {assign_new})").format(assign_new=repr(self.assign_new)))
        language: object = self.language
        if language is not None:
            try:
                if not isinstance(language, str):
                    raise UnknownLanguage(repr(language))
                resolve(language)
            except UnknownLanguage as exc:
                problems.append(_("language: {reason}").format(reason=exc))
        if not isinstance(mail, dict):
            problems.append(_("mail: expected a [mail] table (got {mail})").format(mail=repr(mail)))
        else:
            try:
                MailSettings.from_dict(mail)
            except InputError as exc:
                problems.append(str(exc))
        if problems:
            raise InputError("; ".join(problems))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Config:
        """Known keys only; others (from a newer version, say) are ignored."""
        return cls(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw})

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and v != {}}

    @property
    def mail_settings(self) -> MailSettings:
        return MailSettings.from_dict(self.mail)


def no_sender_text() -> str:
    """What to do when mail is asked for and the shop's address is not set: the config file's path and
    the line to add."""
    return _("Set the shop's address to send mail: add from = \"desk@example.org\" (your own) to the [mail] section "
             "of the config file {path}").format(path=config_path())


@dataclass
class MailSettings:
    """The [mail] section: where mail comes in (a Maildir, mbox or folder of .eml files that a mail
    fetcher fills), the shop's address, and the SMTP server the outbox is delivered through."""

    sender: str = ""  # `from` in the file: the shop's address, From: of every message
    maildir: str = ""  # where incoming mail is read (M on the incident list, `mail import` by default)
    smtp_host: str = ""
    smtp_port: int = 0  # default: 465 for ssl, 587 for starttls, 25 for none
    smtp_user: str = ""
    security: Literal["starttls", "ssl", "none"] = "starttls"
    password_command: str = ""  # e.g. "pass show smtp"; else VSE_TUI_SMTP_PASSWORD
    send: Literal["queue", "now"] = "queue"  # now: the TUI sends a notification at once when it can
    max_attachment_mb: int = 25
    own: list[str] = field(default_factory=list)  # other addresses of the shop (never a new incident)
    ca_file: str = ""  # the certificate authority the server's certificate is checked against (default: the system's)
    helo_name: str = ""  # how we greet the server (EHLO); default: the host's full name, else the domain of `from`

    KEYS = {"from": "sender", "maildir": "maildir", "smtp_host": "smtp_host", "smtp_port": "smtp_port",
            "smtp_user": "smtp_user", "security": "security", "password_command": "password_command",
            "send": "send", "max_attachment_mb": "max_attachment_mb", "own": "own", "ca_file": "ca_file",
            "helo_name": "helo_name"}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> MailSettings:
        unknown = sorted(set(raw) - set(cls.KEYS))
        if unknown:
            raise InputError(_("mail: unknown setting {unknown} (known: {known})").format(unknown=', '.join(unknown), known=', '.join(cls.KEYS)))
        out = cls(**{cls.KEYS[k]: v for k, v in raw.items()})
        problems = []
        for name in ("sender", "maildir", "smtp_host", "smtp_user", "password_command", "ca_file", "helo_name"):
            if not isinstance(getattr(out, name), str):
                problems.append(_("mail.{name}: expected text").format(name=name))
        if out.security not in ("starttls", "ssl", "none"):
            problems.append(_("mail.security: expected \"starttls\", \"ssl\" or \"none\" (got {security})").format(security=repr(out.security)))
        if out.send not in ("queue", "now"):
            problems.append(_("mail.send: expected \"queue\" or \"now\" (got {send})").format(send=repr(out.send)))
        if not isinstance(out.smtp_port, int) or not 0 <= out.smtp_port < 65536:
            problems.append(_("mail.smtp_port: expected a port number (got {smtp_port})").format(smtp_port=repr(out.smtp_port)))
        if not isinstance(out.max_attachment_mb, int) or out.max_attachment_mb <= 0:
            problems.append(_("mail.max_attachment_mb: expected a positive number (got {max_attachment_mb})").format(max_attachment_mb=repr(out.max_attachment_mb)))
        if not isinstance(out.own, list) or not all(isinstance(a, str) for a in out.own):
            problems.append(_("mail.own: expected a list of addresses"))
        if isinstance(out.helo_name, str) and out.helo_name and not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9.:A-Fa-f]+\]",
                                                                                out.helo_name):
            problems.append(_("mail.helo_name: expected a host name such as mail.example.org (got {helo_name})").format(helo_name=repr(out.helo_name)))
        if problems:
            raise InputError("; ".join(problems))
        return out

    @property
    def port(self) -> int:
        return self.smtp_port or {"ssl": 465, "starttls": 587}.get(self.security, 25)

    @property
    def own_addresses(self) -> set[str]:
        return {a.lower() for a in [self.sender, *self.own] if a}


def load_config(path: Path | None = None) -> Config:
    """The config at `path` (or the default place); missing file: defaults. Bad file: a clear error."""
    path = path or config_path()
    if not path.exists():
        return Config()
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_("The config file {path} is not valid TOML: {exc}").format(path=path, exc=exc)) from None
    except UnicodeDecodeError:
        raise InputError(_("The config file {path} is not text (TOML is UTF-8 text); fix or remove it").format(path=path)) from None
    except RecursionError:
        raise InputError(_("The config file {path} nests values too deeply to read; fix or remove it").format(path=path)) from None
    except OSError as exc:
        raise InputError(_("Cannot read the config file {path}: {value}").format(path=path, value=exc.strerror or exc)) from None
    try:
        return Config.from_dict(raw)
    except InputError as exc:
        raise InputError(_("config {path}: {exc}").format(path=path, exc=exc)) from None


def configured_language() -> str | None:
    """The config's `language` (None when the file or the key is absent), read before the command
    line is parsed: a bad config is reported here with its path, as for any command."""
    path = config_path()
    if not path.exists():
        return None
    return load_config(path).language


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically, readable by its owner only."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = config.to_dict()

    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
