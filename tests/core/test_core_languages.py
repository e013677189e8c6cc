"""The core's texts in the person's language: an error, an audit finding and the evidence map's why
come out translated when a language is chosen, and in English again when it is not."""

from __future__ import annotations

import pytest

from vse_tui import i18n
from vse_tui.core.evidence.audit_check import Finding, to_markdown
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.kernel.errors import DatabaseError
from vse_tui.store.db import open_store

# (language, an error, a finding's rule heading, a why line of the evidence map)
EXPECTED = {
    "es": ("es una carpeta, no un archivo de base de datos",
           "## Incidentes cerrados sin la confirmación de la parte afectada (1)",
           "todavía no hay nada registrado por GO.1.1"),
}


@pytest.fixture
def speaking():
    def choose(language: str) -> None:
        i18n.set_language(language)

    yield choose
    i18n.set_language("en")


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_an_error_a_finding_and_a_why_come_out_translated(language, speaking, store, tmp_path):
    error, heading, why = EXPECTED[language]
    speaking(language)
    with pytest.raises(DatabaseError) as refused:
        open_store(tmp_path)  # a folder, not a database file
    assert error in str(refused.value)
    assert str(tmp_path) in str(refused.value)  # the value is kept as it is
    text = to_markdown([Finding("unconfirmed", ("INC-0001",), "x")])
    assert heading in text.splitlines()
    task = next(t for t in evidence_map(store) if t.task == "GO.1.1")
    assert any(why in line.text for line in task.why), [line.text for line in task.why]


def test_english_is_unchanged_when_no_language_is_chosen(store, tmp_path):
    with pytest.raises(DatabaseError, match="is a folder, not a database file"):
        open_store(tmp_path)
    task = next(t for t in evidence_map(store) if t.task == "GO.1.1")
    assert any("nothing recorded by GO.1.1 yet" in line.text for line in task.why)


def test_every_core_message_has_its_translation(speaking):
    """Each message of the core's catalogue is translated in each language that has one, its
    placeholders kept."""
    import re

    for language in sorted(EXPECTED):
        path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / "core.po"
        messages, _header = i18n.parse_po(path.read_text(encoding="utf-8"))
        assert len(messages) > 900  # the field labels are the standard's names (data/standard/names)
        for msgid, forms in messages.items():
            assert all(forms), f"{language}: {msgid!r} is not translated"
            wanted = sorted(set(re.findall(r"\{[^{}]*\}", msgid)))
            for form in forms:
                assert sorted(set(re.findall(r"\{[^{}]*\}", form))) == wanted, (language, msgid, form)


@pytest.mark.parametrize(("lang", "three", "roles"), [
    ("en", "a, b or c", "Customer, Management of the VSE or Supplier"),
    ("es", "a, b o c", "Cliente, Dirección de la empresa o Proveedor"),
    ("pt_BR", "a, b ou c", None),
    ("fr", "a, b ou c", None),
])
def test_alternatives_are_joined_as_the_language_lists_them(lang, three, roles):
    """"Cliente, Dirección de la empresa o Proveedor", not "Cliente o Dirección de la empresa o Proveedor"."""
    from vse_tui.core.present.labels import roles_either

    with i18n.using(lang):
        assert i18n.either(["a", "b", "c"]) == three and i18n.either(["a"]) == "a"
        if roles:
            assert roles_either(["CUS", "MGT", "SUP"]) == roles


def test_spanish_words_a_first_day_reads():
    """Plurals, a test passed, the one word for the Service Manager."""
    from vse_tui.core.model.data import role_name
    from vse_tui.core.present.labels import code_word

    with i18n.using("es"):
        assert i18n.ngettext("Reviews due ({n} overdue)", "Reviews due ({n} overdue)", 1).format(n=1) \
            == "Revisiones pendientes (1 vencida)"
        assert i18n.ngettext("{n} document still to write in your words", "{n} documents still to write in your words",
                             3).format(n=3) == "Faltan 3 documentos por escribir con sus propias palabras"
        assert code_word("result", "pass") == "superada"
        assert role_name("SM") == "Gerente de servicios"
        assert "Gerente de servicios" in i18n._("A Service Manager is required")
