"""`incident notify` says everything it lacks at once (the address, the shop's address, the SMTP
server for --send), with the config file's path and the lines to add, and writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from vse_tui.cli import main
from vse_tui.store.db import open_store


def _shop(tmp_path: Path, capsys) -> str:
    db = str(tmp_path / "shop.db")
    assert main(["incident", "add", "Printer jammed", "--db", db]) == 0  # no reporter, no address
    capsys.readouterr()
    return db


def _nothing_written(db: str) -> None:
    store = open_store(Path(db), create=False)
    try:
        assert store.outbox_all() == [] and store.get("incidents", "INC-0001").notifications == []
    finally:
        store.close()


def test_every_missing_thing_is_said_at_once_with_the_config_file_and_its_lines(tmp_path, capsys):
    db = _shop(tmp_path, capsys)
    config = Path(os.environ["VSE_TUI_CONFIG"])
    assert main(["incident", "notify", "INC-0001", "--send", "--db", db]) == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0] == "vse-tui: INC-0001: not notified, 3 things are missing:", err
    assert "the reporter has no e-mail address: give one with --to ADDRESS" in lines[1]
    assert "vse-tui incident notified INC-0001 --task IN.2.3" in lines[1]
    assert "the shop's address" in lines[2] and "SMTP server" in lines[3] and "(--send)" in lines[3]
    assert f"the config file {config} does not exist yet: create it with" in lines[4], err
    assert [line.strip() for line in lines[5:]] == ["[mail]", 'from = "desk@example.org"',
                                                    'smtp_host = "smtp.example.org"'], err
    _nothing_written(db)


def test_the_default_command_names_the_file_that_exists_and_its_mail_section(tmp_path, capsys):
    db = _shop(tmp_path, capsys)
    config = Path(os.environ["VSE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('theme = "light"\n\n[mail]\nmaildir = "~/Mail"\n')
    assert main(["incident", "notify", "INC-0001", "--db", db]) == 1  # no --send: the server is not asked for
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "vse-tui: INC-0001: not notified, 2 things are missing:"
    assert lines[3] == f"  add to the [mail] section of the config file {config} (your own values):"
    assert lines[4:] == ['      from = "desk@example.org"']
    _nothing_written(db)
    config.write_text('[mail]\nfrom = "desk@shop.example"\n')  # the one thing left: the address
    assert main(["incident", "notify", "INC-0001", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "1 thing is missing" in err and "config" not in err, err
    assert main(["incident", "notify", "INC-0001", "--to", "dana@acme.example", "--db", db]) == 0


def test_said_in_the_persons_language(tmp_path, capsys):
    db = _shop(tmp_path, capsys)
    assert main(["--lang", "fr", "incident", "notify", "INC-0001", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "2 éléments manquent" in err and "[mail]" in err and "missing" not in err, err
