"""Moving in from the tool a shop uses now: each tool's default export imports with no options;
an event log keeps its story; nothing is ever imported twice; rejections name their own row."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vse_tui.cli import main
from vse_tui.core.intake import importer
from vse_tui.core.intake.importer import Options, apply, plan_incidents
from vse_tui.store.chain import verify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
BPIC = Path(__file__).resolve().parents[3] / "shared" / "data" / "bpic2013-problems-events.csv"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def imported(store, name: str, **options) -> importer.ImportPlan:
    plan = plan_incidents(store, FIXTURES / name, options=Options.parse(**options) if options else None)
    apply(store, plan)
    return plan


# tool -> (layout, tickets, {key: (priority, state, status)})
TOOLS = {
    "jira_service_management.csv": ("Jira Service Management", 5, {
        "ITSD-101": ("P2", "restored", "updated"), "ITSD-102": ("P1", "waiting for customer", "updated"),
        "ITSD-103": ("P3", "closed", "closed"), "ITSD-104": ("P5", "in progress", "updated"),
        "ITSD-105": ("P4", "closed", "closed")}),
    "servicenow.csv": ("ServiceNow", 4, {
        "INC0010001": ("P3", "closed", "closed"), "INC0010002": ("P1", "restored", "updated"),
        "INC0010003": ("P5", "new", "opened"), "INC0010004": ("P4", "waiting for customer", "updated")}),
    "zammad.csv": ("Zammad", 4, {
        "31001": ("P3", "closed", "closed"), "31002": ("P2", "in progress", "updated"),
        "31003": ("P4", "waiting for customer", "updated"), "31004": ("P3", "closed", "closed")}),
    "glpi.csv": ("GLPI", 4, {
        "1205": ("P2", "restored", "updated"), "1206": ("P1", "closed", "closed"),
        "1207": ("P4", "in progress", "updated"), "1208": ("P3", "waiting for customer", "updated")}),
    "freshdesk.csv": ("Freshdesk", 3, {
        "501": ("P1", "restored", "updated"), "502": ("P3", "closed", "closed"),
        "503": ("P4", "waiting for supplier", "updated")}),
    "osticket.csv": ("osTicket", 3, {
        "684113": ("P3", "in progress", "updated"), "684114": ("P1", "closed", "closed"),
        "684115": ("P4", "restored", "updated")}),
    "request_tracker.tsv": ("Request Tracker", 4, {
        "9001": ("P2", "closed", "closed"), "9002": ("P3", "in progress", "updated"),
        "9003": ("P4", "waiting for customer", "updated"), "9004": ("P4", "new", "opened")}),
    "itop.csv": ("iTop", 4, {
        "I-000121": ("P4", "closed", "closed"), "I-000122": ("P1", "restored", "updated"),
        "I-000123": ("P3", "in progress", "updated"), "I-000124": ("P4", "waiting for customer", "updated")}),
}


@pytest.mark.parametrize("name", TOOLS)
def test_each_tools_default_export_imports_with_no_options(store, name):
    from vse_tui.core.model.records import Customer

    for customer in ("Acme Bakery", "Bolt Logistics"):
        store.add(Customer(name=customer))
    layout, count, expected = TOOLS[name]
    plan = imported(store, name)
    assert plan.layout == layout and not plan.rejected
    assert store.count("incidents") == count
    for key, (priority, state, status) in expected.items():
        inc = store.get("incidents", key)  # found by the key it had in the tool
        assert (inc.priority, inc.state, inc.status) == (priority, state, status), key
        assert inc.external_ref == key and inc.opened_at is not None
        if name == "osticket.csv" and state in ("restored", "closed"):  # its list has no such dates: none guessed
            assert (inc.restored_at, inc.closed_at) == (None, None), key
            continue
        if state in ("restored", "closed"):
            assert inc.restored_at is not None and inc.restored_at >= inc.opened_at, key
        if state == "closed":
            assert inc.closed_at is not None and inc.closed_at >= inc.restored_at, key
    assert verify(store) == []
    assert plan.no_close_date == (1 if name == "osticket.csv" else 0)
    again = plan_incidents(store, FIXTURES / name)
    assert (len(again.tickets), again.skipped_known) == (0, count)  # never twice


def test_dates_as_each_tool_writes_them(store):
    imported(store, "jira_service_management.csv")
    jira = store.get("incidents", "ITSD-101")
    assert jira.opened_at == at("2012-10-09 14:50") and jira.restored_at == at("2012-10-09 16:40")  # 09/Oct/12 2:50 PM
    closed = store.get("incidents", "ITSD-103")
    # Closed: Jira's Resolved is its close; the later Updated (an edit after closing) is never taken
    assert closed.opened_at == at("2013-01-13 08:40") and closed.closed_at == at("2013-01-13 11:15")
    imported(store, "request_tracker.tsv")
    rt = store.get("incidents", "9001")
    assert rt.opened_at == at("2026-11-05 09:30") and rt.responded_at == at("2026-11-05 09:45")  # C time stamps
    imported(store, "osticket.csv")
    ost = store.get("incidents", "684114")
    assert ost.opened_at == at("2026-11-13 16:45")  # 11/13/26 4:45 PM: month-first, decided by 13
    imported(store, "zammad.csv")
    assert store.get("incidents", "31002").responded_at == at("2026-05-05 06:41")  # ISO with Z


def test_an_event_log_keeps_its_story(store):
    from vse_tui.reports import performance

    plan = imported(store, "event_log.csv")
    assert plan.event_log and plan.ticket_count == 3 and plan.rows == 16
    t1 = store.get("incidents", "T-1")
    assert t1.opened_at == at("2026-02-01 09:00") and t1.responded_at == at("2026-02-01 09:20")
    assert t1.restored_at == at("2026-02-01 13:00")  # the first resolution, not the last
    assert (t1.reopened, t1.state, t1.closed_at) == (1, "closed", at("2026-02-03 09:00"))  # the last closure
    assert t1.waiting_minutes == 120  # waited for the customer from 10:00 to 12:00
    t2 = store.get("incidents", "T-2")
    assert (t2.restored_at, t2.reopened, t2.closed_at) == (at("2026-02-05 12:00"), 1, at("2026-02-07 15:00"))
    t3 = store.get("incidents", "T-3")
    assert (t3.state, t3.waiting_since, t3.responded_at) == ("waiting for customer", at("2026-02-10 10:00"),
                                                               at("2026-02-10 09:45"))
    # the history tells it: each change a row, when it happened there, who did it
    rows = [h for h in store.history(t1.uuid) if h["field"] == "state"]
    assert [(h["new_value"], h["occurred_at"][:16], h["operator"]) for h in rows] == [
        ("in progress", "2026-02-01T09:20", "Sam Ortiz"), ("waiting for customer", "2026-02-01T10:00", "Sam Ortiz"),
        ("in progress", "2026-02-01T12:00", "Sam Ortiz"), ("restored", "2026-02-01T13:00", "Sam Ortiz"),
        ("in progress", "2026-02-02T08:00", "Alex Moreau"), ("restored", "2026-02-02T09:30", "Alex Moreau"),
        ("closed", "2026-02-03T09:00", "Alex Moreau")]
    report = performance.compute(store, performance.parse_period("2026-02"))
    assert report["total"]["reopened"] == 2 and report["total"]["incidents"] == 3
    assert verify(store) == [] and store.history_going_back() == []


def test_people_of_the_export_are_matched_to_the_shops(store):
    from vse_tui.core.governance.roles import add_person

    sam, _ = add_person(store, "Sam Ortiz", roles="PT:incident")
    imported(store, "event_log.csv")
    t3 = store.get("incidents", "T-3")
    first = [h for h in store.history(t3.uuid) if h["field"] == "state"][0]
    assert first["person"] == sam.uuid and first["via"].startswith("imported:")
    assert t3.assignee == sam.uuid  # still open: Sam has it


def test_a_file_without_keys_imported_twice_adds_nothing(store, tmp_path):
    rows = tmp_path / "sheet.csv"
    rows.write_text("Title,Opened,Priority\nPrinter jam,2026-03-01 09:00,High\nMail down,2026-03-02 10:00,Low\n"
                    "Printer jam,2026-03-05 11:00,High\n", encoding="utf-8")
    plan = plan_incidents(store, rows)
    assert not plan.keyed and any("fingerprinted" in n for n in plan.notes)
    assert apply(store, plan) == 3
    again = plan_incidents(store, rows)
    assert (len(again.tickets), again.skipped_known) == (0, 3)
    rows.write_text(rows.read_text() + "VPN drops,2026-03-06 08:00,Medium\n", encoding="utf-8")
    assert apply(store, plan_incidents(store, rows)) == 1  # only the new row


def test_a_bad_value_in_a_middle_row_is_reported_at_that_row(store, tmp_path):
    log = tmp_path / "log.csv"
    lines = (FIXTURES / "event_log.csv").read_text().splitlines()
    lines[5] = lines[5].replace("01-02-2026 13:00:00", "01-02-2026 25:99:00")  # line 6 of the file, ticket T-1
    lines[10] = lines[10].replace(";Low;", ";Whatever;")  # line 11, ticket T-2
    log.write_text("\n".join(lines) + "\n")
    plan = plan_incidents(store, log)
    assert [(r.line, r.reason.split(":")[0]) for r in plan.rejected] == [(6, "event time"), (11, "impact")]
    assert "'01-02-2026 25:99:00'" in plan.rejected[0].reason and "'Whatever'" in plan.rejected[1].reason
    assert [t.key for t in plan.tickets] == ["T-3"] and plan.rejected_tickets == 2
    assert all(r.reason.count("line") == 0 for r in plan.rejected)  # "line 2: line 2: ..." no more


def test_map_value_ignore_dates_and_rejects_from_the_command_line(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Key,Title,Opened,Priority,Status,Secret\nA-1,Printer jam,03/04/2026 09:00,Top,open,pw1\n"
                     "A-2,Mail down,03/05/2026 10:00,Low,Parked,pw2\nA-3,VPN,31/31/2026 10:00,Low,open,pw3\n",
                     encoding="utf-8")
    assert main(["import", "incidents", str(sheet), "--dry-run", "--db", db]) == 0
    out = capsys.readouterr().out  # the preview: on standard output
    assert "priority: 'Top' is not a priority we know" in out
    # an unknown status word drops nothing: placed, said, and the hint never closes
    assert "'Parked' -> in progress" in out and "--map-value 'state:Parked=waiting for customer'" in out
    assert "=closed" not in out and "to import: 1 tickets" in out
    assert not Path(db).exists()
    assert main(["import", "incidents", str(sheet), "--yes", "--db", db, "--map", "Key=ref",
                 "--map-value", "priority:Top=P1", "--map-value", "state:Parked=waiting for customer",
                 "--ignore", "Secret", "--dates", "month-first", "--rejects", str(tmp_path / "rejects.csv")]) == 0
    out = capsys.readouterr().out
    assert "ignored columns: Secret" in out and "dates in 'Opened': month-first (--dates)" in out
    assert "backup before the import: " in out
    with open(tmp_path / "rejects.csv", newline="") as fh:
        rejected = list(csv.DictReader(fh))
    assert [(r["Key"], r["vse-tui line"]) for r in rejected] == [("A-3", "4")]
    assert "31/31/2026" in rejected[0]["vse-tui reason"]
    assert main(["incident", "show", "A-1", "--format", "json", "--db", db]) == 0
    import json

    shown = json.loads(capsys.readouterr().out)
    assert (shown["priority"], shown["opened_at"][:10]) == ("P1", "2026-03-04")  # April the 3rd was not read
    assert main(["incident", "show", "A-2", "--format", "json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "waiting for customer"


def test_a_broken_csv_is_refused_in_one_line(store, tmp_path):
    cases = {
        "quote.csv": (b'summary,opened\n"Printer jam,2026-11-01 10:00\nMail down,2026-11-02 10:00\n', "never closed"),
        "binary.csv": (b"summary,opened\n\x00\x01 junk,2026-11-01\n", "binary data"),
        "huge.csv": (b"summary,opened\n" + b'"' + b"x" * (1 << 21) + b'",2026-11-01\n', "longer than 1 MiB"),
    }
    for name, (content, said) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(importer.InputError, match=said):
            plan_incidents(store, path)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("summary,opened\nDrucker klemmt,2026-11-01 10:00\n".encode("utf-16"))
    assert [t.initial["summary"] for t in plan_incidents(store, utf16).tickets] == ["Drucker klemmt"]
    years = tmp_path / "years.csv"
    years.write_text("summary,opened\nOld,0001-01-01 10:00\nFuture,9999-12-31 23:59\nGood,2026-11-01 10:00\n")
    plan = plan_incidents(store, years)
    assert [(r.line, "out of range" in r.reason) for r in plan.rejected] == [(2, True), (3, True)]


@pytest.mark.skipif(not BPIC.exists(), reason="the real event log is not on this machine")
def test_the_real_event_log(store):
    """The real log, where it is beside the project (never copied into it): the fixture
    event_log.csv is written in its shape, so the same layout is tried in every run."""
    plan = plan_incidents(store, BPIC)
    assert plan.event_log and (plan.rows, plan.ticket_count, len(plan.rejected)) == (6660, 1487, 0)
    assert apply(store, plan) == 1487
    first = store.get("incidents", "1-109135791")
    assert first.opened_at.isoformat() == "2006-01-11T15:49:42+00:00" and first.state == "closed"
    assert plan_incidents(store, BPIC).skipped_known == 1487
    incidents = store.records("incidents")
    assert sum(i.reopened for i in incidents) == 81  # Completed followed by more work, counted from the file
    assert all(i.restored_at and i.restored_at <= (i.closed_at or i.restored_at) for i in incidents if i.closed_at)
    assert verify(store) == []


def test_the_layouts_table_in_the_docs_names_every_layout():
    from vse_tui.core.intake.layouts import LAYOUTS

    readme = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text()
    for layout in LAYOUTS:
        assert layout.name in readme, layout.name
    assert os.path.exists(FIXTURES / "event_log.csv")


def test_a_file_of_bad_rows_keeps_few_in_memory_and_writes_every_one(tmp_path, monkeypatch, capsys):
    import csv as csvmod

    from vse_tui.cli import main
    from vse_tui.core.intake import importer

    monkeypatch.setattr(importer, "KEEP_REJECTED_VALUES", 3)
    source = tmp_path / "bad.csv"
    with open(source, "w", newline="", encoding="utf-8") as fh:
        w = csvmod.writer(fh)
        w.writerow(["Issue key", "Summary", "Created"])
        w.writerow(["ITSD-1", "Good one", "2026-01-05 10:00"])
        for n in range(2, 12):
            w.writerow([f"ITSD-{n}", f"Bad {n}", f"not a date {n}"])
    rejects = tmp_path / "rejects.csv"
    assert main(["import", "incidents", str(source), "--dry-run", "--rejects", str(rejects),
                 "--db", str(tmp_path / "x.db")]) == 0
    with open(rejects, newline="", encoding="utf-8") as fh:
        rows = list(csvmod.reader(fh))[1:]
    assert [r[0] for r in rows] == [f"ITSD-{n}" for n in range(2, 12)]  # every one, with its values
    assert all(r[2] == f"not a date {n}" for r, n in zip(rows, range(2, 12)))
    from vse_tui.store.db import open_memory_store

    plan = importer.plan_incidents(open_memory_store(), source)
    assert sum(1 for r in plan.rejected if r.values) == 3 and len(plan.rejected) == 10
