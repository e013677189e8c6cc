"""A report or the audit pack in the assessor's language, asked for after the command
(`vse-tui audit-pack --out pack --lang fr`): every word the pack writes in that language, dates
and numbers as it writes them, what is stored (titles, ids, codes a program reads) as it is; and
what tools read (JSON, CSV of lists) the same in every language, moments in UTC ISO 8601."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from vse_tui import i18n
from vse_tui.cli import main

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$")
MONTH = "wp/WP.18-2026-10.md"  # the demo shop's incidents opened in October 2026
LOCAL_MOMENT = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")


def _cells(markdown: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in markdown.splitlines() if line.startswith("| ")]


def _listing(page: str) -> dict[str, list[str]]:
    """The records' table of a work product's page: id -> its row."""
    return {re.match(r"\[([A-Z]+-\d+)\]", row[0]).group(1): row for row in _cells(page)
            if re.match(r"\[[A-Z]+-\d+\]\(", row[0])}


@pytest.fixture(scope="module")
def packs(demo_packs):
    """The demo shop's pack in English and in French (tests/cli/conftest.py)."""
    return demo_packs


def _page(packs, language: str, name: str) -> str:
    return (packs / language / name).read_text(encoding="utf-8")


def test_the_pack_speaks_the_language_asked_after_the_command(packs):
    assert '<html lang="fr">' in _page(packs, "fr", "index.html")
    assert '<html lang="en">' in _page(packs, "en", "index.html")
    assert _page(packs, "fr", "index.md").startswith("# Dossier d'audit")

    # the incidents' pages: one per month, named as French writes a month
    assert "[octobre 2026](../wp/WP.18-2026-10.md)" in _page(packs, "fr", "wp/WP.18.md")
    assert "[October 2026](../wp/WP.18-2026-10.md)" in _page(packs, "en", "wp/WP.18.md")
    # a month's incidents: a status and a state as the standard's French names, dates as French writes them
    en, fr = _listing(_page(packs, "en", MONTH)), _listing(_page(packs, "fr", MONTH))
    assert en.keys() == fr.keys()
    closed = next(ref for ref, row in en.items() if row[2] == "closed")
    assert fr[closed][2:4] == ["clôturé", "clôturé"]
    assert fr[closed][1] == en[closed][1]  # the title as it was typed
    assert LOCAL_MOMENT.fullmatch(fr[closed][5]) and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", en[closed][5])
    assert {row[2] for row in fr.values()} <= {"ouvert", "mis à jour", "clôturé"}

    # a record's content items by their French labels; the work product's statuses and items too
    page = _page(packs, "fr", MONTH)
    assert "| Résumé \\* |" in page and "| Délai de résolution |" in page
    assert "| summary" not in page and "time to resolve minutes" not in page
    assert "Statuts : ouvert, mis à jour, clôturé." in _page(packs, "fr", "wp/WP.18.md")
    assert "| statut | clôturé · clôturé |" in page

    # the evidence map: a task's state, and the statuses its inputs and outputs need
    tasks = _cells(_page(packs, "fr", "evidence-map.md"))
    states = {row[1].strip("*") for row in tasks[1:] if re.match(r"[A-Z]{2}\.\d\.\d ", row[0])}
    assert states and states <= {"faite", "faite en partie", "non commencée", "périmée"}
    assert "WP.01 Buts et objectifs d'affaires : approuvé (oui)" in _page(packs, "fr", "evidence-map.md")

    # people: their affiliation and state
    roles = _page(packs, "fr", "roles.md")
    assert "| interne |" in roles and "| actif |" in roles and "| internal |" not in roles

    # approvals: what each meant and how it was given
    agreements = _page(packs, "fr", "wp/WP.03.md")
    assert "| approuvé |" in agreements and "comment : courriel" in agreements


def test_english_pack_keeps_its_words(packs):
    assert "| summary \\* |" in _page(packs, "en", MONTH)
    assert "Statuses: opened, updated, closed." in _page(packs, "en", "wp/WP.18.md")
    assert "| internal |" in _page(packs, "en", "roles.md")


