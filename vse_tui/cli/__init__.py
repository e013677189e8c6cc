"""The command line: `vse-tui` with no command opens the TUI; commands script the same core
functions. Exit status 0 on success, 1 when input is refused or a check fails, 2 for usage
errors; always a one-line reason on stderr, never a traceback. Textual loads only when the TUI
opens.

One module per process registers its commands (`incidents`, `control`, `relationship`,
`governance`), one the store's safety and exchange (`data`); a command whose handler needs much that
its neighbours do not (showing an incident, importing, mail) has a module of its own. To stay quick,
a run builds only the parser of the command it was given, loading only the modules that register
under that name (or, for those actions, under that name and action)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from vse_tui.i18n import N_, _, pgettext

from .. import __version__, i18n
from ..config import configured_language
from ..core.kernel.errors import VseError, said_by
from ..core.kernel.text import one_line
from ..store.connection import UnreadableDatabase
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    Parser,
    UsageError,
    common_options,
    forget_made_here,
    say_who_wrote,
)

# top-level command -> the modules that register under it (in help order)
COMMANDS: dict[str, tuple[str, ...]] = {
    "incident": ("incidents", "steps"),
    "mail": ("mail",),
    "change": ("control", "steps"),
    "ci": ("control",),
    "feedback": ("relationship", "steps"),
    "suppliers": ("relationship",),
    "training": ("steps",),
    "setup": ("steps",),
    "record": ("steps",),
    "people": ("governance",),
    "ssh-session": ("governance",),
    "roles": ("governance", "steps"),
    "approve": ("governance",),
    "audit": ("governance",),
    "due": ("governance",),
    "report": ("governance", "relationship"),
    "audit-pack": ("governance",),
    "import": ("incident_import", "control_import", "governance"),
    "attach": ("data",),
    "attachments": ("data",),
    "verify": ("data",),
    "backup": ("data",),
    "restore": ("data",),
    "doctor": ("data",),
    "export": ("data",),
    "sync": ("data",),
    "demo": ("data",),
    "standard": ("data",),
    "serve": ("data",),
}
# group actions registered by a module of their own (not under the group's name above)
ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("incident", "show"): ("incident_show",),
    ("incident", "notify"): ("mail",),
    ("change", "notify"): ("mail",),
    ("feedback", "answer"): ("mail",),
}
# the commands that write a report: their --lang is the language of what they write (an assessor's)
REPORTS = ("report", "audit-pack")
MODULE_ORDER = ("incidents", "incident_show", "incident_import", "control", "control_import", "relationship", "governance", "steps", "data", "mail")


class _Unused:
    """Stands in for the parser of a command this run does not use: takes every call, keeps nothing."""

    def __getattr__(self, name: str) -> Callable[..., _Unused]:
        return lambda *args, **kwargs: self


class Registry:
    """What a command module registers through: top-level commands and groups (report, import...)."""

    def __init__(self, sub, only: str | None) -> None:
        self._sub = sub
        self._only = only
        self._groups: dict[str, Any] = {}
        self.options = common_options()
        self.report_options = common_options(report=True)  # --lang: the language the report is written in

    def wanted(self, name: str) -> bool:
        return self._only is None or self._only == name

    def command(self, name: str, help: str, func: Callable[[Any], int] | None = None, db_help: str | None = None):
        """A top-level command (`verify`), or the parent of actions (`incident` add/list/show).
        `db_help`: what --db means for this command (the demo keeps to its own file)."""
        if not self.wanted(name):
            return _Unused()
        options = self.options
        if name in REPORTS:
            options = self.report_options
        if db_help:
            options = common_options()
            for action in options._actions:
                if action.dest == "db":
                    action.help = db_help
        p = self._sub.add_parser(name, parents=[options], help=help, description=help)
        if func is not None:
            p.set_defaults(func=func)
        return p

    def action(self, group: str, name: str, help: str, func: Callable[[Any], int], group_help: str = ""):
        """An action of a group command: `vse-tui GROUP NAME`; the group is made on first use."""
        if not self.wanted(group):
            return _Unused()
        sub = self._groups.get(group)
        options = self.report_options if group in REPORTS else self.options
        if sub is None:
            group_help = group_help or (_(GROUP_HELP[group]) if group in GROUP_HELP else group)
            parent = self._sub.add_parser(group, parents=[options], help=group_help, description=group_help)
            sub = parent.add_subparsers(dest=f"{group}_action", metavar=pgettext("metavar", "ACTION"), parser_class=Parser, required=True)
            self._groups[group] = sub
        p = sub.add_parser(name, parents=[options], help=help, description=help)
        p.set_defaults(func=func)
        return p


GROUP_HELP = {
    "incident": N_("log, list and work incidents (IN)"), "change": N_("request and list changes (CO)"),
    "ci": N_("configuration items (WP.02)"), "feedback": N_("the feedback log (WP.06, RE.2.3)"),
    "people": N_("people of the shop, customers' and suppliers' contacts (GO.1.2)"),
    "roles": N_("who holds which role, and the combination warnings"), "report": N_("reports built from the records"),
    "import": N_("bring existing records in from the tool you use now"), "sync": N_("offline copies and merging"),
    "audit": N_("the shop's own pre-assessment"), "mail": N_("mail in from a Maildir or mbox, mail out over SMTP"),
}


def build_parser(only: str | None = None, action: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (with `only`) just the top level and that one command: argparse
    spends about 0.2 ms per parser it builds (gettext looks up each help text), which is 10 ms
    for all of them, a good part of a quick `vse-tui incident add`. With `action` too, an action
    that has a module of its own (ACTIONS) is built from that module alone, any other without
    those modules; without it, the command has every action (`vse-tui feedback --help`)."""

    parser = Parser(prog="vse-tui", description=_("Run a small IT service shop the ISO/IEC TR 29110-5-3 way."),
                    parents=[common_options()])
    parser.add_argument("--version", action="version", version=f"vse-tui {__version__}",
                        help=_("show program's version number and exit"))
    sub = parser.add_subparsers(dest="command", metavar=pgettext("metavar", "COMMAND"), parser_class=Parser)
    registry = Registry(sub, only)
    modules: tuple[str, ...] = MODULE_ORDER
    if only is not None and action is not None:
        modules = ACTIONS.get((only, action), COMMANDS.get(only, ()))
    elif only is not None:  # the command's every action (its help lists them all)
        wanted = set(COMMANDS.get(only, ())).union(*(ACTIONS[key] for key in ACTIONS if key[0] == only))
        modules = tuple(name for name in MODULE_ORDER if name in wanted)
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(registry)
    return parser


