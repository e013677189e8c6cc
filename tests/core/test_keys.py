"""Keys that cannot be borrowed: who registers a key, how it is replaced, which key checks a
signature, and names that cannot pose as structure or as someone else."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from vse_tui.cli import main
from vse_tui.core.evidence import audit_check
from vse_tui.core.governance import approvals, documents
from vse_tui.core.governance import process as gov
from vse_tui.core.governance.keys import fingerprint, key_rows, set_key
from vse_tui.core.governance.roles import add_person
from vse_tui.core.kernel.errors import InputError


@contextlib.contextmanager
def acting(store, person):
    """`person` at their own keyboard: their login, their writes."""
    before = store.actor
    store.actor = dataclasses.replace(before.as_person(person.uuid, person.name), os_user=person.os_user or "")
    try:
        yield
    finally:
        store.actor = before


needs_openssh = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="OpenSSH's ssh-keygen is not here")


def keypair(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


def pub(key: Path) -> str:
    return key.with_suffix(".pub").read_text().strip()


def verify_says(store, capsys) -> tuple[int, str]:
    code = main(["verify", "--db", str(store.path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def signature_findings(store) -> list[str]:
    return [f.what for f in audit_check.audit_check(store) if f.rule == "signature"]


def policy(store):
    gov.save_policy_draft(store, gov.policy_defaults())
    return store.latest("policies")


def forge_approval(store, kind: str, rec, person: str, private_key: Path, key_public: str):
    """What an older version let anyone do: an approval 'by' someone, signed with another's key."""
    a = approvals.bind(approvals.new(store, person), rec)
    a = a.model_copy(update={"recorded_by": None})  # an older version kept no recorder
    a = a.model_copy(update={"signature": approvals.sign_text(approvals.text(kind, rec.uuid, rec.id, a), private_key),
                             "key": fingerprint(key_public)})
    return store.update(kind, rec.uuid, {"approvals": [*rec.approvals, a]})


@needs_openssh
def test_a_rotated_key_keeps_every_earlier_signature_valid(store, tmp_path, capsys):
    old, new = keypair(tmp_path, "old"), keypair(tmp_path, "new")
    set_key(store, "Tester", pub(old))
    pol = documents.approve(store, "policies", policy(store).id, sign=True, key=str(old))
    # a normal rotation: the replacement is signed with the old key
    me = set_key(store, "Tester", pub(new), old_key=str(old))
    assert me.key_proof["how"] == "old key" and me.key_proof["replaces"] == fingerprint(pub(old))
    documents.edit(store, "policies", pol.id, {"objectives": "Rotated and still signed."})
    pol = documents.approve(store, "policies", pol.id, sign=True, key=str(new))
    assert [a.key for a in pol.approvals] == [fingerprint(pub(old)), fingerprint(pub(new))]
    assert approvals.check_signatures(store) == []
    code, said = verify_says(store, capsys)
    assert code == 0, said
    assert signature_findings(store) == []
    # signing with the retired key after the rotation is named
    forge_approval(store, "policies", store.latest("policies"), "Tester", old, pub(old))
    problems = approvals.check_signatures(store)
    assert len(problems) == 1 and f"names the key {fingerprint(pub(old))}, but Tester held" in problems[0].what


