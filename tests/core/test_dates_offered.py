"""A date a form offers is written as the person's language writes dates (07/12/2027 in Spanish,
Portuguese and French, never 2027-12-07), its hint says the same order (jj/mm/aaaa), and saving the
form unchanged reads it back: the setup's policy review and first improvement report, the change
schedule's moments. What is stored stays ISO whatever the language."""

from datetime import datetime, timedelta

import pytest

from vse_tui.core.control.changes import add_entry
from vse_tui.core.governance import setup, yearly
from vse_tui.core.kernel import clock
from vse_tui.i18n import formats, using

HINTS = {"es": "dd/mm/aaaa", "pt_BR": "dd/mm/aaaa", "fr": "jj/mm/aaaa", "en": "YYYY-MM-DD"}


def _field(fields, name):
    return next(f for f in fields if f.name == name)


@pytest.mark.parametrize("lang", ["es", "pt_BR", "fr"])
def test_the_setup_offers_its_dates_as_the_language_writes_them(store, lang):
    year_on = clock.today() + timedelta(days=365)
    with using(lang):
        policy = setup.fields(store, "policy", None)
        review = _field(policy, "review_date")
        assert review.value == year_on.strftime("%d/%m/%Y"), review.value
        assert review.placeholder == HINTS[lang]
        setup.save(store, "policy", {f.name: f.value for f in policy}, None)  # saved as offered
        assert store.latest("policies").review_date == year_on

        due = _field(setup.fields(store, "improvement", None), "due")
        planned = yearly.first_report_due(store)
        assert due.value == planned.strftime("%d/%m/%Y") and due.placeholder == HINTS[lang]
        setup.save(store, "improvement", {"due": due.value}, None)
        assert yearly.plan(store)["due"] == planned.isoformat()  # stored ISO

        again = _field(setup.fields(store, "policy", None), "review_date")  # the policy now saved
        assert again.value == year_on.strftime("%d/%m/%Y")


def test_english_keeps_iso_dates(store):
    review = _field(setup.fields(store, "policy", None), "review_date")
    assert review.value == (clock.today() + timedelta(days=365)).isoformat()
    assert review.placeholder == "YYYY-MM-DD" and formats.moment_hint() == "YYYY-MM-DD HH:MM"


@pytest.mark.parametrize(("lang", "typed"), [("fr", "25/12/2026 15:07"), ("es", "25/12/2026 15:07"),
                                             ("pt_BR", "25/12/2026 15:07"), ("fr", "2026-12-25 15:07")])
def test_a_schedule_moment_is_read_as_the_language_writes_it(store, lang, typed):
    """The schedule form offers its moments as clock.local_text writes them: they save unchanged."""
    with using(lang):
        entry = add_entry(store, "Fenêtre du samedi", "change window", typed)
        assert clock.local_text(entry.starts_at) == "25/12/2026 15:07"
    assert entry.starts_at == clock.ensure_utc(datetime(2026, 12, 25, 15, 7).astimezone())
