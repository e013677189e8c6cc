"""Why a record could not be stored, as a person reads it: pydantic's validation errors turned into
one line in the language spoken, each field by its label ("Résumé", not `summary`) and what it
expects in our own words ("obligatoire", "au plus 200 caractères"), never the library's English."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, either, listed, ngettext

from .labels import code_word, field_name

if TYPE_CHECKING:
    from pydantic import ValidationError

# what a kind of value is, for "must be {a number}" (pydantic's error types, by their stem)
_KINDS = {
    "int": lambda: _("a whole number"), "float": lambda: _("a number"), "decimal": lambda: _("a number"),
    "bool": lambda: _("yes or no"), "date": lambda: _("a date"), "datetime": lambda: _("a date and a time"),
    "time": lambda: _("a time of day"), "string": lambda: _("text"), "list": lambda: _("a list"),
    "dict": lambda: _("a set of named values"), "uuid": lambda: _("a reference to a record"),
}


def expected(err: dict[str, Any], field: str = "") -> str:
    """What one of pydantic's errors says the field expects, in the language spoken (`field`: its
    stored name, for the words of the values it takes)."""
    kind = str(err.get("type") or "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("required")
    if kind in ("value_error", "assertion_error"):  # our own validators' words, already translated
        return str(err.get("msg") or "").removeprefix("Value error, ").removeprefix("Assertion failed, ") \
            or _("is not valid")
    if kind == "string_too_short":
        n = int(ctx.get("min_length", 1))
        return _("must not be empty") if n <= 1 else ngettext(
            "at least {n} character", "at least {n} characters", n).format(n=n)
    if kind == "string_too_long":
        n = int(ctx.get("max_length", 0))
        return ngettext("at most {n} character", "at most {n} characters", n).format(n=n)
    if kind in ("too_short", "too_long"):
        return _("not the number of entries it takes")
    if kind == "greater_than_equal":
        return _("at least {value}").format(value=ctx.get("ge"))
    if kind == "less_than_equal":
        return _("at most {value}").format(value=ctx.get("le"))
    if kind == "greater_than":
        return _("more than {value}").format(value=ctx.get("gt"))
    if kind == "less_than":
        return _("less than {value}").format(value=ctx.get("lt"))
    if kind in ("literal_error", "enum"):
        values = re.findall(r"'([^']*)'", str(ctx.get("expected") or ""))
        if values:  # each value as the language says it ("alto, medio o bajo"), what is stored unchanged
            return _("one of {values}").format(values=either(code_word(field, v) for v in values))
        return _("not one of the values it takes")
    stem = kind.split("_")[0]
    if kind.endswith(("_parsing", "_type")) and stem in _KINDS:
        return _("must be {kind}").format(kind=_KINDS[stem]())
    return _("is not valid")


def describe_validation_error(exc: ValidationError, what: str | None = None) -> str:
    """Turn a pydantic ValidationError into one line naming each field and what it expects (`what`:
    the record as the reader knows it, already in their language; "record" when not said)."""
    what = what or _("record")
    parts = []
    for err in exc.errors():
        named = [p for p in err.get("loc", ()) if isinstance(p, str) and p != "__root__"]
        loc = field_name(named[-1]) if named else what
        value = err.get("input")
        shown = ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and err.get("type") != "missing":
            text = str(value)
            shown = " " + _("(got {value!r})").format(value=text[:40] + ("..." if len(text) > 40 else ""))
        problem = expected(dict(err), str(named[-1]) if named else "")
        parts.append(_("{field}: {problem}").format(field=loc, problem=problem) + shown)
    return _("{what}: {problems}").format(what=what, problems=listed(parts))
