"""Dates, times, numbers, durations and yes/no answers as each language writes and reads them.

Everything a person reads goes out through the writers here (``date_text``, ``datetime_text``,
``number``, ``percent``, ``duration``, ``relative``...), everything a person types in comes in
through the readers (``parse_date``, ``parse_number``, ``parse_yes_no``). Each takes the language
(default: the one spoken now, see ``vse_tui.i18n.language``). What is stored never goes through
here: it stays UTC ISO 8601, plain numbers and status codes, so that a database moves between people
of different languages unchanged.

The locale data is a small table per language written here (no Babel at run time: importing it
costs more than the whole first screen's texts). English keeps the forms the app always used
(``2026-11-26 15:07``, ``2h 10m``) so that its screens do not move.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from . import SOURCE_LANGUAGE, _, language


@dataclass(frozen=True)
class Locale:
    """How one language writes dates, numbers and durations."""

    date: str  # short date with the fields {d} {m} {y} (zero-padded day and month)
    decimal: str
    group: str
    percent: str  # "{n}%" or "{n} %"
    first_weekday: int  # 0 Monday ... 6 Sunday, as date.weekday() counts
    months: tuple[str, ...]  # January first
    months_short: tuple[str, ...]
    weekdays: tuple[str, ...]  # Monday first
    weekdays_short: tuple[str, ...]
    long_date: str  # {d} {month} {y}: the day not padded
    month_year: str  # {month} {y}
    medium_date: str  # {d} {mon} {y}
    units: tuple[str, str, str]  # day, hour, minute, written right after the number
    future: str  # "in {duration}"
    past: str  # "{duration} ago"
    yes: tuple[str, ...]  # answers read as yes (lower case, without accents); the first is the hint
    no: tuple[str, ...]
    day_first: bool  # how a date written with slashes reads: 25/12/2026 (True) or 12/25/2026
    date_letters: str = "YYYY-MM-DD"  # the short date as a form's hint writes it (jj/mm/aaaa in French)
    time_letters: str = "HH:MM"
    unit_space: str = ""  # between a duration's number and its unit where it reads as text ("5 h 1 min" in French)


NBSP = "\u00a0"

LOCALES: dict[str, Locale] = {
    "en": Locale(
        date="{y}-{m}-{d}", decimal=".", group=",", percent="{n}%", first_weekday=0,
        months=("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"),
        months_short=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        weekdays_short=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        long_date="{d} {month} {y}", medium_date="{d} {mon} {y}", month_year="{month} {y}", units=("d", "h", "m"),
        future="in {duration}", past="{duration} ago", yes=("y", "yes"), no=("n", "no"), day_first=False,
    ),
    "es": Locale(
        date="{d}/{m}/{y}", decimal=",", group=".", percent="{n}" + NBSP + "%", first_weekday=0,
        months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                "octubre", "noviembre", "diciembre"),
        months_short=("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
        weekdays=("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
        weekdays_short=("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
        long_date="{d} de {month} de {y}", medium_date="{d} {mon} {y}", month_year="{month} de {y}",
        units=("d", "h", "min"),
        future="en {duration}", past="hace {duration}", yes=("s", "si", "y", "yes"), no=("n", "no"),
        day_first=True, date_letters="dd/mm/aaaa", time_letters="hh:mm",
    ),
    "pt_BR": Locale(
        date="{d}/{m}/{y}", decimal=",", group=".", percent="{n}%", first_weekday=6,
        months=("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
                "outubro", "novembro", "dezembro"),
        months_short=("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"),
        weekdays=("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado",
                  "domingo"),
        weekdays_short=("seg", "ter", "qua", "qui", "sex", "sáb", "dom"),
        long_date="{d} de {month} de {y}", medium_date="{d} {mon} {y}", month_year="{month} de {y}",
        units=("d", "h", "min"),
        future="em {duration}", past="há {duration}", yes=("s", "sim", "y", "yes"), no=("n", "nao", "no"),
        day_first=True, date_letters="dd/mm/aaaa", time_letters="hh:mm",
    ),
    "fr": Locale(
        date="{d}/{m}/{y}", decimal=",", group=NBSP, percent="{n}" + NBSP + "%", first_weekday=0,
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                "octobre", "novembre", "décembre"),
        months_short=("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
                      "déc."),
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        weekdays_short=("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
        long_date="{d} {month} {y}", medium_date="{d} {mon} {y}", month_year="{month} {y}", units=("j", "h", "min"),
        future="dans {duration}", past="il y a {duration}", yes=("o", "oui", "y", "yes"), no=("n", "non", "no"),
        day_first=True, date_letters="jj/mm/aaaa", time_letters="hh:mm", unit_space=NBSP,
    ),
}


def locale(lang: str | None = None) -> Locale:
    """The locale data of a language (default: the one spoken now)."""
    return LOCALES.get(lang or language(), LOCALES[SOURCE_LANGUAGE])


# ---------------------------------------------------------------- writing


def _local(value: datetime) -> datetime:
    """A moment in the person's time zone (a naive one is taken as UTC, as stored)."""

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


