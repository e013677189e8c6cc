"""Named reads over records of any kind: a record list's rows (its columns named as fields,
a field that links to another record shown by that record's title) and a window of time on a
record's moment (a period, a calendar month, no moment at all).

The doors (screens, command line, reports) ask the store through these and through the named
reads of each process (`core/<process>/queries.py`); the store's filter language (`__ge`,
`__isnull`, `:json`...) is spoken between the core and the store only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..kernel import clock

if TYPE_CHECKING:
    from .ports import Filter, Reads

_WHOLE = ":json"  # the store reads such a field whole: a list or an object of the record's data


@dataclass(frozen=True)
class ListField:
    """A column of a record list. `names`: the kind of record the field links to, whose title the
    row holds instead of the link (empty when the record is gone); `whole`: a list or an object of
    the record's data, read whole."""

    name: str
    names: str | None = None
    whole: bool = False


def _matching(text: str) -> Filter | None:
    """The records whose id, title or keys hold every word of `text` (all of them when empty)."""
    return {"text__match": text} if text else None


def count_matching(store: Reads, kind: str, text: str = "") -> int:
    """How many records of `kind` a search for `text` finds (every record when empty)."""
    return store.count(kind, _matching(text))


def list_rows(store: Reads, kind: str, fields: Sequence[str | ListField], text: str = "",
              limit: int | None = None) -> list[tuple[Any, ...]]:
    """The values of `fields` (a field's name, or a ListField) of the records of `kind` a search for
    `text` finds, newest first."""
    named = [ListField(f) if isinstance(f, str) else f for f in fields]
    rows = store.rows(kind, [f.name + _WHOLE if f.whole else f.name for f in named], _matching(text),
                      order="-seq", limit=limit)
    titles = {i: store.titles(f.names) for i, f in enumerate(named) if f.names}
    if not titles:
        return rows
    return [tuple(titles[i].get(v, "") if i in titles else v for i, v in enumerate(row)) for row in rows]


@dataclass(frozen=True)
class Window:
    """The records whose moment `field` falls in [start, end) (moments as stored: UTC ISO text; no
    bound where None), or, `undated`, those that have no such moment."""

    field: str
    start: str | None = None
    end: str | None = None
    undated: bool = False

    @property
    def bounded(self) -> bool:
        """Whether the window leaves any record out."""
        return self.undated or self.start is not None or self.end is not None

    @classmethod
    def month(cls, field: str, year: int, number: int) -> Window:
        """The local calendar month `number` of `year`."""
        start = datetime(year, number, 1)  # local midnight: iso() takes a naive moment as local time
        end = datetime(year + number // 12, number % 12 + 1, 1)
        return cls(field, clock.iso(start), clock.iso(end))

    def narrowed(self, other: Window | None) -> Window:
        """Both windows at once (the later start, the earlier end); `other` None: this one."""
        if other is None:
            return self
        if other.field != self.field:
            raise ValueError(f"windows on two fields: {self.field}, {other.field}")
        starts = [b for b in (self.start, other.start) if b is not None]
        ends = [b for b in (self.end, other.end) if b is not None]
        return replace(self, start=max(starts) if starts else None, end=min(ends) if ends else None,
                       undated=self.undated or other.undated)

    def where(self, **equal: Any) -> Filter:
        """The window as the store's filter, with fields that must equal the values given."""
        out: Filter = dict(equal)
        if self.undated:
            out[f"{self.field}__isnull"] = True
        if self.start is not None:
            out[f"{self.field}__ge"] = self.start
        if self.end is not None:
            out[f"{self.field}__lt"] = self.end
        return out


__all__ = ["ListField", "Window", "count_matching", "list_rows"]
