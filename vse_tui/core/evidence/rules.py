"""The rule of each of the 40 tasks as the evidence map states it: the page `docs/tasks.md` is
written from here, so that what the documentation says makes a task done is what the code
decides (`tasks.describe`, the same words the map shows under a task's "why").

    python -m vse_tui.core.evidence.rules > docs/tasks.md

A test compares the page with what this module prints."""

from __future__ import annotations

import sys

from .tasks import describe

HEADER = """\
# The 40 tasks: what makes each one done

Written by `python -m vse_tui.core.evidence.rules` from the rules the evidence map applies
(`core/evidence/tasks.py`, with each work product's content items and their substance in
`data/standard/work_products.toml`); a test keeps this page and the code in step. The evidence
map (`e`), `vse-tui report audit` and the audit pack state the same rule for each task, beside why
it has its state today.

A task is **done** when the records below exist and hold what the rule asks; **partly done** when
some do; **not started** when none does. Substance is checked, not filled fields: placeholder
text (`x`, `tbd`, `n/a`, a repeated character, lorem ipsum), text pasted unchanged from another
item or document, and the app's own starting text where the shop's own is asked keep a task from
done (see [evidence.md](evidence.md)). Roles are the standard's: SM Service Manager, CM Change
Manager, IM Incident Manager, RM Relationship Manager, MGT the shop's management, PT a
practitioner, CUS the customer, SUP a supplier.
"""


def page() -> str:
    """docs/tasks.md: per process and activity, each task's code, title, roles and rule."""
    # here, not at the top: importing it loads pydantic
    from ..model.standard import load_standard

    standard = load_standard()
    lines = [HEADER]
    for process in standard.processes:
        lines += [f"## {process.code}: {process.name}", ""]
        for activity in (a for a in standard.activities if a.process == process.code):
            lines += [f"### {activity.code} {activity.name}", ""]
            for task in (t for t in standard.tasks if t.activity == activity.code):
                lines.append(f"- **{task.code} {task.title}** ({', '.join(task.roles)}): "
                             f"{describe(task, standard)}.")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    sys.stdout.write(page())
    return 0


__all__ = ["page"]

if __name__ == "__main__":  # pragma: no cover - the command that writes the page
    raise SystemExit(main())
