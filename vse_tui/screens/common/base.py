"""What every process screen shares: the top bar, the footer, refresh on focus and on a timer."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypeVar

from textual import getters
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from vse_tui.i18n import _, ngettext
from vse_tui.widgets.footer import KeyFooter
from vse_tui.widgets.keys import key_of
from vse_tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from vse_tui.app import VseApp
    from vse_tui.store.db import Store

REFRESH_SECONDS = 10


class BaseScreen(Screen[None]):
    TITLE_TEXT = ""

    if TYPE_CHECKING:  # every screen runs in the one app: its store, config and person are typed
        app = getters.app(VseApp)

    def compose_top(self) -> ComposeResult:
        yield TopBar(_(self.TITLE_TEXT) if self.TITLE_TEXT else "", id="topbar")

    def compose_footer(self) -> ComposeResult:
        yield KeyFooter()

    _last_load = 0.0

    NARROW = 100  # columns: below, a screen lays its panels out for a small terminal (class -narrow)
    STACK_BELOW = 0  # columns: below, a record's fields stand above its history (class -stacked)
    SHORT = 30  # rows: below, boxes that can grow long (warnings) keep to a few lines and scroll (class -short)

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")
        self.set_class(event.size.width < self.STACK_BELOW, "-stacked")
        self.set_class(event.size.height < self.SHORT, "-short")

    def on_mount(self) -> None:
        self.title = _(self.TITLE_TEXT) if self.TITLE_TEXT else ""
        self._reload()
        self.set_interval(REFRESH_SECONDS, self._tick)

    def on_screen_resume(self) -> None:
        for footer in self.query(KeyFooter):
            footer.refresh_if_stale()
        for bar in self.query(TopBar):  # the shop's name or the person may have changed meanwhile
            bar.refresh_text()
        # Coming back to a screen shows what others wrote meanwhile; not twice on first show.
        if time.monotonic() - self._last_load > 1.0:
            self._reload()

    def _tick(self) -> None:
        """The refresh timer: the screen on top re-reads. A tick that comes while the app is closing
        (its screens already gone, on a busy machine) has nothing to refresh."""
        stack = self.app.screen_stack
        if stack and stack[-1] is self:
            self._reload()

    def _reload(self) -> None:
        self._last_load = time.monotonic()
        self.reload()

    def reload(self) -> None:
        """Re-read what the screen shows from the database (cheap, indexed queries)."""

    @property
    def store(self) -> Store:
        return self.app.store

    next_actions: tuple[str, ...] = ()  # the actions of the steps possible now: first in the key bar

    def key_for(self, action: str) -> str:
        """The key that runs `action` on this screen as the user's keymap has it (for hints)."""
        return key_of(self, action)

    def run_apart(self, compute, show, group: str, exit_on_error: bool = True) -> None:
        """`compute(store)` in a thread on its own read connection (an SQLite connection stays in
        its thread), then `show(result)` on the screen; a newer run of the group replaces it."""

        def work() -> None:
            store = self.store.reopen()
            try:
                result = compute(store)
            finally:
                store.close()
            self.app.call_from_thread(show, result)

        self.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=exit_on_error)

    _reads_apart: set[str] | None = None  # the groups of `read_apart` under way

    def read_apart(self, compute, show, group: str, failed) -> bool:
        """`run_apart` for a long read shown on this screen, once at a time: asked again while one
        runs (a refresh), it is not started twice (returns False); an error is handed to
        `failed(text)` instead of stopping the app; a screen closed meanwhile shows nothing."""
        if self._reads_apart is None:
            self._reads_apart = set()
        running = self._reads_apart
        if group in running:
            return False
        running.add(group)

        def guarded(apart):
            try:
                return compute(apart), None
            except Exception as exc:  # noqa: BLE001 - shown by `failed`; the next refresh tries again
                return None, str(exc)

        def done(outcome) -> None:
            from textual.css.query import NoMatches

            running.discard(group)
            result, error = outcome
            try:
                if error is None:
                    show(result)
                else:
                    failed(error)
            except NoMatches:  # the screen was closed meanwhile
                pass

        self.run_apart(guarded, done, group, exit_on_error=False)
        return True

    def send_outbox_apart(self) -> None:
        """Deliver the outbox apart from the screen (send = "now"); say how it went, then reload."""

        # here, not at the top: it loads smtplib and the email package, which no start needs
        from vse_tui.mailer import send_outbox

        settings = self.app.config.mail_settings

        def compute(apart):
            try:
                return send_outbox(apart, settings)
            except Exception as exc:  # noqa: BLE001 - shown; the message stays queued
                return 0, [str(exc)]

        def show(result) -> None:
            sent, errors = result
            if errors:
                self.notify(_("Queued; not sent yet: {error}").format(error=errors[0]), severity="warning", timeout=10)
            elif sent:
                self.notify(ngettext("{n} message sent", "{n} messages sent", sent).format(n=sent), title=_("Mail"))
            self.reload()

        self.run_apart(compute, show, "mail-send", exit_on_error=False)


