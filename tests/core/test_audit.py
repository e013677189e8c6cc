"""Audit readiness: attachments, the audit pack, the improvement report, importing parties."""

import re

import pytest

from vse_tui.cli import main
from vse_tui.core.evidence import attachments
from vse_tui.core.governance import documents
from vse_tui.core.intake.parties import apply_parties, plan_parties
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import Customer
from vse_tui.reports import audit_pack, improvement, performance
from vse_tui.store import Actor, open_store
from vse_tui.store.chain import verify
from vse_tui.store.maintenance import backup


def test_attachments_are_stored_once_by_content_and_a_changed_file_is_seen(store, tmp_path):
    acme = store.add(Customer(name="Acme"))
    signed = tmp_path / "signed agreement.pdf"
    signed.write_bytes(b"%PDF-1.4 signed")
    att = attachments.attach(store, acme.id, signed, note="signed on paper")
    assert (att.id, att.name, att.size, att.record) == ("ATT-0001", "signed agreement.pdf", 15, acme.uuid)
    stored = attachments.stored_path(store, att.sha256)
    assert stored.read_bytes() == b"%PDF-1.4 signed" and stored.parent.parent.name == "t.db.files"
    with pytest.raises(InputError, match="already attached to CUS-0001 as ATT-0001"):
        attachments.attach(store, acme.id, signed)
    bolt = store.add(Customer(name="Bolt"))
    again = attachments.attach(store, bolt.id, signed)  # same content elsewhere: one stored file
    assert again.sha256 == att.sha256 and len(list(store.files_dir.rglob("*"))) == 2  # a folder and a file
    assert [a.id for a in attachments.attachments_of(store, acme.uuid)] == ["ATT-0001"]
    assert store.history(att.uuid)[0]["operator"] == "Tester"
    with pytest.raises(InputError, match="not a file"):
        attachments.attach(store, acme.id, tmp_path / "missing.pdf")
    with pytest.raises(InputError, match="No customer|No record"):
        attachments.attach(store, "CUS-0099", signed)
    assert attachments.check_files(store) == [] and verify(store) == []
    # a backup carries the files; a file changed behind the app's back is found
    copy = backup(store, tmp_path / "backup.db")
    assert (tmp_path / "backup.db.files" / att.sha256[:2] / att.sha256).exists() and copy.exists()
    stored.write_bytes(b"%PDF-1.4 forged")
    assert [p.line() for p in attachments.check_files(store)] == [
        "ATT-0001: the file of signed agreement.pdf was changed after it was attached",
        "ATT-0002: the file of signed agreement.pdf was changed after it was attached"]


