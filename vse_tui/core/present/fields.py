"""How each field of a record is typed by a person and shown back: the one description the
screens' forms and the CLI share. A field is a line or a text, a date, a moment, a choice,
a link to another record (by its human id), a list of links, the targets per priority
("P1 30m/4h, P2 1h/8h") or service hours ("Mon-Fri 08:00-18:00; holidays 2026-12-25").

`field_specs(kind)` lists them; `show(store, kind, record)` gives the text a form starts with;
`parse(store, kind, values)` turns what was typed back into field values, with an error that
names the field and what it expects. Nothing here knows about Textual."""

from __future__ import annotations

import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from vse_tui.i18n import LANGUAGES, SOURCE_LANGUAGE, _, formats, language, load, match_language, pgettext, using

from ..kernel import clock
from ..kernel.dates import DateError, DateReader
from ..kernel.errors import InputError, NotFound
from ..model.data import field_label, task_codes
from ..model.lookup import resolve
from ..model.records import model_for

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Record
    from ..model.records.governance import PriorityTarget
    from ..model.records.relationship import ServiceHours

# field name -> kind of record it links to (None: any kind, named by its id)
REFS: dict[str, str | None] = {
    "customer": "customers", "supplier": "suppliers", "service": "services", "services": "services",
    "impacted_cis": "configuration_items", "depends_on": "configuration_items", "cis": "configuration_items",
    "incidents": "incidents", "related_incidents": "incidents", "changes": "change_requests",
    "change": "change_requests", "owner_person": "people", "person": "people", "customers": "customers",
    "company": None, "dependencies": None, "organisation": None, "assignment": "role_assignments",
    "assignee": "people",
}
# fields the app fills through its own steps, never typed in a generic form
MANAGED = {"id", "uuid", "status", "state", "version", "created_at", "updated_at", "created_by", "updated_by",
           "approvals", "notes", "period_performance", "signed_off_by", "signed_off_at", "deployed_at", "planned_at", "confirmed_at",
           "built_by", "planned_end", "template", "template_from", "review", "deployed_before_approval", "sha256", "size", "record", "assignments", "priority_matrix", "targets_policy", "templates", "security_measures",
           "change_definitions", "time_entries", "notifications", "confirmations", "change_requests",
           "ssh_key", "key_proof"}  # a key is registered by its rules (core.governance.keys), never typed over
LINE_NAMES = {"title", "name", "contact", "owner", "location", "requested_by", "tested_by", "interpreted_by",
              "validated_by", "issuer", "approval_authority", "master_copy", "catalogue", "provider_owner",
              "party_owner", "email", "phone", "short", "cost", "budget", "schedule", "role_title"}
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    how: str  # line | text | date | moment | choice | ref | refs | targets | hours | intervals | flag | int
    choices: tuple[str, ...] = ()
    ref_kind: str | None = None
    required: bool = False
    hint: str = ""


def _args(annotation: object) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def _label(name: str, lang: str | None = None) -> str:
    """A field's label in the current language (the standard's names, data/standard/names)."""
    english = {"ci_type": "Type", "impacted_cis": "Items", "cis": "Items", "depends_on": "Depends on",
               "change_type": "Change type", "feedback_type": "Type", "item_type": "Type",
               "targets": "Targets", "review_intervals": "Review intervals", "service_hours": "Service hours",
               "state": "State"}.get(name, name.replace("_", " ").capitalize())
    return field_label(name, "", lang) or _(english)  # the pseudo-language's too: translated once, here


def field_specs(kind: str, include_state: bool = True) -> list[FieldSpec]:
    """The fields a person fills for a record of `kind`, in the model's order, labelled in the
    current language."""
    return list(_specs(kind, include_state, language()))


@cache
def field_hows(kind: str) -> dict[str, str]:
    """Field name -> how it is typed and shown, for a record of `kind` (read once per kind: a list
    or an audit pack asks it for every item of every record)."""
    return {spec.name: spec.how for spec in _specs(kind, True, SOURCE_LANGUAGE)}


