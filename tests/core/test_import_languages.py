"""What the importer adds to a ticket's words (a name for a ticket without a summary, the group,
the organisation not yet known, the technician not yet a person of the shop) is the shop's record:
written in the language the shop speaks when it imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from vse_tui.core.intake.importer import apply, plan_incidents
from vse_tui.i18n import using

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"

EXPORT = """number,short_description,opened_at,state,assignment_group,company,assigned_to,cmdb_ci
INC0020001,,2026-03-04 08:00:00,In Progress,Service Desk,Padaria Central,Bia Nunes,Printer
INC0020002,Mail down,2026-03-04 09:00:00,New,,,,
"""

WORDS = {
    "en": ("Imported ticket INC0020001 (Printer)", "Group: Service Desk", "Organisation: Padaria Central",
           "Assigned to: Bia Nunes"),
    "es": ("Ticket importado INC0020001 (Printer)", "Grupo: Service Desk", "Organización: Padaria Central",
           "Asignado a: Bia Nunes"),
    "pt_BR": ("Chamado importado INC0020001 (Printer)", "Grupo: Service Desk", "Organização: Padaria Central",
              "Atribuído a: Bia Nunes"),
    "fr": ("Ticket importé INC0020001 (Printer)", "Groupe : Service Desk", "Organisation : Padaria Central",
           "Attribué à : Bia Nunes"),
}


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_the_importers_words_are_written_in_the_shops_language(store, tmp_path, lang):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT)
    with using(lang):
        plan = plan_incidents(store, path)
        assert not plan.rejected
        apply(store, plan)
    ticket = next(i for i in store.records("incidents") if i.external_ref == "INC0020001")
    summary, group, organisation, assigned = WORDS[lang]
    assert ticket.summary == summary
    assert ticket.details.splitlines() == [group, organisation, assigned]
    assert ticket.state == "in progress"  # what is stored as a code stays a code


def test_glpi_in_portuguese_imported_by_a_brazilian_shop(store):
    with using("pt_BR"):
        apply(store, plan_incidents(store, FIXTURES / "glpi_pt_br.csv"))
    monitor = store.get("incidents", "2556")
    assert "Atribuído a: Bia Nunes" in monitor.details and "Assigned" not in monitor.details
