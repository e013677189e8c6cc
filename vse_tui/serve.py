"""Serving the app in a browser (`vse-tui serve`, textual-serve) to the person who started it, and
to no web page they happen to visit meanwhile.

- Every address of the app holds a secret token (`/TOKEN/`), printed once when the server starts:
  a page elsewhere cannot guess where the app is.
- The app's WebSocket (which types into the shop's database) is opened only from the app's own
  page: a request whose Origin is another site's (a page open in another tab) is refused, and so
  is one whose Host is not this machine when the server listens on this machine only (a DNS name
  pointed at 127.0.0.1 by an attacker).
- The app runs as the person `--as` names, as it does in a terminal.
"""

from __future__ import annotations

import secrets
import shlex
import sys
from typing import Any
from urllib.parse import urlsplit

from vse_tui.i18n import _

LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


def serve_command(db: str | None, as_person: str | None) -> list[str]:
    """The command each browser session runs: the app on the same database, as the same person."""
    command = [sys.executable, "-m", "vse_tui"]
    if db:
        command += ["--db", db]
    if as_person:
        command += ["--as", as_person]
    return command


def same_origin(origin: str | None, host: str | None, scheme: str, local_only: bool) -> str | None:
    """None when a WebSocket request comes from the app's own page; else why it is refused."""
    if not origin or not host:
        return _("the request names no origin (only the app's own page may open it)")
    if origin.rstrip("/") != f"{scheme}://{host}":
        return _("the request comes from another site ({origin})").format(origin=origin)
    name = urlsplit(f"{scheme}://{host}").hostname or ""
    if local_only and name not in LOCAL_NAMES:
        return _("the request names a host that is not this machine ({host})").format(host=host)
    return None


def make_server(command: list[str], host: str, port: int, token: str | None = None, local_only: bool = True) -> Any:
    """A textual-serve server whose addresses all hold `token` (a new random one by default) and whose
    WebSocket takes requests from its own page only."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.server import Server

    secret = token or secrets.token_urlsafe(24)

    class GuardedServer(Server):
        token = secret

        async def _make_app(self) -> web.Application:
            app = web.Application()
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes([
                web.get(f"/{secret}/", self.handle_index, name="index"),
                web.get(f"/{secret}/ws", self.handle_websocket, name="websocket"),
                web.get(f"/{secret}/download/{{key}}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ])
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            why = same_origin(request.headers.get("Origin"), request.headers.get("Host"), request.scheme, local_only)
            if why:
                raise web.HTTPForbidden(text=_("vse-tui: refused: {reason}").format(reason=why) + "\n")
            return await super().handle_websocket(request)

        async def on_startup(self, app: web.Application) -> None:
            print(_("Serving vse-tui on {public_url}/{secret}/\nOpen that address in your browser; the app answers "
                    "there only (keep it to yourself). Ctrl+C stops it.").format(public_url=self.public_url, secret=secret), flush=True)

    return GuardedServer(shlex.join(command), host=host, port=port, title="vse-tui")


__all__ = ["make_server", "same_origin", "serve_command"]
