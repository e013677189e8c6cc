"""What every command shares: the parser class, the options defined once (--db, --as, --format,
--limit, --out, --force, --yes), opening the store, writing output, asking, printing rows.

Nothing here imports Textual, sqlite-utils or pydantic: `vse-tui incident add` stays quick."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any, NoReturn

from vse_tui.i18n import SOURCE_LANGUAGE, _, language, ngettext, pgettext

from ..core.kernel.errors import InputError, VseError
from ..core.kernel.text import json_safe, one_line, visible
from ..core.present.display import render_value
from ..core.present.labels import code_word
from ..i18n import formats
from ..i18n.formats import parse_yes_no, yes_no_hint
from ..reports.csvfile import write_csv
from ..session import database, open_identified
from ..store.files import atomic_file, discard_if_empty

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

# argparse's own words (usage:, options, the errors it writes) come from the same catalogues: it
# looks its texts up through the module's `_` and `ngettext` each time it uses one.
argparse._ = _  # type: ignore[attr-defined]
argparse.ngettext = ngettext  # type: ignore[attr-defined]


class UsageError(Exception):
    """A command line that cannot be read: exit status 2 and one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        raise UsageError(_("{message} (see '{prog} --help')").format(message=message, prog=self.prog))

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """argparse's, plus `words`: the choices are stored codes, and this says them in words (a
        field of core.present.labels.code_word, or a dict code -> N_ text): see `Choices`. A
        positional argument of a few words is named by its codes when it is missing ("the
        following arguments are required: {customer,supplier,nobody}"), as its usage shows it, not
        by its name in the code ("on"); every other positional has a metavar of its own in the
        person's language (a test walks the parser)."""
        words = kwargs.pop("words", None)
        action = super().add_argument(*args, **kwargs)
        if words is not None:
            Choices.attach(action, words)
        if not action.option_strings and action.metavar is None and action.choices:
            action.metavar = "{" + ",".join(str(choice) for choice in action.choices) + "}"
        return action

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse builds a formatter for every argument it adds, and asks shutil for the terminal's
        # width each time (importing shutil, with bz2 and lzma: 3 ms of every command).
        formatter_class = self.formatter_class
        if isinstance(formatter_class, type) and issubclass(formatter_class, argparse.HelpFormatter):
            formatter = formatter_class(prog=self.prog, width=terminal_width() - 2)
        else:
            formatter = formatter_class(prog=self.prog)
        formatter._Section = _Section  # type: ignore[assignment]  # headings as the language writes them
        return formatter


class Choices:
    """A choice among stored codes (--impact high, --how phone): the value accepted is the code,
    which scripts type and which works in every language, or its word in the language spoken
    (`--impact alto` in Portuguese), or one of the words of a phrase shown for it when no other
    choice's phrase holds it (`wait INC cliente` for "o cliente"); --help lists each code with its
    word, and a wrong or ambiguous value is refused with that list. Options and positional
    arguments alike."""

    def __init__(self, codes: list[str], words: str | dict[str, str]) -> None:
        self.codes = codes
        self.words = words

    @classmethod
    def attach(cls, action: argparse.Action, words: str | dict[str, str]) -> None:
        codes = [str(c) for c in action.choices or []]
        choices = cls(codes, words)
        action.type = choices
        # an option shows the words of the language spoken, which it accepts as well as the codes
        # (--impact {alta,media,baja}); a word of several words is shown by its code (argparse
        # cannot wrap a usage line whose metavar holds a space)
        said_as = [choices.word(code) for code in codes]
        if (action.option_strings and action.metavar is None and language() != SOURCE_LANGUAGE
                and not any(" " in w or "," in w for w in said_as)):
            action.metavar = "{" + ",".join(said_as) + "}"
        said = choices.listing()
        if said and action.help and action.help is not argparse.SUPPRESS:
            action.help = _("{help}: {choices}").format(help=action.help, choices=said.replace("%", "%%"))

    def word(self, code: str) -> str:
        if isinstance(self.words, dict):
            return _(self.words[code]) if code in self.words else code
        return code_word(self.words, code)

    def listing(self) -> str:
        """Each code with its word ("high (alto), medium (médio)"); "" in English, where the code
        is the word."""
        pairs = [(code, self.word(code)) for code in self.codes]
        if language() == SOURCE_LANGUAGE or all(word == code for code, word in pairs):
            return ""
        return ", ".join(_("{code} ({word})").format(code=code, word=word) if word != code else code
                         for code, word in pairs)

    def __call__(self, text: str) -> str:
        wanted = folded(text)
        for code in self.codes:
            if wanted in (folded(code), folded(self.word(code))):
                return code
        # a word of the shown phrase, as a person types it ("cliente" for "o cliente", "ninguém" for
        # "ninguém: parar de esperar"): the one choice whose words hold every word typed
        typed = words_of(text)
        if any(len(w) >= 3 for w in typed):
            holding = [code for code in self.codes if set(typed) <= set(words_of(self.word(code)))]
            if len(holding) == 1:
                return holding[0]
        # argparse's own words for it, the choices said in words
        raise argparse.ArgumentTypeError(_("invalid choice: %(value)r (choose from %(choices)s)") % {
            "value": text, "choices": self.listing() or ", ".join(map(repr, self.codes))})