def date_text(value: date, lang: str | None = None) -> str:
    """A day, short: 2026-12-25 (en), 25/12/2026 (es, pt_BR, fr). A moment is shown on its local day."""
    if isinstance(value, datetime):
        value = _local(value).date()
    return locale(lang).date.format(d=f"{value.day:02d}", m=f"{value.month:02d}", y=f"{value.year:04d}")


def date_hint(lang: str | None = None) -> str:
    """How a form's hint shows the date it expects, in the order the language writes it:
    YYYY-MM-DD (en), dd/mm/aaaa (es, pt_BR), jj/mm/aaaa (fr). `parse_date` reads what matches it."""
    return locale(lang).date_letters


def moment_hint(lang: str | None = None) -> str:
    """The hint of a day and a time of day: YYYY-MM-DD HH:MM (en), jj/mm/aaaa hh:mm (fr)."""
    loc = locale(lang)
    return f"{loc.date_letters} {loc.time_letters}"


def time_text(value: datetime, lang: str | None = None) -> str:
    """The local time of a moment, 24 hours: 15:07 in every language we speak."""
    local = _local(value)
    return f"{local.hour:02d}:{local.minute:02d}"


def datetime_text(value: datetime, lang: str | None = None) -> str:
    """A moment in the person's time zone: 2026-11-26 15:07 (en), 26/11/2026 15:07 (es, pt_BR, fr)."""
    local = _local(value)
    return f"{date_text(local.date(), lang)} {time_text(local, lang)}"


def long_date(value: date, lang: str | None = None) -> str:
    """25 December 2026, 25 de diciembre de 2026, 25 de dezembro de 2026, 25 décembre 2026."""
    if isinstance(value, datetime):
        value = _local(value).date()
    loc = locale(lang)
    return loc.long_date.format(d=value.day, month=loc.months[value.month - 1], y=value.year)


def medium_date(value: date, lang: str | None = None) -> str:
    """25 Dec 2026, 25 dic 2026, 25 dez 2026, 25 déc. 2026."""
    if isinstance(value, datetime):
        value = _local(value).date()
    loc = locale(lang)
    return loc.medium_date.format(d=value.day, mon=loc.months_short[value.month - 1], y=value.year)


def month_and_year(value: date, lang: str | None = None, title: bool = True) -> str:
    """A month as a calendar's title: December 2026, Diciembre de 2026, Dezembro de 2026, Décembre 2026;
    `title=False`: as written inside a sentence or after a colon (diciembre de 2026, décembre 2026)."""
    loc = locale(lang)
    text = loc.month_year.format(month=loc.months[value.month - 1], y=value.year)
    return text[:1].upper() + text[1:] if title else text


# a quarter of a year by its name, as each language writes it (English keeps the typed 2026-Q4)
QUARTERS = {"es": ("1.er trimestre de {y}", "2.º trimestre de {y}", "3.er trimestre de {y}", "4.º trimestre de {y}"),
            "pt_BR": ("1º trimestre de {y}", "2º trimestre de {y}", "3º trimestre de {y}", "4º trimestre de {y}"),
            "fr": ("1er trimestre {y}", "2e trimestre {y}", "3e trimestre {y}", "4e trimestre {y}")}
# the same, short, for a list of quarters ("T4 2026 : 49, T1 2027 : 52")
QUARTERS_SHORT = {"es": "{q}T {y}", "pt_BR": "{q}T {y}", "fr": "T{q} {y}"}


