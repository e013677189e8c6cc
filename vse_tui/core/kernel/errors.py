"""Errors that speak to the operator. The CLI and the screens show their message as it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vse_tui.i18n import _, listed

if TYPE_CHECKING:
    from pydantic import ValidationError


class VseError(Exception):
    """A refusal with a one-line reason for the operator (exit status 1 on the CLI)."""


class InputError(VseError):
    """Input that cannot be stored as given; nothing was written. `field` names the input at fault
    when one is (a form puts the cursor there whatever language the message is in). `cli` and
    `form`: how each door mends it in its own words (the options to give, the form's fields), said
    after the message by that door only (`said_by`)."""

    def __init__(self, *args: object, field: str | None = None, cli: str = "", form: str = "") -> None:
        super().__init__(*args)
        self.field = field
        self.cli = cli
        self.form = form


def said_by(exc: Exception, door: str) -> str:
    """An error's message as a door says it: followed by that door's way to mend it ("cli" or
    "form"), when the error has one."""
    hint = getattr(exc, door, "")
    return f"{exc} ({hint})" if hint else str(exc)


class NotFound(VseError):
    """A record that the operator named does not exist."""


class DatabaseError(VseError):
    """The database file cannot be used (not SQLite, newer schema, unreadable folder...)."""


class BusyError(DatabaseError):
    """Another program holds the write lock for too long."""


def describe_validation_error(exc: ValidationError, what: str | None = None) -> str:
    """Turn a pydantic ValidationError into one line naming each field and what it expects (`what`:
    the record as the reader knows it, already in their language; "record" when not said)."""
    what = what or _("record")
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__") or what
        msg = err.get("msg") or _("is not valid")
        msg = msg.removeprefix("Value error, ")
        value = err.get("input")
        shown = ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            shown = " " + _("(got {value!r})").format(value=text[:40] + ("..." if len(text) > 40 else ""))
        parts.append(f"{loc}: {msg}{shown}")
    return _("{what}: {problems}").format(what=what, problems=listed(parts))
