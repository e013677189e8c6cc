"""A few thousand random keys across every screen: the app never crashes and the database stays
consistent (its history chain verifies and every record matches its history)."""

import asyncio
import os
import random
import time

from textual import events
from textual.keys import _character_to_key

from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store
from vse_tui.store.chain import verify

KEYS = list("dgcrinkmtxhwleoaveftspubjyoz[]/?0123456789 -_") + [
    "enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "pageup", "pagedown", "home", "end",
    "ctrl+s", "ctrl+n", "ctrl+b", "ctrl+r", "ctrl+k", "backspace", "space", "y", "n",
]
COUNT = int(os.environ.get("VSE_FUZZ_KEYS", "2000"))


async def caught_up(app, pilot, timeout: float = 300.0) -> None:
    """Wait until the app has handled every key sent so far, however busy the machine: a marker sent
    after them the same way (the driver's queue keeps their order) runs once they are all through;
    then the screen finishes what they started. (A pause alone returns when the process looks idle:
    on a loaded machine keys were still queued when the test ended, and the app's shutdown met them
    with no screen left.)"""
    through = asyncio.Event()
    app._driver.send_message(events.Callback(callback=through.set))
    end = time.monotonic() + timeout
    while not through.is_set() and app.is_running and app._exception is None:  # a crash ends the wait
        assert time.monotonic() < end, "the app did not catch up with the keys in time"
        await asyncio.sleep(0.02)
    await pilot.pause()


async def test_random_keys_never_crash_the_app(demo_db, monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")  # keys, not animations, are under test
    store = open_store(demo_db, Actor(operator="Fuzz"))
    app = VseApp(store, Config(operator="Fuzz"))
    app.animation_level = "none"
    rng = random.Random(int(os.environ.get("VSE_FUZZ_SEED", "29110")))
    sent = 0
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(COUNT // 10):
                keys = [rng.choice(KEYS) for _ in range(10)]
                for key in keys:  # as a fast typist would: events queue up, then the app catches up
                    name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
                    app._driver.send_message(events.Key(name, key if len(key) == 1 else None))
                await caught_up(app, pilot)
                sent += len(keys)
                assert app.is_running, f"the app stopped after {sent} keys"
        assert app.return_code in (None, 0)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert verify(store) == []
    finally:
        store.close()
    print(f"keys sent: {sent}")
