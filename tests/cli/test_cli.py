import json
import os
import re
import sqlite3
import subprocess
import sys

import pytest

from vse_tui import i18n
from vse_tui.cli import main
from vse_tui.store.columns import SCHEMA_VERSION


def run(*args, input=None):
    """The real command in a child process, as a user or a cron job would run it."""
    return subprocess.run([sys.executable, "-m", "vse_tui", *args], capture_output=True, text=True,
                          input=input, env=os.environ.copy(), timeout=120)


def test_core_store_reports_and_cli_never_import_textual():
    """Every module below the screens, found by walking the packages (none listed by hand)."""
    code = ("import sys, pkgutil, importlib, vse_tui\n"
            "for info in pkgutil.walk_packages(vse_tui.__path__, 'vse_tui.'):\n"
            "    if info.name.split('.')[1] in ('core', 'store', 'reports', 'cli', 'demo', 'config', 'paths'):\n"
            "        importlib.import_module(info.name)\n"
            "print(len([m for m in sys.modules if m.startswith('vse_tui.')]), 'textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, loaded = out.stdout.split()
    assert int(count) > 40 and loaded == "False"


def test_incident_add_path_never_imports_textual(tmp_path):
    code = ("import sys; from vse_tui.cli import main; "
            f"main(['incident', 'add', 'Mail down', '--db', {str(tmp_path / 'x.db')!r}]); "
            "print('textual' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "INC-0001"
    assert out.stderr.strip().endswith("False")


def test_the_tui_start_builds_the_top_level_parser_only(capsys):
    """`vse-tui` with options and no command opens the TUI: no command module is loaded for it (they
    import the reports, the mail code, the importers); help and a mistyped command still get the
    whole command line."""
    code = ("import sys; from vse_tui.cli import _parse; args = _parse(['--db', 'x.db', '--as', 'Kim Lee']); "
            "print(getattr(args, 'func', None), args.db, args.as_person, "
            "[m for m in sys.modules if m.startswith('vse_tui.cli.') and m != 'vse_tui.cli.common'], sep='|')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None|x.db|Kim Lee|[]"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "audit-pack" in capsys.readouterr().out
    assert main(["--db", "x.db", "incidnet"]) == 2
    assert "incident" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as ex:
        main(["--version"])
    assert ex.value.code == 0
    assert capsys.readouterr().out.startswith("vse-tui ")


def test_db_is_accepted_before_or_after_the_subcommand(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "incident", "add", "First"]) == 0
    assert main(["incident", "add", "Second", "--db", db]) == 0
    assert capsys.readouterr().out.split() == ["INC-0001", "INC-0002"]
    assert main(["--db", db, "incident", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["summary"] for r in rows] == ["Second", "First"]


def test_the_env_variable_chooses_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VSE_TUI_DB", str(tmp_path / "env" / "vse.db"))
    assert main(["incident", "add", "Via env"]) == 0
    assert (tmp_path / "env" / "vse.db").exists()


def test_usage_errors_exit_2_with_one_line(capsys):
    assert main(["incident", "add"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SUMMARY" in err
    assert main(["no-such-command"]) == 2


def test_refused_input_exits_1_with_one_line_and_no_traceback(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    res = run("incident", "list", "--db", str(text))
    assert res.returncode == 1
    assert "not an SQLite file" in res.stderr and "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1
    assert text.read_text() == "not a database"


def test_future_schema_is_refused_with_exit_1(tmp_path):
    db = tmp_path / "future.db"
    assert main(["incident", "add", "x", "--db", str(db)]) == 0
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = db.read_bytes()
    res = run("export", "--db", str(db))
    assert res.returncode == 1 and "newer vse-tui" in res.stderr and "Traceback" not in res.stderr
    assert db.read_bytes() == before


def test_standard_json_prints_the_whole_model(capsys):
    assert main(["standard", "--json"]) == 0
    model = json.loads(capsys.readouterr().out)
    assert set(model) >= {"processes", "activities", "tasks", "roles", "work_products"}
    assert len(model["tasks"]) == 40 and len(model["work_products"]) == 21
    try:  # as text: each task with the roles that perform it, by their names in the language spoken
        assert main(["--lang", "fr", "standard"]) == 0
    finally:
        i18n.set_language("en")
    text = capsys.readouterr().out
    assert "    CO.2.4  Construire le changement  (Praticien)\n" in text, text
    assert not re.search(r"\b(SM|CM|IM|RM|PT|MGT|CUS|SUP)\b", text)


def test_demo_then_export_gives_the_records_of_every_process(demo_db, tmp_path, capsys):
    """The demo as of the tests' day (the shared copy: `vse-tui demo` itself is run by test_demo)."""
    db = str(demo_db)
    out = tmp_path / "export.json"
    assert main(["export", "--format", "json", "--db", db, "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["exported_at"].endswith("+00:00")
    records = doc["records"]
    for key in ("WP.18", "WP.11", "WP.02", "WP.10", "WP.03", "WP.21", "WP.06", "WP.08", "WP.14", "WP.15"):
        assert records[key], key
    assert {"people", "customers", "suppliers", "role_assignments", "history"} <= set(records)
    assert len(records["WP.18"]) == 301 and len(records["WP.10"]) == 5  # 300 lived and one from the front desk and len(records["customers"]) == 4
    inc = records["WP.18"][0]
    for key in ("id", "uuid", "status", "version", "opened_at", "restored_at", "closed_at"):
        assert key in inc
    assert {r["status"] for r in records["WP.18"]} == {"opened", "updated", "closed"}
    assert {r["priority"] for r in records["WP.18"]} == {"P1", "P2", "P3", "P4", "P5"}
    assert {r["change_type"] for r in records["WP.11"]} == {"normal", "emergency", "pre-approved"}
    assert {r["status"] for r in records["WP.11"]} == {"draft", "approved", "rejected", "updated"}
    assert all(r["status"] in ("approved", "updated") for r in records["WP.14"])
    # written as read, without a model per record, yet the same document the models give
    from vse_tui.reports.export import export_document
    from vse_tui.store.db import open_store

    with open_store(db) as store:
        whole = json.loads(json.dumps(export_document(store)))
    assert {k: v for k, v in doc.items() if k != "exported_at"} == {k: v for k, v in whole.items() if k != "exported_at"}


def test_demo_refuses_to_replace_records_without_yes(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["incident", "add", "Real work", "--db", db]) == 0
    assert main(["demo", "--no-open", "--db", db]) == 1
    assert "holds a shop's records, not a demo" in capsys.readouterr().err
    assert main(["incident", "list", "--db", db, "--format", "json"]) == 0
    assert [r["summary"] for r in json.loads(capsys.readouterr().out)] == ["Real work"]


def test_list_limit_and_csv(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    for i in range(3):
        main(["incident", "add", f"n{i}", "--db", db])
    capsys.readouterr()
    assert main(["incident", "list", "--db", db, "--format", "json", "--limit", "2"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["incident", "list", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,") and len(lines) == 4


def test_a_long_list_is_printed_as_it_is_read(tmp_path, capsys, monkeypatch):
    """`incident list` never holds the whole list: JSON is written item by item (the same text as
    one array), a table takes its column widths from its first rows and cuts longer cells below."""
    from vse_tui.cli import common

    db = str(tmp_path / "x.db")
    for summary in ("Short", "Tiny", "A much longer summary than the first two"):
        main(["incident", "add", summary, "--db", db])
    capsys.readouterr()
    assert main(["incident", "list", "--db", db, "--format", "json", "--sort", "oldest"]) == 0
    text = capsys.readouterr().out
    items = json.loads(text)
    assert [i["summary"] for i in items] == ["Short", "Tiny", "A much longer summary than the first two"]
    assert text == json.dumps(items, ensure_ascii=False, indent=1) + "\n"
    monkeypatch.setattr(common, "TABLE_SAMPLE", 2)
    assert main(["incident", "list", "--db", db, "--sort", "oldest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ID", "PRIORITY", "STATE"] and len(lines) == 4
    assert "A much" in lines[3] and "first two" not in lines[3]  # cut at the width of the first rows
    assert main(["incident", "list", "--db", db, "--format", "json", "--status", "closed"]) == 0
    assert capsys.readouterr().out == "[]\n"


def test_incident_add_loads_only_what_it_needs(tmp_path):
    """The capture path stays quick: no Textual, no sqlite-utils on a current schema, one model module."""
    db = str(tmp_path / "x.db")
    assert main(["incident", "add", "first", "--db", db]) == 0
    code = ("import sys; from vse_tui.cli import main; "
            f"main(['incident', 'add', 'Mail down', '--db', {db!r}]); "
            "print(sorted(m for m in sys.modules if m.startswith(('textual', 'sqlite_utils', 'vse_tui.core.model.records.'))),"
            " file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "INC-0002"
    assert out.stderr.strip().splitlines()[-1] == ("['vse_tui.core.model.records.base', 'vse_tui.core.model.records.incident', "
                                                   "'vse_tui.core.model.records.registry']")


def test_pydantic_plugins_are_off_unless_the_environment_says_otherwise():
    """We use no pydantic plugins: pydantic skips its scan of installed packages for them, unless
    the environment names plugins to use."""
    code = "import os, vse_tui; print(os.environ['PYDANTIC_DISABLE_PLUGINS'])"
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "__all__"
    env["PYDANTIC_DISABLE_PLUGINS"] = "some_plugin"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "some_plugin"


def test_people_add_and_roles_check(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["roles", "check", "--db", db]) == 1  # read-only: a missing database is not made
    assert "no vse-tui database" in capsys.readouterr().err and not (tmp_path / "x.db").exists()
    assert main(["export", "--db", db, "--out", str(tmp_path / "e.json")]) == 1
    assert main(["incident", "add", "first", "--db", db]) == 0
    assert main(["roles", "check", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "A Service Manager is required"
    assert main(["people", "add", "Kim Lee", "--email", "kim@x.example", "--roles", "SM,CM,IM", "--db", db]) == 0
    assert capsys.readouterr().out.split()[0] == "PER-0001"
    assert main(["roles", "check", "--db", db]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    # the roles by their names, never their codes (SM is English in every language)
    assert out == ["Kim Lee: One person writes and approves every document (Service Manager, Control Manager "
                   "and Incident Manager)",
                   "Kim Lee: Control Manager and Incident Manager should be different people"]  # named once
    assert main(["people", "add", "Sam", "--roles", "CM:change", "--db", db]) == 1
    assert main(["roles", "list", "--format", "json", "--db", db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["roles"]) for r in rows] == [("Kim Lee", "SM CM IM")]
    assert main(["people", "add", "Sam Ortiz", "--roles", "IM,PT:incident", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--lang", "fr", "roles", "check", "--db", db]) == 0
    said = capsys.readouterr().out
    # a practitioner's area inside the warning's brackets, with no bracket of its own; no role code
    assert "Sam Ortiz : Un gestionnaire ne devrait pas être aussi praticien dans le même domaine (Gestionnaire des " \
           "incidents et Praticien des incidents)" in said, said
    assert not re.search(r"\([^()]*\(", said) and not re.search(r"\b(SM|CM|IM|PT)\b", said), said


def test_report_audit_json_on_an_empty_database(tmp_path, capsys):
    from vse_tui.store import open_store

    open_store(tmp_path / "x.db").close()
    assert main(["report", "audit", "--format", "json", "--db", str(tmp_path / "x.db")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["tasks"]) == 40
    assert {t["state"] for t in doc["tasks"]} == {"not started"}
    first = doc["tasks"][0]
    assert set(first) >= {"task", "state", "inputs", "outputs", "evidence", "rule", "why"}
    assert "performed by a holder of" in first["rule"]
    assert first["why"] and not any(w["ok"] for w in first["why"]) and "nothing recorded" in first["why"][0]["text"]
    assert doc["summary"]["all"] == {"done": 0, "tasks": 40}


def test_audit_check_says_what_is_wrong_first_then_the_rule_then_the_records(demo_db, capsys):
    """An assessor reads the problem first: each heading says what is wrong (not the rule that
    holds), the rule under it, what to do next, then the records that break it."""
    from vse_tui.core.evidence.audit_check import PROBLEMS, RULES

    assert set(PROBLEMS) == set(RULES)
    assert main(["audit", "check", "--db", str(demo_db)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    at = lines.index("## Agreements approved without their customer's or supplier's acceptance (1)")
    assert lines[at + 1:at + 4] == ["Rule: an approved agreement was accepted by its customer or supplier.",
                                    "Next: record the other party's acceptance on the agreement's screen (a, meaning: "
                                    "accepted by the customer or by the supplier), with the e-mail or the scan that "
                                    "shows it.",
                                    "- SAG-0002: approved, but never accepted by the supplier in this version"]
    assert lines[1] == "7 findings. Each heading says what is wrong, then the rule and the records that break it."
    assert main(["audit", "check", "--format", "json", "--db", str(demo_db)]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    agreement = next(f for f in found if f["rule"] == "agreement")
    assert agreement["problem"] == "Agreements approved without their customer's or supplier's acceptance"
    assert agreement["rule_text"] == "an approved agreement was accepted by its customer or supplier"
    assert agreement["next"].startswith("record the other party's acceptance")


def test_changes_cis_and_feedback_from_the_command_line(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    csv_file = tmp_path / "assets.csv"
    csv_file.write_text("name,type,location\nNAS,hardware,Office\nRouter,router,Office\n,software,\n", encoding="utf-8")
    assert main(["import", "cis", str(csv_file), "--dry-run", "--db", db]) == 0
    out = capsys.readouterr().out  # the preview on standard output, to be kept with > preview.txt
    assert "to import: 2; rejected: 1" in out and "line 4: name is empty" in out
    assert main(["import", "cis", str(csv_file), "--db", db]) == 1  # no terminal, no --yes: nothing stored
    assert "nothing was stored" in capsys.readouterr().err
    assert main(["import", "cis", str(csv_file), "--yes", "--db", db]) == 0
    assert "imported 2 configuration items; 1 row rejected" in capsys.readouterr().out
    assert main(["ci", "list", "--format", "json", "--db", db]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["id"], i["name"], i["type"]) for i in items] == [("CI-0001", "NAS", "hardware"), ("CI-0002", "Router", "network")]

    assert main(["change", "add", "Swap NAS disk", "--ci", "CI-0001", "--type", "emergency", "--db", db]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "CHG-0001" and "emergency" in out.err
    assert main(["change", "add", "Laptop", "--type", "pre-approved", "--db", db]) == 1
    assert "full normal path" in capsys.readouterr().err
    assert main(["change", "list", "--format", "csv", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,uuid,title,type,status,state") and lines[1].startswith("CHG-0001,")
    assert main(["change", "list", "--scheduled", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "(none)"

    assert main(["feedback", "add", "Quick fix, thanks", "--type", "compliment", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "FB-0001"


def test_serve_stays_local_unless_confirmed(tmp_path, capsys, monkeypatch):
    import builtins

    assert main(["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "SSH tunnel" in err and "not serving on 0.0.0.0" in err
    real_import = builtins.__import__

    def no_textual_serve(name, *args, **kwargs):
        if name.startswith("textual_serve"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_textual_serve)
    assert main(["serve", "--db", str(tmp_path / "x.db")]) == 1
    assert "pip install 'vse-tui[web]'" in capsys.readouterr().err


def test_each_command_parsed_alone_knows_all_its_actions():
    """The quick parser of one command (built for its speed) offers what the whole parser does:
    `vse-tui feedback --help` lists `answer`, `change --help` lists `notify`; the parser of an action
    that has a module of its own (`incident notify`, `incident show`) knows that action."""
    import argparse

    from vse_tui.cli import ACTIONS, COMMANDS, build_parser

    def actions(parser, command):
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        inner = sub.choices[command]
        found = [a for a in inner._actions if isinstance(a, argparse._SubParsersAction)]
        return sorted(found[0].choices) if found else []

    whole = build_parser()
    for command in COMMANDS:
        assert actions(build_parser(only=command), command) == actions(whole, command), command
    for (command, action) in ACTIONS:
        assert action in actions(build_parser(only=command, action=action), command), (command, action)


def test_a_command_without_its_action_lists_every_action(capsys):
    """`vse-tui feedback --help` lists `answer`, `change --help` lists `notify`, although the
    quick parsers of the group's other actions leave them out (they load the mail code)."""
    import re

    from vse_tui.cli import main

    for command, action in (("feedback", "answer"), ("change", "notify"), ("incident", "notify"),
                            ("incident", "show"), ("import", "incidents")):
        try:
            main([command, "--help"])
        except SystemExit:
            pass
        listed = capsys.readouterr().out
        assert re.search(rf"^ +{action}\b", listed, re.MULTILINE), (command, action, listed)


def test_a_command_after_the_database_option_loads_only_its_own_modules(tmp_path):
    """`vse-tui --db PATH incident list` is read as the command `incident` (not the path): only
    the modules of that command are loaded, as with the options after it."""
    import subprocess
    import sys

    code = ("import sys; from vse_tui.cli import main; "
            f"main(['--db', {str(tmp_path / 'shop.db')!r}, 'incident', 'list']); "
            "print('vse_tui.cli.governance' in sys.modules, 'vse_tui.reports.audit_pack' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False False", out.stdout + out.stderr


def test_listing_incidents_loads_neither_the_importer_nor_the_mail_code(tmp_path):
    """`vse-tui incident list` loads what a list needs: not the CSV importer (`import incidents`),
    not the mailer or mail intake (`incident notify`, `mail ...`), not the evidence behind
    `incident show`'s next step, not pydantic's models (the states' names come from the light data
    module); the commands that need them still find them."""
    import subprocess
    import sys

    heavy = ["vse_tui.core.intake.importer", "vse_tui.mailer", "vse_tui.core.intake.mail_intake",
             "vse_tui.core.evidence.next_step", "vse_tui.store.maintenance", "pydantic"]
    db = str(tmp_path / "shop.db")
    added = subprocess.run([sys.executable, "-m", "vse_tui", "--db", db, "incident", "add", "Printer down"],
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    code = ("import sys; from vse_tui.cli import main; "
            f"code = main(['--db', {db!r}, 'incident', 'list']); "
            f"print(code, [m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "Printer down" in out.stdout, out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr
    for line in (["import", "incidents", "--help"], ["incident", "notify", "--help"], ["incident", "show", "--help"]):
        shown = subprocess.run([sys.executable, "-m", "vse_tui", *line], capture_output=True, text=True, timeout=120)
        assert shown.returncode == 0 and "usage:" in shown.stdout, shown.stdout + shown.stderr
