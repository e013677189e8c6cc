"""User text is data everywhere: never a terminal command, never markup, never a formula; every
file holding shop data is private (issue: nothing forged, items 11-16)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from vse_tui.cli import main
from vse_tui.core.control import changes
from vse_tui.core.evidence import attachments
from vse_tui.core.incidents import process as core
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.model.records import ConfigurationItem, Customer
from vse_tui.core.relationship import process as relationship

OSC = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # writes the clipboard
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x08")
HOSTILE = f"Printer {OSC} jam \x9b2J \u202eevil\x08"


@pytest.fixture
def hostile_db(store):
    acme = store.add(Customer(name="=HYPERLINK(\"http://e.test\",\"x\") [/] Acme [bold]", short="ACME"))
    inc = core.log_incident(store, HOSTILE, customer=acme.id, details=f"-2+3 {OSC}", reporter="@SUM(A1:A9)")
    core.classify(store, inc.id, category="network")
    changes.request(store, f"+cmd|' /C calc'!A0 {OSC}")
    store.add(ConfigurationItem(name=f"NAS {OSC}", ci_type="hardware"))
    relationship.log_feedback(store, f"=1+1 {OSC}", feedback_type="complaint")
    path = store.path
    return path, inc.id


COMMANDS = [
    ["incident", "list"], ["incident", "list", "--format", "csv"], ["incident", "list", "--format", "json"],
    ["incident", "show", "INC-0001"], ["incident", "show", "INC-0001", "--format", "json"],
    ["change", "list"], ["change", "list", "--format", "csv"], ["ci", "list"], ["ci", "list", "--format", "csv"],
    ["people", "list"], ["roles", "list"], ["due"], ["report", "audit", "--format", "md"],
    ["report", "performance", "--period", "2026"], ["report", "performance", "--period", "2026", "--format", "csv"],
    ["audit", "check"], ["export"], ["attachments", "INC-0001"], ["verify"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_no_command_writes_a_control_character_raw(hostile_db, capsys, command):
    path, _ = hostile_db
    main([*command, "--db", str(path)])
    out = capsys.readouterr()
    for text in (out.out, out.err):
        for raw in RAW:
            assert raw not in text, (command, repr(raw))


def test_control_characters_are_shown_visibly(hostile_db, capsys):
    path, _ = hostile_db
    assert main(["incident", "show", "INC-0001", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "^[]52;c;ZWNobyBwd25lZA==^G" in out and "\\x9b2J" in out and "\\u202e" in out


@pytest.mark.parametrize("command", [c for c in COMMANDS if "csv" in c], ids=lambda c: " ".join(c))
def test_every_csv_cell_that_a_spreadsheet_would_run_is_text(hostile_db, capsys, command):
    path, _ = hostile_db
    assert main([*command, "--db", str(path)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [cell for row in rows for cell in row]
    assert cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), (command, cell)
        assert not (cell.startswith("-") and not _number(cell)), (command, cell)


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


async def test_the_tui_shows_user_text_as_typed_never_as_a_command_or_markup(hostile_db, tmp_path):
    from vse_tui.app import VseApp
    from vse_tui.config import Config
    from vse_tui.session import identify
    from vse_tui.store import Actor, open_store

    path, ref = hostile_db
    folder = tmp_path / "a [" / "] b [bold]"  # a database path holding markup: .../a [/] b [bold]/...
    folder.mkdir(parents=True)
    odd = folder / "shop [x].db"
    assert main(["backup", "--out", str(odd), "--db", str(path)]) == 0
    store = open_store(odd, Actor(operator="Tester", os_user="tester"))
    identify(store)
    app = VseApp(store, Config(), open_wizard=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            shots = [app.export_screenshot()]
            await pilot.press("i")
            await pilot.pause()
            shots.append(app.export_screenshot())
            app.open_record(ref)
            await pilot.pause()
            shots.append(app.export_screenshot())
            app.notify(f"Saved {HOSTILE} [/] {odd}")  # a toast naming user text and the path
            await pilot.pause()
            toast = list(app._notifications)[-1]
            assert toast.markup is False and toast.message.endswith(f"[/] {odd}")
            await pilot.press("ctrl+p", *list("Acme"))
            await pilot.pause(0.5)
            shots.append(app.export_screenshot())
    finally:
        store.close()
    for shot in shots:
        for raw in RAW:
            assert raw not in shot
    text = "".join(shots)
    assert "^[]52;c;ZWNobyBwd25lZA==^G" in text.replace("&#160;", " ")
    assert "=HYPERLINK(&quot;http://e.test&quot;,&quot;x&quot;)&#160;[/]&#160;" in shots[-1]  # markup shown as typed


def test_files_holding_shop_data_are_private_whatever_the_umask(hostile_db, tmp_path, capsys):
    path, ref = hostile_db
    old = os.umask(0o022)
    try:
        doc = tmp_path / "contract.pdf"
        doc.write_bytes(b"%PDF-1.4")
        assert main(["attach", ref, str(doc), "--db", str(path)]) == 0
        out = tmp_path / "out"
        out.mkdir()
        assert main(["export", "--out", str(out / "e.json"), "--db", str(path)]) == 0
        assert main(["incident", "list", "--format", "csv", "--out", str(out / "l.csv"), "--db", str(path)]) == 0
        assert main(["report", "performance", "--period", "2026", "--out", str(out / "p.md"), "--db", str(path)]) == 0
        assert main(["backup", "--out", str(out / "b.db"), "--db", str(path)]) == 0
        assert main(["audit-pack", "--out", str(out / "pack"), "--db", str(path)]) == 0
        assert main(["sync", "clone", "--out", str(out / "laptop.db"), "--db", str(path)]) == 0
        assert main(["incident", "add", "From the laptop", "--db", str(out / "laptop.db")]) == 0
        assert main(["sync", "export", "--out", str(out / "to-shop.vsb"), "--db", str(out / "laptop.db")]) == 0
        assert main(["sync", "import", str(out / "to-shop.vsb"), "--db", str(path)]) == 0
    finally:
        os.umask(old)
    capsys.readouterr()
    checked = 0
    for item in [*out.rglob("*"), *Path(f"{path}.files").rglob("*")]:
        if item.name.endswith(("-wal", "-shm")):
            continue
        mode = stat.S_IMODE(item.stat().st_mode)
        assert mode == (0o700 if item.is_dir() else 0o600), (item, oct(mode))
        checked += 1
    assert checked > 20


def test_attaching_refuses_a_symbolic_link_and_checks_the_size_first(store, tmp_path, monkeypatch):
    target = tmp_path / "secret.txt"
    target.write_text("ssh keys")
    link = tmp_path / "innocent.pdf"
    link.symlink_to(target)
    inc = core.log_incident(store, "Printer jam")
    with pytest.raises(InputError, match="symbolic link"):
        attachments.attach(store, inc.id, link)
    assert store.count("attachments") == 0
    assert attachments.attach(store, inc.id, link, follow=True).name == "innocent.pdf"  # when said so
    big = tmp_path / "huge.iso"
    with open(big, "wb") as fh:
        fh.truncate(attachments.MAX_BYTES + 1)  # sparse: its size says enough
    read = []
    monkeypatch.setattr("vse_tui.store.queries.file_hash", lambda p: read.append(p) or ("0" * 64, 0))
    with pytest.raises(InputError, match="attach files up to"):
        attachments.attach(store, inc.id, big)
    assert read == []  # refused before a byte was read


def test_a_json_export_keeps_the_text_as_typed(hostile_db, tmp_path, capsys):
    path, _ = hostile_db
    assert main(["export", "--out", str(tmp_path / "e.json"), "--db", str(path)]) == 0
    doc = json.loads((tmp_path / "e.json").read_text())
    assert doc["records"]["WP.18"][0]["summary"] == HOSTILE  # data kept exactly; only shown visibly


def test_a_line_break_in_a_summary_stays_inside_its_row(tmp_path, capsys):
    """A summary imported with a line break (as a GLPI title can hold) is one line in a list, in
    `incident show`'s title and in the TUI's rows: shown as ↵, never breaking the table."""
    from vse_tui.cli import main

    source = tmp_path / "glpi.csv"
    source.write_bytes(b'Summary,Issue key,Issue id,Status,Created,Priority\n'
                       b'"Servidor lento\r\nurgente",HD-3,10003,Open,09/Oct/26 2:50 PM,High\n')
    db = str(tmp_path / "t.db")
    assert main(["import", "incidents", str(source), "--yes", "--db", db]) == 0
    capsys.readouterr()
    assert main(["incident", "list", "--db", db]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and "Servidor lento^M↵urgente" in listed[1]
    assert main(["incident", "show", "HD-3", "--db", db]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "INC-0001  Servidor lento^M↵urgente"


def test_a_row_of_the_tui_lists_is_one_line_whatever_its_cells_hold():
    from rich.text import Text

    from vse_tui.widgets.rowlist import RowList

    rows = RowList()
    rows.add_column("summary", 30)
    line = rows._line_text((Text("Servidor lento\r\nurgente"),))
    assert "\n" not in line.plain and "↵" in line.plain
