"""Field values as a person reads them: links shown as 'ID name', moments in local time, lists
joined. Shared by the record screens and the audit pack."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _, formats, listed, ngettext, pgettext

from ..kernel import clock
from ..model.records.registry import OTHER_PREFIXES
from .labels import WORDED, code_word, field_name, field_words, figure_name, role_named, role_words, roles_named

if TYPE_CHECKING:
    from ..model.ports import Reads

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def find_uuids(store: Reads, values: list[str], kind: str | None = None) -> dict[str, tuple[str, str]]:
    """uuid -> (human id, title) for the uuids among `values`: in one table, or across every one."""
    return store.ids_for(values, kind)


def uuid_labels(store: Reads, values: list[str]) -> dict[str, str]:
    """uuid -> what a reader knows it by: a person's name; for any other record, 'ID title'."""
    wanted = [v for v in values if isinstance(v, str) and UUID.match(v)]
    people = find_uuids(store, wanted, "people")
    out = {u: title for u, (_rid, title) in people.items()}
    rest = [v for v in wanted if v not in people]
    if rest:  # a role held: who holds it (an assignment's own id means nothing to a reader)
        rows = store.rows("role_assignments", ["uuid", "person", "role", "area"], {"uuid": rest})
        if rows:
            names = store.titles("people", {"uuid": [r[1] for r in rows]})
            out.update({u: _("{person}: {role}").format(person=names.get(p, "?"), role=role_words(role, area))
                        for u, p, role, area in rows})
            rest = [v for v in rest if v not in out]
    out.update({u: id_title(rid, title) for u, (rid, title) in find_uuids(store, rest).items()} if rest else {})
    return out


def history_labels(store: Reads, rows: list[dict[str, Any]]) -> dict[str, str]:
    """What a reader knows each record or person named in history rows by, the ids inside stored
    lists and objects (a list of items, a confirmation's person) included: one function for the
    history on screen, `incident show`, `record show` and the pack."""
    return uuid_labels(store, [s for h in rows for v in (h.get("new_value"), h.get("old_value")) if v
                               for s in stored_strings(v)])


