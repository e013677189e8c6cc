"""A record refused by its model is said in the language spoken: each field by its label, what it
expects in our own words, never pydantic's English ("String should have at most 300 characters")."""

from __future__ import annotations

import pytest

from vse_tui import i18n
from vse_tui.core.incidents.process import log_incident
from vse_tui.core.kernel.errors import InputError


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "incident: summary: at most 300 characters"),
    ("es", "incidente: Resumen: como máximo 300 caracteres"),
    ("pt_BR", "incidente: Resumo: no máximo 300 caracteres"),
    ("fr", "incident : Résumé : au plus 300 caractères"),
])
def test_a_summary_too_long_is_refused_in_the_language_spoken(store, lang, said):
    i18n.set_language(lang)
    with pytest.raises(InputError) as refused:
        log_incident(store, "x" * 301)
    message = str(refused.value)
    assert message.startswith(said), message
    assert "should" not in message and "String" not in message
    assert store.records("incidents") == []  # nothing half-saved


def test_every_kind_of_error_pydantic_gives_is_said_in_words():
    """The errors a record's fields can give (required, too short, a date, a number, one of the
    values) each have words of ours in every language."""
    from datetime import date
    from typing import Literal

    from pydantic import BaseModel, Field, ValidationError

    from vse_tui.core.present.invalid import describe_validation_error

    class Thing(BaseModel):
        summary: str = Field(min_length=1)
        impact: Literal["high", "low"]
        due: date
        effort_minutes: int = Field(ge=0)

    for lang in ("es", "pt_BR", "fr"):
        i18n.set_language(lang)
        with pytest.raises(ValidationError) as bad:
            Thing(summary="", impact="big", due="tomorrow", effort_minutes="-1")  # type: ignore[arg-type]
        said = describe_validation_error(bad.value)
        english = [w for w in ("should", "valid", "required", "least", "Input", "String", "Field")
                   if w in said]
        assert not english, (lang, said)
