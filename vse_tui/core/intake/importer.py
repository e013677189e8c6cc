"""Moving in from the tool a shop uses now: its CSV export, as the tool writes it.

The layout is recognised from the header (Jira Service Management, ServiceNow, Zammad, GLPI,
Freshdesk, osTicket, Request Tracker, iTop, a ticket event log; see core.intake.layouts), else the
common names of all of them are tried; `--map COLUMN=field`, `--ignore COLUMN` and
`--map-value field:WORD=VALUE` adjust it. Dates are read by the one date reader (core.kernel.dates), each
column deciding its own day or month order from all its values.

A ticket's rows (an event log has one per status change) become one incident whose history tells
its story: each status change is a history row written now that keeps when it happened in the
export and who did it (matched to a person of the shop by name, or the export's name). The first
move to work is the first response, the first resolution the restore, a resolution followed by
more work a reopen, the last closure the closure. The ticket key is kept (shown, searchable,
`incident show KEY`), so a ticket is never imported twice; with no key column each row's content
is fingerprinted to the same end. Rows that cannot be read are rejected one by one with their line
and the value at fault; their ticket is not imported."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _

from ..incidents.policy import priority_for
from ..kernel import clock
from ..kernel.dates import DateError, DateReader, Evidence
from ..kernel.errors import InputError
from ..model.ports import Source
from ..present.labels import field_words
from .layouts import (
    DATE_FIELDS,
    FIELDS,
    STATES,
    Layout,
    common_names,
    detect,
    generic_states,
    generic_words,
)

if TYPE_CHECKING:
    import random

    from ..model.ports import Source, StorePort

EMPTY = {"", "?", "null", "none", "n/a", "na", "-", "--", "(empty)", "(none)"}
MAX_FIELD = 1 << 20  # a value longer than this is refused with its line (a CSV quoting gone wrong)
SHOWN = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# one row's part in a ticket's story: when, seq, line, state, who, the status word as written
Event = tuple[datetime | None, int, int, str | None, str | None, str]
ACTIVE = ("new", "in progress", "waiting for customer", "waiting for supplier")
STEP_TASK = {"new": "IN.2.2", "in progress": "IN.2.2", "waiting for customer": "IN.2.2",
             "waiting for supplier": "IN.2.2", "restored": "IN.2.4", "closed": "IN.2.5"}


@dataclass
class Rejected:
    line: int
    reason: str
    values: list[str] = field(default_factory=list)  # the row as it was, for --rejects
    dropped: bool = False  # its values were not kept (past the first thousand): read again for --rejects


KEEP_REJECTED_VALUES = 1000  # rejected rows whose values are kept in memory; the others are read again


# ---------------------------------------------------------------- reading a CSV file


def empty(value: str | None) -> bool:
    return value is None or value.strip().lower() in EMPTY


def _encoding(path: Path, sample: bytes, name: str) -> tuple[str, str]:
    """The file's encoding and why: a BOM says it; else UTF-8 if the whole file decodes as UTF-8
    (read a MiB at a time: a Windows-1252 character may first appear far into the file), else
    Windows-1252; UTF-16 without a BOM is known by its zero bytes."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", _("UTF-16 (its byte order mark)")
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", _("UTF-8 (its byte order mark)")
    if b"\x00" in sample:
        head = sample[:4000]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le", _("UTF-16 (little-endian, no byte order mark)")
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be", _("UTF-16 (big-endian, no byte order mark)")
        line = sample[:sample.index(b"\x00")].count(b"\n") + 1
        raise InputError(_("{name} holds binary data (a NUL byte on line {line}): it is not a CSV export").format(name=name, line=line))
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return "cp1252", _("Windows-1252 (byte {offset:,} is not UTF-8; --encoding to say otherwise)").format(offset=offset + exc.start)
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252", _("Windows-1252 (the file ends inside a UTF-8 character)")
    return "utf-8", _("UTF-8 (the whole file reads as UTF-8)")


class _Rfc4180(csv.Dialect):
    """CSV as the tools write it (RFC 4180): a quote inside a quoted value is written twice."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


def _delimiter(header_line: str) -> str:
    """The delimiter: the one of , ; tab | the header line uses most outside quotes (a comma on a tie)."""
    outside = re.sub(r'"(?:[^"]|"")*"', "", header_line)
    counts = {d: outside.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass
class CsvFile:
    """A CSV file read a row at a time: its encoding (from the whole file) and delimiter (from its
    header); quoting as RFC 4180 says."""

    path: Path
    encoding: str
    dialect: Any
    header: list[str]
    encoding_why: str = ""

    @classmethod
    def open(cls, path: str | Path, encoding: str | None = None) -> CsvFile:
        source = Path(path).expanduser()
        try:
            with open(source, "rb") as fh:
                sample = fh.read(1 << 16)
        except OSError as exc:
            raise InputError(_("Cannot read {source}: {problem}").format(source=source, problem=exc.strerror or exc)) from None
        if not sample.strip():
            raise InputError(_("{name} is empty").format(name=source.name))
        if encoding:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise InputError(_("--encoding {encoding!r} is not an encoding Python knows (e.g. utf-8, cp1252, latin-1, utf-16)").format(encoding=encoding)) from None
            why = _("{encoding} (--encoding)").format(encoding=encoding)
            if encoding.startswith("utf-8") and sample.startswith(b"\xef\xbb\xbf"):
                encoding = "utf-8-sig"
        else:
            encoding, why = _encoding(source, sample, source.name)
        text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
        first_line = text.split("\n", 1)[0]
        dialect = type("_Found", (_Rfc4180,), {"delimiter": _delimiter(first_line)})
        first = next(csv.reader(io.StringIO(text), dialect), [])
        header = [h.strip().lstrip("\ufeff") for h in first]
        if header and not header[-1] and len(header) > 1:  # a trailing delimiter: an empty last column
            header = header[:-1]
        if not any(header):
            raise InputError(_("{name} has no header line naming its columns").format(name=source.name))
        return cls(source, encoding, dialect, header, why)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the row starts, its values), skipping blank rows; a quoting error or an
        over-long value refuses the file with its line."""
        csv.field_size_limit(MAX_FIELD)
        try:
            fh = open(self.path, encoding=self.encoding, errors="replace", newline="")
        except OSError as exc:
            raise InputError(_("Cannot read {path}: {problem}").format(path=self.path, problem=exc.strerror or exc)) from None
        with fh:
            reader = csv.reader(fh, self.dialect, strict=True)
            end = 0
            try:
                next(reader)
                end = reader.line_num
                for values in reader:
                    start, end = end + 1, reader.line_num
                    if any(v.strip() for v in values):
                        yield start, values
            except csv.Error as exc:
                message = str(exc)
                if "field larger" in message:
                    why = _("a value longer than {limit} MiB (a quote left open?)").format(limit=MAX_FIELD >> 20)
                elif "end of data" in message or "EOF" in message:
                    why = _("a quote opened here is never closed (the rest of the file would be one value)")
                elif "expected" in message and "after" in message:
                    why = (_("a quote inside a quoted value is not doubled (RFC 4180 writes \"\" for one quote): ")
                           + message)
                else:
                    why = message
                raise InputError(_("{name}: line {line}: {why}; nothing was imported").format(name=self.path.name, line=end + 1, why=why)) from None

    def width_error(self, values: list[str]) -> str | None:
        """Why a row does not fit the header (a value that was cut or run together), or None."""
        width, n = len(self.header), len(values)
        if n == width or (n > width and not any(v.strip() for v in values[width:])):
            return None
        return (_("the row has {n} values where the header names {width} columns (a delimiter or a quote inside a value that is not quoted as RFC 4180 says?)").format(n=n, width=width))


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (with their line numbers) of a small CSV file (parties, items)."""
    source = CsvFile.open(path)
    header = source.header
    rows = [(n, {header[i]: values[i] if i < len(values) else "" for i in range(len(header))})
            for n, values in source.rows()]
    return header, rows


def check_new_name(name: str | None, existing: set[str], seen: set[str], stored: str = N_("already stored")) -> str:
    """A row's name, refused when empty, already stored or met earlier in the same file."""
    if not name:
        raise ValueError(_("name is empty"))
    if name.lower() in existing:
        raise ValueError(_("{name!r} is {stored}").format(name=name, stored=_(stored)))
    if name.lower() in seen:
        raise ValueError(_("{name!r} appears twice in the file").format(name=name))
    return name


