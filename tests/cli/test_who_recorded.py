"""A login several people share is mapped to one of them: whatever a command writes is recorded as
that person. Unless the person was named for this run (--as), the command says whom it recorded
the work as (on stderr: stdout stays what a script reads)."""

import contextlib
import io

from vse_tui.cli import main


def _cli(db, *args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), *args])
    assert code == 0, err.getvalue()
    return out.getvalue(), err.getvalue()


def test_a_shared_login_says_whom_it_recorded_the_work_as(tmp_path, monkeypatch):
    db = tmp_path / "shop.db"
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "frontdesk")
    monkeypatch.delenv("VSE_TUI_OPERATOR", raising=False)
    _cli(db, "people", "add", "Kim Lee", "--roles", "SM,CM,RM,MGT", "--os-user", "frontdesk")
    _cli(db, "people", "add", "Sam Ortiz", "--roles", "IM,PT:incident")
    out, err = _cli(db, "incident", "add", "Printer jams on floor 2")
    assert out.strip() == "INC-0001"
    assert ("vse-tui: recorded as Kim Lee (the person the login frontdesk is mapped to); if that is not you, say "
            "who you are with --as NAME") in err
    out, err = _cli(db, "--as", "Sam Ortiz", "incident", "add", "Mail down")  # named for this run: said already
    assert out.strip() == "INC-0002" and "recorded as" not in err
    out, err = _cli(db, "incident", "list")  # nothing written: nothing to say
    assert "recorded as" not in err
    (tmp_path / "config" / "config.toml").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text('operator = "Sam Ortiz"\n', encoding="utf-8")
    out, err = _cli(db, "incident", "add", "VPN drops")
    assert "vse-tui: recorded as Sam Ortiz (the operator your config names)" in err
