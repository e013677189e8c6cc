"""The one date reader of the project: dates and times as tools and people write them.

Every import (incidents, configuration items, parties) reads its dates here. A column is read as a
whole: `DateReader.for_values(values)` decides from all of them whether numeric dates are day-first
(13/01/2026) or month-first (01/13/2026), by evidence (a first number above 12 means day-first, a
second above 12 month-first); with no evidence it reads day-first and says so. Each value is then
matched by one of a few forms, fast (one regular expression, no strptime loop):

- ISO 8601: `2026-11-26`, `2026-11-26 09:30`, `2026-11-26T09:30:00.123+01:00`, `...Z`;
- numeric with `/`, `-` or `.`: `26/11/2026 9:30`, `11-26-26 9:30 PM`, `2026/11/26 09:30:00`;
- with a month's name: `26/Nov/26 9:30 AM` (Jira), `26 November 2026 09:30`, `Nov 26, 2026 9:30 PM`;
- C's time stamp: `Thu Nov 26 09:30:00 2026` (Request Tracker);

with seconds or not, a 12-hour clock with AM/PM or a 24-hour one. A time without a zone is the
shop's local time. `--dates` forces a strptime format (`%d/%b/%y %I:%M %p`) or an order
(`day-first`, `month-first`). A value that fits no form, or a year before 1970 or after next year,
is refused with the value named."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from vse_tui.i18n import N_, _

from . import clock

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_TIME = r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?)?"
_ZONE = r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
FORMS = [
    ("iso", re.compile(r"(?P<Y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _ZONE + r"$")),
    ("ymd", re.compile(r"(?P<Y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})" + _TIME + _ZONE + r"$")),
    ("numeric", re.compile(r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{2}|\d{4})" + _TIME + _ZONE + r"$")),
    ("dmony", re.compile(r"(?P<d>\d{1,2})[/ .-](?P<mon>[^\W\d_]{3,9})\.?[/ .-](?P<y>\d{2}|\d{4}),?" + _TIME + _ZONE + r"$")),
    ("mondy", re.compile(r"(?:[^\W\d_]{3,9},?\s+)?(?P<mon>[^\W\d_]{3,9})\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4}),?"
                         + _TIME + _ZONE + r"$")),
    ("ctime", re.compile(r"(?:[^\W\d_]{3},?\s+)?(?P<mon>[^\W\d_]{3,9})\s+(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})"
                         r"(?::(?P<S>\d{2}))?" + _ZONE + r"\s+(?P<y>\d{4})$")),
]
EARLIEST_YEAR = 1970


class DateError(ValueError):
    """A value that is not a date and time this column can be read as."""


class Evidence:
    """What a column's values say about its numeric dates, gathered one value at a time (a big
    file is never held whole)."""

    __slots__ = ("day_first", "month_first", "numeric")

    def __init__(self) -> None:
        self.day_first = self.month_first = self.numeric = 0

    def add(self, value: str | None) -> None:
        if not value:
            return
        m = FORMS[2][1].match(value.strip())
        if not m:
            return
        self.numeric += 1
        a, b = int(m.group("a")), int(m.group("b"))
        if a > 12 >= b:
            self.day_first += 1
        elif b > 12 >= a:
            self.month_first += 1

    def reader(self, forced: str | None = None) -> DateReader:
        return DateReader._decide(self, forced)


@dataclass
class DateReader:
    """How one column's dates are read: numeric dates day-first or month-first, or a forced format."""

    day_first: bool = True
    decided: str = N_("no numeric dates")  # how the order was decided, for the preview
    forced: str | None = None  # a strptime format given with --dates
    years_ahead: int = 1  # how far past this year a date may lie (events: next year; expiry dates: far more)
    _last: tuple[str, re.Pattern[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def for_values(cls, values: Iterable[str | None], forced: str | None = None) -> DateReader:
        """Decide from every value of a column (see the module's doc)."""
        evidence = Evidence()
        for value in values:
            evidence.add(value)
        return evidence.reader(forced)

    @classmethod
    def _decide(cls, evidence: Evidence, forced: str | None) -> DateReader:
        if forced:
            order = forced.strip().lower().replace("_", "-")
            if order in ("day-first", "dmy", "dd/mm"):
                return cls(True, _("day-first (--dates)"))
            if order in ("month-first", "mdy", "mm/dd"):
                return cls(False, _("month-first (--dates)"))
            if order in ("iso", "ymd"):
                return cls(True, _("ISO (--dates)"))
            if "%" not in forced:
                raise DateError(_("--dates {forced!r}: give day-first, month-first or a format such as '%d/%b/%y %I:%M %p'").format(forced=forced))
            return cls(True, _("{forced} (--dates)").format(forced=forced), forced)
        day_evidence, month_evidence, numeric = evidence.day_first, evidence.month_first, evidence.numeric
        if day_evidence and month_evidence:
            raise DateError(_("the column mixes day-first dates ({day_evidence}) and month-first ones ({month_evidence}); say which with --dates day-first or --dates month-first").format(day_evidence=day_evidence, month_evidence=month_evidence))
        if month_evidence:
            return cls(False, _("month-first ({month_evidence} of {numeric} numeric dates, such as 01/13, say so)").format(month_evidence=month_evidence, numeric=numeric))
        if day_evidence:
            return cls(True, _("day-first ({day_evidence} of {numeric} numeric dates, such as 13/01, say so)").format(day_evidence=day_evidence, numeric=numeric))
        return cls(True, _("day-first (none of {numeric} numeric dates says otherwise; --dates month-first to change)").format(numeric=numeric)
                   if numeric else _("ISO or with a month's name: no day or month order to decide"))

    def read(self, value: str | None) -> datetime | None:
        """The moment `value` names, in UTC; None for an empty value; DateError if unreadable."""
        if value is None:
            return None
        text = value.strip()
        if not text:
            return None
        if self.forced:
            try:
                parsed = datetime.strptime(text, self.forced)
            except ValueError:
                raise DateError(_("{value!r} does not fit {forced}").format(value=value, forced=self.forced)) from None
            _check_year(parsed.year, value, self.years_ahead)
            return _aware(parsed)
        last = self._last
        if last is not None:  # a column keeps to one form: try the one that read the value before first
            m = last[1].match(text)
            if m:
                return self._build(last[0], m, value)
        for name, form in FORMS:
            m = form.match(text)
            if m:
                self._last = (name, form)
                return self._build(name, m, value)
        raise DateError(_("{value!r} is not a date and time we can read").format(value=value))

    def read_date(self, value: str | None) -> date | None:
        """A calendar date in local time (a time, if any, is dropped)."""
        moment = self.read(value)
        return moment.astimezone().date() if moment else None

    def _build(self, name: str, m: re.Match[str], raw: str) -> datetime:
        g = m.groupdict()
        if name in ("iso", "ymd"):
            year, month, day = int(g["Y"]), int(g["m"]), int(g["d"])
        elif name == "numeric":
            a, b = int(g["a"]), int(g["b"])
            day, month = (a, b) if self.day_first else (b, a)
            if month > 12:
                order = "day-first" if self.day_first else "month-first"
                raise DateError(_("{raw!r}: {month} is not a month (this column reads {order})").format(raw=raw, month=month, order=order))
            year = _year(g["y"])
        else:
            month = _month(g["mon"], raw)
            day, year = int(g["d"]), _year(g["y"])
        hour, minute, second = int(g.get("H") or 0), int(g.get("M") or 0), int(g.get("S") or 0)
        ampm = (g.get("ampm") or "").replace(".", "").replace(" ", "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                raise DateError(_("{raw!r}: {hour} is not an hour of a 12-hour clock").format(raw=raw, hour=hour))
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        _check_year(year, raw, self.years_ahead)
        try:
            moment = datetime(year, month, day, hour, minute, second)
        except ValueError as exc:
            raise DateError(_("{raw!r} is not a real date and time ({exc})").format(raw=raw, exc=exc)) from None
        zone = g.get("zone")
        if zone in (None, ""):
            return _aware(moment)
        if zone in ("Z", "UTC", "GMT"):
            return moment.replace(tzinfo=UTC)
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)


_OFFSETS: dict[tuple[int, int, int, int], timedelta] = {}


def _aware(moment: datetime) -> datetime:
    """A naive time is the shop's local time (its offset from UTC looked up once per hour of the
    calendar: a file of a hundred thousand dates asks the time zone a few thousand times)."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    key = (moment.year, moment.month, moment.day, moment.hour)
    offset = _OFFSETS.get(key)
    if offset is None:
        local = moment.astimezone()
        offset = local.utcoffset() or timedelta(0)
        if len(_OFFSETS) > 200_000:
            _OFFSETS.clear()
        _OFFSETS[key] = offset
    return (moment - offset).replace(tzinfo=UTC)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 69 else 1900
    return year


def _month(name: str, raw: str) -> int:
    key = name.lower().rstrip(".")
    names = _month_names()
    if key in names:
        return names[key]
    if key[:3] in MONTHS and (len(key) == 3 or key == "sept"):
        return MONTHS[key[:3]]
    raise DateError(_("{raw!r}: {name!r} is not a month").format(raw=raw, name=name))


@cache
def _month_names() -> dict[str, int]:
    """Month names and short names in the languages tools are used in, each language's `months`
    of data/imports/words.toml (shipped inside the package, else beside it in the checkout)."""

    here = Path(__file__).resolve()
    words = here.parents[2] / "data" / "imports" / "words.toml"
    if not words.exists():
        words = here.parents[3] / "data" / "imports" / "words.toml"
    with open(words, "rb") as fh:
        table = tomllib.load(fh)
    out: dict[str, int] = {}
    for language in table.values():
        out.update({k.lower(): int(v) for k, v in language.get("months", {}).items()})
    return out


_LATEST: list[int] = []  # next year, read once per process (a date reader runs for every value of a file)


def _check_year(year: int, raw: str, years_ahead: int = 1) -> None:
    if EARLIEST_YEAR <= year <= 2000:  # the common case needs no clock
        return
    if not _LATEST:
        _LATEST.append(clock.now().year)
    latest = _LATEST[0] + years_ahead
    if not EARLIEST_YEAR <= year <= latest:
        raise DateError(_("{raw!r}: the year {year} is out of range ({earliest_year} to {latest})").format(raw=raw, year=year, earliest_year=EARLIEST_YEAR, latest=latest))


def read_moment(value: str | None, day_first: bool = True) -> datetime | None:
    """One value read on its own (forms, the command line): day-first unless said otherwise."""
    return DateReader(day_first).read(value)


__all__ = ["DateError", "DateReader", "Evidence", "read_moment"]
