"""What a new shop's first week asks of the setup and of the first incident: the Resources step's
training need lands on the list of roles (WP.08), and logging an incident says once what the shop
still lacks for IN.2.1 (its inputs: the agreements, the catalogue, the configuration record), and
stops saying "waits on" once the shop has them."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta

from vse_tui.cli import main
from vse_tui.core.evidence.audit_check import audit_check
from vse_tui.core.evidence.guide import lacks_once, shop_lacks
from vse_tui.core.evidence.next_step import next_step
from vse_tui.core.governance import process as gov
from vse_tui.core.incidents.process import log_incident
from vse_tui.core.kernel import clock
from vse_tui.core.model.records import model_for


def test_the_resources_steps_training_need_is_on_the_list_of_roles(store):
    gov.save_roles(store, [(store.actor.person, "Tester", "", "SM,PT:incident")], gov.approval(store, None, "signature"))
    pt = next(a for a in store.records("role_assignments", {"state": "active"}) if a.role == "PT")
    gov.save_resources(store, [(pt.uuid, "Service management foundation", "2027-06-30")], "",
                       gov.approval(store, None, "signature"))
    roles_list = store.latest("role_lists")
    assert roles_list.training_needs == "Tester, PT (incidents): Service management foundation (due by 2027-06-30)"
    assert not [f for f in audit_check(store) if f.rule == "content" and roles_list.id in f.records]
    # the overall words, when typed, are the list's own
    gov.save_resources(store, [], "Each role holder reads the standard's part for their role",
                       gov.approval(store, None, "signature"))
    assert store.latest("role_lists").training_needs == "Each role holder reads the standard's part for their role"


def _the_inputs(store) -> None:
    """What IN.2.1 reads: an approved customer and supplier agreement, an approved catalogue
    entry, an updated configuration record."""
    customer = store.add(model_for("customers").model_validate({"name": "Acme Ltd"}))
    supplier = store.add(model_for("suppliers").model_validate({"name": "Northline"}))
    service = store.add(model_for("services").model_validate({"name": "Service desk", "status": "draft"}))
    store.update("services", service.uuid, {"status": "approved"})
    for kind, party in (("customer_agreements", {"customer": customer.uuid}),
                        ("supplier_agreements", {"supplier": supplier.uuid})):
        rec = store.add(model_for(kind).model_validate({"title": "Support", "status": "draft", **party}))
        store.update(kind, rec.uuid, {"status": "approved"})
    item = store.add(model_for("configuration_items").model_validate({"name": "Office router"}))
    store.update("configuration_items", item.uuid, {"status": "updated", "location": "Back office"})


def test_an_incident_says_once_what_the_shop_lacks_and_not_once_it_has_it(store, monkeypatch):
    first = log_incident(store, "Printer offline", reporter="Dana Wells dana@acme.example")
    lacks = lacks_once(store, "IN.2.1")
    assert [n.wp for n in lacks] == ["WP.03", "WP.21", "WP.10", "WP.02"]
    assert lacks_once(store, "IN.2.1") == []  # said once, not at every incident
    nxt = next_step(store, first)
    assert nxt.shop_task == "IN.2.1" and nxt.shop_records == ["WP.03", "WP.21", "WP.10", "WP.02"]
    monkeypatch.setenv("VSE_TUI_NOW", clock.iso(clock.now() + timedelta(hours=1)))
    _the_inputs(store)  # an hour later
    assert shop_lacks(store, "IN.2.1") == []
    # the first incident was recorded without them: it cannot count, and nothing waits any more
    nxt = next_step(store, first)
    assert nxt.shop_records == [] and nxt.shop_past == ["WP.03", "WP.21", "WP.10", "WP.02"]
    second = log_incident(store, "Mail does not arrive", reporter="Dana Wells dana@acme.example")
    assert next_step(store, second).shop_task == ""  # recorded with every input there


def test_incident_add_notes_what_the_shop_lacks_beside_the_id_once(tmp_path):
    db = str(tmp_path / "cli.db")
    said = []
    for summary in ("Printer offline", "Mail does not arrive"):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            assert main(["--db", db, "incident", "add", summary]) == 0
        assert out.getvalue().strip().startswith("INC-")  # the id alone on the standard output
        said.append(err.getvalue())
    assert "IN.2.1 is not fully backed yet" in said[0] and "WP.03 Customer agreement (approved)" in said[0]
    assert "IN.2.1" not in said[1]
