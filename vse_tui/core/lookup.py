"""Finding parties and services by what a person types: an id, a short code or a name."""

from __future__ import annotations

from .errors import NotFound


def resolve(store, kind: str, text: str | None) -> str | None:
    """The uuid of the record of `kind` that `text` names (id, uuid, short code, or unique name part)."""
    if not text:
        return None
    text = text.strip()
    row = store.conn.execute(
        f"SELECT uuid FROM {kind} WHERE id = ? OR uuid = ? OR lower(title) = lower(?)",
        (text.upper(), text, text),
    ).fetchone()
    if row:
        return row[0]
    if kind in ("customers", "suppliers"):
        row = store.conn.execute(
            f"SELECT uuid FROM {kind} WHERE lower(json_extract(data, '$.short')) = lower(?)", (text,)
        ).fetchone()
        if row:
            return row[0]
    rows = store.conn.execute(
        f"SELECT uuid, title FROM {kind} WHERE title LIKE ? ESCAPE '\\' LIMIT 3",
        (f"%{_escape_like(text)}%",),
    ).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    label = {"customers": "customer", "suppliers": "supplier", "services": "service",
             "configuration_items": "configuration item", "people": "person"}.get(kind, kind)
    if rows:
        names = ", ".join(r[1] for r in rows)
        raise NotFound(f"{text!r} matches more than one {label} ({names}); be more specific")
    raise NotFound(f"No {label} {text!r}")


def names(store, kind: str) -> dict[str, str]:
    """uuid -> display name for a small table (customers, services, people)."""
    return {u: t for u, t in store.conn.execute(f"SELECT uuid, title FROM {kind}")}


def short_names(store) -> dict[str, str]:
    """customer uuid -> short code (falling back to the name)."""
    out = {}
    for u, t, d in store.conn.execute("SELECT uuid, title, json_extract(data, '$.short') FROM customers"):
        out[u] = d or t
    return out


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