def period_name(label: str, lang: str | None = None, short: bool = False) -> str:
    """A report's period as it is typed and stored ("2026-Q4", "2026-09", "2026", "2026-07-01..2026-09-30")
    in words: "4.º trimestre de 2026", "setembro de 2026", "4e trimestre 2026", a span of two dates;
    `short`: a quarter as a list of quarters says it ("4T 2026", "T4 2026"). English, and a label of
    no known form, as it is."""
    lang = lang or language()
    if lang == SOURCE_LANGUAGE or lang not in LOCALES:
        return label
    loc = locale(lang)
    if (m := re.fullmatch(r"(\d{4})-Q([1-4])", label)) and short and lang in QUARTERS_SHORT:
        return QUARTERS_SHORT[lang].format(q=m.group(2), y=m.group(1))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        return QUARTERS.get(lang, ("{y}-Q1", "{y}-Q2", "{y}-Q3", "{y}-Q4"))[int(m.group(2)) - 1].format(y=m.group(1))
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", label)) and 1 <= int(m.group(2)) <= 12:
        return loc.month_year.format(month=loc.months[int(m.group(2)) - 1], y=m.group(1))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", label):
        try:
            start, end = (date.fromisoformat(m.group(i)) for i in (1, 2))
        except ValueError:
            return label
        return f"{date_text(start, lang)} – {date_text(end, lang)}"
    return label


def month_name(month: int, lang: str | None = None, short: bool = False) -> str:
    """The name of a month (1-12) as written inside a sentence (lower case where the language says so)."""
    loc = locale(lang)
    return (loc.months_short if short else loc.months)[month - 1]


def weekday_name(value: date | int, lang: str | None = None, short: bool = False) -> str:
    """The name of a day of the week, from a date or its number (0 Monday ... 6 Sunday)."""
    index = value if isinstance(value, int) else value.weekday()
    loc = locale(lang)
    return (loc.weekdays_short if short else loc.weekdays)[index]


def day_and_weekday(value: date, lang: str | None = None) -> str:
    """A near day in a schedule: Thu 26, jue 26, qui 26, jeu. 26."""
    if isinstance(value, datetime):
        value = _local(value).date()
    return f"{weekday_name(value, lang, short=True)} {value.day:02d}"


def short_day(index: int, lang: str | None = None) -> str:
    """A day of the week in a list of days such as service hours: Mon, Lun, Seg, Mer (capitalised,
    without the abbreviation's dot). 0 is Monday."""
    name = weekday_name(index, lang, short=True).rstrip(".")
    return name[:1].upper() + name[1:]


def day_ranges(days: list[int], lang: str | None = None) -> str:
    """Days of the week (0 = Monday) as short names with runs joined: 'Mon-Fri', 'Lun-Vie,Dom'."""
    days = sorted(set(days))
    out, i = [], 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1:
            j += 1
        first, last = short_day(days[i], lang), short_day(days[j], lang)
        out.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return ",".join(out)


def first_weekday(lang: str | None = None) -> int:
    """The first day of a week shown as a calendar (0 Monday, 6 Sunday: Brazil starts on Sunday)."""
    return locale(lang).first_weekday


def week_start(value: date, lang: str | None = None) -> date:
    """The first day of the calendar week that holds `value`, as the language counts weeks."""
    return value - timedelta(days=(value.weekday() - first_weekday(lang)) % 7)


def weekdays_in_order(lang: str | None = None, short: bool = True) -> list[str]:
    """The names of the days, in the order a calendar of the language shows them."""
    first = first_weekday(lang)
    return [weekday_name((first + i) % 7, lang, short) for i in range(7)]


def number(value: float | int, digits: int | None = None, lang: str | None = None, group: bool = True) -> str:
    """A number as the language writes it: 1,234.5 (en), 1.234,5 (es, pt_BR), 1 234,5 (fr).
    `digits`: decimals to show (default: as many as the value has, none for a whole number)."""
    loc = locale(lang)
    if isinstance(value, bool):
        value = int(value)
    if digits is None:
        text = str(value) if isinstance(value, int) else f"{value:.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.{digits}f}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _dot, fraction = text.partition(".")
    if group and len(whole) > 4:  # 1234 stays as it is; 12,345 is grouped (as CLDR writes 4 digits)
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = loc.group.join(groups)
    return sign + whole + (loc.decimal + fraction if fraction else "")


def percent(value: float, digits: int = 0, lang: str | None = None) -> str:
    """A share (85.0 for 85 %) as the language writes it: 85% (en, pt_BR), 85 % (es, fr)."""
    return locale(lang).percent.format(n=number(value, digits, lang))


