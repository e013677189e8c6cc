"""The command line's own words: each group says what it is, once, at every level."""

import subprocess
import sys


def _help(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "vse_tui", *args, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_top_level_help_names_each_group_by_what_it_does():
    text = _help()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "incident log, list and work incidents (IN)" in lines
    assert not any(line == "incident incident" for line in lines)  # the group's name is not its help


def test_a_nested_group_keeps_its_own_help_in_the_reference():
    from vse_tui.cli.reference import reference

    text = reference()
    mail_import = text.split("## vse-tui mail import", 1)[1].split("##", 1)[0]
    assert "mail fetcher" in mail_import and "the tool you use now" not in mail_import
    sync_import = text.split("## vse-tui sync import", 1)[1].split("##", 1)[0]
    assert "bundle" in sync_import and "the tool you use now" not in sync_import
    top_import = text.split("## vse-tui import\n", 1)[1].split("##", 1)[0]
    assert "the tool you use now" in top_import


def test_a_dry_run_prints_its_preview_on_standard_output(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("name,email,roles\nSam Ortiz,sam@example.com,IM\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "vse_tui", "import", "people", str(people), "--dry-run",
                           "--db", str(tmp_path / "x.db")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "to import: 1" in done.stdout and "Sam Ortiz" in done.stdout
    assert "to import" not in done.stderr
    assert not (tmp_path / "x.db").exists()
