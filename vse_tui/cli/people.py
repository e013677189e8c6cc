"""Who is writing, as the command line says it: --as PERSON, else VSE_TUI_OPERATOR, else the
config's operator, else the login (mapped to a person of the shop by the store)."""

from __future__ import annotations

import os


def actor_for(args):
    from ..config import load_config
    from ..store.db import Actor

    claim = getattr(args, "as_person", None) or os.environ.get("VSE_TUI_OPERATOR") or load_config().operator
    return Actor.claiming(claim)
