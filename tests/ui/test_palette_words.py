"""The command palette's own line for a search that found nothing is in the language spoken (Textual
writes it in English, with nothing to set: our palette's method says it in our words)."""

from types import SimpleNamespace

from vse_tui.i18n import using
from vse_tui.screens.common.palette import Palette


def test_no_matches_is_said_in_french():
    added = []
    palette = Palette()
    palette.query_one = lambda *_query: SimpleNamespace(add_option=added.append, set_class=lambda *a: None)  # type: ignore[method-assign]
    palette.set_timer = lambda _delay, callback: callback()  # type: ignore[method-assign]
    with using("fr"):
        palette._start_no_matches_countdown("zzz")
    text = added[0].prompt.renderable
    assert str(text) == "Aucun résultat", text
