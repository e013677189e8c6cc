"""Keys that cannot be borrowed: how a person's SSH public key comes to be theirs, and which key
they held at any moment.

- A person's first key (or the first after they revoked one) is registered by that person at the
  keyboard: the write is theirs, from a login that is not someone else's; the login and host are
  kept in its history row and in its proof.
- A replacement is signed with the old key (the person proves they hold it), or approved by the
  Service Manager, who signs the replacement with their own key.
- One key, one person: a key once registered for someone is never registered for anyone else.
- Revoking a key (lost, compromised) is done by its owner or the Service Manager.

The timeline of a person's keys is read from their history (each change of `ssh_key`, with who
wrote it, when, from which login and host); `key_proof`, written with it, says how the change was
justified and carries the signature that proves it. A signature on an approval is checked with the
key its signer held when signing, so rotating a key leaves every earlier signature valid, and a
signature made with a key someone else registered for the signer is named."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _

from ..kernel import clock
from ..kernel.errors import InputError, NotFound
from ..kernel.findings import Finding
from ..present.labels import code_word
from .people import check_public_key, find_person, roles_of

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.parties import Person

NAMESPACE = "vse-tui"
MANAGER = "SM"  # the role whose holder approves a replacement of someone else's key


def key_body(public_key: str) -> str:
    """The key itself ('ssh-ed25519 AAAA...'), without its comment."""
    parts = (public_key or "").split()
    return " ".join(parts[:2]) if len(parts) >= 2 else (public_key or "").strip()


def fingerprint(public_key: str) -> str:
    """OpenSSH's SHA256 fingerprint of a public key (what `ssh-keygen -l` prints)."""
    try:
        blob = base64.b64decode(public_key.split()[1], validate=True)
    except (IndexError, ValueError):
        raise InputError(_("Not an OpenSSH public key (its second word is not base64)")) from None
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Registration:
    """One change of a person's key, as their history holds it."""

    person: str
    key: str | None  # the key body, or None: revoked
    fingerprint: str | None
    at: datetime
    by: str | None  # the person (uuid) who wrote it
    login: str
    host: str
    how: str  # self, old key, service manager, revoked, unchecked (no proof: an older version, or behind the app)
    proof: dict[str, Any] | None
    seq: int

    @property
    def approver(self) -> str | None:
        return (self.proof or {}).get("approver")


def proof_text(person: str, key: str, replaces: str | None, approver: str, at: datetime) -> str:
    """The bytes a replacement's signature covers: whose key, the new key, the one it replaces, who
    signs for it, when."""
    return (f"vse-tui key v1\nperson: {person}\nkey: {key_body(key)}\nreplaces: {replaces or 'none'}\n"
            f"approved-by: {approver}\nat: {clock.iso(at)}\n")


