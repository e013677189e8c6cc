"""Bad input: clear errors or correctly stored values, never a crash or a half-written record."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vse_tui.cli import main
from vse_tui.core.governance import roles
from vse_tui.core.incidents import process as core
from vse_tui.core.kernel.errors import DatabaseError, InputError, NotFound, VseError
from vse_tui.store import Actor, open_store
from vse_tui.store.chain import verify

PROFILE = settings(max_examples=int(os.environ.get("VSE_HYPOTHESIS_EXAMPLES", "60")), deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

nasty = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=50),
    st.sampled_from(["", "   ", "[bold]x[/bold]", "[red", "שלום עולם", "مرحبا", "👩‍💻🔥", "\x00\x1b[2J", "x" * 1_000_000]),
)


def consistent(store) -> None:
    """Every record has its create row, and the chain verifies."""
    creates = store.conn.execute("SELECT COUNT(*) FROM history WHERE action = 'create' AND kind = 'incidents'").fetchone()[0]
    assert creates == store.count("incidents")


@PROFILE
@given(summary=nasty, impact=st.sampled_from(["high", "medium", "low", "HIGH", "", "urgent"]))
def test_logging_any_text(store, summary, impact):
    before = store.count("incidents")
    try:
        inc = core.log_incident(store, summary, impact=impact)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)[:200]
        assert store.count("incidents") == before
    else:
        assert store.get("incidents", inc.id).summary == summary.strip()
        assert len(summary.strip()) <= 300
    consistent(store)


@PROFILE
@given(minutes=st.integers(min_value=-10_000, max_value=10_000), who=nasty)
def test_time_spent_entries(store, minutes, who):
    inc = store.latest("incidents") or core.log_incident(store, "base")
    before = len(store.get("incidents", inc.id).time_spent)
    try:
        core.log_time(store, inc.id, who=who, minutes=minutes)
    except InputError:
        assert len(store.get("incidents", inc.id).time_spent) == before
    else:
        from vse_tui.core.governance.people import find_person

        assert 0 < minutes <= 24 * 60 and (not who.strip() or find_person(store, who))
        assert len(store.get("incidents", inc.id).time_spent) == before + 1


@PROFILE
@given(ref=st.text(max_size=30))
def test_unknown_ids_are_refused_plainly(store, ref):
    with pytest.raises((NotFound, InputError)):
        core.classify(store, ref or "INC-9999", category="x")


@PROFILE
@given(text=st.text(max_size=40))
def test_role_text(store, text):
    try:
        parsed = roles.parse_roles(text)
    except InputError as exc:
        assert "roles:" in str(exc)
    else:
        assert all(r in ("SM", "CM", "IM", "RM", "PT", "MGT", "CUS", "SUP") for r, _ in parsed)


@pytest.mark.parametrize("args", [
    ["demo", "--no-open", "--as-of", "2026-02-30"],
    ["demo", "--no-open", "--incidents", "-5"],
    ["incident", "add", "x", "--impact", "huge"],
    ["incident", "show", "INC-4242"],
    ["people", "add", "Sam", "--roles", "BOSS"],
    ["incident", "list", "--limit", "ten"],
])
def test_cli_refuses_with_one_line_and_no_traceback(tmp_path, capsys, args):
    code = main(args + ["--db", str(tmp_path / "x.db")])
    err = capsys.readouterr().err
    assert code in (1, 2) and err.count("\n") == 1 and "Traceback" not in err


def test_a_truncated_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "cut.db"
    s = open_store(path)
    core.log_incident(s, "x")
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = path.read_bytes()
    with pytest.raises(VseError):
        s = open_store(path)
        try:
            s.records("incidents")
            assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            s.close()
    assert path.read_bytes() == before


def test_a_corrupted_page_is_found_by_doctor(tmp_path, capsys):
    path = tmp_path / "bad.db"
    s = open_store(path)
    for i in range(200):
        core.log_incident(s, f"incident {i} " + "x" * 200)
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 4096):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    code = main(["doctor", "--db", str(path)])
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err and ("FAIL" in out.out or "damaged" in out.err)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to read-only files")
def test_a_read_only_database_says_so(tmp_path):
    path = tmp_path / "ro.db"
    open_store(path).close()
    os.chmod(path, 0o400)
    s = open_store(path)
    try:
        with pytest.raises(DatabaseError, match="read-only"):
            core.log_incident(s, "x")
    finally:
        s.close()


def test_markup_is_stored_as_typed(store):
    inc = core.log_incident(store, "[bold]x[/bold] [link=http://evil]y[/link]")
    assert store.get("incidents", inc.id).summary == "[bold]x[/bold] [link=http://evil]y[/link]"
    assert verify(store) == []


def test_a_missing_directory_is_created(tmp_path):
    s = open_store(tmp_path / "a" / "b" / "c" / "vse.db", Actor(operator="x"))
    s.close()
    assert (tmp_path / "a" / "b" / "c" / "vse.db").exists()



@pytest.mark.parametrize("period", ["0000", "9999-Q4", "9999", "0001-01-01..0001-12-31", "9999-12-01..9999-12-31"])
def test_a_period_at_the_ends_of_the_calendar_is_refused_in_words(tmp_path, capsys, period):
    """Row 22 of the second attack: the periods 0000 and 9999-Q4 gave 'unexpected error'."""
    from vse_tui.cli import main

    db = str(tmp_path / "shop.db")
    assert main(["incident", "add", "Printer jammed", "--db", db]) == 0
    capsys.readouterr()
    for command in (["report", "performance"], ["report", "improvement"], ["audit-pack", "--out", str(tmp_path / "p")]):
        assert main([*command, "--period", period, "--db", db]) == 1, command
        err = capsys.readouterr().err
        assert "out of range" in err and "unexpected" not in err, (command, err)
