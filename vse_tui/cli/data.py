"""The database's safety and exchange from the command line: verify, backup, restore, doctor,
export, offline copies (sync), attached files, the demo shop, the reference model, serving in a
browser."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

from vse_tui.i18n import _, ngettext, pgettext

from ..core.evidence.attachments import attach, attachment_rows, check_files
from ..core.governance.approvals import allowed_signers, check_approvals, public_key_of, verify_signature
from ..core.governance.keys import find_private_key, sign_text
from ..core.kernel.clock import parse_datetime
from ..core.kernel.errors import DatabaseError, InputError, VseError
from ..core.kernel.findings import Finding
from ..core.kernel.text import one_line
from ..core.present.labels import roles_named
from ..paths import config_path, demo_db_path
from ..reports.figures import contradictions
from ..serve import make_server, serve_command
from ..store import sync
from ..store.anchor import read_anchor, tip_text
from ..store.chain import verify
from ..store.db import open_store as open_
from ..store.files import write_text
from ..store.maintenance import backup, describe, doctor_checks, restore
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    Progress,
    add_format,
    add_out,
    add_yes,
    confirm,
    count_arg,
    date_arg,
    db_path,
    dump_json,
    need_file,
    open_store,
    output,
    print_rows,
    say,
)


def cmd_verify(args) -> int:
    anchors = [read_anchor(a) for a in args.anchor or []]
    with open_store(args, must_exist=True) as store:
        meter = Progress(_("checking records"), total=store.record_count(), unit=_("records"))
        problems: list[Finding] = [*verify(store, parallel=True, progress=meter.update)]
        meter.done()
        problems += [*check_files(store), *check_approvals(store), *contradictions(store)]
        rows = store.count("history")
        files = store.count("attachments")
        tip = store.chain_tip()
        held = [(a, store.anchor_problem(a)) for a in anchors]
        signed_anchors = [_check_tip_signature(store, a) for a in args.anchor or []]
        if args.tip_out and tip:
            _write_tip(store, args, tip)
    for _held, why in held:
        if why:
            problems.append(Finding.broken(_("anchor"), why))
    problems += [Finding.broken(_("anchor"), why) for ok, why in signed_anchors if why and not ok]
    if not problems:
        if files:
            say(_("ok: {rows} history rows chained, every record matches its history, {files} attached files "
                  "intact").format(rows=rows, files=files))
        else:
            say(_("ok: {rows} history rows chained, every record matches its history").format(rows=rows))
        for anchor, _why in held:
            say(_("ok: nothing up to row {seq} changed since {source} was made").format(seq=anchor.seq,
                                                                                       source=anchor.source))
        for _ok, why in signed_anchors:
            if why:
                say(why)
        if tip:
            say(_("tip: {seq} {hash}").format(seq=tip[0], hash=tip[1]))
        return EXIT_OK
    for p in problems[:50]:
        say(one_line(p.line()))
    if len(problems) > 50:
        say(_("... and {n} more").format(n=len(problems) - 50))
    say(ngettext("vse-tui: {n} problem: {first}", "vse-tui: {n} problems; the first is {first}",
                 len(problems)).format(n=len(problems), first=one_line(problems[0].line())), err=True)
    return EXIT_REFUSED


def _write_tip(store, args, tip) -> None:
    """The tip as a small text file kept elsewhere (a USB stick, a mail to yourself), signed with
    the person's SSH key when asked."""

    text = tip_text(store.site_id, tip[0], tip[1], tip[2], store.actor.person, store.actor.operator)
    signature = None
    if args.sign:
        public = public_key_of(store, store.actor.person)
        if not public:
            raise InputError(_("You have no SSH public key registered ('vse-tui people key PERSON FILE.pub'); "
                               "the tip was not written"))
        signature = sign_text(text, find_private_key(public, args.key))
    write_text(args.tip_out, text, database=store.path, force=args.force, what="tip")
    if signature:
        write_text(f"{args.tip_out}.sig", signature, database=store.path, force=args.force, what="signature")
    say((_("tip written to {file} with its signature (.sig)") if signature else _("tip written to {file}")).format(
        file=args.tip_out), err=True)