def _decode(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def registrations(store: StorePort, person: str) -> list[Registration]:
    """Every change of the person's key, oldest first, replayed from their history."""
    out: list[Registration] = []
    key: str | None = None
    by_seq: dict[int, dict[str, Any]] = {}
    changes: list[tuple[int, dict[str, Any]]] = []
    for row in store.history(person):
        version = row.get("version") or 0
        if row["action"] == "create" and row["new_value"]:
            data = _decode(row["new_value"])
            if not isinstance(data, dict):
                continue
            fields = {"ssh_key": data.get("ssh_key"), "key_proof": data.get("key_proof")}
        elif row["action"] == "update" and row["field"] in ("ssh_key", "key_proof"):
            value = row["new_value"] if row["field"] == "ssh_key" else _decode(row["new_value"])
            fields = {row["field"]: value}
        else:
            continue
        if version not in by_seq:
            by_seq[version] = {"row": row}
            changes.append((version, by_seq[version]))
        by_seq[version].update(fields)
    for _version, change in changes:
        if "ssh_key" not in change:
            continue
        new = (change["ssh_key"] or "").strip() or None
        if new is None and key is None:
            continue
        key = new
        row = change["row"]
        proof = change.get("key_proof") if isinstance(change.get("key_proof"), dict) else None
        if row["action"] == "create" and proof is None and new is None:
            continue
        how = (proof or {}).get("how") or ("revoked" if new is None else "unchecked")
        at = clock.parse_datetime(row.get("occurred_at") or row["at"])
        out.append(Registration(person, key_body(new) if new else None, _fingerprint_or_none(new), at,
                                row.get("person"), row.get("os_user") or "", row.get("host") or "", how, proof,
                                row["seq"]))
    return out


def _fingerprint_or_none(key: str | None) -> str | None:
    if not key:
        return None
    try:
        return fingerprint(key)
    except InputError:
        return None


def held_at(timeline: list[Registration], at: datetime) -> Registration | None:
    """The registration in force at `at` (None: no key then)."""
    current = None
    for reg in timeline:
        if reg.at <= at:
            current = reg
        else:
            break
    return current if current is not None and current.key else None


# ---------------------------------------------------------------- OpenSSH


def ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if not found:
        raise InputError(_("Signing needs OpenSSH's ssh-keygen (OpenSSH 8.0 or later), which is not on this machine; the approval can be recorded without a signature"))
    return found


def find_private_key(public_key: str, given: str | None = None, option: str = "--key") -> Path:
    """The private key that goes with a registered public key: the one given, or one of ~/.ssh's."""
    if given:
        path = Path(given).expanduser()
        if not path.exists():
            raise InputError(_("No key file {path}").format(path=path))
        return path
    ssh_dir = Path(os.environ.get("VSE_TUI_SSH_DIR") or Path.home() / ".ssh")
    want = key_body(public_key)
    for pub in sorted(ssh_dir.glob("*.pub")):
        try:
            if key_body(pub.read_text(encoding="utf-8").strip()) == want and pub.with_suffix("").exists():
                return pub.with_suffix("")
        except OSError:
            continue
    raise InputError(_("No private key for the registered public key was found in {ssh_dir}; give it with {option} FILE").format(ssh_dir=ssh_dir, option=option))


def sign_text(data: str, private_key: Path) -> str:
    res = subprocess.run([ssh_keygen(), "-Y", "sign", "-q", "-f", str(private_key), "-n", NAMESPACE],
                         input=data.encode("utf-8"), capture_output=True, timeout=60)
    if res.returncode != 0 or b"BEGIN SSH SIGNATURE" not in res.stdout:
        reason = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(_("ssh-keygen could not sign ({reason})").format(reason=reason[-1] if reason else _("no reason given")))
    return res.stdout.decode("ascii")


def verify_signature(data: str, signature: str, principal: str, signers: str) -> str | None:
    """None when OpenSSH accepts the signature, else why not."""
    with tempfile.TemporaryDirectory() as tmp:
        allowed = Path(tmp) / "allowed_signers"
        allowed.write_text(signers, encoding="utf-8")
        sig = Path(tmp) / "approval.sig"
        sig.write_text(signature, encoding="utf-8")
        res = subprocess.run([ssh_keygen(), "-Y", "verify", "-f", str(allowed), "-I", principal, "-n", NAMESPACE,
                              "-s", str(sig)], input=data.encode("utf-8"), capture_output=True, timeout=60)
    if res.returncode == 0:
        return None
    reason = (res.stderr or res.stdout).decode("utf-8", "replace").strip().splitlines()
    return reason[-1] if reason else _("the signature does not verify")



# ---------------------------------------------------------------- registering


def _person(store: StorePort, text: str) -> tuple[str, str]:
    found = find_person(store, text)
    if not found:
        raise NotFound(_("No person {text!r}").format(text=text))
    return found


def owner_of(store: StorePort, fp: str, other_than: str | None = None) -> tuple[str, str, str] | None:
    """(uuid, id, name) of a person, other than `other_than`, who holds or ever held the key `fp`."""
    for uuid, pid, name in store.rows("people", ["uuid", "id", "title"], {}):
        if uuid == other_than:
            continue
        if any(reg.fingerprint == fp for reg in registrations(store, uuid)):
            return uuid, pid, name
    return None


def _at_own_keyboard(store: StorePort, person: str, name: str) -> None:
    """The write is the person's own: they are the one at the keyboard, from a login that is not
    someone else's."""

    actor = store.actor
    if getattr(actor, "person", None) != person:
        raise InputError(_("{name} registers their first key themself, at their own keyboard ('vse-tui people key {name!r} FILE.pub' from their login); a replacement is signed with their old key or approved by the Service Manager").format(name=name))
    login = getattr(actor, "os_user", "") or ""
    mapped = find_person(store, login) if login else None
    if mapped and mapped[0] != person:
        raise InputError(_("The login {login!r} is {mapped}'s: {name} registers their key from their own login").format(login=login, mapped=mapped[1], name=name))


def register(store: StorePort, person_text: str, public_key: str, *, old_key: str | None = None,
             approver_key: str | None = None) -> Person:
    """Register `public_key` as the person's key, by the rules above. `old_key`: the private key
    file of the key being replaced (default: found in ~/.ssh); `approver_key`: the Service
    Manager's private key file when they approve someone else's replacement."""

    uuid, name = _person(store, person_text)
    key = check_public_key(public_key)
    if not key:
        raise InputError(_("Give the public key to register (the .pub file)"))
    key = key_body(key)
    fp = fingerprint(key)
    other = owner_of(store, fp, other_than=uuid)
    if other:
        raise InputError(_("This key is registered for {other} ({other2}): one key, one person; {name} needs a key of their own").format(other=other[2], other2=other[1], name=name))
    row = store.row("people", ["ssh_key"], {"uuid": uuid})
    current = key_body(row[0]) if row and row[0] else None
    if current == key:
        raise InputError(_("{name} already holds this key").format(name=name))
    actor = getattr(store.actor, "person", None)
    at = store.write_time()
    where = {"login": getattr(store.actor, "os_user", "") or "", "host": getattr(store.actor, "host", "") or ""}
    if current is None:
        _at_own_keyboard(store, uuid, name)
        proof: dict[str, Any] = {"how": "self", "fingerprint": fp, **where}
    elif actor == uuid:
        private = find_private_key(current, old_key, "--old-key")
        text = proof_text(uuid, key, fingerprint(current), uuid, at)
        proof = {"how": "old key", "fingerprint": fp, "replaces": fingerprint(current), "approver": uuid,
                 "text": text, "signature": sign_text(text, private), **where}
    elif actor and MANAGER in roles_of(store, actor):
        found = store.row("people", ["ssh_key"], {"uuid": actor})
        mine = key_body(found[0]) if found and found[0] else None
        if not mine:
            raise InputError(_("You approve a replacement with your own key, and you have none registered ('vse-tui people key YOUR-NAME FILE.pub')"))
        text = proof_text(uuid, key, fingerprint(current), actor, at)
        proof = {"how": "service manager", "fingerprint": fp, "replaces": fingerprint(current), "approver": actor,
                 "approver_key": fingerprint(mine), "text": text,
                 "signature": sign_text(text, find_private_key(mine, approver_key)), **where}
    else:
        raise InputError(_("{name} already has a key: a replacement is signed with the old key (by {name}, '--old-key FILE') or approved by the Service Manager with theirs").format(name=name))
    return store.update("people", uuid, {"ssh_key": key, "key_proof": proof}, task="GO.1.2")


def set_key(store: StorePort, person_text: str, public_key: str | None, *, old_key: str | None = None,
            approver_key: str | None = None) -> Person:
    """Register the key a person signs approvals with (None: revoke it), by the rules above."""
    if public_key is None:
        return revoke(store, person_text)
    return register(store, person_text, public_key, old_key=old_key, approver_key=approver_key)


def revoke(store: StorePort, person_text: str) -> Person:
    """Revoke the person's key (lost, compromised): by its owner or the Service Manager. Signatures
    made with it before stay valid; a new key is then registered by the person themself."""

    uuid, name = _person(store, person_text)
    row = store.row("people", ["ssh_key"], {"uuid": uuid})
    if not row or not row[0]:
        raise InputError(_("{name} has no key to revoke").format(name=name))
    actor = getattr(store.actor, "person", None)
    if actor != uuid and not (actor and MANAGER in roles_of(store, actor)):
        raise InputError(_("Only {name} or the Service Manager revokes {name}'s key").format(name=name))
    proof = {"how": "revoked", "replaces": fingerprint(row[0]), "approver": actor,
             "login": getattr(store.actor, "os_user", "") or "", "host": getattr(store.actor, "host", "") or ""}
    return store.update("people", uuid, {"ssh_key": None, "key_proof": proof}, task="GO.1.2")


# ---------------------------------------------------------------- checking


class Keys:
    """Every person's key timeline, read once, and the checks that use it."""

    def __init__(self, store: StorePort) -> None:
        self.store = store
        self.people = {uuid: (pid, name) for uuid, pid, name in store.rows("people", ["uuid", "id", "title"], {})}
        self.timelines = {uuid: registrations(store, uuid) for uuid in self.people}
        self._verdicts: dict[tuple[str, int], str | None] = {}

    def name(self, uuid: str | None) -> str:
        return self.people.get(uuid or "", ("", uuid or "nobody"))[1]

    def ref(self, uuid: str) -> str:
        return self.people.get(uuid, (uuid, ""))[0]

    def held_at(self, person: str, at: datetime, seq: int | None = None) -> Registration | None:
        """The key the person held at `at`; with `seq` (the history row that wrote what was signed),
        the one registered before that row, whatever the clock said."""
        timeline = self.timelines.get(person, [])
        if seq is None:
            return held_at(timeline, at)
        current = None
        for reg in timeline:
            if reg.seq < seq:
                current = reg
        return current if current is not None and current.key else None

    def _previous(self, reg: Registration) -> Registration | None:
        before = None
        for other in self.timelines.get(reg.person, []):
            if other.seq >= reg.seq:
                break
            before = other
        return before

    def registration_problem(self, reg: Registration) -> str | None:
        """Why a registration does not make the key the person's own (None: it does)."""
        memo = (reg.person, reg.seq)
        if memo not in self._verdicts:
            self._verdicts[memo] = self._judge(reg)
        return self._verdicts[memo]

    def _judge(self, reg: Registration) -> str | None:
        who = self.name(reg.person)
        writer = _("{by} (login {login} on {host}, {at})").format(by=self.name(reg.by), login=reg.login or "?", host=reg.host or "?", at=clock.iso(reg.at))
        if reg.how == "revoked":
            if reg.by == reg.person or (reg.by and MANAGER in roles_of(self.store, reg.by, reg.at)):
                return None
            return _("{who}'s key was revoked by {writer}, neither {who} nor the Service Manager").format(who=who, writer=writer)
        if reg.how in ("self", "unchecked"):
            if reg.by == reg.person:
                return None
            return _("the key {fingerprint} was registered for {who} by {writer}, not by {who}").format(fingerprint=reg.fingerprint, who=who, writer=writer)
        if reg.how in ("old key", "service manager"):
            proof = reg.proof or {}
            text, signature, approver = proof.get("text") or "", proof.get("signature") or "", proof.get("approver")
            wanted = {"person": reg.person, "key": reg.key, "approved-by": approver}
            said = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
            if any(said.get(k) != v for k, v in wanted.items()):
                return _("the replacement of {who}'s key on {at} carries a proof for another key or person").format(who=who, at=clock.iso(reg.at))
            if reg.how == "old key":
                previous = self._previous(reg)
                if previous is None or not previous.key or approver != reg.person:
                    return _("{who}'s key was replaced on {at} 'with the old key', but there was none").format(who=who, at=clock.iso(reg.at))
                signer_key = previous.key
            else:
                if not approver or MANAGER not in roles_of(self.store, approver, reg.at):
                    return (_("{who}'s key was replaced on {at}, approved by {approver}, who was not the Service Manager then").format(who=who, at=clock.iso(reg.at), approver=self.name(approver)))
                held = self.held_at(approver, reg.at)
                if held is None or not held.key:
                    return (_("{who}'s key was replaced on {at}, approved by {approver}, who held no key then").format(who=who, at=clock.iso(reg.at), approver=self.name(approver)))
                signer_key = held.key
            why = verify_signature(text, signature, approver or "", _signers(approver or "", signer_key))
            if why:
                return _("the replacement of {who}'s key on {at} is not signed as it claims ({why})").format(who=who, at=clock.iso(reg.at), why=why)
            return None
        return _("{who}'s key changed on {at} in an unknown way ({how})").format(who=who, at=clock.iso(reg.at), how=code_word("key_how", reg.how))

    def problems(self) -> list[Finding]:
        """Keys someone else registered, replacements without their proof, a key held by two people."""
        out: list[Finding] = []
        holders: dict[str, set[str]] = {}
        for uuid, timeline in self.timelines.items():
            for reg in timeline:
                if reg.fingerprint:
                    holders.setdefault(reg.fingerprint, set()).add(uuid)
                why = self.registration_problem(reg)
                if why:
                    out.append(Finding.broken(self.ref(uuid), why))
        for fp, uuids in holders.items():
            if len(uuids) > 1:
                names = sorted(f"{self.name(u)} ({self.ref(u)})" for u in uuids)
                out.append(Finding.broken(", ".join(self.ref(u) for u in sorted(uuids, key=self.ref)),
                                      _("the key {fp} is registered for {names}: one key, one person").format(fp=fp, names=_(" and ").join(names))))
        return out

    def signature_problem(self, data: str, signature: str, person: str | None, at: datetime,
                          claimed_key: str | None, seq: int | None = None) -> str | None:
        """Why a signature by `person` at `at` over `data` is not theirs (None: it is): checked with the
        key they held then, and that key must be one they registered (or a proven replacement)."""
        who = self.name(person)
        if not person:
            return _("it names no person")
        held = self.held_at(person, at, seq)
        if held is None or not held.key:
            return _("{who} held no key when it was made ({at})").format(who=who, at=clock.iso(at))
        if claimed_key and claimed_key != held.fingerprint:
            return _("it names the key {claimed_key}, but {who} held {fingerprint} then").format(claimed_key=claimed_key, who=who, fingerprint=held.fingerprint)
        why = verify_signature(data, signature, person, _signers(person, held.key))
        if why:
            other = self._made_by_other(data, signature, person, held.key)
            return _("{why}; it was made with {other}").format(why=why, other=other) if other else why
        registered = self.registration_problem(held)
        if registered:
            return _("it was made with a key someone else registered: {registered}").format(registered=registered)
        return None

    def _made_by_other(self, data: str, signature: str, person: str, tried: str) -> str | None:
        """Whose registered key made a signature that the signer's key of the moment did not."""
        for uuid, timeline in self.timelines.items():
            for reg in timeline:
                if not reg.key or reg.key == tried:
                    continue
                if verify_signature(data, signature, uuid, _signers(uuid, reg.key)) is None:
                    return _("{who}'s key {fingerprint}").format(who=self.name(uuid), fingerprint=reg.fingerprint) if uuid != person else \
                        _("{who}'s other key {fingerprint}, not the one held then").format(who=self.name(uuid), fingerprint=reg.fingerprint)
        return None


def signers_line(principal: str, key: str) -> str:
    """An allowed_signers file of one line: this principal, this key, this app's namespace."""
    return f'{principal} namespaces="{NAMESPACE}" {key_body(key)}\n'


_signers = signers_line


def authorized_keys_entries(store: StorePort) -> list[tuple[str, str, str, str]]:
    """(id, uuid, fingerprint, key) of each active person of the shop who holds a key now: what an
    authorized_keys line needs (the key without its comment: nothing typed by a person enters it)."""
    out = []
    for uuid, pid, key in store.rows("people", ["uuid", "id", "ssh_key"],
                                     {"ssh_key__isnull": False, "state": "active", "affiliation": "internal"}):
        body = key_body(key or "")
        fp = _fingerprint_or_none(body)
        if fp and body.isprintable() and len(body.split()) == 2:
            out.append((pid or "", uuid, fp, body))
    return out


def key_rows(store: StorePort) -> list[dict[str, Any]]:
    """Every key registration of every person, for the pack and `people keys`: whose, which key,
    how it came to be theirs, who registered it, from which login and host, when, and whether its
    proof holds."""
    keys = Keys(store)
    rows = []
    for uuid, timeline in keys.timelines.items():
        for reg in timeline:
            rows.append({"person": keys.ref(uuid), "name": keys.name(uuid), "key": reg.fingerprint or "(revoked)",
                         "how": reg.how, "by": keys.name(reg.by), "approver": keys.name(reg.approver) if reg.approver else "",
                         "login": reg.login, "host": reg.host, "at": clock.iso(reg.at),
                         "problem": keys.registration_problem(reg) or ""})
    rows.sort(key=lambda r: (r["at"], r["person"]))
    return rows


__all__ = ["Keys", "NAMESPACE", "Registration", "authorized_keys_entries", "find_private_key", "fingerprint", "held_at", "key_body",
           "key_rows", "owner_of", "proof_text", "register", "registrations", "revoke", "set_key", "sign_text",
           "signers_line", "ssh_keygen", "verify_signature"]
