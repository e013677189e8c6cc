"""A brand-new shop that took the setup's offered answers: the evidence map counts what the shop
wrote itself, never the app's starting texts, and judges each record by the version that made it
meet its task."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from vse_tui.core.evidence.audit_check import audit_check
from vse_tui.core.evidence.guide import draft_services, setup_gaps
from vse_tui.core.evidence.substance import as_offered, offered
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.governance import documents, setup
from vse_tui.core.governance import process as gov
from vse_tui.core.kernel import clock
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


DESCRIBED = {"description": "We answer calls and mails from the office staff and fix what we can remotely.",
             "service_hours": "Mon-Fri 08:00-18:00", "quality_measures": "Calls answered within the hour",
             "targets": "P1 30m/4h, P2 1h/1d", "how_to_use": "Call the desk number or write to the desk address",
             "costs": "Included in the monthly fee"}


def test_catalogue_entries_the_setup_drafted_count_once_written_after_the_policy(store, monkeypatch):
    t0 = clock.now()

    def at(hours: int) -> None:
        monkeypatch.setenv("VSE_TUI_NOW", clock.iso(t0 + timedelta(hours=hours)))

    at(0)
    for key in ("goals", "scope"):  # the scope step drafts "Service desk" and "Backup" with a name only
        _step(store, key)
    desk, backup = (store.get("services", ref) for ref in ("SVC-0001", "SVC-0002"))
    assert (desk.status, desk.name, backup.name) == ("draft", "Service desk", "Backup")
    at(1)
    for key in ("roles", "policy", "approve"):
        _step(store, key)
    assert store.latest("policies").status == "approved"
    re11 = _states(store)["RE.1.1"]
    assert re11.state != "done"  # drafts with a name only are no catalogue yet
    refused = " ".join(re11.missing)
    assert "SVC-0002: description" in refused and "not recorded" in refused
    # a day later the owner describes the desk service in the catalogue and approves it
    at(24)
    documents.edit(store, "services", desk.id, DESCRIBED)
    at(25)
    assert documents.approve(store, "services", desk.id).status == "approved"
    re11 = _states(store)["RE.1.1"]
    assert re11.state == "done", re11.missing
    assert re11.evidence and re11.evidence["record"] == desk.id
    assert re11.evidence["at"] == clock.iso(t0 + timedelta(hours=24))  # the write that described it
    assert not any(backup.id in line.records for line in re11.why if line.ok)  # the untouched draft still does not
    assert backup.id in [ref for ref, _name in draft_services(store)]


def test_an_entry_described_before_the_policy_counts_when_written_again_after_it(store, monkeypatch):
    t0 = clock.now()
    monkeypatch.setenv("VSE_TUI_NOW", clock.iso(t0))
    for key in ("goals", "scope"):
        _step(store, key)
    desk = documents.edit(store, "services", "SVC-0001", DESCRIBED)  # described before any policy
    monkeypatch.setenv("VSE_TUI_NOW", clock.iso(t0 + timedelta(hours=1)))
    for key in ("roles", "policy", "approve"):
        _step(store, key)
    re11 = _states(store)["RE.1.1"]
    assert re11.state != "done" and "its input WP.14 was not Approved yet" in " ".join(re11.missing)
    monkeypatch.setenv("VSE_TUI_NOW", clock.iso(t0 + timedelta(hours=2)))
    documents.edit(store, "services", desk.id, {"costs": "Included in the monthly fee; on-site visits billed hourly"})
    re11 = _states(store)["RE.1.1"]
    assert re11.state == "done", re11.missing
    assert re11.evidence["at"] == clock.iso(t0 + timedelta(hours=2))
