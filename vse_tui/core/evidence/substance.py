"""Substance, not filled fields: whether a record's required content items say something.

data/standard/work_products.toml says, per required item of each work product, what counts as
written (`substance`) and which items the shop must write in its own words (`own`). One function,
`problems`, decides it for a record; the evidence map (and so the dashboard and the audit pack)
and `audit check` call it, so a task's why and the check's findings name the same items:

- placeholder text: x, tbd, n/a, todo, -, ..., a repeated character, lorem ipsum, no letters;
- too little: fewer words or entries than the item asks;
- a date out of range, a time in the future, a date before the one it follows;
- a reference to a record that does not exist;
- the app's own starting text left unchanged where the shop's own is asked: in the items marked
  `own`, or, where a work product marks none, in every item the app offered text for;
- text pasted unchanged: the same text in two items of one record (two items written in
  sentences, or any two written in words once the text is three words or more: a scope copied
  into the deliverables), or in two of the shop's documents (the documents a shop writes once:
  policy, scope, procedures...)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import LANGUAGES, _, either, formats, load, ngettext, pgettext

from ..governance.process import starting_messages
from ..governance.starting_text import STARTING_TEXT
from ..kernel import clock
from ..kernel.errors import InputError
from ..kernel.placeholder import PLACEHOLDERS, normalise, placeholder
from ..model.records import BY_KIND, BY_WP
from ..present.labels import code_word, field_words

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Record
    from ..model.standard import WorkProduct

_WORD = re.compile(r"[^\W_]+(?:[-'’./][^\W_]+)*", re.UNICODE)
EARLIEST = date(2000, 1, 1)
DOCUMENT = "document"
PASTED_WORDS = 3  # the same text of this many words in two items of a record was pasted, not written twice


def words(text: str) -> int:
    return len(_WORD.findall(str(text)))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value in ("[]", "{}")


def _entries(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for v in value.values()]
    if isinstance(value, list):
        return list(value)
    return [value]


def _entry_text(entry: Any) -> str:
    if isinstance(entry, dict):  # a target row: its text values read as one text
        return " ".join(str(v) for v in entry.values() if isinstance(v, str))
    return "" if entry is None else str(entry)


def _placeholder_entry(entry: Any) -> bool:
    """An entry of a list or table that stands in for content: placeholder text, or a row whose
    every text is placeholder text. Figures (numbers, rows of numbers) are content."""
    if isinstance(entry, str):
        return placeholder(entry)
    if isinstance(entry, dict):
        texts = [v for v in entry.values() if isinstance(v, str)]
        return bool(texts) and all(placeholder(t) for t in texts)
    return False


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return clock.parse_datetime(str(value))
    except (ValueError, TypeError):
        return None


@cache
def starting_texts() -> dict[str, frozenset[str]]:
    """item -> the app's own starting texts for it (the wizard's defaults, a new document's
    starting text), normalised, in every language the app speaks: a shop that leaves the starting
    text as offered in its language, or in the language it worked in before, has not written its own."""

    out: dict[str, set[str]] = {}

    def add(name: str, message: str) -> None:
        if not message.strip():
            return
        for lang in LANGUAGES:
            catalogue = load(lang)
            out.setdefault(name, set()).add(normalise(catalogue.gettext(message) if catalogue else message))

    for values in STARTING_TEXT.values():
        for name, message in values.items():
            add(name, message)
    for name, messages in starting_messages().items():
        for message in messages:
            add(name, message)
    return {k: frozenset(v) for k, v in out.items()}


def kinds_words(kinds: tuple[str, ...] | list[str]) -> str:
    """Kinds of record inside a sentence, in the person's language: "role assignment or person"."""

    return either(_(BY_KIND[k].LABEL).lower() if k in BY_KIND else k.rstrip("s").replace("_", " ")
                          for k in kinds)


def label(name: str) -> str:
    return field_words(name)


