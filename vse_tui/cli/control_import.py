"""`vse-tui import cis`: configuration items from a spreadsheet. Apart from the change and item
commands because the import's flow (a backup first, the preview) loads what a list never needs."""

from __future__ import annotations

from vse_tui.i18n import _, pgettext

from .common import add_yes
from .imports import run_import


def cmd_import_cis(args) -> int:
    # here, not at the top: importing it loads pydantic
    from ..core.control import cis

    return run_import(args, "cis", cis.plan_import, lambda plan: plan.items,
                      lambda plan, i, item: f"{item.name[:40]:<40} {item.ci_type:<17} {item.owner[:20]}",
                      cis.apply_import)


def register(reg) -> None:
    p = reg.action("import", "cis", _("configuration items from a spreadsheet (CSV)"), cmd_import_cis)
    p.add_argument("file", metavar=pgettext("metavar", "FILE"), help=_("the CSV file to read"))
    p.add_argument("--dry-run", action="store_true", help=_("show what would be imported and rejected; store nothing"))
    add_yes(p, _("import without asking"))
