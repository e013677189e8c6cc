"""Who is at the keyboard and which database they work in: what both doors (the command line and
the TUI) need before they open the store. --as PERSON, else VSE_TUI_OPERATOR, else the config's
operator, else the login; the store maps it to a person of the shop."""

from __future__ import annotations

import os
from pathlib import Path


def database(args=None) -> Path:
    """The database named by --db, else VSE_TUI_DB, else the default in the user data folder."""
    from .paths import resolve_db

    return resolve_db(getattr(args, "db", None))


def claim(args=None) -> tuple[str | None, bool]:
    """What the person at the keyboard says they are, and whether they said it for this run
    (--as, VSE_TUI_OPERATOR: a name that matches nobody is refused) or once in the config."""
    given = getattr(args, "as_person", None) or os.environ.get("VSE_TUI_OPERATOR")
    if given:
        return given, True
    from .config import load_config

    return load_config().operator, False


def actor_for(args=None):
    """The actor before the database is open: the login, and the claim (resolved by `identify`)."""
    from .store.connection import Actor

    return Actor.claiming(claim(args)[0])


def identify(store, args=None) -> None:
    """Make the store's actor the person at the keyboard (see core.governance.people.identify)."""
    from .core.governance.people import identify as who

    text, explicit = claim(args)
    found = who(store, text, store.actor.os_user, explicit)
    store.actor = store.actor.as_person(found.person, found.name)


def open_as(args=None, *, create: bool = True):
    """The database the command line names, opened as the person at the keyboard."""
    from .store.db import open_store

    store = open_store(database(args), actor_for(args), create=create)
    try:
        identify(store, args)
    except BaseException:
        store.close()
        raise
    return store