class Index:
    """What the rules read from the store, read once per evaluation: which references exist, and
    the text of the shop's documents (to find text pasted from one to another)."""

    def __init__(self, store: StorePort, now: datetime | None = None) -> None:
        self.store = store
        self._exists: dict[tuple[str, str], bool] = {}
        self._documents: dict[str, list[tuple[str, str, str]]] | None = None
        self.now = now or clock.now()
        self.today = clock.to_local(self.now).date()

    def exists(self, kinds: tuple[str, ...], uuid: str) -> bool:
        for kind in kinds:
            key = (kind, uuid)
            if key not in self._exists:
                self._exists[key] = self.store.exists(kind, {"uuid": uuid})
            if self._exists[key]:
                return True
        return False

    def documents(self) -> dict[str, list[tuple[str, str, str]]]:
        """normalised text -> (work product, record id, item) of every text item of the shop's
        current documents (the latest of each document kind)."""
        if self._documents is None:
            # here, not at the top: importing it loads pydantic
            from ..model.standard import load_standard

            found: dict[str, list[tuple[str, str, str]]] = {}
            for wp in load_standard().work_products:
                if wp.kind != DOCUMENT:
                    continue
                rec = self.store.latest(BY_WP[wp.code].KIND)
                if rec is None:
                    continue
                data = rec.model_dump(mode="json")
                for name in wp.required:
                    value = data.get(name)
                    if isinstance(value, str) and _prose(wp, name) and not placeholder(value):
                        found.setdefault(normalise(value), []).append((wp.code, rec.id or rec.uuid, name))
            self._documents = found
        return self._documents


def problems(index: Index, wp: WorkProduct, data: dict[str, Any], status: str | None,
             record_id: str | None = None) -> list[str]:
    """What a record of `wp` in `status` lacks in substance: the empty items in one phrase
    ("customer, reporter not recorded"), then one phrase per other item ("objectives: placeholder
    text"); empty when every required item says something. `data`: its content as
    JSON values (the model's dump, or the store's rows)."""
    out: list[str] = []
    empty: list[str] = []
    seen: dict[str, str] = {}  # normalised text -> the first item holding it, in this record
    unchanged = as_offered(wp, data, status)
    for name in wp.required_in(status):
        value = data.get(name)
        if _empty(value):
            empty.append(label(name))
            continue
        why = _item(index, wp, name, value, data, wp.substance.get(name, "text"))
        if why:
            out.append(_("{name}: {why}").format(name=label(name), why=why))
            continue
        if isinstance(value, str) and _written(wp, name):
            norm = normalise(value)
            if norm in seen and (words(norm) >= PASTED_WORDS or _prose(wp, name) and _prose(wp, seen[norm])):
                out.append(_("{name}: the same text as {seen}").format(name=label(name), seen=label(seen[norm])))
                continue
            seen.setdefault(norm, name)
            if not _prose(wp, name):
                continue
            if name in unchanged:
                out.append(_("{name}: the app's starting text, unchanged").format(name=label(name)))
                continue
            if wp.kind == DOCUMENT:
                others = [(code, rid, item) for code, rid, item in index.documents().get(norm, [])
                          if (code, item) != (wp.code, name)]
                if others:
                    code, rid, item = others[0]
                    out.append(_("{name}: the same text as {item} of {rid} ({code})").format(name=label(name), item=label(item), rid=rid, code=code))
    return ([_("{empty} not recorded").format(empty=', '.join(empty))] if empty else []) + out


def offered(wp: WorkProduct, status: str | None = None) -> list[str]:
    """The required items of `wp` (in `status`) the app offers a starting text for: the items a
    shop that took every default answer of the setup holds as the app wrote them."""
    texts = starting_texts()
    return [name for name in wp.required_in(status) if name in texts and _prose(wp, name)]


def as_offered(wp: WorkProduct, data: dict[str, Any], status: str | None) -> set[str]:
    """The items of a record that are the app's starting text, not the shop's own: one rule for
    every work product the app pre-fills. The items the standard's data marks `own` must always be
    the shop's words; a work product that marks none must hold the shop's words in at least one of
    the items the app offers text for: a record left as offered throughout is the app's, and each
    of those items is named."""
    texts = starting_texts()
    filled = [name for name in offered(wp, status)
              if isinstance(data.get(name), str) and not _empty(data.get(name))]
    same = {name for name in filled if normalise(data[name]) in texts[name]}
    if wp.own:
        return same & set(wp.own)
    return same if filled and same == set(filled) else set()


def _prose(wp: WorkProduct, name: str) -> bool:
    """An item written in sentences (its rule asks for three words or more): the same text in two
    of them was pasted."""
    return any(t.startswith("words:") and int(t.split(":")[1]) >= 3 for t in wp.substance.get(name, "").split())