def stored_strings(value: Any) -> list[str]:
    """The texts inside a stored value (a list of items' ids is stored as JSON): each may name a record."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return walk(json.loads(value))
        except ValueError:
            pass
    return [value] if isinstance(value, str) else walk(value)


def walk(value: Any) -> list[str]:
    """Every string inside a value (lists and dicts included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in walk(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in walk(v)]
    return []


HIDDEN_KEYS = {"content", "signature", "key"}  # hashes and signatures: shown where they are checked, not inline
# the items of an entry (a notification, a confirmation, time spent) as a person reads them (keys stay English)
ENTRY_KEYS = {"at": N_("at"), "by": N_("by"), "how": N_("how"), "to": N_("to"), "task": N_("task"),
              "message": N_("message"), "person": N_("person"), "checked_by": N_("checked by"), "check": N_("check"),
              "who": N_("who"), "minutes": N_("minutes"), "billable": N_("billable"), "note": N_("note"),
              "address": N_("address"), "sent_at": N_("sent at"), "delivery": N_("delivery"), "state": N_("state"),
              "to_person": N_("to person"), "message_id": N_("Message-ID"), "sender": N_("sender"),
              "sender_name": N_("sender's name"), "subject": N_("subject"), "received_at": N_("received at"),
              "text": N_("text"), "kind": N_("kind"), "noted_by": N_("noted by"), "meaning": N_("meaning"),
              "version": N_("version"), "recorded_by": N_("recorded by"), "evidence": N_("evidence"),
              "priority": N_("priority"), "respond_minutes": N_("response target"),
              "resolve_minutes": N_("resolution target"), "days": N_("days"), "start": N_("start"), "end": N_("end"),
              "holidays": N_("holidays"), "always": N_("always")}
# the items of an entry whose values are codes, and the words that say them (core.present.labels)
ENTRY_CODES = {"how": "how", "state": "mail", "meaning": "meaning", "kind": "mail_kind"}


def _with_unit(key: str, value: Any) -> str:
    """A figure whose name says its unit, with the unit said: '6h 13m', not '373' (minutes); ''
    for any other value."""
    if not isinstance(value, int) or isinstance(value, bool):
        return ""
    if key.endswith("_minutes"):
        return clock.human_duration(clock.timedelta(minutes=value))
    if key.endswith("_days"):
        return ngettext("{n} day", "{n} days", value).format(n=value)
    return ""


def render_value(value: Any, labels: dict[str, str]) -> str:
    """A stored value as a person reads it: linked records and people by name, moments in local
    time, lists joined, structured entries one per line as 'what: value' pairs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        if UUID.match(value):
            return labels.get(value, value)
        if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
            try:
                return clock.local_text(clock.parse_datetime(value))
            except ValueError:
                return value
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # a day: as the language writes it (25/12/2026)

            try:
                return formats.date_text(date.fromisoformat(value))
            except ValueError:
                return value
        return value
    if isinstance(value, float):
        return formats.number(value)  # 2,5 in Spanish
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(render_value(v, labels) for v in value)
        return "\n".join(render_value(v, labels) for v in value)
    if isinstance(value, dict):
        parts = [(k, code_word(ENTRY_CODES[k], v) if k in ENTRY_CODES and isinstance(v, str)
                  else (_with_unit(k, v) or render_value(v, labels)))
                 for k, v in value.items()
                 if k not in HIDDEN_KEYS and v not in (None, "", [], {})]
        nested = any(isinstance(v, (dict, list)) for v in value.values())
        long = any(len(text) > 40 for _k, text in parts)
        return ("\n" if nested or long or len(parts) > 4 else pgettext("list separator", "; ")).join(
            _("{label}: {value}").format(label=_entry_key(k), value=text) for k, text in parts)
    return json.dumps(value, ensure_ascii=False)


def _entry_key(key: str) -> str:
    return _(ENTRY_KEYS[key]) if key in ENTRY_KEYS else key.replace("_", " ")


def _records_of_their_own(name: str, value: Any) -> str:
    """Entries kept as records of a kind of their own (the change schedule's `entries` names the kind
    that holds them), said by that kind's name, never the name of its table; "" for anything else."""
    if name != "entries" or not isinstance(value, str):
        return ""
    # here, not at the top: importing it loads pydantic
    from ..model.records import KINDS, model_for

    if value not in KINDS:
        return ""
    return _("each a record of its own: {kind}").format(kind=_(model_for(value).LABEL))


def item_text(record: Any, name: str, labels: dict[str, str]) -> str:
    """One content item of a record as a person reads it ("" when not recorded): targets as
    'P1 15m/4h', service hours as 'Mon-Fri 08:30-17:30', a report's figures summed up."""
    # here, not at the top: importing it loads pydantic
    from .fields import field_hows, hours_text, targets_text

    value = getattr(record, name, None)
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, str) and name in WORDED:
        return code_word(name, value)  # a choice's code, in words (the pack's "State: active" was English)
    if name == "roles" and isinstance(value, list):  # an acknowledgement's roles: ["IM", "PT:incident"]
        return roles_named(value)
    own = _records_of_their_own(name, value)
    if own:
        return own
    how = field_hows(record.KIND).get(name)
    if how == "targets" or (name == "targets" and isinstance(value, list) and value and hasattr(value[0], "respond_minutes")):
        return targets_text(value)
    if how == "hours" or name == "service_hours":
        return hours_text(value) if hasattr(value, "always") else render_value(value, labels)
    if name == "period_performance" and isinstance(value, dict):
        total = value.get("total") or {}
        if not total:
            return _("figures of the period (see the table)")
        def pct(met: int, measured: int) -> str:
            return formats.percent(100 * met / measured) if measured else "-"
        return ngettext("{n} incident; response within target {response}, resolution within target "
                        "{resolution}; {changes} changes deployed",
                        "{n} incidents; response within target {response}, resolution within target "
                        "{resolution}; {changes} changes deployed", total.get("incidents", 0)).format(
            n=total.get("incidents", 0),
            response=pct(total.get("response_met", 0), total.get("response_measured", 0)),
            resolution=pct(total.get("resolution_met", 0), total.get("resolution_measured", 0)),
            changes=total.get("changes_deployed", 0))
    if name.endswith("_minutes") and isinstance(value, int) and not isinstance(value, bool):
        return clock.human_duration(clock.timedelta(minutes=value))
    data = value.model_dump(mode="json") if hasattr(value, "model_dump") else value
    if name == "figures" and isinstance(data, dict):  # an improvement report's figures: stable keys, in words
        data = {figure_name(k): v for k, v in data.items()}
    keys = {"change_definitions": "change_type", "security_measures": "security_measures", "templates": "templates"}
    if name in ("priority_matrix", *keys) and isinstance(data, dict):  # keys that are codes, in words
        data = {_matrix_key(k) if name == "priority_matrix" else code_word(keys[name], k): v for k, v in data.items()}
    if isinstance(data, list):
        data = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in data]
    if isinstance(data, (list, dict)) or isinstance(value, str):
        return render_value(data, labels)
    if hasattr(value, "isoformat"):
        return formats.date_text(value) if not hasattr(value, "hour") else clock.local_text(value)
    return render_value(data, labels)


