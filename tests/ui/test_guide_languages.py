"""What a record's screen asks next is decided the same way in every language: the incident screen
and the record screens (changes, agreements, feedback) sort the reasons the evidence map gives by
their kind, never by reading their English words back. On the demo shop and on a shop whose first
incident was written by a person holding none of the incident roles, the lines said and the keys
the bar leads with are the same in English, Spanish, Brazilian Portuguese and French."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from vse_tui import i18n
from vse_tui.core.evidence.guide import record_steps
from vse_tui.screens.common.guide import next_line
from vse_tui.screens.common.record import RecordScreen
from vse_tui.screens.control.records import STEP_ACTIONS
from vse_tui.screens.incidents.detail import IncidentDetailScreen
from vse_tui.store import Actor, open_store

LANGUAGES = ("es", "pt_BR", "fr")


def _decisions(store, lang: str) -> list[tuple]:
    """Per record: how many lines the guide says and the actions its key bar leads with."""
    out: list[tuple] = []
    with i18n.using(lang):
        for inc in store.records("incidents", order="-seq", limit=40):
            screen = SimpleNamespace(key_for=lambda action: action, next_actions=(), store=store,
                                     ACTIONS=IncidentDetailScreen.ACTIONS)
            text = IncidentDetailScreen._next_hint(screen, inc, record_steps(store, inc))  # type: ignore[arg-type]
            out.append((inc.id, text.count("\n"), screen.next_actions))
        for kind, actions in (("change_requests", STEP_ACTIONS), ("customer_agreements", RecordScreen.STEP_ACTIONS),
                              ("feedback", RecordScreen.STEP_ACTIONS)):
            for rec in store.records(kind, order="-seq", limit=25):
                screen = SimpleNamespace(key_for=lambda action: action)
                text, acts = next_line(screen, record_steps(store, rec), actions)
                out.append((rec.id, text.count("\n"), acts))
    return out


@pytest.fixture
def role_gap_shop(tmp_path):
    """A shop whose first incident was recorded by its manager, who holds none of IN.2.1's roles."""
    from vse_tui.core.governance.roles import add_person
    from vse_tui.core.incidents import process as incidents

    store = open_store(tmp_path / "shop.db", Actor(operator="Pat Doe", os_user="pat", host="laptop"))
    pat, _ = add_person(store, "Pat Doe", roles="MGT", os_user="pat")
    store.actor = store.actor.as_person(pat.uuid, pat.name)
    incidents.log_incident(store, "The printer does not print", reporter="Ana", reporter_contact="555-0101")
    yield store
    store.close()


def test_the_incident_guide_decides_alike_in_every_language(role_gap_shop) -> None:
    english = _decisions(role_gap_shop, "en")
    assert english[0][1] >= 2  # the role gap has a line of its own, apart from what an edit mends
    for lang in LANGUAGES:
        assert _decisions(role_gap_shop, lang) == english, lang


def test_every_record_screen_of_the_demo_decides_alike_in_every_language(demo_store) -> None:
    english = _decisions(demo_store, "en")
    assert len(english) > 60 and any(acts for _ref, _lines, acts in english)
    for lang in LANGUAGES:
        assert _decisions(demo_store, lang) == english, lang
