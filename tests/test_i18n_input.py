"""What a person types, read in their language: dates in forms and on the command line, yes/no."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

import pytest

from vse_tui import i18n
from vse_tui.cli.common import confirm, date_arg
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.present import fields


@pytest.mark.parametrize(("lang", "typed"), [
    ("es", "25/12/2026"), ("es", "25 dic 2026"), ("pt_BR", "25 de dezembro de 2026"), ("fr", "25 déc. 2026"),
    ("en", "2026-12-25"), ("fr", "2026-12-25"),
])
def test_a_form_reads_a_date_as_the_language_writes_it(store, lang: str, typed: str) -> None:
    i18n.set_language(lang)
    assert fields.parse(store, "configuration_items", {"expiry_date": typed}) == {"expiry_date": date(2026, 12, 25)}




def test_a_form_reads_a_moment_in_the_persons_time_zone(store) -> None:
    i18n.set_language("fr")
    got = fields.parse(store, "incidents", {"restored_at": "25/12/2026 15:07"})
    assert got["restored_at"] == datetime(2026, 12, 25, 15, 7, tzinfo=UTC)  # the suite's zone is UTC
    assert fields.parse(store, "incidents", {"restored_at": "25 déc. 2026 à 15h07"})["restored_at"] == got["restored_at"]


def test_a_date_a_form_cannot_read_says_what_the_language_expects(store) -> None:
    i18n.set_language("es")
    with pytest.raises(InputError, match="25/12/2026"):
        fields.parse(store, "configuration_items", {"expiry_date": "mañana quizás"})


def test_the_command_line_reads_dates_in_the_language() -> None:
    i18n.set_language("pt_BR")
    assert date_arg("25/12/2026") == date(2026, 12, 25)
    assert date_arg("2026-12-25") == date(2026, 12, 25)
    i18n.set_language("en")
    assert date_arg("Dec 25, 2026") == date(2026, 12, 25)
    with pytest.raises(argparse.ArgumentTypeError, match="not a day of the calendar"):
        date_arg("2026-02-30")
    with pytest.raises(argparse.ArgumentTypeError, match="2026-12-25"):
        date_arg("tomorrow")


@pytest.mark.parametrize(("lang", "answer", "hint", "expected"), [
    ("fr", "o", "[o/N]", True), ("fr", "oui", "[o/N]", True), ("fr", "non", "[o/N]", False),
    ("es", "s", "[s/N]", True), ("es", "sí", "[s/N]", True), ("pt_BR", "sim", "[s/N]", True),
    ("pt_BR", "", "[s/N]", False), ("en", "y", "[y/N]", True), ("en", "s", "[y/N]", False),
])
def test_a_question_on_the_terminal_takes_the_languages_answers(monkeypatch, lang, answer, hint, expected) -> None:
    import sys

    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    i18n.set_language(lang)
    assert confirm(argparse.Namespace(), "Replace it?") is expected
    assert asked == [f"Replace it? {hint} "]


def test_a_form_shows_a_date_as_the_person_types_it_back(store) -> None:
    from vse_tui.core.model.records import ConfigurationItem

    ci = store.add(ConfigurationItem(name="Servidor", ci_type="hardware", expiry_date=date(2026, 12, 25)))
    i18n.set_language("es")
    assert fields.show(store, "configuration_items", ci)["expiry_date"] == "25/12/2026"
    i18n.set_language("en")
    assert fields.show(store, "configuration_items", ci)["expiry_date"] == "2026-12-25"