def words_of(text: str) -> list[str]:
    """The words of a text as compared with those typed (folded, without punctuation)."""
    return re.findall(r"\w+", folded(text))


def folded(text: str) -> str:
    """A word as compared with another typed: case and accents aside ("Médio" is "medio")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.strip().casefold()) if not unicodedata.combining(c))


class _Section(argparse.HelpFormatter._Section):
    """A section of --help whose heading ("options:") is a whole translated text: argparse glues the
    colon on in code, where French wants a space before it ("options :")."""

    def format_help(self) -> str:
        heading = self.heading
        if heading is argparse.SUPPRESS or heading is None:
            return str(super().format_help())
        self.heading = None
        try:
            text = str(super().format_help())  # "\n" + the items + "\n", or "" for an empty section
        finally:
            self.heading = heading
        if not text:
            return ""
        indent = " " * self.formatter._current_indent
        return "\n" + indent + _("{heading}:").format(heading=heading) + "\n" + text[1:]


def terminal_width() -> int:
    """What shutil.get_terminal_size() answers: $COLUMNS, else the terminal, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        # no stdout at all (None): the AttributeError below
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


# ---------------------------------------------------------------- argument types


def date_arg(text: str) -> date:
    """A date as the person's language writes it (25/12/2026, 25 dic 2026) or ISO (2026-12-25)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise argparse.ArgumentTypeError(_("{text} is not a day of the calendar").format(text=repr(text))) from None
        try:
            return formats.parse_date(text)
        except formats.ParseError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None


def count_arg(text: str) -> int:
    """A whole number, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{text} is not a whole number").format(text=repr(text))) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("{text} must not be negative").format(text=repr(text)))
    return value


def db_arg(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(_("an empty path names no database"))
    return text


# ---------------------------------------------------------------- options, defined once


def common_options(report: bool = False) -> Parser:
    """--db, --as, --lang and --debug, accepted before or after the command (`report`: --lang says
    it is the language of what the command writes, for the reports and the audit pack)."""
    p = Parser(add_help=False)
    # read before the parser is built (see cli.language_asked), so that --help itself is translated;
    # named here so that --help lists it and the parser accepts it wherever it stands
    p.add_argument("--lang", metavar="LANG", default=argparse.SUPPRESS,
                   help=_("the language it is written in, which may be the assessor's rather than the shop's: en, "
                          "es, pt_BR or fr; dates and numbers as that language writes them, stored values as they "
                          "are (default: the config's language, else LC_ALL, LC_MESSAGES or LANG)") if report else
                   _("language of the screens, messages and reports: en, es, pt_BR or fr "
                     "(default: the config's language, else LC_ALL, LC_MESSAGES or LANG)"))
    p.add_argument("--db", metavar=pgettext("metavar", "PATH"), type=db_arg, default=argparse.SUPPRESS,
                   help=_("database file (default: VSE_TUI_DB or the user data folder)"))
    p.add_argument("--as", dest="as_person", metavar=pgettext("metavar", "PERSON"), default=argparse.SUPPRESS,
                   help=_("who is writing: a person's id or name (default: VSE_TUI_OPERATOR, the config, your login)"))
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help=_("on an unexpected error, print its traceback too (or set VSE_TUI_DEBUG=1)"))
    return p