@needs_openssh
def test_a_replacement_needs_the_old_key_or_the_service_managers(store, tmp_path):
    alice = add_person(store, "Alice Moss", roles="PT:incident", os_user="alice")[0]
    first, second, third = keypair(tmp_path, "a1"), keypair(tmp_path, "a2"), keypair(tmp_path, "a3")
    with pytest.raises(InputError, match="registers their first key themself"):
        set_key(store, "Alice Moss", pub(first))  # the Service Manager cannot give Alice her first key
    with acting(store, alice):
        set_key(store, "Alice Moss", pub(first))
        with pytest.raises(InputError, match="No private key"):
            set_key(store, "Alice Moss", pub(second), old_key=None)  # ~/.ssh holds no old key
    # the Service Manager approves a replacement with their own key
    tester_key = keypair(tmp_path, "tester")
    with pytest.raises(InputError, match="have none registered"):
        set_key(store, "Alice Moss", pub(second), approver_key=str(tester_key))
    set_key(store, "Tester", pub(tester_key))
    done = set_key(store, "Alice Moss", pub(second), approver_key=str(tester_key))
    assert done.key_proof["how"] == "service manager"
    sam = add_person(store, "Sam Ortiz", roles="PT:incident", os_user="sam")[0]
    with acting(store, sam), pytest.raises(InputError, match="already has a key"):
        set_key(store, "Alice Moss", pub(third))  # a colleague without the role cannot
    rows = [r for r in key_rows(store) if r["person"] == alice.id]
    assert [(r["how"], r["by"], r["problem"]) for r in rows] == [("self", "Alice Moss", ""),
                                                                   ("service manager", "Tester", "")]
    assert approvals.check_signatures(store) == []


@needs_openssh
def test_a_swapped_key_is_refused_and_a_forgery_with_one_is_named(store, tmp_path, capsys):
    alice = add_person(store, "Alice Moss", roles="SM,MGT", os_user="alice")[0]
    bob = add_person(store, "Bob Dent", roles="PT:incident", os_user="bob")[0]
    alice_key, bob_key = keypair(tmp_path, "alice"), keypair(tmp_path, "bob")
    with acting(store, alice):
        set_key(store, "Alice Moss", pub(alice_key))
        documents.approve(store, "policies", policy(store).id, sign=True, key=str(alice_key))
    with acting(store, bob):  # Bob puts his key on Alice: refused now
        with pytest.raises(InputError, match="already has a key"):
            set_key(store, "Alice Moss", pub(bob_key))
        assert main(["people", "key", "Alice Moss", str(bob_key.with_suffix(".pub")), "--db", str(store.path),
                     "--as", "Bob Dent"]) == 1
    # as an older version let him: the swap written through the store, then an approval "by" Alice
    with acting(store, bob):
        store.update("people", alice.uuid, {"ssh_key": pub(bob_key)})
        documents.edit(store, "policies", "POL-0001", {"objectives": "Bob's version."})
        forge_approval(store, "policies", store.latest("policies"), "Alice Moss", bob_key, pub(bob_key))
    problems = [p.what for p in approvals.check_signatures(store)]
    assert any("registered for Alice Moss by Bob Dent" in p and "someone else registered" in p for p in problems)
    assert not any("(v1)" in p for p in problems), problems  # her genuine signature still holds
    code, said = verify_says(store, capsys)
    assert code == 1 and "registered for Alice Moss by Bob Dent (login bob" in said
    assert any("someone else registered" in f for f in signature_findings(store))


@needs_openssh
def test_one_key_one_person(store, tmp_path, capsys):
    alice = add_person(store, "Alice Moss", roles="PT:incident", os_user="alice")[0]
    bob = add_person(store, "Bob Dent", roles="PT:incident", os_user="bob")[0]
    shared = keypair(tmp_path, "shared")
    with acting(store, alice):
        set_key(store, "Alice Moss", pub(shared))
    with acting(store, bob), pytest.raises(InputError, match="registered for Alice Moss .*one key, one person"):
        set_key(store, "Bob Dent", pub(shared))
    with pytest.raises(InputError, match="one key, one person"):
        add_person(store, "Carol", os_user="tester2", ssh_key=pub(shared))  # nor given with a new person
    with acting(store, bob):  # as an older version let it be
        store.update("people", bob.uuid, {"ssh_key": pub(shared)})
    code, said = verify_says(store, capsys)
    assert code == 1 and "is registered for Alice Moss" in said and "Bob Dent" in said and "one key, one person" in said
    assert any("one key, one person" in f for f in signature_findings(store))


