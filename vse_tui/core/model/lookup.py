"""Finding parties, services and people by what a person types: an id, a short code or a name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kernel.errors import NotFound

if TYPE_CHECKING:
    from .ports import Reads

LABELS = {"customers": "customer", "suppliers": "supplier", "services": "service",
          "configuration_items": "configuration item", "people": "person"}


def resolve(store: Reads, kind: str, text: str | None) -> str | None:
    """The uuid of the record of `kind` that `text` names (id, uuid, short code, or unique name part)."""
    if not text:
        return None
    text = text.strip()
    exact, partial = store.match_names(kind, text)
    if exact:
        return exact
    if len(partial) == 1:
        return partial[0][0]
    label = LABELS.get(kind, kind)
    if partial:
        names = ", ".join(t for _, t in partial)
        raise NotFound(f"{text!r} matches more than one {label} ({names}); be more specific")
    raise NotFound(f"No {label} {text!r}")