class SearchableList(BaseScreen):
    """A screen with one list and a search box that `/` opens: filters as you type, Enter or Esc
    goes back to the list. Subclasses name the list (LIST_ID) and refill it in `search_changed`."""

    LIST_ID = ""
    search_text = ""

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("visible")
        box.value = self.search_text
        box.focus()

    def action_close_search(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_class("visible"):
            box.remove_class("visible")
            self.query_one(f"#{self.LIST_ID}").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.search_text = event.value.strip()
            self.search_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.search_text = event.value.strip()
            event.input.remove_class("visible")
            self.search_changed()
            self.query_one(f"#{self.LIST_ID}").focus()

    def search_changed(self) -> None:
        """Refill the list for the new search text."""


Answer = TypeVar("Answer")


class OnceModal(ModalScreen[Answer]):
    """A modal that answers once: keys queued by a fast typist after the first answer are ignored
    (Textual would otherwise deliver a second result and pop the screen beneath)."""

    if TYPE_CHECKING:  # every screen runs in the one app: its store, config and person are typed
        app = getters.app(VseApp)

    _answered = False

    def key_for(self, action: str) -> str:
        """The key that runs `action` here as the user's keymap has it (for the hints)."""
        return key_of(self, action)

    def dismiss(self, result: Answer | None = None) -> AwaitComplete:
        if self._answered or self.app.screen is not self:
            return AwaitComplete.nothing()  # refused; still something a caller may await
        self._answered = True
        return super().dismiss(result)


def after_typing(screen: Screen, callback) -> None:
    """Run `callback` once the keys already sent to `screen` are all handled. A terminal delivers a
    burst of keys (a fast typist, SSH) before the app handles the first, and a save bound to ctrl+s
    is handled at once: without this it could read a field whose last keys still wait in a queue.
    Each widget's queue is first in, first out, so a callback queued behind the keys runs after
    them; a key a widget leaves to a binding bubbles up one parent (one queue) at a time, so the
    rounds are as many as the widgets are deep."""
    widgets = [w for w in screen.query("*") if w.focusable]
    nodes: list = []
    for widget in widgets:
        for node in widget.ancestors_with_self:
            if node not in nodes:
                nodes.append(node)
    if not nodes:
        callback()
        return
    depth = max(len(w.ancestors_with_self) for w in widgets) if widgets else 1

    def run_round(left: int) -> None:
        if left <= 0:
            if screen.is_attached and screen in screen.app.screen_stack:  # not closed meanwhile
                callback()
            return
        pending = set(range(len(nodes)))

        def done(n: int) -> None:
            pending.discard(n)
            if not pending:
                run_round(left - 1)

        for n, node in enumerate(nodes):
            node.call_later(done, n)

    run_round(depth)


def go_back(screen: Screen) -> None:
    """Pop `screen` if it is still the one on top (a queued second Esc must not pop another)."""
    if screen.app.screen is screen and len(screen.app.screen_stack) > 1:
        screen.app.pop_screen()
