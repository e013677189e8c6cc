"""Time: stored in UTC, shown in local time. VSE_TUI_NOW freezes the clock (tests, demos)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from typing import overload

from ...i18n import formats


def now() -> datetime:
    """The current time in UTC, or the frozen time from VSE_TUI_NOW (ISO 8601)."""
    frozen = os.environ.get("VSE_TUI_NOW")
    if frozen:
        return parse_datetime(frozen)
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return to_local(now()).date()


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601; a value without an offset is taken as local time. Returns UTC."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC)


_ZERO = timedelta(0)


def ensure_utc(value: datetime) -> datetime:
    """An aware datetime in UTC without microseconds; naive values are taken as local time."""
    if value.tzinfo is UTC and not value.microsecond:
        return value  # as stored: the common case when a record is read
    if value.utcoffset() == _ZERO:  # UTC by another name (a parsed "+00:00"): no arithmetic needed
        return value.replace(tzinfo=UTC, microsecond=0)
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC).replace(microsecond=0)


@overload
def iso(value: datetime) -> str: ...
@overload
def iso(value: None) -> None: ...
@overload
def iso(value: datetime | None) -> str | None: ...
def iso(value: datetime | None) -> str | None:
    """A moment as stored: ISO 8601 in UTC with its offset (a naive one is taken as local time)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(UTC).isoformat()


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


def local_text(value: datetime | None, with_time: bool = True) -> str:
    """An absolute date (and time) in the user's time zone, as their language writes it:
    2026-11-26 15:07 (en), 26/11/2026 15:07 (es, pt_BR, fr). For people only: what is stored or
    read back by a tool is `iso`."""
    if value is None:
        return ""

    local = to_local(value)
    return formats.datetime_text(local) if with_time else formats.date_text(local.date())


def human_duration(delta: timedelta, units: int = 2, compact: bool = False) -> str:
    """'2h 10m', '3d 4h', '45m' (in English): as a person says it, two units at most (or one);
    `compact` for a narrow column (French '5h 1min' there, '5 h 1 min' in a sentence)."""

    return formats.duration(delta, units, compact=compact)


def relative(target: datetime, reference: datetime | None = None) -> str:
    """'in 5d' or '3d ago' relative to now (in the person's language)."""

    reference = reference or now()
    return formats.relative(target - reference)


def days_between(a: date, b: date) -> int:
    return (b - a).days


__all__ = [
    "now", "today", "parse_datetime", "iso", "to_local", "local_text", "human_duration",
    "relative", "days_between", "timedelta",
]
