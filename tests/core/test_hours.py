from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from vse_tui.core.incidents.hours import Hours, add_working_minutes, working_minutes

BRU = ZoneInfo("Europe/Brussels")
OFFICE = Hours(days=(0, 1, 2, 3, 4), start=time(9), end=time(17))


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BRU)


def test_friday_evening_starts_on_monday_morning():
    # Friday 2026-11-27 18:30, 4 working hours -> Monday 2026-11-30 13:00
    due = add_working_minutes(local(2026, 11, 27, 18, 30), 240, OFFICE, BRU)
    assert due == local(2026, 11, 30, 13, 0).astimezone(UTC)


def test_across_a_weekend():
    # Friday 15:00 + 3h -> 2h on Friday, 1h on Monday -> Monday 10:00
    assert add_working_minutes(local(2026, 11, 27, 15), 180, OFFICE, BRU) == local(2026, 11, 30, 10)
    assert working_minutes(local(2026, 11, 27, 15), local(2026, 11, 30, 10), OFFICE, BRU) == 180


def test_a_holiday_is_skipped():
    holiday = Hours(days=OFFICE.days, start=time(9), end=time(17), holidays=frozenset({date(2026, 12, 25)}))
    # Thursday 24 Dec 16:00 + 2h -> 1h on Thursday, Friday 25th closed, weekend, Monday 28th 10:00
    assert add_working_minutes(local(2026, 12, 24, 16), 120, holiday, BRU) == local(2026, 12, 28, 10)
    assert working_minutes(local(2026, 12, 24, 9), local(2026, 12, 28, 17), holiday, BRU) == 16 * 60


def test_start_and_end_outside_hours():
    # logged Tuesday 06:00, restored Tuesday 20:00: a full working day, 8h
    assert working_minutes(local(2026, 12, 1, 6), local(2026, 12, 1, 20), OFFICE, BRU) == 480
    # logged and restored on Saturday: nothing counts
    assert working_minutes(local(2026, 11, 28, 10), local(2026, 11, 28, 16), OFFICE, BRU) == 0
    # logged before opening: the clock starts at opening
    assert add_working_minutes(local(2026, 12, 1, 7), 30, OFFICE, BRU) == local(2026, 12, 1, 9, 30)


def test_a_24x7_customer_counts_every_minute():
    always = Hours(always=True)
    assert add_working_minutes(local(2026, 11, 28, 23), 120, always, BRU) == local(2026, 11, 29, 1)
    assert working_minutes(local(2026, 11, 28, 23), local(2026, 11, 29, 1), always, BRU) == 120
    assert add_working_minutes(local(2026, 11, 28, 23), 120, None, BRU) == local(2026, 11, 29, 1)


def test_from_stored_data():
    h = Hours.from_data({"days": [0, 1, 2], "start": "08:30", "end": "12:00", "holidays": ["2026-12-25"], "always": False})
    assert (h.days, h.start, h.end, date(2026, 12, 25) in h.holidays) == ((0, 1, 2), time(8, 30), time(12), True)
    assert Hours.from_data({"always": True}).always and Hours.from_data(None) is None