def _matrix_key(key: str) -> str:
    """A priority matrix's key (impact/urgency, stored as 'high/low') in words."""
    impact, _sep, urgency = key.partition("/")
    return f"{code_word('impact', impact)}/{code_word('urgency', urgency)}" if urgency else key


def change_text(h: dict[str, Any], labels: dict[str, str], limit: int = 120) -> str:
    """What one history row changed, as a person reads it ('created', 'state: new → in progress')."""
    if h["action"] == "create":
        return _("created")

    def short(value: str | None, cut: bool = True) -> str:
        if value is None or value == "":
            return _("(empty)")
        try:
            loaded = json.loads(value) if value[:1] in '[{"' else value
        except ValueError:
            loaded = value
        if isinstance(loaded, list) and loaded and isinstance(loaded[0], dict):
            text = ngettext("{n} entry", "{n} entries", len(loaded)).format(n=len(loaded))
        else:
            text = render_value(loaded, labels) if isinstance(loaded, (str, list, dict)) else str(loaded)
        text = (text or _("(empty)")).replace("\n", "; ")
        return text if len(text) <= limit or not cut else text[: limit - 1] + "…"

    field = field_words(h["field"]) if h.get("field") else ""
    if h["action"] == "mail":  # a message queued, sent or not sent (see core.intake.mail_intake.mail_about)
        try:
            sent = json.loads(h.get("new_value") or "{}")
        except ValueError:
            sent = {}
        if isinstance(sent, dict) and sent.get("state") == "queued":
            return _("mail queued to {to}: {subject}").format(to=sent.get("to", ""), subject=sent.get("subject", ""))[:limit]
        if isinstance(sent, dict) and sent.get("state") == "reply":
            return _("mail from {sender}: {subject}").format(sender=sent.get("from", ""), subject=sent.get("subject", ""))[:limit]
        if isinstance(sent, dict):
            return _("mail {state}: {detail}").format(state=code_word("mail", sent.get("state", "")),
                                                      detail=sent.get("detail", ""))[:limit]
    if h["action"] == "update" and h.get("field") == "notifications":
        told = _notifications_change(h.get("old_value"), h.get("new_value"))
        if told:
            return told if len(told) <= limit else told[: limit - 1] + "…"
    if h["action"] == "append":  # messages added to a record's mail
        try:
            added = json.loads(h.get("new_value") or "[]")
        except ValueError:
            added = []
        if isinstance(added, list) and added and all(isinstance(m, dict) for m in added):
            kinds = {"new": _("mail in from {sender}: {subject}"), "reply": _("mail reply from {sender}: {subject}"),
                     "held": _("mail held for a person from {sender}: {subject}")}
            text = listed(kinds.get(str(m.get("kind")), _("mail from {sender}: {subject}")).format(
                sender=m.get("sender", ""), subject=m.get("subject", ""))
                + (f": {m['text']}" if str(m.get("text") or "").strip() else "")
                for m in added)  # what it says, too: the reply is the customer's word
            text = " ".join(text.split())
            return text if len(text) <= limit else text[: limit - 1] + "…"
        return _("{label}: {value}").format(label=field, value="+ " + short(h.get("new_value")))
    if h["action"] != "update":
        return _("{label}: {value}").format(label=f"{h['action']} {field}".strip(), value=short(h.get("new_value")))
    value: Callable[[str | None], str] = short
    if h.get("field") not in WORDED and h.get("field") != "service_hours" and not _boolean(h.get("kind"), h.get("field")) \
            and not str(h.get("field")).endswith(("_minutes", "_days")) and h.get("old_value") not in (None, "", "[]", "{}"):
        before, after = short(h.get("old_value"), False), short(h.get("new_value"), False)
        if max(len(before), len(after)) > limit // 2 and before != after:  # a long text: where it differs
            before, after = differing(before, after, max(limit // 2, 40))
            return _("{label}: {value}").format(label=field, value=f"{before} → {after}")
    if h.get("field") in WORDED:  # a code stored in English (impact, state...), shown as the language names it
        value = _code_words(h["field"], short)
    elif h.get("field") == "service_hours":  # stored as numbers and ISO days, read as they are typed
        value = _hours_words(short)
    elif str(h.get("field")).endswith(("_minutes", "_days")):  # the unit said with the figure, not the label
        value = _unit_words(str(h["field"]), short)
    elif _boolean(h.get("kind"), h.get("field")):  # stored as JSON's true and false: yes and no
        value = _yes_no_words(short)
    if h.get("old_value") in (None, "", "[]", "{}"):
        return _("{label}: {value}").format(label=field, value=value(h.get("new_value")))
    return _("{label}: {value}").format(label=field, value=f"{value(h.get('old_value'))} → {value(h.get('new_value'))}")


def differing(before: str, after: str, width: int) -> tuple[str, str]:
    """Two versions of a long text cut to the part where they differ, each within `width`
    characters: from a few words before the first difference to the end of what changed, "…"
    where text is left out. One function for every history shown (the screen, `show`, the pack)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0  # the common ending, not overlapping the common beginning
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    context = max(0, start - 24)
    space = before.rfind(" ", 0, context + 1) if context else -1
    begin = space + 1 if space >= 0 else context  # from the start of a word

    def cut(text: str) -> str:
        changed_to = len(text) - end
        part = text[begin:changed_to]
        stop = text.find(" ", changed_to + 12)  # a few words after, to read where it is (whole words)
        tail = text[changed_to:stop if stop >= 0 else len(text)]
        out = ("…" if begin else "") + part + tail
        if len(out) > width:
            space = out.rfind(" ", 0, width - 1)
            out = out[: space if space > width // 2 else width - 1] + "…"
        elif stop >= 0:
            out += "…"
        return out

    return cut(before), cut(after)


def _boolean(kind: str | None, field: str | None) -> bool:
    """Whether `field` of the records of `kind` holds a yes or a no."""
    # here, not at the top: importing it loads pydantic
    from ..model.records import KINDS, model_for

    if not kind or not field or kind not in KINDS:
        return False
    found = model_for(kind).model_fields.get(field)
    return found is not None and found.annotation in (bool, bool | None)


def _yes_no_words(short: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """A history value of a yes-or-no field ("true", as JSON stores it) as the language says it."""

    def words(raw: str | None) -> str:
        said = {"true": pgettext("value", "yes"), "false": pgettext("value", "no")}
        return said.get(str(raw).strip().lower(), short(raw))

    return words


def _unit_words(field: str, short: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """A history value of a figure whose field names its unit (waiting_minutes) as a duration ('6h
    13m'), as the field's label leaves the unit out."""

    def words(raw: str | None) -> str:
        try:
            number = int(json.loads(raw)) if raw not in (None, "") else None
        except (TypeError, ValueError):
            number = None
        return (_with_unit(field, number) or short(raw)) if number is not None else short(raw)

    return words


def _hours_words(short: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """A history value of service hours as a person reads and types them ('Lun-Vie 08:00-18:00;
    feriados 25/12/2026'), not as stored ('days: 0; 1; 2...')."""
    # here, not at the top: importing them loads pydantic
    from ..model.records import ServiceHours
    from .fields import hours_text

    def words(raw: str | None) -> str:
        try:
            loaded = json.loads(raw) if raw else None
            if not isinstance(loaded, dict):
                return short(raw)
            return hours_text(ServiceHours.model_validate(loaded)) or _("(empty)")
        except ValueError:
            return short(raw)

    return words


def _code_words(field: str, short: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """A history value of a coded field (a status, a state, an impact, a change's type...) in its
    words ("abierto" for opened, "alto" for high), else as `short` shows it. The row keeps the code."""

    def shown(value: str | None) -> str:
        try:
            code = json.loads(value) if value and value[:1] == '"' else value
        except ValueError:
            code = value
        return code_word(field, code) if isinstance(code, str) and code else short(value)

    return shown


def _notifications_change(old: str | None, new: str | None) -> str:
    """What changed in an incident's notifications, in words: who was told, or what became of the
    mail that carried a notice (queued, sent, refused, bounced, dropped); "" when it cannot say."""
    try:
        before = json.loads(old) if old else []
        after = json.loads(new) if new else []
    except ValueError:
        return ""
    if not isinstance(before, list) or not isinstance(after, list) or not all(isinstance(n, dict) for n in after):
        return ""
    parts = []
    for i, n in enumerate(after):
        was = before[i] if i < len(before) and isinstance(before[i], dict) else None
        if was == n:
            continue
        state, to = n.get("state") or "", n.get("address") or n.get("to") or ""
        if was is None:
            told = {"task": n.get("task", ""), "who": n.get("to", ""), "how": code_word("how", n.get("how", "")),
                    "state": code_word("mail", state), "to": to}
            parts.append((_("notified {task} {who} by {how} (mail {state} to {to})") if state else
                          _("notified {task} {who} by {how}")).format(**told))
        elif state and state != (was.get("state") or ""):
            detail = n.get("delivery") or ""
            said = {"task": n.get("task", ""), "state": code_word("mail", state), "to": to, "detail": detail}
            parts.append((_("{task} mail {state} to {to}: {detail}") if detail else
                          _("{task} mail {state} to {to}")).format(**said))
    return listed(parts)


def when_text(h: dict[str, Any]) -> str:
    """When a history row's change happened: in the tool it was imported from when it came from
    one (marked *), else when it was written here."""
    if h.get("occurred_at"):
        return clock.local_text(clock.parse_datetime(h["occurred_at"])) + "*"
    return clock.local_text(clock.parse_datetime(h["at"]))


# fields a record's screen and `record show` leave out: its identity and the heading say them
NOT_LISTED = {"uuid", "id", "approvals", "version", "created_at", "updated_at", "created_by", "updated_by", "status",
              "state"}


# dicts whose keys are stored codes: item_text says the keys in words
CODE_KEYED = ("priority_matrix", "change_definitions", "security_measures", "templates", "figures")


# kinds whose stored title is a code, by the prefix of their ids
TITLE_CODES = {OTHER_PREFIXES[kind]: kind for kind in ("acknowledgements", "role_assignments")}


def title_words(kind: str, title: str) -> str:
    """A title as the database keeps it for lists and search (`record_search`, `ids_for`), in words:
    an acknowledgement's rule by its name, a role assignment's role by its name; any other kind's
    title as it is. For where only the id and the stored title are at hand (the palette, links)."""
    if kind == "acknowledgements":
        return code_word("rule", title)
    if kind == "role_assignments":
        return role_named(title)
    return title


def id_title(rid: str, title: str) -> str:
    """'ID title' for a link or a hit, the title in words when the kind (told by the id's prefix)
    stores a code as its title."""
    kind = TITLE_CODES.get(rid.partition("-")[0], "")
    return f"{rid} {title_words(kind, title)}".strip()


def record_title(rec: Any, person: str = "") -> str:
    """A record's title as a person reads it: what it stores as its title, except where that is a
    code: a role assignment's role ("Sam Ortiz: Practitioner for incidents", `person` its holder's
    name), an acknowledgement's rule, said by their names."""
    if rec.KIND == "role_assignments":
        role = role_named(rec.role, rec.area)
        return _("{person}: {role}").format(person=person, role=role) if person else role
    return title_words(rec.KIND, str(rec.title_text))


def shown_title(store: Reads, rec: Any) -> str:
    """`record_title` with a role assignment's holder looked up: the title the record's screen,
    `vse-tui record show` and link labels show."""
    holder = store.titles("people", {"uuid": [rec.person]}).get(rec.person, "") if rec.KIND == "role_assignments" else ""
    return record_title(rec, holder)


def record_lines(store: Reads, rec: Any) -> list[tuple[str, str]]:
    """Every field a record stores, as (label, value in words): the record's screen and `vse-tui
    record show` list the same lines, so nothing stored goes unseen. Links show the record's id
    and title or a person's name; targets and service hours read as they are typed."""
    # here, not at the top: importing it loads pydantic
    from .fields import field_specs, hours_text, targets_text

    data = rec.model_dump(mode="json")
    labels = uuid_labels(store, walk(data))
    how = {spec.name: spec.how for spec in field_specs(rec.KIND)}
    out = []
    for name, value in data.items():
        if name in NOT_LISTED or value in (None, "", [], {}) or value is False:
            continue
        if how.get(name) == "targets":
            shown = targets_text(getattr(rec, name)) + "  " + _("(respond/resolve)")
        elif how.get(name) == "hours":
            shown = hours_text(getattr(rec, name))
        elif name == "size" and isinstance(value, int):  # an attached file's
            shown = ngettext("{n} byte", "{n} bytes", value).format(n=f"{value:,}")
        elif isinstance(value, str) and name in WORDED:  # a choice: its word
            shown = code_word(name, value)
        elif name == "roles" and isinstance(value, list):  # an acknowledgement's roles, by their names
            shown = roles_named(value)
        elif name in CODE_KEYED and isinstance(value, dict):  # keys that are codes (high/low, emergency), in words
            shown = item_text(rec, name, labels)
        else:
            shown = _with_unit(name, value) or render_value(value, labels)
        out.append((field_name(name), shown))
    return out
