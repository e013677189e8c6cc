"""The docs a newcomer reads agree with the program: the CLI reference is the parser's, every
command and option says what it does, README links every page and stays a few screens."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_cli_reference_is_written_from_the_parser():
    from vse_tui.cli.reference import reference

    page = (ROOT / "docs" / "cli-reference.md").read_text()
    assert page == reference(), "docs/cli-reference.md is out of date: python -m vse_tui.cli.reference > docs/cli-reference.md"


def test_every_command_and_option_is_documented():
    import argparse

    from vse_tui.cli import COMMANDS, build_parser
    from vse_tui.cli.reference import reference

    page = reference()
    parser = build_parser()
    seen = 0

    def walk(p: argparse.ArgumentParser, path: list[str]) -> None:
        nonlocal seen
        assert f"## vse-tui {' '.join(path)}\n" in page, path
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif action.dest != "help":
                assert (action.help or "").strip(), f"vse-tui {' '.join(path)}: {action.option_strings or action.dest} has no help"
                seen += 1

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            assert set(action.choices) == set(COMMANDS)
            for name, sub in action.choices.items():
                walk(sub, [name])
    assert seen > 100
    assert not re.search(r"\|\s*\|\s*$", page, re.M), "a row of the reference has no description"


def test_readme_is_short_and_links_every_page_that_exists():
    readme = (ROOT / "README.md").read_text()
    assert len(readme) < 8000
    links = set(re.findall(r"\]\(([^)#]+)\)", readme))
    for link in links:
        assert (ROOT / link).exists(), link
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in links, f"README does not link docs/{page.name}"
    for name in ("LICENSE", "CHANGELOG.md", "ARCHITECTURE.md"):
        assert name in links


def test_debug_shows_the_traceback_an_unexpected_error_hides(monkeypatch, capsys, tmp_path):
    from vse_tui import cli

    def boom(args):
        raise ValueError("a bug")

    monkeypatch.setattr(cli, "cmd_tui", boom)
    monkeypatch.delenv("VSE_TUI_DEBUG", raising=False)
    assert cli.main(["--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected error: ValueError: a bug (--debug shows where)" in err
    assert cli.main(["--debug", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "in boom" in err
    monkeypatch.setenv("VSE_TUI_DEBUG", "1")
    assert cli.main(["--db", str(tmp_path / "x.db")]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_the_page_of_the_40_tasks_is_written_from_the_evidence_maps_rules():
    from vse_tui.core.evidence.rules import page
    from vse_tui.core.evidence.tasks import describe
    from vse_tui.core.model.standard import load_standard

    written = (ROOT / "docs" / "tasks.md").read_text()
    assert written == page(), "docs/tasks.md is out of date: python -m vse_tui.core.evidence.rules > docs/tasks.md"
    standard = load_standard()
    assert len(standard.tasks) == 40
    for task in standard.tasks:  # every task, with the very rule the map states under its "why"
        assert f"- **{task.code} {task.title}** ({', '.join(task.roles)}): {describe(task, standard)}.\n" in written
    assert "(tasks.md)" in (ROOT / "docs" / "evidence.md").read_text()
