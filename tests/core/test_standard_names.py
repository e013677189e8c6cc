"""The standard's names in every language: complete, codes unchanged, shown in the current language."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest

from vse_tui import i18n
from vse_tui.core.model.data import data_dir
from vse_tui.core.model.records import KINDS, model_for
from vse_tui.core.model.standard import _load_standard, field_label, load_standard, state_name, status_name
from vse_tui.core.present.fields import field_specs

LANGUAGES = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]


@pytest.fixture
def speak() -> Iterator[object]:
    before = i18n.language()
    yield i18n.set_language
    i18n.set_language(before)


def read(lang: str) -> dict:
    with open(data_dir() / "standard" / "names" / f"{lang}.toml", "rb") as fh:
        return tomllib.load(fh)


def expected() -> dict[str, set[str]]:
    """Every key a language's names must have, from the English model."""
    std = _load_standard("en")
    wanted: dict[str, set[str]] = {
        "processes": {p.code for p in std.processes},
        "objectives": {o.code for p in std.processes for o in p.objectives},
        "activities": {a.code for a in std.activities},
        "tasks": {t.code for t in std.tasks},
        "roles": {r.code for r in std.roles},
        "areas": set(std.areas),
        "work_products": {w.code for w in std.work_products},
        "statuses": {s for w in std.work_products for s in w.statuses},
        "states": {s for kind in KINDS for s in model_for(kind).STATES},
        # a record's fields, and the content items the work products list (the audit pack names each)
        "fields": {f for kind in KINDS for f in model_for(kind).model_fields}
        | {f for w in std.work_products for f in w.fields},
        "conditions": {io.condition for t in std.tasks for io in t.inputs + t.outputs if io.condition},
        "communications": {io.communication for t in std.tasks for io in t.inputs + t.outputs if io.communication},
    }
    return wanted


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_name_is_there_in_every_language(lang: str) -> None:
    names = read(lang)
    std = _load_standard("en")
    for part, keys in expected().items():
        have = set(names.get(part, {}))
        assert not keys - have, f"{lang}: {part} without a name: {sorted(keys - have)}"
        assert not have - keys, f"{lang}: {part} names for nothing: {sorted(have - keys)}"
        for key in keys:
            value = names[part][key]
            texts = value.values() if isinstance(value, dict) else [value]
            assert all(isinstance(t, str) and t.strip() for t in texts), f"{lang}: {part}.{key} is empty"
    for p in std.processes:
        assert set(names["processes"][p.code]) == {"name", "purpose"}, f"{lang}: process {p.code}"
    for r in std.roles:
        assert set(names["roles"][r.code]) == {"name", "responsibilities"}, f"{lang}: role {r.code}"
    for t in std.tasks:
        wanted = {"title", "guidance"} | ({"first_pass_note"} if t.first_pass_note else set())
        assert set(names["tasks"][t.code]) == wanted, f"{lang}: task {t.code}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_model_in_a_language_keeps_every_code(lang: str) -> None:
    en, other = _load_standard("en"), _load_standard(lang)
    assert [t.code for t in other.tasks] == [t.code for t in en.tasks]
    assert [(w.code, w.prefix, w.statuses, w.fields) for w in other.work_products] == \
        [(w.code, w.prefix, w.statuses, w.fields) for w in en.work_products]
    assert [(t.roles, [io.statuses for io in t.inputs + t.outputs]) for t in other.tasks] == \
        [(t.roles, [io.statuses for io in t.inputs + t.outputs]) for t in en.tasks]
    names = read(lang)
    # every task, role, work product and process reads in the language, none left in English
    assert [t.title for t in other.tasks] == [names["tasks"][t.code]["title"] for t in en.tasks]
    assert sum(a.title == b.title for a, b in zip(en.tasks, other.tasks, strict=True)) == 0
    assert sum(a.name == b.name for a, b in zip(en.work_products, other.work_products, strict=True)) == 0


def test_the_current_language_names_what_is_shown(speak) -> None:
    speak("es")
    std = load_standard()
    assert std.task("IN.2.5").title == "Cerrar el incidente"
    assert std.wp("WP.11").name == "Solicitud de cambio del servicio"
    assert std.role("SM").name == "Gerente de servicios"
    assert std.task("IN.2.5").outputs[1].condition == "si se requiere una solución permanente"
    assert status_name("approved") == "aprobado" and state_name("in progress") == "en curso"
    labels = {s.name: s.label for s in field_specs("incidents")}
    assert labels["root_cause"] == "Causa raíz" and labels["state"] == "Situación"
    speak("fr")
    assert load_standard().task("IN.2.5").title == "Clôturer l'incident"
    assert {s.name: s.label for s in field_specs("incidents")}["root_cause"] == "Cause racine"
    assert field_label("service_hours") == "Heures de service"
    speak("pt_BR")
    assert load_standard().wp("WP.11").name == "Requisição de mudança do serviço"
    assert status_name("closed") == "fechado"
    speak("en")
    assert load_standard().task("IN.2.5").title == "Close the incident"
    assert status_name("approved") == "approved"
    assert {s.name: s.label for s in field_specs("incidents")}["root_cause"] == "Root cause"


def test_a_fields_label_is_in_the_language_asked_whichever_was_spoken_first(speak) -> None:
    """The English field list (which `field_hows` fills for every language) is English even when it
    is first filled while Spanish is spoken: a Spanish screen or command run earlier in the same
    process once left "Causa raíz" on an English form."""
    from vse_tui.core.present import fields

    fields._specs.cache_clear()
    fields.field_hows.cache_clear()
    speak("es")
    fields.field_hows("incidents")
    assert {s.name: s.label for s in field_specs("incidents")}["root_cause"] == "Causa raíz"
    speak("en")
    assert {s.name: s.label for s in field_specs("incidents")}["root_cause"] == "Root cause"


def test_the_resources_step_names_a_practitioners_area_in_words(store, speak) -> None:
    """The setup's Resources step asked for "Tester PT:incident"'s training: the stored form, not words."""
    from vse_tui.core.governance.setup import fields

    speak("es")
    labels = [f.label for f in fields(store, "resources", None)]
    assert any(label.endswith("(incidentes)") and "PT" not in label for label in labels), labels
    assert not any("PT:" in label for label in labels), labels
