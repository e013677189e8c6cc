"""Offline copies and merging: a technician's clone of the shop's database, and bundles of history
events exchanged in both directions (a file on a USB stick or in a mail).

The rules (README repeats them):
- every history row has an identity: the site that first wrote it and its number there; a bundle
  carries rows the other side has not acknowledged, and an event already present is skipped, so
  importing a bundle twice changes nothing;
- records are matched by UUID; a record arriving with a human id that names another record here
  is renumbered, and its old number stays findable as an alias;
- an edit applies when the field still holds the value the other side changed it from: edits to
  different fields of one record both apply;
- the same field changed on both sides is a conflict: the local value stays, the remote one is
  kept beside it, the dashboard lists it and the operator chooses (the choice goes to history);
- a status move is checked against the work product's lifecycle; a record closed here before the
  bundle came is never reopened silently: an edit made elsewhere to it becomes a note and a flag;
- a bundle from a database that is not a known peer, a damaged or truncated one, or one whose
  rows do not hash as their chain says, is refused with nothing applied.
"""

from __future__ import annotations

import json
import os
import shutil
import types
import typing
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import _, ngettext

from ..core.evidence.attachments import stored_path
from ..core.governance.approvals import allowed_signers, verify_signature
from ..core.model.records import KINDS, model_for
from .db import open_store
from .files import atomic_file, private_folder, sqlite_copy, translated

if TYPE_CHECKING:
    import sqlite3

    from ..core.model.records import Record
    from .db import Store

from ..core.kernel import clock
from ..core.kernel.errors import InputError, NotFound
from .bundle import EVENT_COLUMNS, Bundle, BundleWriter, open_bundle, signature_text
from .chain import NOT_SYNCED, envelope, history_value
from .writes import FUTURE_REASON, Event, dump

SYNCED_SETTINGS = {"shop_name"}
AHEAD = 600  # seconds an event may be dated ahead of this computer's clock (clocks differ a little)


# ---------------------------------------------------------------- peers and clones

def peers_by_site(store: Store) -> dict[str, dict[str, Any]]:
    return {p["site"]: p for p in peers(store)}


def peers(store: Store) -> list[dict[str, Any]]:
    cols = ("site", "name", "relation", "acked", "received", "last_export", "last_import")
    return [dict(zip(cols, r)) for r in store.conn.execute(f"SELECT {', '.join(cols)} FROM peers ORDER BY name")]


def _max_seq(conn: sqlite3.Connection) -> int:
    seq: int = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM history").fetchone()[0]
    return seq


def lineage(store: Store) -> list[str]:
    """The site ids this database had before (a restore starts a new epoch with a new one)."""
    sites: list[str] = json.loads(store.setting("site_lineage") or "[]")
    return sites


def new_epoch(store: Store) -> str:
    """Give the database a new site id, remembering the old ones. After a restore the history
    numbers restart from the backup's: under a new id, new events can never be taken by a copy for
    ones it already has, and copies learn from the bundle's lineage that it is the same shop."""
    old = store.site_id
    new = str(uuidlib.uuid4())
    with store.transaction():
        store.forget_cached()
        store.set_site(new, [*lineage(store), old])
    return new


