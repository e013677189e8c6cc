"""`vse-tui serve` answers the person who started it, and no web page they visit meanwhile (the
second attack, row 4: a page of another site opened a WebSocket to the server and typed a new
incident into the shop's database; `--as` was dropped, the writes went to the login)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys

import pytest

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "vse_tui", "serve", "--port", str(port), "--db",
                             str(tmp_path / "shop.db"), "--as", "Sam"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    try:
        import selectors
        import time

        said, line = "", ""
        deadline = time.monotonic() + 60
        with selectors.DefaultSelector() as waiting:
            waiting.register(proc.stdout, selectors.EVENT_READ)
            while "Serving vse-tui on" not in line and time.monotonic() < deadline:
                if waiting.select(timeout=1) and (line := proc.stdout.readline()):
                    said += line
        found = re.search(r"Serving vse-tui on (http://\S+/)", said)
        assert found, said
        yield found.group(1), port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def _ws(url: str, origin: str | None) -> int:
    headers = {"Origin": origin} if origin else {}
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers, timeout=aiohttp.ClientWSTimeout(ws_close=2)) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


async def _get(url: str) -> int:
    for _ in range(100):  # the address is printed as the server starts: it listens a moment later
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_a_foreign_page_cannot_open_the_apps_websocket(server):
    url, port = server
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 24  # printed once at start: the app answers at that address only
    ws = url.replace("http://", "ws://") + "ws"
    assert asyncio.run(_get(url)) == 200
    assert asyncio.run(_get(f"http://127.0.0.1:{port}/")) == 404  # no token, no app
    assert asyncio.run(_ws(f"ws://127.0.0.1:{port}/ws", f"http://127.0.0.1:{port}")) == 404
    assert asyncio.run(_ws(ws, "https://evil.example")) == 403  # another site's page
    assert asyncio.run(_ws(ws, None)) == 403
    assert asyncio.run(_ws(ws, f"http://127.0.0.1:{port}")) == 101  # the app's own page


def test_a_name_pointed_at_this_machine_is_no_origin_of_the_app():
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 is same-origin with
    itself; the Host it names is not this machine."""
    from vse_tui.serve import same_origin

    assert same_origin("http://evil.example:8000", "evil.example:8000", "http", local_only=True)
    assert same_origin("http://localhost:8000", "localhost:8000", "http", local_only=True) is None
    assert same_origin("http://[::1]:8000", "[::1]:8000", "http", local_only=True) is None


def test_serve_keeps_the_person_given_with_as():
    from vse_tui.serve import serve_command

    command = serve_command("shop.db", "Sam Ortiz")
    assert command[-4:] == ["--db", "shop.db", "--as", "Sam Ortiz"]
