"""Finding parties, services and people by what a person types: an id, a short code or a name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vse_tui.i18n import N_, _

from ..kernel.errors import NotFound

if TYPE_CHECKING:
    from .ports import Reads

LABELS = {"customers": N_("customer"), "suppliers": N_("supplier"), "services": N_("service"),
          "configuration_items": N_("configuration item"), "people": N_("person")}


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
    label = _(LABELS[kind]) if kind in LABELS else kind
    if partial:
        names = ", ".join(t for _, t in partial)
        raise NotFound(_("{text!r} matches more than one {label} ({names}); be more specific").format(
            text=text, label=label, names=names))
    raise NotFound(_("No {label} {text!r}").format(label=label, text=text))