def _check_tip_signature(store, anchor_path: str) -> tuple[bool, str | None]:
    """A tip file signed with a person's key: the signature must verify against the keys the
    shop registered (an assessor may check it with their own copy of allowed_signers). Returns
    whether it holds and what to say (None: the tip has no signature)."""

    sig = Path(f"{anchor_path}.sig").expanduser()
    if not sig.is_file():
        return True, None
    text = Path(anchor_path).expanduser().read_text(encoding="utf-8", errors="replace")
    person = next((line.split()[1] for line in text.splitlines() if line.startswith("person: ")), "-")
    why = verify_signature(text, sig.read_text(encoding="utf-8", errors="replace"), person, allowed_signers(store))
    if why:
        return False, _("the signature of {file} does not verify ({reason})").format(file=Path(anchor_path).name,
                                                                                    reason=why)
    return True, _("ok: {file} is signed by {person}").format(file=Path(anchor_path).name, person=person)


def cmd_backup(args) -> int:
    with open_store(args, must_exist=True) as store:
        meter = Progress(_("backing up"), unit="MiB")
        path = backup(store, args.out, force=args.force, progress=_told(meter, 2**20) if meter.shown else None)
        meter.done()
    say(str(path))
    return EXIT_OK


def _told(meter: Progress, per: int = 1):
    """A progress callback (done, in all) shown on `meter`, in units of `per` (2**20: bytes as MiB)."""

    def told(done: int, total: int) -> None:
        meter.total = total // per or None
        meter.update(done // per)

    return told


def cmd_restore(args) -> int:
    source = need_file(args.file, _("{path} is not a backup file"))
    with open_store(args) as store:
        try:
            incoming = describe(source)
        except DatabaseError as exc:
            raise DatabaseError(_("{reason}; it cannot be restored and nothing was changed").format(reason=exc)) from None
        current = describe(store.path)
        say(_("This replaces  {current}\nwith           {backup}").format(current=current.line(),
                                                                          backup=incoming.line()), err=True)
        if not confirm(args, _("Replace the database with the backup? (a copy of the current one is kept)")):
            raise VseError(_("restore cancelled; nothing was changed (use --yes to confirm without a prompt)"))
        safety, _restored = restore(store, source)
    say(_("restored {path}; the previous database was saved as {safety}").format(path=incoming.path, safety=safety))
    return EXIT_OK


def _check_name(name: str) -> str:
    """What a check of `doctor` looks at (store.maintenance names it by a key), in words."""
    return _check_names().get(name, name)


def _check_names() -> dict[str, str]:
    return {"file": pgettext("doctor check", "file"), "integrity": pgettext("doctor check", "integrity"),
            "schema": pgettext("doctor check", "schema"), "history": pgettext("doctor check", "history"),
            "journal": pgettext("doctor check", "journal"), "attachments": pgettext("doctor check", "attachments"),
            "permissions": pgettext("doctor check", "permissions"), "location": pgettext("doctor check", "location"),
            "size": pgettext("doctor check", "size")}


def cmd_doctor(args) -> int:
    meter = Progress(_("checking records"), unit=_("records"))  # the history's check, the longest
    failed = False
    width = max(len(name) for name in _check_names().values()) + 1
    for c in doctor_checks(db_path(args), config_path(), parallel=True, progress=meter.update):
        meter.done()
        mark = pgettext("doctor", "ok") if c.ok else (pgettext("doctor", "warn") if c.warning
                                                      else pgettext("doctor", "FAIL"))
        failed |= not c.ok and not c.warning
        name = _check_name(c.name)
        say(f"{mark:<4}  {name:<{width}} {one_line(c.message)}")  # each as soon as it is done
    return EXIT_REFUSED if failed else EXIT_OK


def cmd_export(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..reports.export import write_export

    with open_store(args, must_exist=True) as store:
        meter = Progress(_("exporting"), total=store.record_count() + store.history_count(), unit=_("rows"))
        with output(args, store.path) as out:
            write_export(store, out, progress=meter.update)
        meter.done()
    return EXIT_OK


def cmd_standard(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.model.standard import load_standard

    model = load_standard()
    with output(args) as out:
        if args.json:
            dump_json(model.as_json(), out)
            return EXIT_OK
        for proc in model.processes:
            out.write(f"{proc.code}  {proc.name}\n")
            for act in (a for a in model.activities if a.process == proc.code):
                out.write(f"  {act.code}  {act.name}\n")
                for task in (t for t in model.tasks if t.activity == act.code):
                    out.write(f"    {task.code:7} {task.title}  ({roles_named(task.roles)})\n")  # roles by name
    return EXIT_OK


def cmd_demo(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..demo import install_demo, make_demo

    if args.as_of:
        os.environ["VSE_TUI_NOW"] = parse_datetime(f"{args.as_of.isoformat()}T09:30:00").isoformat()
    path = Path(args.db).expanduser() if getattr(args, "db", None) else demo_db_path()
    replacing = False
    if path.exists() and path.stat().st_size > 0:
        store = open_(path, create=False)
        try:
            empty, demo = store.is_empty(), store.setting("demo") == "1"
        finally:
            store.close()
        if not empty and not demo:
            raise VseError(_("{path} holds a shop's records, not a demo: the demo never replaces it; nothing was "
                             "changed (give --db another file)").format(path=path))
        if not empty and getattr(args, "db", None) and not confirm(
                args, _("{path} holds an earlier demo shop. Replace it (a copy is kept)?").format(path=path)):
            raise VseError(_("{path} holds an earlier demo shop; nothing was changed (use --yes to replace it)").format(
                path=path))
        replacing = not empty
    meter = Progress(_("building the demo"), total=args.incidents, unit=_("incidents"))
    try:
        built, counts = make_demo(path, as_of=args.as_of, incidents=args.incidents,
                                  progress=meter.update if meter.shown else None)
    finally:
        meter.done()
    kept = install_demo(built, path, keep_previous=replacing)
    made = ", ".join(_counted(kind, n) for kind, n in counts.items())
    if kept:
        said = _("Demo shop written to {path}: {counts} (the earlier demo kept as {kept})").format(
            path=path, counts=made, kept=kept.name)
    else:
        said = _("Demo shop written to {path}: {counts}").format(path=path, counts=made)
    say(said, err=True)
    if args.no_open:
        return EXIT_OK
    # here, not at the top: importing it loads Textual
    from ..app import run_app

    args.db = str(path)
    return run_app(args)


def _counted(kind: str, n: int) -> str:
    """'61 incidents': a count of the demo's records of one kind."""
    if kind == "incidents":
        return ngettext("{n} incident", "{n} incidents", n).format(n=n)
    if kind == "change_requests":
        return ngettext("{n} change request", "{n} change requests", n).format(n=n)
    if kind == "configuration_items":
        return ngettext("{n} configuration item", "{n} configuration items", n).format(n=n)
    if kind == "services":
        return ngettext("{n} service", "{n} services", n).format(n=n)
    return f"{n} {kind.replace('_', ' ')}"


def cmd_attach(args) -> int:
    with open_store(args) as store:
        att = attach(store, args.ref, args.file, args.note or "", follow=args.follow)
    print(att.id)
    return EXIT_OK


def cmd_attachments(args) -> int:
    with open_store(args, must_exist=True) as store:
        rows = attachment_rows(store, args.ref)
    print_rows(args, rows, ["id", "name", "size", "attached_at", "by"] if args.format == "table" else
               ["id", "name", "size", "sha256", "attached_at", "by", "note", "path"])
    return EXIT_OK


def cmd_sync(args) -> int:
    action = args.sync_action
    with open_store(args, must_exist=action != "import") as store:
        if action == "clone":
            meter = Progress(_("copying"), unit="MiB")
            made = sync.clone(store, args.out, args.name or "", progress=_told(meter, 2**20) if meter.shown else None)
            meter.done()
            say(_("copy written: {path} ({name}, site {site}); it knows this database as its origin").format(
                path=made["path"], name=made["name"], site=made["site"][:8]))
        elif action == "export":
            meter = Progress(_("writing"), unit=_("events"))
            done = sync.export_bundle(store, args.out, args.to, force=args.force, sign=_bundle_signer(store, args),
                                      progress=_told(meter) if meter.shown else None)
            meter.done()
            said = (_("bundle written: {path} for {to}: {events} events on {records} records, {files} files, signed")
                    if done["signed"] else
                    _("bundle written: {path} for {to}: {events} events on {records} records, {files} files, not "
                      "signed"))
            say(said.format(path=done["path"], to=done["to"], events=done["events"], records=done["records"],
                            files=done["files"]))
        elif action == "import":
            meter = Progress(_("merging"), unit=_("events"))
            result = sync.import_bundle(store, args.bundle, require_signature=args.require_signature,
                                        progress=_told(meter) if meter.shown else None,
                                        allow_unsigned=args.allow_unsigned, pair=args.pair)
            meter.done()
            say(_("merged: {result}").format(result=result.line()))
        elif action == "conflicts":
            rows = sync.open_conflicts(store)
            if not rows:
                say(_("no open conflicts"))
            for c in rows:
                say(one_line(f"{c['id']:>4}  {c['ref']:<10} {c['field'] or '':<16} " + _(
                    "{reason}: here {local}, there {remote} ({operator})").format(
                        reason=c["reason"], local=repr(c["local_value"]), remote=repr(c["remote_value"]),
                        operator=c["remote_operator"])))
        elif action == "resolve":
            rec = sync.resolve(store, args.conflict, args.keep)
            say((_("{ref}: kept the local value") if args.keep == "local" else _("{ref}: kept the remote value")).format(
                ref=rec.id))
        else:
            for p in sync.peers(store):
                say(one_line(f"{p['name']:<20} {p['relation']:<7} " + _(
                    "site {site}  sent up to {sent}, received up to {received}").format(
                        site=p["site"][:8], sent=p["acked"], received=p["received"])))
    return EXIT_OK


def _bundle_signer(store, args):
    """Sign the bundle with the person's SSH key when they registered one (--no-sign: never)."""

    if args.no_sign:
        return None
    public = public_key_of(store, store.actor.person)
    if not public:
        if args.sign:
            raise InputError(_("You have no SSH public key registered ('vse-tui people key PERSON FILE.pub'); "
                               "nothing was written"))
        return None
    try:
        key = find_private_key(public, args.key)
    except InputError as exc:
        if args.sign:
            raise
        say(_("warning: the bundle is not signed: {reason}").format(reason=exc), err=True)
        return None
    return lambda text: (store.actor.person, sign_text(text, key))


def cmd_serve(args) -> int:
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if not loopback:
        print(_("warning: binding to {host} lets anyone who reaches this machine on port {port} use the app as you, "
                "with no password. Prefer an SSH tunnel (ssh -L 8000:127.0.0.1:8000 host) or a reverse proxy with "
                "authentication in front of 127.0.0.1.").format(host=args.host, port=args.port), file=sys.stderr)
        if not confirm(args, _("Serve on that address anyway?")):
            raise InputError(_("not serving on {host} (use --yes to confirm)").format(host=args.host))
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        raise InputError(_("serving in a browser needs the web extra: pip install 'vse-tui[web]'")) from None

    command = serve_command(getattr(args, "db", None), getattr(args, "as_person", None))
    make_server(command, args.host, args.port, local_only=loopback).serve()
    return EXIT_OK


def register(reg) -> None:
    _register_upkeep(reg)
    _register_sync(reg)
    p = reg.command("serve", _("serve the app in a browser (needs pip install 'vse-tui[web]')"), cmd_serve)
    p.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default: this machine only)"))
    p.add_argument("--port", type=int, default=8000, help=_("port to listen on (default: 8000)"))
    add_yes(p, _("confirm a non-local address"))


def _register_upkeep(reg) -> None:
    """The database's own keeping: verify, backup, restore, doctor, export; the standard, the demo,
    attached files."""
    p = reg.command("verify", _("check the history's hash chain and every record against its history; print its tip"),
                    cmd_verify)
    p.add_argument("--anchor", action="append", metavar=pgettext("metavar", "FILE"),
                   help=_("a tip kept elsewhere (a backup, bundle, export, audit pack or tip file): prove nothing up to "
                        "it changed (may be repeated)"))
    p.add_argument("--tip-out", metavar=pgettext("metavar", "FILE"), help=_("also write the tip to FILE, to keep elsewhere"))
    p.add_argument("--sign", action="store_true", help=_("sign the tip file with your SSH key (see 'people key')"))
    p.add_argument("--key", metavar=pgettext("metavar", "FILE"), help=_("the private key to sign with (default: the one in ~/.ssh)"))
    p.add_argument("--force", action="store_true", help=_("replace an existing tip file"))
    p = reg.command("backup", _("make a consistent copy of the database, even while the app is open"), cmd_backup)
    add_out(p, help=_("where to write it (default: the backup folder or beside the database, dated)"))
    p = reg.command("restore", _("replace the database with a backup (checked first; a copy of the current one is kept)"),
                    cmd_restore)
    p.add_argument("file", metavar=pgettext("metavar", "FILE"), help=_("the backup file to restore"))
    add_yes(p)
    reg.command("doctor", _("check the database, its history, permissions and location"), cmd_doctor)
    p = reg.command("export", _("export everything stored"), cmd_export)
    p.add_argument("--format", choices=["json"], default="json", help=_("output format (JSON only)"))
    add_out(p)

    p = reg.command("standard", _("print the reference model of the standard the app uses"), cmd_standard)
    p.add_argument("--json", action="store_true", help=_("as JSON (processes, activities, tasks, roles, work_products)"))
    add_out(p)

    p = reg.command("demo", _("create a demo database of a fictional three-person shop and open it (its own file: "
                    "demo.db in the user data folder, or --db; VSE_TUI_DB is not used)"), cmd_demo,
                    db_help=_("where to write the demo (default: demo.db in the user data folder; VSE_TUI_DB is not used)"))
    p.add_argument("--no-open", action="store_true", help=_("only create the database"))
    p.add_argument("--incidents", type=count_arg, default=300, metavar=pgettext("metavar", "N"), help=_("number of incidents (default 300)"))
    p.add_argument("--as-of", type=date_arg, metavar=pgettext("metavar", "DATE"), help=_("the day the demo history ends (default today)"))
    add_yes(p, _("replace an earlier demo database without asking (a copy is kept; a shop's database is never replaced)"))

    p = reg.command("attach", _("attach a file to any record as evidence; prints the attachment's id"), cmd_attach)
    p.add_argument("ref", metavar=pgettext("metavar", "ID"), help=_("the record's id, e.g. AGR-0001"))
    p.add_argument("file", metavar=pgettext("metavar", "FILE"), help=_("the file to attach (copied beside the database)"))
    p.add_argument("--note", metavar=pgettext("metavar", "TEXT"), help=_("what the file is, kept beside it"))
    p.add_argument("--follow", action="store_true", help=_("attach what a symbolic link points at"))
    p = reg.command("attachments", _("list the files attached to a record"), cmd_attachments)
    p.add_argument("ref", metavar=pgettext("metavar", "ID"), help=_("the record, e.g. AGR-0001"))
    add_format(p, "table", "json", "csv")
    add_out(p)


def _register_sync(reg) -> None:
    """Offline copies: clone, export and import bundles, conflicts and peers."""
    help_ = _("offline copies and merging (clone, export, import, conflicts)")
    p = reg.action("sync", "clone", _("a full copy for a technician, which knows it is a copy"), cmd_sync, help_)
    p.add_argument("--out", metavar=pgettext("metavar", "FILE"), required=True, help=_("where to write it"))
    p.add_argument("--name", metavar=pgettext("metavar", "NAME"), help=_("what to call the copy (default: the file's name)"))
    p = reg.action("sync", "export", _("a bundle of what the other side has not seen yet"), cmd_sync)
    add_out(p, pgettext("metavar", "BUNDLE"), required=True, help=_("the bundle file to write"))
    p.add_argument("--to", metavar=pgettext("metavar", "PEER"), help=_("which copy (needed when there are several)"))
    p.add_argument("--sign", action="store_true", help=_("sign it with your SSH key, or fail (default: sign when you "
                                                       "registered a key and its private key is found)"))
    p.add_argument("--no-sign", action="store_true", help=_("do not sign it"))
    p.add_argument("--key", metavar=pgettext("metavar", "FILE"), help=_("the private key to sign with (default: the one in ~/.ssh)"))
    p = reg.action("sync", "import", _("merge a bundle from the other side"), cmd_sync)
    p.add_argument("bundle", metavar=pgettext("metavar", "BUNDLE"), help=_("the bundle file another copy exported"))
    p.add_argument("--require-signature", action="store_true",
                   help=_("refuse a bundle not signed by a person whose SSH key this database knows (the default "
                        "once anyone of the shop registered a key)"))
    p.add_argument("--allow-unsigned", action="store_true",
                   help=_("take an unsigned bundle although people of the shop have SSH keys"))
    p.add_argument("--pair", action="store_true",
                   help=_("pair again a copy this database no longer knows (it was restored from a backup older "
                        "than the copy): its bundle must be written for this database"))
    reg.action("sync", "conflicts", _("list the conflicts waiting for a choice"), cmd_sync)
    p = reg.action("sync", "resolve", _("settle a conflict"), cmd_sync)
    p.add_argument("conflict", metavar=pgettext("metavar", "N"), type=int, help=_("the conflict's number, as sync conflicts lists it"))
    p.add_argument("--keep", choices=["local", "remote"], required=True, words="sync_side", help=_("which side's value to keep"))
    reg.action("sync", "peers", _("the copies this database exchanges with"), cmd_sync)


__all__ = ["register", "output"]
