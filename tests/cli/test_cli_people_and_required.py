"""What a technician types on the command line, in Brazilian Portuguese: a missing argument is named
as the usage names it, in the person's language, before anything else is looked at; every option
that names a person takes a person (id, name or login, the same lookup everywhere) and an unknown
name is refused with the names it nearly matches."""

from __future__ import annotations

import argparse
import json

import pytest

from vse_tui import i18n
from vse_tui.cli import build_parser, main


@pytest.fixture
def pt_br(monkeypatch):
    monkeypatch.setenv("LC_ALL", "pt_BR.UTF-8")  # main() chooses the language of each run as a new process does
    yield
    i18n.set_language("en")


def _positionals(parser: argparse.ArgumentParser, path: str = "vse-tui"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _positionals(sub, f"{path} {name}")
        elif not action.option_strings:
            yield path, action


def test_every_positional_argument_is_named_as_its_usage_shows_it():
    unnamed = [f"{path}: {action.dest}" for path, action in _positionals(build_parser()) if action.metavar is None]
    assert not unnamed, "positional arguments named by their name in the code when missing: " + ", ".join(unnamed)


def test_a_missing_task_is_said_by_the_parser_first_in_portuguese(pt_br, tmp_path, capsys):
    db = tmp_path / "none.db"
    assert main(["incident", "notified", "INC-0001", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "os seguintes argumentos são obrigatórios: --task, --to" in err
    assert not db.exists()  # nothing else was looked at: not even the database


def test_waiting_without_saying_on_whom_names_the_words_to_type(pt_br, tmp_path, capsys):
    assert main(["incident", "wait", "INC-0001", "--db", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err
    assert "obrigatórios: {customer,supplier,nobody}" in err
    assert "obrigatórios: on" not in err and ": on " not in err


def test_a_missing_summary_is_named_in_portuguese(pt_br, tmp_path, capsys):
    assert main(["incident", "add", "--db", str(tmp_path / "x.db")]) == 2
    assert "os seguintes argumentos são obrigatórios: RESUMO" in capsys.readouterr().err


@pytest.fixture
def shop(tmp_path, capsys):
    """A shop with Sam (login sam), a customer's contact Dana Wells and an incident she reported,
    restored by someone else than the one who closes it."""
    db = str(tmp_path / "shop.db")
    assert main(["people", "add", "Sam Ortiz", "--os-user", "sam", "--roles", "SM,CM,IM", "--db", db]) == 0
    assert main(["people", "add", "Kim Lee", "--os-user", "kim", "--roles", "PT:incident", "--db", db]) == 0
    assert main(["people", "add", "Dana Wells", "--affiliation", "customer", "--db", db]) == 0
    assert main(["incident", "add", "Printer jammed", "--reporter", "Dana Wells", "--db", db]) == 0
    assert main(["incident", "restore", "INC-0001", "--solution", "Cleared the tray", "--as", "kim", "--db", db]) == 0
    capsys.readouterr()
    return db


def test_confirmed_by_takes_a_person_like_checked_by(shop, pt_br, capsys):
    assert main(["incident", "close", "INC-0001", "--confirmed-by", "Dnaa", "--as", "sam", "--db", shop]) == 1
    err = capsys.readouterr().err
    assert "--confirmed-by" in err and "'Dnaa'" in err and "Dana Wells" in err  # the near name offered
    assert main(["incident", "show", "INC-0001", "--format", "json", "--db", shop]) == 0
    assert json.loads(capsys.readouterr().out)["status"] != "closed"  # nothing half-saved

    assert main(["incident", "close", "INC-0001", "--confirmed-by", "PER-0003", "--as", "sam", "--db", shop]) == 0
    capsys.readouterr()
    assert main(["incident", "show", "INC-0001", "--format", "json", "--db", shop]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "closed"
    assert shown["confirmation"]["by"] == "Dana Wells" and shown["confirmation"]["person"]


def test_who_was_told_takes_a_person_or_the_reporter_as_given(tmp_path, pt_br, capsys):
    db = str(tmp_path / "shop.db")
    assert main(["people", "add", "Sam Ortiz", "--os-user", "sam", "--roles", "SM,CM,IM,PT", "--db", db]) == 0
    assert main(["incident", "add", "No mail", "--reporter", "a caller from reception", "--db", db]) == 0
    capsys.readouterr()
    assert main(["incident", "notified", "INC-0001", "--task", "IN.2.3", "--to", "Someone", "--message", "x",
                 "--db", db]) == 1
    assert "--to" in capsys.readouterr().err
    # the reporter as the incident gives them (in no list), and a person by login
    assert main(["incident", "notified", "INC-0001", "--task", "IN.2.3", "--to", "A caller from reception",
                 "--message", "x", "--db", db]) == 0
    assert main(["incident", "notified", "INC-0001", "--task", "IN.2.3", "--to", "sam", "--message", "x",
                 "--db", db]) == 0
    out = capsys.readouterr().out
    assert "a caller from reception" in out and "Sam Ortiz" in out


def test_an_unknown_assignee_is_offered_the_names_it_nearly_matches(shop, pt_br, capsys):
    assert main(["incident", "assign", "INC-0001", "ortz", "--db", shop]) == 1
    err = capsys.readouterr().err
    assert "'ortz'" in err and "Sam Ortiz" in err and "Dana Wells" not in err  # only people of the shop


def test_a_login_mapped_to_nobody_is_told_the_commands_with_the_login_in_them(shop, pt_br, capsys, monkeypatch):
    from vse_tui.store.connection import os_user

    monkeypatch.delenv("VSE_TUI_OPERATOR", raising=False)
    login = os_user()
    assert main(["incident", "assign", "INC-0001", "me", "--db", shop]) == 1
    err = capsys.readouterr().err
    assert f"'vse-tui people login PESSOA {login}'" in err and f"--os-user {login}'" in err, err
    assert main(["incident", "time", "INC-0001", "10", "--db", shop]) == 1
    assert f"'vse-tui people login PESSOA {login}'" in capsys.readouterr().err


def test_people_add_says_the_roles_given_by_their_names(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    try:
        assert main(["--lang", "fr", "people", "add", "Ana Lima", "--roles", "SM,PT:incident", "--db", db]) == 0
    finally:
        i18n.set_language("en")
    assert capsys.readouterr().out.strip() == "PER-0001  Gestionnaire des services, Praticien des incidents"


def test_every_group_without_its_action_is_a_usage_error(tmp_path, capsys):
    """`vse-tui roles` (any group) with no action names what is missing and exits 2, as every other
    missing argument does."""
    groups = [name for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction)
              for name, sub in action.choices.items()
              if any(isinstance(a, argparse._SubParsersAction) and a.required for a in sub._actions)]
    assert "roles" in groups and "change" in groups
    for group in groups:
        assert main([group, "--db", str(tmp_path / "x.db")]) == 2, group
        assert "--help" in capsys.readouterr().err, group


def test_a_choice_shows_the_words_of_the_language_it_accepts(pt_br, capsys):
    """--impact and --urgency show their words in the help (codes stay what is stored, and accepted)."""
    with pytest.raises(SystemExit):
        main(["incident", "add", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--impact {alto,médio,baixo}" in out and "--urgency {alta,média,baixa}" in out, out
    assert "{high,medium,low}" not in out