@cache
def _specs(kind: str, include_state: bool, lang: str) -> tuple[FieldSpec, ...]:
    """field_specs, worked out once per kind and language from its model (models do not change while
    running; `lang` keys the cache, and the labels and hints are written in `lang` whatever the
    language spoken when the cache is filled: `field_hows` fills the English entry from any language)."""
    with using(lang):
        return _built_specs(kind, include_state, lang)


def _built_specs(kind: str, include_state: bool, lang: str) -> tuple[FieldSpec, ...]:
    model = model_for(kind)
    out: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        if name in MANAGED:
            continue
        args = [a for a in _args(info.annotation) if a is not type(None)]
        base = args[0] if len(args) == 1 else None
        origin = typing.get_origin(base)
        required = info.is_required() or any(getattr(m, "min_length", 0) for m in info.metadata)
        if name in REFS and (base is str or (origin is list and typing.get_args(base) == (str,))):
            how = "refs" if origin is list else "ref"
            out.append(FieldSpec(name, _label(name, lang), how, ref_kind=REFS[name], required=info.is_required(),
                                 hint=_("ids, comma separated") if how == "refs" else _("an id or a name")))
        elif base is str:
            short = name in LINE_NAMES or any(getattr(m, "max_length", 10_000) <= 300 for m in info.metadata)
            out.append(FieldSpec(name, _label(name, lang), "line" if short else "text", required=required))
        elif base is date:
            out.append(FieldSpec(name, _label(name, lang), "date", required=info.is_required(), hint=formats.date_hint()))
        elif base is not None and (base is datetime or datetime in typing.get_args(base)):
            out.append(FieldSpec(name, _label(name, lang), "moment", required=info.is_required(), hint=formats.moment_hint()))
        elif origin is Literal:
            out.append(FieldSpec(name, _label(name, lang), "choice", tuple(typing.get_args(base)), required=info.is_required()))
        elif base is bool:
            out.append(FieldSpec(name, _label(name, lang), "flag"))
        elif base is int:
            out.append(FieldSpec(name, _label(name, lang), "int"))
        elif origin is list and getattr(typing.get_args(base)[0], "__name__", "") in ("ServiceTarget", "PriorityTarget"):
            out.append(FieldSpec(name, _label(name, lang), "targets", hint=_("{example} (respond/resolve)").format(example=targets_example())))
        elif name == "review_intervals":
            out.append(FieldSpec(name, _label(name, lang), "intervals",
                                 hint=_("task and days, e.g. RE.2.4 90, GO.4.1 365 (empty: the shop's defaults)")))
        elif getattr(base, "__name__", "") == "ServiceHours":
            out.append(FieldSpec(name, _label(name, lang), "hours", hint=_("{example} (or 24x7)").format(
                example=hours_example(holidays=True))))
    if include_state and model.STATES:
        out.append(FieldSpec("state", _label("state", lang), "choice", tuple(model.STATES)))
    return tuple(out)


# ---------------------------------------------------------------- durations, targets, hours

def duration_text(minutes: int) -> str:
    """A target's time in one unit, as the language writes it: 30m, 4h, 2d (en); 30min, 4h, 2j (fr).
    parse_duration reads it back in any of our languages."""
    day, hour, minute = formats.locale().units
    if minutes % 1440 == 0:
        return f"{minutes // 1440}{day}"
    if minutes % 60 == 0:
        return f"{minutes // 60}{hour}"
    return f"{minutes}{minute}"


def _duration_examples() -> str:
    """'30m, 4h, 2d or 1h30m' as the language writes them."""
    return _("{some} or {last}").format(some=", ".join(duration_text(m) for m in (30, 240, 2880)),
                                        last=duration_text(60) + duration_text(30))


