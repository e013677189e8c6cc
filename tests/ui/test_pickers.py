"""Every link is picked from a list that narrows as you type: items, related incidents, a service's
dependencies, a person's organisation. Never an id typed from memory."""

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
