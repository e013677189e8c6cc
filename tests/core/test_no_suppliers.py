"""A shop with no suppliers records so, and no task waits for a supplier agreement (WP.21): IN.2.1's
inputs, RE.2.2's outputs, and what a logged incident says the shop lacks. A supplier added later
voids the statement; it cannot be recorded while a supplier is there."""

import contextlib
import io

import pytest

from vse_tui.cli import main
from vse_tui.core.evidence.guide import shop_lacks
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.governance.documents import create
from vse_tui.core.incidents.process import log_incident
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.relationship.process import record_no_suppliers


def _task(store, code):
    return next(t for t in evidence_map(store) if t.task == code)


def test_no_suppliers_recorded_and_no_task_waits_for_a_supplier_agreement(store, tmp_path):
    assert "WP.21" in [n.wp for n in shop_lacks(store, "IN.2.1")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(tmp_path / "t.db"), "--as", "Tester", "suppliers", "none"]) == 0
    assert "the shop has no suppliers" in out.getvalue()
    assert store.history("suppliers")[-1]["new_value"] == "none"  # who said it and when, in the history
    assert "WP.21" not in [n.wp for n in shop_lacks(store, "IN.2.1")]
    log_incident(store, "Printer jams on floor 2", use_last=False)
    in_2_1 = _task(store, "IN.2.1")
    assert [c.ok for c in in_2_1.inputs if c.wp == "WP.21"] == [True]
    assert not any("WP.21" in w for w in in_2_1.missing)
    assert "no supplier agreement (WP.21) needed" in " ".join(in_2_1.notes)
    assert [o.wp for o in _task(store, "RE.2.2").outputs] == ["WP.03"]  # the customer agreement alone
    # a supplier added later: the statement no longer holds, and cannot be made again while it is there
    create(store, "suppliers", {"name": "Harbour Fibre Ltd"})
    assert "WP.21" in [n.wp for n in shop_lacks(store, "IN.2.1")]
    assert [o.wp for o in _task(store, "RE.2.2").outputs] == ["WP.03", "WP.21"]
    with pytest.raises(InputError, match="Harbour Fibre Ltd"):
        record_no_suppliers(store)


def test_a_shop_without_a_supplier_is_told_how_to_say_it_has_none(store):
    said = " ".join(_task(store, "RE.2.1").missing)
    assert "WP.21 Supplier agreement (draft): nothing recorded by RE.2.1 yet (a shop with no suppliers says so: " \
           "vse-tui suppliers none)" in said
    create(store, "suppliers", {"name": "Harbour Fibre Ltd"})  # one to agree with: no such way out
    assert "suppliers none" not in " ".join(_task(store, "RE.2.1").missing)
