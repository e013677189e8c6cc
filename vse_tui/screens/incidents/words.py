"""An incident's states and the incident list's filters as the screens say them (what is stored
stays in English)."""

from __future__ import annotations

from vse_tui.i18n import N_, _, pgettext

# the filters' values and an incident's states as the screen says them (what is stored stays as it is)
SHOWN = {"open": N_("open"), "all": N_("all"), "new": N_("new"), "in progress": N_("in progress"),
         "waiting for customer": N_("waiting for customer"), "waiting for supplier": N_("waiting for supplier"),
         "restored": N_("restored"), "closed": N_("closed"), "priority": N_("priority"), "newest": N_("newest"),
         "oldest": N_("oldest"), "everyone": N_("everyone"), "mine": N_("mine"), "unassigned": N_("unassigned")}


def shown(code: str) -> str:
    """A filter's value or an incident's state in the language spoken."""
    return _(SHOWN[code]) if code in SHOWN else code


def short_state(code: str) -> str:
    """An incident's state in the list's narrow column: the waiting states in fewer letters where a
    language needs them (the customer or the supplier must still read)."""
    if code == "waiting for customer":
        return pgettext("the incident list's state column (14 letters)", "waiting for customer")
    if code == "waiting for supplier":
        return pgettext("the incident list's state column (14 letters)", "waiting for supplier")
    return shown(code)


__all__ = ["SHOWN", "short_state", "shown"]
