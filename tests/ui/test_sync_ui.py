"""The dashboard lists merge conflicts; Enter shows both values and the operator chooses."""

from vse_tui.core.incidents import process as core
from vse_tui.screens.common.conflict import ConflictScreen
from vse_tui.store import Actor, open_store, sync
from vse_tui.widgets.rowlist import RowList

from .conftest import SIZE


async def test_a_conflict_is_listed_on_the_dashboard_and_settled_there(make_app, tmp_path):
    shop = open_store(tmp_path / "shop.db", Actor(operator="Kim"))
    core.log_incident(shop, "Printer offline")
    sync.clone(shop, tmp_path / "tech.db", "laptop")
    tech = open_store(tmp_path / "tech.db", Actor(operator="Sam"))
    shop.update("incidents", "INC-0001", {"details": "Tray 2 only"})
    tech.update("incidents", "INC-0001", {"details": "Driver error 0x1"})
    sync.export_bundle(tech, tmp_path / "t.vsb")
    tech.close()
    sync.import_bundle(shop, tmp_path / "t.vsb")
    shop.close()

    app = make_app(tmp_path / "shop.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reviews = app.screen.query_one("#reviews", RowList)
        assert "1 merge conflict" in str(app.screen.query_one("#reviews").border_title)
        assert "Merge: INC-0001 details (changed on both sides)" in str(reviews.get_row_at(0)[1])
        reviews.focus()
        reviews.move_cursor(0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, ConflictScreen)
        assert app.store.get("incidents", "INC-0001").details == "Driver error 0x1"
        assert sync.open_conflicts(app.store) == []
        assert app.store.history(app.store.get("incidents", "INC-0001").uuid)[-1]["action"] == "resolve"
