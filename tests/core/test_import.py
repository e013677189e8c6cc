"""Importing incidents from a ServiceNow-like export with bad rows, and from a real event log."""


import pytest

from vse_tui.cli import main
from vse_tui.core.intake.importer import Options, apply, plan_incidents
from vse_tui.core.kernel.dates import DateError, DateReader

SNOW = """number,short_description,opened_at,resolved_at,closed_at,impact,urgency,priority,state,assignment_group,caller_id
INC0010001,Email not syncing on phone,2026-03-02 09:15:00,2026-03-02 11:00:00,2026-03-03 08:00:00,2 - Medium,2 - Medium,3 - Moderate,Closed,Service Desk,Dana Wells
INC0010002,VPN down for all staff,02/03/2026 10:00,?,NULL,1 - High,1 - High,1 - Critical,In Progress,Network,Omar Haddad
INC0010003,,2026-03-04 08:00:00,,,3 - Low,3 - Low,4 - Low,New,Service Desk,Priya Nair
INC0010004,Printer on 2nd floor,2026-02-30 10:00:00,,,2 - Medium,2 - Medium,3 - Moderate,New,Service Desk,Tom Becker
INC0010005,Laptop battery swells,2026-03-05 14:00:00,,,enormous,2 - Medium,,New,Hardware,Lena Vogt
INC0010006,Guest Wi-Fi slow,2026-03-06 16:30:00,2026-03-06 17:00:00,,3 - Low,2 - Medium,,Resolved,Network,Marco Rossi
"""



def test_the_one_date_reader():
    day_first = DateReader.for_values(["11-01-2006 15:49:42", "15-03-2012 11:53:52"])
    assert day_first.day_first and "13/01" in day_first.decided
    assert day_first.read("11-01-2006 15:49:42").isoformat() == "2006-01-11T15:49:42+00:00"  # TZ=UTC in tests
    assert DateReader().read("2026-03-02T09:15:00Z").isoformat() == "2026-03-02T09:15:00+00:00"
    assert not DateReader.for_values(["12/31/2026 8:00 PM"]).day_first
    with pytest.raises(DateError):
        DateReader().read("2026-02-30 10:00:00")
    with pytest.raises(DateError, match="mixes day-first"):
        DateReader.for_values(["13/01/2026", "01/13/2026"])


