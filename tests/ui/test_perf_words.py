"""The performance report's screen writes its period's days and its durations as the language
writes them (01/10/2026 – 31/12/2026, 3h 05min), not ISO and English units."""

import pytest

from vse_tui.i18n import using
from vse_tui.screens.relationship.records import _short, period_title

PERIOD = {"label": "2026-Q4", "from": "2026-10-01", "to": "2026-12-31"}


@pytest.mark.parametrize(("lang", "days", "durations"), [
    ("en", "(2026-10-01 – 2026-12-31)", ("45m", "3h 05m", "46h")),
    ("es", "(01/10/2026 – 31/12/2026)", ("45min", "3h 05min", "46h")),
    ("pt_BR", "(01/10/2026 – 31/12/2026)", ("45min", "3h 05min", "46h")),
    ("fr", "(01/10/2026 – 31/12/2026)", ("45min", "3h 05min", "46h"))])
def test_the_report_screen_says_days_and_durations_in_the_language(lang, days, durations):
    with using(lang):
        assert period_title(PERIOD).endswith(days), period_title(PERIOD)
        assert tuple(_short(m) for m in (45, 185, 2760)) == durations