@needs_openssh
def test_a_signature_copied_to_a_later_version_is_named_and_never_shown_as_signed(store, tmp_path, capsys):
    from vse_tui.reports import audit_pack

    key = keypair(tmp_path, "tester")
    set_key(store, "Tester", pub(key))
    pol = documents.approve(store, "policies", policy(store).id, sign=True, key=str(key))
    genuine = pol.approvals[-1]
    pol = documents.edit(store, "policies", pol.id, {"objectives": "Changed after the signature."})
    copied = genuine.model_copy(update={"version": pol.version, "content": approvals.content_hash(pol)})
    store.update("policies", pol.uuid, {"approvals": [*pol.approvals, copied]})
    code, said = verify_says(store, capsys)
    assert code == 1 and f"approval (v{pol.version}) does not verify" in said
    assert any(f"(v{pol.version}) does not verify" in f for f in signature_findings(store))
    audit_pack.write_pack(store, tmp_path / "pack")
    pages = "\n".join(p.read_text() for p in (tmp_path / "pack").rglob("*.md"))
    assert "signature does not verify" in pages
    assert f"approved in v{pol.version} by Tester (signed)" not in pages
    # an outsider with OpenSSH and sha256sum alone: the genuine one holds, the copy fails
    root = tmp_path / "pack"
    command = next(line for line in (root / "signatures.md").read_text().splitlines()
                   if line.startswith("cd signatures && "))
    run = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True)
    said = run.stdout + run.stderr
    assert said.count('Good "vse-tui" signature') == 1 and said.count(".content.json: OK") == 1, said
    assert f"FAILED: POL-0001-v{pol.version}-2" in said and "FAILED: POL-0001-v1-1" not in said, said


@needs_openssh
def test_a_name_cannot_add_a_line_to_allowed_signers(store, tmp_path, capsys):
    alice = add_person(store, "Alice Moss", roles="SM", os_user="alice")[0]
    mallory_key = keypair(tmp_path, "mallory")
    injected = f'Mallory\n{alice.uuid} namespaces="vse-tui" {pub(mallory_key)}'
    assert main(["people", "add", injected, "--db", str(store.path)]) == 1
    assert "a line break" in capsys.readouterr().err
    # a name of an older database, and Mallory's own key: nothing of the name reaches the file
    from vse_tui.core.model.records import model_for

    mallory = store.add(model_for("people")(name=injected, os_user="mallory"))
    with acting(store, mallory):
        set_key(store, mallory.uuid, pub(mallory_key))
    signers = approvals.allowed_signers(store)
    assert alice.uuid not in signers and signers.count("\n") == 2  # one comment, one key: Mallory's
    with acting(store, mallory):
        forge_approval(store, "policies", policy(store), "Alice Moss", mallory_key, pub(mallory_key))
    code, said = verify_says(store, capsys)
    assert code == 1 and "Alice Moss held no key" in said


def test_look_alike_and_duplicate_names_are_refused(store):
    add_person(store, "Alice Moss", os_user="alice")
    for twin in ("Alice Moss", "alice moss", "ALICE  MOSS", "Alice\u00a0Moss", "\u0410lice Moss", "Ali\u0441e Moss",
                 "Alicé Moss", "\uff21lice Moss"):
        with pytest.raises(InputError, match="Alice Moss"):
            add_person(store, twin)
    for hidden in ("Ali\u200bce Moss", "Alice\u202eMoss", "Alice\tMoss", "Alice\nMoss"):
        with pytest.raises(InputError, match="not allowed in a name"):
            add_person(store, hidden)
    assert add_person(store, "Alice Mo\u00dfner")[0].name == "Alice Moßner"  # a different name is welcome
    assert add_person(store, "Bob\u00a0 Dent")[0].name == "Bob Dent"  # odd spaces stored as one plain space
    assert store.count("people") == 4
    # renaming someone into a look-alike is refused the same way
    with pytest.raises(InputError, match="reads the same as"):
        documents.edit(store, "people", store.row("people", ["id"], {"title": "Bob Dent"})[0],
                       {"name": "Alice M\u043ess"})


