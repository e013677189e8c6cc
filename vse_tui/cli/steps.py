"""The steps of the processes from the command line: every write a screen offers has its command
(the demo's writes included, a test walks them). Each command is a thin door onto one core
function: the incident's IN.2 steps and potential problems, the change's path from evaluation to
review, training and competence (IN.1.1, IN.1.2), the feedback log's steps, acknowledging a role
warning, the setup's steps, and adding or editing any record through the generic editor."""

from __future__ import annotations

from typing import Any

from vse_tui.i18n import _, formats, ngettext, pgettext

from ..core.governance import setup, yearly
from ..core.governance.approvals import how_given
from ..core.governance.process import approval
from ..core.incidents import process as inc
from ..core.incidents.view import incident_view
from ..core.intake.mail_delivery import messages_of
from ..core.kernel import clock
from ..core.kernel.errors import InputError
from ..core.kernel.text import one_line
from ..core.present.display import change_text, history_labels, record_lines, shown_title, when_text
from ..core.present.labels import code_word
from ..core.relationship import process as rel
from .common import EXIT_OK, open_store


def _done(record: Any, what: str) -> int:
    print(one_line(_("{ref}: {what}").format(ref=record.id, what=what)))
    return EXIT_OK


def _pairs(items: list[str] | None) -> dict[str, str]:
    """FIELD=VALUE pairs (repeatable --set): the text after the first '=' is the value, as typed."""
    out: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(_("--set {item}: write FIELD=VALUE").format(item=repr(item)))
        out[name.strip()] = value
    return out


def _date(text: str | None):
    if not text:
        return None
    try:
        return formats.parse_date(text)  # ISO, or as the person's language writes it (25/12/2026)
    except formats.ParseError as exc:
        raise InputError(str(exc)) from None


# ---------------------------------------------------------------- incidents (IN.1.3, IN.2)


