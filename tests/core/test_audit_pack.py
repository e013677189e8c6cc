"""The audit pack read as an assessor reads it: every page checked for raw structures, bare ids
where a name exists and content items left out; user text inert; signatures checkable with
OpenSSH alone; private files."""

from __future__ import annotations

import json
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import shared_build
from vse_tui.core.evidence import attachments
from vse_tui.core.governance import documents
from vse_tui.core.incidents import process as core
from vse_tui.core.model.records import BY_WP
from vse_tui.core.model.standard import load_standard
from vse_tui.core.present.labels import field_name
from vse_tui.reports import audit_pack
from vse_tui.session import identify
from vse_tui.store import Actor, open_store

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
RAW = [
    (re.compile(r"\{['\"]|\[\{|['\"]\}"), "a dict or list printed raw"),
    (re.compile(r"\bdays: \[?\d"), "service hours as a structure"),
    (re.compile(r"\balways: (yes|no|True|False)"), "service hours as a structure"),
    (re.compile(r"\b(Approval|Target|Notification)\("), "a model printed raw"),
    (re.compile(r"\bNone\b"), "None printed"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d"), "a raw ISO time"),
]


@pytest.fixture(scope="module")
def pack(tmp_path_factory, demo_file):
    """The demo's pack, with a hostile incident and hostile attachments added first: written once for
    the whole run and shared by the workers (the tests only read it)."""

    def build(folder: Path) -> None:
        db = folder / "shop.db"
        shutil.copy(demo_file, db)
        store = open_store(db, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
        try:
            identify(store)
            hostile = core.log_incident(store, "[click me](javascript:alert(1)) <script>alert(2)</script> ![x](http://e/x.png)",
                                        details="<img src=x onerror=alert(3)> | cell | break", use_last=False)
            page = folder / "evil page.html"
            page.write_text("<script>alert('run')</script>", encoding="utf-8")
            svg = folder / "logo.svg"
            svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", encoding="utf-8")
            note = folder / "test log.txt"
            note.write_text("all checks passed", encoding="utf-8")
            for f in (page, svg, note):
                attachments.attach(store, hostile.id, f)
            result = audit_pack.write_pack(store, folder / "out")
        finally:
            store.close()
        (folder / "written.json").write_text(json.dumps([result, hostile.id], default=str), encoding="utf-8")

    folder = shared_build(tmp_path_factory, "audit-pack", build)
    result, hostile = json.loads((folder / "written.json").read_text(encoding="utf-8"))
    return folder / "out", result, hostile


def pages(root: Path, suffix: str) -> list[Path]:
    return sorted(root.rglob(f"*{suffix}"))


def test_the_pack_has_every_work_product_split_by_month_when_long(pack):
    root, result, _ = pack
    for code in BY_WP:
        assert (root / "wp" / f"{code}.html").exists() and (root / "wp" / f"{code}.md").exists(), code
    months = sorted(p.name for p in (root / "wp").glob("WP.18-*.md"))
    assert len(months) >= 10  # 300 incidents over the year: one page per month
    assert "one page per month" in (root / "wp" / "WP.18.md").read_text()
    assert result["pages"] == len(pages(root, ".html"))
    assert len(pages(root, ".html")) == len(pages(root, ".md"))


def test_a_lapsed_competence_is_called_lapsed_not_met(pack):
    """The demo's TRN-0002 was met and is past its due date while Kim still holds CM: the pack says
    lapsed, in its list and on its record, as the evidence map and the audit check do."""
    root, _, _ = pack
    text = (root / "other" / "training.md").read_text()
    listed = next(line for line in text.splitlines() if line.startswith("| [TRN-0002]"))
    assert "| lapsed |" in listed and "| met |" not in listed
    record = text[text.index('<a id="TRN-0002">'):]
    record = record[:record.index("<a id=", 1)] if "<a id=" in record[1:] else record
    assert "| state | lapsed |" in record and "| status | - · lapsed |" in record
    assert "| met |" in next(line for line in text.splitlines() if line.startswith("| [TRN-0001]"))


def test_no_page_prints_raw_structures_or_bare_ids(pack):
    root, _, _ = pack
    for page in pages(root, ".md") + pages(root, ".html"):
        text = page.read_text(encoding="utf-8")
        readable = re.sub(r"content-sha256|sha256|hash [0-9a-f]{64}", "", text)
        for pattern, what in RAW:
            found = pattern.search(readable)
            assert not found, f"{page.relative_to(root)}: {what}: {readable[max(0, found.start() - 80):found.end() + 80]!r}"
        assert not UUID.search(text), f"{page.relative_to(root)}: a bare uuid where a name exists"
        # people and role assignments appear by name: their ids only on their own pages
        visible = re.sub(r"<[^>]+>", "", re.sub(r"\]\([^)]*\)", "]", text))  # what a reader sees, not link targets
        if not page.name.startswith(("people", "role_assignments", "training", "acknowledgements")):
            for rid in re.findall(r"\b(?:PER|RA)-\d{4}\b", visible):
                assert page.parent.name == "other", f"{page.relative_to(root)}: {rid} instead of a name"


def test_every_content_item_is_listed_and_empty_ones_say_not_recorded(pack):
    root, _, hostile = pack
    standard = load_standard()
    for code in BY_WP:
        wp = standard.wp(code)
        text = "".join(p.read_text() for p in [root / "wp" / f"{code}.md", *(root / "wp").glob(f"{code}-*.md")])
        blocks = text.split("\n### ")[1:]
        assert blocks, code
        for block in blocks:
            items = re.findall(r"^\| ([^|]+?)(?: \\\*)? \| ", block, flags=re.M)
            for name in wp.fields:
                assert field_name(name) in items, f"{code}: {name} missing from {block[:40]!r}"
    front_desk = next(b for p in (root / "wp").glob("WP.18-*.md") for b in p.read_text().split("\n### ")
                      if b.startswith("INC-0301 "))
    assert re.search(r"^\| customer \\\* \| \*\*not recorded\*\* \|", front_desk, flags=re.M)
    assert re.search(r"^\| reporter \\\* \| \*\*not recorded\*\* \|", front_desk, flags=re.M)


def test_figures_hours_and_names_are_readable(pack):
    root, _, _ = pack
    perf = (root / "wp" / "WP.19.md").read_text()
    assert perf.count("response within target") >= 4 and "| Total |" in perf  # each report's own figures
    catalogue = (root / "wp" / "WP.10.md").read_text()
    assert "Mon-Fri 08:30-17:30" in catalogue and "24x7" in catalogue and "P1 15m/4h" in catalogue
    roles = (root / "roles.md").read_text()
    assert "Kim Lee" in roles and "Sam Ortiz" in roles
    evidence = (root / "evidence-map.md").read_text()
    assert evidence.count("| done |") + evidence.count("**partly done**") == 40
    assert "performed by a holder of" in evidence and "✓ " in evidence  # the rule and the why of each task
    check = (root / "audit-check.md").read_text()
    assert "**7 findings**" in check and "login frontdesk" in check
    assert "## Records changed after their approval and not approved again (1)" in check  # the rule in words
    assert "approval-stale" not in check  # its key is for --format json
    index = (root / "index.md").read_text()
    assert re.search(r"History chain tip: sequence \d+, hash [0-9a-f]{64}", index)


def test_user_text_is_inert_and_no_file_opens_as_a_page(pack):
    root, _, hostile = pack
    month = next(p for p in (root / "wp").glob("WP.18-*.md") if f"### {hostile} " in p.read_text())
    md = month.read_text()
    assert "](javascript:" not in md.replace("\\]", "")  # the only way a link starts is escaped
    assert not re.search(r"(?<!\\)<(script|img)", md) and not re.search(r"(?<!\\)!\[", md)
    assert r"\[click me\](javascript:alert(1))" in md and r"\<script\>" in md
    html = month.with_suffix(".html").read_text()
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    files = sorted(p.name for p in (root / "files").iterdir())
    assert files == sorted([f for f in files if f.endswith((".txt",))])  # the page and the SVG open as text
    assert any(f.endswith("evil_page.html.txt") for f in files) and any(f.endswith("logo.svg.txt") for f in files)
    assert any(f.endswith("test_log.txt") and not f.endswith(".txt.txt") for f in files)
    for page in pages(root, ".html"):
        text = page.read_text()
        assert "Content-Security-Policy" in text
        for target in re.findall(r'(?:href|src)="([^"]*)"', text):
            assert not re.match(r"^[a-z]+:|^//|^/", target), (page, target)
            assert not re.search(r"\.(html|svg|xml|js)$", target.split("#")[0]) or "/files/" not in f"/{target}", target
            resolved = (page.parent / target.split("#")[0]).resolve()
            assert resolved.is_relative_to(root.resolve()) and resolved.exists(), (page, target)


def test_the_pack_is_private(pack):
    root, _, _ = pack
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="OpenSSH's ssh-keygen is not on this machine")
def test_signatures_check_with_openssh_alone_from_the_pack(store, tmp_path):
    from vse_tui.core.governance import process as gov

    key = tmp_path / "kim"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kim", "-f", str(key)], check=True)
    store.update("people", store.actor.person, {"ssh_key": key.with_suffix(".pub").read_text().strip()})
    gov.save_policy_draft(store, gov.policy_defaults())
    documents.approve(store, "policies", store.latest("policies").id, sign=True, key=str(key))
    result = audit_pack.write_pack(store, tmp_path / "pack")
    root = tmp_path / "pack"
    assert result["signatures"] == 1 and (root / "signatures" / "allowed_signers").exists()
    from vse_tui.cli.governance import pack_written

    assert pack_written(result).endswith(" pages, 1 work product, 0 attached files, 1 signed approval)"), pack_written(result)
    assert pack_written({**result, "pages": 1, "work_products": 1, "files": 1}).endswith(
        "(1 page, 1 work product, 1 attached file, 1 signed approval)")
    page = (root / "signatures.md").read_text()
    command = next(line for line in page.splitlines() if line.startswith("cd signatures && "))
    run = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True)
    assert 'Good "vse-tui" signature' in run.stdout + run.stderr and "FAILED" not in run.stdout
    # a forged text fails the same command
    text = next((root / "signatures").glob("*.txt"))
    text.write_text(text.read_text().replace("meaning: approved", "meaning: reviewed"))
    run = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True)
    assert "FAILED" in run.stdout


