"""The Governance screen: GO work products open, edit as new versions, re-approve; role warnings show."""

from textual.widgets import OptionList

from vse_tui.screens.common.record import RecordScreen
from vse_tui.screens.common.versions import VersionsScreen
from vse_tui.widgets.rowlist import RowList

from .conftest import SIZE


async def test_edit_a_policy_makes_a_new_version_and_it_can_be_reapproved(make_app, demo_db):
    app = make_app(demo_db)
    store = app.store
    before = store.latest("policies")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(before.id)
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("E")
        await pilot.pause()
        area = app.screen.query_one("#f-objectives")
        area.text = "Restore 97% of incidents within target."
        await pilot.press("ctrl+s")
        await pilot.pause()
        after = store.latest("policies")
        assert after.version == before.version + 1
        assert after.objectives == "Restore 97% of incidents within target."
        assert after.status == "updated"
        last = store.history(after.uuid)[-1]
        assert (last["field"], last["old_value"], last["task"]) == ("objectives", before.objectives, "GO.2.4")
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VersionsScreen)
        await pilot.press("escape", "a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        approved = store.latest("policies")
        assert len(approved.approvals) == len(before.approvals) + 1
        assert approved.approvals[-1].by == "Kim Lee"


async def test_role_warnings_show_where_roles_are_listed(make_app, demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        kinds = app.screen.query_one("#kinds", OptionList)
        kinds.highlighted = 4  # role assignments
        await pilot.pause()
        about = str(app.screen.query_one("#about").render())
        assert "Sam Ortiz" in about and "acknowledged" in about
        assert app.screen.query_one("#records", RowList).row_count == 10  # Kim 3, Sam 5 (her deputy: SM and CM too), Alex 2


async def test_role_warnings_and_record_titles_name_the_roles_in_words(make_app, demo_db):
    """The warning under the role assignments names its roles ("(Gestionnaire des incidents et ...)"),
    never by the standard's codes ("(IM et PT)"); an acknowledgement's and a role assignment's
    screens are headed by the rule's and the role's names, not the codes they store."""
    import re

    from vse_tui import i18n

    app = make_app(demo_db)
    i18n.set_language("fr")
    heads = {}
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("g")
            await pilot.pause()
            app.screen.query_one("#kinds", OptionList).highlighted = 4  # role assignments
            await pilot.pause()
            about = str(app.screen.query_one("#about").render())
            for ref in ("ACK-0002", "RA-0009"):
                app.open_record(ref)
                await pilot.pause()
                heads[ref] = str(app.screen.query_one("#head").render()).splitlines()[0]
                await pilot.press("escape")
            from vse_tui.screens.evidence.why import TaskWhyScreen

            app.push_screen(TaskWhyScreen("IN.2.1"))  # the task's roles and statuses in words, French spacing
            await pilot.pause()
            why = str(app.screen.query_one("#why-head").render()) + "\n" + "\n".join(
                str(option.prompt) for option in app.screen.query_one("#why-lines").options)
    finally:
        i18n.set_language("en")
    assert "Praticien : Sam Ortiz" in why and " ; trouvé : brouillon" in why, why
    assert not re.search(r"\b(PT|CUS|SUP)\b", why) and "ouverture" not in why and "é; " not in why, why
    assert heads["ACK-0002"].startswith("ACK-0002  Un gestionnaire ne devrait pas être aussi praticien"), heads
    assert heads["RA-0009"].startswith("RA-0009  Alex Moreau : Praticien des incidents"), heads
    warned = [line for line in about.splitlines() if line.startswith("▲")]
    assert warned, about
    for line in warned:
        assert not re.search(r"\b(SM|CM|IM|RM|PT|MGT)\b", line), line
    assert any("Praticien" in line or "Gestionnaire" in line for line in warned), warned


async def test_acknowledging_a_warning_records_the_check_chosen_so_it_counts_in_any_language(make_app, tmp_path):
    """The acknowledgement form offers the checks the app counts: the one chosen is kept with the
    mitigation, which then counts whatever words it is written in (a French mitigation was not)."""
    from textual.widgets import Select

    from vse_tui.core.evidence.duties import acknowledgement_problem
    from vse_tui.core.governance.roles import add_person

    app = make_app(tmp_path / "shop.db")
    store = app.store
    add_person(store, "Sam Ortiz", roles="CM,IM")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one("#kinds", OptionList).highlighted = 4  # role assignments
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        app.screen.query_one("#f-mitigation").text = "Kim revoit en détail chaque mise en service."
        app.screen.query_one("#f-check", Select).value = "change-review"
        await pilot.press("ctrl+s")
        await pilot.pause()
    ack = store.records("acknowledgements")[-1]
    assert (ack.mitigation, ack.check) == ("Kim revoit en détail chaque mise en service.", "change-review")
    assert acknowledgement_problem(store, ack) is None