def test_a_report_in_another_language_after_the_command(demo_db, capsys):
    assert main(["report", "performance", "--period", "2026-Q3", "--db", str(demo_db), "--lang", "pt_BR"]) == 0
    out = capsys.readouterr().out
    assert "Período de 01/07/2026 a 30/09/2026" in out
    assert re.search(r"\| \d+h \d{2}min \|", out) and not re.search(r"\d+h \d{2}m \|", out)
    assert main(["report", "performance", "--period", "2026-Q3", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "Period 2026-07-01 to 2026-09-30" in out and re.search(r"\| \d+h \d{2}m \|", out)
    assert main(["report", "improvement", "--period", "2026", "--db", str(demo_db), "--lang", "es"]) == 0
    deployed = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Cambios desplegados"))
    assert "normal" in deployed and "emergencia" in deployed and "emergency" not in deployed


def test_the_help_of_a_report_says_its_language_may_be_the_assessors(capsys):
    for command in (["audit-pack"], ["report", "performance"], ["report", "audit"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        assert "the assessor's rather than the shop's" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        main(["incident", "list", "--help"])
    assert "assessor" not in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["audit-pack", "--help", "--lang", "es"])
    assert "el del evaluador y no el de la empresa" in " ".join(capsys.readouterr().out.split())


LISTS = [["incident", "list"], ["change", "list"], ["ci", "list"], ["people", "list"], ["roles", "list"],
         ["attachments", "AGR-0001"]]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_what_tools_read_is_the_same_in_every_language(demo_db, capsys, fmt):
    """JSON and CSV of the lists are for programs: keys, codes and moments (UTC ISO 8601, as stored)
    whatever the language; the table is for people and speaks theirs."""
    for command in LISTS:
        said = {}
        for language in ("en", "es", "pt_BR", "fr"):
            assert main([*command, "--db", str(demo_db), "--format", fmt, "--lang", language]) == 0, command
            said[language] = capsys.readouterr().out
        assert said["es"] == said["pt_BR"] == said["fr"] == said["en"], command
    assert main(["incident", "list", "--db", str(demo_db), "--format", fmt, "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    rows = json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))
    moments = [r["opened_at"] for r in rows] + [r["closed_at"] for r in rows if r["closed_at"]]
    assert moments and all(ISO_MOMENT.match(m) for m in moments), moments[:3]
    assert main(["incident", "list", "--db", str(demo_db), "--lang", "fr", "--limit", "3"]) == 0
    table = capsys.readouterr().out
    assert LOCAL_MOMENT.search(table) and not re.search(r"\d{4}-\d{2}-\d{2}", table)


@pytest.mark.parametrize("lang, heading", [("en", "why"), ("fr", "pourquoi"), ("es", "por qué")])
def test_the_audit_report_says_why_for_each_task(demo_db, capsys, lang, heading):
    """`report audit` (Markdown) has the "why" column of the screen and the pack: each check of a
    task, kept (✓) or not (✗), in the language asked."""
    from vse_tui.core.evidence.tasks import evidence_map
    from vse_tui.store import Actor, open_store

    assert main(["report", "audit", "--db", str(demo_db), "--lang", lang]) == 0
    out = capsys.readouterr().out
    heads = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line and "GO." not in line
             and "CO." not in line and "RE." not in line and "IN." not in line]
    assert heads and all(line.split(" | ")[2] == heading for line in heads), heads
    i18n.set_language(lang)
    try:
        tasks = evidence_map(open_store(demo_db, Actor(operator="t", os_user="t", host="t")))
        rows = {line.split(" | ")[0][2:].split()[0]: line.split(" | ") for line in out.splitlines()
                if line.startswith("| ") and line[2:4] in ("GO", "CO", "RE", "IN")}
        assert len(rows) == 40
        for t in tasks:
            why = rows[t.task][2]
            assert all((("✓ " if w.ok else "✗ ") + w.text.split("\n")[0]) in why for w in t.why), (t.task, why)
        assert any("✗ " in row[2] for row in rows.values()) and any("✓ " in row[2] for row in rows.values())
    finally:
        i18n.set_language("en")


def test_the_pack_names_roles_rules_and_entries_in_words(packs):
    """What is stored as a code or a table's name is shown by its name: the roles (SM, PT:incident),
    the role-combination rules an acknowledgement answers, the change schedule's entries."""
    roles = _page(packs, "fr", "roles.md")
    for code in ("control-and-incident", "manager-and-practitioner"):
        assert code not in roles and code not in _page(packs, "fr", "other/acknowledgements.md")
    assert "| ACK-0001 | Le gestionnaire du contrôle et le gestionnaire des incidents devraient être des personnes " \
           "différentes |" in roles
    warnings = [row for row in _cells(roles) if row[0].startswith("Un gestionnaire ne devrait pas")]
    assert warnings and warnings[0][2] == "Gestionnaire des incidents et Praticien des incidents", warnings
    assert not re.search(r"\([^()|]*\(", roles)  # no bracket inside a bracket
    # a table of roles or of approvals says each role by its name, never its code
    codes = re.compile(r"\b(SM|CM|IM|RM|PT|MGT|SUP|CUS)\b(?![.-])")
    for name in ("roles.md", "other/role_assignments.md", "other/acknowledgements.md", "wp/WP.12.md", "wp/WP.08.md"):
        found = [line for line in _page(packs, "fr", name).splitlines() if codes.search(line)]
        assert not found, (name, found[:3])
    assignments = _listing(_page(packs, "fr", "other/role_assignments.md"))
    assert "Alex Moreau : Praticien des changements" in [row[1] for row in assignments.values()]
    evidence = _page(packs, "fr", "evidence-map.md")
    assert "par un titulaire du rôle Gestionnaire des services ou Fournisseur" in evidence
    assert "<br>Fournisseur : 2 fournisseurs" in evidence and not codes.search(evidence.replace("WP.", "")), \
        codes.findall(evidence)[:5]
    # the change schedule's entries: how many, where they are, never the table they live in
    schedule = _page(packs, "fr", "wp/WP.12.md")
    assert "schedule_items" not in schedule.replace("](../other/schedule_items.md)", "")
    assert re.search(r"\| Entrées \| \[\d+ entrées, chacune un enregistrement à part entière : Entrées du calendrier\]"
                     r"\(\.\./other/schedule_items\.md\) \|", schedule)
