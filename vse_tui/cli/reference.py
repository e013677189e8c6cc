"""The command line's reference, written from the parser itself: every command, its arguments and
options with their help. `docs/cli-reference.md` is this text; a test checks they are the same.

    python -m vse_tui.cli.reference > docs/cli-reference.md
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from vse_tui import i18n

from . import build_parser
from .common import common_options

HEADER = """# Command reference

Every command and option of `vse-tui`, written from the program's own parser (`python -m
vse_tui.cli.reference > docs/cli-reference.md`; a test fails when this page and the program
disagree). Conventions and examples are in [cli.md](cli.md).
"""


def _common_dests() -> dict[str, str | None]:
    """The options of every command, with their usual help (one that says more for a command, such as
    the reports' --lang, is listed with the command)."""
    return {a.dest: a.help for a in common_options()._actions} | {"help": None}


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub  # each level's own help: `mail import` is not `import`


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _option(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest.upper()}`"
    flags = ", ".join(action.option_strings)
    if action.nargs == 0:
        return f"`{flags}`"
    if action.choices:
        return f"`{flags} {{{','.join(str(c) for c in action.choices)}}}`"
    metavar = action.metavar or action.dest.upper()
    return f"`{flags} {metavar if isinstance(metavar, str) else ' '.join(metavar)}`"


def _section(path: list[str], help_text: str, parser: argparse.ArgumentParser, common: dict[str, str | None]) -> list[str]:
    out = [f"## vse-tui {' '.join(path)}", ""]
    if help_text:
        out += [help_text[0].upper() + help_text[1:] + ".", ""]
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.dest in common and (action.dest == "help" or action.help == common[action.dest]):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        rows.append(f"| {_option(action)} | {_cell(action.help or '')} |")
    subs = list(_subcommands(parser))
    if subs:
        out += ["| action | what it does |", "|---|---|"]
        out += [f"| `{name}` | {_cell(h)} |" for name, h, _ in subs]
        out.append("")
    if rows:
        out += ["| argument or option | what it does |", "|---|---|", *rows, ""]
    for name, h, sub in subs:
        out += _section([*path, name], h, sub, common)
    return out


def reference() -> str:
    """The reference in English, whatever language the person running it speaks: the page is the
    project's documentation of its commands and options."""

    spoken = i18n.language()
    i18n.set_language("en")
    try:
        return _reference()
    finally:
        i18n.set_language(spoken)


def _reference() -> str:
    parser = build_parser()
    common = _common_dests()
    out = [HEADER, "## Options of every command", "", "Accepted before or after the command.", "",
           "| option | what it does |", "|---|---|"]
    out += [f"| {_option(a)} | {_cell(a.help or '')} |" for a in common_options()._actions]
    out += ["| `--version` | print the version and stop |", ""]
    for name, h, sub in _subcommands(parser):
        out += _section([name], h, sub, common)
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(reference(), end="")
