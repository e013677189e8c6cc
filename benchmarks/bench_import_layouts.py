"""Importing each layout as the tools write it: rows, tickets, rejected rows and time, and one
month's figures of the performance report against a count made with plain Python from the same file.

    python benchmarks/bench_import_layouts.py [--tickets 5000] [--month 2025-11]

Writes, for each layout, a file of --tickets tickets in the shape that tool exports (quotes doubled
inside values, line breaks in quoted descriptions, BOMs, semicolons, localised headers and words,
ids grouped by thousands, audit-log rows out of order, status words no table knows, Windows-1252
far into the file, close dates only in a duration column), imports it into a new database as
`vse-tui import incidents FILE --yes` does, and prints a table. The plain count reads the file with
the csv module and the layout's own date format: tickets opened in the month, those restored, and
the mean minutes from opening to restoration less the time waiting for the customer. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

MONTHS_ES = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def jira_date(t: datetime, months: list[str]) -> str:
    return f"{t.day:02d}/{months[t.month - 1]}/{t.year % 100:02d} {t.hour % 12 or 12}:{t.minute:02d} " + \
        ("PM" if t.hour >= 12 else "AM")


class Truth:
    """What the file says, kept as it is written: per ticket its opening, restoration, waiting."""

    def __init__(self) -> None:
        self.tickets: dict[str, list] = {}

    def add(self, key: str, opened: datetime, restored: datetime | None, waited: int = 0) -> None:
        self.tickets[key] = [opened, restored, waited]

    def month(self, start: datetime, end: datetime) -> tuple[int, int, int | None]:
        mine = [v for v in self.tickets.values() if start <= v[0] < end]
        done = [max(0, int((r - o).total_seconds() // 60) - w) for o, r, w in mine if r is not None]
        return len(mine), len(done), round(sum(done) / len(done)) if done else None


def start_of(rng: random.Random, base: datetime, span_days: int) -> datetime:
    return (base + timedelta(minutes=rng.randint(0, span_days * 24 * 60))).replace(second=0)


def jira(path: Path, n: int, rng: random.Random, language: str) -> Truth:
    truth = Truth()
    es = language == "es"
    header = (["Resumen", "Clave de incidencia", "ID de la incidencia", "Estado", "Categoría de estado", "Prioridad",
               "Creada", "Actualizada", "Resuelta", "Descripción"] if es else
              ["Summary", "Issue key", "Issue id", "Status", "Status Category", "Priority", "Created", "Updated",
               "Resolved", "Description"])
    words = ([("Listo", "Listo", True), ("Resuelta", "Listo", True), ("En curso", "En curso", False),
              ("UAT", "En curso", False), ("Tareas por hacer", "Por hacer", False)] if es else
             [("Done", "Done", True), ("Resolved", "Done", True), ("In Progress", "In Progress", False),
              ("UAT", "In Progress", False), ("To Do", "To Do", False)])
    months = MONTHS_ES if es else MONTHS_EN
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)  # RFC 4180: a quote inside a value is written twice
        out.writerow(header)
        for i in range(n):
            opened = start_of(rng, datetime(2025, 9, 1), 120)
            status, category, ended = rng.choice(words)
            restored = opened + timedelta(minutes=rng.randint(10, 5000)) if ended else None
            updated = (restored or opened) + timedelta(days=rng.randint(0, 20))  # edits after closing
            out.writerow([f'Printer "{i}" jams, again', f"SD-{i + 1}", 10000 + i, status, category,
                          rng.choice(["High", "Medium", "Low"] if not es else ["Alta", "Media", "Baja"]),
                          jira_date(opened, months), jira_date(updated, months),
                          jira_date(restored, months) if restored else "",
                          'Said "it beeps"\r\nthen "it stops"' if i % 3 == 0 else ""])
            truth.add(f"SD-{i + 1}", opened, restored)
    return truth


def glpi_pt(path: Path, n: int, rng: random.Random) -> Truth:
    truth = Truth()
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["ID", "Título", "Entidade", "Status", "Prioridade", "Data de abertura", "Data de solução",
                      "Data de fechamento", "Última atualização", "Atribuído para - Técnico"])
        for i in range(n):
            number = 1000 + i
            shown = f"{number:,}".replace(",", " ")
            opened = start_of(rng, datetime(2025, 9, 1), 120)
            status = rng.choice(["Fechado", "Solucionado", "Pendente", "Processando (atribuído)", "Novo"])
            restored = opened + timedelta(minutes=rng.randint(10, 5000)) if status in ("Fechado", "Solucionado") \
                else None
            closed = restored + timedelta(hours=rng.randint(1, 48)) if status == "Fechado" and restored else None
            fmt = "%d-%m-%Y %H:%M"
            out.writerow([shown, f'Impressora "{i}" não imprime', "Entidade raiz", status,
                          rng.choice(["Alta", "Média", "Baixa", "Muito alta"]), opened.strftime(fmt),
                          restored.strftime(fmt) if restored else "", closed.strftime(fmt) if closed else "",
                          (opened + timedelta(days=30)).strftime(fmt), "Caio Melo"])
            truth.add(str(number), opened, restored)
    return truth


def otrs_de(path: Path, n: int, rng: random.Random) -> Truth:
    truth = Truth()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["Ticket#", "Titel", "Erstellt", "Geschlossen", "Status", "Priorität", "Queue", "Besitzer"])
        for i in range(n):
            opened = start_of(rng, datetime(2025, 9, 1), 120)
            status = rng.choice(["erfolgreich geschlossen", "offen", "neu", "erfolglos geschlossen"])
            closed = opened + timedelta(minutes=rng.randint(10, 5000)) if "geschlossen" in status else None
            out.writerow([f"2025{i:012d}", f"Drucker {i}", opened.strftime("%Y-%m-%d %H:%M:%S"),
                          closed.strftime("%Y-%m-%d %H:%M:%S") if closed else "", status,
                          rng.choice(["5 sehr hoch", "4 hoch", "3 normal", "2 niedrig", "1 sehr niedrig"]), "Raw",
                          "agent1"])
            truth.add(f"2025{i:012d}", opened, closed)
    return truth


def servicenow_list(path: Path, n: int, rng: random.Random) -> Truth:
    truth = Truth()
    rows = []
    for i in range(n):
        opened = start_of(rng, datetime(2025, 9, 1), 120)
        state = rng.choice(["Closed", "Resolved", "In Progress", "On Hold", "New"])
        seconds = rng.randint(600, 300000)
        restored = opened + timedelta(seconds=seconds) if state in ("Closed", "Resolved") else None
        restored = restored.replace(second=0) if restored else None
        seconds = int((restored - opened).total_seconds()) if restored else ""
        summary = f"Café {i} down" if i == n - 1 else f"Mail {i} bounces"
        rows.append([f"INC{i:07d}", summary, state, "3 - Moderate", opened.strftime("%Y-%m-%d %H:%M:%S"), "", "",
                     seconds, (opened + timedelta(days=25)).strftime("%Y-%m-%d %H:%M:%S")])
        truth.add(f"INC{i:07d}", opened, restored)
    with open(path, "w", newline="", encoding="cp1252") as fh:  # the one accented value is in the last row
        out = csv.writer(fh)
        out.writerow(["number", "short_description", "state", "priority", "opened_at", "resolved_at", "closed_at",
                      "calendar_stc", "sys_updated_on"])
        out.writerows(rows)
    return truth


def servicenow_audit(path: Path, n: int, rng: random.Random) -> Truth:
    truth = Truth()
    fmt = "%d/%m/%Y %H:%M"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["number", "incident_state", "active", "sys_mod_count", "opened_at", "sys_updated_at",
                      "priority", "resolved_at", "closed_at"])
        for i in range(n):
            opened = start_of(rng, datetime(2025, 9, 1), 120)
            t = opened
            events = [("New", t)]
            waited = 0
            for _ in range(rng.randint(0, 3)):
                t += timedelta(minutes=rng.randint(5, 600))
                word = rng.choice(["Active", "Awaiting User Info", "-100"])
                if word == "Awaiting User Info":
                    stay = rng.randint(5, 600)
                    events.append((word, t))
                    t += timedelta(minutes=stay)
                    waited += stay
                    events.append(("Active", t))
                else:
                    events.append((word, t))
            resolved = rng.random() < 0.8
            restored = None
            if resolved:
                t += timedelta(minutes=rng.randint(5, 2000))
                restored = t
                events.append(("Resolved", t))
                if rng.random() < 0.7:
                    events.append(("Closed", t + timedelta(days=5)))
            rows = []
            for count, (word, when) in enumerate(events):
                rows.append([f"INC{i:07d}", word, "false" if word == "Closed" else "true", count,
                             opened.strftime(fmt), when.strftime(fmt), "3 - Moderate",
                             restored.strftime(fmt) if restored and when >= restored else "?",
                             (restored + timedelta(days=5)).strftime(fmt) if word == "Closed" and restored else "?"])
            rng.shuffle(rows)  # the log's rows are not in time order: its sys_mod_count says it
            out.writerows(rows)
            truth.add(f"INC{i:07d}", opened, restored, waited)
    return truth


def sr_log(path: Path, n: int, rng: random.Random) -> Truth:
    truth = Truth()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["SR Number", "Change Date+Time", "Status", "Sub Status", "Impact", "Product"])
        for i in range(n):
            t = start_of(rng, datetime(2025, 9, 1), 120)
            opened = t
            rows = [("Queued", "Awaiting Assignment", t)]
            t += timedelta(minutes=rng.randint(5, 900))  # in the queue: the shop's time, never the customer's
            rows.append(("Accepted", "In Progress", t))
            waited = 0
            if rng.random() < 0.3:
                t += timedelta(minutes=rng.randint(5, 300))
                rows.append(("Parked", "Desk review", t))  # no table knows it: in progress by its place
            if rng.random() < 0.4:
                t += timedelta(minutes=rng.randint(5, 300))
                rows.append(("Accepted", "Wait - User", t))
                stay = rng.randint(5, 600)
                t += timedelta(minutes=stay)
                waited += stay
                rows.append(("Accepted", "In Progress", t))
            restored = None
            if rng.random() < 0.85:
                t += timedelta(minutes=rng.randint(5, 3000))
                restored = t
                rows.append(("Completed", "Resolved", t))
            for status, sub, when in rows:
                out.writerow([f"1-{700000 + i}", when.strftime("%Y-%m-%dT%H:%M:%S"), status, sub, "Medium", "PROD1"])
            truth.add(f"1-{700000 + i}", opened, restored, waited)
    return truth


def jira_log(path: Path, n: int, rng: random.Random) -> Truth:
    truth = Truth()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Issue key", "Summary", "Status", "Priority", "Created", "Updated", "Resolved"])
        for i in range(n):
            opened = start_of(rng, datetime(2025, 9, 1), 120)
            t = opened
            rows = [("Open", t)]
            t += timedelta(minutes=rng.randint(5, 600))
            rows.append(("In Progress", t))
            restored = None
            if rng.random() < 0.8:
                t += timedelta(minutes=rng.randint(5, 3000))
                restored = t
                rows.append(("Resolved", t))
                rows.append(("Closed", t + timedelta(days=2)))
            for status, when in rows:
                out.writerow([f"HD-{i + 1}", f"Laptop {i}", status, "Medium", jira_date(opened, MONTHS_EN),
                              jira_date(when, MONTHS_EN),
                              jira_date(restored, MONTHS_EN) if restored and when >= restored else ""])
            truth.add(f"HD-{i + 1}", opened, restored)
    return truth


LAYOUTS = {
    "Jira, English (list)": ("jira_en.csv", lambda p, n, r: jira(p, n, r, "en")),
    "Jira, Spanish (list)": ("jira_es.csv", lambda p, n, r: jira(p, n, r, "es")),
    "GLPI, pt-BR (BOM, ;, 2 553)": ("glpi_pt.csv", glpi_pt),
    "OTRS/Znuny, German": ("otrs_de.csv", otrs_de),
    "ServiceNow list, cp1252, durations": ("snow_list.csv", servicenow_list),
    "ServiceNow audit log (shuffled)": ("snow_audit.csv", servicenow_audit),
    "SR event log (queue, unknown word)": ("sr_log.csv", sr_log),
    "Jira event log (time in Updated)": ("jira_log.csv", jira_log),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--month", default="2025-11")
    args = parser.parse_args()
    from vse_tui.core.intake.importer import apply, plan_incidents
    from vse_tui.reports import performance
    from vse_tui.store.db import Actor, open_store

    year, month = (int(x) for x in args.month.split("-"))
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    print(f"| file layout | rows | tickets | rejected | time | {args.month}: opened / restored / mean min (import) "
          "| the same by plain Python |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, (file, make) in LAYOUTS.items():
            path = Path(folder) / file
            truth = make(path, args.tickets, random.Random(file))
            store = open_store(Path(folder) / f"{file}.db", Actor(operator="bench"))
            try:
                began = time.perf_counter()
                plan = plan_incidents(store, path, check=False)  # as `--yes` does: built once, while stored
                apply(store, plan)
                took = time.perf_counter() - began
                got = performance.compute(store, performance.parse_period(args.month))["total"]
            finally:
                store.close()
            local = truth.month(start, end)  # the file's times are the shop's local time, as the import reads them
            print(f"| {name} | {plan.rows:,} | {plan.ticket_count:,} | {len(plan.rejected)} | {took:.1f} s | "
                  f"{got['incidents']} / {got['resolved']} / {got['mean_resolve_minutes']} | "
                  f"{local[0]} / {local[1]} / {local[2]} |")


if __name__ == "__main__":
    main()
