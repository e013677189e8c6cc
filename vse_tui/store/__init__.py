"""SQLite storage through sqlite-utils: connection, migrations, records and their history.

Never imports Textual.
"""

from .db import Actor, Store, open_store

__all__ = ["Actor", "Store", "open_store"]
