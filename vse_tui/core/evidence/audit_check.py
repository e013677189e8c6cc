"""The shop's own pre-assessment: what an assessor reading the records would question, each finding
with its rule and the records it is about. `vse-tui audit check` lists them (exit 1 when there are
any), the evidence map shows them, and the audit pack includes them.

The rules:
- time: the history of one copy never goes back in time; no change from another copy dated ahead of
  this computer's clock is left held unchecked;
- approval: a record changed after its approval is approved again; an approval is by a holder of
  the task's role or carries an acknowledged warning;
- agreement: an approved customer (supplier) agreement was accepted by that customer (supplier);
- closure: an incident is closed with the affected party's confirmation, not by its own resolver
  without an acknowledgement;
- message: a notification keeps the message that was sent;
- lifecycle: every status move is one the work product's lifecycle allows;
- content: the content items a record's status requires say something (core.evidence.substance: filled,
  no placeholder text, no pasted text, not the app's starting text where the shop's own is asked);
- person: every write is attributed to a person of the shop, not to a login mapped to nobody.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _, formats, listed, ngettext

from ..governance.approvals import check_on_behalf, check_signatures, content_hash, not_approved, role_warning
from ..governance.approvals import state as approval_state
from ..governance.people import login_advice
from ..incidents.process import closes_own_work, confirmation_problem
from ..intake.mail_delivery import FAILED, delivery_state, reached, state_word
from ..kernel import clock
from ..kernel.errors import InputError
from ..kernel.findings import Finding, Severity
from ..model.records import KINDS, model_for
from ..present.labels import code_word, field_words, role_named, roles_listed
from .due import due_items
from .duties import (
    PERIOD_DAYS,
    SelfApproval,
    acknowledgement_problem,
    check_of,
    counted_approvals,
    counts,
    evidence_problem,
    internal_people,
    mitigated_people,
)
from .lapsed import lapsed_training
from .substance import Index, placeholder, problems
from .tasks import review_behind, unacknowledged

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.standard import Standard

RULES = {
    "time": N_("the history of one copy never goes back in time"),
    "approval-stale": N_("a record changed after its approval is approved again"),
    "approval-role": N_("an approval is by a holder of the task's role, or its warning is acknowledged"),
    "agreement": N_("an approved agreement was accepted by its customer or supplier"),
    "self-closed": N_("an incident closed by its own resolver carries an acknowledgement"),
    "unconfirmed": N_("an incident is closed with the affected party's confirmation"),
    "message": N_("a notification keeps the message that was sent"),
    "undelivered": N_("a notice that was refused or came back is sent again, or the party is told another way"),
    "lifecycle": N_("every status move is one the work product's lifecycle allows"),
    "content": N_("the content items a record's status requires say something: filled, no placeholder text, no text "
               "pasted from another item or document, not the app's starting text where the shop's own is asked"),
    "person": N_("every write is attributed to a person of the shop"),
    "imported": N_("records brought in from another tool hold what the standard asks (or say why not)"),
    "self-approval": N_("nobody approves content they wrote while another could; a shop of one person names a "
                     "countable check as its mitigation"),
    "mitigation": N_("a mitigation names a check the app can count, and the records show it in the period"),
    "role-warning": N_("every role warning is acknowledged with a mitigation"),
    "login": N_("one login writes as one person (a shared login hides who did what)"),
    "timing": N_("what happened takes time: an incident is not closed the second it opens, resources are confirmed "
              "before the planned start, a normal change is not deployed before its planned start"),
    "significant": N_("a significant incident is closed with a change request or the reason none is needed"),
    "report": N_("an approved performance or improvement report's figures agree with the records of its period, "
              "counted again by the check"),
    "signature": N_("a signature verifies with the key its signer registered and held when signing; one key, one person"),
    "on-behalf": N_("an approval recorded for someone else shows how it was given: the e-mail or the scan, attached"),
    "draft": N_("a draft is approved (or withdrawn) before the records it governs are put to use"),
    "review": N_("what the model schedules for review (the agreements, the policy, the catalogue, the reports) is "
                 "reviewed by its date"),
    "competence": N_("a person holding a role keeps the training or competence it needs current"),
    "unsent": N_("a notification reaches the party: none left queued, none given up with nobody told"),
}
# what is wrong when a rule does not hold: the heading an assessor reads above the records that break it
PROBLEMS = {
    "time": N_("History that goes back in time on one copy"),
    "approval-stale": N_("Records changed after their approval and not approved again"),
    "approval-role": N_("Approvals by someone without the task's role, with no warning acknowledged"),
    "agreement": N_("Agreements approved without their customer's or supplier's acceptance"),
    "self-closed": N_("Incidents closed by their own resolver without an acknowledgement"),
    "unconfirmed": N_("Incidents closed without the affected party's confirmation"),
    "message": N_("Notifications that did not keep the message sent"),
    "undelivered": N_("Notices refused or returned, neither sent again nor told another way"),
    "lifecycle": N_("Status moves the work product's lifecycle does not allow"),
    "content": N_("Required content that says nothing: empty, placeholder, pasted or the app's starting text"),
    "person": N_("Writes attributed to no person of the shop"),
    "imported": N_("Imported records without what the standard asks, and no reason given"),
    "self-approval": N_("Content approved by the person who wrote it"),
    "mitigation": N_("Mitigations with no check the app can count, or no evidence of it in the period"),
    "role-warning": N_("Role warnings not acknowledged with a mitigation"),
    "login": N_("One login writing as more than one person"),
    "timing": N_("Work recorded faster than it can be done"),
    "significant": N_("Significant incidents closed with neither a change request nor a reason"),
    "report": N_("Approved reports whose figures the records contradict"),
    "signature": N_("Signatures that do not verify, or keys not held by one person"),
    "on-behalf": N_("Approvals recorded for someone else with nothing attached to show them"),
    "draft": N_("Drafts never approved while the records they govern are in use"),
    "review": N_("Reviews past their date"),
    "competence": N_("Role holders whose training or competence has lapsed"),
    "unsent": N_("Notifications that never reached their party"),
}
# what to do about a finding of the rules a new shop meets first: the next step an owner takes
NEXT = {
    "content": N_("write the item in the shop's own words: E on the record's screen (a new version, approved "
                  "again); the setup's documents reopen with g then w"),
    "draft": N_("describe the draft and approve it (a on its screen), or withdraw it"),
    "self-approval": N_("have someone else approve it; in a shop of one, answer the one-person warning with a dated "
                        "second look (the setup's Resources step, or k on the Governance screen) and record each "
                        "review on the document (a on its screen, meaning: reviewed)"),
    "mitigation": N_("rewrite the mitigation so that it names a check the app counts, then keep the records that "
                     "show it (k on the Governance screen)"),
    "role-warning": N_("acknowledge the warning with a mitigation that names a check the app counts (k on the "
                       "Governance screen)"),
    "agreement": N_("record the other party's acceptance on the agreement's screen (a, meaning: accepted by the "
                    "customer or by the supplier), with the e-mail or the scan that shows it"),
    "review": N_("review the record and approve its new version"),
}
SCAN = 5000  # records of one kind examined for content and closure findings, newest first
# incidents made here (an imported one has the ticket key it had there, or its row's fingerprint)
HERE: dict[str, Any] = {"external_ref__isnull": True, "fingerprint__isnull": True}


def _imported_empty(store: StorePort, standard: Standard) -> dict[str, dict[str, int]]:
    """Of the incidents brought in from another tool (by the ticket key they had there, or their
    row's fingerprint): per status, how many leave each item empty that a status requires, and
    the confirmation. Every item in one reading of the table per marker, whatever their number."""

    code = KINDS["incidents"][2]
    if code is None:  # incidents not a work product: nothing the standard asks of them
        return {}
    wp = standard.wp(code)
    items = sorted({name for status in wp.statuses for name in wp.required_in(status)} | {"confirmation"})
    out: dict[str, dict[str, int]] = {}
    for marker in ("external_ref", "fingerprint"):
        for status, tally in store.empty_counts("incidents", items, "status", {f"{marker}__isnull": False}).items():
            into = out.setdefault(status, {})
            for name, n in tally.items():
                into[name] = into.get(name, 0) + n
    return out


def finding_dict(finding: Finding) -> dict[str, Any]:
    """A finding of the audit check as `audit check --format json` gives it."""
    rule = finding.rule or ""
    return {"rule": rule, "problem": _(PROBLEMS[rule]) if rule in PROBLEMS else "",
            "rule_text": _(RULES[rule]) if rule in RULES else "", "records": list(finding.records),
            "what": finding.what, **({"dates": dict(finding.dates)} if finding.dates else {}),
            **({"next": _(NEXT[rule])} if rule in NEXT and finding.severity != Severity.MITIGATED else {})}


def audit_check(store: StorePort) -> list[Finding]:
    """Every finding, rule by rule."""
    return review(store)[0]


def review(store: StorePort) -> tuple[list[Finding], list[Finding]]:
    """Every finding, rule by rule, and the warnings the shop answered with a compensating control
    the records show (severity "mitigated": an assessor reads them; they are not open findings)."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    standard = load_standard()
    findings: list[Finding] = []
    findings += _time(store)
    findings += _people(store)
    findings += _lifecycle(store, standard)
    approvals, covered = _approvals(store, standard)
    findings += approvals
    imported = _imported_empty(store, standard)
    findings += _incidents(store, imported)
    findings += _content(store, standard, imported)
    findings += _parties(store)
    findings += _duties(store)
    findings += _logins(store)
    findings += _timing(store)
    findings += _signatures(store)
    findings += _drafts(store)
    findings += _reviews(store)
    findings += _competence(store)
    findings += _unsent(store)
    findings += _instants(store)
    return findings, _mitigated(store, covered)


def _signatures(store: StorePort) -> list[Finding]:
    """What `verify` says of signatures and keys, as findings (one function decides: core.approvals)."""

    behalf = [replace(p, rule="on-behalf") for p in check_on_behalf(store)]
    try:
        problems = check_signatures(store)
    except InputError as exc:  # signatures to check, and no ssh-keygen here
        return [Finding("signature", (_("signed approvals"),), _("not checked: {exc}").format(exc=exc)), *behalf]
    return [replace(p, rule="signature") for p in problems] + behalf


def _moment_text(value: Any, with_time: bool = True) -> str:
    """A stored moment (UTC ISO 8601) as a finding says it: in the person's time zone and language."""
    try:
        return clock.local_text(clock.parse_datetime(str(value)), with_time=with_time)
    except (ValueError, TypeError):
        return str(value)


def _time(store: StorePort) -> list[Finding]:
    out = []
    for _site, seq, record_id, at, before in store.history_going_back():
        out.append(Finding("time", (record_id or _("history {seq}").format(seq=seq),),
                           _("history row {seq} is dated {at}, before the row written just ahead of it on the same copy ({before})").format(
                               seq=seq, at=_moment_text(at), before=_moment_text(before)),
                           dates=(("at", str(at)), ("before", str(before)))))
    for conflict, record_id, site, who, at in store.held_from_the_future():
        out.append(Finding("time", (record_id or _("conflict {conflict}").format(conflict=conflict),),
                           _("a change by {who} on copy {site} is dated {at}, ahead of this computer's clock: held as conflict {conflict} (check both clocks, then choose on the dashboard)").format(
                               who=who, site=site[:8], at=_moment_text(at), conflict=conflict),
                           dates=(("at", str(at)),)))
    return out


def _people(store: StorePort) -> list[Finding]:
    out = []
    for login, count, first in store.unattributed_writes():
        out.append(Finding("person", (_("login {login}").format(login=login),), ngettext(
            "{count} write by the login {login!r}, mapped to no person (on {first}); {advice}",
            "{count} writes by the login {login!r}, mapped to no person (first on {first}); {advice}", count).format(
            count=count, login=login, first=_moment_text(first, with_time=False), advice=login_advice(login)),
            dates=(("first", str(first)),)))
    return out


def _lifecycle(store: StorePort, standard: Standard) -> list[Finding]:
    wp_of = {kind: wp for kind, (_m, _c, wp) in KINDS.items() if wp}
    out = []
    for kind, record_id, old, new, seq in store.status_moves():
        wp = wp_of.get(kind)
        if wp and old is not None and not standard.wp(wp).can_move(old, new):
            out.append(Finding("lifecycle", (record_id or "?",), _("its status went from {old} to {new} (history row {seq}); {wp} does not allow that move").format(
                old=code_word("status", old), new=code_word("status", new), seq=seq, wp=wp)))
    return out


def _approvals(store: StorePort, standard: Standard) -> tuple[list[Finding], list[SelfApproval]]:
    """The approval findings, and the approvals of one's own content a mitigation covers."""
    out = []
    covered: list[SelfApproval] = []
    acks = {rec for rec, text in store.rows("acknowledgements", ["record", "mitigation"], {"record__isnull": False})
            if counts(text)}
    people = internal_people(store)
    mitigated = mitigated_people(store)
    for kind, (_m, _c, wp) in KINDS.items():
        if not wp or not standard.wp(wp).approved_status:
            continue
        model = model_for(kind)
        for rec in store.records(kind, {"status": ("approved", "updated", "rejected")}, order="-seq", limit=SCAN):
            judged = counted_approvals(store, rec, people, mitigated)
            out += [Finding("self-approval", (s.record,), s.why) for s in judged.refused]
            covered += judged.covered
            if rec.status == "rejected":
                continue
            st = approval_state(rec)
            if not st.current:
                out.append(Finding("approval-stale", (rec.id,), st.text if st.latest is not None else not_approved(rec)))
            for a in rec.approvals:
                if a.meaning.startswith("accepted by") or not a.person:
                    continue
                warning = role_warning(store, model.WP, a)
                if warning and rec.uuid not in acks:
                    out.append(Finding("approval-role", (rec.id,), _("approved by {by}, who holds none of {roles}, with no warning acknowledged").format(by=a.by, roles=', '.join(warning.roles_named))))
            if kind in ("customer_agreements", "supplier_agreements") and st.current:
                party = "customer" if kind == "customer_agreements" else "supplier"
                current = content_hash(rec)
                if not any(a.meaning == f"accepted by the {party}" and a.content == current for a in rec.approvals):
                    out.append(Finding("agreement", (rec.id,), _("approved, but never accepted by the customer in this "
                                                                 "version") if party == "customer" else
                                       _("approved, but never accepted by the supplier in this version")))
    return out, covered


def _incidents(store: StorePort, imported_empty: dict[str, dict[str, int]]) -> list[Finding]:
    out = []

    imported = imported_empty.get("closed", {}).get("confirmation", 0)
    if imported:  # the tool they came from kept no confirmation: one finding for all of them
        out.append(Finding("imported", (_("{imported} imported incidents").format(imported=imported),),
                           _("closed without the affected party's confirmation in the tool they came from")))
    for inc in store.records("incidents", {"status": "closed", **HERE}, order="-seq", limit=SCAN):
        unconfirmed = confirmation_problem(store, inc)
        if unconfirmed:
            out.append(Finding("unconfirmed", (inc.id,), unconfirmed))
        closing = store.last_status_row(inc.uuid, "closed")
        checked = inc.confirmation is not None and inc.confirmation.checked_by not in (None, inc.resolver)
        if closing and closes_own_work(inc, closing.get("person"), closing["operator"]) and not checked:
            out += [Finding("self-closed", (inc.id,), why) for why in unacknowledged(store, inc)]

    for inc in store.records("incidents", {"notifications__isnull": False}, order="-seq", limit=SCAN):
        empty = [n for n in inc.notifications if not (n.message or "").strip()]
        if empty:
            out.append(Finding("message", (inc.id,), ngettext(
                "{n} notification ({tasks}) keeps no message", "{n} notifications ({tasks}) keep no message",
                len(empty)).format(n=len(empty), tasks=", ".join(n.task for n in empty))))
        for i, n in enumerate(inc.notifications):
            later = inc.notifications[i + 1:]
            if delivery_state(n) in FAILED[:2] and not any(m.task == n.task and reached(m) for m in later):
                out.append(Finding("undelivered", (inc.id,), _("the {task} notice to {address} {n} ({delivery}); nobody was told").format(task=n.task, address=n.address, n=state_word(delivery_state(n)), delivery=n.delivery)))
    for _path, meta in store.outbox_all():
        if meta.get("kind") and meta.get("state") in FAILED[:2]:
            out.append(Finding("undelivered", (str(meta.get("id", "?")),),
                               _("the {what} to {to} {state} ({error})").format(what=meta.get("task") or _("message"), to=meta.get("to"),
                                                                  state=state_word(meta.get("state")), error=meta.get("error", ""))))
    return out


def _content(store: StorePort, standard: Standard, imported_empty: dict[str, dict[str, int]]) -> list[Finding]:
    """Required items empty, placeholder text, text pasted from another item or document, the
    app's starting text left unchanged: core.evidence.substance decides, as for the evidence map."""

    index = Index(store)
    out = []
    imported: dict[str, int] = {}
    for kind, (_m, _c, wp_code) in KINDS.items():
        if not wp_code:
            continue
        wp = standard.wp(wp_code)
        by_status: dict[str, list[str]] = {}
        for status in wp.statuses:
            needed = wp.required_in(status)
            if not needed:
                continue
            fields = ["id", *needed]
            where = {"status": status, **(HERE if kind == "incidents" else {})}
            for row in store.rows(kind, [f"{f}:json" if f in _JSON_FIELDS else f for f in fields], where,
                                  order="-seq", limit=SCAN):
                rid, values = row[0], row[1:]
                found = problems(index, wp, dict(zip(needed, values, strict=True)), status, rid)
                if found:
                    by_status.setdefault(listed(found), []).append(rid)
            if kind == "incidents":
                for name in needed:
                    missing = imported_empty.get(status, {}).get(name, 0)
                    if missing:
                        imported.setdefault(name.replace("_", " "), 0)
                        imported[name.replace("_", " ")] += missing
        for text, ids in by_status.items():
            shown = tuple(ids[:10]) + ((_("and {n} more").format(n=len(ids) - 10),) if len(ids) > 10 else ())
            out.append(Finding("content", shown, _("{text} ({code} {name})").format(text=text, code=wp.code, name=wp.name)))
    for name, n in imported.items():
        if name.endswith(" at"):  # a date: the import may have missed a column the export has; no blame
            out.append(Finding("imported", (_("{n} imported incidents").format(n=n),), _("{name} empty since their import: their export gave no value the import could read (name its column with --map and import the file again with --update to mend them; WP.18 Service incident record)").format(name=name)))
        else:
            out.append(Finding("imported", (_("{n} imported incidents").format(n=n),), _("{name} not recorded in the tool they came from (WP.18 Service incident record)").format(name=name)))
    return out


def _logins(store: StorePort) -> list[Finding]:
    """One login, one person: a login (on one host) that wrote as several people, or as someone
    other than the person the login belongs to (`--as`, VSE_TUI_OPERATOR or the start-up picker
    used to write as a colleague from one's own login)."""
    names = store.titles("people")
    owners = {login: uuid for uuid, login in store.rows("people", ["uuid", "os_user"], {"os_user__isnull": False})
              if login}
    out = []
    for login, host, people, count in store.logins_as_people(at_least=1):
        wrote = {p for p in (people or "").split(",") if p}
        owner = owners.get(login)
        if len(wrote) < 2 and (owner is None or wrote <= {owner}):
            continue
        who = sorted(names.get(p, p) for p in wrote)
        if len(wrote) > 1:
            text = ngettext("{count} write as {n} people ({people}): one login, one person (people login PERSON LOGIN; "
                            "--as and VSE_TUI_OPERATOR only for scripts)",
                            "{count} writes as {n} people ({people}): one login, one person (people login PERSON LOGIN; "
                            "--as and VSE_TUI_OPERATOR only for scripts)", count).format(count=count, n=len(who),
                                                                           people=", ".join(who))
        else:
            text = ngettext("{count} write as {people}, from the login of {owner}: one login, one person (people login "
                            "PERSON LOGIN; --as and VSE_TUI_OPERATOR only for scripts)",
                            "{count} writes as {people}, from the login of {owner}: one login, one person (people login "
                            "PERSON LOGIN; --as and VSE_TUI_OPERATOR only for scripts)", count).format(
                count=count, people=", ".join(who), owner=names.get(owner or "", owner))
        out.append(Finding("login", (_("login {login}@{host}").format(login=login, host=host or "?"),), text))
    return out


def _timing(store: StorePort) -> list[Finding]:
    """Impossible timing, and significant incidents closed with neither a change nor a reason."""

    out = []
    zero, significant = [], []
    for rid, opened, closed, priority, security, changes, reason in store.rows(
            "incidents", ["id", "opened_at", "closed_at", "priority", "security", "changes:json", "no_change_reason"],
            {"status": "closed", **HERE}, order="-seq", limit=SCAN):
        if opened and closed and clock.parse_datetime(closed) <= clock.parse_datetime(opened):
            zero.append(rid)
        if (priority in ("P1", "P2") or security) and not changes and not (reason or "").strip():
            significant.append(rid)
    if zero:
        out.append(Finding("timing", tuple(zero[:10]) + ((_("and {n} more").format(n=len(zero) - 10),) if len(zero) > 10 else ()),
                           _("closed the moment it was opened")))
    if significant:
        out.append(Finding("significant", tuple(significant[:10]) + (
            (_("and {n} more").format(n=len(significant) - 10),) if len(significant) > 10 else ()),
            _("a significant incident closed with neither a change request nor the reason none is needed")))
    for rid, ctype, planned, deployed in store.rows("change_requests", ["id", "change_type", "planned_at", "deployed_at"],
                                                    {"deployed_at__isnull": False, "planned_at__isnull": False},
                                                    order="-seq", limit=SCAN):
        if ctype != "emergency" and clock.parse_datetime(deployed) < clock.parse_datetime(planned):
            out.append(Finding("timing", (rid,), _("deployed {deployed}, before its planned start {planned}").format(deployed=clock.local_text(clock.parse_datetime(deployed)), planned=clock.local_text(clock.parse_datetime(planned)))))
    for uuid, rid, planned in store.rows("change_requests", ["uuid", "id", "planned_at"],
                                         {"planned_at__isnull": False, "deployed_at__isnull": False},
                                         order="-seq", limit=SCAN):
        row = store.last_task_row(uuid, "CO.3.3")
        if row and clock.parse_datetime(row["at"]) > clock.parse_datetime(planned):
            out.append(Finding("timing", (rid,), _("its resources were confirmed after its planned start")))
    return out + _reviews_in_order(store)


def _reviews_in_order(store: StorePort) -> list[Finding]:
    """A deployment reviewed (CO.3.5) before it was deployed (CO.3.4), and the procedures updated as
    a deployment review before any deployment was reviewed (`tasks.review_behind`, as the map reads it)."""
    out = []
    for uuid, rid, deployed in store.rows("change_requests", ["uuid", "id", "deployed_at"], {"state": "reviewed"},
                                          order="-seq", limit=SCAN):
        row = store.last_task_row(uuid, "CO.3.5")
        if row is None:
            continue
        if deployed is None or clock.parse_datetime(row["at"]) < clock.parse_datetime(str(deployed)):
            out.append(Finding("timing", (rid,), _("its deployment was reviewed on {reviewed}, before it was deployed "
                                                   "({deployed})").format(
                reviewed=_moment_text(row["at"]), deployed=_moment_text(deployed) if deployed else "-"),
                dates=(("reviewed", str(row["at"])), *((("deployed", str(deployed)),) if deployed else ()))))
    for procedure in store.records("procedures", order="-seq", limit=SCAN):
        row = store.last_task_row(procedure.uuid, "CO.3.5")
        if row is not None and review_behind(store, procedure) is None:
            out.append(Finding("timing", (procedure.id or procedure.uuid,), _(
                "updated as a deployment review (CO.3.5) on {at}, with no deployment reviewed before it").format(
                at=_moment_text(row["at"])), dates=(("at", str(row["at"])),)))
    return out


def _parties(store: StorePort) -> list[Finding]:
    """Customers, suppliers and people named with placeholder text; training needs written as one."""

    out = []
    for kind, name, label in (("customers", "name", _("customer")), ("suppliers", "name", _("supplier")),
                              ("people", "name", _("person")), ("training", "requirement", _("training need"))):
        ids = [rid for rid, value in store.rows(kind, ["id", name], order="-seq", limit=SCAN) if placeholder(value)]
        if ids:
            shown = tuple(ids[:10]) + ((_("and {n} more").format(n=len(ids) - 10),) if len(ids) > 10 else ())
            out.append(Finding("content", shown, _("{name}: placeholder text ({label})").format(name=field_words(name), label=label)))
    return out


def _duties(store: StorePort) -> list[Finding]:
    """Mitigations that name no countable check or find no evidence in the period; role warnings
    with no mitigation that counts."""
    # here, not at the top: importing it loads pydantic
    from ..governance.roles import warnings

    out = []
    now = clock.now()
    for rid, text, created, chosen in store.rows("acknowledgements", ["id", "mitigation", "created_at", "check"],
                                                 order="seq"):
        why = evidence_problem(store, text or "", clock.parse_datetime(created), now, chosen)
        if why:
            said = (_("{text!r}: {why}") if check_of(text or "", chosen) is None else
                    _("{text!r}: {why} in the last {n} days")).format(text=text, why=why, n=PERIOD_DAYS)
            out.append(Finding("mitigation", (rid,), said))
    shop_wide = ""  # a warning about no one in particular (no Service Manager) is about the roles list
    for w in warnings(store):
        if not w.person_name and not shop_wide:
            roles_list = store.latest("role_lists")
            shop_wide = roles_list.id if roles_list else _("the roles list")
        if w.acknowledged is None or not counts(w.acknowledged.mitigation):
            how = _("not acknowledged") if w.acknowledged is None else _("acknowledged with placeholder text only")
            said = (_("{warning} ({roles}): {how}").format(warning=w.text.name, roles=roles_listed(w.roles), how=how)
                    if w.roles else _("{warning}: {how}").format(warning=w.text.name, how=how))
            out.append(Finding("role-warning", (w.person_name or shop_wide,), said))
    return out


def _mitigated(store: StorePort, covered: list[SelfApproval]) -> list[Finding]:
    """The role warnings answered with a mitigation that names a countable check whose evidence the
    records show in the period: listed for the assessor as warnings (severity "mitigated"), with
    who wrote the mitigation and when, and, for a shop of one, the approvals of one's own content
    it covers. The same functions decide as for the findings (`duties.evidence_problem`)."""
    # here, not at the top: importing it loads pydantic
    from ..governance.roles import warnings

    now = clock.now()
    out = []
    for w in warnings(store):
        ack = w.acknowledged
        written = ack.created_at if ack is not None and ack.created_at else now
        if ack is None or acknowledgement_problem(store, ack, now):
            continue
        mine = [c for c in covered if c.approval.person == w.person] if w.rule == "sole-approver" else []
        said = (ngettext("{person}: {warning} ({roles}); answered by {author} on {day}: {mitigation!r}; it covers "
                         "{n} approval of their own document",
                         "{person}: {warning} ({roles}); answered by {author} on {day}: {mitigation!r}; it covers "
                         "{n} approvals of their own documents", len(mine)) if mine else
                _("{person}: {warning} ({roles}); answered by {author} on {day}: {mitigation!r}")).format(
            person=w.person_name or _("the shop"), warning=w.text.name, roles=roles_listed(w.roles),
            author=ack.created_by or "?", day=formats.date_text(clock.to_local(written).date()),
            mitigation=ack.mitigation, n=len(mine))
        covers = tuple(dict.fromkeys(c.record for c in mine))  # the records, each once: a page links them
        out.append(Finding("self-approval" if w.rule == "sole-approver" else "role-warning", (ack.id or ack.uuid, *covers),
                           said, Severity.MITIGATED, dates=(("at", clock.iso(written) or ""),)))
    return out


# fields read as JSON (lists and objects), so that an empty one reads as empty
_JSON_FIELDS = {"services", "targets", "customers", "assignments", "priority_matrix", "change_definitions", "templates",
                "security_measures", "period_performance", "service_hours", "cis", "impacted_cis", "changes"}


def _mitigated_markdown(mitigated: list[Finding]) -> list[str]:
    if not mitigated:
        return []
    lines = ["## " + _("Warnings answered with a compensating control ({n})").format(n=len(mitigated)), "",
             _("Not findings: each warning was acknowledged with a control the app counts, and the records show it "
               "in the period. An assessor may still ask about them."), ""]
    return lines + ["- " + _("{records}: {finding}").format(records=", ".join(f.records), finding=f.what)
                    for f in mitigated] + [""]


def to_markdown(findings: list[Finding], shop: str = "", mitigated: list[Finding] | None = None) -> str:
    lines = ["# " + (_("Audit check: {shop}").format(shop=shop) if shop else _("Audit check")), ""]
    if not findings:
        return "\n".join(lines + [_("No findings: nothing an assessor would question by these rules."), ""]
                         + _mitigated_markdown(mitigated or []))
    lines.append(ngettext("{n} finding. Each heading says what is wrong, then the rule and the records that break "
                          "it.",
                          "{n} findings. Each heading says what is wrong, then the rule and the records that break "
                          "it.", len(findings)).format(n=len(findings)))
    lines.append("")
    for rule, text in RULES.items():
        mine = [f for f in findings if f.rule == rule]
        if not mine:
            continue
        lines += [f"## {_(PROBLEMS[rule])} ({len(mine)})", "", _("Rule: {rule}.").format(rule=_(text)), ""]
        if rule in NEXT:
            lines += [_("Next: {step}.").format(step=_(NEXT[rule])), ""]
        lines += ["- " + _("{records}: {finding}").format(records=", ".join(f.records), finding=f.what) for f in mine]
        lines.append("")
    return "\n".join(lines + _mitigated_markdown(mitigated or []))


# ---------------------------------------------------------------- what an assessor asks next


def _drafts(store: StorePort) -> list[Finding]:
    """Drafts left behind by the records they govern: a catalogue entry still a draft while
    incidents or configuration items name its service, an agreement still a draft while its
    customer's incidents are handled, a policy never approved while incidents are prioritised by
    it, a procedure still a draft while changes are deployed or built under it."""
    out = []
    for uuid, rid, name in store.rows("services", ["uuid", "id", "name"], {"status": "draft"}, order="-seq",
                                      limit=SCAN):
        used = store.count("incidents", {"service": uuid}) + store.count("configuration_items",
                                                                         {"services__has": uuid})
        if used:
            out.append(Finding("draft", (rid,), ngettext(
                "the catalogue entry {name!r} is still a draft while {n} record (incident or configuration item) "
                "names its service",
                "the catalogue entry {name!r} is still a draft while {n} records (incidents and configuration items) "
                "name its service", used).format(name=name, n=used)))
    for rid, customer, created in store.rows("customer_agreements", ["id", "customer", "created_at"],
                                             {"status": "draft", "customer__isnull": False}, order="-seq", limit=SCAN):
        handled = store.count("incidents", {"customer": customer, "opened_at__ge": created})
        if handled:
            out.append(Finding("draft", (rid,), ngettext(
                "still a draft while {n} incident of its customer was logged since it was written",
                "still a draft while {n} incidents of its customer were logged since it was written",
                handled).format(n=handled)))
    for rid, created in store.rows("policies", ["id", "created_at"], {"status": "draft"}, limit=1):
        logged = store.count("incidents", {"opened_at__ge": created, **HERE})
        if logged:
            out.append(Finding("draft", (rid,), ngettext(
                "the policy is still a draft while {n} incident was logged and prioritised since it was written",
                "the policy is still a draft while {n} incidents were logged and prioritised since it was written",
                logged).format(n=logged)))
    for kind, field, what in (("procedures", "deployed_at", N_("deployed")), ("secure_procedures", "built_by", None)):
        for rid, created in store.rows(kind, ["id", "created_at"], {"status": "draft"}, order="-seq", limit=SCAN):
            if what:
                n = store.count("change_requests", {f"{field}__ge": created})
                text = ngettext("still a draft while {n} change was deployed since it was written",
                                "still a draft while {n} changes were deployed since it was written", n)
            else:
                n = store.count("built_changes", {"created_at__ge": created})
                text = ngettext("still a draft while {n} change was built since it was written",
                                "still a draft while {n} changes were built since it was written", n)
            if n:
                out.append(Finding("draft", (rid,), text.format(n=n)))
    return out


REVIEWED = ("agreement", "supplier agreement", "policy", "catalogue", "improvement report", "performance report")


def _reviews(store: StorePort) -> list[Finding]:
    """Reviews the model schedules (agreements, the policy, the catalogue, the yearly improvement
    report, the quarterly performance report) that are past their date: core.evidence.due decides,
    as for the dashboard and `vse-tui due`."""

    today = clock.today()
    out = []
    for item in due_items(store, today, horizon=0):
        days = -item.days(today)
        if item.kind in REVIEWED and days > 0:
            out.append(Finding("review", (item.ref or item.kind,), ngettext(
                "{what}: due on {due}, {n} day overdue", "{what}: due on {due}, {n} days overdue", days).format(
                what=item.title, due=formats.date_text(item.due), n=days), dates=(("due", item.due.isoformat()),)))
    return out


def _competence(store: StorePort) -> list[Finding]:
    """Training or competence past its renewal date for a person who holds the role that needs it."""

    today = clock.today()
    return [Finding("competence", (t.ref,), _("{person}'s {requirement} was due again on {due} and is not renewed, "
                                              "while they hold {role}").format(
        person=t.person_name, requirement=t.requirement, due=formats.date_text(t.due), role=role_named(t.role)),
        dates=(("due", t.due.isoformat()),))
        for t in lapsed_training(store, today)]


UNSENT_AFTER = timedelta(days=1)  # a notice still queued this long after it was written was never sent


def _unsent(store: StorePort) -> list[Finding]:
    """Notifications that never reached the party: still queued a day after they were written
    (nobody sends the outbox), or given up (dropped) with no later notice of the same step."""

    now = clock.now()
    out = []
    for inc in store.records("incidents", {"notifications__isnull": False}, order="-seq", limit=SCAN):
        for i, n in enumerate(inc.notifications):
            state = delivery_state(n)
            later = [m for m in inc.notifications[i + 1:] if m.task == n.task and reached(m)]
            if state == "queued" and now - n.at > UNSENT_AFTER and not later:
                out.append(Finding("unsent", (inc.id,), _("the {task} notice to {to} was queued on {at} and never "
                                                          "sent: nobody was told").format(
                    task=n.task, to=n.address or n.to, at=clock.local_text(n.at)), dates=(("at", clock.iso(n.at) or ""),)))
            elif state == "dropped" and not later:
                out.append(Finding("unsent", (inc.id,), _("the {task} notice to {to} was given up (dropped) and no "
                                                          "later notice told them").format(task=n.task,
                                                                                           to=n.address or n.to)))
    return out


INSTANT = timedelta(minutes=10)  # a normal change's whole path, or a shop's whole year, in less: one sitting
ONE_SITTING_KINDS = 12  # work products of this many kinds written in one sitting: not a year's work


def _instants(store: StorePort) -> list[Finding]:
    """Impossible timing beyond one record: a normal change requested and deployed within minutes
    (its evaluation, design, build, test and approval take days), and a shop whose every work
    product was written in one sitting."""

    out = []
    fast = []
    for rid, created, deployed in store.rows("change_requests", ["id", "created_at", "deployed_at"],
                                             {"deployed_at__isnull": False, "change_type": "normal"},
                                             order="-seq", limit=SCAN):
        took = clock.parse_datetime(deployed) - clock.parse_datetime(created)
        if took < INSTANT:
            fast.append((rid, int(took.total_seconds())))
    for rid, seconds in fast[:10]:
        out.append(Finding("timing", (rid,), ngettext(
            "a normal change deployed {n} second after it was requested: evaluated, designed, built, tested and "
            "approved in no time", "a normal change deployed {n} seconds after it was requested: evaluated, "
            "designed, built, tested and approved in no time", max(seconds, 0)).format(n=max(seconds, 0))))
    first, last, kinds = None, None, 0
    for kind, (_m, _c, wp) in KINDS.items():
        if not wp or kind == "incidents":
            continue
        lo = store.row(kind, ["created_at"], {}, order="created_at")
        hi = store.row(kind, ["created_at"], {}, order="-created_at")
        if not lo or not lo[0] or not hi or not hi[0]:
            continue
        kinds += 1
        a, b = clock.parse_datetime(lo[0]), clock.parse_datetime(hi[0])
        first = a if first is None or a < first else first
        last = b if last is None or b > last else last
    if first is not None and last is not None and kinds >= ONE_SITTING_KINDS and last - first < INSTANT:
        out.append(Finding("timing", (_("the whole shop"),), ngettext(
            "work products of {kinds} kinds, from the business goals to the reports, all written within {n} second",
            "work products of {kinds} kinds, from the business goals to the reports, all written within {n} seconds",
            int((last - first).total_seconds())).format(kinds=kinds, n=int((last - first).total_seconds()))))
    return out


__all__ = ["NEXT", "Finding", "RULES", "audit_check", "review", "to_markdown"]
