"""Errors that speak to the operator. The CLI and the screens show their message as it is."""

from __future__ import annotations


class VseError(Exception):
    """A refusal with a one-line reason for the operator (exit status 1 on the CLI)."""


class InputError(VseError):
    """Input that cannot be stored as given; nothing was written. `field` names the input at fault
    when one is (a form puts the cursor there whatever language the message is in)."""

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field


class NotFound(VseError):
    """A record that the operator named does not exist."""


class DatabaseError(VseError):
    """The database file cannot be used (not SQLite, newer schema, unreadable folder...)."""


class BusyError(DatabaseError):
    """Another program holds the write lock for too long."""