def match_columns(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """field -> column, each field taking the first of its usual names the file has (case-insensitive)."""
    lowered = {h.lower().strip(): h for h in header}
    mapping: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in names:
            if alias in lowered and lowered[alias] not in mapping.values():
                mapping[name] = lowered[alias]
                break
    return mapping


# ---------------------------------------------------------------- options


@dataclass
class Options:
    """What the user said: columns (`--map COLUMN=field`), columns to leave out (`--ignore`), value
    words (`--map-value priority:Highest=P1`), how dates read (`--dates`)."""

    columns: dict[str, str] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: str | None = None
    encoding: str | None = None  # --encoding: the file's encoding, when the file does not say it right
    update: bool = False  # --update: tickets imported before from this file are brought up to date

    @classmethod
    def parse(cls, maps: Iterable[str] = (), ignore: Iterable[str] = (), map_values: Iterable[str] = (),
              dates: str | None = None, encoding: str | None = None, update: bool = False) -> Options:
        out = cls(ignore=[c.strip() for c in ignore], dates=dates, encoding=encoding, update=update)
        for item in maps:
            column, sep, name = item.partition("=")
            if not sep or not column.strip() or not name.strip():
                raise InputError(_("--map {item!r}: use COLUMN=field, e.g. --map 'Ticket ID=ref'").format(item=item))
            if name.strip() not in FIELDS:
                raise InputError(_("--map {item!r}: {name!r} is not a field (one of {fields})").format(item=item, name=name.strip(), fields=', '.join(FIELDS)))
            out.columns[column.strip()] = name.strip()
        for item in map_values:
            target, sep, rest = item.partition(":")
            word, sep2, value = rest.partition("=")
            if not sep or not sep2 or not word.strip():
                raise InputError(_("--map-value {item!r}: use field:WORD=VALUE, e.g. --map-value priority:Highest=P1").format(item=item))
            name = target.strip()
            if name not in ("priority", "impact", "urgency", "state"):
                raise InputError(_("--map-value {item!r}: values can be mapped for priority, impact, urgency and state").format(item=item))
            out.values.setdefault(name, {})[word.strip().lower()] = value.strip()
        return out


# ---------------------------------------------------------------- the plan


@dataclass
class Ticket:
    """What an import will store for one ticket: the incident as it was first, and its story."""

    key: str | None
    fingerprint: str | None
    line: int
    rows: int
    initial: dict[str, Any]
    steps: list[tuple[dict[str, Any], str, str | None, str | None, datetime | None]]  # changes, state, who, task, when
    final_state: str
    final: dict[str, Any]


@dataclass
class ImportPlan:
    """What an import will do, decided by reading the file; the tickets themselves are read again,
    a batch at a time, when they are stored (a big file is never held whole)."""

    layout: str
    mapping: dict[str, str]  # field -> column
    preview: list[Ticket] = field(default_factory=list)  # the first tickets, for the preview
    to_import: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0
    ticket_count: int = 0
    skipped_known: int = 0
    rejected_tickets: int = 0
    event_log: bool = False
    keyed: bool = True
    dates: dict[str, str] = field(default_factory=dict)  # field -> how its dates are read
    notes: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unknown_customers: Counter[str] = field(default_factory=Counter)
    values_used: dict[str, Counter[str]] = field(default_factory=dict)  # field -> "word -> value" counts
    source: str = ""
    reading: Any = None  # how to read the tickets again (_Reading)
    kept: list[Ticket] | None = None  # the tickets, when few enough to keep
    checked: bool = False  # every ticket built and counted while planning (else while storing: `apply`)
    encoding: str = ""  # how the file's encoding was decided
    delimiter: str = ","
    event_time: str = ""  # which column gives an event log's row times, and why
    placed: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (word, state, how) -> rows: unknown status words placed
    no_close_date: int = 0  # closed tickets whose export gives no close date (left empty, never guessed)
    update: bool = False  # --update: tickets imported before from this file are brought up to date
    to_update: int = 0  # of the tickets in the file, those already here (--update compares them)
    updated: int = 0  # of those, the ones an --update changed

    def rejected_rows(self) -> Iterator[tuple[Rejected, list[str]]]:
        """Each rejected row with its values as the file has them (those not kept are read again)."""
        wanted = {r.line for r in self.rejected if r.dropped}
        found: dict[int, list[str]] = {}
        if wanted and self.reading is not None:
            for line, values in self.reading.source.rows():
                if line in wanted:
                    found[line] = values
        for r in self.rejected:
            yield r, (found.get(r.line, []) if r.dropped else r.values)

    def walk(self) -> Iterator[Ticket]:
        """Every ticket the import will store (kept from the plan, or read from the file again; on a
        plan made without its check, the one walk that builds, checks and counts them)."""
        if not self.checked:
            return self._counted(keep=False)  # stored as they come: none kept
        if self.kept is not None:
            return iter(self.kept)
        return _walk(self.reading, _Sink())

    def expected(self) -> int:
        """How many tickets the import will store, or (before they are checked) at most."""
        if self.checked:
            return self.to_import
        return self.reading.named + self.reading.unnamed if self.keyed else self.rows  # a row with no key: one ticket

    def _counted(self, keep: bool) -> Iterator[Ticket]:
        """Build every ticket once, counting what the preview shows (to import, rejected, the first
        few) as they pass; `keep`: hold them (a few thousand at most) for the import to come."""
        keys: set[str] = set()  # the fingerprints of rows without a ticket key (the keys are counted already)
        kept: list[Ticket] | None = [] if keep else None
        for ticket in _walk(self.reading, self, keys):
            self.to_import += 1
            self.event_log = self.event_log or ticket.rows > 1
            if len(self.preview) < PREVIEW:
                self.preview.append(ticket)
            if kept is not None:
                kept.append(ticket)
                if len(kept) > KEEP:  # a big file: its tickets are read again if stored later
                    kept = None
            yield ticket
        self.checked, self.kept = True, kept
        self.reading.words = _Words(self.reading.words.layout, self.reading.words.options, _Sink())
        self.skipped_known = (0 if self.update else self.reading.named_known) + len(keys & self.reading.known)
        self.rejected_tickets = len(self.reading.bad)
        self.ticket_count = self.to_import + self.rejected_tickets + self.skipped_known  # each ticket is one of these
        self.event_log = self.event_log or bool(self.reading.key_counts)  # a key met on several rows
        self.rejected.sort(key=lambda r: r.line)

    @property
    def tickets(self) -> list[Ticket]:
        """Every ticket, read whole (for a small file; the import itself walks them)."""
        return list(self.walk())


class _Sink:
    """Where a walk over the file puts what it learns: the plan on the first walk, nothing after."""

    def __init__(self) -> None:
        self.rejected: list[Rejected] = []
        self.unknown_customers: Counter[str] = Counter()
        self.values_used: dict[str, Counter[str]] = {}
        self.placed: Counter[tuple[str, str, str]] = Counter()
        self.no_close_date = 0


@dataclass
class _Reading:
    source: CsvFile
    index: dict[str, int]
    readers: dict[str, DateReader]
    words: Any
    keyed: bool
    key_counts: Counter[int]  # hash(ticket key) -> its rows, for keys met on more than one row (others have one)
    known: set[str]
    bad: set[str]
    people: dict[str, str]
    customers: dict[str, str]
    services: dict[str, str]
    progress: Callable[[int], None] | None = None
    named: int = 0  # distinct ticket keys in the file
    unnamed: int = 0  # rows without a ticket key (each one ticket)
    named_known: int = 0  # of the keys, those already here


UNKNOWN = "?"  # a state word no table knows: placed by the tool's category or its place in the ticket


class _Words:
    """Value words of one layout (plus the user's) -> values here."""

    def __init__(self, layout: Layout | None, options: Options, plan: Any) -> None:
        self.layout, self.options, self.plan = layout, options, plan
        self.priorities = {**generic_words("priorities"), **(layout.priorities if layout else {})}
        self.levels = {**generic_words("levels"), **(layout.levels if layout else {})}
        self.states = dict(layout.states if layout else {})
        self.categories = dict(layout.categories if layout else {})
        self.generic = generic_states(layout.language if layout else None)

    def _used(self, name: str, raw: str, value: str) -> str:
        self.plan.values_used.setdefault(name, Counter())[f"{raw} -> {value}"] += 1
        return value

    def _user(self, name: str, raw: str) -> str | None:
        return self.options.values.get(name, {}).get(raw.strip().lower())

    @staticmethod
    def _readings(text: str) -> list[str]:
        """A word as written, then by its meaning (the words without a number before them: OTRS's
        "4 high" is high, ServiceNow's "1 - Critical" critical), then each part, then the number."""
        words = re.sub(r"^\s*p?\d+\s*[-:.)]?\s*", "", text).strip()
        parts = [p for p in re.split(r"\s*[-:.)]\s*|\s+", text) if p]
        return [text, *([words] if words and words != text else []), *[p for p in parts if not p.isdigit()],
                text.removeprefix("p"), *[p for p in parts if p.isdigit()]]

    def priority(self, raw: str) -> str:
        given = self._user("priority", raw)
        if given:
            if given.upper() not in ("P1", "P2", "P3", "P4", "P5"):
                raise ValueError(_("--map-value priority:{raw}={given}: a priority is P1 to P5").format(raw=raw, given=given))
            return self._used("priority", raw, given.upper())
        text = raw.strip().lower()
        if self.layout is not None and self.layout.numeric_priority == "rt" and text.isdigit():
            n = int(text)
            return self._used("priority", raw, "P2" if n >= 67 else "P3" if n >= 34 else "P4")
        for candidate in self._readings(text):
            if candidate in self.priorities:
                return self._used("priority", raw, self.priorities[candidate])
        raise ValueError(_("priority: {raw!r} is not a priority we know (map it: --map-value 'priority:{raw}=P2')").format(raw=raw))

    def level(self, name: str, raw: str) -> str:
        given = self._user(name, raw)
        if given:
            if given.lower() not in ("high", "medium", "low"):
                raise ValueError(_("--map-value {name}:{raw}={given}: use high, medium or low").format(name=name, raw=raw, given=given))
            return self._used(name, raw, given.lower())
        text = raw.strip().lower()
        for candidate in self._readings(text):
            if candidate in self.levels:
                return self._used(name, raw, self.levels[candidate])
        raise ValueError(_("{name}: {raw!r} is not high, medium or low (map it: --map-value '{name}:{raw}=high')").format(name=name, raw=raw))

    def state(self, raw: str | None, sub: str | None, category: str | None = None) -> str | None:
        """A state here; None for a row that says nothing about it (kept as it was); UNKNOWN for a
        word no table knows and no category places. A sub status says more than its status: it is
        read first, whole, then the status (the user's words first: `Status / Sub status` as the
        preview shows a pair, then each)."""
        pair = f"{raw.strip()} / {sub.strip()}" if raw and raw.strip() and sub and sub.strip() else None
        for n, text in enumerate((pair, sub, raw)):
            if text is None or not text.strip():
                continue
            given = self._user("state", text)
            if not given and n == 0:  # the pair is the user's word only
                continue
            if given:
                if given not in STATES:
                    raise ValueError(_("--map-value state:{text}={given}: use new, in progress, waiting for customer, waiting for supplier, restored or closed").format(text=text, given=given))
                return self._used("state", text, given)
            key = text.strip().lower()
            if key in self.states:
                return self._used("state", text, self.states[key]) if self.states[key] else None
            for word, state in self.generic:
                if word in key:
                    return self._used("state", text, state)
        if category and category.strip():
            key = category.strip().lower()
            placed = self.categories.get(key) or next((s for w, s in self.categories.items() if w in key), None)
            if placed:
                self.placed(sub or raw or "", placed, _("the tool's own category ({category})").format(category=category.strip()))
                return placed
        return UNKNOWN

    def placed(self, word: str, state: str, how: str) -> None:
        self.plan.placed[(word, state, how)] += 1


def mapping_for(header: list[str], layout: Layout | None, options: Options) -> dict[str, str]:
    """field -> column: the layout's columns first, then the common names, then the user's --map."""
    lowered = {h.lower(): h for h in header if h not in options.ignore}
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in FIELDS:
        for column in (layout.columns.get(name, ()) if layout else ()):
            if column in lowered and (lowered[column] not in taken or name in ("actor", "resolver")):
                out[name] = lowered[column]
                taken.add(lowered[column])
                break
    for name, names in common_names().items():
        if name in out or (layout and name == "event_time" and name not in layout.columns):
            continue  # a list export's "Date" is no event time
        for column in names:
            if column in lowered and lowered[column] not in taken:
                out[name] = lowered[column]
                taken.add(lowered[column])
                break
    for column, name in options.columns.items():
        if column not in header:
            raise InputError(_("--map {column}={name}: the file has no column {column!r}").format(column=column, name=name))
        out = {f: c for f, c in out.items() if c != column}
        out[name] = column
    return out


def plan_incidents(store: StorePort, path: Path, overrides: dict[str, str] | None = None,
                   options: Options | None = None, progress: Callable[[int], None] | None = None,
                   check: bool = True) -> ImportPlan:
    """Read the file and decide everything an import would store; nothing is written. Without
    `check` (an import that goes on without a preview), only how the file reads is decided: the
    tickets are built, checked and counted once, by the import itself."""
    options = options or Options()
    if overrides:
        options.columns.update(overrides)
    store.guard_input(Path(path))
    source = CsvFile.open(path, options.encoding)
    header = source.header
    for column in options.ignore:
        if column not in header:
            raise InputError(_("--ignore {column!r}: the file has no such column").format(column=column))
    layout = detect(header)
    mapping = mapping_for(header, layout, options)
    plan = ImportPlan(layout.title if layout else "common column names", mapping, header=header,
                      ignored=list(options.ignore), source=source.path.name, encoding=source.encoding_why,
                      delimiter=source.dialect.delimiter, update=options.update)
    if layout and layout.note:
        plan.notes.append(layout.note)
    if "summary" not in mapping and "ref" not in mapping:
        raise InputError(_("No column gives a summary or a ticket number; name one with --map COLUMN=summary"))
    plan.keyed = "ref" in mapping
    if not plan.keyed:
        plan.notes.append(_("no ticket key column: each row is one ticket, fingerprinted by its content, so importing the same file again adds nothing"))
    index = {name: header.index(column) for name, column in mapping.items()}
    # the first pass: how each date column reads (from all its values) and how many rows each ticket has

    evidence = {n: Evidence() for n in DATE_FIELDS if n in index}
    # The ticket keys are not held: each keyed row leaves the hash of its key (8 bytes, in one of 256
    # arrays by its low bits), and the keys already here are asked of the database as they come.
    hashes = [array("q") for _ in range(256)]
    asked: list[str] = []
    known_keys: set[str] = set()
    unnamed = 0  # keyed rows without a key: each is one ticket
    ref = index.get("ref")
    for _line, values in source.rows():
        plan.rows += 1
        if ref is not None and ref < len(values):
            key = _key(_cell(values, ref))
            if key is None:
                unnamed += 1
            else:
                h = hash(key)
                hashes[h & 255].append(h)
                asked.append(key)
                if len(asked) >= ASK_EVERY:
                    known_keys |= store.known_external_refs(asked)
                    asked.clear()
        for name, seen in evidence.items():
            i = index[name]
            if i < len(values):
                seen.add(values[i])
        if progress and plan.rows % 5000 == 0:
            progress(plan.rows)
    readers: dict[str, DateReader] = {}
    day_first = sum(e.day_first for e in evidence.values())
    month_first = sum(e.month_first for e in evidence.values())
    for name, seen in evidence.items():
        try:
            readers[name] = seen.reader(options.dates)
        except DateError as exc:
            raise InputError(_("{label}: {value}").format(label=mapping[name], value=exc)) from None
        if (not options.dates and seen.numeric and not seen.day_first and not seen.month_first
                and bool(day_first) != bool(month_first)):  # one tool writes all its dates alike
            first = bool(day_first)
            readers[name] = DateReader(first, (
                _("day-first, as the file's other date columns say ({n} dates such as 13/01)") if first else
                _("month-first, as the file's other date columns say ({n} dates such as 01/13)")).format(
                n=day_first or month_first))
        plan.dates[name] = _(readers[name].decided)
    key_counts: Counter[int] = Counter()
    named = 0
    for bucket in hashes:
        counted = Counter(bucket)
        named += len(counted)
        key_counts.update({h: n for h, n in counted.items() if n > 1})
    del hashes
    if key_counts and ref is not None:  # an event log: which column gives each row's time
        _choose_event_time(source, index, readers, ref, plan)
    customers: dict[str, str] = {}
    for uuid, name in store.titles("customers").items():
        customers[name.lower()] = uuid
    for uuid, short in store.customer_codes().items():
        customers.setdefault(short.lower(), uuid)
    if asked:
        known_keys |= store.known_external_refs(asked)
    # Summed up a bucket at a time (above), only the keys met on several rows keep their count: the
    # walk needs it to know when such a ticket's last row is read. Two keys of the same hash (one in
    # billions of pairs) only make their tickets wait for the end of the file to be finished.
    named_known = len(known_keys)
    if options.update:  # brought up to date, not skipped: built like the others and compared when stored
        plan.to_update = named_known
        known_keys = set()
    known = known_keys | _known_fingerprints(store)  # and the fingerprints of tickets that came without a key
    plan.reading = _Reading(
        source, index, readers, _Words(layout, options, plan), plan.keyed, key_counts, known, set(),
        {name.lower(): uuid for uuid, name in store.titles("people").items()}, customers,
        {name.lower(): uuid for uuid, name in store.titles("services").items()}, progress,
        named, unnamed, named_known)
    if check:  # the second pass: every ticket built and checked once, the first few kept for the preview
        for _ticket in plan._counted(keep=True):
            pass
    return plan


def _choose_event_time(source: CsvFile, index: dict[str, int], readers: dict[str, DateReader], ref: int,
                       plan: ImportPlan) -> None:
    """An event log's row time: of its date columns, the one that changes within most tickets and
    never goes back (in the file's order, or never forward: a log written newest first). Said in
    the preview with its evidence; `index` then reads it as the event time."""
    candidates = [n for n in ("event_time", "updated_at", "restored_at", "closed_at", "responded_at", "opened_at")
                  if n in index and n in readers]
    if not candidates:
        plan.event_time = _("none: no date column changes within a ticket (rows keep the file's order)")
        return
    last: dict[str, dict[str, tuple[datetime, int]]] = {n: {} for n in candidates}
    varies: dict[str, set[str]] = {n: set() for n in candidates}
    forward: Counter[str] = Counter()
    back: Counter[str] = Counter()
    seq = index.get("sequence")  # a modification count: the order the tool made the rows in
    for _line, values in source.rows():
        key = _key(_cell(values, ref))
        if key is None:
            continue
        count = _cell(values, seq) if seq is not None else None
        n = int(count) if count and count.isdigit() else 0
        for name in candidates:
            raw = _cell(values, index[name])
            if raw is None:
                continue
            try:
                when = readers[name].read(raw)
            except DateError:
                continue
            if when is None:
                continue
            before = last[name].get(key)
            if before is not None and when != before[0]:
                varies[name].add(key)
                later = when > before[0]
                if seq is not None and n < before[1]:
                    later = not later  # a row the tool made earlier, written further down
                if later:
                    forward[name] += 1
                else:
                    back[name] += 1
            last[name][key] = (when, n)

    def score(name: str) -> tuple[bool, bool, int]:
        steps = forward[name] + back[name]
        steady = min(forward[name], back[name]) <= steps // 50  # one step in fifty may go the other way
        return bool(varies[name]), steady, len(varies[name])

    best = max(candidates, key=score)
    tickets = len(last["event_time" if "event_time" in last else best]) or 1
    if not varies[best]:
        plan.event_time = _("none: no date column changes within a ticket (rows keep the file's order)")
        index.pop("event_time", None)
        return
    column = source.header[index[best]]
    _varies, steady, n = score(best)
    against = min(forward[best], back[best])
    steps_n = forward[best] + back[best]
    if steady and not against:
        order = _("never goes back (in the order of its modification count)") if seq is not None else \
            _("never goes back")
    elif steady:
        order = _("goes the other way in {n} of {steps} steps; rows are put in its order").format(n=against, steps=steps_n)
    else:
        order = _("goes back in {n} of {steps} steps; rows are put in its order").format(n=against, steps=steps_n)
    plan.event_time = _("{column!r} (changes within {n} of {tickets} tickets, {order})").format(
        column=column, n=n, tickets=len(last[best]) or tickets, order=order)
    index["event_time"] = index[best]
    plan.mapping["event_time"] = column
    if best != "event_time":
        readers["event_time"] = readers[best]


def _key(text: str | None) -> str | None:
    """A ticket key as the tool shows it: digits grouped by thousands (2 553, 2.553, 2,553) are the number."""
    if text is not None and _GROUPED.match(text):
        return re.sub(r"\D", "", text)
    return text


_GROUPED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+$")

PREVIEW = 20
ASK_EVERY = 5_000  # ticket keys read between two questions to the database: which are here already
KEEP = 20_000  # tickets kept between the plan and the import; past it, the file is read again


def _walk(reading: _Reading, sink: Any, keys: set[str] | None = None) -> Iterator[Ticket]:
    """The tickets of the file in the order they complete: a ticket is finished once its last row
    is read (the first pass counted them), so only tickets still being read are held."""
    builders: dict[str, _Builder] = {}
    known, bad, counts = reading.known, reading.bad, reading.key_counts
    done = 0
    for line, values in reading.source.rows():
        done += 1
        if reading.progress and done % 2000 == 0:
            reading.progress(done)
        width = len(values)
        row = {name: _cell(values, i) if i < width else None for name, i in reading.index.items()}
        if "ref" in row:
            row["ref"] = _key(row["ref"])
        key = row.get("ref")
        if not reading.keyed or key is None:
            key = "fp:" + hashlib.sha256("\x1f".join(v.strip() for v in values).encode("utf-8")).hexdigest()[:32]
            if keys is not None:
                keys.add(key)
        if key in known or key in bad:
            continue
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = _Builder(key, line)
        builder.rows += 1
        try:
            misfit = reading.source.width_error(values)
            if misfit:
                raise ValueError(misfit)
            builder.add(line, row, reading.readers, reading.words)
        except (ValueError, InputError) as exc:
            keep = len(sink.rejected) < KEEP_REJECTED_VALUES  # a file of bad rows never fills the memory
            sink.rejected.append(Rejected(line, str(exc), values if keep else [], dropped=not keep))
            bad.add(key)
            del builders[key]
            continue
        if reading.keyed and row.get("ref") is not None and builder.rows < counts.get(hash(key), 1):
            continue  # more rows of this ticket to come
        del builders[key]
        ticket = _finish(builder, reading, sink)
        if ticket is not None:
            yield ticket
    for builder in list(builders.values()):
        ticket = _finish(builder, reading, sink)
        if ticket is not None:
            yield ticket


def _finish(builder: _Builder, reading: _Reading, sink: Any) -> Ticket | None:
    try:
        return builder.finish(sink, reading.people, reading.customers, reading.services)
    except (ValueError, InputError) as exc:
        sink.rejected.append(Rejected(builder.line, str(exc)))
        reading.bad.add(builder.key)
        return None


def _cell(values: list[str], i: int) -> str | None:
    if i >= len(values):
        return None
    text = values[i].strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):  # a cell our own CSV writer kept from a spreadsheet
        text = text[1:]
    return None if text.lower() in EMPTY else text


