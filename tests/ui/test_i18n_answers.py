"""A question on screen takes the language's own yes."""

from __future__ import annotations

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
