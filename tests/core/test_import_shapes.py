"""Exports as the tools write them, in the languages they are used in: RFC 4180 quotes, BOMs,
semicolons, localised headers and words, ids grouped by thousands, audit logs whose rows carry
their own time, status words no table knows. Each test checks the records, their dates and the
performance report's figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from vse_tui.cli import main
from vse_tui.core.intake.importer import Options, apply, plan_incidents
from vse_tui.reports import performance
from vse_tui.store.chain import verify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def imported(store, name: str, **options):
    plan = plan_incidents(store, FIXTURES / name, options=Options.parse(**options) if options else None)
    apply(store, plan)
    return plan


def report(store, month: str) -> dict:
    return performance.compute(store, performance.parse_period(month))["total"]


def states(store, uuid: str) -> list[tuple[str, str]]:
    return [(h["new_value"], h["occurred_at"][:16]) for h in store.history(uuid) if h["field"] == "state"]


def test_jira_in_spanish_with_doubled_quotes_and_a_custom_status(store):
    plan = imported(store, "jira_es.csv")
    assert plan.layout == "Jira Service Management (Spanish)" and not plan.rejected
    assert (plan.rows, plan.to_import) == (4, 4)  # no phantom row from a quote or a line break in a value
    printer = store.get("incidents", "SOP-11")
    assert printer.details == 'Dice "atasco" en la bandeja 2\r\ny se apaga'  # "" is a quote; CRLF kept
    assert (printer.state, printer.priority, printer.source_status) == ("closed", "P2", "Listo")
    assert printer.opened_at == at("2025-11-10 16:51") and printer.restored_at == at("2025-11-10 18:21")
    assert printer.closed_at == at("2025-11-10 18:21")  # Resolved, not the later Updated
    vpn = store.get("incidents", "SOP-12")
    assert vpn.summary == 'VPN cae cada "hora"' and vpn.priority == "P1"
    assert (vpn.state, vpn.source_status) == ("in progress", "UAT")  # its Status Category says In Progress
    assert ("UAT", "in progress", "the tool's own category (En curso)") in plan.placed
    assert store.get("incidents", "SOP-13").state == "waiting for customer"
    assert store.get("incidents", "SOP-14").state == "new"
    november = report(store, "2025-11")
    assert (november["incidents"], november["resolved"], november["mean_resolve_minutes"]) == (2, 1, 90)
    assert verify(store) == []


def test_glpi_in_portuguese_with_a_bom_semicolons_and_grouped_ids(store, capsys):
    plan = imported(store, "glpi_pt_br.csv")
    assert plan.layout == "GLPI (Portuguese (Brazil))" and not plan.rejected and plan.delimiter == ";"
    assert "byte order mark" in plan.encoding
    shop = store.get("incidents", "2553")  # found by the number GLPI shows as "2 553"
    assert (shop.summary, shop.state, shop.priority, shop.impact) == ("Impressora não imprime", "closed", "P2",
                                                                      "medium")
    assert (shop.opened_at, shop.restored_at, shop.closed_at) == (
        at("2025-11-03 09:15"), at("2025-11-03 11:45"), at("2025-11-04 08:00"))  # never the later update
    assert store.get("incidents", "2554").state == "restored" and store.get("incidents", "2554").priority == "P1"
    erp = store.get("incidents", "2555")
    assert (erp.summary, erp.state) == ('Senha do "ERP" expirou', "waiting for customer")
    monitor = store.get("incidents", "2556")
    assert monitor.state == "in progress" and "Assigned to: Bia Nunes" in monitor.details  # the technician kept
    november = report(store, "2025-11")
    assert (november["incidents"], november["resolved"], november["mean_resolve_minutes"]) == (4, 2, 120)
    assert main(["incident", "show", "2553", "--format", "json", "--db", str(store.path)]) == 0
    assert json.loads(capsys.readouterr().out)["external_ref"] == "2553"


def test_otrs_priorities_are_read_by_their_words(store):
    plan = imported(store, "otrs_de.csv")
    assert plan.layout == "OTRS/Znuny (German)" and not plan.rejected
    printer = store.get("incidents", "2025110310000011")
    assert (printer.priority, printer.state, printer.closed_at) == ("P1", "closed", at("2025-11-03 12:40"))
    assert store.get("incidents", "2025110310000022").priority == "P2"  # "4 hoch" is high, not P4
    assert store.get("incidents", "2025110310000033").priority == "P4"  # "2 niedrig" is low
    assert report(store, "2025-11")["by_priority"]["P1"] == 1


def test_a_servicenow_audit_log_keeps_each_rows_time(store, capsys):
    plan = imported(store, "servicenow_audit.csv")
    assert plan.layout == "ServiceNow (audit log)" and not plan.rejected and plan.rejected_tickets == 0
    assert plan.event_time.startswith("'sys_updated_at'")
    first = store.get("incidents", "INC0000045")  # its rows are not in time order in the file
    assert (first.state, first.reopened) == ("closed", 0)  # no false reopen from the row order
    assert first.opened_at == at("2016-02-29 01:16") and first.responded_at == at("2016-02-29 01:26")
    assert (first.restored_at, first.closed_at) == (at("2016-02-29 11:29"), at("2016-03-05 12:00"))
    assert states(store, first.uuid) == [("in progress", "2016-02-29T01:26"), ("restored", "2016-02-29T11:29"),
                                         ("closed", "2016-03-05T12:00")]
    odd = store.get("incidents", "INC0000047")  # an odd state word (-100) drops nothing: placed by its place
    assert (odd.state, odd.restored_at) == ("restored", at("2016-03-01 11:00"))
    assert odd.waiting_minutes == 120  # Awaiting User Info, 09:00 to 11:00
    assert ("-100", "in progress", "the tool's own category (true)") in plan.placed  # its active column
    february = report(store, "2016-02")
    assert (february["incidents"], february["resolved"]) == (2, 2)
    assert february["mean_resolve_minutes"] == round(((11 * 60 + 29 - 76) + (30 * 60 + 20 - 120)) / 2)
    assert verify(store) == [] and store.history_going_back() == []


def test_an_event_log_in_jiras_columns_takes_its_time_from_updated(store):
    plan = imported(store, "jira_event_log.csv")
    assert plan.event_time.startswith("'Updated' (changes within 2 of 2 tickets, never goes back)")
    hd1 = store.get("incidents", "HD-1")
    assert (hd1.responded_at, hd1.restored_at, hd1.closed_at) == (
        at("2026-03-02 09:30"), at("2026-03-02 13:00"), at("2026-03-03 10:00"))
    hd2 = store.get("incidents", "HD-2")
    assert (hd2.state, hd2.restored_at, hd2.waiting_minutes) == ("restored", at("2026-03-03 16:00"), 120)
    march = report(store, "2026-03")
    assert (march["incidents"], march["resolved"], march["reopened"]) == (2, 2, 0)
    assert march["mean_resolve_minutes"] == round((240 + (480 - 120)) / 2)


def test_queue_states_never_wait_for_the_customer_and_unknown_words_are_placed(store, capsys):
    plan = imported(store, "incident_log_sr.csv")
    assert plan.layout == "a ticket event log (one row per status change)" and not plan.rejected
    one = store.get("incidents", "1-500001")
    assert one.waiting_minutes == 0  # Awaiting Assignment sits in the queue: the shop's clock runs
    assert states(store, one.uuid) == [("in progress", "2026-02-02T09:00"), ("restored", "2026-02-02T11:00")]
    assert one.opened_at == at("2026-02-02 07:00") and one.restored_at == at("2026-02-02 11:00")
    history = [h["new_value"] for h in store.history(one.uuid) if h["field"] == "source_status"]
    assert "Parked / Desk review" in history  # the word kept in its history
    assert ("Parked / Desk review", "in progress",
            "its place in the ticket's events (after opening, before a resolution)") in plan.placed
    # the hint the preview gives, pasted, says where the word goes
    again = plan_incidents(store, FIXTURES / "incident_log_sr.csv",
                           options=Options.parse(map_values=["state:Parked / Desk review=waiting for customer"],
                                                 update=True))
    assert not again.placed and "Parked / Desk review -> waiting for customer" in again.values_used["state"]
    two = store.get("incidents", "1-500002")
    assert (two.waiting_minutes, two.responded_at) == (0, at("2026-02-03 12:00"))
    february = report(store, "2026-02")
    assert (february["resolved"], february["mean_resolve_minutes"]) == (2, round((240 + 300) / 2))


def test_a_windows_1252_character_far_into_the_file_and_said_encodings(store, tmp_path):
    path = tmp_path / "snow.csv"
    lines = ["number,short_description,state,opened_at,resolved_at,closed_at,calendar_stc,sys_updated_on"]
    for n in range(3000):  # 3000 plain rows first: past the first 64 KiB
        lines.append(f"INC{n:07d},Printer jam number {n} on the second floor,Closed,2026-01-05 09:00:00,"
                     f"2026-01-05 10:00:00,2026-01-06 10:00:00,3600,2026-01-20 10:00:00")
    lines.append("INC9999999,Caf\xe9 till \u201cdown\u201d,Closed,2026-01-05 09:00:00,,,5400,2026-01-30 10:00:00")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    assert path.stat().st_size > 1 << 16
    plan = plan_incidents(store, path)
    assert plan.encoding.startswith("Windows-1252") and not plan.rejected
    apply(store, plan)
    cafe = store.get("incidents", "INC9999999")
    assert cafe.summary == "Café till \u201cdown\u201d"
    # no close column filled: the tool's own duration (calendar_stc, seconds) gives it, not the update
    assert (cafe.restored_at, cafe.closed_at) == (at("2026-01-05 10:30"), at("2026-01-05 10:30"))
    said = plan_incidents(store, path, options=Options.parse(encoding="latin-1", update=True))
    assert said.encoding == "iso8859-1 (--encoding)"


def test_a_row_that_does_not_fit_its_header_is_an_error_never_a_phantom_row(store, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text('Issue key,Summary,Created\nA-1,Fine,2026-01-05 10:00\nA-2,Cut "short, 2026-01-06 10:00,x\n'
                    "A-3,Also fine,2026-01-07 10:00,\n", encoding="utf-8")
    plan = plan_incidents(store, path)
    assert [t.key for t in plan.tickets] == ["A-1", "A-3"]  # a trailing empty column is no error
    assert [(r.line, "the row has 4 values where the header names 3 columns" in r.reason)
            for r in plan.rejected] == [(3, True)]


def test_update_mends_an_earlier_import_as_new_versions_and_every_import_makes_a_backup(tmp_path, capsys):
    db = tmp_path / "shop.db"
    sheet = tmp_path / "export.csv"
    sheet.write_text("Issue key,Summary,Status,Priority,Created,Resolved\n"
                     "M-1,Mail down,Open,Low,2026-04-01 09:00,\n", encoding="utf-8")
    assert main(["import", "incidents", str(sheet), "--yes", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "backup before the import: " in out
    backups = sorted(tmp_path.glob("shop-backup-*-before-import*.db"))
    assert len(backups) == 1 and str(backups[0]) in out
    sheet.write_text("Issue key,Summary,Status,Priority,Created,Resolved\n"
                     "M-1,Mail down,Resolved,High,2026-04-01 09:00,2026-04-01 12:00\n"
                     "M-2,VPN,Open,Low,2026-04-02 09:00,\n", encoding="utf-8")
    assert main(["import", "incidents", str(sheet), "--yes", "--db", str(db)]) == 0
    assert "already imported (skipped; --update brings them up to date): 1" in capsys.readouterr().out
    assert main(["import", "incidents", str(sheet), "--yes", "--update", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "brought up to date: 1 already imported" in out
    assert len(list(tmp_path.glob("shop-backup-*-before-import*.db"))) == 3
    from vse_tui.store.db import open_store

    store = open_store(db)
    try:
        mended = store.get("incidents", "M-1")
        assert (mended.state, mended.priority, mended.restored_at, mended.version) == (
            "restored", "P2", at("2026-04-01 12:00"), 2)
        rows = {h["field"]: (h["old_value"], h["new_value"], h["via"]) for h in store.history(mended.uuid)
                if h["version"] == 2}
        assert rows["priority"][:2] == ("P4", "P2") and rows["state"][:2] == ("new", "restored")
        assert rows["state"][2].endswith("(--update)")
        assert report(store, "2026-04")["resolved"] == 1 and verify(store) == []
    finally:
        store.close()


def test_audit_check_never_blames_the_source_for_a_date_it_has(store):
    from vse_tui.core.evidence.audit_check import audit_check

    imported(store, "jira_event_log.csv")  # its times are in Updated and Resolved: every date taken
    dates = [f.what for f in audit_check(store) if f.rule == "imported" and " at " in f.what]
    assert dates == []
    imported(store, "osticket.csv")  # a list with no close date: left empty, and said without blame
    dates = [f for f in audit_check(store) if f.rule == "imported" and " at " in f.what]
    assert dates and all("tool they came from" not in f.what and "--update" in f.what for f in dates)


def test_every_tool_and_language_of_the_data_is_recognised_from_its_own_header():
    from vse_tui.core.intake.layouts import LANGUAGES, LAYOUTS, detect

    seen = set()
    for layout in LAYOUTS:
        header = [names[0] for names in layout.known_by]
        header += [cols[0] for cols in layout.columns.values() if cols and cols[0] not in header]
        found = detect(header)
        assert found is not None and (found.name, found.variant) == (layout.name, layout.variant), layout.title
        if found.language != layout.language:  # two languages writing the very same header: either reads it
            assert {"pt-BR", "pt-PT"} >= {found.language, layout.language}, (layout.title, found.title)
        seen.add((layout.name, layout.language))
    tools = {name for name, _ in seen}
    assert len(tools) == 10 and all((tool, lang) in seen for tool in tools - {"a ticket event log (one row per "
                                                                             "status change)"} for lang in LANGUAGES)


def test_ids_grouped_by_thousands_and_utf16_without_a_bom(store, tmp_path):
    path = tmp_path / "glpi_fr.csv"
    path.write_bytes(("ID;Titre;Statut;Priorité;Date d'ouverture;Date de résolution\n"
                      "2.553;Écran noir;Résolu;Haute;03/11/2025 09:15;03/11/2025 10:00\n"
                      "12,554;Réseau lent;En cours (Attribué);Très haute;13/11/2025 14:00;\n").encode("utf-16-le"))
    plan = plan_incidents(store, path)
    assert plan.layout == "GLPI (French)" and plan.encoding.startswith("UTF-16") and not plan.rejected
    apply(store, plan)
    screen = store.get("incidents", "2553")
    assert (screen.summary, screen.state, screen.priority, screen.restored_at) == (
        "Écran noir", "restored", "P2", at("2025-11-03 10:00"))
    assert (store.get("incidents", "12554").state, store.get("incidents", "12554").priority) == ("in progress", "P1")
    assert report(store, "2025-11")["mean_resolve_minutes"] == 45


def test_a_date_column_with_no_evidence_reads_as_the_files_other_date_columns(store, tmp_path):
    path = tmp_path / "ost.csv"
    path.write_text("Ticket Number,Date Created,Subject,Current Status,Last Updated,Closed Date\n"
                    "700,11/26/26 9:30 AM,Printer,Closed,12/03/26 8:00 AM,12/01/26 10:00 AM\n", encoding="utf-8")
    plan = plan_incidents(store, path)
    assert plan.dates["closed_at"].startswith("month-first, as the file's other date columns say")
    apply(store, plan)
    assert store.get("incidents", "700").closed_at == at("2026-12-01 10:00")  # December the 1st, not January the 12th
