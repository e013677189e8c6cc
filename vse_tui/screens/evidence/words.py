"""A task's state in the evidence map as the screens say it (the codes stay in English)."""

from __future__ import annotations

from vse_tui.i18n import N_

STATE_NAMES = {"done": N_("done"), "partly done": N_("partly done"), "not started": N_("not started"),
               "stale": N_("stale")}

__all__ = ["STATE_NAMES"]
