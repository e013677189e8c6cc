"""The command palette's record finder: an exact id (or an old number, or a ticket key from the
tool a record was imported from) first, then records whose id, title or keys hold every word,
answered by the store's full-text index. User text is shown as typed, never read as markup."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets.option_list import Option

from vse_tui.core.incidents.queries import external_refs
from vse_tui.core.kernel.text import one_line
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.present.display import title_words
from vse_tui.i18n import N_, _

if TYPE_CHECKING:
    from vse_tui.app import VseApp


def highlight(matcher, text: str) -> Content:
    """`text` as plain content (never markup), with the characters the query matched marked."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class RecordsProvider(Provider):
    """Records matching an id (INC-0042) or words of their title ("printer")."""

    if TYPE_CHECKING:  # the palette of the one app
        @property
        def app(self) -> VseApp: ...

    async def search(self, query: str) -> Hits:
        query = query.strip()
        if len(query) < 2:
            return
        matcher = self.matcher(query)
        store = self.app.store
        found = store.search(query, limit=40)
        # the key an incident had in the tool it came from, said on its line
        incidents = [u for kind, u, _rid, _title in found if kind == "incidents"]
        keys = external_refs(store, incidents)
        for rank, (kind, uuid, rid, title) in enumerate(found):
            label = BY_KIND[kind].LABEL
            text = one_line(f"{rid}  {title_words(kind, title)}")  # a stored code (a rule, a role) in words
            if keys.get(uuid):
                text += one_line("  " + _("(was {key})").format(key=keys[uuid]))
            exact = rid.lower() == query.lower() or (keys.get(uuid) or "").lower() == query.lower()
            # an exact id first; else a command whose name matches as well comes before a record
            score = 1.0 if exact else 0.9 * (1.0 if rank == 0 and not matcher.match(text) else (matcher.match(text) or 0.5))
            yield Hit(score, highlight(matcher, text), partial(self.app.open_record, rid), text=text,
                      help=_("Open this record ({kind})").format(kind=_(label).lower()))

    async def discover(self) -> Hits:
        yield DiscoveryHit(_("Find a record"), lambda: None, help=_("Type an id such as INC-0042, or words of a title"))


NO_MATCHES = N_("No matches found")


class Palette(CommandPalette):
    """Textual's command palette, its one line of its own words ("No matches found", written in
    Textual's method with no attribute to set it) in the language spoken. The method is Textual
    8.2.8's (the version pinned), its text the only change."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:  # searching for something: say that nothing was found
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_(NO_MATCHES), style="not bold")), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:  # discovery (nothing typed): no commands to show is nothing to say
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)