class _Builder:
    """The rows of one ticket, gathered in file order."""

    __slots__ = ("key", "line", "rows", "known", "events", "first", "last")

    def __init__(self, key: str, line: int) -> None:
        self.key, self.line, self.rows, self.known = key, line, 0, False
        # when, modification count, line, state, who, the status word as the tool wrote it
        self.events: list[tuple[datetime | None, int, int, str | None, str | None, str]] = []
        self.first: dict[str, Any] = {}  # the first value each field had
        self.last: dict[str, Any] = {}  # the last value each field had

    def add(self, line: int, row: dict[str, str | None], readers: dict[str, DateReader], words: _Words) -> None:
        parsed: dict[str, Any] = {}
        for name in DATE_FIELDS:
            raw = row.get(name)
            if raw is not None and name in readers:
                try:
                    parsed[name] = readers[name].read(raw)
                except DateError as exc:
                    raise ValueError(_("{label}: {value}").format(label=field_words(name), value=exc)) from None
        if row.get("priority"):
            parsed["priority"] = words.priority(row["priority"] or "")
        for name in ("impact", "urgency"):
            if row.get(name):
                parsed[name] = words.level(name, row[name] or "")
        for name in ("restore_duration", "close_duration"):
            if row.get(name):
                parsed[name] = _duration(row[name] or "", name)
        raw_state, sub = row.get("state"), row.get("substate")
        state = words.state(raw_state, sub, row.get("state_category")) if (raw_state or sub) else None
        word = " / ".join(w for w in (raw_state, sub) if w)
        for name in ("summary", "details", "reporter", "reporter_contact", "resolver", "group", "category", "product",
                     "customer"):
            if row.get(name):
                parsed[name] = row[name]
        for name, value in parsed.items():
            self.first.setdefault(name, value)
            self.last[name] = value
        seq = row.get("sequence") or ""
        when = parsed.get("event_time") or (parsed.get("opened_at") if self.rows == 1 else None)
        self.events.append((when, int(seq) if seq.isdigit() else 0, line, state, row.get("actor") or row.get("resolver"),
                            word))

    def finish(self, plan: Any, people: dict[str, str], customers: dict[str, str],
               services: dict[str, str]) -> Ticket:
        first, last = self.first, self.last
        timeline = sorted(self.events, key=lambda e: (e[0] is None, e[0] or EPOCH, e[1], e[2])) \
            if any(e[0] for e in self.events) else self.events
        times = [e[0] for e in timeline if e[0] is not None]
        opened = first.get("opened_at") or (min(times) if times else None)
        if opened is None:
            if self.key.startswith("fp:"):
                raise ValueError(_("no opening date (a creation date or an event time)"))
            raise ValueError(_("ticket {key}: no opening date (a creation date or an event time)").format(key=self.key))
        log = self.rows > 1 and bool(times)
        timeline = _place_unknown(timeline, last, log, plan)
        key = None if self.key.startswith("fp:") else self.key
        # what the importer adds to a ticket's words is the shop's record: written in the language
        # spoken when it is imported
        summary = first.get("summary") or last.get("summary") or _unnamed(key, last.get("product"))
        details = last.get("details") or first.get("details") or ""
        if last.get("group"):
            details = (details + "\n" if details else "") + _("Group: {group}").format(group=last["group"])
        customer = None
        if last.get("customer"):
            name = str(last["customer"]).split(">")[-1].strip()  # GLPI's "Root entity > Acme Bakery"
            customer = customers.get(name.lower()) or customers.get(str(last["customer"]).lower())
            if customer is None:
                plan.unknown_customers[str(last["customer"])] += 1
                details = (details + "\n" if details else "") + _("Organisation: {name}").format(name=last["customer"])
        service = services.get(str(last.get("product") or "").lower()) if last.get("product") else None
        impact = last.get("impact") or "medium"
        urgency = last.get("urgency") or impact
        resolver_name = last.get("resolver") or ""
        resolver = people.get(resolver_name.lower(), resolver_name)
        words = [e[5] for e in timeline if e[5]]
        initial: dict[str, Any] = {
            "summary": str(summary)[:300], "details": details, "external_ref": key,
            "fingerprint": self.key[3:] if self.key.startswith("fp:") else None, "opened_at": opened,
            "impact": impact, "urgency": urgency, "priority": last.get("priority") or priority_for(impact, urgency),
            "reporter": first.get("reporter") or "", "reporter_contact": first.get("reporter_contact") or "",
            "category": last.get("category") or ("" if service else last.get("product") or ""),
            "customer": customer, "service": service, "status": "opened", "state": "new",
            "source_status": (words[0] if log else words[-1]) if words else "",
        }
        steps, final = _story(timeline, first, last, opened, resolver, log)
        state = final.get("state", "new")
        if not log:  # one row says how the ticket stands: it is stored as it stands, in one history row
            for changes, *_rest in steps:
                initial.update(changes)
            steps = []
            if state == "closed" and not initial.get("closed_at"):
                plan.no_close_date += 1
        elif state == "closed" and not final.get("closed_at"):
            plan.no_close_date += 1
        if state in ACTIVE and resolver in people.values():
            initial["assignee"] = resolver  # who has it now, a person of the shop
        elif state in ACTIVE and resolver_name:  # who has it there, not (yet) a person here: kept in words
            initial["details"] = ((initial["details"] + "\n" if initial["details"] else "")
                                  + _("Assigned to: {name}").format(name=resolver_name))
        return Ticket(key, self.key[3:] if self.key.startswith("fp:") else None, self.line, self.rows, initial, steps, state, final)


