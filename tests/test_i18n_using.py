"""Speaking another language for a while (a customer's mail), and languages as people write them."""

from __future__ import annotations

import pytest

from vse_tui import i18n


def test_using_speaks_the_language_inside_the_block_only() -> None:
    before = i18n.language()
    with i18n.using("es"):
        assert i18n.language() == "es"
        with i18n.using(None):
            assert i18n.language() == "es"
        with i18n.using("fr"):
            assert i18n.language() == "fr"
        assert i18n.language() == "es"
    assert i18n.language() == before


def test_using_gives_the_language_back_after_an_error() -> None:
    before = i18n.language()
    with pytest.raises(RuntimeError), i18n.using("pt_BR"):
        raise RuntimeError("boom")
    assert i18n.language() == before
    with pytest.raises(ValueError, match="unknown language"), i18n.using("de"):
        pass
    assert i18n.language() == before


@pytest.mark.parametrize(("tag", "code"), [
    ("es", "es"), ("es-MX", "es"), ("es_AR.UTF-8", "es"), ("Español", "es"), ("pt", "pt_BR"), ("pt-BR", "pt_BR"),
    ("pt_br", "pt_BR"), ("fr_CA", "fr"), ("French", "fr"), ("en_US", "en"), ("de", None), ("", None), (None, None),
])
def test_languages_as_people_write_them(tag: str | None, code: str | None) -> None:
    assert i18n.match_language(tag) == code
