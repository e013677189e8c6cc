"""What is stored as a code (a state, a status, a change's type, an impact, a mail's delivery state, a
field's name) is shown in the reader's language by the CLI's lists and show commands; JSON and CSV
keep the codes, which programs read back."""

from __future__ import annotations

import json

import pytest

from vse_tui import i18n
from vse_tui.cli import main
from vse_tui.core.model.standard import field_label, state_name, status_name

LANGUAGES = ["es", "pt_BR", "fr"]


@pytest.fixture
def run(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")

    def command(lang: str, *args: str) -> str:
        assert main(["--lang", lang, "--db", str(demo_db), *args]) == 0
        return capsys.readouterr().out

    yield command
    i18n.set_language("en")


def _shown(lang: str, words, code: str) -> str:
    with i18n.using(lang):
        return words(code)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lists_say_states_statuses_and_types_in_words_and_json_keeps_codes(run, lang):
    incidents = json.loads(run(lang, "incident", "list", "--format", "json", "--limit", "40"))
    table = run(lang, "incident", "list", "--limit", "40")
    for row, line in zip(incidents, table.splitlines()[1:]):
        word = _shown(lang, state_name, row["state"])
        assert word != row["state"] and f"  {word}  " in line, line
    states = {row["state"] for row in incidents}
    assert {"new", "in progress"} <= states  # the codes, as stored

    changes = json.loads(run(lang, "change", "list", "--format", "json"))
    table = run(lang, "change", "list")
    for row, line in zip(changes, table.splitlines()[1:]):
        for word in (_shown(lang, status_name, row["status"]), _shown(lang, state_name, row["state"])):
            assert f"  {word}  " in line, (word, line)
    english = {"approved", "rejected", "scheduled", "cancelled", "deployed", "requested", "draft"}
    assert not [w for w in english if f"  {w}  " in table]
    csv = run(lang, "change", "list", "--format", "csv")
    assert ",approved," in csv or ",draft," in csv  # CSV keeps the codes

    people = run(lang, "people", "list")
    assert "  internal  " not in people and "  customer  " not in people
    cis = run(lang, "ci", "list")
    assert "  in service  " not in cis


@pytest.mark.parametrize("lang", LANGUAGES)
def test_incident_show_says_levels_states_and_mail_in_words(run, lang):
    text = run(lang, "incident", "show", "INC-0001")
    head = text.splitlines()[1]
    with i18n.using(lang):
        for word in (state_name("closed"), status_name("closed"), i18n.pgettext("urgency", "medium"),
                     i18n.pgettext("mail state", "sent")):
            assert word in text, word
    assert "medium" not in head and "closed" not in head
    assert ": sent (" not in text and " sent (" not in text and "mail queued" not in text
    assert " by phone" not in text and " par phone" not in text and " email (" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_record_show_labels_fields_by_their_names_and_says_choices_in_words(run, lang):
    changes = json.loads(run(lang, "change", "list", "--format", "json"))
    ref = next(c["id"] for c in changes if c["status"] == "approved" and c["state"] == "tested")
    text = run(lang, "record", "show", ref)
    lines = text.split("\n")
    assert not any(line.startswith(("  impacted cis", "  change type", "  backout plan", "  title:"))
                   for line in lines), text
    with i18n.using(lang):
        assert "  " + field_label("impacted_cis") in text
        assert i18n._("Change request") in lines[1] and status_name("approved") in lines[1]
        assert i18n._("low") in text or i18n._("medium") in text or i18n._("high") in text
        assert i18n._("approved") + (" :" if lang == "fr" else ":") in text
    assert "Change request ·" not in text and "by email" not in text


def test_french_puts_a_space_before_the_colon_of_a_label(run):
    text = run("fr", "incident", "show", "INC-0001")
    assert "  demandeur : " in text and "  détails : " in text
    assert "  reporter:" not in text and "demandeur:" not in text
    history = text.split("historique :", 1)[1]
    assert "état : " in history and "état: " not in history


def test_english_is_unchanged(run):
    table = run("en", "incident", "list", "--limit", "5")
    assert "in progress" in table or "new" in table
    text = run("en", "incident", "show", "INC-0001")
    assert "urgency medium)   status closed   state closed" in text
    assert "  reporter: " in text
