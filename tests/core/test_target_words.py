"""An agreement's targets as the person's language writes durations (P3 2h/3j in French, 30min in
Spanish and Portuguese), the form's hint and errors the same, and read back in any of our languages:
a form saved unchanged stores the same minutes."""

import pytest

from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records.governance import PriorityTarget
from vse_tui.core.present.fields import field_specs, parse_targets, targets_text
from vse_tui.i18n import using

STORED = [PriorityTarget(priority="P1", respond_minutes=30, resolve_minutes=240),
          PriorityTarget(priority="P3", respond_minutes=120, resolve_minutes=4320)]
SHOWN = {"en": "P1 30m/4h, P3 2h/3d", "es": "P1 30min/4h, P3 2h/3d", "pt_BR": "P1 30min/4h, P3 2h/3d",
         "fr": "P1 30min/4h, P3 2h/3j"}


@pytest.mark.parametrize("lang", sorted(SHOWN))
def test_targets_are_written_as_the_language_writes_durations_and_read_back(lang):
    minutes = [t.model_dump(include={"priority", "respond_minutes", "resolve_minutes"}) for t in STORED]
    with using(lang):
        shown = targets_text(STORED)
        assert shown == SHOWN[lang]
        assert parse_targets(shown) == minutes  # the form saved unchanged
        for other in SHOWN.values():  # typed as another language (or the app before) writes them
            assert parse_targets(other) == minutes
        hint = next(s.hint for s in field_specs("customer_agreements") if s.how == "targets")
        assert hint.startswith(SHOWN[lang][:len("P1 30m")] if lang == "en" else "P1 30min/4h"), hint
        with pytest.raises(InputError) as bad:
            parse_targets("P1 vite/4h")
    if lang == "fr":
        assert "n'est pas une durée" in str(bad.value) and "30min, 4h, 2j ou 1h30min" in str(bad.value)
