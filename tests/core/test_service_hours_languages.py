"""Service hours in the person's language: the days and the holidays shown as the language writes
them, typed in that language or in English, stored as numbers and ISO dates whatever the language
(a database moves between languages unchanged)."""

import pytest

from vse_tui.core.incidents.hours import Hours, hours_words
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import ServiceHours
from vse_tui.core.present.fields import field_specs, hours_text, parse_hours
from vse_tui.i18n import using

STORED = {"days": [0, 1, 2, 3, 4, 6], "start": "08:30", "end": "17:30", "holidays": ["2026-12-25", "2027-01-01"]}

SHOWN = {
    "en": "Mon-Fri,Sun 08:30-17:30; holidays 2026-12-25, 2027-01-01",
    "es": "Lun-Vie,Dom 08:30-17:30; feriados 25/12/2026, 01/01/2027",
    "pt_BR": "Seg-Sex,Dom 08:30-17:30; feriados 25/12/2026, 01/01/2027",
    "fr": "Lun-Ven,Dim 08:30-17:30 ; jours fériés 25/12/2026, 01/01/2027",
}

TYPED = {  # as a person of the language types them: abbreviations, full names, accents or not
    "es": ["lun-vie,dom 8:30-17:30; feriados 25/12/2026, 1/1/2027",
           "Lunes-Viernes, Domingo 08:30-17:30; feriados: 25 dic 2026, 1 ene 2027"],
    "pt_BR": ["seg-sex,dom 8:30-17:30; feriados 25/12/2026, 01/01/2027",
              "segunda-feira-sexta-feira,domingo 08:30-17:30; feriados 25 dez 2026, 1 jan 2027"],
    "fr": ["lun.-ven.,dim. 8:30-17:30; jours fériés 25/12/2026, 01/01/2027",
           "lundi-vendredi,dimanche 08:30-17:30; jours feries : 25 déc. 2026, 1 janv. 2027"],
}


@pytest.mark.parametrize("lang", sorted(SHOWN))
def test_service_hours_are_shown_in_the_language_and_read_back(lang):
    with using(lang):
        shown = hours_text(ServiceHours.model_validate(STORED))
        assert shown == SHOWN[lang]
        assert parse_hours(shown) == STORED  # what a form shows, saved unchanged, stores the same


@pytest.mark.parametrize("lang", sorted(TYPED))
def test_service_hours_typed_in_the_language_or_in_english(lang):
    with using(lang):
        for typed in TYPED[lang]:
            assert parse_hours(typed) == STORED, typed
        assert parse_hours("Mon-Fri,Sun 08:30-17:30; holidays 2026-12-25, 2027-01-01") == STORED


@pytest.mark.parametrize(("lang", "words"), [("es", "Lun-Vie 09:00-17:00; feriados 25/12/2026"),
                                             ("pt_BR", "Seg-Sex 09:00-17:00; feriados 25/12/2026"),
                                             ("fr", "Lun-Ven 09:00-17:00 ; jours fériés 25/12/2026")])
def test_the_forms_hint_and_errors_speak_the_language(lang, words):
    with using(lang):
        hint = next(s.hint for s in field_specs("services") if s.how == "hours")
        assert hint.startswith(words)
        with pytest.raises(InputError) as bad_day:
            parse_hours("Lun-Xyz 09:00-17:00")
        with pytest.raises(InputError) as bad_form:
            parse_hours("9 to 5")
    assert "Mon" not in str(bad_day.value) and "Sun" not in str(bad_day.value)
    assert words.split(";")[0] in str(bad_form.value)


@pytest.mark.parametrize(("lang", "words"), [("en", "Mon-Fri 08:00-18:00"), ("es", "Lun-Vie 08:00-18:00"),
                                             ("pt_BR", "Seg-Sex 08:00-18:00"), ("fr", "Lun-Ven 08:00-18:00")])
def test_the_target_clock_names_its_hours_in_the_language(lang, words):
    with using(lang):
        assert hours_words(Hours.from_data({"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"})) == words


def test_a_change_of_service_hours_reads_as_typed_in_the_history(store):
    from vse_tui.core.model.records import Service
    from vse_tui.core.present.display import change_text

    svc = store.add(Service(name="E-mail", status="approved"))
    store.update("services", svc.uuid, {"service_hours": STORED})
    row = next(h for h in store.history(svc.uuid) if h.get("field") == "service_hours")
    with using("es"):
        text = change_text(row, {})
    assert text.endswith("Lun-Vie,Dom 08:30-17:30; feriados 25/12/2026, 01/01/2027"), text
    assert "days" not in text
