"""The days of the week as the calendar and the dashboard write them, Monday first (a light module:
the dashboard imports it on the first screen's path)."""

from __future__ import annotations

from vse_tui.i18n import N_, _

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def weekday(day) -> str:
    """The short name of a date's day of the week in the language spoken ("Mon")."""
    return _(WEEKDAYS[day.weekday()])


__all__ = ["WEEKDAYS", "weekday"]
