"""Why a task has its state, and what an assessor would question: two lists whose lines name the
records they are about (Enter opens the first one named)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vse_tui.core.evidence.audit_check import RULES
from vse_tui.core.evidence.tasks import TaskEvidence, evidence_map
from vse_tui.core.kernel import clock
from vse_tui.core.present.labels import code_word, role_named
from vse_tui.i18n import N_, _, either, listed, ngettext, pgettext
from vse_tui.reports.figures import audit_review
from vse_tui.screens.common.base import BaseScreen, go_back
from vse_tui.screens.evidence.words import STATE_NAMES


def _moment_text(value: object) -> str:
    """When a task was last performed (stored UTC ISO 8601), in the person's time zone and language."""
    try:
        return clock.local_text(clock.parse_datetime(str(value))) if value else ""
    except (ValueError, TypeError):
        return str(value)


STATE_STYLE = {"done": "green", "partly done": "dark_orange", "not started": "red", "stale": "dark_orange"}


class _LinesScreen(BaseScreen):
    """A heading over a list of lines; each line may name records."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="why_back"),
        Binding("enter", "open", N_("Open the record"), id="why_open", show=False),
    ]
    DEFAULT_CSS = """
    _LinesScreen #why-head { height: auto; padding: 0 1; }
    _LinesScreen #why-lines { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.records: list[list[str]] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="why-head")
        yield OptionList(id="why-lines", classes="panel")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#why-lines", OptionList).focus()

    def fill(self, head: Text, lines: list[tuple[Text, list[str]]]) -> None:
        self.query_one("#why-head", Static).update(head)
        box = self.query_one("#why-lines", OptionList)
        keep = box.highlighted
        box.clear_options()
        self.records = []
        for n, (text, records) in enumerate(lines):
            if records:
                text = text.copy()
                more = len(records) - 6
                shown = ", ".join(records[:6])
                if more > 0:
                    shown = ngettext("{records} and {n} more", "{records} and {n} more", more).format(records=shown,
                                                                                                   n=more)
                text.append("  → " + shown, style="dim")
            box.add_option(Option(text, id=str(n)))
            self.records.append(records)
        if lines:
            box.highlighted = min(keep or 0, len(lines) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(int(event.option.id or 0))

    def action_open(self) -> None:
        box = self.query_one("#why-lines", OptionList)
        if box.highlighted is not None:
            self._open(box.highlighted)

    def _open(self, n: int) -> None:
        records = self.records[n] if n < len(self.records) else []
        ref = next((r for r in records if r[:1].isalpha() and "-" in r and " " not in r), None)
        if ref:
            self.app.open_record(ref)
        else:
            self.notify(_("This line names no record to open"), severity="warning")

    def action_back(self) -> None:
        go_back(self)


def check_text(check) -> tuple[str, str]:
    """An input or output of a task as its why line says it: what it needs and what was found, each
    status in words as the map says it ("WP.11 …: needs draft", "found none")."""
    needed = [code_word("status", s) for s in check.needed]
    needs = (either(needed) if check.any_of else ", ".join(needed))
    found = ", ".join(code_word("status", s) for s in check.found)
    return (_("{wp} {name}: needs {statuses}").format(wp=check.wp, name=_(check.name), statuses=needs),
            _("found {statuses}").format(statuses=found) if found else _("found none"))


class TaskWhyScreen(_LinesScreen):
    """One task of the evidence map: its state, each rule that decided it, its inputs and outputs."""

    TITLE_TEXT = N_("Why this state")

    def __init__(self, task: str) -> None:
        super().__init__()
        self.task_code = task

    def reload(self) -> None:
        found: TaskEvidence | None = next((t for t in evidence_map(self.store) if t.task == self.task_code), None)
        if found is None:
            self.fill(Text(_("No task {task}").format(task=self.task_code)), [])
            return
        t = found
        head = Text.assemble((f"{t.task}  ", "bold"), (_(t.title), "bold"), "   ",
                             (_(STATE_NAMES.get(t.state, t.state)), f"bold {STATE_STYLE.get(t.state, '')}"), "\n",
                             (_("roles:") + " ", "dim"),
                             listed(_("{label}: {value}").format(label=role_named(r), value=", ".join(h) or _("(nobody holds it)"))
                                    for r, h in t.holders.items()) or "-")
        head.append_text(Text.assemble(("\n" + _("rule:") + " ", "dim"), (t.rule, "italic")))
        if t.evidence:
            ev = t.evidence
            head.append_text(Text.assemble(("\n" + _("last performed:") + " ", "dim"), f"{ev.get('record', '')} ",
                                           (_moment_text(ev.get("at")), ""),
                                           " " + _("by {person}").format(person=ev.get("by", ""))))
        lines: list[tuple[Text, list[str]]] = []
        for w in t.why:
            lines.append((Text.assemble(("✓ " if w.ok else "✗ ", "green" if w.ok else "red"), w.text), list(w.records)))
        for label, checks in ((_("input"), t.inputs), (_("output"), t.outputs)):
            for c in checks:
                if not c.wp:
                    continue
                needs, found_text = check_text(c)
                text = Text.assemble(("✓ " if c.ok else "✗ ", "green" if c.ok else "red"), (f"{label} ", "dim"),
                                     needs, (pgettext("list separator", "; ") + found_text, "dim"))
                lines.append((text, [c.ref] if c.ref else []))
        for note in t.notes:
            lines.append((Text("· " + note, style="dim"), []))
        self.fill(head, lines)


class AuditFindingsScreen(_LinesScreen):
    """The shop's own pre-assessment (`vse-tui audit check`): what an assessor would question."""

    TITLE_TEXT = N_("Audit check")
    _checked = False

    def reload(self) -> None:
        """The check reads every record: it runs apart from the screen (a big shop's takes seconds);
        the findings shown stay until the next check is done."""

        if not self._checked:
            self.fill(Text(_("Checking the records…"), style="dim"), [])
        self.read_apart(audit_review, self._show, "audit-check", lambda error: self.fill(
            Text(_("The audit check could not run: {error}").format(error=error), style="bold red"), []))

    def _show(self, review) -> None:
        findings, mitigated = review
        self._checked = True
        head = Text.assemble((_("What an assessor reading these records would question:") + " ", "dim"),
                             (ngettext("{n} finding", "{n} findings", len(findings)).format(n=len(findings)),
                              "bold dark_orange" if findings else "bold green"),
                             ("   " + _("(the same list as 'vse-tui audit check'; Enter opens the record)"), "dim"))
        # each finding marked, its rule said in words on the line below (the key is for --format json)
        lines = [(Text.assemble(("▲ ", "bold dark_orange"),
                                _("{records}: {finding}").format(records=", ".join(f.records), finding=f.what),
                                ("\n    " + _("rule: {rule}").format(rule=_(RULES[f.rule])), "dim")), list(f.records))
                 for f in findings]
        if not findings:
            lines = [(Text(_("Nothing to question: every rule of the audit check holds."), style="green"), [])]
        if mitigated:  # warnings answered with a control the records show: read, not open
            lines.append((Text(_("Warnings answered with a compensating control ({n}), not findings:").format(
                n=len(mitigated)), style="bold"), []))
            lines += [(Text.assemble(("[" + _("mitigated") + "] ", "green"), _("{records}: {finding}").format(
                records=", ".join(f.records), finding=f.what)), list(f.records)) for f in mitigated]
        self.fill(head, lines)