def _unnamed(key: str | None, product: Any) -> str:
    """The summary of a ticket whose export gave none: named by its number (and product)."""
    if key and product:
        return _("Imported ticket {key} ({product})").format(key=key, product=product)
    if key:
        return _("Imported ticket {key}").format(key=key)
    if product:
        return _("Imported ticket ({product})").format(product=product)
    return _("Imported ticket")


def _place_unknown(timeline: list[Event], last: dict[str, Any], log: bool, plan: Any) -> list[Event]:
    """Status words no table knows, placed where they stand: in an event log by their place in the
    ticket's events (the first event is new; after it, work in progress; after a resolution, the
    ticket stays as it was); on a one-row ticket by its own dates (a close date, a resolution
    date), else in progress. Never a closure guessed from a word."""
    if not any(e[3] == UNKNOWN for e in timeline):
        return timeline
    out = []
    current: str | None = None
    for n, (when, seq, line, state, who, word) in enumerate(timeline):
        if state == UNKNOWN:
            if not log:
                state = "closed" if last.get("closed_at") else "restored" if last.get("restored_at") else "in progress"
                how = _("the ticket's own dates") if state != "in progress" else _("no date of the ticket says it ended")
            elif current in ("restored", "closed"):
                state, how = None, _("after a resolution: the ticket stays as it was")
            elif current is None and n == 0:
                state, how = "new", _("the first event of its ticket")
            else:
                state, how = "in progress", _("its place in the ticket's events (after opening, before a resolution)")
            plan.placed[(word, state or "unchanged", how)] += 1
        if state:
            current = state
        out.append((when, seq, line, state, who, word))
    return out