def _archive_of_five(tmp_path: Path) -> str:
    """A database holding five tickets imported from a Jira export: two opened in January 2025, one
    in February, two in March (the 3rd and the 15th)."""
    from vse_tui.cli import main

    source = tmp_path / "jira.csv"
    rows = ["Summary,Issue key,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Resolved"]
    for n, (month, day) in enumerate([("Jan", 10), ("Jan", 20), ("Feb", 12), ("Mar", 3), ("Mar", 15)], start=1):
        rows.append(f"{month} ticket {n},ITSD-{n},Incident,Closed,Medium,Sam,Dana,{day:02d}/{month}/25 10:00 AM,"
                    f"{day:02d}/{month}/25 11:00 AM,{day:02d}/{month}/25 11:00 AM")
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = str(tmp_path / "shop.db")
    assert main(["import", "incidents", str(source), "--yes", "--db", db]) == 0
    return db


def test_an_archive_imported_in_one_day_is_split_by_the_month_each_incident_was_opened(tmp_path, monkeypatch):
    """A shop that brings in years of tickets in one afternoon gets a page per month they cover,
    not one page of every ticket; each page is written as soon as it is filled."""
    from vse_tui.cli import main

    db = _archive_of_five(tmp_path)
    monkeypatch.setattr(audit_pack, "SPLIT_AT", 2)
    written: list[str] = []
    write = audit_pack.write_page

    def noted(base, page, *args, **kwargs):
        written.append(page.path)
        return write(base, page, *args, **kwargs)

    monkeypatch.setattr(audit_pack, "write_page", noted)
    assert main(["audit-pack", "--out", str(tmp_path / "pack"), "--db", db]) == 0
    wp = tmp_path / "pack" / "wp"
    assert sorted(p.name for p in wp.glob("WP.18-*.md")) == ["WP.18-2025-01.md", "WP.18-2025-02.md", "WP.18-2025-03.md"]
    assert "one page per month opened" in (wp / "WP.18.md").read_text()
    for page, summaries in (("2025-01", ["Jan ticket 1", "Jan ticket 2"]), ("2025-02", ["Feb ticket 3"]),
                            ("2025-03", ["Mar ticket 4", "Mar ticket 5"])):
        text = (wp / f"WP.18-{page}.md").read_text()
        assert [s for s in ("Jan ticket 1", "Jan ticket 2", "Feb ticket 3", "Mar ticket 4", "Mar ticket 5")
                if s in text] == sorted(summaries), page
    # the month pages went out as they were filled, before the pages written at the end
    assert written[:3] == ["wp/WP.18-2025-01", "wp/WP.18-2025-02", "wp/WP.18-2025-03"]
    assert {"index", "evidence-map", "wp/WP.18"} <= set(written[3:])


