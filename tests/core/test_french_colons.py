"""French writes a space before a colon ("Pourquoi :"): a line the app builds as "name: words" is one
whole translatable sentence, so the French catalogue can say it so. Checked on the due list, the
audit check's record lines (Markdown and role warnings) and the lines of a task's why."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.junk_shop import build_junk
from vse_tui.core.evidence import audit_check
from vse_tui.core.evidence.due import due_items
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.findings import Finding
from vse_tui.core.model.records import ConfigurationItem
from vse_tui.i18n import using

GLUED = re.compile(r"\w: ")  # a word, then the colon: English typography, not French


def test_in_french_the_lines_built_from_a_name_and_words_put_a_space_before_the_colon(store):
    with using("fr"):
        build_junk(store)
        store.add(ConfigurationItem(name="NAS", ci_type="hardware", expiry_kind="licence",
                                    expiry_date=clock.today() + timedelta(days=3)))
        due = [i.title for i in due_items(store) if i.ref.startswith("CI-")]
        findings = audit_check.audit_check(store)
        markdown = audit_check.to_markdown(findings)
        why = [w.text for t in evidence_map(store) for w in t.why]
    assert due == ["NAS : licence"], due
    roles = [f.what for f in findings if f.rule == "role-warning"]
    assert roles and all(" : " in w and not GLUED.search(w) for w in roles), roles
    lines = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert lines and all(" : " in line for line in lines), lines
    built = [w for w in why if w.startswith(("WP.", "OP."))]  # a work product's line: "WP.01 … (…) : …"
    assert built and all(re.search(r"\) : ", w) for w in built), built[:5]


def test_the_french_evidence_map_report_spaces_its_colons_and_semicolons(store):
    """`report audit` in French: "WP.01 approuvé : oui", "MGT : Kim Lee ; CUS : …", and the
    processes' counts set apart from the total."""
    import io

    from vse_tui.reports.audit import write_markdown

    with using("fr"):
        build_junk(store)
        out = io.StringIO()
        write_markdown(evidence_map(store), out, shop="Atelier")
    text = out.getvalue()
    rows = [line for line in text.splitlines() if line.startswith("| GO.")]
    assert rows and not any(re.search(r"(oui|non)\b", r) and re.search(r"\w: (oui|non)", r) for r in rows), rows[:2]
    cells = [r.split(" | ") for r in rows]
    assert all(re.search(r" : (oui|non)", c[4] + c[5]) for c in cells if c[4] or c[5]), rows[:2]
    roles = [c[6] for c in cells if ";" in c[6]]
    assert roles and all(" ; " in r and not GLUED.search(r) for r in roles), roles[:3]
    assert re.search(r"sur \d+ \(GO \d+/\d+ · ", text), text[:300]


def test_the_french_audit_pack_says_its_rules_in_words_with_spaced_colons(store, tmp_path):
    """The pack's audit check page: the rules by their words (no key such as approval-stale), and no
    'rule: text' glued in French."""
    from vse_tui.core.evidence.audit_check import RULES
    from vse_tui.reports.audit_pack import write_pack

    with using("fr"):
        build_junk(store)
        write_pack(store, tmp_path / "pack")
    page = (tmp_path / "pack" / "audit-check.md").read_text(encoding="utf-8")
    text = re.sub(r"\]\([^)]*\)|<a id=[^>]*>|« vse-tui [^»]*»", " ", page)
    assert not GLUED.search(text), [line for line in text.splitlines() if GLUED.search(line)][:5]
    keys = [k for k in RULES if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text) and "-" in k]
    assert not keys, keys
    assert "Règle : " in text and "## Les règles contrôlées" in text


def test_every_item_of_an_entry_has_a_name_in_words():
    """A notification's message_id, a mail's sender, an approval's meaning: every item of every
    entry a record holds is named for a person (the French pack said 'message id')."""
    import typing

    from pydantic import BaseModel

    from vse_tui.core.model.records import KINDS, model_for
    from vse_tui.core.present.display import ENTRY_KEYS, HIDDEN_KEYS

    def entries(annotation, out):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.add(annotation)
            return
        for inner in typing.get_args(annotation):
            entries(inner, out)

    models: set = set()
    for kind in KINDS:
        for info in model_for(kind).model_fields.values():
            entries(info.annotation, models)
    missing = sorted(f"{m.__name__}.{k}" for m in models for k in m.model_fields if k not in set(ENTRY_KEYS) | HIDDEN_KEYS)
    assert models and not missing, missing


def test_the_evidence_map_report_joins_statuses_with_the_language_s_and(store):
    """'WP.09 borrador & aprobado': two statuses a task needs are joined by the language's word."""
    import io

    from vse_tui.reports.audit import write_markdown

    with using("es"):
        out = io.StringIO()
        write_markdown(evidence_map(store), out, shop="Taller")
    text = out.getvalue()
    assert " & " not in text and "borrador y aprobado" in text
    assert text.startswith("# Mapa de evidencias: Taller")


def test_a_role_warning_line_is_said_in_words_with_the_roles_in_words(store):
    """`vse-tui roles check` and the improvement report: no rule key ('control-and-incident:'), the
    person set apart as French writes it, a practitioner's area in words."""
    from vse_tui.core.governance.roles import RULES, warnings

    with using("fr"):
        build_junk(store)
        lines = [w.line() for w in warnings(store)]
    assert lines and not [line for line in lines if GLUED.search(line.split(" [")[0])], lines
    assert not [line for line in lines if any(line.startswith(key) for key in RULES)], lines
    assert not [line for line in lines if "PT:" in line], lines


def test_a_finding_of_verify_is_one_french_line():
    """`vse-tui verify` prints each finding as "records: what"; in French the colon is spaced."""
    with using("fr"):
        broken = Finding.broken("INC-0042", "la ligne d'historique 12 ne correspond pas").line()
        ruled = Finding("time", ("INC-0042",), "daté dans le futur").line()
    assert broken == "INC-0042 : la ligne d'historique 12 ne correspond pas", broken
    assert ruled == "INC-0042 : daté dans le futur", ruled  # the rule's key is no word of French


def test_a_list_a_person_reads_is_separated_as_french_spaces_it():
    """The improvement draft's overdue reviews, one after another: " ; " in French, "; " in English."""
    from vse_tui.reports import improvement

    data = {"open_role_warnings": [], "acknowledged_role_warnings": [], "overdue_reviews": ["a", "b"]}
    assert improvement._issues_text(data) == "Overdue: a; b"
    with using("fr"):
        assert improvement._issues_text(data) == "En retard : a ; b"
