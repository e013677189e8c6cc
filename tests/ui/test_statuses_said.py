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
