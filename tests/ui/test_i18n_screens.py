"""Screens in the person's language: the yes of a question, the calendar's weeks and names."""

from __future__ import annotations

from datetime import date

import pytest

from vse_tui import i18n

from .conftest import SIZE


@pytest.mark.parametrize(("lang", "yes", "not_yes"), [("es", "s", "o"), ("fr", "o", "s"), ("en", "y", "s")])
async def test_the_confirm_question_takes_the_languages_yes(make_app, tmp_path, lang, yes, not_yes) -> None:
    from vse_tui.screens.common.forms import ConfirmScreen

    app = make_app(tmp_path / "x.db")
    answers: list[bool] = []
    i18n.set_language(lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = ConfirmScreen("?")
        app.push_screen(question, answers.append)
        await pilot.pause()
        await pilot.press(not_yes)  # another language's yes is not an answer here
        await pilot.pause()
        assert app.screen is question and answers == []
        await pilot.press(yes)
        await pilot.pause()
        assert answers == [True]


@pytest.mark.parametrize(("lang", "title", "first_day", "week"), [
    ("pt_BR", "Novembro de 2026", "dom", date(2026, 11, 22)),  # Brazil's weeks start on Sunday
    ("fr", "Novembre 2026", "lun.", date(2026, 11, 23)),
    ("en", "November 2026", "Mon", date(2026, 11, 23)),
])
async def test_the_change_calendar_counts_weeks_and_names_days_as_the_language_does(
        make_app, tmp_path, lang, title, first_day, week) -> None:
    from vse_tui.screens.control.records import CalendarScreen

    app = make_app(tmp_path / "x.db")
    i18n.set_language(lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        assert str(screen.query_one("#calendar").border_title).startswith(title)
        assert screen._range()[0].weekday() == (6 if lang == "pt_BR" else 0)
        table = screen.query_one("#calendar").content
        assert str(table.columns[0].header) == first_day
        screen.view = "week"
        assert screen._range()[0] == week  # the week of the 26th (a Thursday)