def _written(wp: WorkProduct, name: str) -> bool:
    """An item the shop writes in words (its rule counts them): two of them holding the same text
    of PASTED_WORDS words or more were pasted (a scope copied into the deliverables); a shorter one
    (an owner's name in two items) may well agree."""
    return any(t.startswith("words:") for t in wp.substance.get(name, "").split())


def _item(index: Index, wp: WorkProduct, name: str, value: Any, data: dict[str, Any], rule: str) -> str | None:
    """Why one item's value lacks substance by its rule, or None."""
    for token in rule.split():
        kind, _sep, arg = token.partition(":")
        if kind in ("text", "words"):
            if placeholder(value) if not isinstance(value, list | dict) else all(_placeholder_entry(e)
                                                                                    for e in _entries(value)):
                return _("placeholder text")
            need = int(arg or 1)
            if kind == "words" and words(_entry_text(value) if not isinstance(value, str) else value) < need:
                return _("fewer than {need} words").format(need=need)
        elif kind == "items":
            entries = [e for e in _entries(value) if not _empty(e)]
            real = [e for e in entries if not _placeholder_entry(e)]
            if entries and not real:
                return _("placeholder text")
            if len(real) < int(arg or 1):
                return _("fewer than {n} entries").format(n=arg or 1) if real else _("no entries")
            if len(real) < len(entries):
                return ngettext("{n} of its entries is placeholder text", "{n} of its entries are placeholder text",
                                len(entries) - len(real)).format(n=len(entries) - len(real))
        elif kind == "ref":
            kinds = tuple(arg.split("|"))
            missing = [str(v) for v in _entries(value) if not _empty(v) and not index.exists(kinds, str(v))]
            if missing:
                return _("names no existing {kinds}").format(kinds=kinds_words(kinds))
        elif kind == "date":
            day = _date(value)
            if day is None:
                return _("not a date")
            if not EARLIEST <= day <= index.today + timedelta(days=366 * 20):
                return _("{day} is out of range").format(day=formats.date_text(day))
        elif kind == "moment":
            when = _moment(value)
            if when is None:
                return _("not a time")
            if when > index.now + timedelta(minutes=5):
                return _("in the future")
            if when.date() < EARLIEST:
                return _("out of range")
        elif kind == "after":
            before = data.get(arg)
            this, that = (_moment(value), _moment(before)) if "T" in str(value) else (_date(value), _date(before))
            if this is not None and that is not None and type(this) is type(that) and this < that:
                return _("before its {arg}").format(arg=label(arg))
    if isinstance(value, str) and placeholder(value):
        return _("placeholder text")
    return None


def edit_problems(store: StorePort, before: Record, after: Record) -> list[str]:
    """What an edit of a record that stands approved would bring into its content that the content
    rule (`problems`, as its approved status asks) refuses, and it did not hold before: placeholder
    text, too few words, the app's starting text... Empty for a record not approved (a draft is
    written a step at a time) and for an edit that leaves the content as good as it was."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    if not before.WP or before.status not in ("approved", "updated"):
        return []
    wp = load_standard().wp(before.WP)
    index = Index(store)
    was = problems(index, wp, before.model_dump(mode="json"), before.status, before.id)
    now = problems(index, wp, after.model_dump(mode="json"), before.status, before.id)
    return [p for p in now if p not in was]


def check_edit(store: StorePort) -> Callable[[Record, Record], None]:
    """The check `documents.edit` runs before it writes a version a person typed: an approved
    record takes no content the evidence map would refuse (a clear error, nothing saved)."""

    def check(before: Record, after: Record) -> None:
        found = edit_problems(store, before, after)
        if found:
            raise InputError(_("{ref} is {status}, and this edit would leave {problems}. Nothing was saved: write "
                               "each item in the shop's own words (the edit makes a new version that needs approving "
                               "again)").format(ref=before.id, status=code_word("status", before.status),
                                                problems=pgettext("list separator", "; ").join(found)))

    return check


__all__ = ["Index", "PLACEHOLDERS", "as_offered", "check_edit", "edit_problems", "normalise", "offered", "placeholder", "problems", "starting_texts",
           "words"]
