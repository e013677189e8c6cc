"""`vse-tui report audit`: the evidence map of the 40 tasks as JSON (for scripts) or Markdown."""

from __future__ import annotations

from typing import IO

from vse_tui.i18n import _, either, pgettext

from ..core.evidence.tasks import TaskEvidence, summary
from ..core.kernel import clock
from ..core.kernel.text import one_line
from ..core.present.labels import role_named
from . import words


def audit_json(tasks: list[TaskEvidence]) -> dict:
    s = summary(tasks)
    return {"generated_at": clock.iso(clock.now()),
            "summary": {k: {"done": d, "tasks": n} for k, (d, n) in s.items()},
            "tasks": [t.as_dict() for t in tasks]}


def _status(check) -> str:
    needed = [words.status(code) for code in check.needed]
    need = either(needed) if check.any_of else _(" and ").join(needed)
    mark = pgettext("value", "yes") if check.ok else pgettext("value", "no")
    cond = f" ({check.condition})" if check.condition else ""
    return _("{wp} {statuses}: {answer}").format(wp=check.wp, statuses=need + cond, answer=mark)


def _joined(parts) -> str:
    """Parts of a cell one after the other, with the language's separator (French spaces it)."""
    return pgettext("list separator", "; ").join(parts)


def write_markdown(tasks: list[TaskEvidence], out: IO[str], shop: str = "") -> None:
    s = summary(tasks)
    out.write((_("# Evidence map: {shop}").format(shop=shop) if shop else _("# Evidence map")) + "\n\n")
    out.write(_("Generated {when}. Tasks done: {done} of {total} ({per_process}).").format(
        when=clock.local_text(clock.now()), done=s["all"][0], total=s["all"][1],
        per_process=" · ".join(f"{p} {d}/{n}" for p, (d, n) in s.items() if p != "all")) + "\n\n")
    current = None
    for t in tasks:
        if t.process != current:
            current = t.process
            out.write(f"\n## {t.process}\n\n" + _("| task | state | why | evidence | inputs | outputs | roles |")
                      + "\n|---|---|---|---|---|---|---|\n")
        ev = (f"{t.evidence['record']} {clock.local_text(clock.parse_datetime(t.evidence['at']))} {t.evidence['by']}"
              if t.evidence else _("none"))
        roles = _joined(_("{role}: {people}").format(role=role_named(r), people=", ".join(h) or "-") for r, h in t.holders.items())
        # why: each check of the task and whether its records hold it, as the screen and the pack say
        why = "<br>".join(("✓ " if w.ok else "✗ ") + one_line(w.text) for w in t.why)
        cells = [f"{t.task} {t.title}", words.task_state(t.state) + (f" ({_joined(t.notes)})" if t.notes else ""), why, ev,
                 "<br>".join(_status(i) for i in t.inputs if i.wp), "<br>".join(_status(o) for o in t.outputs if o.wp), roles]
        out.write("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
