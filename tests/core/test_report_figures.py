"""Approved reports agree with the records: the figures a performance or improvement report was
approved with are recomputed for its period, and each figure that differs is named by
`audit check` and `verify`."""

from datetime import UTC, date, datetime

from vse_tui.cli import main
from vse_tui.core.governance import documents
from vse_tui.core.model.records.incident import Incident
from vse_tui.reports import improvement, performance
from vse_tui.reports.figures import audit_findings

SEPTEMBER = performance.Period(date(2026, 9, 1), date(2026, 9, 30), "2026-09")


def _september_incidents(store, n: int) -> None:
    """Incidents of September that reach the records after the reports were approved (a late
    import, or a row written behind the app's back): the approved figures no longer hold."""
    for i in range(n):
        store.add(Incident(summary=f"Printer jam {i}", priority="P3", reporter="Ann",
                           opened_at=datetime(2026, 9, 10 + i, 9, tzinfo=UTC)), task="IN.2.1")


def test_an_approved_report_the_records_contradict_is_named_by_audit_check_and_verify(store, capsys):
    perf = performance.save(store, SEPTEMBER, proposed_actions="Replace the two oldest printers at the office.")
    documents.approve(store, "performance_reports", perf.id)
    imp = improvement.draft(store, SEPTEMBER)
    documents.edit(store, "improvement_reports", imp.id, {"actions": "Buy a spare printer for the front office."})
    documents.approve(store, "improvement_reports", imp.id)
    assert [f for f in audit_findings(store) if f.rule == "report"] == []
    _september_incidents(store, 3)
    found = {f.records[0]: f.what for f in audit_findings(store) if f.rule == "report"}
    assert set(found) == {perf.id, imp.id}
    assert "incidents: 0 in the report, 3 in the records" in found[perf.id]
    assert "priority P3: 0 in the report, 3 in the records" in found[perf.id]
    assert "incidents: 0 in the report, 3 in the records" in found[imp.id]
    db = str(store.path)
    store.close()
    assert main(["--db", db, "audit", "check"]) == 1
    out = capsys.readouterr().out
    assert f"- {perf.id}: approved figures the records contradict: incidents: 0 in the report, 3 in the records" in out
    assert main(["--db", db, "verify"]) == 1
    out = capsys.readouterr().out
    assert f"\n{perf.id}: approved figures the records contradict" in "\n" + out
    assert "[report]" not in out  # what is wrong, in words; the rule's key is for programs


def test_a_report_approved_before_its_period_ended_is_not_held_to_later_records(store):
    perf = performance.save(store, performance.Period(date(2026, 11, 1), date(2026, 11, 30), "2026-11"),
                            proposed_actions="Replace the two oldest printers at the office.")
    documents.approve(store, "performance_reports", perf.id)
    store.add(Incident(summary="Printer jam", priority="P3", reporter="Ann",
                       opened_at=datetime(2026, 11, 26, 9, tzinfo=UTC)), task="IN.2.1")
    assert [f for f in audit_findings(store) if f.rule == "report"] == []


def test_a_performance_reports_title_says_its_period_as_the_language_writes_dates(store):
    """A title made by the app in French: its period's days as French writes them, no ISO span."""
    from vse_tui import i18n

    span = performance.Period(date(2026, 9, 3), date(2026, 12, 3), "2026-09-03..2026-12-03")
    with i18n.using("fr"):
        perf = performance.save(store, span)
    assert perf.title == "Performance du service 03/09/2026 – 03/12/2026, tous les clients", perf.title
    assert performance.save(store, SEPTEMBER).title == "Service performance 2026-09, all customers"


def test_a_stored_day_in_a_list_is_written_as_the_language_writes_dates():
    from vse_tui import i18n
    from vse_tui.screens.common.process import _day

    with i18n.using("fr"):
        assert _day("2026-12-17") == "17/12/2026"
    assert _day("2026-12-17") == "2026-12-17" and _day(None) == ""