def add_format(p: argparse.ArgumentParser, *choices: str) -> None:
    p.add_argument("--format", choices=list(choices), default=choices[0], help=_("output format (default: {default})").format(default=choices[0]))


def add_out(p: argparse.ArgumentParser, metavar: str | None = None, required: bool = False,
            help: str | None = None) -> None:
    p.add_argument("--out", metavar=metavar or pgettext("metavar", "FILE"), required=required,
                   help=help or _("write to this file instead of the screen (refused over an existing file)"))
    p.add_argument("--force", action="store_true", help=_("replace an existing file given with --out (never a database)"))


def add_limit(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=count_arg, metavar=pgettext("metavar", "N"), help=_("at most N rows"))


def add_yes(p: argparse.ArgumentParser, help: str | None = None) -> None:
    p.add_argument("--yes", action="store_true", help=help or _("do not ask for confirmation"))


# ---------------------------------------------------------------- store and output


def db_path(args) -> Path:
    return database(args)


MADE_HERE: list[Path] = []  # databases this command created (a mistyped --db included)


def forget_made_here(failed: bool) -> None:
    """A command that failed leaves no database it created: one holding no record is removed with
    its files (a mistyped --db given to a write command that then failed)."""
    made = list(MADE_HERE)
    MADE_HERE.clear()
    if not failed:
        return

    for path in made:
        discard_if_empty(path)


def open_store(args, *, must_exist: bool = False):
    """The database named by --db (or the default), opened as the person at the keyboard.
    `must_exist`: a read-only command on a missing file says so instead of creating one."""

    if not must_exist:
        path = database(args)
        if not path.exists():
            MADE_HERE.append(path)  # removed again if the command fails (see forget_if_failed)
    store, how = open_identified(args, create=not must_exist)
    store.on_wait = lambda: print(_("vse-tui: waiting for another vse-tui to finish writing..."), file=sys.stderr)
    if how is not None:
        WROTE_AS.append((store, how))
    return store


# the stores this command opened for a person nobody named on its line (the config's operator, the
# login's person): when one of them wrote, the command says whom it recorded the work as
WROTE_AS: list[tuple[Any, str]] = []


def say_who_wrote() -> None:
    """After a command: the person its writes were recorded as, on stderr (stdout stays what a script
    reads), when that person came from the config or the login rather than --as. A login several
    people share would otherwise record everyone's work as one of them, silently."""
    opened = list(WROTE_AS)
    WROTE_AS.clear()
    store, how = next(((s, h) for s, h in opened if s.committed), (None, None))
    if store is None:
        return
    name, login = store.actor.operator, store.actor.os_user
    said = (_("vse-tui: recorded as {name} (the operator your config names); if that is not you, say who you are "
              "with --as NAME") if how == "config" else
            _("vse-tui: recorded as {name} (the person the login {login} is mapped to); if that is not you, say who "
              "you are with --as NAME")).format(name=name, login=login)
    print(one_line(said), file=sys.stderr)


@contextlib.contextmanager
def output(args, database: Path | None = None) -> Iterator[IO[str]]:
    """stdout, or the file named by --out: written whole or not at all, private, never over the
    database or any SQLite file, and over an existing file only with --force."""
    out = getattr(args, "out", None)
    if out is None:
        yield sys.stdout
        return

    with atomic_file(out, database=database or _db_if_known(args), force=getattr(args, "force", False),
                     what="output") as fh:
        yield fh


