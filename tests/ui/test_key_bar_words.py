"""Where the key bar has no room for a process's name, its key says a shortened word of the
language ("Gouv.", "Contr."), never the process's code ("c CO" read as a code, not a word)."""

import pytest

from vse_tui.i18n import _, using
from vse_tui.widgets.footer import Key, KeyFooter, short_word

SHORT = {"es": ("Gob.", "Contr.", "Rel.", "Inc."), "pt_BR": ("Gov.", "Contr.", "Relac.", "Inc."),
         "fr": ("Gouv.", "Contr.", "Rel.", "Inc.")}
CODES = {"GO", "CO", "RE", "IN"}


def _drawn(screen, width: int) -> list[str]:
    """The words of the app's keys the bar draws under `screen`'s own keys, `width` columns, 24 rows."""
    from vse_tui.app import VseApp

    bar = KeyFooter()
    bar._most_rows = lambda: 3  # type: ignore[method-assign]  # 24 rows: up to three
    own = [Key(b.key, b.key, _(b.description), True, b.action) for b in screen.BINDINGS if b.show]
    apps = [Key(b.key, b.key, _(b.description), True, b.action, own=False) for b in VseApp.BINDINGS
            if b.show and b.action != "command_palette"]
    bar.keys = tuple(own + apps)
    bar.palette = Key("ctrl+p", "^p", _("Palette"), True, "command_palette", own=False)
    rows, _worded = bar._layout(width)
    return [key.description for row in rows for key, bare in row if not key.own and not bare]


@pytest.mark.parametrize("lang", sorted(SHORT))
def test_a_process_key_short_of_room_says_a_word_of_the_language(lang):
    from vse_tui.screens.dashboard import DashboardScreen
    from vse_tui.screens.incidents.detail import IncidentDetailScreen

    with using(lang):
        assert tuple(short_word(action) for action in ("go('governance')", "go('control')", "go('relationship')",
                                                       "go('incidents')")) == SHORT[lang]
        shortened = []
        for screen in (DashboardScreen, IncidentDetailScreen):
            for width in (80, 100, 120):
                drawn = _drawn(screen, width)
                assert not CODES & set(drawn), (screen.__name__, width, drawn)
                shortened += [word for word in drawn if word in SHORT[lang]]
    if lang != "es":  # Spanish names fit whole at 80 columns
        assert shortened  # the case this is about: a name with no room