def clone(store: Store, out: str | Path, name: str = "", progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """A full copy of the database that knows it is a copy: its own site id, the shop as its
    origin; the shop remembers the copy as a peer once the copy is whole. Attached files are copied
    too (private from their first byte). A copy that cannot be finished (a full disk) is removed,
    and the shop registers nothing. `progress(bytes copied, bytes in all)` follows the copy of the
    database."""

    target = Path(out).expanduser()
    name = name.strip() or target.stem
    upto = _max_seq(store.conn)  # rows written meanwhile reach the copy twice and are skipped there
    with store.snapshot():  # a copy shown step by step copies one moment
        sqlite_copy(store.conn, target, database=store.path, what="copy", progress=progress)
    copy_site = str(uuidlib.uuid4())
    files = store.path.with_name(store.path.name + ".files")
    copied = target.with_name(target.name + ".files")
    try:
        copy = open_store(target, store.actor, create=False)
        try:  # the copy's first own rows: its site id, through its write path (chained, verifiable)
            copy.clock = store.clock  # type: ignore[method-assign]  # a clock per store: the copy's is ours
            with copy.transaction():
                copy.set_site(copy_site, [])
                for (site,) in copy.conn.execute("SELECT site FROM peers").fetchall():
                    copy.side_delete("peers", {"site": site})
                copy.side_put("peers", {"site": store.site_id, "name": store.setting("shop_name", "") or "shop",
                                        "relation": "origin", "acked": upto, "received": upto})
        finally:
            copy.close()
        if files.is_dir():
            copy_private_tree(files, copied)
    except BaseException as exc:
        for leftover in (target, *(Path(f"{target}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(copied, ignore_errors=True)
        if isinstance(exc, OSError):
            raise translated(exc, target, "copy") from None
        raise
    store.side_put("peers", {"site": copy_site, "name": name, "relation": "clone", "acked": upto, "received": upto})
    return {"path": target, "site": copy_site, "name": name, "events": upto}


def copy_private_tree(source: Path, target: Path) -> None:
    """Copy the attached files under `source` to `target`, each file and folder private (0600,
    0700) from the moment it exists; working files (an `open` folder, `*.part`) are left out."""

    private_folder(target)
    for folder, dirs, names in os.walk(source):
        dirs[:] = [d for d in dirs if d != "open"]
        here = target / Path(folder).relative_to(source)
        private_folder(here)
        for name in names:
            if name.endswith(".part"):
                continue
            dest = here / name
            if dest.exists():
                continue
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(Path(folder) / name, "rb") as src, os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)


def _tip(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The sender's chain tip: the bundle is an anchor of its history ('vse-tui verify --anchor')."""
    row = conn.execute("SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
    return {"seq": row[0], "hash": row[1]} if row else None


def _peer(store: Store, ref: str | None) -> dict[str, Any]:
    known = peers(store)
    if not known:
        raise InputError(_("This database has no peer yet: make a copy with 'vse-tui sync clone --out FILE' first"))
    if ref is None:
        if len(known) > 1:
            names = ", ".join(f"{p['name']} ({p['site'][:8]})" for p in known)
            raise InputError(_("This database exchanges with several copies; say which with --to ({names})").format(names=names))
        return known[0]
    for p in known:
        if ref in (p["site"], p["name"]) or p["site"].startswith(ref):
            return p
    raise InputError(_("No peer {ref!r}; known: {names}").format(ref=ref, names=", ".join(p["name"] for p in known)))


# ---------------------------------------------------------------- export

def export_bundle(store: Store, out: str | Path, to: str | None = None, force: bool = False,
                  sign: Any = None, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write what the peer has not acknowledged yet: history events (not those that came from it),
    the files of attachments among them, and our acknowledgement of what we received from it.
    Written as it is read, from one moment of the database: memory stays flat however many events.
    `progress(events written, events in all)` is told every few thousand events."""

    peer = _peer(store, to)
    where = (f"FROM history WHERE seq > ? AND (origin_site IS NULL OR origin_site != ?) "
             f"AND kind NOT IN ({', '.join('?' * len(NOT_SYNCED))})")
    args = (peer["acked"] or 0, peer["site"], *NOT_SYNCED)
    with store.snapshot():
        count, records = store.conn.execute(f"SELECT COUNT(*), COUNT(DISTINCT record) {where}", args).fetchone()
        head = {"from_site": store.site_id, "from_name": store.setting("shop_name", "") or "", "to_site": peer["site"],
                "created_at": clock.iso(clock.now()), "upto": _max_seq(store.conn), "ack": peer["received"] or 0,
                "ack_site": peer["site"], "lineage": lineage(store), "chain_tip": _tip(store.conn), "events": count}
        files: dict[str, Path] = {}
        with atomic_file(out, binary=True, database=store.path, force=force, what="bundle") as fh:
            writer = BundleWriter(fh, head)
            for row in store.conn.execute(f"SELECT {', '.join(EVENT_COLUMNS)} {where} ORDER BY seq", args):
                e = dict(zip(EVENT_COLUMNS, row))
                writer.event(e)
                if progress and writer.events % EXPORT_PROGRESS_EVERY == 0:
                    progress(writer.events, count)
                if e["kind"] == "attachments" and e["action"] == "create" and e["new_value"]:
                    sha = json.loads(e["new_value"]).get("sha256")
                    path = stored_path(store, sha) if sha else None
                    if sha not in files and path and path.exists():
                        files[sha] = path
            for sha, path in files.items():
                writer.file(sha, path)
            writer.finish(sign=sign)
    if progress:
        progress(count, count)
    store.side_set("peers", {"site": peer["site"]}, {"last_export": clock.iso(clock.now())})
    return {"path": Path(out).expanduser(), "events": count, "files": len(files), "to": peer["name"],
            "records": records, "signed": sign is not None}


# ---------------------------------------------------------------- import

@dataclass
class ImportResult:
    applied: int = 0
    skipped: int = 0  # already here (a bundle imported twice, or relayed)
    created: int = 0
    renumbered: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    conflicts: int = 0
    notes: int = 0
    files: int = 0

    def line(self) -> str:
        parts = [ngettext("{n} event applied", "{n} events applied", self.applied).format(n=self.applied),
                 _("{n} already here").format(n=self.skipped),
                 ngettext("{n} new record", "{n} new records", self.created).format(n=self.created)]
        if self.renumbered:
            parts.append(_("renumbered {changes}").format(changes=", ".join(f"{a} → {b}" for a, b in self.renumbered)))
        if self.conflicts:
            parts.append(ngettext("{n} conflict to choose (dashboard)", "{n} conflicts to choose (dashboard)",
                                  self.conflicts).format(n=self.conflicts))
        if self.notes:
            parts.append(ngettext("{n} edit to a closed record kept as a note",
                                  "{n} edits to closed records kept as notes", self.notes).format(n=self.notes))
        return "; ".join(parts)


PROGRESS_EVERY = 500  # events merged between two progress reports
EXPORT_PROGRESS_EVERY = 5000  # events written between two progress reports
BULK_MERGE = 200  # events from which a merge fills the search index at its end


def shop_has_keys(store: Store) -> bool:
    """Whether anyone of the shop registered an SSH key: from then on a bundle must be signed."""
    return store.row("people", ["uuid"], {"ssh_key__isnull": False}) is not None


def check_bundle_signature(store: Store, bundle: Bundle, require: bool, allow_unsigned: bool = False) -> str | None:
    """None when the bundle is signed by a person whose key this database knows (or when it is
    unsigned and no signature is required: nobody of the shop has a key, or `allow_unsigned`);
    else why it is refused."""

    sig = bundle.signature
    if not sig:
        if require:
            return _("it is not signed (the sender has no SSH key registered, or signed nothing)")
        if shop_has_keys(store) and not allow_unsigned:
            return (_("it is not signed, and people of this shop have SSH keys: anyone could have written it (sign it when exporting; --allow-unsigned takes it all the same)"))
        return None
    if not isinstance(sig, dict) or not isinstance(sig.get("person"), str) or not isinstance(sig.get("sig"), str):
        return _("its signature is malformed")
    why = verify_signature(signature_text(bundle.sha256, bundle.version), sig["sig"], sig["person"],
                           allowed_signers(store))
    return _("its signature does not verify ({why})").format(why=why) if why else None


def import_bundle(store: Store, path: str | Path, require_signature: bool = False,
                  progress: Callable[[int, int], None] | None = None, allow_unsigned: bool = False,
                  pair: bool = False) -> ImportResult:
    """Merge a bundle from a known peer, in one transaction (all or nothing). A signed bundle must
    verify; an unsigned one is refused with `require_signature`, or once people of the shop have
    SSH keys (unless `allow_unsigned`). `pair`: a bundle written for this database by a copy it no
    longer knows (this database was restored from a backup older than the copy) pairs it again.
    `progress(events merged, events in all)` is told every few hundred events."""

    store.guard_input(Path(path).expanduser())
    bundle = open_bundle(path)  # read through and checked whole before anything is applied
    body = bundle.head
    refused = check_bundle_signature(store, bundle, require_signature, allow_unsigned)
    if refused:
        raise InputError(_("{name}: {refused}; nothing was applied").format(name=Path(path).name, refused=refused))
    known = {p["site"]: p for p in peers(store)}
    mine = {store.site_id, *lineage(store)}
    if body["from_site"] in mine:
        raise InputError(_("This bundle was written by this very database; nothing was applied"))
    renamed = None
    if body["from_site"] not in known:
        # the other side was restored from a backup and started a new epoch: same peer, new id
        renamed = next((site for site in body.get("lineage") or [] if site in known), None)
        if renamed is None and pair and body.get("to_site") in mine:
            store.side_put("peers", {"site": body["from_site"], "name": f"copy {body['from_site'][:8]}",
                                     "relation": "clone", "acked": 0, "received": 0})
            known[body["from_site"]] = peers_by_site(store)[body["from_site"]]
        elif renamed is None:
            paired = (_(" It was written for this database by a copy this one no longer knows (a backup older than the copy was restored): import it with --pair to pair the copy again.")
                      if body.get("to_site") in mine else "")
            raise InputError(_("This bundle comes from a database this one does not know (not its origin nor a copy made from it); nothing was applied.") + paired)
    if body.get("to_site") and body["to_site"] not in mine:
        raise InputError(_("This bundle was written for another database; nothing was applied"))
    _check_numbers(Path(path).name, body, bundle)
    ack = body.get("ack") or 0
    if not isinstance(ack, int) or ack < 0 or (body.get("ack_site") in (None, store.site_id)
                                                and ack > _max_seq(store.conn)):
        raise InputError(_("This bundle acknowledges events this database never wrote (up to {ack!r}); nothing was applied").format(ack=ack))
    result = ImportResult()
    merger = _Merger(store, body, result)
    from pydantic import ValidationError

    with _invalid_records_refused(ValidationError), store.transaction():
        if renamed is not None:  # its numbers restart: what it received from us counts again
            was = known.pop(renamed)
            store.side_delete("peers", {"site": renamed})
            known[body["from_site"]] = store.side_put("peers", {**was, "site": body["from_site"], "received": 0,
                                                                "acked": 0})
        # a big merge fills the search index once at its end, not row by row
        with store.search_indexed_after() if bundle.count >= BULK_MERGE else nullcontext():
            merger.apply_all(bundle.events(), bundle.count, progress)
        peer = known[body["from_site"]]
        # what we received counts up to the last event it holds of its own history, never the number
        # its header claims: an impossible claim acknowledged back would make it refuse us for good
        received = max(peer["received"] or 0, min(body["upto"], bundle.last_seq))
        if body.get("ack_site") in (None, store.site_id):
            acked = ack if renamed is not None else max(peer["acked"] or 0, ack)
        else:  # an acknowledgement of an earlier epoch of ours: its numbers mean nothing now
            acked = peer["acked"] or 0
        store.side_set("peers", {"site": body["from_site"]},
                       {"received": received, "acked": acked,
                        "last_import": clock.iso(clock.now())})
    # content-named, written once everything merged (those already here are left as they are)
    result.files = bundle.write_files(lambda sha: None if stored_path(store, sha).exists() else stored_path(store, sha))
    return result


def _check_numbers(name: str, body: dict[str, Any], bundle: Bundle) -> None:
    """A header's numbers must agree with its events: its last number (`upto`) with its chain tip
    and at least its last event's; events of the sender's own history numbered as they were there."""
    tip = body.get("chain_tip")
    if isinstance(tip, dict) and tip.get("seq") != body["upto"]:
        raise InputError(_("{name}: its header's last number ({upto}) is not its chain tip's; nothing was applied").format(name=name, upto=body['upto']))
    if bundle.last_seq > body["upto"]:
        raise InputError(_("{name}: it holds event {last_seq}, past the last number its header gives ({upto}); nothing was applied").format(name=name, last_seq=bundle.last_seq, upto=body['upto']))


@contextmanager
def _invalid_records_refused(validation_error: type[Exception]) -> Iterator[None]:
    """A record the bundle would make invalid refuses the whole bundle with a plain message."""
    try:
        yield
    except (validation_error, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        first = str(exc).splitlines()[0][:200]
        raise InputError(_("the bundle holds an event that makes no valid record ({first}); nothing was applied").format(first=first)) from None


def _unwrap(annotation: object) -> object:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _from_history(model: type[Record], name: str, text: str | None) -> Any:
    """A field's value from its history text (plain text for text, dates and choices; JSON else)."""
    if text is None:
        return None
    info = model.model_fields.get(name)
    base = _unwrap(info.annotation) if info else str
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    if base in (str, date, datetime) or typing.get_origin(base) is typing.Literal or name in ("id", "uuid", "status", "state"):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


class _Merger:
    """Applies a bundle's events through the store's one write path, each keeping its identity."""

    def __init__(self, store: Store, body: dict[str, Any], result: ImportResult) -> None:
        self.store, self.body, self.result = store, body, result
        self.closed_before: dict[str, bool] = {}
        self.now: datetime | None = None  # this computer's clock when the merge began
        self.via = f"merged from {body.get('from_name') or 'a copy'} (site {body['from_site'][:8]})"

    def _seen(self, e: dict[str, Any]) -> bool:
        return self.store.conn.execute("SELECT 1 FROM history WHERE origin_site = ? AND origin_seq = ?",
                                       (e["origin_site"], e["origin_seq"])).fetchone() is not None

    def _event(self, e: dict[str, Any]) -> Event:
        return Event(site=e["origin_site"], seq=e["origin_seq"], at=clock.parse_datetime(e["at"]),
                     operator=e["operator"], os_user=e.get("os_user"), host=e.get("host"), person=e.get("person"),
                     via=e.get("via") or self.via, occurred_at=e.get("occurred_at"))

    def _row(self, e: dict[str, Any], action: str, old: object = None, new: object = None,
             record_id: str | None = None) -> None:
        self.store.log_event(e["kind"], None, action, e["field"], old, new if new is not None else e["new_value"],
                             e["task"], self._event(e), record_uuid=e["record"], record_id=record_id or e["record_id"])

    def apply_all(self, events: Iterable[dict[str, Any]], total: int,
                  progress: Callable[[int, int], None] | None = None) -> None:
        """Apply the events in order (`total` of them); the field updates of one version of a record
        go together, so that a status and its state move as one (a lifecycle checks them together)."""
        group: list[dict[str, Any]] = []
        for n, e in enumerate(events):
            if progress and n % PROGRESS_EVERY == 0:
                progress(n, total)
            if self._from_the_future(e):
                continue
            if group and (e["action"] != "update" or not e["field"]
                          or (e["record"], e["version"]) != (group[0]["record"], group[0]["version"])):
                self._update_version(group)
                group = []
            if e["action"] == "update" and e["field"] and e["kind"] != "settings":
                group.append(e)
            else:
                self.apply(e)
        if group:
            self._update_version(group)
        if progress:
            progress(total, total)

    def apply(self, e: dict[str, Any]) -> None:
        if self._seen(e):
            self.result.skipped += 1
            return
        if e["kind"] == "settings":
            if e["record"] in SYNCED_SETTINGS and e["new_value"] is not None:
                self.store.set_setting(e["record"], e["new_value"], task=e["task"], event=self._event(e))
                self.result.applied += 1
            return
        if e["kind"] not in KINDS:
            return
        if e["action"] == "create":
            self._create(e)
        elif e["action"] == "update" and e["field"]:
            self._update_version([e])
        elif e["action"] == "append" and e["field"]:
            self._append(e)
        else:  # resolutions, conflicts and notes written elsewhere: keep the trace, change nothing
            self._row(e, e["action"], e["old_value"], e["new_value"])

    def _create(self, e: dict[str, Any]) -> None:
        store = self.store
        model = model_for(e["kind"])
        if store.exists(e["kind"], {"uuid": e["record"]}):
            self._row(e, "merged")
            self.result.skipped += 1
            return
        snapshot = json.loads(e["new_value"] or "{}")
        record = model.model_validate(snapshot)
        stored = store.add(record, e["task"], event=self._event(e), renumber=True)
        if record.id and stored.id and stored.id != record.id:
            store.add_alias(record.id, e["kind"], stored.uuid, e["origin_site"])
            self.result.renumbered.append((record.id, stored.id))
        self.result.created += 1
        self.result.applied += 1

    def _update_version(self, group: list[dict[str, Any]]) -> None:
        """One version of a record made elsewhere: the fields that still hold what the other side
        changed them from apply together; the others are conflicts (or notes on a closed record)."""

        group = [e for e in group if not self._seen(e) or self._skip(e)]
        if not group:
            return
        store, kind, uuid = self.store, group[0]["kind"], group[0]["record"]
        model = model_for(kind)
        try:
            current = store.get(kind, uuid)
        except NotFound:
            for e in group:
                self._conflict(e, None, "the record is not in this database")
            return
        if uuid not in self.closed_before:
            self.closed_before[uuid] = bool(model.WP) and current.status == "closed"
        data = dump(current)
        changes: dict[str, Any] = {}
        events: dict[str, Event] = {}
        applied: list[dict[str, Any]] = []
        notes: list[str] = []
        for e in group:
            name = e["field"]
            local = history_value(data.get(name))
            if local == e["new_value"]:
                self._row(e, "merged", local, e["new_value"])
                self.result.skipped += 1
            elif self.closed_before[uuid] and not (name == "status" and e["old_value"] == "closed"):
                notes.append(f"After closure, {e['operator']} changed {name.replace('_', ' ')} to "
                             f"{_short(e['new_value'])} on another copy "
                             f"({clock.local_text(clock.parse_datetime(e['at']))}); not applied.")
                self._row(e, "held", local, e["new_value"])
                self._conflict(e, local, "changed elsewhere after it was closed here (kept as a note)", log=False)
                self.result.notes += 1
            elif local != e["old_value"] and not (_empty(local) and _empty(e["old_value"])):
                self._conflict(e, local, "changed on both sides")
            else:
                changes[name] = _from_history(model, name, e["new_value"])
                events[name] = self._event(e)
                applied.append(e)
        if changes:
            try:
                store.update(kind, uuid, changes, applied[0]["task"], events=events)
                self.result.applied += len(applied)
            except InputError as exc:  # a move the lifecycle refuses, or values this record cannot hold
                for e in applied:
                    self._conflict(e, history_value(data.get(e["field"])), f"not applied: {exc}")
        if notes:
            current = store.get(kind, uuid)
            store.update(kind, uuid, {"notes": (current.notes + "\n" + "\n".join(notes)).strip()}, task=None,
                         via=self.via)

    def _from_the_future(self, e: dict[str, Any]) -> bool:
        """An event dated ahead of this computer's clock is not applied: it is held as a conflict
        (once), for a person to check the clocks and choose; it writes no row dated in the future
        into this copy's history, and never moves this copy's clock."""
        if self.now is None:
            self.now = self.store.now()
        at = clock.parse_datetime(e["at"])
        if (at - self.now).total_seconds() <= AHEAD:
            return False
        if not self._seen(e) and self.store.conn.execute(
                "SELECT 1 FROM conflicts WHERE remote_site = ? AND remote_seq = ?",
                (e["origin_site"], e["origin_seq"])).fetchone() is None:
            self._conflict(e, None, f"{FUTURE_REASON} ({clock.local_text(self.now)}): held until the clocks are "
                                    "checked", log=False)
        self.result.skipped += 1
        return True

    def _append(self, e: dict[str, Any]) -> None:
        """Items added to a list elsewhere (a record's mail): added here too, after what is here,
        each once (two copies that both received a message keep it once)."""
        store, kind, uuid, name = self.store, e["kind"], e["record"], e["field"]
        try:
            current = store.get(kind, uuid)
        except NotFound:
            self._conflict(e, None, "the record is not in this database")
            return

        def identity(item: Any) -> str:
            if isinstance(item, dict) and item.get("message_id"):
                return str(item["message_id"])
            return json.dumps(envelope(kind, name, item), sort_keys=True)

        here = {identity(item) for item in dump(current).get(name) or []}
        try:
            added = json.loads(e["new_value"] or "[]")
        except ValueError:
            added = []
        new = [item for item in (added if isinstance(added, list) else []) if identity(item) not in here]
        if not new:
            self._row(e, "merged", None, e["new_value"])
            self.result.skipped += 1
            return
        try:
            store.append(kind, uuid, name, new, e["task"], event=self._event(e))
            self.result.applied += 1
        except (InputError, ValueError) as exc:
            self._conflict(e, None, f"not applied: {exc}")

    def _skip(self, e: dict[str, Any]) -> bool:
        self.result.skipped += 1
        return False

    def _conflict(self, e: dict[str, Any], local: object, reason: str, log: bool = True) -> None:
        if log:
            self._row(e, "conflict", local, e["new_value"])
        self.store.side_put("conflicts", {
            "kind": e["kind"], "record": e["record"], "record_id": e["record_id"], "field": e["field"],
            "reason": reason, "local_value": local, "remote_value": e["new_value"], "remote_site": e["origin_site"],
            "remote_seq": e["origin_seq"], "remote_operator": e["operator"], "remote_at": e["at"], "state": "open"})
        self.result.conflicts += 1


def _empty(value: object) -> bool:
    return value in (None, "", "[]", "{}")


def _short(text: str | None, limit: int = 60) -> str:
    text = "(empty)" if text is None else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- conflicts

def open_conflicts(store: Store) -> list[dict[str, Any]]:
    cols = ("id", "kind", "record", "record_id", "field", "reason", "local_value", "remote_value", "remote_operator",
            "remote_at")
    rows = store.conn.execute(f"SELECT {', '.join(cols)} FROM conflicts WHERE state = 'open' ORDER BY id").fetchall()
    out = []
    for r in rows:
        d = dict(zip(cols, r))
        current = store.conn.execute(f"SELECT id FROM {d['kind']} WHERE uuid = ?", (d["record"],)).fetchone()
        d["ref"] = current[0] if current else d["record_id"]
        out.append(d)
    return out


def resolve(store: Store, conflict_id: int, choice: str) -> Record:
    """Settle a conflict: keep the local value or take the remote one. The choice is a history row
    (and, for the remote value, the field's update)."""

    row = store.conn.execute("SELECT kind, record, field, local_value, remote_value, state, reason FROM conflicts "
                             "WHERE id = ?", (conflict_id,)).fetchone()
    if row is None:
        raise InputError(_("No conflict {conflict_id}").format(conflict_id=conflict_id))
    kind, record, name, local, remote, state, reason = row
    if state != "open":
        raise InputError(_("Conflict {conflict_id} was already settled").format(conflict_id=conflict_id))
    if choice not in ("local", "remote"):
        raise InputError(_("Choose local or remote"))
    model = model_for(kind)
    with store.transaction():
        current = store.get(kind, record)
        if choice == "remote" and name:
            store.update(kind, current.uuid, {name: _from_history(model, name, remote)}, task="sync")
        store.log_event(kind, current, "resolve", name, local, remote if choice == "remote" else local, "sync")
        store.side_set("conflicts", {"id": conflict_id}, {"state": "resolved", "resolution": choice,
                                                          "resolved_by": store.actor.operator,
                                                          "resolved_at": clock.iso(clock.now())})
    return store.get(kind, record)
