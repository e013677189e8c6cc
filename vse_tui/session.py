"""Who is at the keyboard and which database they work in: what both doors (the command line and
the TUI) need before they open the store. --as PERSON, else VSE_TUI_OPERATOR, else the config's
operator, else the login; the store maps it to a person of the shop.

A session started by sshd from a line of `vse-tui people authorized-keys` is pinned to the person
whose key opened it: --as, VSE_TUI_OPERATOR and the start-up picker are refused, and the person must
still hold that very key."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from vse_tui.i18n import _

from .config import load_config
from .core.governance.keys import fingerprint
from .core.governance.people import identify as who
from .core.kernel.errors import InputError
from .paths import resolve_db
from .store.connection import Actor
from .store.db import open_store

_PINNED: tuple[str, str] | None = None  # (person uuid, key fingerprint) of a session started by sshd


def pin(person: str, key_fingerprint: str) -> None:
    """This process runs for the person whose key sshd accepted (see cli's ssh-session)."""
    global _PINNED
    _PINNED = (person, key_fingerprint)


def pinned() -> tuple[str, str] | None:
    return _PINNED


def database(args=None) -> Path:
    """The database named by --db, else VSE_TUI_DB, else the default in the user data folder."""

    return resolve_db(getattr(args, "db", None))


def claim(args=None) -> tuple[str | None, bool]:
    """What the person at the keyboard says they are, and whether they said it for this run
    (--as, VSE_TUI_OPERATOR: a name that matches nobody is refused) or once in the config."""
    if _PINNED is not None:
        if getattr(args, "as_person", None):
            raise InputError(_("This session was opened over SSH with your key: --as is refused (you write as the person your "
                               "key belongs to)"))
        if os.environ.get("VSE_TUI_OPERATOR"):
            raise InputError(_("This session was opened over SSH with your key: VSE_TUI_OPERATOR is refused (you write as the "
                               "person your key belongs to)"))
        return _PINNED[0], True
    given = getattr(args, "as_person", None) or os.environ.get("VSE_TUI_OPERATOR")
    if given:
        return given, True

    return load_config().operator, False


def actor_for(args=None):
    """The actor before the database is open: the login, and the claim (resolved by `identify`)."""

    return Actor.claiming(claim(args)[0])


def identify(store, args=None) -> str | None:
    """Make the store's actor the person at the keyboard (see core.governance.people.identify).
    Returns how a person was found when nobody named them for this run (not --as, not
    VSE_TUI_OPERATOR, not a key over SSH): "config" (the operator the config remembers) or "login"
    (the login mapped to them, perhaps shared by several people); else None."""

    text, explicit = claim(args)
    if _PINNED is not None:
        _identify_pinned(store)
        return None
    found = who(store, text, store.actor.os_user, explicit)
    store.actor = store.actor.as_person(found.person, found.name)
    if found.person is None or explicit:
        return None
    return "config" if found.how == "claimed" else "login"


def _identify_pinned(store) -> None:
    """The person whose key sshd accepted, if they are still active and still hold that key; the
    host names the address the session came from."""

    assert _PINNED is not None
    person, fp = _PINNED
    row = store.row("people", ["id", "title", "ssh_key", "state", "affiliation"], {"uuid": person})
    if row is None or row[3] != "active" or row[4] != "internal":
        raise InputError(_("This SSH key's line names no active person of this shop; print the lines again with 'vse-tui "
                           "people authorized-keys'"))
    if not row[2] or fingerprint(row[2]) != fp:
        raise InputError(_("This authorized_keys line is for a key {name} ({ref}) no longer holds; print the lines "
                           "again with 'vse-tui people authorized-keys'").format(name=row[1], ref=row[0]))
    client = (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") or "").split()
    actor = store.actor.as_person(person, row[1])
    if client:
        actor = dataclasses.replace(actor, host=f"{actor.host} (ssh from {client[0]})")
    store.actor = actor


def open_as(args=None, *, create: bool = True):
    """The database the command line names, opened as the person at the keyboard."""

    return open_identified(args, create=create)[0]


def open_identified(args=None, *, create: bool = True):
    """`open_as`, and how the person was found when nobody named them for this run (`identify`)."""

    store = open_store(database(args), actor_for(args), create=create)
    try:
        how = identify(store, args)
    except BaseException:
        store.close()
        raise
    return store, how