def duration(delta: timedelta, units: int = 2, lang: str | None = None, compact: bool = False) -> str:
    """'2h 10m', '3d 4h', '45m' (en); '2 h 10 min', '3 j 4 h' (fr): two units at most (or one).
    `compact`: for a narrow column, the number and its unit together in every language ('3j 4h')."""
    loc = locale(lang)
    day, hour, minute = ((loc.unit_space if not compact else "") + unit for unit in loc.units)
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if units == 1:
        return f"{days}{day}" if days else (f"{hours}{hour}" if hours else f"{minutes}{minute}")
    if days:
        return f"{days}{day} {hours}{hour}" if hours and days < 10 else f"{days}{day}"
    if hours:
        return f"{hours}{hour} {minutes}{minute}" if minutes else f"{hours}{hour}"
    return f"{minutes}{minute}"


def minutes(value: int, lang: str | None = None, compact: bool = False) -> str:
    """A count of minutes as a duration (0 is '0m', '0 min')."""
    return duration(timedelta(minutes=value), lang=lang, compact=compact)


def relative(delta: timedelta, lang: str | None = None) -> str:
    """'in 5d' / '3d ago'; 'en 5d' / 'hace 3d'; 'em 5d' / 'há 3d'; 'dans 5 j' / 'il y a 3 j'."""
    loc = locale(lang)
    text = duration(delta, lang=lang)
    return (loc.future if delta.total_seconds() >= 0 else loc.past).format(duration=text)


# ---------------------------------------------------------------- reading what a person typed


class ParseError(ValueError):
    """What a person typed cannot be read as a date, a number or an answer; the message says what is
    expected, in the person's language."""