def cmd_incident_classify(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = inc.classify(store, args.incident, category=args.category, impact=args.impact, urgency=args.urgency,
                            cis=args.ci, related=args.related, changes=args.change, root_cause=args.root_cause,
                            security=True if args.security else None)
    return _done(done, _("classified ({category}, {priority})").format(category=done.category or _("no category"),
                                                                        priority=done.priority))


def cmd_incident_notified(args) -> int:
    with open_store(args, must_exist=True) as store:
        told = inc.affected_party(store, args.incident, args.to, "--to")
        how = args.how or inc.reachable_by(store, store.get("incidents", args.incident))
        done = inc.notify(store, args.incident, task=args.task, to=told, how=how, message=args.message)
    return _done(done, _("notification recorded ({task}, {how}, to {to})").format(task=args.task, how=code_word("how", how),
                                                                                   to=told))


def cmd_incident_restore(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = inc.restore(store, args.incident, solution=args.solution, steps_taken=args.steps)
    return _done(done, _("restored"))


def cmd_incident_close(args) -> int:
    with open_store(args, must_exist=True) as store:
        confirmed_by = inc.affected_party(store, args.incident, args.confirmed_by, "--confirmed-by")
        done = inc.close(store, args.incident, confirmed_by=confirmed_by, how=args.how, solution=args.solution,
                         root_cause=args.root_cause, no_change_reason=args.no_change_reason,
                         acknowledgement=args.acknowledgement, checked_by=args.checked_by, check=args.check or "")
    return _done(done, _("closed"))


def cmd_incident_problem(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = inc.mark_problem(store, args.incident, root_cause=args.root_cause or "")
    return _done(done, _("marked a potential problem (IN.1.3)"))


def cmd_incident_raise_change(args) -> int:
    with open_store(args, must_exist=True) as store:
        done, change = inc.raise_change(store, args.incident, title=args.title, change_type=args.type)
    return _done(done, _("change request {ref} raised and linked").format(ref=change.id))


def cmd_incident_reopen(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = inc.reopen(store, args.incident, args.reason)
    return _done(done, _("reopened"))


def cmd_incident_wait(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = inc.set_waiting(store, args.incident, None if args.on == "nobody" else args.on)
    return _done(done, _("state: {state}").format(state=code_word("state", done.state)))


def cmd_incident_time(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = inc.log_time(store, args.incident, minutes=args.minutes, who=args.who,
                            billable=not args.not_billable, note=args.note or "")
    return _done(done, ngettext("{n} minute logged", "{n} minutes logged", args.minutes).format(n=args.minutes))


# ---------------------------------------------------------------- changes (CO.2, CO.3) and the schedule


def cmd_change_evaluate(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.evaluate(store, args.change, not args.reject, who=args.by, how=args.how, noted_by=args.noted_by,
                           reason=args.reason or "", mitigation=args.mitigation, evidence=args.evidence)
    return _done(done, code_word("status", done.status))


def cmd_change_schedule(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done, warnings = co.schedule(store, args.change, args.starts, args.ends, args.resources or "")
    for warning in warnings:
        print(one_line(_("warning: {warning}").format(warning=warning)))
    return _done(done, _("scheduled"))


def cmd_change_design(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    fields = _pairs(args.set)
    with open_store(args, must_exist=True) as store:
        done = co.design(store, args.change, scope=args.scope, who=args.by, how=args.how, noted_by=args.noted_by,
                         mitigation=args.mitigation, evidence=args.evidence, **fields)
    return _done(done, _("designed (CO.2.3)"))


def cmd_change_build(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.build(store, args.change, built_by=args.by, master_copy=args.master_copy,
                        description=args.description or "")
    return _done(done, _("built (CO.2.4)"))


def cmd_change_test(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.test(store, args.change, summary=args.summary, result=args.result, tested_by=args.by or "",
                       levels_and_types=args.levels or "", errors=args.errors or "", validated_by=args.validated_by or "")
    return _done(done, _("tested: {result} (CO.3.1)").format(result=code_word("result", args.result)))


def cmd_change_confirm(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.confirm_schedule(store, args.change, args.resources)
    return _done(done, _("schedule and resources confirmed (CO.3.3)"))


def cmd_change_approve_deployment(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.approve_deployment(store, args.change, who=args.by, how=args.how, noted_by=args.noted_by,
                                     mitigation=args.mitigation, evidence=args.evidence)
    return _done(done, _("deployment approved (CO.3.2)"))


def cmd_change_deploy(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.deploy(store, args.change, note=args.note or "")
    return _done(done, _("deployed (CO.3.4)"))


def cmd_change_review(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args, must_exist=True) as store:
        done = co.review(store, args.change, args.outcome)
    return _done(done, _("reviewed (CO.3.5)"))


def cmd_schedule_entry(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import changes as co

    with open_store(args) as store:
        done = co.add_entry(store, args.title, args.type, args.starts, args.ends, args.repeat)
    return _done(done, _("{kind} on the schedule").format(kind=code_word("item_type", args.type)))


# ---------------------------------------------------------------- training (IN.1.1, IN.1.2)


def cmd_training_met(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance import roles

    with open_store(args, must_exist=True) as store:
        done = roles.record_training(store, args.training, met_on=_date(args.on), due_on=_date(args.due),
                                     note=args.note or "")
    return _done(done, _("training recorded as met on {day} (IN.1.1)").format(day=formats.date_text(done.met_on) if done.met_on else ""))


def cmd_training_renew(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance import roles

    with open_store(args, must_exist=True) as store:
        done = roles.renew_competence(store, args.training, due_on=_date(args.due), met_on=_date(args.on),
                                      note=args.note or "")
    return _done(done, _("competence renewed, due again {day} (IN.1.2)").format(day=formats.date_text(done.due_on) if done.due_on else ""))


# ---------------------------------------------------------------- feedback, roles, setup, any record


def cmd_feedback_step(args) -> int:
    with open_store(args, must_exist=True) as store:
        done = rel.feedback_step(store, args.feedback, args.step, outcome=args.outcome or "",
                                 signed_off_by=args.signed_off_by)
    return _done(done, _("now {state}").format(state=code_word("state", done.state)))


def cmd_roles_acknowledge(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance import roles

    with open_store(args, must_exist=True) as store:
        open_ones = [w for w in roles.warnings(store) if not w.acknowledged]
        if not 1 <= args.number <= len(open_ones):
            raise InputError(ngettext("Warning {number}: there is {n} open warning (vse-tui roles check lists "
                                      "them, the open ones numbered in order)",
                                      "Warning {number}: there are {n} open warnings (vse-tui roles check lists "
                                      "them, the open ones numbered in order)", len(open_ones)).format(
                                          number=args.number, n=len(open_ones)))
        done = roles.acknowledge(store, open_ones[args.number - 1], args.mitigation, check=args.check)
    return _done(done, pgettext("a role warning", "acknowledged"))


def cmd_setup(args) -> int:
    values = _pairs(args.set)
    with open_store(args) as store:
        approved = approval(store, args.approved_by, args.how) if args.step in setup.APPROVES else None
        roles: list[tuple[str | None, str, str, str]] | None = None
        if args.step == "roles":
            roles = []
            for row in args.person or []:
                name, email, text = (row.split(";") + ["", ""])[:3]
                uuid = store.row("people", ["uuid"], {"title": name.strip()})
                roles.append((uuid[0] if uuid else None, name.strip(), email.strip(), text.strip()))
        done = setup.save(store, args.step, values, approved, roles, evidence=args.evidence)
        if args.step == "improvement":  # a plan, not a record: said in one sentence
            print(one_line(yearly.said(store)))
    return _done(done, _("setup step {step} saved").format(step=code_word("setup_step", args.step))) if done is not None else EXIT_OK


def cmd_record_add(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.governance import documents

    with open_store(args) as store:
        done = documents.create(store, args.kind, _pairs(args.set))
    return _done(done, _("added"))


def cmd_record_edit(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.evidence.substance import check_edit
    from ..core.governance import documents

    with open_store(args, must_exist=True) as store:
        rec = store.find(args.ref)
        done = documents.edit(store, rec.KIND, rec.id, _pairs(args.set), check=check_edit(store))
    _done(done, _("version {version} ({status})").format(version=done.version, status=code_word("status", done.status)))
    undone = documents.approval_undone(rec, done)
    if undone:
        print(one_line(_("{said}: vse-tui approve {ref}").format(said=undone, ref=done.id)))
    return EXIT_OK


def cmd_record_show(args) -> int:
    """Any record as its screen shows it: every stored field, its approvals, its mail, its place on
    the schedule (a change), its history. An incident prints as `incident show` does."""

    with open_store(args, must_exist=True) as store:
        rec = store.find(args.ref)
        if rec.KIND == "incidents":
            print(incident_view(store, rec.id).as_text(), end="")
            return EXIT_OK
        lines = [one_line(f"{rec.id}  {shown_title(store, rec)}"),
                 "  " + " · ".join(p for p in (_(rec.LABEL), _("status {status}").format(status=code_word("status", rec.status))
                                             if rec.status else "", code_word("state", rec.state),
                                             _("version {n}").format(n=rec.version)) if p)]
        for label, shown in record_lines(store, rec):
            first, *rest = shown.splitlines() or [""]
            lines.append("  " + _("{label}: {value}").format(label=label, value=first))
            lines.extend(f"    {line}" for line in rest)
        for a in rec.approvals:
            given = _("{who}, {when}, {how}").format(who=a.by, when=clock.local_text(a.at), how=how_given(a))
            if a.note:
                given = _("{label}: {value}").format(label=given, value=a.note)
            lines.append("  " + _("{label}: {value}").format(label=code_word("meaning", a.meaning), value=given))
        if rec.KIND == "change_requests":
            entry = store.latest("schedule_items", {"change": rec.uuid})
            if entry is not None:
                lines.append("  " + _("scheduled: {when}").format(
                    when=clock.local_text(entry.starts_at) + (f" - {clock.local_text(entry.ends_at)}" if entry.ends_at else "")))
                if entry.resources:
                    lines.append("  " + _("resources: {text}").format(text=entry.resources))
        if rec.KIND in ("feedback", "change_requests"):
            for m in messages_of(store, rec.KIND, rec):
                lines.append("  " + _("mail: {heading}").format(heading=m.heading()))
                if m.subject:
                    lines.append("    " + _("subject: {subject}").format(subject=m.subject))
                lines.extend(f"    | {line}" for line in (m.text or "").splitlines())
        history = store.history(rec.uuid)
        labels = history_labels(store, history)
        names = store.titles("people")
        lines.append(_("history:"))
        for h in history:
            lines.append(f"  {when_text(h):17} {names.get(h.get('person') or '', h['operator']):<14} "
                         f"{h['task'] or '':7} {change_text(h, labels, 200)}")
    print("\n".join(lines))
    return EXIT_OK


def register(reg) -> None:
    _register_incident_steps(reg)
    _register_incident_upkeep(reg)
    _register_change_steps(reg)
    _register_schedule_entry(reg)
    _register_training_feedback_roles(reg)
    _register_setup_and_records(reg)


def _approver_options(p) -> None:
    """Who decided, how, and what covers a role rule's risk: the options of each approving step."""
    p.add_argument("--by", metavar=pgettext("metavar", "PERSON"), help=_("who decided (default: you)"))
    p.add_argument("--how", choices=["signature", "email", "meeting", "verbal", "other", "paper"], default="other", words="how",
                   help=_("how the decision was given (default: other)"))
    p.add_argument("--noted-by", metavar=pgettext("metavar", "PERSON"), help=_("who noted a verbal decision"))
    p.add_argument("--mitigation", metavar=pgettext("metavar", "TEXT"), help=_("how the risk is covered, when a role rule warns"))
    p.add_argument("--evidence", metavar=pgettext("metavar", "FILE"),
                   help=_("recording someone else's decision (--by, --how email or paper): the message (.eml) or "
                          "the scan that shows it, attached"))


def _register_incident_steps(reg) -> None:
    """The IN.2 flow: classify, notify, restore, close."""
    inc = "incident"
    p = reg.action(inc, "classify", _("classify and link an incident (IN.2.2)"), cmd_incident_classify)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("--category", metavar=pgettext("metavar", "TEXT"), help=_("what kind of incident it is"))
    p.add_argument("--impact", choices=["high", "medium", "low"], words="impact", help=_("how much it affects"))
    p.add_argument("--urgency", choices=["high", "medium", "low"], words="urgency", help=_("how soon it hurts"))
    p.add_argument("--ci", action="append", metavar=pgettext("metavar", "CI"), help=_("a configuration item involved (repeatable)"))
    p.add_argument("--related", action="append", metavar=pgettext("metavar", "INC"), help=_("a related incident (repeatable)"))
    p.add_argument("--change", action="append", metavar=pgettext("metavar", "CHG"), help=_("a change request involved (repeatable)"))
    p.add_argument("--root-cause", metavar=pgettext("metavar", "TEXT"), help=_("what caused it, when known"))
    p.add_argument("--security", action="store_true", help=_("a security incident"))
    p = reg.action(inc, "notified", _("record that the affected party was told (IN.2.3, IN.2.4)"), cmd_incident_notified)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("--task", choices=["IN.2.3", "IN.2.4", "IN.2.5"], required=True, help=_("the step the message belongs to"))
    p.add_argument("--to", required=True, metavar=pgettext("metavar", "WHO"), help=_("who was told"))
    p.add_argument("--how", choices=["email", "phone", "chat", "in person", "other"], words="how",
                   help=_("how they were told (default: e-mail when there is an address for them, else phone when "
                          "a number, else in person)"))
    p.add_argument("--message", metavar=pgettext("metavar", "TEXT"), help=_("what was said (default: the policy's standard message)"))
    p = reg.action(inc, "restore", _("restore the service with its solution (IN.2.4)"), cmd_incident_restore)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("--solution", required=True, metavar=pgettext("metavar", "TEXT"), help=_("what restored the service"))
    p.add_argument("--steps", metavar=pgettext("metavar", "TEXT"), help=_("the steps taken"))
    p = reg.action(inc, "close", _("close with the affected party's confirmation (IN.2.5)"), cmd_incident_close)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("--confirmed-by", required=True, metavar=pgettext("metavar", "WHO"), help=_("the affected party who confirmed it is fixed"))
    p.add_argument("--how", choices=["phone", "email", "in person", "other"], default="phone", words="how", help=_("how they confirmed (default: phone)"))
    p.add_argument("--solution", metavar=pgettext("metavar", "TEXT"), help=_("the resolution, if not recorded at the restore"))
    p.add_argument("--root-cause", metavar=pgettext("metavar", "TEXT"), help=_("what caused it, when known"))
    p.add_argument("--no-change-reason", metavar=pgettext("metavar", "TEXT"), help=_("why a significant incident needs no change request"))
    p.add_argument("--checked-by", metavar=pgettext("metavar", "WHO"), help=_("who checked the fix, when you resolved it yourself"))
    p.add_argument("--check", metavar=pgettext("metavar", "TEXT"), help=_("how they checked it (with --checked-by)"))
    p.add_argument("--acknowledgement", metavar=pgettext("metavar", "TEXT"),
                   help=_("instead of --checked-by: why nobody else checked the fix"))


def _register_incident_upkeep(reg) -> None:
    """Around the flow: a potential problem, a change raised, reopening, waiting, time spent."""
    inc = "incident"
    p = reg.action(inc, "problem", _("mark an incident a potential problem (IN.1.3)"), cmd_incident_problem)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("--root-cause", metavar=pgettext("metavar", "TEXT"), help=_("what caused it, when known"))
    p = reg.action(inc, "raise-change", _("raise a change request from an incident, linked both ways"),
                   cmd_incident_raise_change)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("--title", metavar=pgettext("metavar", "TEXT"), help=_("the change request's title (default: from the incident)"))
    p.add_argument("--type", choices=["normal", "emergency"], default="normal", words="change_type", help=_("the kind of change (default: normal)"))
    p = reg.action(inc, "reopen", _("reopen a closed incident"), cmd_incident_reopen)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("reason", metavar=pgettext("metavar", "REASON"), help=_("why it is reopened"))
    p = reg.action(inc, "wait", _("wait for the customer or a supplier (the clock stops), or stop waiting"),
                   cmd_incident_wait)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("on", choices=["customer", "supplier", "nobody"], words="wait_on", help=_("who it waits for (nobody: stop waiting)"))
    p = reg.action(inc, "time", _("log time spent on an incident"), cmd_incident_time)
    p.add_argument("incident", metavar=pgettext("metavar", "INC"), help=_("the incident, e.g. INC-0042"))
    p.add_argument("minutes", metavar=pgettext("metavar", "MINUTES"), type=int, help=_("minutes spent"))
    p.add_argument("--who", metavar=pgettext("metavar", "PERSON"), help=_("who spent them (default: you)"))
    p.add_argument("--not-billable", action="store_true", help=_("time the customer is not billed for"))
    p.add_argument("--note", metavar=pgettext("metavar", "TEXT"), help=_("a note kept with it"))


def _register_change_steps(reg) -> None:
    """A change's path from evaluation to review (CO.2, CO.3)."""
    ch = "change"
    p = reg.action(ch, "evaluate", _("approve or reject a requested change (CO.2.1)"), cmd_change_evaluate)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("--reject", action="store_true", help=_("reject it (default: approve)"))
    p.add_argument("--reason", metavar=pgettext("metavar", "TEXT"), help=_("why (required to reject)"))
    _approver_options(p)
    p = reg.action(ch, "schedule", _("give an approved change its planned time (CO.2.2)"), cmd_change_schedule)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("starts", metavar=pgettext("metavar", "START"), help=_("YYYY-MM-DD HH:MM"))
    p.add_argument("ends", metavar=pgettext("metavar", "END"), nargs="?", help=_("YYYY-MM-DD HH:MM"))
    p.add_argument("--resources", metavar=pgettext("metavar", "TEXT"), help=_("the people and tools the change needs"))
    p = reg.action(ch, "design", _("design the change, approved as recorded (CO.2.3)"), cmd_change_design)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("--scope", required=True, metavar=pgettext("metavar", "TEXT"), help=_("what the change covers"))
    p.add_argument("--set", action="append", metavar=pgettext("metavar", "FIELD=VALUE"), help=_("another item of the design (risks=...)"))
    _approver_options(p)
    p = reg.action(ch, "build", _("record the built change and its master copy (CO.2.4)"), cmd_change_build)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("--master-copy", required=True, metavar=pgettext("metavar", "WHERE"), help=_("where the master copy of the build is kept"))
    p.add_argument("--by", metavar=pgettext("metavar", "PERSON"), help=_("who built it (default: you)"))
    p.add_argument("--description", metavar=pgettext("metavar", "TEXT"), help=_("what was built"))
    p = reg.action(ch, "test", _("publish the test report, pass or fail (CO.3.1)"), cmd_change_test)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("--summary", required=True, metavar=pgettext("metavar", "TEXT"), help=_("what the test showed"))
    p.add_argument("--result", choices=["pass", "fail"], required=True, words="result", help=_("the verdict"))
    p.add_argument("--levels", metavar=pgettext("metavar", "TEXT"), help=_("the levels and types of test"))
    p.add_argument("--errors", metavar=pgettext("metavar", "TEXT"), help=_("what failed and how it was fixed"))
    p.add_argument("--by", metavar=pgettext("metavar", "WHO"), help=_("who tested (default: you)"))
    p.add_argument("--validated-by", metavar=pgettext("metavar", "WHO"), help=_("who validated the result (a customer's contact, say)"))
    p = reg.action(ch, "confirm", _("confirm the schedule and the resources (CO.3.3)"), cmd_change_confirm)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("resources", metavar=pgettext("metavar", "RESOURCES"), help=_("who and what is ready"))
    p = reg.action(ch, "approve-deployment", _("review the test report and approve deployment (CO.3.2)"),
                   cmd_change_approve_deployment)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    _approver_options(p)
    p = reg.action(ch, "deploy", _("deploy (CO.3.4): the items it impacts record it"), cmd_change_deploy)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("--note", metavar=pgettext("metavar", "TEXT"), help=_("a note kept with it"))
    p = reg.action(ch, "review", _("review the deployment (CO.3.5)"), cmd_change_review)
    p.add_argument("change", metavar=pgettext("metavar", "CHG"), help=_("the change request, e.g. CHG-0004"))
    p.add_argument("outcome", metavar=pgettext("metavar", "OUTCOME"), help=_("did it do what it should; what changes next time"))


def _register_schedule_entry(reg) -> None:
    """An entry of the change schedule that is not a change: a window or a business event."""
    p = reg.action("change", "schedule-entry", _("put a change window, maintenance window or business event on the schedule"),
                   cmd_schedule_entry)
    p.add_argument("title", metavar=pgettext("metavar", "TITLE"), help=_("what the entry is called"))
    p.add_argument("--type", choices=["change window", "maintenance window", "business event"], required=True, words="item_type", help=_("the kind of entry"))
    p.add_argument("starts", metavar=pgettext("metavar", "START"), help=_("YYYY-MM-DD HH:MM"))
    p.add_argument("ends", metavar=pgettext("metavar", "END"), nargs="?", help=_("YYYY-MM-DD HH:MM"))
    p.add_argument("--repeat", choices=["none", "weekly", "monthly"], default="none", words="recurrence", help=_("how it recurs (default: none)"))


def _register_training_feedback_roles(reg) -> None:
    """Training met and renewed, feedback's steps, role warnings acknowledged."""
    p = reg.action("training", "met", _("record training or a competence need as met (IN.1.1)"), cmd_training_met,
                   _("training and competence of the role holders (IN.1.1, IN.1.2)"))
    p.add_argument("training", metavar=pgettext("metavar", "TRN"), help=_("the training or competence need, e.g. TRN-0003"))
    p.add_argument("--on", metavar=pgettext("metavar", "DATE"), help=_("the day it was met (default: today)"))
    p.add_argument("--due", metavar=pgettext("metavar", "DATE"), help=_("when it is due again"))
    p.add_argument("--note", metavar=pgettext("metavar", "TEXT"), help=_("a note kept with it"))
    p = reg.action("training", "renew", _("renew a competence before it lapses (IN.1.2)"), cmd_training_renew)
    p.add_argument("training", metavar=pgettext("metavar", "TRN"), help=_("the training or competence need, e.g. TRN-0003"))
    p.add_argument("--due", required=True, metavar=pgettext("metavar", "DATE"), help=_("when it is due again"))
    p.add_argument("--on", metavar=pgettext("metavar", "DATE"), help=_("the day it was renewed (default: today)"))
    p.add_argument("--note", metavar=pgettext("metavar", "TEXT"), help=_("a note kept with it"))

    p = reg.action("feedback", "step", _("move a feedback entry to its next step (RE.2.3)"), cmd_feedback_step)
    p.add_argument("feedback", metavar=pgettext("metavar", "FB"), help=_("the feedback entry, e.g. FB-0007"))
    p.add_argument("step", choices=["acknowledged", "investigated", "answered", "escalated", "closed"], words="state", help=_("the step it moves to"))
    p.add_argument("--outcome", metavar=pgettext("metavar", "TEXT"), help=_("what the investigation found"))
    p.add_argument("--signed-off-by", metavar=pgettext("metavar", "WHO"), help=_("who signed the closure off"))

    p = reg.action("roles", "acknowledge", _("acknowledge an open role warning with its mitigation"),
                   cmd_roles_acknowledge)
    p.add_argument("number", metavar=pgettext("metavar", "N"), type=int, help=_("the open warning's number, in the order 'roles check' lists them"))
    p.add_argument("--mitigation", required=True, metavar=pgettext("metavar", "TEXT"),
                   help=_("the check that covers the risk, e.g. 'the customer confirms each P1/P2 closure'"))
    p.add_argument("--check", choices=["closure-review", "change-review", "second-look"], words="check",
                   help=_("the check the app counts from the records that the mitigation names (so it counts in "
                          "any language)"))


def _register_setup_and_records(reg) -> None:
    """The guided setup's steps, and any record added, shown or edited through the generic editor."""
    p = reg.command("setup", _("save a step of the guided setup (the same steps as the setup screen)"), cmd_setup)
    p.add_argument("step", choices=["goals", "scope", "roles", "policy", "approve", "experience", "resources",
                                    "documents", "improvement"], words="setup_step", help=_("the step to save"))
    p.add_argument("--set", action="append", metavar=pgettext("metavar", "FIELD=VALUE"),
                   help=_("a field of the step (repeatable); improvement: due=DATE, preparer=NAME (holds SM), "
                          "approver=NAME (holds MGT)"))
    p.add_argument("--person", action="append", metavar=pgettext("metavar", "NAME;EMAIL;ROLES"), help=_("roles step: a person and roles"))
    p.add_argument("--approved-by", metavar=pgettext("metavar", "PERSON"), help=_("who approves the step (default: you)"))
    p.add_argument("--how", choices=["signature", "email", "meeting", "verbal", "other", "paper"], default="signature", words="how",
                   help=_("how the step was approved (default: signature)"))
    p.add_argument("--evidence", metavar=pgettext("metavar", "FILE"),
                   help=_("recording someone else's approval (--approved-by, --how email or paper): the message "
                          "(.eml) or the scan that shows it, attached"))

    p = reg.action("record", "add", _("add a record of any kind through the generic editor"), cmd_record_add,
                   _("add or edit any record (the generic editor's fields)"))
    p.add_argument("kind", metavar=pgettext("metavar", "KIND"), help=_("the kind, e.g. procedures, services, customer_agreements"))
    p.add_argument("--set", action="append", metavar=pgettext("metavar", "FIELD=VALUE"), help=_("a field (repeatable)"))
    p = reg.action("record", "show", _("show any record: every field, its approvals and history"), cmd_record_show)
    p.add_argument("ref", metavar=pgettext("metavar", "ID"), help=_("the record, e.g. CHG-0012 or FB-0003"))
    p = reg.action("record", "edit", _("edit a record: a new version"), cmd_record_edit)
    p.add_argument("ref", metavar=pgettext("metavar", "ID"), help=_("the record, e.g. PRC-0001"))
    p.add_argument("--set", action="append", metavar=pgettext("metavar", "FIELD=VALUE"), help=_("a field (repeatable)"))
