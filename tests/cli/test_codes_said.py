"""What a person of a Spanish, Brazilian or French shop still met as a stored code: the channel an
incident's notice went by, an impact or urgency in a history diff, a role and its area, a language,
the choices `--help` lists. Each is said in words where it is shown; what is stored (history rows,
JSON, the values a script types) keeps the code."""

from __future__ import annotations

import argparse
import ast
import json
import re
from pathlib import Path

import pytest

from vse_tui import i18n
from vse_tui.cli import build_parser, main
from vse_tui.cli.common import Choices
from vse_tui.core.present.labels import WORDED, code_word

LANGUAGES = ["es", "pt_BR", "fr"]
PACKAGE = Path(i18n.__file__).parents[2]


@pytest.fixture
def run(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")

    def command(lang: str, *args: str) -> str:
        assert main(["--lang", lang, "--db", str(demo_db), "--as", "Kim Lee", *args]) == 0
        return capsys.readouterr().out

    yield command
    i18n.set_language("en")


def _said(lang: str, field: str, code: str) -> str:
    with i18n.using(lang):
        return code_word(field, code)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_incident_notified_says_the_channel_in_words(run, lang):
    text = run(lang, "incident", "notified", "INC-0001", "--task", "IN.2.3", "--to", "Dana Wells", "--how", "phone")
    phone = _said(lang, "how", "phone")
    assert phone != "phone" and f", {phone}," in text, text
    assert not re.search(r"\bphone\b", text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_history_says_an_impact_and_an_urgency_in_words_and_keeps_the_codes(run, lang, demo_db):
    ref = run(lang, "incident", "add", "Printer jammed").split()[0]
    run(lang, "incident", "classify", ref, "--impact", "high", "--urgency", "low")
    text = run(lang, "incident", "show", ref)
    history = text.split("\n")[-40:]
    medium, high = _said(lang, "impact", "medium"), _said(lang, "impact", "high")
    urgency = f"{_said(lang, 'urgency', 'medium')} → {_said(lang, 'urgency', 'low')}"
    assert any(f"{medium} → {high}" in line for line in history), history
    assert any(urgency in line for line in history), history
    assert not any(re.search(r"\b(medium|high|low)\b", line) for line in history), history
    from vse_tui.store import open_store

    store = open_store(demo_db)
    rows = [h for h in store.history(store.get("incidents", ref).uuid) if h["field"] == "impact"]
    store.close()
    assert rows[-1]["new_value"] in ("high", '"high"')  # stored as the code


def test_history_of_any_coded_field_is_in_words():
    from vse_tui.core.present.display import change_text

    with i18n.using("pt_BR"):
        for field in ("risk", "change_type", "affiliation", "how", "language"):
            code = {"risk": "low", "change_type": "emergency", "affiliation": "supplier", "how": "phone",
                    "language": "es"}[field]
            row = {"action": "update", "field": field, "old_value": None, "new_value": code}
            assert code_word(field, code) in change_text(row, {}), field
            assert code not in change_text(row, {}).split(": ", 1)[1], field
        assert "language" in WORDED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_history_says_a_yes_or_no_field_in_words(run, lang):
    """A change made a template is stored as JSON's false and true; its history says no and yes."""
    from vse_tui.core.present.display import change_text

    shown = run(lang, "change", "show", "CHG-0001")
    line = next(line for line in shown.splitlines() if "CO.1.1" in line and "→" in line)
    with i18n.using(lang):
        from vse_tui.i18n import pgettext

        assert f"{pgettext('value', 'no')} → {pgettext('value', 'yes')}" in line, line
        text = change_text({"action": "update", "kind": "change_requests", "field": "deployed_before_approval",
                            "old_value": "false", "new_value": "true"}, {})
        assert "false" not in text and "true" not in text, text
        # a text field that holds the word stays as typed
        typed = change_text({"action": "update", "kind": "change_requests", "field": "title", "old_value": "a",
                             "new_value": "true"}, {})
        assert typed.endswith("→ true"), typed
    assert "false" not in shown and "true" not in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_record_show_says_each_role_and_its_area_in_words(run, lang):
    text = run(lang, "record", "show", "ROL-0001")
    line = next(line for line in text.splitlines() if "Kim Lee" in line)
    assert "PT:" not in line and not re.search(r"\b(SM|CM|IM|RM|MGT|PT)\b", line), line
    with i18n.using(lang):
        from vse_tui.core.model.data import role_name

        practitioner, incidents = role_name("PT"), code_word("area", "incident")
        assert f"{practitioner} ({incidents})" in line, line
        assert role_name("SM") in line and role_name("SM") != "Service Manager"
    # the compact tables name each role too, a practitioner's area without a bracket, never cut
    with i18n.using(lang):
        from vse_tui.core.present.labels import role_named

        named = role_named("PT:incident"), role_named("SM"), role_named("RM")
    for listed in (run(lang, "people", "list"), run(lang, "roles", "list")):
        sam = next(line for line in listed.splitlines() if "Sam Ortiz" in line)
        assert all(name in sam for name in named) and sam.rstrip().endswith(named[-1] + ", " + named[0]), sam
        assert not re.search(r"\b(SM|CM|IM|RM|MGT|PT)\b", listed), listed
    assert "PT:incident" in run(lang, "people", "list", "--format", "csv")  # as typed and stored


def test_each_language_is_named_in_its_own_words_whatever_the_language_spoken():
    names = {"en": "English", "es": "Español", "pt_BR": "Português (Brasil)", "fr": "Français"}
    for lang in ("en", *LANGUAGES):
        for code, name in names.items():
            assert _said(lang, "language", code) == name
    assert i18n.match_language("Português (Brasil)") == "pt_BR" and i18n.match_language("français") == "fr"


def _choice_actions():
    parser = build_parser()
    seen = set()

    def walk(p: argparse.ArgumentParser, prog: str):
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    if id(sub) not in seen:
                        seen.add(id(sub))
                        yield from walk(sub, f"{prog} {name}")
            elif action.choices is not None:
                yield prog, action

    return list(walk(parser, "vse-tui"))


IDENTIFIERS = re.compile(r"^(P[1-5]|IN\.2\.[345]|json|csv|table|md|html|markdown|text)$")


def test_every_choice_of_the_command_line_has_its_words_or_is_an_identifier():
    """The guard: a choice among words (not P1 or json) added without `words=` would show English
    codes in --help to a Portuguese reader."""
    missing = [f"{prog} {action.option_strings or action.dest}" for prog, action in _choice_actions()
               if not isinstance(action.type, Choices) and not all(IDENTIFIERS.match(str(c)) for c in action.choices)]
    assert not missing, missing
    with i18n.using("pt_BR"):
        for prog, action in _choice_actions():
            if isinstance(action.type, Choices):
                assert any(action.type.word(c) != c for c in action.type.codes), (prog, action.dest)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_says_each_choice_in_words_and_the_codes_still_work(lang, capsys, demo_db):
    try:
        with pytest.raises(SystemExit):
            main(["--lang", lang, "incident", "classify", "--help"])
    finally:
        i18n.set_language("en")
    text = " ".join(capsys.readouterr().out.split())
    high = _said(lang, "impact", "high")
    assert f"high ({high})" in text and f"low ({_said(lang, 'urgency', 'low')})" in text, text
    # the code, as a script types it, and the word, as a person reads it in --help, both work
    refs = []
    for typed in ("high", high.upper()):
        try:
            assert main(["--lang", lang, "--db", str(demo_db), "--as", "Kim Lee", "incident", "add", "Printer jammed",
                         "--impact", typed]) == 0
        finally:
            i18n.set_language("en")
        refs.append(capsys.readouterr().out.split()[0])
    from vse_tui.store import open_store

    store = open_store(demo_db)
    assert [store.get("incidents", ref).impact for ref in refs] == ["high", "high"]
    store.close()


def test_english_help_is_unchanged(capsys):
    with pytest.raises(SystemExit):
        main(["incident", "classify", "--help"])
    text = capsys.readouterr().out
    assert "--impact {high,medium,low}" in text and "high (" not in text


def test_a_wrong_choice_is_refused_with_the_choices_in_words(capsys):
    try:
        code = main(["--lang", "fr", "incident", "add", "x", "--impact", "énorme"])
    finally:
        i18n.set_language("en")
    assert code == 2
    err = capsys.readouterr().err
    assert "high (élevé)" in err and "'énorme'" in err, err


CODED = {"status", "state", "how", "impact", "urgency", "risk", "change_type", "result", "affiliation", "item_type",
         "meaning", "feedback_type", "ci_type", "recurrence", "area", "role", "language"}


def test_no_message_takes_a_stored_code_as_it_is():
    """The guard for the CLI's replies and the core's messages: a value put into a translated text
    from a coded field (`.status`, `.how`, `args.how`) goes through its words (code_word,
    status_name, state_name), never in as the code."""
    found = []
    paths = sorted((PACKAGE / "vse_tui").rglob("*.py"))
    assert len(paths) > 100
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"):
                continue
            inner = node.func.value
            if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                    and inner.func.id in ("_", "ngettext", "pgettext")):
                continue
            message = inner.args[-1].value if inner.args and isinstance(inner.args[-1], ast.Constant) else ""
            for kw in node.keywords:
                value = kw.value
                if f"{{{kw.arg}!r}}" in str(message):  # quoted as typed: "(got 'x')" names the wrong value
                    continue
                if isinstance(value, ast.Attribute) and value.attr in CODED:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {kw.arg}={ast.unparse(value)}")
    assert not found, "\n".join(found)


def test_json_keeps_the_codes(run):
    rows = json.loads(run("pt_BR", "incident", "list", "--format", "json", "--limit", "3"))
    assert all(r["state"] in ("new", "in progress", "waiting for customer", "waiting for supplier", "restored",
                              "closed") for r in rows)


def test_a_table_heading_is_words_not_a_field_name():
    """The terminal table's headings are read, not parsed (CSV and JSON keep the field names, which
    programs read back): 'OUVERT LE', not 'OUVERT_LE'."""
    from vse_tui.cli.common import column_title

    for lang in LANGUAGES:
        with i18n.using(lang):
            titles = {c: column_title(c) for c in ("opened_at", "external_ref", "attached_at", "id", "state")}
        assert not [t for t in titles.values() if "_" in t], (lang, titles)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_incident_list_filters_by_a_state_as_the_list_says_it_or_as_stored(run, lang, demo_db, capsys):
    word = _said(lang, "state", "in progress")
    by_word = run(lang, "incident", "list", "--status", word.upper())
    by_code = run(lang, "incident", "list", "--status", "in progress")
    assert by_word == by_code and by_word.count("\n") > 1 and word in by_word
    try:
        assert main(["--lang", lang, "--db", str(demo_db), "incident", "list", "--status", "zz"]) == 1
    finally:
        i18n.set_language("en")
    assert _said(lang, "status", "opened") in capsys.readouterr().err


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_outbox_help_says_the_states_as_the_outbox_lists_them(lang, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    try:
        with pytest.raises(SystemExit):
            main(["--lang", lang, "mail", "--help"])
    finally:
        i18n.set_language("en")
    line = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("outbox"))
    for state in ("queued", "sent", "refused", "bounced"):
        assert _said(lang, "mail", state) in line and not re.search(rf"\b{state}\b", line), line


@pytest.mark.parametrize(("lang", "typed"), [("pt_BR", ("cliente", "fornecedor", "ninguém")),
                                             ("es", ("cliente", "proveedor", "nadie")),
                                             ("fr", ("client", "fournisseur", "personne"))])
def test_a_positional_choice_takes_the_word_a_person_reads_in_help(run, lang, typed, demo_db):
    """`incident wait INC cliente`: --help shows "customer (o cliente)", and the word typed as a
    person says it is taken like `--impact alto` (the code still works for scripts)."""
    from vse_tui.store import open_store

    ref = run(lang, "incident", "add", "Printer jammed").split()[0]
    seen = []
    for word in typed:
        run(lang, "incident", "wait", ref, word)
        store = open_store(demo_db)
        seen.append(store.get("incidents", ref).state)
        store.close()
    assert seen == ["waiting for customer", "waiting for supplier", "in progress"]


def test_every_positional_choice_takes_its_code_and_shown_word_and_refuses_an_ambiguous_word():
    positional = [(prog, a) for prog, a in _choice_actions() if not a.option_strings and isinstance(a.type, Choices)]
    assert {prog for prog, _a in positional} == {"vse-tui incident wait", "vse-tui feedback step", "vse-tui setup"}
    for lang in LANGUAGES:
        with i18n.using(lang):
            for prog, action in positional:
                choices = action.type
                for code in choices.codes:
                    assert choices(code) == code and choices(choices.word(code).upper()) == code, (lang, prog, code)
        with i18n.using(lang), pytest.raises(argparse.ArgumentTypeError):
            next(a for p, a in positional if p == "vse-tui setup").type(_said(lang, "setup_step", "policy").split()[-1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_record_show_titles_an_acknowledgement_and_a_role_assignment_in_words(run, lang):
    """Their stored titles are codes (a rule's key, a role's code): shown by their names."""
    from vse_tui.core.present.labels import role_named

    ack = run(lang, "record", "show", "ACK-0002")
    assignment = run(lang, "record", "show", "RA-0009")
    with i18n.using(lang):
        rule, practitioner = code_word("rule", "manager-and-practitioner"), role_named("PT:incident")
    assert ack.splitlines()[0] == f"ACK-0002  {rule}", ack
    assert practitioner in ack and "PT:incident" not in ack and "manager-and-practitioner" not in ack, ack
    assert assignment.splitlines()[0] == f"RA-0009  Alex Moreau: {practitioner}" or \
        assignment.splitlines()[0] == f"RA-0009  Alex Moreau : {practitioner}", assignment


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_link_or_a_found_record_names_a_stored_rule_or_role(demo_store, lang):
    """Where only an id and the stored title are at hand (a link in a history or the pack, the
    palette's hits), an acknowledgement's rule and a role assignment's role are said by name."""
    from vse_tui.core.present.display import id_title, title_words, uuid_labels
    from vse_tui.core.present.labels import role_named

    ack = demo_store.find("ACK-0002")
    with i18n.using(lang):
        rule, practitioner = code_word("rule", "manager-and-practitioner"), role_named("PT")
        assert uuid_labels(demo_store, [ack.uuid])[ack.uuid] == f"ACK-0002 {rule}"
        assert id_title("RA-0009", "PT") == f"RA-0009 {practitioner}"
        assert title_words("incidents", "PT printer") == "PT printer"  # any other title as it is


@pytest.mark.parametrize(("lang", "said"), [
    ("fr", "IN.2.1 incomplète : client, demandeur à renseigner ("),
    ("es", "IN.2.1 incompleta: cliente, solicitante sin registrar ("),
    ("pt_BR", "IN.2.1 incompleta: cliente, solicitante sem registro (")])
def test_what_an_incident_lacks_reads_as_a_sentence(run, lang, said):
    """The reason a step is not whole is a clause of its own ("client, demandeur à renseigner"),
    not glued after a verb ("manque client, demandeur non enregistré")."""
    shown = run(lang, "incident", "show", "INC-0301")
    assert said in shown, shown
