"""Command palette: find any record by its id or words of its title."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..core.lookup import _escape_like
from ..core.records import BY_KIND

SEARCHED = ("incidents", "change_requests", "configuration_items", "services", "customers", "suppliers",
            "people", "customer_agreements", "supplier_agreements", "feedback", "policies")


class RecordsProvider(Provider):
    """Records matching an id (INC-0042) or words of their title ("printer")."""

    async def search(self, query: str) -> Hits:
        query = query.strip()
        if len(query) < 2:
            return
        store = self.app.store
        like = f"%{_escape_like(query)}%"
        found = 0
        for kind in SEARCHED:
            label = BY_KIND[kind].LABEL
            rows = store.conn.execute(
                f"SELECT id, title FROM {kind} WHERE id LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' "
                "ORDER BY seq DESC LIMIT 8", (like.upper(), like)).fetchall()
            for rid, title in rows:
                text = f"{rid}  {title}"
                score = 1.0 if rid.lower() == query.lower() else self.matcher(query).match(text) or 0.3
                yield Hit(score, self.matcher(query).highlight(text), partial(self.app.open_record, rid),
                          help=f"Open this {label.lower()}")
                found += 1
            if found > 40:
                return
        # numbers a record had in another copy before a merge renumbered it (a customer may quote them)
        for alias, kind, uuid in store.conn.execute(
                "SELECT alias, kind, uuid FROM aliases WHERE alias LIKE ? ESCAPE '\\' LIMIT 8", (like.upper(),)).fetchall():
            row = store.conn.execute(f"SELECT id, title FROM {kind} WHERE uuid = ?", (uuid,)).fetchone()
            if row:
                text = f"{alias} → {row[0]}  {row[1]}"
                yield Hit(0.9 if alias.lower() == query.lower() else 0.4, self.matcher(query).highlight(text),
                          partial(self.app.open_record, row[0]), help="Its number in another copy, before the merge")

    async def discover(self) -> Hits:
        yield DiscoveryHit("Find a record", lambda: None, help="Type an id such as INC-0042, or words of a title")