def _db_if_known(args) -> Path | None:
    try:
        return db_path(args)
    except VseError:
        return None


def confirm(args, question: str) -> bool:
    """Ask on a terminal; with --yes it is yes; without a terminal it is no."""
    if getattr(args, "yes", False):
        return True
    if not sys.stdin.isatty():
        return False

    # y/N in English, s/N in Spanish and Portuguese, o/N in French; y and n are understood everywhere
    return parse_yes_no(input(f"{question} {yes_no_hint()} ")) is True


def say(text: str = "", *, err: bool = False) -> None:
    """One line of user-facing text; control characters shown visibly, never sent raw."""
    print(visible(text, keep_newlines=True), file=sys.stderr if err else sys.stdout)


def dump_json(value: Any, out: IO[str]) -> None:
    out.write(json_safe(json.dumps(value, ensure_ascii=False, indent=1)))
    out.write("\n")


def dump_json_list(values: Iterable[Any], out: IO[str]) -> None:
    """A JSON array written as its items come, the same text as `dump_json` of the whole list."""
    first = True
    for value in values:
        item = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
        out.write(("[\n " if first else ",\n ") + json_safe(item))
        first = False
    out.write("[]\n" if first else "\n]\n")


TABLE_SAMPLE = 1000  # rows read before a table's column widths are set; the rest are printed as they come


# a table's columns that hold a stored code, and whose words say it (core.present.labels.code_word)
CODE_COLUMNS = {"state": "state", "status": "status", "affiliation": "affiliation"}


def print_rows(args, rows: Iterable[dict[str, Any]], columns: list[str], codes: dict[str, str] | None = None,
               whole_last: bool = False) -> None:
    """Print records as a table, JSON (one array) or CSV, per --format and --limit, as they come.
    A table says the stored codes in words (`codes`: column -> the field whose codes it holds, beside
    CODE_COLUMNS) and days and moments as the language writes them; JSON and CSV keep what is stored.
    `whole_last`: the table's last column is never cut (a person's roles by their names)."""
    fmt = getattr(args, "format", "table")
    limit = getattr(args, "limit", None)
    if limit is not None:
        rows = itertools.islice(rows, limit)
    with output(args) as out:
        if fmt == "json":
            dump_json_list(rows, out)
        elif fmt == "csv":
            write_csv(out, columns, ([r.get(c) for c in columns] for r in rows))
        else:
            words = {**CODE_COLUMNS, **(codes or {})}
            write_table(out, (_in_words(r, words) for r in rows), columns, whole_last)


def _in_words(row: dict[str, Any], words: dict[str, str]) -> dict[str, Any]:
    """A row as a table shows it: codes in words, ISO days and moments as the language writes them."""
    shown = dict(row)
    for column, value in row.items():
        if column in words and isinstance(value, str):
            shown[column] = code_word(words[column], value)
        elif isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-":
            shown[column] = render_value(value, {})
    return shown


def write_table(out: IO[str], rows: Iterable[dict[str, Any]], columns: list[str], whole_last: bool = False) -> None:
    """A table whose column widths fit the first TABLE_SAMPLE rows (at most 60 characters); longer
    cells further down are cut at that width (the last column never, with `whole_last`)."""
    pending = iter(rows)
    sample = [[one_line(cell(r.get(c))) for c in columns] for r in itertools.islice(pending, TABLE_SAMPLE)]
    if not sample:
        out.write(_("(none)") + "\n")
        return
    widths = [min(60, max(len(c), *(len(row[i]) for row in sample))) for i, c in enumerate(columns)]
    titles = [column_title(c) for c in columns]
    widths = [max(w, len(t)) if w < 60 else w for w, t in zip(widths, titles)]
    out.write("  ".join(t.ljust(w) for t, w in zip(titles, widths)).rstrip() + "\n")
    rest = ([one_line(cell(r.get(c))) for c in columns] for r in pending)  # a cell is one line: ↵ for a break
    for row in itertools.chain(sample, rest):
        cut = [v[:w].ljust(w) for v, w in zip(row, widths)]
        if whole_last:
            cut[-1] = row[-1]
        out.write("  ".join(cut).rstrip() + "\n")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return pgettext("value", "yes") if value else pgettext("value", "no")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def need_file(text: str, not_one: str | None = None) -> Path:
    """The file named: `not_one` says what a path that is not a file is not ("{path} is not a backup file")."""
    path = Path(text).expanduser()
    if not path.exists():
        raise InputError(_("{path} does not exist").format(path=path))
    if not path.is_file():
        raise InputError((not_one or _("{path} is not a file")).format(path=path))
    return path