def test_a_period_keeps_the_incidents_opened_in_it_and_the_refreshed_pack_drops_the_rest(tmp_path):
    """An assessor audits a period: the pack holds the incidents opened in it (a page per month,
    even for a short list), says how many it leaves out, links no incident it does not hold, and a
    pack written again into the same folder keeps no page of the earlier one."""
    from vse_tui.cli import main

    db = _archive_of_five(tmp_path)
    assert main(["incident", "add", "Printer jammed today", "--db", db]) == 0  # the evidence map links it
    out = tmp_path / "pack"
    assert main(["audit-pack", "--out", str(out), "--db", db]) == 0
    wp = out / "wp"
    assert sorted(p.name for p in wp.glob("WP.18*.md")) == ["WP.18.md"]  # six incidents: one page
    assert main(["audit-pack", "--out", str(out), "--db", db, "--period", "2025-02-01..2025-03-10"]) == 0
    assert sorted(p.name for p in wp.glob("WP.18*.md")) == ["WP.18-2025-02.md", "WP.18-2025-03.md", "WP.18.md"]
    assert sorted(p.name for p in wp.glob("WP.18*.html")) == ["WP.18-2025-02.html", "WP.18-2025-03.html",
                                                              "WP.18.html"]
    listing = (wp / "WP.18.md").read_text()
    assert "2 of 6 records: those opened from 2025-02-01 to 2025-03-10" in listing
    assert "The other 4 are not in this pack." in listing
    march = (wp / "WP.18-2025-03.md").read_text()
    assert "Mar ticket 4" in march and "Mar ticket 5" not in march  # the 15th is after the period
    assert "Feb ticket 3" in (wp / "WP.18-2025-02.md").read_text()
    index = (out / "index.md").read_text()
    assert "Period of this pack: 2025-02-01 to 2025-03-10" in index
    assert "(2 of 6 records in the period)" in index
    every = "".join(p.read_text() for p in out.rglob("*.md"))
    assert "INC-0006" in (out / "evidence-map.md").read_text()  # named, not linked
    for outside in ("Jan ticket 1", "Jan ticket 2", "Mar ticket 5", "Printer jammed"):
        assert outside not in every
    # no link leads to a page, or a record, the pack does not hold
    linked = 0
    for page in out.rglob("*.md"):
        for target, anchor in re.findall(r"\]\(([^)#]+\.md)#?([^)]*)\)", page.read_text()):
            held = (page.parent / target).resolve()
            assert held.exists(), (page, target)
            if anchor.startswith("INC-"):
                linked += 1
                assert f'id="{anchor}"' in held.read_text(), (page, anchor)
    assert linked
    # the records are counted as they are written: up to all of them, or the period's incidents
    from vse_tui.core.model.records import KINDS
    from vse_tui.reports.performance import parse_period

    store = open_store(db, Actor(operator="Kim Lee"))
    try:
        every = sum(store.count(kind) for kind in KINDS)
        for period, expected in ((None, every), (parse_period("2025-02"), every - store.count("incidents") + 1)):
            calls: list[tuple[int, int]] = []
            audit_pack.write_pack(store, tmp_path / f"progress-{bool(period)}", period,
                                  lambda done, total, calls=calls: calls.append((done, total)))
            assert calls and calls[-1] == (expected, expected), (period, calls)
            assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    finally:
        store.close()


