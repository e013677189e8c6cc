"""One type for what every check finds: `verify` (the chain, records, attached files, signatures,
keys, anchors) and `audit check` report a `Finding`: what is wrong, which records, which rule, how
serious. Each check's lines read as they always did."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import vse_tui
from vse_tui.cli import main
from vse_tui.core.kernel.findings import Finding, Severity


def test_a_finding_is_frozen_and_says_itself_in_one_line():
    broken = Finding.broken("history 12", "its content was changed after it was written")
    assert (broken.rule, broken.records, broken.severity) == (None, ("history 12",), Severity.BROKEN)
    assert broken.line() == "history 12: its content was changed after it was written"
    with pytest.raises(dataclasses.FrozenInstanceError):
        broken.what = "nothing"  # type: ignore[misc]
    found = Finding("agreement", ("SAG-0002",), "approved, but never accepted by the supplier in this version")
    assert found.severity is Severity.QUESTION
    # what is wrong in words, never the rule's key (a person reads the line; JSON keeps the rule)
    assert found.line() == "SAG-0002: approved, but never accepted by the supplier in this version"
    assert Finding("content", ("SAG-0002", "SAG-0001"), "x").line() == "SAG-0002, SAG-0001: x"


def test_every_check_reports_the_one_type_with_its_lines_as_before(store, tmp_path, capsys):
    from vse_tui.core.evidence import attachments
    from vse_tui.core.evidence.audit_check import audit_check
    from vse_tui.core.governance.approvals import check_approvals
    from vse_tui.core.incidents import process as core
    from vse_tui.core.model.records import Customer
    from vse_tui.reports.figures import audit_findings
    from vse_tui.store.chain import verify

    acme = store.add(Customer(name="Acme Bakery"))
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(b"%PDF-1.4 signed")
    att = attachments.attach(store, acme.id, scan)
    core.log_incident(store, "Printer jam", use_last=False)
    (store.files_dir / att.sha256[:2] / att.sha256).unlink()
    files = attachments.check_files(store)
    assert [f.line() for f in files] == [f"{att.id}: the file of signed.pdf is missing"]
    assert files[0].severity is Severity.BROKEN and files[0].rule is None
    store.conn.execute("UPDATE customers SET data = replace(data, 'Acme', 'Axme')")
    store.conn.commit()
    chain = verify(store)
    assert [f.line() for f in chain] == [f"{acme.id}: field name differs from what its history says (changed behind the "
                                        "app's back)"]
    audit = audit_findings(store)
    for found in [*files, *chain, *check_approvals(store), *audit_check(store), *audit]:
        assert type(found) is Finding, found
    assert audit and all(f.rule and f.severity is Severity.QUESTION for f in audit)
    # an anchor the database does not agree with: the same line as ever, and the same type behind it
    tip = tmp_path / "tip.txt"
    tip.write_text("1 " + "0" * 64 + "\n")
    capsys.readouterr()
    assert main(["verify", "--anchor", str(tip), "--db", str(store.path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("anchor: row 1 does not have the anchor's hash") for line in lines), lines


def test_no_other_type_of_finding_is_left_in_the_package():
    """Problem, FileProblem, KeyProblem, _AnchorProblem and the audit check's own Finding were one
    idea in five types; one is left, in the kernel, where every check can reach it."""
    root = Path(vse_tui.__file__).parent
    others = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and (node.name.endswith("Problem") or node.name.endswith("Finding")):
                others.append(f"{path.relative_to(root)}: {node.name}")
    assert others == ["core/kernel/findings.py: Finding"]