def parse_duration(text: str) -> int:
    """'30m', '4h', '2d', '1h30m' or plain minutes -> minutes; the day written d or j (jour), the
    minutes m or min, as each of our languages writes them."""
    text = text.strip().lower().replace(" ", "").replace(formats.NBSP, "")
    if text.isdigit():
        return int(text)
    parts = re.fullmatch(r"(?:(\d+)[dj])?(?:(\d+)h)?(?:(\d+)m(?:in)?)?", text)
    if not text or not parts or not any(parts.groups()):
        raise InputError(_("{text!r} is not a duration (write {examples})").format(
            text=text, examples=_duration_examples()))
    d, h, m = (int(g or 0) for g in parts.groups())
    return d * 1440 + h * 60 + m


def targets_text(targets: list[PriorityTarget]) -> str:
    """'P1 30m/4h, P2 1h/8h' (en), 'P1 30min/4h, P2 1h/3j' (fr): as the form shows and reads them."""
    return ", ".join(f"{t.priority} {duration_text(t.respond_minutes)}/{duration_text(t.resolve_minutes)}" for t in targets)


def targets_example() -> str:
    """Two targets as the language writes them, for a hint or an error."""
    return ", ".join(f"{p} {duration_text(r)}/{duration_text(s)}" for p, r, s in (("P1", 30, 240), ("P2", 60, 480)))


def parse_targets(text: str) -> list[dict[str, Any]]:
    out = []
    for part in [p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip()]:
        m = re.fullmatch(r"(P[1-5])\s*[: ]\s*(\S+)\s*/\s*(\S+)", part, re.IGNORECASE)
        if not m:
            raise InputError(_("targets: {part!r} should read like '{example}' (priority, respond/resolve)").format(
                part=part, example=targets_example().split(",")[0]))
        respond, resolve = parse_duration(m.group(2)), parse_duration(m.group(3))
        if respond <= 0 or resolve <= 0:
            raise InputError(_("targets: {part!r}: times must be more than zero").format(part=part))
        out.append({"priority": m.group(1).upper(), "respond_minutes": respond, "resolve_minutes": resolve})
    if len({t["priority"] for t in out}) != len(out):
        raise InputError(_("targets: each priority once"))
    return out


def hours_text(hours: ServiceHours | None) -> str:
    """Service hours as a person reads and types them, in their language: 'Mon-Fri 09:00-17:00;
    holidays 2026-12-25', 'Lun-Vie 09:00-17:00; feriados 25/12/2026' (parse_hours reads it back)."""
    if hours is None:
        return ""
    if hours.always:
        return "24x7"
    text = f"{formats.day_ranges(hours.days)} {hours.start}-{hours.end}"
    if hours.holidays:
        text += pgettext("list separator", "; ") + pgettext("service hours", "holidays") + " " + ", ".join(
            formats.date_text(d) for d in sorted(hours.holidays))
    return text


def hours_example(holidays: bool = False) -> str:
    """Service hours written as the language writes them, for a hint: 'Mon-Fri 09:00-17:00' (and
    '; holidays 2026-12-25')."""
    text = f"{formats.day_ranges([0, 1, 2, 3, 4])} 09:00-17:00"
    if holidays:
        text += pgettext("list separator", "; ") + pgettext("service hours", "holidays") + " " + formats.date_text(date(2026, 12, 25))
    return text


def intervals_text(intervals: dict[str, int]) -> str:
    return ", ".join(f"{task} {days}" for task, days in sorted(intervals.items()))


def parse_intervals(text: str) -> dict[str, int]:
    """'RE.2.4 90, GO.4.1 365' -> {task: days}: how old a task's evidence may be before it is stale."""

    known = {code for codes in task_codes().values() for code in codes}
    out: dict[str, int] = {}
    for part in [p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip()]:
        m = re.fullmatch(r"([A-Za-z]{2}\.\d\.\d)\s*[: ]\s*(\d+)\s*(?:d|days?)?", part)
        if not m:
            raise InputError(_("review intervals: {part!r} should read like 'RE.2.4 90' (a task and its days)").format(part=part))
        task, days = m.group(1).upper(), int(m.group(2))
        if task not in known:
            raise InputError(_("review intervals: {task} is not a task of the standard").format(task=task))
        if not 1 <= days <= 3660:
            raise InputError(_("review intervals: {task}: between 1 and 3660 days").format(task=task))
        out[task] = days
    return out


