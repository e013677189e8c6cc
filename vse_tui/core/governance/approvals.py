"""Approvals are signatures on one version of a record.

An approval records the person, their printed name, what it means, how it was given, when, and
the version and content hash of the record approved (the content items data/standard lists for
its work product). Editing an approved record makes a new version whose content no longer matches:
it shows "approved in v2, changed in v3: needs approval" until someone approves it again.
Approving a task the standard gives to roles the approver does not hold is a role warning that
needs a written mitigation. A person who registered an SSH public key may sign their approvals
with OpenSSH (`ssh-keygen -Y sign -n vse-tui`, as git signs commits); `vse-tui verify` checks
every signature, and the audit pack gives an assessor what they need to check them with OpenSSH
alone."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _

from ..kernel import clock
from ..kernel.errors import InputError
from ..kernel.findings import Finding
from ..model.data import ACCEPTANCES, APPROVE_TASK, approval_task  # the task an approval of a work product performs
from ..model.records import KINDS, model_for
from ..present.invalid import describe_validation_error
from ..present.labels import code_word, roles_named
from .keys import NAMESPACE, Keys, find_private_key, key_body, sign_text, signers_line, ssh_keygen, verify_signature
from .keys import fingerprint as of
from .people import me, name_of, person_ref, roles_of

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records import Approval, Record
    from .roles import RoleWarning

HOW = ("signature", "email", "meeting", "verbal", "other", "paper")
ON_BEHALF_HOW = ("email", "paper")  # how an approval given elsewhere is shown: its message, or its scan

def performing(record: Record, task: str, history: list[dict[str, Any]]) -> list[Approval]:
    """The record's approvals that perform `task`: each performs the task of the write that first
    held it (`history`, the record's), and a customer's or supplier's acceptance the task
    `approval_task` gives it (the evaluation of a change request is the shop's approval, not the
    customer's later acceptance, however an older version tagged it)."""
    tasks = _approval_tasks(history)
    out: list[Approval] = []
    for i, a in enumerate(record.approvals):
        if a.meaning in ACCEPTANCES:
            done = approval_task(record.WP, a.meaning, any(b.meaning == "approved" for b in record.approvals[:i]))
        else:
            done = tasks.get(_approval_key(a.model_dump(mode="json")))
        if done == task:
            out.append(a)
    return out


def content_items(record: Record) -> dict[str, Any]:
    """The record's content items (data/standard's fields of its work product), as stored."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    data = record.model_dump(mode="json")
    if not record.WP:
        return {k: v for k, v in data.items() if k not in ("approvals", "version", "updated_at", "updated_by")}
    wp = load_standard().wp(record.WP)
    return {name: data[name] for name in wp.fields if name in data and name not in wp.lifecycle_fields
            and not (name in wp.later_fields and data[name] in (None, "", [], {}))}


def content_hash(record: Record) -> str:
    payload = json.dumps(content_items(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def text(record_kind: str, record_uuid: str, record_id: str, a: Approval) -> str:
    """The canonical bytes an SSH signature covers: what was approved (record, version, content
    hash), by whom, meaning what, how and when. A name is data: a line break in one (refused
    today, possible in an older database) is written escaped, so it cannot add a line."""
    return (f"vse-tui approval v1\nrecord: {record_kind} {record_uuid} {record_id}\nversion: {a.version}\n"
            f"content-sha256: {a.content}\nperson: {a.person} {_one_line(a.by)}\nmeaning: {a.meaning}\n"
            f"how: {a.how}\nat: {clock.iso(a.at)}\n")


def _one_line(value: str) -> str:
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in value or "")


# ---------------------------------------------------------------- making an approval


def new(store: StorePort, who: str | None = None, how: str = "signature", meaning: str = "approved",
        noted_by: str | None = None, note: str | None = None, affiliation: str | None = "internal") -> Approval:
    """An approval by `who` (a person's id or name; default the person at the keyboard), not yet
    bound to a version (see `bind`)."""
    from pydantic import ValidationError

    # here, not at the top: its package loads names on first use
    from ..model.records import Approval

    person = person_ref(store, who, _("Approved by"), affiliation) if (who or "").strip() else me(store, _("Approved by"))
    at_keyboard = getattr(store.actor, "person", None)
    recorded_by = at_keyboard if at_keyboard and at_keyboard != person else None
    witness = person_ref(store, noted_by, _("Noted by"), "internal", required=False) if (noted_by or "").strip() else None
    try:
        return Approval(by=name_of(store, person), person=person, at=store.write_time(), how=how, meaning=meaning,
                        noted_by=witness, note=(note or "").strip() or None, recorded_by=recorded_by)
    except ValidationError as exc:
        raise InputError(describe_validation_error(exc, _("approval"))) from None


def bind(approval: Approval, record: Record) -> Approval:
    """The approval of exactly this version of this record's content."""
    return approval.model_copy(update={"version": record.version, "content": content_hash(record)})


def bind_next(approval: Approval, record: Record) -> Approval:
    """The approval of this record's content, recorded by the write that makes its next version:
    it names that version, which holds the same content (recording an approval changes no content
    item), so a record reads "approved in v4" at v4, not at v5. The write passes
    `expected_version=record.version`."""
    return approval.model_copy(update={"version": record.version + 1, "content": content_hash(record)})


def role_warning(store: StorePort, wp: str | None, approval: Approval,
                 task: str | None = None) -> RoleWarning | None:
    """The role rule at the moment of approval: the approver holds none of the roles the standard
    gives the task (the approval of `wp`, or `task`). None when they hold one."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    # here, not at the top: importing it loads pydantic
    from .roles import RoleWarning

    task_code = task or APPROVE_TASK.get(wp or "")
    if not task_code:
        return None
    the_task = load_standard().task(task_code)
    held = roles_of(store, approval.person)
    if held & set(the_task.roles):
        return None
    return RoleWarning("approver-without-role", approval.person, approval.by, tuple(the_task.roles),
                       detail=" " + _("({task} {title}; holds {roles})").format(
                           task=the_task.code, title=the_task.title, roles=roles_named(sorted(held)) or _("no role")))


def check_role(store: StorePort, wp: str | None, approval: Approval, mitigation: str | None,
               task: str | None = None) -> RoleWarning | None:
    """Refuse an approval by someone without the task's role unless a mitigation is written."""
    warning = role_warning(store, wp, approval, task)
    if warning and not (mitigation or "").strip():
        # here, not at the top: importing it loads pydantic
        from ..model.standard import load_standard

        the_task = load_standard().task(task or APPROVE_TASK.get(wp or "") or "")
        raise InputError(_("{who} holds none of the roles of {task} {title} ({roles}): write how the risk is covered "
                           "(a mitigation) to approve anyway").format(who=approval.by, task=the_task.code,
                                                                     title=the_task.title, roles=", ".join(warning.roles_named)))
    return warning


@dataclass(frozen=True)
class State:
    """Where a record stands with its approvals."""

    latest: Approval | None
    current: bool  # the latest approval covers the current content
    text: str

    @property
    def needs_approval(self) -> bool:
        return self.latest is not None and not self.current


def state(record: Record) -> State:
    """'approved in v2', 'approved in v2, changed in v3: needs approval', or 'not approved'."""
    bound = [a for a in record.approvals if a.content]
    if bound:
        latest = bound[-1]
        if latest.content == content_hash(record):
            return State(latest, True, _("{meaning} in v{version} by {who} ({how})").format(
                meaning=meaning_text(latest.meaning), version=latest.version, who=latest.by, how=_given(latest)))
        return State(latest, False, _("{meaning} in v{version}, changed in v{current}: needs approval").format(
            meaning=meaning_text(latest.meaning), version=latest.version, current=record.version))
    if record.approvals:
        return State(record.approvals[-1], False, _("approved by {who} before approvals were bound to versions: "
                                                    "approve the current version").format(who=record.approvals[-1].by))
    return State(None, False, _("not approved"))


def not_approved(record: Record) -> str:
    """A record nobody approved, said with what it is and how to approve it (a line of the evidence
    map and of the audit check: "not approved" alone does not say which record, the app's own
    change schedule for one)."""
    return _("{what} {ref} not approved (ctrl+p {ref}, a approves)").format(
        what=_(type(record).LABEL).lower(), ref=record.id)


MEANINGS = {"approved": N_("approved"), "reviewed": N_("reviewed"),
            "accepted by the customer": N_("accepted by the customer"),
            "accepted by the supplier": N_("accepted by the supplier")}


def meaning_text(meaning: str) -> str:
    """What an approval means (a stored code) in the language spoken now."""
    return _(MEANINGS[meaning]) if meaning in MEANINGS else meaning


def how_given(a: Approval) -> str:
    """How an approval was given, said once and coherently: signed with an SSH key; typed by the
    approver at the keyboard as their signature, with no SSH signature ("signature" stored); or
    given another way (e-mail, meeting ...) and typed in, not signed. One function for `record
    show`, the record screen and the change's path."""
    if a.signature:
        return _("signed (SSH)")
    if a.how == "signature":
        return _("typed as a signature (no SSH signature)")
    return _("{how}, typed, not signed").format(how=code_word("how", a.how))


def _given(a: Approval) -> str:
    if a.signature:
        return _("signed")
    if a.recorded_by or a.evidence:
        shown = {"email": _("e-mail"), "paper": _("paper")}.get(a.how, a.how)
        return (_("recorded for them, how: {how}, attached") if a.evidence else
                _("recorded for them, how: {how}, nothing attached")).format(how=shown)
    return _("typed, not signed")


def approve(store: StorePort, kind: str, ref: str, who: str | None = None, *, how: str = "signature",
            meaning: str = "approved", noted_by: str | None = None, note: str | None = None,
            mitigation: str | None = None, sign: bool = False, key: str | None = None,
            evidence: str | None = None) -> Record:
    """Approve the current version of a record: the approval binds its version and content; a draft
    becomes approved. An approval by someone without the task's role needs a mitigation (kept as an
    acknowledgement); `sign` adds an SSH signature with the approver's key. An approval given by
    someone other than the person at the keyboard is recorded on their behalf: how it was given
    (e-mail or paper) and `evidence`, the message or the scan, attached to the record (required);
    never a signature."""

    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    # here, not at the top: importing it loads pydantic
    from .roles import acknowledge

    rec = store.get(kind, ref)
    model = model_for(kind)
    changes: dict[str, Any] = {}
    if rec.WP:
        wp = load_standard().wp(rec.WP)
        if rec.status != "approved" and wp.can_move(rec.status or "", "approved"):
            changes["status"] = "approved"
        elif rec.status not in ("approved", "updated", "draft", "initial"):
            raise InputError(_("{id} is {status}; only a draft, approved or updated {what} takes an approval").format(
                id=rec.id, status=code_word("status", rec.status), what=wp.name.lower()))
    party = {"accepted by the customer": "customer", "accepted by the supplier": "supplier"}.get(meaning, "internal")
    approval = new(store, who, how, meaning, noted_by, note, affiliation=party)
    if party == "internal":
        warning = check_role(store, rec.WP, approval, mitigation)
    else:
        warning = None
        _check_party(store, rec, approval, party)
    candidate = model.model_validate({**rec.model_dump(), **changes, "version": rec.version})
    approval = bind_next(approval, candidate)
    behalf = on_behalf(store, approval, how, evidence, sign)
    if sign:
        approval = signed(store, kind, rec, approval, key)
    # a customer's acceptance of an evaluated change is their part of the approval to deploy (CO.3.2)
    task = approval_task(rec.WP, meaning, any(a.meaning == "approved" for a in rec.approvals))
    with store.transaction():
        if behalf:
            approval = attach_evidence(store, rec, approval, evidence or "", rec.version)
        if warning:
            acknowledge(store, warning, mitigation or "", record=rec.uuid)
        return store.update(kind, rec.uuid, {**changes, "approvals": [*rec.approvals, approval]}, task=task,
                            expected_version=rec.version)


EVIDENCE_MAX_BYTES = 200 * 2**20  # a message or a scan; the limit of any attached file


def _keep_evidence(store: StorePort, rec: Record, path: str, note: str) -> str:
    """Attach the message or scan that shows an approval to the record (kept beside the database
    under its SHA-256, like any attached file); the attachment's uuid."""

    # here, not at the top: importing it loads pydantic
    from ..model.records.parties import Attachment

    file = Path(path).expanduser()
    if file.is_symlink() or not file.is_file():
        raise InputError(_("{file} is not a file: give the message (.eml) or the scan itself").format(file=file))
    try:
        sha, size = store.keep_file(file, EVIDENCE_MAX_BYTES)
    except OSError as exc:
        raise InputError(_("Cannot read {file}: {problem}").format(file=file, problem=exc.strerror or exc)) from None
    same = store.row("attachments", ["uuid"], {"record": rec.uuid, "sha256": sha})
    if same:
        return str(same[0])
    return store.add(Attachment(record=rec.uuid, name=file.name[:255], sha256=sha, size=size, note=note)).uuid


def on_behalf(store: StorePort, approval: Approval, how: str, evidence: str | None, sign: bool = False) -> bool:
    """Whether `approval` is recorded on someone else's behalf: given by a person other than the
    one at the keyboard. Such an approval says how it was given (e-mail or paper) and comes with
    what shows it (`evidence`, a file), never a signature; a file given with one's own approval is
    refused (attach it to the record itself). The one rule for every approval, of any record."""
    behalf = approval.person != getattr(store.actor, "person", None)
    if behalf:
        _check_on_behalf(approval, how, sign, evidence)
    elif (evidence or "").strip():
        raise InputError(_("An attached message or scan is for an approval recorded on someone else's behalf; "
                           "attach other files to the record itself"))
    return behalf


def attach_evidence(store: StorePort, record: Record, approval: Approval, evidence: str, version: int) -> Approval:
    """Inside the write's transaction: the message or scan that shows an approval recorded on
    someone's behalf, attached to `record` (which may be about to be created), named in the approval."""
    shown = _keep_evidence(store, record, evidence, _("{person}'s {meaning} of version {version}, by {how}").format(
        person=approval.by, meaning=meaning_text(approval.meaning), version=version, how=code_word("how", approval.how)))
    return approval.model_copy(update={"evidence": shown})


def _check_on_behalf(approval: Approval, how: str, sign: bool, evidence: str | None) -> None:
    """An approval recorded for someone else says how it was given and shows it (attached)."""
    if sign:
        raise InputError(_("Only {by} signs {by}'s approval, at their own keyboard; recorded for them, it is never a signature").format(by=approval.by))
    if how not in ON_BEHALF_HOW or not (evidence or "").strip():
        raise InputError(_("You record {by}'s approval on their behalf: say how it was given (e-mail or paper) and attach "
                           "what shows it, the message (.eml) or the scan").format(by=approval.by),
                         field="how" if how not in ON_BEHALF_HOW else "evidence",
                         cli=_("--how email --evidence FILE"), form=_("How: e-mail or paper; Shown by: its file"))


def _check_party(store: StorePort, record: Record, approval: Approval, party: str) -> None:
    """An acceptance by a customer (supplier) is given by one of that customer's (supplier's) contacts."""
    org = getattr(record, party, None)
    if org is None:
        return
    row = store.row("people", ["organisation", "title"], {"uuid": approval.person})
    if not row or row[0] != org:
        raise InputError((_("{who} is not a contact of this customer; an acceptance is given by one of theirs")
                          if party == "customer" else
                          _("{who} is not a contact of this supplier; an acceptance is given by one of theirs")
                          ).format(who=approval.by))


# ---------------------------------------------------------------- SSH signatures


def public_key_of(store: StorePort, person: str | None) -> str | None:
    row = store.row("people", ["ssh_key"], {"uuid": person}) if person else None
    return (row[0] or "").strip() or None if row else None


def _key_body(public_key: str) -> str:
    return key_body(public_key)


def fingerprint(public_key: str) -> str:
    return of(public_key)


def signed(store: StorePort, kind: str, record: Record, approval: Approval, key: str | None = None) -> Approval:
    """The approval with the approver's SSH signature over its canonical text: made by the approver
    themself, at the keyboard (an approval recorded for someone else is never a signature)."""
    if approval.person != getattr(store.actor, "person", None):
        raise InputError(_("Only {by} signs {by}'s approval, at their own keyboard; an approval given elsewhere is recorded with its e-mail or signed paper attached").format(by=approval.by))
    public = public_key_of(store, approval.person)
    if not public:
        raise InputError(_("{by} has no SSH public key registered; add one with 'vse-tui people key PERSON FILE.pub' to sign approvals").format(by=approval.by))
    signature = sign_text(text(kind, record.uuid, record.id or "", approval), find_private_key(public, key))
    return approval.model_copy(update={"signature": signature, "key": fingerprint(public)})


def allowed_signers(store: StorePort) -> str:
    """OpenSSH's allowed_signers file for everyone who holds a key now (principal: the person's
    uuid), limited to this app's namespace. Names stay out of it: a name is data, and a line
    break in one must never add a line (a key) to this file; the comment is the person's id."""
    lines = []
    for uuid, pid, key in store.rows("people", ["uuid", "id", "ssh_key"], {"ssh_key__isnull": False}):
        body = _key_body(key or "")
        if not body or any(not ch.isprintable() for ch in body + uuid + (pid or "")):
            continue
        lines.append(f"# {pid}")
        lines.append(f'{uuid} namespaces="{NAMESPACE}" {body}')
    return "\n".join(lines) + ("\n" if lines else "")


def check_signatures(store: StorePort) -> list[Finding]:
    """Every signed approval verifies with OpenSSH against the key its signer held when signing
    (their key history says which), that key is one they registered themself or a proven
    replacement, and the content hash it signed is the content the record had at that version
    (its history says). Then the keys themselves: registered by someone else, replaced without
    proof, one key held by two people (core.governance.keys)."""

    problems: list[Finding] = []
    keys = None
    for kind in KINDS:
        model = model_for(kind)
        if not model.WP:
            continue
        for rec in store.records(kind, {"approvals__isnull": False}):
            signed_ones = [(n, a) for n, a in enumerate(rec.approvals) if a.signature]
            if not signed_ones:
                continue
            if keys is None:
                ssh_keygen()
                keys = Keys(store)
            history = store.history(rec.uuid)
            versions = _content_by_version(store, rec, history)
            first_seen = _signature_rows(history)
            for n, a in signed_ones:
                reason = keys.signature_problem(text(kind, rec.uuid, rec.id or "", a), a.signature or "", a.person,
                                                a.at, a.key, first_seen.get(a.signature or ""))
                if reason:
                    problems.append(Finding.broken(rec.id or rec.uuid, _("the signature of {by}'s approval (v{version}) does not verify as theirs: {reason}").format(by=a.by, version=a.version, reason=reason), rec.uuid, n))
                elif versions.get(a.version or 0) not in (None, a.content):
                    problems.append(Finding.broken(rec.id or rec.uuid, _("{by} signed content that version {version} of the record did not have").format(by=a.by, version=a.version), rec.uuid, n))
    if keys is None and store.exists("people", {"ssh_key__isnull": False}):
        keys = Keys(store)
    if keys is not None:
        problems += keys.problems()
    return problems


def check_approvals(store: StorePort) -> list[Finding]:
    """What verify and the audit check say of approvals: the signatures and keys
    (`check_signatures`), and every approval recorded for someone else without what shows it."""
    return check_signatures(store) + check_on_behalf(store)


def check_on_behalf(store: StorePort) -> list[Finding]:
    """Each approval written by someone other than its approver (recorded on their behalf, or an
    older version's `--by`) shows how it was given by a message or scan attached to the record."""

    problems: list[Finding] = []
    names: dict[str, str] | None = None
    for kind in KINDS:
        if not model_for(kind).WP:
            continue
        for rec in store.records(kind, {"approvals__isnull": False}):
            unsigned = [(n, a) for n, a in enumerate(rec.approvals) if not a.signature and a.person
                        and not (n == 0 and getattr(rec, "template_from", None))]  # a pre-approved type's own
            if not unsigned:
                continue
            writers = None
            attached = None
            for n, a in unsigned:
                recorder = a.recorded_by
                if recorder is None and not a.evidence:
                    if writers is None:
                        writers = _approval_writers(store.history(rec.uuid))
                    writer = writers.get(_approval_key(a.model_dump(mode="json")))
                    if not writer or writer == a.person:
                        continue
                    recorder = writer
                if names is None:
                    names = store.titles("people")
                who = _("recorded by {recorder} for {by} (how: {how})").format(
                    recorder=names.get(recorder or "", _("someone")), by=a.by, how=code_word("how", a.how))
                if not a.evidence:
                    problems.append(Finding.question(rec.id or rec.uuid, _("an approval {who} has nothing attached to show it was given (the e-mail or the signed paper's scan)").format(who=who),
                                            rec.uuid, n))
                    continue
                if attached is None:
                    attached = {u for (u,) in store.rows("attachments", ["uuid"], {"record": rec.uuid})}
                if a.evidence not in attached:
                    problems.append(Finding.question(rec.id or rec.uuid, _("an approval {who} names an attachment the record does not have").format(who=who), rec.uuid, n))
    return problems


def _approval_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (entry.get("person"), str(entry.get("at") or "")[:19], entry.get("version"), entry.get("meaning"),
            entry.get("how"))


def _approval_writers(history: list[dict[str, Any]]) -> dict[tuple[Any, ...], str | None]:
    """approval -> the person who wrote the history row that first held it."""
    return _approval_rows(history, "person")


def _approval_tasks(history: list[dict[str, Any]]) -> dict[tuple[Any, ...], str | None]:
    """approval -> the task of the history row that first held it."""
    return _approval_rows(history, "task")


def _approval_rows(history: list[dict[str, Any]], column: str) -> dict[tuple[Any, ...], str | None]:
    """approval -> `column` of the history row that first held it."""
    out: dict[tuple[Any, ...], str | None] = {}
    for row in history:
        if not row["new_value"] or not ((row["action"] == "update" and row["field"] == "approvals")
                                        or row["action"] == "create"):
            continue
        try:
            value = json.loads(row["new_value"])
        except ValueError:
            continue
        entries = value.get("approvals") if isinstance(value, dict) else value
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                out.setdefault(_approval_key(entry), row.get(column))
    return out


def _signature_rows(history: list[dict[str, Any]]) -> dict[str, int]:
    """signature -> the history row (seq) that first wrote it: the key its signer held is the one
    registered before that row."""
    out: dict[str, int] = {}
    for row in history:
        if row["action"] != "update" or row["field"] != "approvals" or not row["new_value"]:
            continue
        try:
            entries = json.loads(row["new_value"])
        except ValueError:
            continue
        for entry in entries if isinstance(entries, list) else []:
            sig = entry.get("signature") if isinstance(entry, dict) else None
            if isinstance(sig, str) and sig not in out:
                out[sig] = row["seq"]
    return out


def _content_by_version(store: StorePort, record: Record, history: list[dict[str, Any]] | None = None) -> dict[int, str]:
    """version -> content hash of the record at that version, replayed from its history."""
    return {version: hashlib.sha256(payload).hexdigest()
            for version, payload in _content_bytes_by_version(store, record, history).items()}


def content_bytes(record: Record) -> bytes:
    """The exact bytes whose SHA-256 is the record's content hash (what `sha256sum` checks)."""
    return json.dumps(content_items(record), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _content_bytes_by_version(store: StorePort, record: Record,
                              history: list[dict[str, Any]] | None = None) -> dict[int, bytes]:
    """version -> the content bytes of the record at that version, replayed from its history."""

    model = type(record)
    out: dict[int, bytes] = {}
    state: dict[str, Any] = {}
    version = 0
    for row in store.history(record.uuid) if history is None else history:
        if row["action"] == "create" and row["new_value"]:
            state = json.loads(row["new_value"])
        elif row["action"] == "update" and row["field"]:
            state[row["field"]] = _value(model, row["field"], row["new_value"])
        elif row["action"] == "append" and row["field"]:  # items added to a list (a record's mail): envelopes
            state[row["field"]] = [*(state.get(row["field"]) or []),
                                   *({k: v for k, v in item.items() if k != "text"} if isinstance(item, dict) else item
                                     for item in json.loads(row["new_value"] or "[]"))]
        else:
            continue
        version = row["version"] or version
        try:
            out[version] = content_bytes(model_for(record.KIND).model_validate({**state, "version": version}))
        except Exception:  # a version the model cannot read today: not checked
            continue
    return out


@dataclass(frozen=True)
class SignedFiles:
    """What an outsider needs to check one signed approval with OpenSSH and sha256sum alone."""

    text: str  # the exact bytes signed
    signers: str | None  # an allowed_signers line: the key the signer held when signing (None: none)
    content: bytes | None  # the content approved, whose SHA-256 the text names (None: not in the history)


def signed_files(store: StorePort, record: Record, keys: Any = None) -> dict[int, SignedFiles]:
    """For each signed approval of the record (by its place in the list): its text, the key its
    signer held then, and the content it approved."""

    keys = keys or Keys(store)
    history = store.history(record.uuid)
    first_seen = _signature_rows(history)
    contents = _content_bytes_by_version(store, record, history)
    out: dict[int, SignedFiles] = {}
    for n, a in enumerate(record.approvals):
        if not a.signature:
            continue
        held = keys.held_at(a.person or "", a.at, first_seen.get(a.signature)) if a.person else None
        content = contents.get(a.version or 0)
        if a.version == record.version or content is None or hashlib.sha256(content).hexdigest() != a.content:
            current = content_bytes(record)
            content = current if hashlib.sha256(current).hexdigest() == a.content else content
        out[n] = SignedFiles(text(record.KIND, record.uuid, record.id or "", a),
                             signers_line(a.person or "", held.key) if held and held.key else None, content)
    return out


def _value(model: type[Record], name: str, raw: str | None) -> Any:
    if raw is None:
        return None
    info = model.model_fields.get(name)
    if info is not None and info.annotation in (str, str | None):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


__all__ = ["attach_evidence", "not_approved", "on_behalf", "APPROVE_TASK", "HOW", "NAMESPACE", "ON_BEHALF_HOW", "State", "allowed_signers", "approve", "bind",
           "bind_next", "check_approvals", "check_on_behalf", "check_role", "check_signatures", "content_hash", "new", "role_warning", "sign_text", "signed", "state",
           "text", "verify_signature"]
