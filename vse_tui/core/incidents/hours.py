"""The service-hours clock: targets count only the hours a service is staffed. An incident logged
on Friday evening for a Monday-Friday 9-17 service starts its clock on Monday 9:00.

Service hours are local wall-clock times of the shop; moments are stored in UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from vse_tui.i18n import _, formats, ngettext

from ..kernel.clock import human_duration

MAX_DAYS = 3 * 366  # a target further than this is treated as never reached


@dataclass(frozen=True)
class Hours:
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # 0 = Monday
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)
    always: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Hours | None:
        """From a stored ServiceHours (days, start, end, holidays, always); None for none given."""
        if not data:
            return None
        if data.get("always"):
            return cls(always=True)
        return cls(days=tuple(data.get("days", (0, 1, 2, 3, 4))),
                   start=time.fromisoformat(data.get("start", "09:00")), end=time.fromisoformat(data.get("end", "17:00")),
                   holidays=frozenset(date.fromisoformat(str(d)[:10]) for d in data.get("holidays", ())))

    @property
    def day_minutes(self) -> int:
        """How long one service day is (09:00-17:00: 480 minutes)."""
        if self.always:
            return 24 * 60
        return max(0, (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute))

    def window(self, day: date, tz: tzinfo | None) -> tuple[datetime, datetime] | None:
        """The staffed interval of a local day, in UTC, or None when closed."""
        if day.weekday() not in self.days or day in self.holidays or self.end <= self.start:
            return None
        opens = datetime.combine(day, self.start, tzinfo=tz)
        closes = datetime.combine(day, self.end, tzinfo=tz)
        return opens.astimezone(UTC), closes.astimezone(UTC)


def _local_tz() -> tzinfo | None:
    return datetime.now().astimezone().tzinfo


@lru_cache(maxsize=65536)
def _window(hours: Hours, day: date, tz: tzinfo | None) -> tuple[datetime, datetime] | None:
    """Hours.window, remembered: reports walk the same days for thousands of incidents."""
    return hours.window(day, tz)


@lru_cache(maxsize=65536)
def _midnight(day: date, tz: tzinfo | None) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


DAY = 24 * 60


def service_minutes(minutes: int, hours: Hours | None) -> int:
    """The minutes of service hours a target stands for. A target of whole days, as it is typed and
    shown ("3d"), is that many service days, each as long as the service's day: with Mon-Fri
    09:00-17:00, "3d" is 24 service hours and an incident opened on Monday morning is due on Thursday
    morning, not ten days later (72 service hours). Any other target ("36h", "4h") is that many
    minutes of service hours; round the clock, or with no hours, a day is 24 hours."""
    if hours is None or hours.always or minutes <= 0 or minutes % DAY or not hours.day_minutes:
        return minutes
    return minutes // DAY * hours.day_minutes


def add_working_minutes(start: datetime, minutes: int, hours: Hours | None, tz: tzinfo | None = None) -> datetime:
    """The moment `minutes` of service hours after `start` (plain minutes without hours or 24x7)."""
    if hours is None or hours.always:
        return start + timedelta(minutes=minutes)
    tz = tz or _local_tz()
    remaining = timedelta(minutes=max(0, minutes))
    current = start.astimezone(UTC)
    day = current.astimezone(tz).date()
    for _unused in range(MAX_DAYS):
        win = _window(hours, day, tz)
        if win:
            opens, closes = win
            if current < opens:
                current = opens
            if current < closes:
                available = closes - current
                if remaining <= available:
                    return current + remaining
                remaining -= available
        day += timedelta(days=1)
        current = max(current, _midnight(day, tz))
    return start + timedelta(days=MAX_DAYS)


def working_minutes(start: datetime, end: datetime, hours: Hours | None, tz: tzinfo | None = None) -> int:
    """Minutes of service hours between two moments."""
    if end <= start:
        return 0
    if hours is None or hours.always:
        return int((end - start).total_seconds() // 60)
    tz = tz or _local_tz()
    total = timedelta()
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        win = _window(hours, day, tz)
        if win:
            lo, hi = max(win[0], start), min(win[1], end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def hours_words(hours: Hours) -> str:
    """The hours a clock counts, as a person reads them: 'Mon-Fri 08:00-18:00', 'Lun-Vie 08:00-18:00',
    '24x7' (the days as service hours are typed, core.present.fields)."""
    if hours.always:
        return "24x7"
    return f"{formats.day_ranges(list(hours.days))} {hours.start:%H:%M}-{hours.end:%H:%M}"


def _service_span(minutes: int) -> str:
    if minutes and minutes % DAY == 0:  # whole days are service days (service_minutes)
        days = minutes // DAY
        return ngettext("{n} service day", "{n} service days", days).format(n=days)
    if minutes % 60 == 0:
        count = minutes // 60
        return ngettext("{n} service hour", "{n} service hours", count).format(n=count)
    return _("{span} of service hours").format(span=human_duration(timedelta(minutes=minutes)))


def target_span(minutes: int, hours: Hours | None) -> str:
    """How long a target is, with its unit said: '4h, round the clock' when every minute counts,
    '2 service days (Mon-Fri 08:00-18:00)' when only the staffed hours do (a "2d" target is two
    service days, each as long as the service's day: `service_minutes`)."""

    if hours is None or hours.always:
        return _("{span}, round the clock").format(span=human_duration(timedelta(minutes=minutes)))
    return _("{span} ({hours})").format(span=_service_span(minutes), hours=hours_words(hours))


def targets_words(respond_minutes: int, resolve_minutes: int, hours: Hours | None) -> str:
    """Both targets of an incident with their unit said once: 'respond 1 service hour · resolve
    48 service hours (Mon-Fri 08:00-18:00)', or 'respond 15m · resolve 4h, round the clock'."""

    if hours is None or hours.always:
        return _("respond {respond} · resolve {resolve}, round the clock").format(
            respond=human_duration(timedelta(minutes=respond_minutes)),
            resolve=human_duration(timedelta(minutes=resolve_minutes)))
    return _("respond {respond} · resolve {resolve} ({hours})").format(
        respond=_service_span(respond_minutes), resolve=_service_span(resolve_minutes), hours=hours_words(hours))