def test_the_audit_pack_has_a_page_per_work_product_and_links_only_inside_itself(demo_db, tmp_path):
    store = open_store(demo_db, Actor(operator="Kim Lee"))
    try:
        proof = tmp_path / "test log.txt"
        proof.write_text("all checks passed", encoding="utf-8")
        att = attachments.attach(store, "TST-0001", proof)
        from vse_tui.core.model.records import BY_WP

        present = {wp for wp, model in BY_WP.items() if store.count(model.KIND)}
        result = audit_pack.write_pack(store, tmp_path / "pack")
    finally:
        store.close()
    pack = tmp_path / "pack"
    assert result["path"] == pack / "index.html" and len(present) == 21
    for wp in present:
        assert (pack / "wp" / f"{wp}.html").exists() and (pack / "wp" / f"{wp}.md").exists(), wp
    assert (pack / "evidence-map.html").exists() and (pack / "roles.md").exists()
    assert (pack / "files" / f"{att.id}-test_log.txt").read_text() == "all checks passed"
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert "WP.18 Service incident record" in index and "Evidence map of the 40 tasks" in index
    pages = list(pack.rglob("*.html"))
    assert len(pages) == result["pages"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<link" not in text and "@import" not in text and "url(" not in text
        for target in re.findall(r'(?:href|src)="([^"]*)"', text):
            assert not re.match(r"^[a-z]+:|^//|^/", target), (page, target)
            resolved = (page.parent / target.split("#")[0]).resolve()
            assert resolved.is_relative_to(pack.resolve()) and resolved.exists(), (page, target)
    tst = (pack / "wp" / "WP.20.html").read_text(encoding="utf-8")
    assert f"{att.id}-test_log.txt" in tst and "CO.3.1" in tst  # the file and the history
    agr = (pack / "wp" / "WP.03.md").read_text(encoding="utf-8")
    assert ("| approved by | role held | meaning | when | how | version | content sha256 | recorded by (login@host) "
            "| signature |") in agr
    # Kim approved under her login on her laptop, holding her roles (by their names); the customer's contact
    # holds the Customer role
    assert re.search(r"^\| Kim Lee \| Control Manager, Management of the VSE, Service Manager \| approved \| .* \| "
                     r"kim@kim-laptop \(Kim Lee\) \|", agr, flags=re.M), agr
    assert re.search(r"^\| [^|]+ \| Customer \| accepted by the customer \(Accepted by e-mail", agr, flags=re.M)  # noted by the shop
    chg = (pack / "wp" / "WP.11.md").read_text(encoding="utf-8")
    assert "| rejected: Covered by the vendor's own update next month. |" in chg  # a rejection shows its reason


def test_the_audit_pack_refuses_a_folder_holding_other_files(store, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "thesis.docx").write_text("x")
    with pytest.raises(InputError, match="not empty"):
        audit_pack.write_pack(store, folder)
    assert main(["audit-pack", "--out", str(tmp_path / "pack"), "--db", str(store.path)]) == 0


def test_the_improvement_report_is_drafted_from_the_records_and_approved(demo_db):
    store = open_store(demo_db, Actor(operator="Kim Lee"))
    try:
        period = performance.parse_period("2026")
        data = improvement.gather(store, period)
        total = data["performance"]["total"]
        rep = improvement.draft(store, period)
        assert (rep.id, rep.status, rep.period_start.isoformat()) == ("IMP-0002", "draft", "2026-01-01")
        assert f"In 2026: {total['incidents']} incidents" in rep.goals_achieved and "Objectives (POL-0001)" in rep.goals_achieved
        assert "complaints" in rep.customer_view and "Acme Bakery" in rep.customer_view
        assert "Incidents opened per quarter: 2026-Q1" in rep.provider_view
        assert "acknowledged" in rep.issues
        rep = documents.edit(store, "improvement_reports", rep.id, {"actions": "Monitor backups daily"})
        kim = store.row("people", ["uuid"], {"title": "Kim Lee"})[0]
        store.actor = store.actor.as_person(kim, "Kim Lee")  # Kim at the keyboard approves her own report
        rep = documents.approve(store, "improvement_reports", rep.id, how="signature")
        assert rep.status == "approved"
        tasks = [h["task"] for h in store.history(rep.uuid)]
        assert tasks[0] == "GO.4.1" and tasks[-1] == "GO.4.2"
    finally:
        store.close()


def test_import_customers_and_people_with_their_roles(store, tmp_path):
    store.add(Customer(name="Acme Bakery"))
    customers = tmp_path / "customers.csv"
    customers.write_text("Company,Code,Phone,Email,Status\n"
                         "Northwind Traders,NWT,555-1234,info@northwind.test,active\n"
                         "Harbour Cafe,,,not-an-email,\n"
                         "Acme Bakery,,,,\n"
                         "Old Client,OLD,,,gone\n", encoding="utf-8")
    plan = plan_parties(store, "customers", customers)
    assert [c.name for c in plan.records] == ["Northwind Traders"]
    assert {r.line: r.reason for r in plan.rejected} == {
        3: "email: 'not-an-email' is not an e-mail address", 4: "'Acme Bakery' is already stored",
        5: "state: 'gone' is not active or former"}
    assert apply_parties(store, plan) == 1
    nwt = store.get("customers", "CUS-0002")
    assert (nwt.short, nwt.phone, nwt.email) == ("NWT", "555-1234", "info@northwind.test")

    people = tmp_path / "people.csv"
    people.write_text("Name;E-mail;Company;Roles\n"
                      "Dana Wells;dana@acme.test;Acme Bakery;\n"
                      "Pat Lee;pat@shop.test;;PT:change,CM\n"
                      "Bad Role;;;XX\n"
                      "Lost Soul;;Nowhere Ltd;\n", encoding="utf-8")
    plan = plan_parties(store, "people", people)
    assert [p.name for p in plan.records] == ["Dana Wells", "Pat Lee"]
    reasons = {r.line: r.reason for r in plan.rejected}
    assert "'XX' is not a role" in reasons[4] and "'Nowhere Ltd' is not a customer or supplier" in reasons[5]
    apply_parties(store, plan)
    dana = next(p for p in store.records("people") if p.name.startswith("Dana"))
    assert (dana.affiliation, dana.organisation) == ("customer", store.get("customers", "CUS-0001").uuid)
    pat = next(p for p in store.records("people") if p.name == "Pat Lee")
    roles = sorted((a.role, a.area) for a in store.records("role_assignments", {"person": pat.uuid}))
    assert roles == [("CM", None), ("PT", "change")]
    assert verify(store) == []


def test_the_improvement_draft_counts_one_incident_and_one_change_in_the_singular():
    """A customer with one incident, one change of a type: the count agrees with its noun, in English
    and in a language whose adjectives agree too ("8 normais", not "8 normal")."""
    from vse_tui import i18n

    rows = [{"customer": "Acme", "incidents": 1, "resolution_met": 1, "resolution_measured": 1, "breached": 1},
            {"customer": "Bolt", "incidents": 3, "resolution_met": 3, "resolution_measured": 3, "breached": 0}]
    data = {"performance": {"rows": rows, "total": {"feedback": {"compliment": 0, "complaint": 0, "comment": 0},
                                                    "changes_failed": 0, "billable_minutes": 0,
                                                    "non_billable_minutes": 0}},
            "complaints": [], "incidents_by_quarter": [], "changes_deployed": {"emergency": 1, "normal": 8},
            "changes_rejected": 0}
    said = improvement._customer_text(data)
    assert "Acme: 1 incident, 100% resolved in time, 1 breached; Bolt: 3 incidents," in said, said
    assert "Changes deployed: 1 emergency, 8 normal;" in improvement._provider_text(data)
    with i18n.using("pt_BR"):
        assert "Acme: 1 incidente, 100% resolvidos no prazo, 1 fora do prazo" in improvement._customer_text(data)
        assert "1 emergencial, 8 normais;" in improvement._provider_text(data)


def test_a_period_of_one_incident_is_said_in_the_singular():
    from vse_tui import i18n
    from vse_tui.core.model.records.relationship import PerformanceReport
    from vse_tui.core.present.display import item_text

    total = {"incidents": 1, "response_met": 1, "response_measured": 1, "resolution_met": 1, "resolution_measured": 1,
             "breached": 0, "reopened": 0}
    data = {"policy": None, "objectives": "", "period": {"label": "2026-11"}, "performance": {"total": total}}
    assert "In 2026-11: 1 incident; response met 100%" in improvement._goals_text(data)
    with i18n.using("fr"):
        assert "En novembre 2026 : 1 incident ; réponse dans le délai 100\u00a0%" in improvement._goals_text(data)
    report = PerformanceReport.model_construct(period_performance={"total": {**total, "changes_deployed": 2}})
    assert item_text(report, "period_performance", {}).startswith("1 incident; response within target 100%")


def test_the_improvement_reports_quarters_are_named_as_the_language_lists_them():
    """Incidents per quarter: "T4 2025 : 0, T1 2026 : 49" in French, not the typed "2025-Q4 0"."""
    from vse_tui import i18n

    data = {"performance": {"rows": [], "total": {"changes_failed": 0, "billable_minutes": 0,
                                                  "non_billable_minutes": 0}},
            "incidents_by_quarter": [{"quarter": "2025-Q4", "incidents": 0}, {"quarter": "2026-Q1", "incidents": 49}],
            "changes_deployed": {}, "changes_rejected": 0}
    with i18n.using("fr"):
        said = improvement._provider_text(data)
    assert "par trimestre : T4 2025 : 0, T1 2026 : 49." in said and "Q4" not in said, said
    with i18n.using("es"):
        assert "4T 2025: 0, 1T 2026: 49." in improvement._provider_text(data)
