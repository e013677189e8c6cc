"""The key bar at the bottom, rebuilt once per burst of binding changes, only while its screen
is the one shown and only when the keys it shows changed (Textual's Footer rebuilds every key on each change: a screen switch made it
rebuild a dozen times, hidden screens included)."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    _pending = False
    _stale = False

    _shown: tuple | None = None

    def _signature(self) -> tuple:
        return tuple((b.key, b.description, enabled, tooltip) for (_, b, enabled, tooltip)
                     in self.screen.active_bindings.values() if b.show)

    async def recompose(self) -> None:
        self._pending = self._stale = False
        if not self._bindings_ready:
            return
        shown = self._signature()
        if shown == self._shown and self.children:
            return  # the same keys as on screen now: nothing to rebuild
        self._shown = shown
        await super().recompose()

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if screen is not self.app.screen:
            self._stale = True  # rebuilt when its screen comes back
            return
        self._schedule()

    def refresh_if_stale(self) -> None:
        if self._stale:  # scheduled from the footer's own message loop, where its keys bind to it
            self.call_later(self._schedule)

    def _schedule(self) -> None:
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self.recompose)
