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


def actor_for(args=None):
    from .config import load_config
    from .store.connection import Actor

    claim = getattr(args, "as_person", None) or os.environ.get("VSE_TUI_OPERATOR") or load_config().operator
    return Actor.claiming(claim)
