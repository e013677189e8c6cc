"""`vse-tui incident show`: one incident, its history and what it needs next. Apart from the other
incident commands because the next step reads the evidence (the guide, the tasks), which a list or an
added incident never needs."""

from __future__ import annotations

from vse_tui.i18n import _, pgettext

from ..core.evidence.next_step import next_step, unmapped_login_text
from ..core.incidents.view import incident_view
from ..core.kernel.text import visible
from .common import EXIT_OK, add_format, add_out, dump_json, open_store, output

# the command that does each verb of the core's next step (`evidence.next_step`)
COMMANDS = {"classify": "incident classify {ref}", "notify": "incident notified {ref}",
            "restore": "incident restore {ref}", "edit": "record edit {ref}", "close": "incident close {ref}",
            "raise_change": "incident raise-change {ref}", "reopen": "incident reopen {ref}"}


def next_text(store, inc) -> str:
    """What the incident needs next, as the incident screen says it, with the commands that do it."""

    nxt = next_step(store, inc)
    commands = [f"vse-tui {COMMANDS[a].format(ref=inc.id)}" for a in nxt.actions]
    said = {
        "notify restored": _("next: IN.2.4 tell the affected party it is restored ({command})"),
        "classify": _("next: IN.2.2 classify it ({command})"),
        "notify": _("next: IN.2.3 notify the affected party ({command})"),
        "restore": _("next: IN.2.4 record what restored the service ({command})"),
        "close": _("next: IN.2.5 close it once the affected party confirms ({command})"),
    }
    lines = []
    if nxt.step in said:
        lines.append(said[nxt.step].format(command=commands[0]))
    elif nxt.step == "needs":
        lines.append(_("before closing it needs {what} ({command})").format(what=pgettext("list separator", "; ").join(nxt.needs),
                                                                          command=commands[-1]))
    if nxt.gaps:
        lines.append(_("IN.2.1 lacks {what} ({command})").format(what=pgettext("list separator", "; ").join(nxt.gaps),
                                                                 command=f"vse-tui {COMMANDS['edit'].format(ref=inc.id)}"))
    lines.extend(_("IN.2.1: {what}").format(what=role) for role in nxt.roles)
    lines.extend(unmapped_login_text(login) for login in nxt.logins)
    if nxt.shop_records:
        lines.append(_("{task} waits on the shop's {records} (vse-tui report audit)").format(
            task=nxt.shop_task, records=", ".join(nxt.shop_records)))
    if nxt.shop_past:
        lines.append(_("{task} was done before the shop had {records}: this incident cannot count for {task}; those "
                       "recorded from now on do").format(task=nxt.shop_task, records=", ".join(nxt.shop_past)))
    return "".join(line + "\n" for line in lines)


def cmd_incident_show(args) -> int:
    store = open_store(args, must_exist=True)
    try:
        view = incident_view(store, args.id)
        advice = next_text(store, view.incident)
    finally:
        store.close()
    with output(args) as out:
        if args.format == "json":
            dump_json(view.as_json(), out)
            return EXIT_OK
        out.write(visible(view.as_text() + advice))
    return EXIT_OK


def register(reg) -> None:
    group = "incident"
    p = reg.action(group, "show", _("show one incident with its history"), cmd_incident_show)
    p.add_argument("id", metavar=pgettext("metavar", "INC"), help=_("INC-0042, or the ticket key it had in the tool it was imported from"))
    add_format(p, "text", "json")
    add_out(p)
