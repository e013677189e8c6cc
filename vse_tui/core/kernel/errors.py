"""Errors that speak to the operator. The CLI and the screens show their message as it is."""

from __future__ import annotations


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
