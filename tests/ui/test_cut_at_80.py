"""What is cut at 80x24 in a longer language: the top bar keeps the screen's name whole (a record
kind's name is long in French), the performance screen names the incidents without a customer
in the language, and an incident's targets say what they allow and when they fall due."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from vse_tui import i18n
from vse_tui.widgets.topbar import TopBar

from .conftest import until, widget_text

LANGUAGES = ["es", "pt_BR", "fr"]


@pytest.fixture
def speaking():
    yield i18n.set_language
    i18n.set_language("en")


class _Bar(App):
    shop_name, operator, db_label, store = "Harbour Lane IT", "Kim Lee", "harbour.db", None

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield TopBar(self.title_text)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_top_bar_keeps_every_screens_name_whole_at_80(lang, speaking):
    from vse_tui.core.model.records import BY_KIND

    speaking(lang)
    titles = sorted({i18n._(model.LABEL) for model in BY_KIND.values()} | {i18n._("Service performance")}, key=len)
    for title in titles[-3:]:  # the longest names of the language
        app = _Bar(title)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            line = app.query_one(TopBar).content
            assert title in line.plain and line.cell_len <= 78, (title, line.plain)


async def test_the_top_bar_says_everything_when_there_is_room(speaking):
    speaking("fr")
    app = _Bar("Tableau de bord")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        plain = app.query_one(TopBar).content.plain
        assert "Harbour Lane IT" in plain and "harbour.db" in plain and "…" not in plain


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_performance_screen_at_80x24_in_the_language(lang, speaking, make_app, demo_db):
    from vse_tui.screens.relationship.records import PerformanceScreen

    speaking(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PerformanceScreen())
        await until(pilot, lambda: isinstance(app.screen, PerformanceScreen) and app.screen.report is not None)
        await pilot.pause()
        width = app.screen.query_one("#perf-table").region.width
        table = widget_text(app, "#perf-table", width=width)
        charts = widget_text(app, "#perf-charts", width=width)
    assert "(no customer)" not in table and "(no service)" not in charts
    assert i18n._("(no customer)") in table and i18n._("(no service)") in charts
    assert "…" not in table  # every heading and figure reads whole
    for heading in ("response\nmet", "resolved\nin time", "mean to\nresolve", "changes\n/failed", "not\nbillable"):
        for part in i18n._(heading).split("\n"):
            assert part.strip() in table, (part, table)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_an_incidents_targets_say_what_they_allow_and_when_they_fall_due(lang, speaking, make_app, demo_db):
    speaking(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_record("INC-0301")  # the demo's newest: open, its targets still running
        await until(pilot, lambda: type(app.screen).__name__ == "IncidentDetailScreen" and app.screen.incident)
        await pilot.pause()
        head = " ".join(widget_text(app, "#head", width=78).split())
    target = i18n._("resolve within {target}:").split("{")[0].strip()
    due = i18n._("due in {duration}").split("{")[0].strip()
    assert target in head and due in head, head
    assert "quedan" not in head and "restam" not in head and "restant" not in head


@pytest.mark.parametrize("lang", ["fr", "es"])
async def test_an_incident_s_own_keys_keep_their_words_before_the_app_s_at_80(lang, speaking, make_app, demo_db):
    """At 80x24 in a longer language the incident's own keys (its next steps first) keep their
    words, on as many rows as they need; the app's keys, the same on every screen, go before an own
    key loses its words. Every own key is drawn, and `?`, which lists them all; no key alone."""
    from vse_tui.screens.incidents.detail import IncidentDetailScreen
    from vse_tui.widgets.footer import KeyFooter

    speaking(lang)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        open_one = next(iter(app.store.records("incidents", {"state": "in progress"})))
        app.open_record(open_one.id)
        await until(pilot, lambda: isinstance(app.screen, IncidentDetailScreen) and app.screen.incident)
        footer = app.screen.query_one(KeyFooter)
        await until(pilot, lambda: bool(footer.keys))
        line = footer.render().plain
        own = [key for key in footer.keys if key.own and key.enabled]
        drawn = [key for _row, _start, _end, key in footer._spans]
        assert {k.key for k in own} <= {k.key for k in drawn}, line
        assert "question_mark" in {k.key for k in drawn}, line
        worded = [key for key in drawn if f" {key.display} {key.description} " in f"{line} "]
        assert worded and worded[0] == own[0], line  # the next step says what it does
        assert not [key for key, words in footer.drawn if not words], line  # no key drawn alone
        assert all(len(row) <= 80 for row in line.splitlines())


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
async def test_the_setup_step_list_keeps_each_title_apart_from_its_code(lang, speaking, make_app, tmp_path):
    """A step's title longer than its column ("Metas del negocio") ran into its code
    ("Metas del negocioWP.01") in the list beside the setup's steps."""
    from vse_tui.core.governance import process as gov
    from vse_tui.screens.governance.wizard import WizardScreen

    speaking(lang)
    app = make_app(tmp_path / "shop.db", open_wizard=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        shown = " ".join(widget_text(app, "#step-list").split())
        for step in gov.STEPS:
            title, code = i18n._(step.title), step.shown_code
            assert f"{title} {code}" in shown, (title, code, shown)
