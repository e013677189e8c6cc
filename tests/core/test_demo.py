"""The demo shop as a new user gets it: `vse-tui demo` exactly as README says, on the real clock (no
frozen time), and what an assessor reads in it: a year of history spread over the year before today,
reports whose figures are their period's records, a shop that holds together, varied text, duties
split, notifications really sent, and only the findings README names as planted."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.bench_demo import figures
from tests.conftest import shared_build
from vse_tui.cli import main
from vse_tui.core.evidence import audit_check
from vse_tui.store import Actor, open_store


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory) -> tuple[Path, datetime, datetime]:
    """`vse-tui demo --no-open` with nothing else: the real clock, the default place (a throwaway
    HOME and XDG folders). Returns the file and the real moments before and after it was built.
    Built once for the whole run and shared by the workers; each worker reads its own copy (a
    store writes when it closes)."""

    def build(home: Path) -> None:
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv("VSE_TUI_NOW", raising=False)
            mp.delenv("VSE_TUI_DB", raising=False)
            for name, sub in (("HOME", ""), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                              ("XDG_CACHE_HOME", "cache")):
                mp.setenv(name, str(home / sub))
            before = datetime.now(UTC).replace(microsecond=0)
            assert main(["demo", "--no-open"]) == 0
            after = datetime.now(UTC)
            assert "VSE_TUI_NOW" not in os.environ  # the demo's clock is gone once it is built
        (home / "moments.json").write_text(json.dumps([before.isoformat(), after.isoformat()]))

    home = tmp_path_factory.mktemp("default-demo") / "home"
    shutil.copytree(shared_build(tmp_path_factory, "default-demo", build), home)
    found = list((home / "data").rglob("demo.db"))
    assert len(found) == 1
    before, after = (datetime.fromisoformat(m) for m in json.loads((home / "moments.json").read_text()))
    return found[0], before, after


def test_the_default_demo_spreads_its_history_over_the_year_before_today(default_demo):
    path, before, after = default_demo
    history = figures(path, now=after)["history"]
    assert history["days"] >= 250
    assert history["before_the_year"] == 0 and history["in_the_future"] == 0 and history["in_1970"] == 0
    first = datetime.fromisoformat(history["first"])
    assert before - timedelta(days=366) <= first <= before - timedelta(days=360)  # the year, not one second
    assert history["seconds"] > 1000


def test_every_approved_report_counts_the_records_of_its_period(default_demo):
    path, _before, after = default_demo
    reports = figures(path, now=after)["approved_reports"]
    assert len(reports) == 3
    for report in reports:
        for name in ("incidents", "changes_deployed", "feedback"):
            stored, counted = report[name]
            assert stored == counted, (report["report"], name)
        assert report["incidents"][1] > 0
    store = open_store(path, create=False)
    try:
        improvement = store.latest("improvement_reports", {"status": "approved"})
        from vse_tui.reports import improvement as reports_improvement
        from vse_tui.reports.performance import Period

        span = f"{improvement.period_start.isoformat()}..{improvement.period_end.isoformat()}"
        period = Period(improvement.period_start, improvement.period_end, span)
        opened = reports_improvement.gather(store, period)["performance"]["total"]["incidents"]
        assert opened > 200 and f"{opened} incidents" in improvement.goals_achieved
        # its period as a person types it, its title the app's: no label of the demo's own, which would
        # be English in a demo made in another language ("En the last year : 278 incidents")
        assert f"In {span}: {opened} incidents" in improvement.goals_achieved, improvement.goals_achieved
        assert improvement.title == f"Improvement report {span}"
    finally:
        store.close()


def test_the_default_demo_holds_together(default_demo):
    path, _before, after = default_demo
    found = figures(path, now=after)
    assert found["items"]["items"] == found["items"]["in_a_service_their_customer_buys"]
    links = found["incident_item_links"]
    assert links["links"] > 150 and links["same_customer"] == links["same_service"] == links["links"]
    changes = found["change_item_links"]
    assert changes["links"] > 40 and changes["same_customer"] == changes["links"]
    assert found["problems"]["problems"] >= 2
    assert found["problems"]["changes_reviewed"] == found["problems"]["problems"]
    store = open_store(path, create=False)
    try:  # the catalogue changed after its change request was deployed
        email = store.records("services", {"name": "E-mail and collaboration"})[0]
        from vse_tui.core.governance.approvals import state

        assert state(email).current and email.change_requests
        request = store.get("change_requests", email.change_requests[-1])
        assert request.deployed_at and request.state == "reviewed"
        assert email.approvals[-1].at > request.deployed_at
    finally:
        store.close()


def test_the_default_demo_reads_like_a_shop_wrote_it(default_demo):
    path, _before, after = default_demo
    found = figures(path, now=after)
    texts = found["texts"]
    for kind in ("solutions", "feedback", "test_summaries"):
        assert texts[kind]["distinct"] >= texts[kind]["records"] * 0.9, kind
        assert texts[kind]["most_repeated"] <= 3, kind
    assert texts["root_causes"]["most_repeated"] <= 6
    store = open_store(path, create=False)
    try:
        policy = store.latest("policies")
        approach = store.latest("cx_approaches")
        from vse_tui.core.governance import process as governance

        assert policy.objectives != governance.policy_defaults()["objectives"]
        assert all(getattr(approach, k) != v for k, v in governance.DEFAULT_CX.items())
        # a root cause fits its incident: it names the incident's own item
        names = {ci.uuid: ci.name for ci in store.records("configuration_items")}
        for inc in store.records("incidents", {"problem": True}):
            assert any(names[c] in inc.root_cause for c in inc.cis)
    finally:
        store.close()


def test_duties_are_split_and_evidence_is_made(default_demo):
    path, _before, after = default_demo
    found = figures(path, now=after)
    approvals = found["approvals"]
    assert approvals["writes_under_a_customers_login"] == 0
    assert approvals["acceptances_by_a_customer_or_supplier"] >= 30
    assert approvals["acceptances_recorded_by_the_shop"] == approvals["acceptances_by_a_customer_or_supplier"]
    notes = found["notifications"]
    assert notes["email"] > 200 and notes["email_sent"] == notes["email"]
    assert notes["phone"] > 0 and notes["phone_with_what_was_said"] == notes["phone"]
    assert found["security"]["marked_as_security"] == found["security"]["in_a_security_category"] > 0
    assert found["test_reports"]["complete"] == found["test_reports"]["all"] > 20
    assert path.with_name(path.name + ".sent.mbox").stat().st_size > 100_000  # the messages, in a local file
    store = open_store(path, create=False)
    try:
        kim = store.records("people", {"name": "Kim Lee"})[0].uuid
        for report in store.records("test_reports"):
            assert report.tested_by != kim and report.interpreted_by == kim  # a technician tests, the manager reads
        for change in store.records("change_requests", {"state": "reviewed", "change_type": "normal"}):
            built = store.records("built_changes", {"change": change.uuid})
            assert built and built[0].built_by != kim
            accepted = [a for a in change.approvals if a.meaning == "accepted by the customer"]
            if change.customer:
                assert accepted and accepted[0].how == "email"
                assert store.count("attachments", {"record": change.uuid}) == 1  # the customer's message
    finally:
        store.close()


def test_the_default_demo_plants_exactly_the_findings_its_page_names(default_demo, monkeypatch):
    path, _before, _after = default_demo
    monkeypatch.delenv("VSE_TUI_NOW")  # read on the real clock it was made on (the tests' frozen day is earlier)
    store = open_store(path, Actor(operator="Kim Lee", os_user="kim", host="laptop"), create=False)
    try:
        found = {(f.rule, f.records) for f in audit_check.audit_check(store)}
    finally:
        store.close()
    page = (Path(__file__).resolve().parents[2] / "docs" / "evidence.md").read_text()
    assert found == {("person", ("login frontdesk",)), ("approval-stale", ("AGR-0004",)),
                     ("agreement", ("SAG-0002",)), ("content", ("INC-0301",)), ("review", ("SAG-0002",)),
                     ("review", ("AGR-0001",)), ("competence", ("TRN-0002",))}
    for _rule, records in found:
        assert f"`{records[0]}`" in page


def test_with_as_of_the_demo_begins_a_year_before_that_day(tmp_path):
    """The year is lived whatever the count of incidents (a small one keeps the test quick)."""
    db = tmp_path / "demo.db"
    assert main(["demo", "--no-open", "--db", str(db), "--as-of", "2026-06-30", "--incidents", "30"]) == 0
    history = figures(db, now=datetime(2026, 6, 30, 12, tzinfo=UTC))["history"]
    assert history["in_1970"] == 0 and history["before_the_year"] == 0 and history["in_the_future"] == 0
    assert history["first"][:10] == (date(2026, 6, 30) - timedelta(days=364)).isoformat()
    assert history["days"] >= 250


def test_the_demo_never_replaces_a_shops_database_and_keeps_a_copy_of_an_earlier_demo(tmp_path, capsys):
    real = tmp_path / "real.db"
    assert main(["incident", "add", "Real work", "--db", str(real)]) == 0
    before = real.read_bytes()
    for extra in ([], ["--yes"]):
        assert main(["demo", "--no-open", "--db", str(real), *extra]) == 1
        assert "never replaces it" in capsys.readouterr().err
    assert real.read_bytes() == before and not real.with_name("real.db.previous").exists()
    demo = tmp_path / "demo.db"
    assert main(["demo", "--no-open", "--db", str(demo), "--incidents", "20"]) == 0
    store = open_store(demo, create=False)
    first = store.count("incidents")
    store.close()
    assert main(["demo", "--no-open", "--db", str(demo), "--incidents", "20"]) == 1  # asks first
    assert main(["demo", "--no-open", "--db", str(demo), "--incidents", "30", "--yes"]) == 0
    assert "kept as demo.db.previous" in capsys.readouterr().err
    kept = open_store(tmp_path / "demo.db.previous", create=False)
    now = open_store(demo, create=False)
    try:
        assert kept.count("incidents") == first and now.count("incidents") == 31
        assert kept.setting("demo") == "1"
    finally:
        kept.close()
        now.close()
    assert not list(tmp_path.glob(".demo.db.*"))  # nothing half-built left behind


def test_the_default_demo_reviews_each_deployment_after_it_and_the_map_cites_them_in_order(default_demo, monkeypatch):
    """On the real clock: every change reviewed (CO.3.5) was deployed (CO.3.4) before; the map's
    CO.3.5 row names the review its procedure update learnt from, after that change's deployment."""
    from vse_tui.core.evidence.tasks import evidence_map

    path, _before, _after = default_demo
    monkeypatch.delenv("VSE_TUI_NOW")
    store = open_store(path, Actor(operator="Kim Lee", os_user="kim", host="laptop"), create=False)
    try:
        reviewed = store.records("change_requests", {"state": "reviewed"})
        assert reviewed
        for change in reviewed:
            review = store.last_task_row(change.uuid, "CO.3.5")
            assert change.deployed_at is not None and datetime.fromisoformat(review["at"]) >= change.deployed_at
        rows = {t.task: t for t in evidence_map(store)}
        co35, co34 = rows["CO.3.5"], rows["CO.3.4"]
        assert co35.state == "done" and co34.state == "done"
        cited = [w for w in co35.why if w.text.startswith("after the review of")]
        assert len(cited) == 1 and cited[0].records[0].startswith("CHG-")
        assert any(w.text.startswith("by the deployment of CHG-") for w in co34.why)
        assert not [f for f in audit_check.audit_check(store) if f.rule == "timing"]
    finally:
        store.close()


