"""The default path of a new owner, whole: `vse-tui` on a fresh database and the real clock, the
first start, the governance setup with the answers it offers (what a step requires typed in a few
sensible words, everything else as offered), a first incident logged with n, then `vse-tui audit
check`. Only honest findings remain, each with its next step: the app's starting texts the owner
left unchanged and the service of the scope still a draft of the catalogue. The one-person shop's
own approvals are covered by the second look the setup asked for, listed for the assessor as
mitigated, not as findings."""

from __future__ import annotations

import contextlib
import io

from textual.widgets import Input, OptionList

from vse_tui.screens.common.forms import ConfirmScreen
from vse_tui.screens.evidence.why import AuditFindingsScreen
from vse_tui.screens.governance.wizard import WizardScreen
from vse_tui.screens.incidents.capture import QuickCapture

from .conftest import SIZE, told, type_into, until, widget_text
from .test_wizard import first_person


async def _keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await pilot.pause()


async def _setup_as_offered(pilot) -> str:
    """The nine steps: the required items typed, the rest as offered; what the last step says."""
    app = pilot.app
    assert isinstance(app.screen, WizardScreen)
    await type_into(pilot, "#f-shop_name", "Harbour IT")
    await type_into(pilot, "#f-goals", "Keep the computers of small offices in town running")
    await type_into(pilot, "#f-objectives", "Most calls fixed the same day; every customer visited once a year")
    await _keys(pilot, "ctrl+s")
    await type_into(pilot, "#f-services_offered", "Service desk")
    await type_into(pilot, "#f-customers", "Acme Ltd")
    await type_into(pilot, "#f-boundaries", "Offices in town, on site and remote")
    await type_into(pilot, "#f-technology", "Windows laptops and small office networks")
    await _keys(pilot, "ctrl+s")
    assert isinstance(app.screen, ConfirmScreen)
    await _keys(pilot, "y")
    assert app.screen.step.key == "roles"
    said = str(app.screen.query_one("#step-warnings").render())
    assert "One person writes and approves every document" in said  # asked where the roles are given
    for _step in ("roles", "policy", "approve", "experience"):
        await _keys(pilot, "ctrl+s")
    assert app.screen.step.key == "resources"
    assert "You alone approve what you write" in str(app.screen.query_one("#step-why").render())
    first_need = next(w for w in app.screen.query(Input) if (w.id or "").startswith("f-need_"))
    await type_into(pilot, f"#{first_need.id}", "Service management foundation course")
    await _keys(pilot, "ctrl+s")  # the second look as offered: the owner looks again on a later day
    assert app.screen.step.key == "documents"
    await _keys(pilot, "ctrl+s")
    assert app.screen.step.key == "improvement"  # the yearly look back: its first report planned as offered
    await _keys(pilot, "ctrl+s")
    await pilot.pause()
    # the headline under the form, what remains in the form's place
    return " ".join(" ".join(str(w.render()) for w in app.screen.query("#step-error, #setup-remaining")).split())


async def test_the_default_path_ends_with_honest_findings_only(fresh_home):
    from vse_tui.app import VseApp
    from vse_tui.cli import _parse, main
    from vse_tui.config import load_config
    from vse_tui.reports.figures import audit_review
    from vse_tui.session import open_as

    store = open_as(_parse([]))  # `vse-tui`: the default database, the real clock
    try:
        app = VseApp(store, load_config())
        async with app.run_test(size=SIZE) as pilot:
            notices = told(app)
            await first_person(pilot)
            last = await _setup_as_offered(pilot)
            # the last step says what remains, where and how: the starting texts left, the draft service
            assert "Not complete yet" in last
            for ref in ("POL-0001", "CXA-0001", "DDP-0001"):  # the customer experience approach as offered too
                assert ref in last and "the app's starting text, unchanged" in last
            assert "To edit one:" in last and "E to edit" in last
            assert "Still a draft of the catalogue: SVC-0001 Service desk" in last
            assert "ROL-0001" not in last  # the training need typed in the Resources step is on the list
            await _keys(pilot, "escape")
            # the dashboard keeps it as something to do
            await until(pilot, lambda: "setup documents still hold" in widget_text(app, "#setup"))
            todo = " ".join(widget_text(app, "#setup").split())
            assert "POL-0001, CXA-0001, DDP-0001" in todo and "g → w reopens the setup" in todo
            # the first incident, by quick capture: what the shop lacks for IN.2.1 is said once
            for summary, reach in (("Printer offline", "dana@acme.example"), ("Mail does not arrive", "")):
                await _keys(pilot, "n")
                assert isinstance(app.screen, QuickCapture)
                await type_into(pilot, "#summary", summary)
                await _keys(pilot, "tab", *"Dana Wells", "enter")
                if reach:  # a new caller: her e-mail, then her customer
                    assert app.focused.id == "reach"
                    await _keys(pilot, *reach)
                    await type_into(pilot, "#customer", "Acme")
                await type_into(pilot, "#service", "Service desk")  # the scope's one service, offered as a draft
                await _keys(pilot, "ctrl+s")
                assert not isinstance(app.screen, QuickCapture), app.screen.query_one("#error").render()
            lacking = [n for n in notices if "IN.2.1 is not fully backed yet" in n]
            assert len(lacking) == 1, notices
            for wp in ("WP.03 Customer agreement", "WP.21", "WP.10 Service catalogue", "WP.02"):
                assert wp in lacking[0]
            # the audit check on screen: the findings, then the covered approvals as mitigated
            await _keys(pilot, "e")
            await _keys(pilot, "a")
            assert isinstance(app.screen, AuditFindingsScreen)
            await until(pilot, lambda: "5 findings" in str(app.screen.query_one("#why-head").render()))
            lines = app.screen.query_one("#why-lines", OptionList)
            shown = [str(lines.get_option_at_index(i).prompt) for i in range(lines.option_count)]
            assert any(line.startswith("[mitigated] ACK-0001") for line in shown), shown
            # a finding is marked, its rule said in words below it: no rule key such as "[content]"
            assert any(line.startswith("▲ POL-0001") for line in shown), shown
            assert not any(line.startswith(("[content]", "[draft]")) for line in shown), shown
    finally:
        findings, mitigated = audit_review(store)
        store.close()

    by_rule: dict[str, set[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule or "", set()).update(f.records)
    # honest: the starting texts left unchanged, the service not yet described, and still a draft
    assert by_rule == {"content": {"POL-0001", "CXA-0001", "DDP-0001", "SVC-0001"}, "draft": {"SVC-0001"}}, \
        [f.line() for f in findings]
    # the owner's own approvals: covered by the second look, for the assessor to read
    assert len(mitigated) == 1 and mitigated[0].records[0] == "ACK-0001"
    assert {"BGO-0001", "SCO-0001", "ROL-0001", "POL-0001", "CXA-0001", "DDP-0001"} <= set(mitigated[0].records)
    assert "answered by Kim Lee" in mitigated[0].what and "second look" in mitigated[0].what

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["audit", "check"])  # as the owner types it
    text = out.getvalue()
    assert code == 1 and "5 findings" in text
    assert text.count("Next: ") == 2  # each kind of finding says what to do
    assert "Warnings answered with a compensating control (1)" in text
