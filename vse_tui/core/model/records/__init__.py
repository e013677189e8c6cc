"""Everything the app stores, as pydantic models: the 21 work products, parties and roles.

The models live in one module per process; this package loads a module only when one of its
models is first needed, so that a command such as `vse-tui incident add` stays quick. Importing
the package itself loads no model and not pydantic: the tables below are plain data, which lets
the store and the dashboard read rows without paying for validation they do not use.
`model_for(kind)` loads one; `BY_KIND`, `BY_WP`, `BY_PREFIX` and `RECORD_TYPES` load them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ...kernel.errors import InputError

if TYPE_CHECKING:  # for readers and type checkers; at run time the names load on first use
    from ..ids import new_uuid as new_uuid
    from .base import Approval as Approval
    from .base import Document as Document
    from .base import Instant as Instant
    from .base import Level as Level
    from .base import Record as Record
    from .control import *  # noqa: F403
    from .governance import *  # noqa: F403
    from .incident import *  # noqa: F403
    from .parties import *  # noqa: F403
    from .relationship import *  # noqa: F403

from .registry import KINDS as KINDS
from .registry import MODULES as MODULES
from .registry import OTHER_PREFIXES as OTHER_PREFIXES
from .registry import PREFIXES as PREFIXES
from .registry import kind_of_wp as kind_of_wp
from .registry import prefix_of as prefix_of


class UnknownKind(InputError, KeyError):
    """A kind of record the app does not have, named by a person (`record add ci`): said with the
    kinds there are. Still a KeyError for code that looks a kind up."""

    __str__ = Exception.__str__  # the message as written, not quoted as a key


def model_for(kind: str) -> type[Record]:
    """The model of a kind of record, loading only its module."""
    try:
        module, name, _wp = KINDS[kind]
    except KeyError:
        raise UnknownKind(_("unknown kind of record {kind!r}; the kinds are: {kinds}").format(
            kind=kind, kinds=", ".join(sorted(KINDS)))) from None
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def all_models() -> tuple[type[Record], ...]:
    return tuple(model_for(kind) for kind in KINDS)


class _Registry(Mapping[str, "type[Record]"]):
    """A mapping filled on first use, with every model loaded."""

    def __init__(self, key: Callable[[type[Record]], str | None]) -> None:
        self._key = key
        self._data: dict[str, type[Record]] | None = None

    def _load(self) -> dict[str, type[Record]]:
        if self._data is None:
            self._data = {key: m for m in all_models() if (key := self._key(m))}
        return self._data

    def __getitem__(self, key: str) -> type[Record]:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


BY_KIND: Mapping[str, type[Record]] = _Registry(lambda m: m.KIND)
BY_WP: Mapping[str, type[Record]] = _Registry(lambda m: m.WP)
BY_PREFIX: Mapping[str, type[Record]] = _Registry(lambda m: m.PREFIX)


def export_key(model: type[Record]) -> str:
    """Records of a work product export under its code ("WP.18"), the others under their kind."""
    return model.WP or model.KIND


# class name -> module, for `from vse_tui.core.model.records import Incident` (loads that module only)
NAMES: dict[str, str] = {cls: module for module, cls, _wp in KINDS.values()} | {
    "Approval": "base", "Document": "base", "Instant": "base", "Level": "base", "Record": "base", "new_uuid": "base",
    "Organisation": "parties", "PriorityTarget": "governance", "ServiceTarget": "relationship",
    "ServiceHours": "relationship", "Agreement": "relationship", "Notification": "incident",
    "TimeEntry": "incident", "Confirmation": "incident",
}


def __getattr__(name: str) -> Any:
    if name == "RECORD_TYPES":
        return all_models()
    module = NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