def _duration(text: str, name: str) -> timedelta:
    """A duration as tools write it: seconds (minutes for a column in minutes), H:MM[:SS], a date
    counted from 1970-01-01 (ServiceNow's raw durations), or words (2 Days 3 Hours 4 Minutes)."""
    value = text.strip().lower()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", value):
        n = float(value.replace(",", "."))
        return timedelta(minutes=n) if "min" in name else timedelta(seconds=n)
    m = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", value)
    if m:
        return timedelta(hours=int(m.group(1)), minutes=int(m.group(2)), seconds=int(m.group(3) or 0))
    m = re.fullmatch(r"1970-01-(\d{2})[ t](\d{2}):(\d{2}):(\d{2})", value)
    if m:
        return timedelta(days=int(m.group(1)) - 1, hours=int(m.group(2)), minutes=int(m.group(3)),
                         seconds=int(m.group(4)))
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    parts = re.findall(r"(\d+)\s*([a-z]+)", value)
    if parts and all(u[0] in units for _n, u in parts):
        return timedelta(seconds=sum(int(n) * units[u[0]] for n, u in parts))
    raise ValueError(_("{name}: {text!r} is not a duration we can read").format(name=name.replace("_", " "), text=text))


def _story(timeline: list[Event], first: dict[str, Any], last: dict[str, Any], opened: datetime, resolver: str,
           log: bool) -> tuple[list[tuple[dict[str, Any], str, str | None, str | None, datetime | None]], dict[str, Any]]:
    """The steps of a ticket's life (the fields each changed, its state, who, the task, when) and
    the fields it ends with."""
    steps: list[tuple[dict[str, Any], str, str | None, str | None, datetime | None]] = []
    final: dict[str, Any] = {}
    current = "new"

    def step(changes: dict[str, Any], state: str, who: str | None, when: datetime | None) -> None:
        nonlocal current
        final.update(changes)
        steps.append((changes, state, who, STEP_TASK.get(state), when))
        current = state

    own_restored, own_closed = last.get("restored_at"), last.get("closed_at")  # the ticket's own columns
    if log:  # an event log: walk its rows in time order
        responded = restored = closed = None
        reopened = waited = 0
        waiting_since: datetime | None = None
        word_now = next((e[5] for e in timeline if e[5]), "")
        for when, _seq, _line, state, who, word in timeline:
            if state is None or state == current:
                if word and word != word_now:  # a new word for the same state: kept in the history, at its time
                    word_now = word
                    step({"source_status": word}, current, who, when)
                continue
            if state in ("restored", "closed") and when is None:
                when = own_restored if state == "restored" else (own_closed or own_restored)
            changes: dict[str, Any] = {"state": state, "status": "closed" if state == "closed" else "updated"}
            if word and word != word_now:
                changes["source_status"] = word_now = word
            if waiting_since is not None and when is not None:
                waited += max(0, int((when - waiting_since).total_seconds() // 60))
                changes["waiting_minutes"] = waited
                changes["waiting_since"] = None
                waiting_since = None
            if state.startswith("waiting") and when is not None:
                waiting_since = when
                changes["waiting_since"] = when
            if responded is None and state != "new":
                responded = when
                changes["responded_at"] = when
            if state in ("restored", "closed") and restored is None:
                restored = when
                changes["restored_at"] = when
                if resolver:
                    changes["resolver"] = resolver
            if state in ACTIVE and current in ("restored", "closed"):
                reopened += 1
                changes["reopened"] = reopened
                if current == "closed":
                    changes["closed_at"] = None
            if state == "closed":
                closed = when
                changes["closed_at"] = closed
            step(changes, state, who, when)
        return steps, final
    # one row per ticket: its columns say when it moved; a close date is never guessed from an update
    state = next((e[3] for e in reversed(timeline) if e[3]), None) or "new"
    who = next((e[4] for e in reversed(timeline) if e[4]), None)
    restored, closed = own_restored, own_closed
    if closed is None and state == "closed" and last.get("event_time"):  # an event log's one row: its own time
        closed = last["event_time"]
    if restored is None and state == "restored" and last.get("event_time"):
        restored = last["event_time"]
    if restored is None and last.get("restore_duration") is not None:
        restored = opened + last["restore_duration"]
    if closed is None and last.get("close_duration") is not None:
        closed = opened + last["close_duration"]
    if state == "closed" and closed is None:  # no close date: the resolution's, else none (said in the preview)
        closed = restored
    if state in ("restored", "closed") and restored is None:
        restored = closed
    when_known = last.get("updated_at") or opened  # when the history row is dated, when nothing else says
    responded = last.get("responded_at") or first.get("responded_at")
    if responded and responded >= opened:
        step({"state": "in progress", "status": "updated", "responded_at": responded}, "in progress", who, responded)
    if state in ("in progress", "waiting for customer", "waiting for supplier") and current != state:
        step({"state": state, "status": "updated", **({"waiting_since": opened} if state.startswith("waiting") else {})},
             state, who, opened)
    if state in ("restored", "closed"):
        at = max(restored, opened) if restored is not None else None
        step({"state": "restored", "status": "updated", "restored_at": at,
              **({"responded_at": at} if not responded and at else {}), **({"resolver": resolver} if resolver else {})},
             "restored", who, at or when_known)
    if state == "closed":
        at = max(closed, opened) if closed is not None else None
        step({"state": "closed", "status": "closed", "closed_at": at}, "closed", who, at or when_known)
    return steps, final


# ---------------------------------------------------------------- storing


BATCH = 2000  # tickets per transaction: a quarter of a second or so; a short write elsewhere waits that long


def apply(store: StorePort, plan: ImportPlan, progress: Callable[[int], None] | None = None) -> int:
    """Store the planned tickets, a few hundred per transaction (a quick write elsewhere waits a
    moment only; an import stopped half-way is resumed by running it again: what is stored is
    known by its key or fingerprint). The file is read again, a batch at a time (once only, for a
    plan made without its check). Returns how many incidents were stored."""
    people = {name: uuid for uuid, name in store.titles("people").items()}
    via = f"imported:{plan.layout} {plan.source}"[:200]
    default_who = f"{plan.layout} export"
    plan.reading.progress = None
    # A preview was read first: what was stored meanwhile (another import of the same file) is
    # skipped too, asked of the database a batch at a time.
    meanwhile = plan.checked
    fingerprints = _known_fingerprints(store) if meanwhile else set()
    count = 0
    batch: list[Ticket] = []

    def store_batch() -> int:
        tickets = batch
        if plan.update:
            here = store.known_external_refs([t.key for t in tickets if t.key])
            for ticket in tickets:
                if ticket.key in here:
                    plan.updated += _mend(store, ticket, via)
            tickets = [t for t in tickets if t.key not in here]
        if meanwhile:
            here = store.known_external_refs([t.key for t in tickets if t.key])
            tickets = [t for t in tickets if t.key not in here and "fp:" + (t.fingerprint or "") not in fingerprints]
        stories = []
        for ticket in tickets:
            first_who = next((s[2] for s in ticket.steps if s[2]), None) or default_who
            first = _source(people, first_who, via, ticket.initial["opened_at"])
            steps = [(changes, _source(people, who or default_who, via, when), task)
                     for changes, _state, who, task, when in ticket.steps]
            stories.append((ticket.initial, steps, first))
        return store.add_stories("incidents", stories, task="IN.2.1") if stories else 0

    with store.bulk():
        for ticket in plan.walk():
            if ticket.key in plan.reading.known or ("fp:" + (ticket.fingerprint or "")) in plan.reading.known:
                continue  # here when the file was read
            batch.append(ticket)
            if len(batch) >= BATCH:
                count += store_batch()
                batch = []
                if progress:
                    progress(count)
        if batch:
            count += store_batch()
        if progress:
            progress(count)
    return count


MENDED = ("opened_at", "responded_at", "restored_at", "closed_at", "state", "status", "priority", "impact", "urgency",
          "reopened", "waiting_minutes", "waiting_since", "source_status")


def _mend(store: StorePort, ticket: Ticket, via: str) -> int:
    """An incident imported before, brought to what the file says now (dates, states, priorities):
    one new version, each changed field a history row of its own (the earlier values stay in the
    history). 1 if it changed, else 0."""
    old = store.get("incidents", ticket.key or "")
    target = dict(ticket.initial)
    for changes, *_rest in ticket.steps:
        target.update(changes)
    changes = {}
    for name in MENDED:
        if name in target and getattr(old, name) != target[name]:
            changes[name] = target[name]
    if changes.get("status") == "opened" and old.status != "opened":
        changes["status"] = "updated"  # a status never goes back to opened: the incident was worked on
    if changes.get("status") == old.status:
        del changes["status"]
    if not changes:
        return 0
    store.update("incidents", old.uuid, changes, task="IN.2.2", via=f"{via} (--update)"[:200])
    return 1


def _known_fingerprints(store: StorePort) -> set[str]:
    """The tickets already here that came without a key, by their fingerprint (a row without a key
    in a file with keys is fingerprinted too, so it is not brought in twice)."""
    return {"fp:" + f for f in store.known_fingerprints()}


def _source(people: dict[str, str], who: str, via: str, when: datetime | None) -> Source:
    return Source(operator=who[:120], person=people.get(who), via=via, occurred_at=clock.iso(when) if when else None)


__all__ = ["CsvFile", "ImportPlan", "Options", "Rejected", "Ticket", "apply", "check_new_name", "demo_archive",
           "empty", "match_columns", "plan_incidents", "read_rows"]


# ---------------------------------------------------------------- the demo's archive


def demo_archive(store: StorePort, count: int, rng: random.Random, refs: dict[str, Any], before: datetime,
                 progress: Callable[[int], None] | None = None, words: Callable[[str], str] = str) -> int:
    """The tickets of the helpdesk the demo shop used before it moved in: written as that tool's
    export (Freshdesk's layout) into a private temporary file and brought in with the importer,
    as a shop would. Their dates run back from the demo's first day. `words`: the demo's texts
    in the language the shop writes in."""

    customers = [c.name for c in refs.get("customers", [])] or ["Acme Bakery"]
    contacts = [p.name for p in refs.get("contacts", [])] or ["Dana Wells"]
    summaries = [words(text) for text in ("Printer jams", "VPN drops", "Mail bounces", "Laptop slow", "Wi-Fi down",
                                          "Password reset", "Disk full", "Screen flickers", "Accounting suite crashes",
                                          "Backup failed", "Scanner not found")]
    fd, name = tempfile.mkstemp(prefix="vse-demo-archive-", suffix=".csv")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["Ticket ID", "Subject", "Status", "Priority", "Agent", "Group", "Created time",
                          "Initial response time", "Resolved time", "Closed time", "Requester Name", "Company Name"])
            span = 3 * 365 * 24 * 60  # three years of the old helpdesk, before the demo's year
            first = before.replace(microsecond=0, tzinfo=None)  # the digits strftime wrote, no zone
            for n in range(count):
                opened = first - timedelta(minutes=span - int(span * n / max(count, 1)) + rng.randint(0, 300))
                responded = opened + timedelta(minutes=rng.randint(5, 240))
                resolved = responded + timedelta(minutes=rng.randint(30, 4000))
                closed = resolved + timedelta(hours=rng.randint(1, 72))
                out.writerow([f"FD-{n + 1}", rng.choice(summaries), "Closed",
                              rng.choice(["Urgent", "High", "Medium", "Medium", "Low", "Low"]),
                              rng.choice(["Kim Lee", "Sam Ortiz", "Alex Moreau"]), words("Support"),
                              # 2023-05-06 07:08:09, as strftime would write it (four times quicker)
                              opened.isoformat(" "), responded.isoformat(" "), resolved.isoformat(" "),
                              closed.isoformat(" "), rng.choice(contacts), rng.choice(customers)])
        plan = plan_incidents(store, path, check=False)  # built and checked once, as they are stored
        return apply(store, plan, progress)
    finally:
        path.unlink(missing_ok=True)
