"""A brand-new shop that took the setup's offered answers: the evidence map counts what the shop
wrote itself, never the app's starting texts, and judges each record by the version that made it
meet its task."""

from __future__ import annotations

from typing import Any

from vse_tui.core.evidence.audit_check import audit_check
from vse_tui.core.evidence.guide import setup_gaps
from vse_tui.core.evidence.substance import as_offered, offered
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.governance import process as gov
from vse_tui.core.governance import setup
from vse_tui.core.model.standard import load_standard

TYPED = {
    "goals": {"shop_name": "Harbour IT", "goals": "Keep the computers of small offices in town running",
              "objectives": "Most calls fixed the same day; every customer visited once a year"},
    "scope": {"services_offered": "Service desk\nBackup", "customers": "Acme Ltd",
              "boundaries": "Offices in town, on site and remote", "technology": "Windows laptops and small networks"},
}


def _step(store, key: str, typed: dict[str, Any] | None = None) -> Any:
    """One step of the setup: what it offers, with what a person types over it."""
    values = {f.name: f.value for f in setup.fields(store, key, None)}
    values.update(typed or TYPED.get(key, {}))
    roles = [(store.actor.person, "Tester", "", "SM,CM,RM,MGT,PT:incident")] if key == "roles" else None
    approved = gov.approval(store, None) if key in setup.APPROVES else None
    return setup.save(store, key, values, approved, roles=roles)


def _setup_as_offered(store) -> None:
    for key in gov.STEP_KEYS:
        _step(store, key)


def _states(store) -> dict[str, Any]:
    return {t.task: t for t in evidence_map(store)}


def test_every_document_the_setup_fills_in_is_judged_by_one_rule():
    """Each work product the setup pre-fills asks for the shop's own words somewhere: in its `own`
    items, or (marking none) in at least one of the items offered, so none passes as offered."""
    standard = load_standard()
    for step in gov.STEPS:
        wp = standard.wp(step.wp)
        items = offered(wp, wp.statuses[-1])
        if not items:
            continue
        as_given = {name: "the same starting text" for name in wp.required}
        assert as_offered(wp, as_given, wp.statuses[-1]) == set(), wp.code  # no starting text: nothing named
        for name in items:
            as_given[name] = next(iter(sorted(gov.starting_messages()[name])), "")
        assert as_offered(wp, as_given, wp.statuses[-1]), f"{wp.code} passes on the app's starting text"


def test_the_customer_experience_approach_as_offered_is_not_the_shops(store):
    _setup_as_offered(store)
    cx = store.latest("cx_approaches")
    assert cx.status == "approved" and cx.receiving == gov.cx_defaults()["receiving"]
    go23 = _states(store)["GO.2.3"]
    assert go23.state != "done"
    assert "receiving: the app's starting text, unchanged" in " ".join(go23.missing)
    found = [f for f in audit_check(store) if f.rule == "content" and cx.id in f.records]
    assert found and "receiving: the app's starting text, unchanged" in found[0].what
    assert "log contents: the app's starting text, unchanged" in found[0].what
    assert cx.id in [gap.ref for gap in setup_gaps(store)]  # the setup says it is not complete either
    # the owner writes how praise and complaints reach the shop, in their own words, and approves it
    _step(store, "experience", {"receiving": "Customers ring Dana or write to the desk address; she notes it at once.",
                                "closing": "Dana closes it once the customer says the answer settles it."})
    assert store.latest("cx_approaches").status == "approved"
    assert _states(store)["GO.2.3"].state == "done"
    assert not [f for f in audit_check(store) if f.rule == "content" and cx.id in f.records]