def _after_common_options(argv: list[str]) -> list[str]:
    """The line without the options every command takes and their values (`--db PATH incident
    list`: the command is `incident`, not the path)."""
    try:
        _known, rest = common_options().parse_known_args(argv)
    except (UsageError, SystemExit):  # a bad value: the whole parser says so
        return argv
    return rest


def _parse(argv: list[str]):
    """Parse with the parser of the command named first, or with the top level alone when the line
    names none (the TUI's start: no command module is loaded); anything these cannot read (a typo,
    an option value before the command) and a request for help go to the whole parser."""
    words = [a for a in _after_common_options(argv) if not a.startswith("-")]
    first = words[0] if words else None
    action = words[1] if len(words) > 1 else None
    if first in COMMANDS:
        only: str | None = first
    elif "-h" in argv or "--help" in argv:
        only = None  # the list of every command
    else:
        only = ""
    if only is not None:
        try:
            return build_parser(only=only, action=action).parse_args(argv)
        except UsageError:
            pass
    return build_parser().parse_args(argv)


def cmd_tui(args) -> int:
    # here, not at the top: importing it loads Textual
    from ..app import run_app

    return run_app(args)


def debugging(argv: list[str]) -> bool:
    """--debug anywhere on the line, or VSE_TUI_DEBUG set to anything but 0 or empty."""

    return "--debug" in argv or os.environ.get("VSE_TUI_DEBUG", "0") not in ("", "0")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    code = _main(argv)

    forget_made_here(failed=code != EXIT_OK)
    say_who_wrote()
    return code


def language_asked(argv: list[str]) -> str | None:
    """The value of --lang wherever it stands on the line (`--lang es`, `--lang=es`; not after
    `--`), read before any parser is built so that the parsers' help texts are in that language."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg[len("--lang="):]
    return None


def _safe_configured() -> str | None:
    """The config's language, or None when the config cannot be read (it is reported later)."""

    try:
        return configured_language()
    except VseError:
        return None


def choose_language(argv: list[str]) -> None:
    """Speak the language of --lang, else of the config, else of the environment (LC_ALL,
    LC_MESSAGES, LANG). An unknown --lang is a usage error; a note (pt_PT is spoken as pt_BR) goes
    to stderr when a person asked for it by name."""

    flag = language_asked(argv)
    configured = None
    if flag is None:
        configured = configured_language()
    try:
        chosen, note = i18n.choose(flag, configured)  # the config's was checked when it was read
    except i18n.UnknownLanguage:
        # said in the language the person would otherwise get (the config's, else the environment's)
        i18n.set_language(i18n.choose(None, configured if flag is None else _safe_configured())[0])
        raise UsageError(str(i18n.UnknownLanguage(str(flag)))) from None
    i18n.set_language(chosen, note)
    if note and (flag is not None or configured):
        print(_("vse-tui: {message}").format(message=i18n.language_note()), file=sys.stderr)


def _main(argv: list[str]) -> int:
    try:
        choose_language(argv)
        args = _parse(argv)
        func = getattr(args, "func", None) or cmd_tui
        return func(args)
    except UsageError as exc:
        print(_("vse-tui: {message}").format(message=exc), file=sys.stderr)  # French spaces the colon
        return EXIT_USAGE
    except VseError as exc:
        print(_("vse-tui: {message}").format(message=one_line(said_by(exc, "cli"))), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(_("vse-tui: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except UnreadableDatabase as exc:
        print(_("vse-tui: the database cannot be read ({reason}); run 'vse-tui doctor', and restore from a backup "
                "only if it reports damage").format(reason=exc), file=sys.stderr)
        return EXIT_REFUSED
    except RecursionError:
        print(_("vse-tui: the input is nested too deeply to read"), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # the last line of defence: one line, and the traceback only when asked

        if debugging(argv):
            traceback.print_exc()
            hint = ""
        else:
            hint = _(" (--debug shows where)")
        print(_("vse-tui: unexpected error: {error}: {reason}{hint}").format(
            error=type(exc).__name__, reason=one_line(str(exc)), hint=hint), file=sys.stderr)
        return EXIT_REFUSED


def entry() -> None:
    sys.exit(main())


__all__ = ["main", "entry", "build_parser", "EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE"]
