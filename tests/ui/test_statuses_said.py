"""The line above a process screen's list names the work product's statuses in the language spoken,
the side statuses ("rejected") too: they are stored codes, said in words."""

from __future__ import annotations

from types import SimpleNamespace

from vse_tui.i18n import using
from vse_tui.screens.common.process import ProcessScreen


def test_the_statuses_of_a_change_request_are_said_in_portuguese():
    screen = SimpleNamespace(kind="change_requests", search_text="")
    with using("pt_BR"):
        line = ProcessScreen._about(screen, 1, 1)  # type: ignore[arg-type]
    head = line.split(" · ")[0]
    assert "rascunho" in head and "rejeitad" in head, head
    assert "draft" not in head and "rejected" not in head, head


def test_a_tasks_why_says_the_statuses_needed_and_found_in_french():
    """The why screen's input line: statuses in words, "none found" agreeing, a French "trouvé :"."""
    from vse_tui.screens.evidence.why import check_text

    check = SimpleNamespace(wp="WP.11", name="Service change request", needed=["draft"], found=[], any_of=False)
    with using("fr"):
        needs, found = check_text(check)
        _needs, found_some = check_text(SimpleNamespace(**{**vars(check), "found": ["opened", "updated"]}))
    assert needs.endswith(" : doit être brouillon") and found == "aucun trouvé", (needs, found)
    assert found_some == "trouvé : ouvert, mis à jour", found_some
