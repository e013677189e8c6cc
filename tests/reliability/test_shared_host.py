"""Sharing one host: three command-line writers add incidents to one database while the TUI is open
on it; the TUI's next refresh shows every one of them, and nothing is lost."""

import subprocess
import sys

from vse_tui.app import VseApp
from vse_tui.config import Config
from vse_tui.store import Actor, open_store
from vse_tui.store.chain import verify
from vse_tui.widgets.paged_table import PagedTable

WRITER = ("import sys; from vse_tui.cli import main\n"
          "for i in range(5):\n"
          "    assert main(['incident', 'add', f'{sys.argv[1]} ticket {i}', '--db', sys.argv[2]]) == 0\n")


async def test_three_writers_and_a_refreshing_tui(tmp_path):
    path = tmp_path / "shared.db"
    store = open_store(path, Actor(operator="Kim"))
    app = VseApp(store, Config(operator="Kim"), open_wizard=False, ask_who=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("i")
            await pilot.pause()
            writers = [subprocess.Popen([sys.executable, "-c", WRITER, name, str(path)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True) for name in ("Alex", "Sam", "Dana")]
            for w in writers:
                _, err = w.communicate(timeout=120)
                assert w.returncode == 0, err
            app.screen._tick()  # what the refresh interval does
            await pilot.pause()
            table = app.screen.query_one("#list", PagedTable)
            shown = {str(table.get_row_at(i)[4]) for i in range(table.row_count)}
            expected = {f"{n} ticket {i}" for n in ("Alex", "Sam", "Dana") for i in range(5)}
            assert expected <= {s.strip() for s in shown}, shown
        assert store.count("incidents") == 15
        ids = sorted(r[0] for r in store.conn.execute("SELECT id FROM incidents"))
        assert ids == [f"INC-{n:04d}" for n in range(1, 16)]
        assert verify(store) == []
    finally:
        store.close()
