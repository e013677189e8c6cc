"""The evidence map's "why" screen says when a task was last performed in the person's time zone
and language, not as the moment is stored (UTC ISO 8601)."""

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from vse_tui import i18n
from vse_tui.core.evidence.tasks import evidence_map
from vse_tui.screens.evidence.why import TaskWhyScreen
from vse_tui.store import Actor, open_store

from .conftest import SIZE


async def test_last_performed_in_local_time_as_the_language_writes_it(make_app, demo_db, monkeypatch):
    store = open_store(demo_db, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    at = next(t for t in evidence_map(store) if t.task == "GO.2.2").evidence["at"]
    store.close()
    monkeypatch.setenv("TZ", "Pacific/Auckland")  # UTC+12, +13 in the southern summer
    time.tzset()
    try:
        local = datetime.fromisoformat(at).astimezone(ZoneInfo("Pacific/Auckland"))
        i18n.set_language("es")
        app = make_app(demo_db)
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(TaskWhyScreen("GO.2.2"))
            await pilot.pause()
            head = str(app.screen.query_one("#why-head").render())
        assert local.strftime("%d/%m/%Y %H:%M") in head, (at, head)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", head)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
        i18n.set_language("en")