def column_title(column: str) -> str:
    """A table's column heading as a person reads it (JSON and CSV keep the field names)."""
    titles = {
        "id": pgettext("column", "ID"), "priority": pgettext("column", "PRIORITY"), "state": pgettext("column", "STATE"),
        "assignee": pgettext("column", "ASSIGNEE"), "customer": pgettext("column", "CUSTOMER"),
        "service": pgettext("column", "SERVICE"), "summary": pgettext("column", "SUMMARY"),
        "opened_at": pgettext("column", "OPENED_AT"), "external_ref": pgettext("column", "EXTERNAL_REF"),
        "type": pgettext("column", "TYPE"), "status": pgettext("column", "STATUS"), "planned": pgettext("column", "PLANNED"),
        "title": pgettext("column", "TITLE"), "name": pgettext("column", "NAME"), "owner": pgettext("column", "OWNER"),
        "location": pgettext("column", "LOCATION"), "expiry": pgettext("column", "EXPIRY"),
        "affiliation": pgettext("column", "AFFILIATION"), "login": pgettext("column", "LOGIN"),
        "roles": pgettext("column", "ROLES"), "key": pgettext("column", "KEY"), "at": pgettext("column", "AT"),
        "person": pgettext("column", "PERSON"), "how": pgettext("column", "HOW"), "by": pgettext("column", "BY"),
        "host": pgettext("column", "HOST"), "problem": pgettext("column", "PROBLEM"), "when": pgettext("column", "WHEN"),
        "due": pgettext("column", "DUE"), "kind": pgettext("column", "KIND"), "ref": pgettext("column", "REF"),
        "size": pgettext("column", "SIZE"), "attached_at": pgettext("column", "ATTACHED_AT"),
    }
    return titles.get(column) or column.upper()


__all__ = [
    "EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "Parser", "UsageError", "add_format", "add_limit", "add_out", "add_yes",
    "cell", "common_options", "confirm", "count_arg", "date_arg", "db_path", "dump_json", "dump_json_list", "need_file",
    "open_store", "output", "print_rows", "say", "write_table",
]


class Progress:
    """A progress line on a terminal (rows per second, time left); nothing when not on one."""

    def __init__(self, what: str, total: int | None = None, unit: str = "rows") -> None:
        self.what, self.total, self.unit = what, total, unit
        self.start = self.last = time.monotonic()
        self.shown = sys.stderr.isatty()

    def update(self, done: int) -> None:
        if not self.shown:
            return
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        if self.total:
            done = min(done, self.total)  # a total known beforehand is an estimate (a demo may hold one more)
        rate = done / max(now - self.start, 1e-6)
        line = _("{what}: {done} {unit} ({rate}/s)").format(what=self.what, done=f"{done:,}", unit=self.unit,
                                                            rate=f"{rate:,.0f}")
        if self.total:
            left = (self.total - done) / rate if rate else 0
            filled = int(30 * done / self.total)
            line = _("{what} [{bar}] {done}/{total} {unit} ({rate}/s, {left} s left)").format(
                what=self.what, bar="#" * filled + "." * (30 - filled), done=f"{done:,}", total=f"{self.total:,}",
                unit=self.unit, rate=f"{rate:,.0f}", left=f"{left:,.0f}")
        print("\r" + line[:100].ljust(100), end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print("\r" + " " * 100 + "\r", end="", file=sys.stderr, flush=True)