def test_a_period_that_is_not_one_is_refused_before_anything_is_written(tmp_path, capsys):
    from vse_tui.cli import main

    db = str(tmp_path / "shop.db")
    assert main(["incident", "add", "Printer jammed", "--db", db]) == 0
    for bad, said in (("2026-13", "there is no month 13"), ("2026-05-01..2026-04-01", "ends before it starts"),
                      ("last year", "is not a period")):
        assert main(["audit-pack", "--out", str(tmp_path / "pack"), "--db", db, "--period", bad]) != 0
        assert said in capsys.readouterr().err
        assert not (tmp_path / "pack").exists()


def test_a_pack_never_writes_over_or_removes_files_it_did_not_write(tmp_path, capsys):
    """The attack wrote a pack into a folder holding someone's index.html: it was replaced without
    --force, and the user's own .html/.md files in wp/ and other/ were deleted by the refresh."""
    from vse_tui.cli import main

    db = str(tmp_path / "shop.db")
    assert main(["incident", "add", "Printer jammed", "--db", db]) == 0
    theirs = tmp_path / "site"
    theirs.mkdir()
    (theirs / "index.html").write_text("<h1>My own page</h1>")
    assert main(["audit-pack", "--out", str(theirs), "--db", db]) == 1
    assert "holds no audit pack written by vse-tui" in capsys.readouterr().err
    assert (theirs / "index.html").read_text() == "<h1>My own page</h1>" and len(list(theirs.iterdir())) == 1
    # a pack written, then the user keeps notes beside its pages; written again, they stay
    out = tmp_path / "pack"
    assert main(["audit-pack", "--out", str(out), "--db", db]) == 0
    assert (out / "anchor.json").is_file() and (out / ".vse-tui-pack").is_file()
    notes = [out / "wp" / "my-notes.md", out / "wp" / "review.html", out / "other" / "todo.md", out / "mine.md"]
    (out / "other").mkdir(exist_ok=True)
    for note in notes:
        note.write_text("the assessor's notes")
    assert main(["audit-pack", "--out", str(out), "--db", db]) == 0
    assert all(n.read_text() == "the assessor's notes" for n in notes)
    assert (out / "index.html").is_file() and (out / "wp" / "WP.18.md").is_file()


def test_terminal_escapes_and_bidi_overrides_in_user_text_never_reach_a_page_raw(tmp_path):
    """Row 25 of the second attack: a page holding terminal escapes or right-to-left overrides ran
    them when read with `cat`. They are shown as they are on screen (^[ , \\u202e)."""
    from vse_tui.cli import main

    db = str(tmp_path / "shop.db")
    hostile = "Printer \x1b]0;owned\x07 jam \x1b[2J\u202egnp.exe\x9b31m"
    assert main(["incident", "add", hostile, "--details", "line one\r\nline two\x1b[1A", "--db", db]) == 0
    assert main(["audit-pack", "--out", str(tmp_path / "pack"), "--db", db]) == 0
    for page in (tmp_path / "pack").rglob("*"):
        if page.suffix in (".md", ".html"):
            text = page.read_text(encoding="utf-8")
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), page
    every = "".join(p.read_text() for p in (tmp_path / "pack" / "wp").glob("WP.18*.md"))
    assert "^\\[\\]0;owned^G" in every or "^[]0;owned^G" in every.replace("\\", "")
    assert "\\\\u202egnp.exe" in every or "\\u202egnp.exe" in every
