"""Dates inside audit findings: shown in the person's time zone and language (`audit check`, the
evidence map's screens, the audit pack), carried as stored (UTC ISO 8601) in the JSON output."""

import json
import os
import subprocess
import sys
import time

import pytest

from vse_tui.core.evidence.audit_check import audit_check, finding_dict, to_markdown
from vse_tui.core.governance import process as gov
from vse_tui.i18n import using


@pytest.fixture
def auckland(monkeypatch):
    """The shop in New Zealand (UTC+13 in December): late evening in UTC is the next local day."""
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def _overdue_policy(store):
    fields = gov.policy_defaults()
    fields["review_date"] = "2026-10-01"
    gov.save_policy_draft(store, fields)
    gov.approve_policy(store, gov.approval(store, None))


@pytest.mark.parametrize(("lang", "day"), [("en", "2026-10-01"), ("es", "01/10/2026"), ("pt_BR", "01/10/2026"),
                                           ("fr", "01/10/2026")])
def test_a_review_past_its_date_names_the_day_as_the_language_writes_it(store, lang, day):
    _overdue_policy(store)
    with using(lang):
        found = [f for f in audit_check(store) if f.rule == "review"]
        text = to_markdown(found)
    assert found and day in found[0].what and day in text
    if lang != "en":
        assert "2026-10-01" not in found[0].what
    assert finding_dict(found[0])["dates"] == {"due": "2026-10-01"}  # the JSON keeps the stored day


def test_a_login_mapped_to_no_person_is_dated_in_local_time(bare_store, monkeypatch, auckland):
    monkeypatch.setenv("VSE_TUI_NOW", "2026-12-01T23:30:00+00:00")  # 2 December, 12:30 in Auckland
    gov.save_policy_draft(bare_store, gov.policy_defaults())  # written by a login mapped to no person
    with using("es"):
        found = [f for f in audit_check(bare_store) if f.rule == "person"]
    assert found and "02/12/2026" in found[0].what
    assert "2026-12-01" not in found[0].what
    assert finding_dict(found[0])["dates"]["first"].startswith("2026-12-01T23:30")


def test_audit_check_in_french_text_and_json(store, tmp_path):
    _overdue_policy(store)
    path = store.path
    env = {**os.environ}
    text = subprocess.run([sys.executable, "-m", "vse_tui", "--lang", "fr", "--db", str(path), "audit", "check"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert "01/10/2026" in text.stdout and "2026-10-01" not in text.stdout, text.stdout + text.stderr
    out = subprocess.run([sys.executable, "-m", "vse_tui", "--lang", "fr", "--db", str(path), "audit", "check",
                          "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    findings = json.loads(out.stdout)["findings"]
    review = next(f for f in findings if f["rule"] == "review")
    assert review["dates"] == {"due": "2026-10-01"}
