"""Everything stored is shown: each field a person fills, of each kind of record, is on the
record's screen and in `vse-tui record show`; a mail reply's words, the resources said when a
change was scheduled (carried into its design), the key an incident had in the tool it came from."""

from pydantic import ValidationError

from vse_tui.cli import main
from vse_tui.core.kernel.errors import VseError
from vse_tui.core.model.records import BY_KIND
from vse_tui.core.present.fields import field_specs

from .conftest import SIZE, until, widget_text


def _screen_text(app) -> str:
    parts = []
    for name in ("#head", "#fields"):
        if app.screen.query(name):
            parts.append(widget_text(app, name, width=400))
    return " ".join(" ".join(parts).split())


def _marked(store) -> dict[str, dict[str, str]]:
    """For each kind the demo holds: its first record's every typed field set to a word of its own."""
    marked: dict[str, dict[str, str]] = {}
    n = 0
    for kind in sorted(BY_KIND):
        rec = next(iter(store.records(kind, limit=1)), None)
        if rec is None or not rec.id:
            continue
        for spec in field_specs(kind, include_state=False):
            if spec.how not in ("line", "text") or spec.name in ("email",):
                continue
            n += 1
            word = f"zqm{n}x"
            try:
                store.update(kind, rec.uuid, {spec.name: word}, task=None)
            except (ValidationError, VseError, ValueError):
                continue  # a field with its own form (an address, a code): not free text
            marked.setdefault(rec.id, {})[spec.name] = word
    return marked


async def test_every_typed_field_of_every_kind_is_on_its_screen_and_in_show(make_app, demo_db, capsys):
    app = make_app(demo_db)
    marked = _marked(app.store)
    assert len(marked) >= 20 and sum(len(v) for v in marked.values()) >= 60
    missing = []
    async with app.run_test(size=SIZE) as pilot:
        for rid, fields in marked.items():
            app.open_record(rid)
            await until(pilot, lambda rid=rid: getattr(app.screen, "ref", None) in (rid,) and app.screen.query("#fields"))
            await pilot.pause()
            text = _screen_text(app)
            missing += [f"screen {rid} {name}" for name, word in fields.items() if word not in text]
            app.pop_screen()
            await pilot.pause()
    for rid, fields in marked.items():
        assert main(["record", "show", rid, "--db", str(demo_db)]) == 0
        out = capsys.readouterr().out.split("\nhistory:", 1)[0]  # the record itself, not its history
        missing += [f"show {rid} {name}" for name, word in fields.items() if word not in out]
    assert not missing, missing


async def test_a_mail_reply_s_words_are_on_the_incident_and_in_its_history(make_app, demo_db, tmp_path, capsys):
    from vse_tui.widgets.history import HistoryTable

    reply = tmp_path / "reply.eml"
    reply.write_text("From: Marco Rossi <marco@bolt.example>\nTo: help@harbourlane.example\n"
                     "Subject: Re: [INC-0300] Mail server down\nDate: Mon, 07 Dec 2026 08:10:00 +0000\n"
                     "Message-ID: <reply-1@bolt.example>\nContent-Type: text/plain; charset=utf-8\n\n"
                     "Mail works again on my laptop but Anna still cannot send from her phone.\n", encoding="utf-8")
    assert main(["mail", "import", str(reply), "--db", str(demo_db)]) == 0
    assert main(["incident", "show", "INC-0300", "--db", str(demo_db)]) == 0
    shown = capsys.readouterr().out
    history = shown.split("history:", 1)[1]
    assert "Anna still cannot send" in shown.split("history:", 1)[0]
    assert "Anna still cannot send" in history  # the history says what the reply said, not "1 entry"
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_record("INC-0300")
        await until(pilot, lambda: getattr(app.screen, "ref", None) == "INC-0300")
        await pilot.pause()
        assert "Anna still cannot send from her phone" in _screen_text(app)
        table = app.screen.query_one("#history", HistoryTable)
        cells = " ".join(str(table.get_row_at(i)[3]) for i in range(table.row_count))
        assert "Anna still cannot send" in " ".join(cells.split())


async def test_the_resources_said_when_scheduling_show_and_go_into_the_design(make_app, demo_db, capsys):
    from vse_tui.core.control.changes import design, schedule

    app = make_app(demo_db)
    store = app.store
    change = next(c for c in store.records("change_requests", {"status": "approved"})
                  if c.state in ("requested", "scheduled"))
    schedule(store, change.id, "2026-12-19 07:00", "2026-12-19 09:00", "Sam on site; spare switch from stock")
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(change.id)
        await until(pilot, lambda: getattr(app.screen, "ref", None) == change.id)
        await pilot.pause()
        assert "resources: Sam on site; spare switch from stock" in _screen_text(app)
        await pilot.press("w")  # the design's form offers what was said
        await until(pilot, lambda: type(app.screen).__name__ == "FormScreen")
        assert app.screen.query_one("#f-resources").text == "Sam on site; spare switch from stock"
    assert main(["record", "show", change.id, "--db", str(demo_db)]) == 0
    assert "resources: Sam on site; spare switch from stock" in capsys.readouterr().out
    made = design(store, change.id, who=store.actor.person, scope="Swap the switch")  # typed nowhere: carried
    assert made.resources == "Sam on site; spare switch from stock"


async def test_an_imported_incident_shows_its_old_key_on_screen_and_in_the_palette(make_app, demo_db):
    app = make_app(demo_db)
    store = app.store
    inc = next(iter(store.records("incidents", limit=1)))
    store.update("incidents", inc.uuid, {"external_ref": "HD-4711", "source_status": "Awaiting parts"}, task=None)
    async with app.run_test(size=SIZE) as pilot:
        app.open_record(inc.id)
        await until(pilot, lambda: getattr(app.screen, "ref", None) == inc.id)
        await pilot.pause()
        assert "imported as HD-4711, its status there: Awaiting parts" in _screen_text(app)
        app.pop_screen()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"HD-4711")
        from textual.command import CommandList

        await until(pilot, lambda: app.screen.query(CommandList) and app.screen.query_one(CommandList).option_count)
        first = str(app.screen.query_one(CommandList).get_option_at_index(0).prompt)
        assert inc.id in first and "(was HD-4711)" in first