def _holiday_words() -> re.Pattern[str]:
    """The word that starts the holidays of service hours, in any of our languages (folded)."""
    words = {"holidays", "holiday"}
    for lang in LANGUAGES:
        catalogue = load(lang)
        if catalogue is not None:
            words.add(_fold(catalogue.gettext("service hours\x04holidays")))
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives})\s*:?\s*")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_hours(text: str) -> dict[str, Any] | None:
    """Service hours as typed: days in the language spoken or in English ('Lun-Vie', 'seg-sex',
    'Mon-Fri', full names too), the times, then the holidays as the language writes dates (or ISO):
    'Lun-Vie 09:00-17:00; feriados 25/12/2026'. Stored as numbers and ISO dates whatever the language."""
    text = (text or "").strip()
    if not text:
        return None
    if text.lower().replace(" ", "") in ("24x7", "24/7", "always"):
        return {"always": True}
    head, _sep, rest = text.partition(";")
    m = re.fullmatch(r"\s*([^\W\d_][^\d;]*?)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", head)
    if not m:
        raise InputError(_("service hours: {head!r} should read like '{example}' (or 24x7)").format(
            head=head.strip(), example=hours_example()))
    days: list[int] = []
    for chunk in re.sub(r"-feira\b", "", m.group(1).lower()).replace(" ", "").split(","):
        a, _sep, b = chunk.partition("-")
        first = formats.parse_weekday(a)
        last = formats.parse_weekday(b) if b else first
        if first is None or last is None:
            raise InputError(_("service hours: {chunk!r} is not a day ({days})").format(
                chunk=chunk, days=", ".join(formats.short_day(i) for i in range(7))))
        days.extend(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
    start, end = (f"{int(t.split(':')[0]):02d}:{t.split(':')[1]}" for t in (m.group(2), m.group(3)))
    if end <= start:
        raise InputError(_("service hours: the end {end} must come after the start {start}").format(end=end, start=start))
    holidays = []
    rest = rest.strip()
    if rest:
        folded = _fold(rest)
        word = _holiday_words().match(folded)
        rest = rest[word.end():] if word else rest  # folding keeps the length of what it removes from
        for part in [p.strip() for p in rest.split(",") if p.strip()]:
            try:
                holidays.append(formats.parse_date(part).isoformat())
            except formats.ParseError as exc:
                raise InputError(_("service hours, holidays: {error}").format(error=exc)) from None
    return {"days": sorted(set(days)), "start": start, "end": end, "holidays": holidays}


# ---------------------------------------------------------------- links

def refs_text(store: StorePort, uuids: list[str], kind: str | None) -> str:
    """The human ids of linked records ('CI-0003, CI-0007'); a uuid not found stays as it is."""
    found = store.ids_for(uuids, kind)
    return ", ".join(found[u][0] if u in found else u for u in uuids)


def resolve_ref(store: StorePort, kind: str | None, text: str, label: str) -> str:
    text = text.strip()
    try:
        if kind:
            return resolve(store, kind, text) or ""
        return store.find(text).uuid
    except NotFound as exc:
        raise InputError(_("{label}: {value}").format(label=label, value=exc)) from None


# ---------------------------------------------------------------- whole records

def show(store: StorePort, kind: str, record: Record | None) -> dict[str, Any]:
    """What a form shows for each field of `record` (or the defaults of a new one, record=None)."""

    out: dict[str, Any] = {}
    model = model_for(kind)
    for spec in field_specs(kind):
        if record is not None:
            value = getattr(record, spec.name)
        else:
            info = model.model_fields.get(spec.name)
            value = None if info is None or info.is_required() else info.get_default(call_default_factory=True)
            if spec.name == "state":
                value = model.STATES[0]
        if spec.how == "date":  # as the person types it back (ISO in English)
            out[spec.name] = formats.date_text(value) if value else ""
        elif spec.how == "moment":
            out[spec.name] = clock.local_text(value) if value else ""
        elif spec.how == "ref":
            out[spec.name] = refs_text(store, [value], spec.ref_kind) if value else ""
        elif spec.how == "refs":
            out[spec.name] = refs_text(store, list(value or []), spec.ref_kind)
        elif spec.how == "targets":
            out[spec.name] = targets_text(value or [])
        elif spec.how == "hours":
            out[spec.name] = hours_text(value) if record is not None else ""
        elif spec.how == "intervals":
            out[spec.name] = intervals_text(value or {})
        elif spec.how in ("flag", "int", "choice"):
            out[spec.name] = value
        else:
            out[spec.name] = value or ""
    return out


def parse(store: StorePort, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Field values from what was typed; raises InputError naming the field."""

    specs = {s.name: s for s in field_specs(kind)}
    out: dict[str, Any] = {}
    for name, raw in values.items():
        spec = specs.get(name)
        if spec is None:
            raise InputError(_("{label} has no field {name}").format(label=_(model_for(kind).LABEL), name=name))
        text = raw.strip() if isinstance(raw, str) else raw
        label = spec.label
        if spec.required and (text is None or text == ""):
            raise InputError(_("{label}: required").format(label=label))
        if spec.how == "date":
            # as the person's language writes it (25/12/2026, 25 dic 2026), else the other forms we read
            try:
                out[name] = formats.parse_date(text) if text else None
            except formats.ParseError as exc:
                try:
                    out[name] = DateReader(years_ahead=100).read_date(text)
                except DateError:
                    raise InputError(_("{label}: {error}").format(label=label, error=exc)) from None
        elif spec.how == "moment":
            try:
                out[name] = clock.ensure_utc(formats.parse_moment(text)) if text else None
            except formats.ParseError as exc:
                try:
                    out[name] = DateReader(years_ahead=10).read(text)
                except DateError:
                    raise InputError(_("{label}: {error}").format(label=label, error=exc)) from None
        elif spec.how == "ref":
            out[name] = resolve_ref(store, spec.ref_kind, text, label) if text else None
        elif spec.how == "refs":
            items = [p for p in re.split(r"[,\s]+", text or "") if p]
            if spec.ref_kind in ("customers", "suppliers", "services", "people"):
                items = [p.strip() for p in (text or "").split(",") if p.strip()]
            out[name] = list(dict.fromkeys(resolve_ref(store, spec.ref_kind, p, label) for p in items))
        elif spec.how == "targets":
            out[name] = parse_targets(text or "")
        elif spec.how == "hours":
            out[name] = parse_hours(text or "")
        elif spec.how == "intervals":
            out[name] = parse_intervals(text or "")
        elif spec.how == "choice":
            if text in (None, "") and not spec.required:
                if name != "state":
                    out[name] = model_for(kind).model_fields[name].default
                continue
            if name == "language" and text not in spec.choices:  # es-MX, pt, Français: as people write it
                text = match_language(text) or text
            if text not in spec.choices:
                raise InputError(_("{label}: {text!r} is not one of {choices}").format(label=label, text=text, choices=', '.join(spec.choices)))
            out[name] = text
        elif spec.how == "int":
            try:
                out[name] = int(text) if text not in (None, "") else 0
            except (TypeError, ValueError):
                raise InputError(_("{label}: {text!r} is not a whole number").format(label=label, text=text)) from None
        elif spec.how == "flag":
            out[name] = bool(raw)
        else:
            out[name] = text or ""
    return out