def test_a_servicenow_like_export_with_bad_rows(store, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(SNOW)
    plan = plan_incidents(store, path)
    reasons = {r.line: r.reason for r in plan.rejected}
    assert sorted(reasons) == [5, 6]
    assert "not a real date" in reasons[5] and "impact: 'enormous' is not high, medium or low" in reasons[6]
    assert apply(store, plan) == 4
    by_ref = {i.external_ref: i for i in store.records("incidents")}
    assert set(by_ref) == {"INC0010001", "INC0010002", "INC0010003", "INC0010006"}
    first = by_ref["INC0010001"]
    assert (first.status, first.state, first.priority, first.reporter) == ("closed", "closed", "P3", "Dana Wells")
    assert first.opened_at.isoformat() == "2026-03-02T09:15:00+00:00"
    assert first.closed_at.isoformat() == "2026-03-03T08:00:00+00:00"
    second = by_ref["INC0010002"]
    assert (second.state, second.priority, second.restored_at, second.closed_at) == ("in progress", "P1", None, None)
    assert second.opened_at.isoformat() == "2026-03-02T10:00:00+00:00"  # 02/03/2026 read day first
    assert by_ref["INC0010003"].summary == "Imported ticket INC0010003"  # no summary: named by its number
    assert by_ref["INC0010006"].state == "restored" and by_ref["INC0010006"].priority == "P4"
    rows = [h for h in store.history() if h["kind"] == "incidents"]
    assert {h["task"] for h in rows} == {"IN.2.1"}  # one row each: a row says how the ticket stands
    assert all(h["via"].startswith("imported:") and h["occurred_at"] for h in rows)
    again = plan_incidents(store, path)
    assert (len(again.tickets), again.skipped_known) == (0, 4)  # never the same ticket twice


def test_an_import_told_to_go_on_builds_each_ticket_once_and_reports_after(store, tmp_path, capsys):
    """--yes: no preview to read first, so the tickets are built, checked and counted while they are
    stored (one walk over the file instead of two); the same incidents, the same rejections."""
    path = tmp_path / "export.csv"
    path.write_text(SNOW)
    checked = plan_incidents(store, path)
    unchecked = plan_incidents(store, path, check=False)
    assert (unchecked.to_import, unchecked.rejected, unchecked.expected()) == (0, [], 6)  # nothing built yet
    assert apply(store, unchecked) == 4
    assert (unchecked.to_import, unchecked.ticket_count, unchecked.rejected_tickets) == (checked.to_import, 6, 2)
    assert [(r.line, r.reason) for r in unchecked.rejected] == [(r.line, r.reason) for r in checked.rejected]
    assert [t.key for t in unchecked.preview] == [t.key for t in checked.preview]
    assert {i.external_ref for i in store.records("incidents")} == {"INC0010001", "INC0010002", "INC0010003",
                                                                      "INC0010006"}
    db = str(tmp_path / "cli.db")
    assert main(["import", "incidents", str(path), "--yes", "--db", db]) == 0
    captured = capsys.readouterr()
    assert "imported 4 incidents; 2 rows rejected (2 tickets not imported)" in captured.out
    assert "to import: 4 tickets" in captured.out and "line 5: " in captured.out  # what was read, shown after
    bad = tmp_path / "bad.csv"
    bad.write_text(SNOW.splitlines()[0] + "\n" + SNOW.splitlines()[4] + "\n")
    assert main(["import", "incidents", str(bad), "--yes", "--db", db]) == 1  # every row rejected: refused
    assert "imported 0 incidents" not in capsys.readouterr().out
    assert main(["incident", "list", "--format", "csv", "--db", db]) == 0
    assert capsys.readouterr().out.count("INC-") == 4  # nothing more stored


def test_the_plan_counts_every_ticket_but_keeps_only_the_keys_met_on_several_rows(store, tmp_path):
    """A file of a million one-row tickets is not held in memory while it is imported: the first
    pass keeps a hash of each key, then a count for the keys of tickets with more rows (the walk
    must know when their last row is read). The counts shown stay whole: tickets, already here,
    rows without a key."""
    head = "Ref,What happened,When,Status\n"
    rows = ["A-1,Server slow,2026-04-01 10:00,New", "A-2,Disk full,2026-04-02 11:00,New",
            "A-1,Server slow,2026-04-01 12:00,Resolved", "A-3,Mail down,2026-04-03 09:00,New",
            ",Printer jams,2026-04-04 09:00,New", ",Scanner lost,2026-04-05 09:00,New"]
    first = tmp_path / "first.csv"
    first.write_text(head + rows[1] + "\n")  # A-2 is here before the file comes
    apply(store, plan_incidents(store, first, options=Options(columns=dict(MAPPED))))
    path = tmp_path / "log.csv"
    path.write_text(head + "\n".join(rows) + "\n")
    plan = plan_incidents(store, path, options=Options(columns=dict(MAPPED)))
    assert dict(plan.reading.key_counts) == {hash("A-1"): 2}  # no key is held; the one-row keys not even counted
    assert (plan.ticket_count, plan.skipped_known, plan.expected(), plan.to_import) == (5, 1, 4, 4)
    assert plan.event_log
    assert apply(store, plan) == 4
    by_ref = {i.external_ref or i.summary: i for i in store.records("incidents")}
    assert by_ref["A-1"].state == "restored"  # its two rows made one incident
    assert {"A-2", "A-3", "Printer jams", "Scanner lost"} <= set(by_ref)
    unchecked = plan_incidents(store, path, options=Options(columns=dict(MAPPED)), check=False)
    assert apply(store, unchecked) == 0  # everything here now
    assert (unchecked.ticket_count, unchecked.skipped_known) == (5, 5)


def test_tickets_stored_while_a_preview_was_read_are_not_stored_twice(store, tmp_path):
    """Two people import the same export at once: the one who read the preview first stores only
    what the other did not (asked of the database as it stores, not from a list of every key)."""
    path = tmp_path / "export.csv"
    path.write_text(SNOW)
    previewed = plan_incidents(store, path)  # the first person reads the preview...
    assert previewed.to_import == 4
    half = tmp_path / "half.csv"
    half.write_text("\n".join(SNOW.splitlines()[:3]) + "\n")  # ...while the other imports the first two
    assert apply(store, plan_incidents(store, half, check=False)) == 2
    assert apply(store, previewed) == 2  # the other two
    assert sorted(i.external_ref for i in store.records("incidents")) == ["INC0010001", "INC0010002", "INC0010003",
                                                                          "INC0010006"]


MAPPED = {"Ref": "ref", "What happened": "summary", "When": "opened_at", "Status": "state"}


def test_the_cli_dry_run_stores_nothing_and_a_map_fixes_a_column(tmp_path, capsys):
    path = tmp_path / "sheet.csv"
    path.write_text("Ref;What happened;When\nA-1;Server slow;2026-04-01 10:00\nA-2;Disk full;2026-04-02 11:00\n")
    db = str(tmp_path / "x.db")
    assert main(["import", "incidents", str(path), "--dry-run", "--db", db,
                 "--map", "Ref=ref", "--map", "What happened=summary", "--map", "When=opened_at"]) == 0
    assert "to import: 2" in capsys.readouterr().out  # the preview on standard output
    assert not (tmp_path / "x.db").exists()  # a dry run creates nothing
    assert main(["incident", "list", "--format", "json", "--db", db]) == 1
    assert main(["import", "incidents", str(path), "--db", db, "--map", "What happened=summary",
                 "--map", "When=opened_at", "--map", "Ref=ref"]) == 1  # no terminal, no --yes: refused
    assert main(["import", "incidents", str(path), "--yes", "--db", db, "--map", "What happened=summary",
                 "--map", "When=opened_at", "--map", "Ref=ref"]) == 0
    assert "imported 2 incidents" in capsys.readouterr().out
    assert main(["import", "incidents", str(path), "--map", "Nope=summary", "--db", db]) == 1


def test_keys_already_here_are_asked_as_the_file_is_read_and_colliding_hashes_lose_nothing(store, tmp_path,
                                                                                           monkeypatch):
    """The first pass asks the database which keys are here a few thousand at a time (2 here); two
    keys whose hashes collide (all of them, here) only make their tickets finish at the end."""
    from vse_tui.core.intake import importer

    head = "Ref,What happened,When,Status\n"
    rows = ["A-1,Server slow,2026-04-01 10:00,New", "A-2,Disk full,2026-04-02 11:00,New",
            "A-1,Server slow,2026-04-01 12:00,Resolved", "A-3,Mail down,2026-04-03 09:00,New",
            "A-4,VPN drops,2026-04-03 10:00,New", "A-2,Disk full,2026-04-02 15:00,Resolved"]
    path = tmp_path / "log.csv"
    path.write_text(head + "\n".join(rows) + "\n")
    monkeypatch.setattr(importer, "ASK_EVERY", 2)
    monkeypatch.setattr(importer, "hash", lambda key: 7, raising=False)  # every key the same hash
    plan = plan_incidents(store, path, options=Options(columns=dict(MAPPED)))
    assert (plan.ticket_count, plan.to_import) == (4, 4)  # one distinct hash: the tickets are still whole
    assert apply(store, plan) == 4
    by_ref = {i.external_ref: i for i in store.records("incidents")}
    assert (by_ref["A-1"].state, by_ref["A-2"].state, by_ref["A-3"].state) == ("restored", "restored", "new")
    again = plan_incidents(store, path, options=Options(columns=dict(MAPPED)), check=False)
    assert again.reading.named_known == 4  # all four asked, two at a time, and found here
    assert apply(store, again) == 0
    assert (again.ticket_count, again.skipped_known) == (4, 4)
