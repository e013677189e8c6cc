"""The steps a person takes have their commands: training met and renewed (IN.1.1, IN.1.2), a
potential problem marked (IN.1.3), a change along its path, a setup step."""

from vse_tui.cli import main
from vse_tui.core.governance import process as gov
from vse_tui.store import Actor, open_store


def _shop(path):
    from vse_tui.core.governance.roles import add_person

    store = open_store(path, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    kim, _ = add_person(store, "Kim Lee", roles="SM,CM,MGT,PT:incident", os_user="kim")
    store.actor = store.actor.as_person(kim.uuid, kim.name)
    gov.save_roles(store, [(kim.uuid, "Kim Lee", "", "SM,CM,MGT,PT:incident")], gov.approval(store, None))
    needs = [(a.uuid, "Service management foundation", "") for a in store.records("role_assignments")]
    gov.save_resources(store, needs, "Foundation course for everyone", gov.approval(store, None))
    store.close()


def test_training_met_and_renewed_and_a_potential_problem_from_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    assert main(["--db", db, "training", "met", "TRN-0001", "--on", "2026-11-20", "--due", "2027-11-20"]) == 0
    assert main(["--db", db, "training", "renew", "TRN-0001", "--due", "2028-11-20"]) == 0
    assert main(["--db", db, "incident", "add", "Backups fail every night"]) == 0
    assert main(["--db", db, "incident", "problem", "INC-0001", "--root-cause", "The NAS disk is nearly full"]) == 0
    out = capsys.readouterr().out
    assert "TRN-0001: training recorded as met on 2026-11-20 (IN.1.1)" in out
    assert "TRN-0001: competence renewed, due again 2028-11-20 (IN.1.2)" in out
    store = open_store(tmp_path / "shop.db", Actor(operator="Kim Lee"))
    try:
        trn = store.get("training", "TRN-0001")
        assert (str(trn.due_on), trn.state) == ("2028-11-20", "met")
        assert [h["task"] for h in store.history(trn.uuid) if h["field"] == "due_on"] == ["IN.1.1", "IN.1.2"]
        inc = store.get("incidents", "INC-0001")
        assert inc.problem and inc.root_cause == "The NAS disk is nearly full" and inc.status == "updated"
        assert {h["task"] for h in store.history(inc.uuid) if h["field"] == "problem"} == {"IN.1.3"}
    finally:
        store.close()
    assert main(["--db", db, "incident", "problem", "INC-0001"]) == 1  # once is enough
    assert "already a potential problem" in capsys.readouterr().err


def test_change_show_and_ci_show_print_the_record_and_refuse_another_kind(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    assert main(["--db", db, "record", "add", "configuration_items", "--set", "name=NAS at the front desk",
                 "--set", "ci_type=hardware"]) == 0
    assert main(["--db", db, "change", "add", "Replace the NAS disk", "--ci", "CI-0001",
                 "--purpose", "The disk is nearly full"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "change", "show", "CHG-0001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CHG-0001  Replace the NAS disk") and "The disk is nearly full" in out
    assert "CI-0001 NAS at the front desk" in out
    assert main(["--db", db, "ci", "show", "CI-0001"]) == 0
    assert capsys.readouterr().out.startswith("CI-0001  NAS at the front desk")
    assert main(["--db", db, "change", "show", "CI-0001"]) == 1  # another kind: said, not shown
    captured = capsys.readouterr()
    assert captured.out == "" and "CI-0001" in captured.err


def test_incident_show_ends_with_the_next_step_and_its_command(tmp_path, capsys, monkeypatch):
    """`incident show` says what the incident needs next, decided as the incident screen decides it
    (core/evidence/next_step.py), with the command that does it; in Spanish too."""
    from vse_tui import i18n

    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    assert main(["--db", db, "incident", "add", "Backups fail every night", "--reporter", "Ana"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "incident", "show", "INC-0001"]) == 0
    out = capsys.readouterr().out
    assert "next: IN.2.2 classify it (vse-tui incident classify INC-0001)" in out, out
    assert main(["--db", db, "incident", "classify", "INC-0001", "--category", "backup"]) == 0
    capsys.readouterr()
    try:
        assert main(["--db", db, "--lang", "es", "incident", "show", "INC-0001"]) == 0
    finally:
        i18n.set_language("en")
    out = capsys.readouterr().out
    # classified without an item (a backup job is no configuration item here): IN.2.2 is done, the
    # next step is the notice
    with i18n.using("es"):
        wanted = i18n._("next: IN.2.3 notify the affected party ({command})").format(
            command="vse-tui incident notified INC-0001")
    assert wanted.startswith("siguiente: IN.2.3") and wanted in out and "siguiente: IN.2.2" not in out, out
    assert main(["--db", db, "incident", "show", "INC-0001", "--format", "json"]) == 0
    assert "next" not in capsys.readouterr().out.split('"history"')[0]  # JSON: the record as stored


def test_a_kind_of_record_mistyped_is_said_with_the_kinds_there_are(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    assert main(["--db", db, "record", "add", "ci", "--set", "name=Router"]) == 1
    err = capsys.readouterr().err
    assert "unknown kind of record 'ci'; the kinds are:" in err and "configuration_items" in err, err
    assert "unexpected" not in err and "KeyError" not in err


def test_incident_show_names_the_items_and_people_inside_a_stored_list(tmp_path, capsys, monkeypatch):
    """The history of `incident show` names the items a classification linked (a stored list), as
    the incident screen does: never a bare id."""
    import re

    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    assert main(["--db", db, "record", "add", "configuration_items", "--set", "name=NAS at the front desk",
                 "--set", "ci_type=hardware"]) == 0
    assert main(["--db", db, "incident", "add", "Backups fail every night"]) == 0
    assert main(["--db", db, "incident", "classify", "INC-0001", "--category", "backup", "--ci", "CI-0001"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "incident", "show", "INC-0001"]) == 0
    out = capsys.readouterr().out
    assert "CI-0001 NAS at the front desk" in out, out
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", out), out


def test_dates_are_typed_as_the_language_writes_them(tmp_path, capsys, monkeypatch):
    """Dates are shown as 15/12/2026 in Portuguese, Spanish and French: they are read that way too
    (a change's date needed, a training's due date), ISO still; a wrong one says what is expected."""
    from vse_tui import i18n

    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    try:
        assert main(["--db", db, "--lang", "pt_BR", "change", "add", "Trocar o roteador", "--needed", "15/12/2026"]) == 0
        assert main(["--db", db, "--lang", "pt_BR", "change", "add", "Outro", "--needed", "35/12/2026"]) == 1
        assert "25/12/2026" in capsys.readouterr().err  # the example of what is expected
        with i18n.using("es"):
            store = open_store(tmp_path / "shop.db", Actor(operator="Kim Lee"))
            kim = store.records("people")[0]
            store.actor = store.actor.as_person(kim.uuid, kim.name)
            try:
                need = [(a.uuid, "Gestión de servicios", "31/12/2027") for a in store.records("role_assignments")][:1]
                gov.save_resources(store, need, "Curso para todos", gov.approval(store, None))
                due = [str(t.due_on) for t in store.records("training") if t.requirement == "Gestión de servicios"]
            finally:
                store.close()
    finally:
        i18n.set_language("en")
    assert due == ["2027-12-31"]
    store = open_store(tmp_path / "shop.db", Actor(operator="Kim Lee"))
    try:
        assert str(store.get("change_requests", "CHG-0001").date_needed) == "2026-12-15"
    finally:
        store.close()


def test_setup_improvement_plans_the_first_report_and_due_shows_it(tmp_path, capsys, monkeypatch):
    """The setup's last step on the command line: with no option it takes the step's offer (one year
    after the shop's first records, the one holder of SM and of MGT); a date and people as typed;
    `vse-tui due` shows the planned date; the plan is no evidence of GO.4.1 or GO.4.2."""
    from vse_tui.core.evidence.tasks import evidence_map

    monkeypatch.setenv("VSE_TUI_OPERATOR", "Kim Lee")
    db = str(tmp_path / "shop.db")
    _shop(tmp_path / "shop.db")
    assert main(["--db", db, "setup", "policy", "--set", "objectives=Fix most calls the same day",
                 "--set", "review_date=2027-11-01"]) == 0
    assert main(["--db", db, "setup", "improvement"]) == 0
    assert "First improvement report due 2027-11-26: Kim Lee prepares it, Kim Lee approves it." in capsys.readouterr().out
    assert main(["--db", db, "setup", "improvement", "--set", "preparer=Nobody"]) != 0
    assert "Prepared by: choose one of the people who hold Service Manager: Kim Lee" in capsys.readouterr().err
    assert main(["--db", db, "setup", "improvement", "--set", "due=2026-11-01"]) != 0
    assert "not after today" in capsys.readouterr().err
    assert main(["--db", db, "setup", "improvement", "--set", "due=2026-12-15", "--set", "preparer=kim lee",
                 "--set", "approver=Kim Lee"]) == 0
    assert "due 2026-12-15" in capsys.readouterr().out
    assert main(["--db", db, "due"]) == 0
    assert "in 19d  2026-12-15  improvement report       First improvement report (GO.4.1), prepared by Kim Lee" in (
        capsys.readouterr().out)
    store = open_store(tmp_path / "shop.db", Actor(operator="Kim Lee"))
    try:
        rows = [(h["old_value"], h["new_value"]) for h in store.history("improvement_due")]
        assert rows == [(None, "2027-11-26"), ("2027-11-26", "2026-12-15")]  # the refused ones left nothing
        states = {t.task: t.state for t in evidence_map(store)}
        assert states["GO.4.1"] != "done" and states["GO.4.2"] != "done"
    finally:
        store.close()