def test_the_default_demo_names_who_did_each_task_and_tags_a_customers_acceptance_as_theirs(default_demo,
                                                                                              monkeypatch):
    """What a French-speaking assessor found: the map named the approver for tasks the author did
    (GO.3.1 "by Kim", Sam wrote it), and a customer's acceptance of a change, recorded by Sam after
    its test, was tagged and shown as the evaluation (CO.2.1) Kim made days before. A task its
    approval performs names the approver, at the approval, and who wrote it; any other, its writer;
    an acceptance of an evaluated change is the customer's part of the approval to deploy (CO.3.2)."""
    from vse_tui.core.control.changes import path as change_path
    from vse_tui.core.evidence.tasks import evidence_map
    from vse_tui.core.kernel import clock

    path, _before, _after = default_demo
    monkeypatch.delenv("VSE_TUI_NOW")
    store = open_store(path, Actor(operator="Kim Lee", os_user="kim", host="laptop"), create=False)
    try:
        rows = {t.task: t for t in evidence_map(store)}
        assert rows["GO.3.1"].evidence["by"] == "Sam Ortiz" and rows["GO.3.1"].state == "done"
        role_list = store.get("role_lists", rows["GO.1.2"].evidence["record"])
        approved = [a for a in role_list.approvals if a.meaning == "approved"][-1]
        assert rows["GO.1.2"].evidence["by"] == "Kim Lee (approving what Sam Ortiz wrote)"
        assert rows["GO.1.2"].evidence["at"] == clock.iso(approved.at)
        assert rows["CO.3.5"].evidence["by"] == "Sam Ortiz"
        accepted = 0
        for change in store.records("change_requests", {"customer__isnull": False}):
            acceptances = [a for a in change.approvals if a.meaning == "accepted by the customer"]
            if not acceptances or change.approvals[0].meaning != "approved":
                continue
            accepted += 1
            tags = {r["task"] for r in store.history(change.uuid) if r["field"] == "approvals"}
            assert "CO.3.2" in tags, (change.id, tags)
            evaluated = next(step for task, _s, step, _r in change_path(store, change) if task == "CO.2.1")
            assert change.approvals[0].by in evaluated and acceptances[0].by not in evaluated, (change.id, evaluated)
        assert accepted >= 10
        assert rows["CO.2.1"].evidence["by"] != "Sam Ortiz"  # Kim's evaluation, not Sam recording an acceptance
    finally:
        store.close()
