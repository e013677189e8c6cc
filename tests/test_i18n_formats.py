"""Dates, numbers, durations and answers as each language writes and reads them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from vse_tui import i18n
from vse_tui.core.kernel import clock
from vse_tui.i18n import formats

MOMENT = datetime(2026, 12, 25, 15, 7, tzinfo=UTC)  # the suite runs with TZ=UTC


@pytest.mark.parametrize(("lang", "short", "moment", "long", "medium"), [
    ("en", "2026-12-25", "2026-12-25 15:07", "25 December 2026", "25 Dec 2026"),
    ("es", "25/12/2026", "25/12/2026 15:07", "25 de diciembre de 2026", "25 dic 2026"),
    ("pt_BR", "25/12/2026", "25/12/2026 15:07", "25 de dezembro de 2026", "25 dez 2026"),
    ("fr", "25/12/2026", "25/12/2026 15:07", "25 décembre 2026", "25 déc. 2026"),
])
def test_dates(lang, short, moment, long, medium) -> None:
    assert formats.date_text(MOMENT.date(), lang) == short
    assert formats.datetime_text(MOMENT, lang) == moment
    assert formats.long_date(MOMENT, lang) == long
    assert formats.medium_date(MOMENT, lang) == medium


def test_the_clock_speaks_the_language_spoken_and_stores_iso() -> None:
    assert clock.local_text(MOMENT) == "2026-12-25 15:07"  # English keeps the app's old form
    i18n.set_language("fr")
    assert clock.local_text(MOMENT) == "25/12/2026 15:07"
    assert clock.local_text(MOMENT, with_time=False) == "25/12/2026"
    # French spaces a number from its unit in text; a narrow column keeps them together
    assert clock.human_duration(timedelta(days=3, hours=4)) == "3\u00a0j 4\u00a0h"
    assert clock.human_duration(timedelta(days=3, hours=4), compact=True) == "3j 4h"
    assert clock.human_duration(timedelta(hours=5, minutes=1)) == "5\u00a0h 1\u00a0min"
    assert clock.relative(MOMENT, MOMENT + timedelta(hours=2)) == "il y a 2\u00a0h"
    assert clock.iso(MOMENT) == "2026-12-25T15:07:00+00:00"  # what is stored does not move


@pytest.mark.parametrize(("lang", "big", "share", "later", "earlier"), [
    ("en", "1,234,567.5", "85.3%", "in 2h 10m", "3d 4h ago"),
    ("es", "1.234.567,5", "85,3\u00a0%", "en 2h 10min", "hace 3d 4h"),
    ("pt_BR", "1.234.567,5", "85,3%", "em 2h 10min", "há 3d 4h"),
    ("fr", "1\u00a0234\u00a0567,5", "85,3\u00a0%", "dans 2\u00a0h 10\u00a0min", "il y a 3\u00a0j 4\u00a0h"),
])
def test_numbers_and_durations(lang, big, share, later, earlier) -> None:
    assert formats.number(1234567.5, lang=lang) == big
    assert formats.number(1234, lang=lang) == "1234"  # four digits are not grouped
    assert formats.number(-2.5, 2, lang=lang) == "-2" + formats.locale(lang).decimal + "50"
    assert formats.percent(85.3, 1, lang) == share
    assert formats.relative(timedelta(hours=2, minutes=10), lang) == later
    assert formats.relative(-timedelta(days=3, hours=4), lang) == earlier


def test_weeks_months_and_days() -> None:
    assert formats.first_weekday("en") == 0 and formats.first_weekday("pt_BR") == 6
    assert formats.weekdays_in_order("pt_BR")[0] == "dom"
    assert formats.weekdays_in_order("fr")[0] == "lun."
    assert formats.week_start(date(2026, 12, 25), "es") == date(2026, 12, 21)  # a Monday
    assert formats.week_start(date(2026, 12, 25), "pt_BR") == date(2026, 12, 20)  # a Sunday
    assert formats.month_name(3, "pt_BR") == "março"
    assert formats.day_and_weekday(date(2026, 11, 26), "es") == "jue 26"


@pytest.mark.parametrize(("lang", "typed"), [
    ("es", "25/12/2026"), ("es", "25 dic 2026"), ("es", "25 de diciembre de 2026"), ("es", "25-12-26"),
    ("pt_BR", "25/12/2026"), ("pt_BR", "25 dez 2026"), ("pt_BR", "25 de dezembro de 2026"),
    ("fr", "25/12/2026"), ("fr", "25 déc. 2026"), ("fr", "25 decembre 2026"), ("fr", "25.12.2026"),
    ("en", "2026-12-25"), ("en", "12/25/2026"), ("en", "25 Dec 2026"), ("en", "Dec 25, 2026"),
    ("fr", "2026-12-25"),
])
def test_typed_dates(lang, typed) -> None:
    assert formats.parse_date(typed, lang) == date(2026, 12, 25)


def test_a_date_that_cannot_be_read_says_what_is_expected() -> None:
    with pytest.raises(formats.ParseError, match="25/12/2026 or 25 dic 2026"):
        formats.parse_date("31/02/2026", "es")
    with pytest.raises(formats.ParseError, match="not a date"):
        formats.parse_date("25 foo 2026", "fr")
    with pytest.raises(formats.ParseError):
        formats.parse_date("25/12/2026", "en")  # no 25th month: English reads month first


@pytest.mark.parametrize(("lang", "typed", "value"), [
    ("es", "2,5", 2.5), ("es", "1.234,5", 1234.5), ("es", "2.5", 2.5), ("es", "1.234", 1234.0),
    ("pt_BR", "0,75", 0.75), ("fr", "1 234,5", 1234.5), ("fr", "1\u00a0234,5", 1234.5), ("fr", "3", 3.0),
    ("en", "2.5", 2.5), ("en", "1,234.5", 1234.5), ("en", "-3", -3.0),
])
def test_typed_numbers(lang, typed, value) -> None:
    assert formats.parse_number(typed, lang) == value


def test_a_number_that_cannot_be_read_is_refused() -> None:
    for text in ("", "abc", "1,2,3", "2,5", "1.2.3"):
        with pytest.raises(formats.ParseError):
            formats.parse_number(text, "en")
    with pytest.raises(formats.ParseError, match=r"12\.345,5"):
        formats.parse_number("dos", "es")


@pytest.mark.parametrize(("lang", "yes", "no", "hint"), [
    ("en", ["y", "Yes"], ["n", "NO"], "[y/N]"),
    ("es", ["s", "sí", "Si", "y"], ["n", "no"], "[s/N]"),
    ("pt_BR", ["s", "sim"], ["n", "não", "nao"], "[s/N]"),
    ("fr", ["o", "Oui"], ["n", "non"], "[o/N]"),
])
def test_yes_and_no(lang, yes, no, hint) -> None:
    assert all(formats.parse_yes_no(t, lang) is True for t in yes)
    assert all(formats.parse_yes_no(t, lang) is False for t in no)
    assert formats.parse_yes_no("maybe", lang) is None
    assert formats.yes_no_hint(False, lang) == hint


@pytest.mark.parametrize(("lang", "quarter", "month", "span"), [
    ("es", "4.º trimestre de 2026", "septiembre de 2026", "01/07/2026 – 30/09/2026"),
    ("pt_BR", "4º trimestre de 2026", "setembro de 2026", "01/07/2026 – 30/09/2026"),
    ("fr", "4e trimestre 2026", "septembre 2026", "01/07/2026 – 30/09/2026"),
    ("en", "2026-Q4", "2026-09", "2026-07-01..2026-09-30")])
def test_a_report_period_is_said_in_words(lang, quarter, month, span):
    """A period as typed and stored (2026-Q4) reads as the language names it; English keeps it."""
    from vse_tui.i18n.formats import period_name

    assert period_name("2026-Q4", lang) == quarter
    assert period_name("2026-09", lang) == month
    assert period_name("2026-07-01..2026-09-30", lang) == span
    assert period_name("2026", lang) == "2026"