def _fold(text: str) -> str:
    """Lower case, accents and trailing dots removed: 'Déc.' -> 'dec'."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).rstrip(".")


def _month_numbers() -> dict[str, int]:
    """Every month name and abbreviation of every language, folded, to its number (they do not clash)."""
    found: dict[str, int] = {}
    for loc in LOCALES.values():
        for names in (loc.months, loc.months_short):
            for i, name in enumerate(names, 1):
                found[_fold(name)] = i
    for i, extra in ((6, "jun"), (7, "jul"), (9, "set"), (9, "sep"), (9, "sept"), (2, "fevr"), (12, "dez")):
        found.setdefault(extra, i)
    return found


_MONTHS = _month_numbers()


def _weekday_numbers() -> dict[str, int]:
    """Every day name and abbreviation of every language, folded, and its first three letters, to
    its number (0 Monday; they do not clash: lun, mar, mié/mer, seg, sáb/sam, dom/dim...)."""
    found: dict[str, int] = {}
    for loc in LOCALES.values():
        for names in (loc.weekdays, loc.weekdays_short):
            for i, name in enumerate(names):
                folded = _fold(name).replace("-feira", "")
                found[folded] = i
                found.setdefault(folded[:3], i)
    return found


_WEEKDAYS = _weekday_numbers()


def parse_weekday(text: str) -> int | None:
    """A day of the week as a person of any of our languages types it (Mon, monday, lun, mié.,
    segunda, sexta-feira, jeu.), accents optional: its number (0 Monday), or None."""
    folded = _fold(text).replace("-feira", "")
    if not folded:
        return None
    found = _WEEKDAYS.get(folded)
    if found is None and len(folded) >= 3:
        found = _WEEKDAYS.get(folded[:3])
    return found
_NUMERIC = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_WORDS = re.compile(r"(\d{1,2})(?:er)?\s+(?:de\s+)?([^\W\d_][^\W\d_.]*\.?)\s+(?:de\s+)?(\d{4})")
_WORDS_MONTH_FIRST = re.compile(r"([^\W\d_][^\W\d_.]*\.?)\s+(\d{1,2}),?\s+(\d{4})")


def _expect_date(lang: str | None) -> str:
    example = date(2026, 12, 25)
    return _("a date such as {short} or {medium}").format(short=date_text(example, lang),
                                                           medium=medium_date(example, lang))


def parse_date(text: str, lang: str | None = None) -> date:
    """A day as a person of the language types it: ISO 2026-12-25 always; 25/12/2026, 25-12-2026,
    25.12.2026 (day first in es, pt_BR, fr; en reads 12/25/2026); 25 dic 2026, 25 de diciembre de
    2026, 25 déc. 2026, Dec 25, 2026 (a month's name in any of our languages, accents optional).
    ParseError says what is expected."""

    raw = text.strip()
    loc = locale(lang)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
        found = _NUMERIC.fullmatch(raw)
        if found:
            a, b, c = (int(g) for g in found.groups())
            if len(found.group(1)) == 4:  # 2026/12/25
                return date(a, b, c)
            year = c + 2000 if len(found.group(3)) == 2 else c
            if len(found.group(3)) not in (2, 4):
                raise ValueError
            return date(year, b, a) if loc.day_first else date(year, a, b)
        folded = " ".join(raw.replace(",", " ").split())
        found = _WORDS.fullmatch(folded)
        if found:
            day_text, month, year_text = found.group(1), found.group(2), found.group(3)
        else:
            found = _WORDS_MONTH_FIRST.fullmatch(folded)
            if not found:
                raise ValueError
            month, day_text, year_text = found.group(1), found.group(2), found.group(3)
        number_of_month = _MONTHS.get(_fold(month))
        if number_of_month is None:
            raise ValueError
        return date(int(year_text), number_of_month, int(day_text))
    except ValueError:
        raise ParseError(_("'{text}' is not a date: expected {expected}").format(
            text=raw, expected=_expect_date(lang))) from None


_MOMENT = re.compile(r"(.+?)[\sT,]+(?:(?:à|a las|às|at)\s+)?(\d{1,2})[:h](\d{2})(?:\s*h)?")


def parse_moment(text: str, lang: str | None = None) -> datetime:
    """A day and a time of day as a person of the language types them (`25/12/2026 15:07`,
    `25 déc. 2026 à 15h07`, `2026-12-25 15:07`), in the person's time zone: an aware moment.
    ParseError says what is expected."""

    raw = text.strip()
    found = _MOMENT.fullmatch(raw)
    try:
        if not found:
            raise ParseError(raw)
        day = parse_date(found.group(1), lang)
        hour, minute = int(found.group(2)), int(found.group(3))
        return datetime(day.year, day.month, day.day, hour, minute).astimezone()
    except ValueError:
        example = datetime(2026, 12, 25, 15, 7)
        raise ParseError(_("'{text}' is not a date and time: expected {expected}").format(
            text=raw, expected=f"{date_text(example.date(), lang)} 15:07")) from None


def parse_number(text: str, lang: str | None = None) -> float:
    """A number as a person of the language types it: 2.5 (en); 2,5 or 1.234,5 (es, pt_BR);
    2,5 or 1 234,5 (fr). In a language with a decimal comma a point is read as the decimal mark too
    (2.5, typed on a number pad) unless it groups thousands (1.234 or 1.234.567). ParseError when it
    is not a number."""

    loc = locale(lang)
    raw = text.strip()
    compact = raw.replace(" ", "").replace(NBSP, "").replace("\u202f", "")
    if loc.decimal == ",":
        if "," in compact:
            compact = compact.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", compact):
            compact = compact.replace(".", "")
    else:
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", compact):
            compact = compact.replace(",", "")
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", compact):
        raise ParseError(_("'{text}' is not a number: expected a number such as {example}").format(
            text=raw, example=number(12345.5, 1, lang)))
    return float(compact)


def parse_yes_no(text: str, lang: str | None = None) -> bool | None:
    """A yes/no answer: y/yes/n/no in English, s/sí/n/no in Spanish, s/sim/n/não in Portuguese,
    o/oui/n/non in French (the English answers are understood in every language); None for
    anything else (the caller asks again, or takes its default on an empty answer)."""
    loc = locale(lang)
    folded = _fold(text)
    if folded in loc.yes:
        return True
    if folded in loc.no:
        return False
    return None


def yes_no_hint(default: bool = False, lang: str | None = None) -> str:
    """The hint after a question: [y/N] (en), [s/N] (es, pt_BR), [o/N] (fr); the default in capitals."""
    loc = locale(lang)
    yes, no = loc.yes[0], loc.no[0]
    return f"[{yes.upper()}/{no}]" if default else f"[{yes}/{no.upper()}]"


__all__ = [
    "LOCALES", "Locale", "ParseError", "date_hint", "date_text", "datetime_text", "day_and_weekday", "duration",
    "first_weekday", "locale", "long_date", "medium_date", "minutes", "moment_hint", "month_and_year", "month_name", "number", "parse_date",
    "parse_number", "parse_yes_no", "percent", "relative", "time_text", "week_start", "weekday_name",
    "weekdays_in_order", "yes_no_hint",
]
