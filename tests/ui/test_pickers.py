"""Every link is picked from a list that narrows as you type: items, related incidents, a service's
dependencies, a person's organisation. Never an id typed from memory."""

from textual.widgets import Input

from vse_tui.widgets.picker import Picker

from .conftest import SIZE, type_into, until


async def test_classify_picks_items_and_related_incidents(make_app, demo_db):
    app = make_app(demo_db)
    store = app.store
    inc = next(i for i in store.records("incidents", {"status__ne": "closed"}) if not i.related_incidents)
    other = next(i for i in store.records("incidents", {"status": "closed"}, limit=1))
    item = next(iter(store.records("configuration_items", limit=1)))
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await until(pilot, lambda: getattr(app.screen, "incident", None) is not None)
        await pilot.press("k")
        await until(pilot, lambda: type(app.screen).__name__ == "FormScreen")
        items, related = app.screen.query_one("#f-cis", Picker), app.screen.query_one("#f-related", Picker)
        assert items.multiple and related.multiple
        assert [v for v, _label in items.search(item.title_text.split()[0]) if v == item.id]  # narrows as typed
        await type_into(pilot, "#f-related", other.id)
        chosen = [app.screen.query_one("#f-cis", Picker).value, related.value]
        if item.id not in chosen[0]:
            items.value = [*chosen[0], item.id]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "IncidentDetailScreen")
    done = store.get("incidents", inc.id)
    assert other.uuid in done.related_incidents and item.uuid in done.cis


async def test_a_person_s_organisation_and_a_service_s_dependencies_are_picked(make_app, demo_db):
    app = make_app(demo_db)
    store = app.store
    person = next(p for p in store.records("people", {"affiliation": "customer"}))
    supplier = next(iter(store.records("suppliers", limit=1)))
    service = next(iter(store.records("services", limit=1)))
    item = next(iter(store.records("configuration_items", limit=1)))
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(person.id)
        await until(pilot, lambda: getattr(app.screen, "ref", None) == person.id)
        await pilot.press("E")
        await until(pilot, lambda: type(app.screen).__name__ == "FormScreen")
        org = app.screen.query_one("#f-organisation", Picker)
        labels = [label for _v, label in org.search("")]
        assert any(supplier.name in label for label in labels) and any("(customer" not in label for label in labels)
        assert len(org.search(supplier.name.split()[0])) >= 1
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ != "FormScreen")
        if type(app.screen).__name__ == "ConfirmScreen":
            await pilot.press("y")
        app.pop_screen()
        app.open_record(service.id)
        await until(pilot, lambda: getattr(app.screen, "ref", None) == service.id)
        await pilot.press("E")
        await until(pilot, lambda: type(app.screen).__name__ == "FormScreen")
        deps = app.screen.query_one("#f-dependencies", Picker)
        found = deps.search(item.title_text)
        assert found and found[0][0] == item.id  # any record, found by its words


async def test_an_item_met_for_the_first_time_is_made_from_the_picker(make_app, demo_db):
    """Classifying an incident on an item the shop has not recorded yet: the picker's "new item"
    line opens the item's own form (the name typed already in it), saves the item and picks it;
    the incident form stays open with what was typed in it."""
    from vse_tui.widgets.picker import NEW

    app = make_app(demo_db)
    store = app.store
    inc = next(i for i in store.records("incidents", {"status__ne": "closed"}) if not i.cis)
    before = len(list(store.records("configuration_items")))
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await until(pilot, lambda: getattr(app.screen, "incident", None) is not None)
        await pilot.press("k")
        await until(pilot, lambda: type(app.screen).__name__ == "FormScreen")
        form = app.screen
        form.query_one("#f-category", Input).value = "printing"
        items = form.query_one("#f-cis", Picker)
        items.focus()
        await pilot.pause()
        for key in "Zebra":
            await pilot.press(key)
        await until(pilot, lambda: items.expanded and items.matches and items.matches[-1][0] is NEW)
        await pilot.pause()
        assert "+ " + _new_label() in items.render().plain  # the line is drawn under the matches
        while items.matches[items.cursor][0] is not NEW:
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is not form and type(app.screen).__name__ == "FormScreen")
        assert app.screen.query_one("#f-name", Input).value == "Zebra"
        app.screen.query_one("#f-name", Input).value = "Zebra label printer"
        await type_into(pilot, "#f-description", "The label printer at the counter")
        await type_into(pilot, "#f-ci_type", "hardware")
        await type_into(pilot, "#f-owner", "the shop")
        await type_into(pilot, "#f-location", "counter")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is form)
        made = next(c for c in store.records("configuration_items") if c.name == "Zebra label printer")
        assert items.value == [made.id] and made.id in items.render().plain + items.label_of(made.id)
        assert form.query_one("#f-category", Input).value == "printing"  # nothing typed was lost
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ == "IncidentDetailScreen")
    assert len(list(store.records("configuration_items"))) == before + 1
    assert made.uuid in store.get("incidents", inc.id).cis
    assert store.history(made.uuid)  # made through the store's one write path, with its history row


def _new_label() -> str:
    from vse_tui.i18n import _
    from vse_tui.screens.common.forms import CREATED_IN_PICKER

    return _(CREATED_IN_PICKER["configuration_items"])