def test_a_people_import_refuses_look_alikes(store, tmp_path):
    from vse_tui.core.intake.parties import plan_parties

    add_person(store, "Alice Moss", os_user="alice")
    csv = tmp_path / "people.csv"
    csv.write_text("name,email\n\u0410lice Moss,a@x.example\nDana Reyes,d@x.example\ndana  reyes,d2@x.example\n"
                   "Eve\u200b Hart,e@x.example\n", encoding="utf-8")
    plan = plan_parties(store, "people", csv)
    assert [r.name for r in plan.records] == ["Dana Reyes"]
    assert [r.line for r in plan.rejected] == [2, 4, 5]


def test_an_approval_recorded_for_someone_else_shows_how_it_was_given(store, tmp_path, capsys):
    from vse_tui.core.model.records import Approval
    from vse_tui.reports import audit_pack

    add_person(store, "Sam Ortiz", roles="SM,MGT", os_user="sam")
    ref = policy(store).id
    db = str(store.path)
    mail = tmp_path / "sam-approves.eml"
    mail.write_bytes(b"From: Sam Ortiz <sam@shop.example>\r\nTo: tester@shop.example\r\nSubject: Re: POL-0001\r\n"
                     b"Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nMessage-ID: <1@shop.example>\r\n\r\nApproved. Sam\r\n")
    # Tester at the keyboard records Sam's approval: not with nothing to show, not as a signature, not as 'typed'
    assert main(["approve", ref, "--by", "Sam Ortiz", "--as", "Tester", "--db", db]) == 1
    assert "attach what shows it" in capsys.readouterr().err
    assert main(["approve", ref, "--by", "Sam Ortiz", "--how", "email", "--as", "Tester", "--db", db]) == 1
    assert main(["approve", ref, "--by", "Sam Ortiz", "--how", "email", "--evidence", str(mail), "--sign",
                 "--as", "Tester", "--db", db]) == 1
    assert "never a signature" in capsys.readouterr().err
    assert main(["approve", ref, "--by", "Sam Ortiz", "--how", "email", "--evidence", str(mail), "--as", "Tester",
                 "--db", db]) == 0
    said = capsys.readouterr().out
    assert "by Sam Ortiz (recorded for them, how: e-mail, attached)" in said
    pol = store.get("policies", ref)
    a = pol.approvals[-1]
    assert a.recorded_by == store.actor.person and a.person != a.recorded_by and a.how == "email" and a.evidence
    assert store.get("attachments", a.evidence).name == "sam-approves.eml"
    code, said = verify_says(store, capsys)
    assert code == 0, said
    assert [f for f in audit_check.audit_check(store) if f.rule == "on-behalf"] == []
    audit_pack.write_pack(store, tmp_path / "pack")
    page = (tmp_path / "pack" / "wp" / "WP.14.md").read_text() if (tmp_path / "pack" / "wp" / "WP.14.md").exists() \
        else "\n".join(p.read_text() for p in (tmp_path / "pack").rglob("*.md"))
    assert "recorded by Tester for Sam Ortiz, how: e-mail, attached" in page
    # what an older version's 'approve --by' left: an approval by Sam written by Tester, nothing attached
    legacy = Approval(by="Sam Ortiz", person=a.person, at=a.at, how="signature", version=pol.version,
                      content=a.content)
    store.update("policies", pol.uuid, {"approvals": [*pol.approvals, legacy]})
    code, said = verify_says(store, capsys)
    assert code == 1 and "recorded by Tester for Sam Ortiz (how: signature) has nothing attached" in said
    found = [f for f in audit_check.audit_check(store) if f.rule == "on-behalf"]
    assert len(found) == 1 and found[0].records == (ref,) and "nothing attached" in found[0].what
