"""The command line: `vse-tui` with no subcommand opens the TUI; subcommands script the same
core functions. Exit status 0 on success, 1 when input is refused or a check fails, 2 for usage
errors; always a one-line reason on stderr, never a traceback. This module never imports Textual
unless the TUI is opened."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

from . import __version__
from .core.errors import VseError

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse builds a formatter for every argument it adds, and asks shutil for the terminal's
        # width each time (importing shutil, with bz2 and lzma: 3 ms of every command).
        return self.formatter_class(prog=self.prog, width=_terminal_width() - 2)


def _terminal_width() -> int:
    """What shutil.get_terminal_size() answers: $COLUMNS, else the terminal, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80


# ---------------------------------------------------------------- helpers shared by commands


def _store(args):
    from .config import load_config
    from .paths import resolve_db
    from .store.db import Actor, open_store

    config = load_config()
    return open_store(resolve_db(getattr(args, "db", None)), Actor(operator=config.operator))


@contextlib.contextmanager
def _output(args) -> Iterator[io.TextIOBase]:
    """stdout, or the file named by --out (written whole or not at all)."""
    out = getattr(args, "out", None)
    if not out:
        yield sys.stdout
        return
    path = Path(out).expanduser()
    tmp = path.with_name(f".{path.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except OSError as exc:
        raise VseError(f"Cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def confirm(args, question: str) -> bool:
    """Ask on a terminal; with --yes it is yes; without a terminal it is no."""
    if getattr(args, "yes", False):
        return True
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def run_import(args, noun: str, make_plan, items, preview, apply, header_note: str = "", known_note: str = "") -> int:
    """The flow every CSV import shares: read and plan (nothing stored), show the column mapping,
    a preview and each rejected row with its line, then store everything in one go after a
    confirmation (a terminal prompt, or --yes). `--dry-run` stops after the report."""
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise VseError(f"{path} does not exist")
    store = _store(args)
    try:
        plan = make_plan(store, path)
        out = sys.stderr
        found = items(plan)
        print(f"{path.name}: {plan.rows} rows{header_note and header_note(plan)}", file=out)
        print("columns: " + ", ".join(f"{c} -> {f}" for f, c in plan.mapping.items()), file=out)
        if getattr(plan, "ignored", None):
            print("ignored columns: " + ", ".join(plan.ignored), file=out)
        for index, item in enumerate(found[:5]):
            print("  " + preview(plan, index, item), file=out)
        if len(found) > 5:
            print(f"  ... and {len(found) - 5} more", file=out)
        print(f"to import: {len(found)}; {known_note and known_note(plan)}rejected: {len(plan.rejected)}", file=out)
        for r in plan.rejected[:50]:
            print(f"  line {r.line}: {r.reason}", file=out)
        if args.dry_run or not found:
            return EXIT_REFUSED if plan.rejected and not found else EXIT_OK
        if not confirm(args, f"Import {len(found)} {noun}?"):
            raise VseError("import cancelled; nothing was stored (use --yes to import without a prompt)")
        count = apply(store, plan)
    finally:
        store.close()
    print(f"imported {count} {noun}" + (f"; {len(plan.rejected)} rows rejected (listed above)" if plan.rejected else ""))
    return EXIT_OK


def print_rows(args, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Print records as a table, JSON (one array) or CSV, per --format."""
    fmt = getattr(args, "format", "table")
    limit = getattr(args, "limit", None)
    if limit is not None:
        rows = rows[:limit]
    with _output(args) as out:
        if fmt == "json":
            json.dump(rows, out, ensure_ascii=False, indent=1)
            out.write("\n")
        elif fmt == "csv":
            import csv

            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({c: _cell(row.get(c)) for c in columns})
        else:
            if not rows:
                out.write("(none)\n")
                return
            cells = [[_cell(r.get(c)) for c in columns] for r in rows]
            widths = [min(60, max(len(c), *(len(row[i]) for row in cells))) for i, c in enumerate(columns)]
            out.write("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
            for row in cells:
                out.write("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)).rstrip() + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


# ---------------------------------------------------------------- commands


def cmd_tui(args) -> int:
    from .app import run_app

    return run_app(db=getattr(args, "db", None))


def cmd_standard(args) -> int:
    from .core.standard import load_standard

    model = load_standard()
    with _output(args) as out:
        if args.json:
            json.dump(model.as_json(), out, ensure_ascii=False, indent=1)
            out.write("\n")
            return EXIT_OK
        for proc in model.processes:
            out.write(f"{proc.code}  {proc.name}\n")
            for act in (a for a in model.activities if a.process == proc.code):
                out.write(f"  {act.code}  {act.name}\n")
                for task in (t for t in model.tasks if t.activity == act.code):
                    out.write(f"    {task.code:7} {task.title}  [{' '.join(task.roles)}]\n")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .core.clock import parse_datetime
    from .demo import build_demo
    from .paths import demo_db_path
    from .store.db import Actor, open_store

    if args.as_of:
        os.environ["VSE_TUI_NOW"] = parse_datetime(f"{args.as_of.isoformat()}T09:30:00").isoformat()
    path = Path(args.db).expanduser() if getattr(args, "db", None) else demo_db_path()
    if path.exists() and path.stat().st_size > 0:
        store = open_store(path)
        empty = store.is_empty()
        store.close()
        if not empty and getattr(args, "db", None) and not confirm(args, f"{path} already holds records. Replace it with the demo shop?"):
            raise VseError(f"{path} already holds records; nothing was changed (use --yes to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(path, Actor(operator="demo"))
    try:
        counts = build_demo(store, as_of=args.as_of, incidents=args.incidents)
    finally:
        store.close()
    print(f"Demo shop written to {path}: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()),
          file=sys.stderr)
    if args.no_open:
        return EXIT_OK
    from .app import run_app

    return run_app(db=str(path))


def cmd_export(args) -> int:
    from .reports.export import write_export

    store = _store(args)
    try:
        with _output(args) as out:
            write_export(store, out)
    finally:
        store.close()
    return EXIT_OK


# ---------------------------------------------------------------- parser

class _Unused:
    """Stands in for the parser of a command this run does not use: takes every call, keeps nothing."""

    def __getattr__(self, name: str) -> Callable[..., "_Unused"]:
        return lambda *args, **kwargs: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or (with `only`) just the top level and that one command: argparse
    spends about 0.2 ms per parser it builds (gettext looks up each help text), which is 10 ms
    for all of them, a good part of a quick `vse-tui incident add`."""
    db_opt = _Parser(add_help=False)
    db_opt.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database file (default: VSE_TUI_DB or the user data folder)")
    parser = _Parser(prog="vse-tui", description="Run a small IT service shop the ISO/IEC TR 29110-5-3 way.",
                     parents=[db_opt])
    parser.add_argument("--version", action="version", version=f"vse-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, func: Callable[[Any], int], help: str) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return _Unused()  # type: ignore[return-value]
        p = sub.add_parser(name, parents=[db_opt], help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = command("standard", cmd_standard, "print the reference model of the standard the app uses")
    p.add_argument("--json", action="store_true", help="as JSON (processes, activities, tasks, roles, work_products)")
    p.add_argument("--out", metavar="FILE")

    p = command("demo", cmd_demo, "create a demo database of a fictional three-person shop and open it")
    p.add_argument("--no-open", action="store_true", help="only create the database")
    p.add_argument("--incidents", type=_positive, default=300, metavar="N", help="number of incidents (default 300)")
    p.add_argument("--as-of", type=_date, metavar="DATE", help="the day the demo history ends (default today)")
    p.add_argument("--yes", action="store_true", help="replace an existing database without asking")

    p = command("export", cmd_export, "export everything stored")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("--out", metavar="FILE")

    from .commands import register

    register(command)
    return parser


def _parse(argv: list[str]):
    """Parse with the parser of the command named first; anything it cannot read (no command, a
    typo, an option value before the command) is parsed, and reported, by the whole parser."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is not None:
        try:
            return build_parser(only=first).parse_args(argv)
        except UsageError:
            pass
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parse(sys.argv[1:] if argv is None else list(argv))
        func = getattr(args, "func", None) or cmd_tui
        return func(args)
    except UsageError as exc:
        print(f"vse-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except VseError as exc:
        print(f"vse-tui: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("vse-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except sqlite3.DatabaseError as exc:
        print(f"vse-tui: the database is damaged or unreadable ({exc}); run 'vse-tui doctor', "
              "then 'vse-tui restore' from a backup", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # the last line of defence: one line, never a traceback
        print(f"vse-tui: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_REFUSED


def entry() -> None:
    sys.exit(main())
