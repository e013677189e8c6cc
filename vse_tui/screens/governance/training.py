"""Training and competence (IN.1.1, IN.1.2): the records kept with the role assignments on the
Governance side, the soonest due first; m records one as met, n renews it, Enter opens it."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vse_tui.core.evidence.lapsed import training_states
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import InputError
from vse_tui.i18n import N_, _, formats, ngettext
from vse_tui.screens.common.base import OnceModal
from vse_tui.screens.common.forms import Field, FormScreen
from vse_tui.widgets.keys import KeyHint, key_word

# a training record's state (core.evidence.lapsed decides it) as the list says it
STATE_WORDS = {"planned": N_("planned"), "met": N_("met"), "lapsed": N_("lapsed")}
STATE_STYLE = {"planned": "dim", "met": "green", "lapsed": "bold dark_orange"}


class TrainingDueScreen(OnceModal):
    """Every training and competence need of the role holders, the soonest due first: m records
    the highlighted one as met (IN.1.1), n renews it (IN.1.2), Enter opens its record."""

    BINDINGS = [Binding("escape", "close", N_("Close"), id="training_close"),
                Binding("m", "met", N_("Met (IN.1.1)"), id="training_met"),
                Binding("n", "renew", N_("Renew (IN.1.2)"), id="training_renew")]

    def compose(self) -> ComposeResult:
        today = clock.today()
        store = self.app.store
        names = store.titles("people")
        rows = store.rows("training", ["id", "person", "requirement", "due_on"])
        states = training_states(store, today)
        rows.sort(key=lambda r: (r[3] or "9999-12-31", r[0] or ""))
        options = []
        for rid, person, requirement, due_on in rows:
            if due_on:
                d = (date.fromisoformat(str(due_on)[:10]) - today).days
                when = (Text(ngettext("{n}d overdue", "{n}d overdue", -d).format(n=-d), style="dark_orange") if d < 0
                        else Text(ngettext("due in {n}d", "due in {n}d", d).format(n=d)))
            else:
                when = Text(_("no due date"), style="dim")
            state = states.get(rid, "planned")
            met = Text(" " + _(STATE_WORDS[state]), style=STATE_STYLE[state])
            label = _("{label}: {value}").format(label=names.get(person, "?")[:16], value=requirement)
            options.append(Option(Text.assemble(f"{rid:<9} ", Text(label[:44].ljust(45)), when, met), id=rid))
        with Vertical():
            yield Static(Text(_("Training and competence of the role holders (IN.1.1, IN.1.2)"), style="bold"))
            if options:
                yield OptionList(*options, id="training")
            else:
                yield Static(Text(_("No training recorded. Training needs are set per role in the setup (g, w: "
                                    "Resources)."), style="dim"))
            yield KeyHint([("met", _("records it met")), ("renew", _("renews it")), ("close", _("closes"))],
                          extra=_("{enter} opens the record").format(enter=key_word("enter")))

    def _highlighted(self) -> str | None:
        try:
            options = self.query_one("#training", OptionList)
        except Exception:
            return None
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def _form(self, renew: bool) -> None:
        # here, not at the top: importing it loads pydantic
        from vse_tui.core.governance import roles

        ref = self._highlighted()
        if ref is None:
            self.notify(_("Nothing to record: no training is listed"), severity="warning")
            return
        store = self.app.store
        today = formats.date_text(clock.today())  # as the person's language writes a day, and reads it back

        def day(text: str):
            try:
                return formats.parse_date(text) if (text or "").strip() else None
            except formats.ParseError as exc:
                raise InputError(str(exc)) from None

        def submit(v):
            if renew:
                due = day(v["due_on"])
                if due is None:
                    raise InputError(_("Due again: when is the renewed competence due next ({hint})").format(
                        hint=formats.date_hint()))
                return roles.renew_competence(store, ref, due_on=due, met_on=day(v["met_on"]), note=v["note"])
            return roles.record_training(store, ref, met_on=day(v["met_on"]), due_on=day(v["due_on"]), note=v["note"])

        fields = [Field("met_on", _("Met on") if not renew else _("Renewed on"), value=today, placeholder=formats.date_hint()),
                  Field("due_on", _("Due again"), value="", placeholder=formats.date_hint(), required=renew),
                  Field("note", _("Note"), value="")]
        title = (_("Renew: {ref} (IN.1.2)") if renew else _("Training met: {ref} (IN.1.1)")).format(ref=ref)

        def done(result) -> None:
            if result is not None:
                self.notify((_("{ref}: renewed") if renew else _("{ref}: recorded as met")).format(ref=ref))
                self.dismiss(None)

        self.app.push_screen(FormScreen(fields, submit, title), done)

    def action_met(self) -> None:
        self._form(renew=False)

    def action_renew(self) -> None:
        self._form(renew=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
