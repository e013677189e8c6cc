"""The audit pack: a folder an assessor browses offline, each page written as self-contained HTML
and as Markdown. `index.html` links:

- the evidence map of the 40 tasks (state as text and colour, the rule that derives it, why, the
  latest evidence, inputs, outputs, role holders) and the audit check's findings;
- people and roles with their warnings and acknowledgements;
- one page per work product: every record with every content item of the work product (an empty
  one says "not recorded"), people and parties by name, its approvals (whose, meaning, version,
  typed or signed), attached files and history; long lists split by month;
- the signatures: each signed approval's text and signature, the `allowed_signers` file and the one
  command that checks them all with OpenSSH alone;
- the chain's tip (sequence and hash) when the pack was written: an anchor for `vse-tui verify`.

An audit covers a period: with one, the incidents are those opened in it (paged by month; the
months outside are counted, not shown) and every other record is there whole (the shop's standing
records and the evidence of its tasks). A pack is written into an empty folder or one holding a pack
written before (its marker file lists the files it wrote): the pages of the earlier one are replaced,
those it does not write again removed; a file the pack did not write is never touched. A pack
stopped half-way (a full disk) removes what it wrote.

User text is data: escaped in HTML and in Markdown; nothing links outside the folder; an attached
file a browser would run as a page (HTML, SVG, scripts) is kept under a `.txt` name and never
opens as a page. Files and folders are private to the user (0600, 0700)."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _, formats, language, ngettext, pgettext

from ..core.evidence.attachments import stored_path
from ..core.evidence.audit_check import PROBLEMS, RULES
from ..core.evidence.lapsed import training_states
from ..core.evidence.signoffs import signoffs
from ..core.evidence.tasks import evidence_map, review_intervals, summary
from ..core.governance.approvals import allowed_signers, check_signatures, content_hash, signed_files
from ..core.governance.approvals import state as approval_state
from ..core.governance.keys import Keys, key_rows
from ..core.kernel import clock
from ..core.kernel.errors import InputError
from ..core.kernel.text import plural, visible
from ..core.model.queries import Window
from ..core.model.records import BY_WP, KINDS, model_for
from ..core.model.records.registry import PREFIXES
from ..core.present.display import change_text, item_text, record_title, uuid_labels, walk, when_text
from ..core.present.labels import code_word, role_named, roles_named
from ..i18n.formats import month_and_year
from ..store.anchor import PACK_ANCHOR, pack_anchor
from ..store.files import atomic_file, private_folder, translated, write_bytes, write_text
from . import words
from .figures import audit_review
from .performance import PRIORITIES, minutes_text, pct, shown_name

if TYPE_CHECKING:
    from .performance import Period

SPLIT_AT = 100  # a work product with more records gets one page per month
SPLIT_BY = {"incidents": "opened_at"}  # the month a record's page is; others: the month it was created
UNDATED = "undated"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 76em; padding: 0 1em; color: #222; }
h1, h2, h3 { line-height: 1.2; } h3 { margin-top: 2em; border-top: 1px solid #ccc; padding-top: .8em; }
table { border-collapse: collapse; margin: .5em 0 1em; } td, th { border: 1px solid #ccc; padding: .25em .5em;
vertical-align: top; text-align: left; } th { background: #f3f3f3; } .dim { color: #666; } .ok { color: #17692c; }
.no { color: #9c2b00; font-weight: 600; } .part { color: #8a5a00; font-weight: 600; }
pre { white-space: pre-wrap; margin: 0; font-family: inherit; } nav { margin-bottom: 1em; } code { font-size: 90%; }
"""
# A browser shows these as what they are; anything else (HTML, SVG, XML, scripts, unknown) is kept as text.
PASSIVE = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".pdf", ".txt", ".csv", ".log", ".md", ".json", ".eml"}
STATE_CLASS = {"done": "ok", "partly done": "part", "stale": "part", "not started": "no"}
NOT_RECORDED = N_("not recorded")
# the pages of the records no work product holds, by kind (others: the model's label, made plural)
OTHER_TITLES = {
    "customers": N_("Customers"), "suppliers": N_("Suppliers"), "people": N_("People"),
    "role_assignments": N_("Role assignments"), "training": N_("Trainings"),
    "acknowledgements": N_("Acknowledged warnings"), "attachments": N_("Attachments"),
    "schedule_items": N_("Schedule entries"),
}


@dataclass
class Link:
    text: str
    href: str  # inside the pack, without extension ("wp/WP.18-2026-05#INC-0042"), or a file under files/


@dataclass
class Mark:
    text: str
    cls: str  # ok | no | part | dim


@dataclass
class Page:
    """One document, built once and written as Markdown and HTML."""

    title: str
    path: str  # relative, without extension: "wp/WP.03"
    blocks: list[tuple[str, Any]] = field(default_factory=list)
    count: int = 0  # records the page is about
    of: int | None = None  # with a period: the records of the kind, in it or not
    part: bool = False  # one month of a longer list (linked from the list's own page)
    month: Window | None = None  # the records of a month's page
    written: bool = False  # written already (record pages are written as soon as they are filled)

    def up(self) -> str:
        return "../" * self.path.count("/")


# ---------------------------------------------------------------- rendering


def _esc(value: Any) -> str:
    """User text made inert in HTML, its control characters shown as they are on screen (a page
    read with `cat` runs no terminal escape, no bidi override reorders it)."""
    return html.escape(visible(("" if value is None else str(value)).replace("\r\n", "\n")))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~])")


def md_text(value: Any) -> str:
    """User text made inert in Markdown: every character that could start a link, an image, raw
    HTML, emphasis or a table cell is escaped; a line break becomes <br> (inside our tables)."""
    text = visible(("" if value is None else str(value)).replace("\r\n", "\n"))  # controls shown, never run
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def _target(page: Page, href: str, ext: str) -> str:
    if href.startswith("files/"):
        return page.up() + href
    base, _sep, anchor = href.partition("#")
    return page.up() + base + ext + (f"#{anchor}" if anchor else "")


def _html_cell(page: Page, cell: Any) -> str:
    if isinstance(cell, Link):
        return f"<a href=\"{_esc(_target(page, cell.href, '.html'))}\">{_esc(cell.text)}</a>"
    if isinstance(cell, Mark):
        return f"<span class=\"{cell.cls}\">{_esc(cell.text)}</span>"
    if isinstance(cell, list):
        return "<br>".join(_html_cell(page, c) for c in cell)
    return f"<pre>{_esc(cell)}</pre>"


def _md_cell(page: Page, cell: Any) -> str:
    if isinstance(cell, Link):
        return f"[{md_text(cell.text)}]({_target(page, cell.href, '.md')})"
    if isinstance(cell, Mark):
        return f"**{md_text(cell.text)}**" if cell.cls in ("no", "part") else md_text(cell.text)
    if isinstance(cell, list):
        return "<br>".join(_md_cell(page, c) for c in cell)
    return md_text(cell)


def render_html(page: Page, shop: str) -> str:
    return "\n".join([_html_head(page, shop), *(_html_block(page, b) for b in page.blocks), _html_foot()])


def _html_head(page: Page, shop: str) -> str:
    index_link = _("Audit pack index")
    return "\n".join([
        f"<!DOCTYPE html><html lang=\"{language().replace('_', '-')}\"><head><meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src 'self'\">",
        f"<title>{_esc(page.title)}</title><style>{STYLE}</style></head><body>",
        f"<nav><a href=\"{page.up()}index.html\">{_esc(index_link)}</a> · <span class=\"dim\">{_esc(shop)}"
        "</span></nav>",
        f"<h1>{_esc(page.title)}</h1>"])


def _html_foot() -> str:
    written = _("Written by vse-tui on {when}.").format(when=clock.local_text(clock.now()))
    return f"<p class=\"dim\">{_esc(written)}</p></body></html>"


def _html_block(page: Page, block: tuple[str, Any]) -> str:
    kind, content = block
    if kind == "h2":
        return f"<h2>{_esc(content)}</h2>"
    if kind == "h3":
        anchor, text = content
        return f"<h3 id=\"{_esc(anchor)}\">{_esc(text)}</h3>"
    if kind == "p":
        return f"<p>{_html_cell(page, content) if isinstance(content, (Link, Mark, list)) else _esc(content)}</p>"
    if kind == "code":
        return f"<pre><code>{_esc(content)}</code></pre>"
    if kind == "links":
        return "<ul>" + "".join(f"<li>{_html_cell(page, link)}{_esc(extra)}</li>" for link, extra in content) + "</ul>"
    head, rows = content  # a table
    return "\n".join(["<table><tr>" + "".join(f"<th>{_esc(h)}</th>" for h in head) + "</tr>",
                      *("<tr>" + "".join(f"<td>{_html_cell(page, c)}</td>" for c in row) + "</tr>" for row in rows),
                      "</table>"])


def render_md(page: Page) -> str:
    return "\n".join([_md_head(page), *(_md_block(page, b) for b in page.blocks)]) + "\n"


def _md_head(page: Page) -> str:
    return f"# {md_text(page.title)}\n"


def _md_block(page: Page, block: tuple[str, Any]) -> str:
    kind, content = block
    out: list[str] = []
    if kind == "h2":
        out += [f"## {md_text(content)}", ""]
    elif kind == "h3":  # an explicit anchor: a renderer's own heading ids differ
        out += [f"<a id=\"{re.sub(r'[^A-Za-z0-9._-]', '', content[0])}\"></a>", "", f"### {md_text(content[1])}", ""]
    elif kind == "p":
        out += [_md_cell(page, content), ""]
    elif kind == "code":
        fence = "````" if "```" in str(content) else "```"
        out += [fence, str(content).replace(fence, ""), fence, ""]
    elif kind == "links":
        out += [f"- {_md_cell(page, link)}{md_text(extra)}" for link, extra in content] + [""]
    elif kind == "table":
        head, rows = content
        out.append("| " + " | ".join(md_text(h) for h in head) + " |")
        out.append("|" + "---|" * len(head))
        out += ["| " + " | ".join(_md_cell(page, c) for c in row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


class Sections:
    """The record sections of one page, rendered as each record is read into two unnamed temporary
    files beside the pack (HTML and Markdown): a month of a big shop is never held in memory."""

    def __init__(self, folder: Path, page: Page) -> None:
        self.page = page
        self.html = tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder)
        self.md = tempfile.TemporaryFile("w+", encoding="utf-8", dir=folder)

    def add(self, blocks: list[tuple[str, Any]]) -> None:
        for block in blocks:
            self.html.write("\n" + _html_block(self.page, block))
            self.md.write("\n" + _md_block(self.page, block))

    def close(self) -> None:
        self.html.close()
        self.md.close()


def write_page(base: Path, page: Page, shop: str, sections: Sections | None = None, **where: Any) -> None:
    """A page as HTML and Markdown (`base` + .html, .md), its blocks then its record sections, each
    file whole or not at all (`where`: atomic_file's database and force)."""

    with atomic_file(f"{base}.html", what="audit pack", **where) as fh:
        fh.write(_html_head(page, shop))
        for block in page.blocks:
            fh.write("\n" + _html_block(page, block))
        if sections is not None:
            sections.html.seek(0)
            shutil.copyfileobj(sections.html, fh)
        fh.write("\n" + _html_foot())
    with atomic_file(f"{base}.md", what="audit pack", **where) as fh:
        fh.write(_md_head(page))
        for block in page.blocks:
            fh.write("\n" + _md_block(page, block))
        if sections is not None:
            sections.md.seek(0)
            shutil.copyfileobj(sections.md, fh)
        fh.write("\n")


# ---------------------------------------------------------------- the pages


def _signature_verdicts(store) -> tuple[dict[tuple[str, int], str], str | None]:
    """(record uuid, approval's place) -> why its signature does not hold, as `verify` says; and why
    the signatures could not be checked here, if so."""

    try:
        problems = check_signatures(store)
    except InputError as exc:
        return {}, str(exc)
    return {(p.record, p.index): p.what for p in problems if p.record is not None and p.index is not None}, None


class _Pack:
    """What every page needs, read once: names, where each record is shown, the signatures."""

    def __init__(self, store, files: dict[str, str], period: Period | None = None) -> None:
        # here, not at the top: importing it loads pydantic
        from ..core.model.standard import load_standard

        self.store, self.files = store, files
        self.period = period
        self.bounds = period.bounds() if period else None  # [from, to) as stored text
        self.standard = load_standard()
        self.people = store.titles("people")
        self.where: dict[str, str] = {}  # record id -> page path holding it (kinds of one page)
        self.split: dict[str, tuple[str, str]] = {}  # kind -> (base path, field) of kinds paged by month
        self.signatures: list[dict[str, Any]] = []
        self.bad_signatures, self.signatures_unchecked = _signature_verdicts(store)

    def name(self, who: str | None) -> str:
        return self.people.get(who or "", who or "")

    def link(self, rid: str | None, text: str | None = None) -> Link | str:
        if not rid:
            return ""
        page = self.where.get(rid) or self._month_page(rid)
        return Link(text or rid, f"{page}#{rid}") if page else (text or rid)

    def _month_page(self, rid: str) -> str | None:
        """The page of a record of a kind paged by month, asked of the database (by its id's
        index) when a link to it is made: no map of every record of a big kind is kept."""

        kind = PREFIXES.get(rid.rsplit("-", 1)[0])
        if kind not in self.split:
            return None
        base, field = self.split[kind]
        found = self.store.row(kind, [field], self.kept(kind).where(id=rid))
        return f"{base}-{_month_of(found[0])}" if found else None  # not in this pack: its id, unlinked

    def kept(self, kind: str) -> Window:
        """The records of `kind` the period keeps, on the moment their pages are by month (a window
        without bounds: all of them)."""
        field = SPLIT_BY.get(kind, "created_at")
        if self.bounds is None or kind not in SPLIT_BY:
            return Window(field)
        return Window(field, *self.bounds)

    def who_wrote(self, h: dict[str, Any]) -> str:
        if h.get("person"):
            return self.name(h["person"])
        login = h.get("os_user") or h.get("operator") or "?"
        if (h.get("via") or "").startswith(("imported", "merged")):
            return f"{h.get('operator') or login} ({h['via']})"
        return _("login {login} (mapped to no person)").format(login=login)


def _pages_of_records(pack: _Pack, kind: str, base: str, title: str) -> list[Page]:
    """The records of one kind: one page, or a page per month under an index page (incidents by the
    month they were opened, others by the month they were created: an archive imported in one day
    is still spread over the months it covers)."""
    store = pack.store
    total = store.count(kind)
    kept = pack.kept(kind)
    if total <= SPLIT_AT and not kept.bounded:
        for (rid,) in store.rows(kind, ["id"]):
            pack.where[rid] = base
        return [Page(title, base, count=total)]
    field = kept.field
    by_month: dict[str, int] = defaultdict(int)
    for (moment,) in store.each_row(kind, [field], kept.where() or None, order=None):  # counted as read: nothing kept per record
        by_month[_month_of(moment)] += 1
    pack.split[kind] = (base, field)
    opened = field == "opened_at"
    inside = sum(by_month.values())
    if kept.bounded and pack.period is not None:
        values = {"inside": inside, "total": total, "period": _period_text(pack.period), "other": total - inside}
        if ".." in pack.period.label:
            first = (_("{inside} of {total} records: those opened from {period}, the period of this pack, one page per "
                       "month opened (local time). The other {other} are not in this pack.") if opened else
                     _("{inside} of {total} records: those of creation from {period}, the period of this pack, one "
                       "page per month of creation (local time). The other {other} are not in this pack."))
        else:
            first = (_("{inside} of {total} records: those opened in {period}, the period of this pack, one page per "
                       "month opened (local time). The other {other} are not in this pack.") if opened else
                     _("{inside} of {total} records: those of creation in {period}, the period of this pack, one page "
                       "per month of creation (local time). The other {other} are not in this pack."))
        first = first.format(**values)
    else:  # always many here
        first = (_("{total} records, one page per month opened (local time).") if opened else
                 _("{total} records, one page per month of creation (local time).")).format(total=total)
    index = Page(title, base, count=inside, of=total if kept.bounded else None, blocks=[
        ("p", first),
        ("table", ([pgettext("audit pack", "month"), pgettext("audit pack", "records")],
                   [[Link(_month_text(m), f"{base}-{m}"), str(n)] for m, n in sorted(by_month.items())]
                   or [[_("none"), "0"]]))])
    return [index, *(Page(_("{label}: {value}").format(label=title, value=_month_text(m)), f"{base}-{m}", count=n, part=True, month=_month_window(field, m))
                     for m, n in sorted(by_month.items()))]


def _period_text(period: Period) -> str:
    """A period as the pages say it: its label, with its first and last day when it is not plain."""
    span = _("{start} to {end}").format(start=words.day(period.start), end=words.day(period.end))
    return span if ".." in period.label else f"{formats.period_name(period.label)} ({span})"


def _month_of(moment: str | None) -> str:
    """The local calendar month (YYYY-MM) of a stored moment: the page a record of a long list is on."""
    return clock.to_local(clock.parse_datetime(moment)).strftime("%Y-%m") if moment else UNDATED


def _month_text(month: str) -> str:
    """A page's month (YYYY-MM) as the reader's language names it: September 2026, septembre 2026."""
    if month == UNDATED:
        return _("undated")

    return month_and_year(date(int(month[:4]), int(month[5:7]), 1), title=False)


def _month_window(field: str, month: str) -> Window:
    """The records of one page: `field` within the local calendar month `month` (YYYY-MM), or none."""
    if month == UNDATED:
        return Window(field, undated=True)
    return Window.month(field, int(month[:4]), int(month[5:7]))


def _fill_record_pages(pack: _Pack, kind: str, pages: list[Page], wp,
                       write: Callable[[Page, Sections | None], None], folder: Path,
                       counted: Callable[[int], None]) -> None:
    """Fill each page with its records, newest first, and hand it to `write` at once: the list of
    a page's records is kept (a line each), their sections go to temporary files as they are
    rendered, so memory does not grow with the records of a page either."""

    states = training_states(pack.store) if kind == "training" else {}
    for page in pages:
        where = page.month.narrowed(pack.kept(kind)).where() if page.month else None
        listing: list[list[Any]] = []
        sections = Sections(folder, page)
        try:
            for batch in _batches(pack.store, kind, where):
                if kind == "training":  # whether it still counts is derived (lapsed), not what was last recorded
                    batch = [rec.model_copy(update={"state": states.get(rec.id or "", rec.state)}) for rec in batch]
                labels = uuid_labels(pack.store, [s for rec in batch for s in walk(rec.model_dump(mode="json"))])
                for rec in batch:
                    listing.append([Link(rec.id or "", f"{page.path}#{rec.id}"), _title(pack, rec), words.status(rec.status),
                                    words.state(rec.state), str(rec.version), clock.local_text(rec.updated_at)])
                    sections.add(_record_blocks(pack, rec, wp, labels))
                counted(len(batch))
            if listing:
                page.blocks.append(("table", ([pgettext("audit pack", "id"), pgettext("audit pack", "title"),
                                               pgettext("audit pack", "status"), pgettext("audit pack", "state"),
                                               pgettext("audit pack", "version"), pgettext("audit pack", "updated")],
                                              listing)))
            write(page, sections)
        finally:
            sections.close()


def _batches(store, kind: str, where: dict[str, Any] | None, size: int = 500):
    """The records of a page in batches, newest first, from one query (paging it with OFFSET sorted
    a month of a million-incident shop again for every batch: 6.5 s a month against 0.13 s)."""
    records = store.each_record(kind, where, order="-seq", batch=size)
    while batch := list(itertools.islice(records, size)):
        yield batch


_BOOKKEEPING = ("uuid", "id", "approvals", "version", "created_at", "updated_at", "created_by", "updated_by")


def _title(pack: _Pack, rec) -> str:
    """A record's title as the pack shows it (a code said in words: `record_title`)."""
    return record_title(rec, pack.name(getattr(rec, "person", None)) if rec.KIND == "role_assignments" else "")


def _record_blocks(pack: _Pack, rec, wp, labels: dict[str, str]) -> list[tuple[str, Any]]:
    """One record's section: its content items, its approval state and approvals, the files
    attached to it and its history."""
    blocks: list[tuple[str, Any]] = [("h3", (rec.id, f"{rec.id} {_title(pack, rec)}")),
                                     ("table", ([_("content item (* required in this status)"),
                                                 pgettext("audit pack", "value")], _content_rows(pack, rec, wp, labels)))]
    if rec.KIND == "performance_reports" and rec.period_performance:
        blocks += _performance_blocks(rec.period_performance)
    if wp and wp.approved_status:
        blocks.append(("p", _approval_state_mark(pack, rec)))
    if rec.approvals:
        blocks.append(("table", ([_("approved by"), _("role held"), pgettext("audit pack", "meaning"),
                                  pgettext("audit pack", "when"), pgettext("audit pack", "how"),
                                  pgettext("audit pack", "version"), _("content sha256"), _("recorded by (login@host)"),
                                  pgettext("audit pack", "signature")], _approval_rows(pack, rec))))
    attached = pack.store.records("attachments", {"record": rec.uuid}) if rec.KIND != "attachments" else []
    if attached:
        blocks.append(("table", ([_("attached file"), "sha256", pgettext("audit pack", "bytes"),
                                  pgettext("audit pack", "by"), pgettext("audit pack", "when")],
                                 [[Link(pack.files[a.uuid].split("/", 1)[1], pack.files[a.uuid]) if a.uuid in pack.files
                                   else Mark(_("{name} (file missing)").format(name=a.name), "no"), a.sha256, str(a.size),
                                   pack.name(a.created_by), clock.local_text(a.created_at)] for a in attached])))
    history = pack.store.history(rec.uuid)
    blocks.append(("table", ([_("when (* in the tool it came from)"), pgettext("audit pack", "who"),
                              pgettext("audit pack", "task"), pgettext("audit pack", "change")], [
        [when_text(h), pack.who_wrote(h), h["task"] or "", change_text(h, labels)] for h in history])))
    return blocks


def _content_rows(pack: _Pack, rec, wp, labels: dict[str, str]) -> list[list[Any]]:
    """The work product's content items (an empty required one marked), what the record holds
    beyond them, then its status, version and creation."""
    names = list(wp.fields) if wp else [n for n in type(rec).model_fields if n not in _BOOKKEEPING]
    rows: list[list[Any]] = []
    required = set(wp.required_in(rec.status)) if wp else set()
    for name in names:
        text: Any = item_text(rec, name, labels)
        if name == "entries" and getattr(rec, name, None) in KINDS:  # entries that are records of their own
            kind = getattr(rec, name)
            n = pack.store.count(kind)
            text = Link(ngettext("{n} entry, each a record of its own: {kind}",
                                 "{n} entries, each a record of its own: {kind}", n).format(
                n=n, kind=_(OTHER_TITLES.get(kind) or model_for(kind).LABEL)), f"other/{kind}") if n else ""
        label = words.field(name) + (" *" if name in required else "")
        rows.append([label, text if text else Mark(_(NOT_RECORDED), "no" if name in required else "dim")])
    if wp:  # what the record holds beyond the standard's items (filled ones only)
        for name in type(rec).model_fields:
            if name in names or name in _BOOKKEEPING or name in ("status", "state"):
                continue
            text = item_text(rec, name, labels)
            if text:
                rows.append([words.field(name), text])
    rows.append([pgettext("audit pack", "status"),
                 (words.status(rec.status) or "-") + (f" · {words.state(rec.state)}" if rec.state else "")])
    rows.append([pgettext("audit pack", "version"), _("{version}, last changed {when} by {person}").format(
        version=rec.version, when=clock.local_text(rec.updated_at), person=pack.name(rec.updated_by))])
    rows.append([pgettext("audit pack", "created"), _("{when} by {person}").format(
        when=clock.local_text(rec.created_at), person=pack.name(rec.created_by))])
    if rec.KIND == "performance_reports":
        rows.append([pgettext("audit pack", "figures"), _("in the table below")])
    return rows


def _approval_state_mark(pack: _Pack, rec) -> Mark:
    """The record's approval state in words; never "signed" for a signature that does not verify."""
    st = approval_state(rec)
    place = next((n for n, a in enumerate(rec.approvals) if a is st.latest), None)
    if (rec.uuid, place) in pack.bad_signatures:
        return Mark(st.text.replace(_("(signed)"), _("(its signature does not verify)")), "no")
    return Mark(st.text, "ok" if st.current else ("no" if st.needs_approval else "dim"))


def _approval_rows(pack: _Pack, rec) -> list[list[Any]]:
    """A row per approval: who, the role they held, what it means, when, how, of which content, and
    its signature (each signed one is listed for the signatures page)."""
    current = content_hash(rec)
    rows = []
    for n, (a, s) in enumerate(zip(rec.approvals, signoffs(pack.store, rec), strict=True)):
        if a.signature:
            stem = f"{rec.id}-v{a.version}-{n + 1}"
            pack.signatures.append({"stem": stem, "record": rec, "approval": a, "index": n})
            signed: Any = Link(_("signed (SSH): signatures/{stem}.sig").format(stem=stem), "signatures")
            if (rec.uuid, n) in pack.bad_signatures:
                signed = Mark(_("the signature does not verify (signatures/{stem}.sig)").format(stem=stem), "no")
        else:
            signed = _("typed, not signed")
        how: Any = words.how(a.how) if a.how != "signature" or a.signature else _("typed as a signature (no SSH signature)")
        how += _(", noted by {person}").format(person=pack.name(a.noted_by)) if a.noted_by else ""
        if a.recorded_by or a.evidence:  # given elsewhere: who recorded it, and what shows it
            shown = words.how(a.how)
            values = {"recorder": pack.name(a.recorded_by) or "?", "person": pack.name(a.person) or a.by,
                      "how": shown}
            how = Link(_("recorded by {recorder} for {person}, how: {how}, attached").format(**values),
                       pack.files[a.evidence]) if a.evidence in pack.files else \
                Mark(_("recorded by {recorder} for {person}, how: {how}, nothing attached").format(**values), "no")
        rows.append([pack.name(a.person) or a.by, roles_named(s.roles) or Mark(_("no role"), "no"),
                     words.meaning(s.meaning), clock.local_text(a.at), how,
                     str(a.version or "-"),
                     Mark(_("this content ({sha})").format(sha=a.content[:12]), "ok")
                     if a.content == current else
                     Mark(_("an earlier content ({sha})").format(sha=a.content[:12]), "part") if a.content
                     else _("not bound (older record)"),
                     s.recorded_by, signed])
    return rows


def _performance_blocks(report: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = []

    for r in [*report.get("rows", []), {"customer": _("Total"), **(report.get("total") or {})}]:
        if "incidents" not in r:
            continue
        fb = r.get("feedback") or {}
        rows.append([shown_name(r.get("customer") or ""), str(r["incidents"]),
                     " ".join(f"{q}:{(r.get('by_priority') or {}).get(q, 0)}" for q in PRIORITIES),
                     f"{pct(r['response_met'], r['response_measured'])} ({r['response_met']}/{r['response_measured']})",
                     f"{pct(r['resolution_met'], r['resolution_measured'])} ({r['resolution_met']}/{r['resolution_measured']})",
                     str(r["breached"]), minutes_text(r["mean_resolve_minutes"]), minutes_text(r["p90_resolve_minutes"]),
                     str(r["reopened"]), _("{deployed} ({failed} failed)").format(deployed=r["changes_deployed"],
                                                                                  failed=r["changes_failed"]),
                     f"{fb.get('compliment', 0)}/{fb.get('complaint', 0)}/{fb.get('comment', 0)}",
                     f"{minutes_text(r['billable_minutes'])} / {minutes_text(r['non_billable_minutes'])}"])
    period = report.get("period") or {}
    return [("p", _("Figures for {start} to {end}, counted in each service's hours:").format(
                start=words.day(period.get("from", "?")), end=words.day(period.get("to", "?")))),
            ("table", ([pgettext("audit pack", "customer"), pgettext("audit pack", "incidents"), _("by priority"),
                        _("response within target"), _("resolution within target"), pgettext("audit pack", "breached"),
                        _("mean to resolve"), _("90% resolved within"), pgettext("audit pack", "reopened"),
                        _("changes deployed"), _("feedback +/-/="), _("billable / not")], rows))]


def _evidence_pages(pack: _Pack) -> list[Page]:
    store = pack.store
    tasks = evidence_map(store)
    s = summary(tasks)
    intervals = review_intervals(store)
    blocks: list[tuple[str, Any]] = [
        ("p", _("Tasks done: {done} of {total} ({per_process}). The state of each task is derived from the records "
                "the task produces, by the rule given with it; 'why' lists each check and its records. The same "
                "function gives the counts on the dashboard, the evidence map and 'vse-tui report audit'.").format(
                    done=s["all"][0], total=s["all"][1],
                    per_process=", ".join(f"{p} {d}/{n}" for p, (d, n) in s.items() if p != "all"))),
        ("p", _("Stale after (the shop's review intervals, days): {intervals}").format(
            intervals=", ".join(f"{t} {d}" for t, d in sorted(intervals.items())))),
        *_task_blocks(pack, tasks, s),
    ]
    findings, mitigated = audit_review(store)
    return [Page(_("Evidence map of the 40 tasks"), "evidence-map", blocks, len(tasks)),
            Page(_("Audit check"), "audit-check", _check_blocks(pack, findings, mitigated), len(findings))]


def _task_blocks(pack: _Pack, tasks, s: dict[str, tuple[int, int]]) -> list[tuple[str, Any]]:
    """Per process, a heading with its count done and a table of its tasks: state, rule, why,
    latest evidence, inputs, outputs and role holders."""
    names = {p.code: p.name for p in pack.standard.processes}
    nobody = _("nobody")
    blocks: list[tuple[str, Any]] = []
    current = None
    rows: list[list[Any]] = []
    for t in tasks:
        if t.process != current:
            if rows:
                blocks.append(("table", (_task_head(), rows)))
            current, rows = t.process, []
            d, n = s[t.process]
            blocks.append(("h2", _("{process} {name}: {done} of {total} done").format(
                process=t.process, name=names.get(t.process, ""), done=d, total=n)))
        ev = t.evidence
        why = [Mark(("✓ " if w.ok else "✗ ") + w.text, "ok" if w.ok else "no") for w in t.why] + \
            [Mark(n, "dim") for n in t.notes]
        rows.append([f"{t.task} {t.title}", Mark(words.task_state(t.state), STATE_CLASS.get(t.state, "dim")), t.rule, why,
                     [pack.link(ev.get("record")), _("{when} by {person}").format(
                         when=clock.local_text(clock.parse_datetime(ev["at"])), person=ev["by"])]
                     if ev else Mark(_("none"), "no"),
                     "\n".join(_("{label}: {value}").format(label=f"{i.wp} {i.name}", value=f"{_needed(i.needed)} ({_yes_no(i.ok)})")
                               for i in t.inputs if i.wp),
                     "\n".join(_("{label}: {value}").format(label=f"{o.wp} {o.name}", value=f"{_needed(o.needed)} ({_yes_no(o.ok)})")
                               for o in t.outputs if o.wp),
                     "\n".join(_("{label}: {value}").format(label=role_named(r), value=", ".join(h) or nobody)
                               for r, h in t.holders.items())])
    if rows:
        blocks.append(("table", (_task_head(), rows)))
    return blocks


def _check_blocks(pack: _Pack, findings, mitigated=()) -> list[tuple[str, Any]]:
    """The audit check's page as `vse-tui audit check` says it: how many findings, then per rule
    broken what is wrong, the rule and a row per finding; last, every rule the check applies. A rule
    is named by its words, never its key (the key is for `--format json`)."""
    check: list[tuple[str, Any]] = [
        ("p", Mark(ngettext("{n} finding", "{n} findings", len(findings)).format(n=len(findings)),
                   "no" if findings else "ok")),
        ("p", _("What an assessor reading these records would question, rule by rule (the same list as "
                "'vse-tui audit check').") if findings else
         _("No findings: nothing an assessor would question by these rules."))]
    head = [pgettext("audit pack", "records"), pgettext("audit pack", "finding")]
    for rule, text in [*RULES.items(), ("", "")]:
        mine = [f for f in findings if f.rule == rule or (not rule and f.rule not in RULES)]
        if not mine:
            continue
        check.append(("h2", f"{_(PROBLEMS[rule]) if rule else _('Other findings')} ({len(mine)})"))
        if text:
            check.append(("p", _("Rule: {rule}.").format(rule=_(text))))
        check.append(("table", (head, [[[pack.link(r) for r in f.records], f.what] for f in mine])))
    if mitigated:  # warnings answered with a control the records show: for the assessor to read, not findings
        check += [("h2", _("Warnings answered with a compensating control ({n})").format(n=len(mitigated))),
                  ("p", _("Not findings: each warning was acknowledged with a control the app counts, and the records "
                          "show it in the period. An assessor may still ask about them.")),
                  ("table", (head, [[[pack.link(r) for r in f.records], f.what] for f in mitigated]))]
    check += [("h2", _("The rules checked")),
              ("table", ([pgettext("audit pack", "rule")], [[_(text)] for text in RULES.values()]))]
    return check


def _needed(statuses: list[str]) -> str:
    return "/".join(words.status(code) for code in statuses)


def _yes_no(ok: bool) -> str:
    return pgettext("value", "yes") if ok else pgettext("value", "no")


def _task_head() -> list[str]:
    return [pgettext("audit pack", "task"), pgettext("audit pack", "state"), pgettext("audit pack", "rule"),
            pgettext("audit pack", "why"), _("latest evidence"), pgettext("audit pack", "inputs"),
            pgettext("audit pack", "outputs"), _("roles and holders")]


def _roles_page(pack: _Pack) -> Page:
    # here, not at the top: importing it loads pydantic
    from ..core.evidence.duties import acknowledgement_problem
    from ..core.governance.roles import warnings

    store = pack.store
    by_person: dict[str, list[str]] = defaultdict(list)
    for a in store.records("role_assignments", {"state": "active"}):
        by_person[a.person].append(role_named(a.role, a.area))
    people = store.records("people", order="title")
    role_rows = [[pack.link(p.id, p.name), words.affiliation(p.affiliation), ", ".join(by_person.get(p.uuid, [])) or "-",
                  p.os_user or "-", _yes_no(bool(p.ssh_key)), words.state(p.state)] for p in people]
    warn_rows = []
    for w in warnings(store):
        status = Mark(pgettext("warning", "open"), "no")
        if w.acknowledged:
            said = _("acknowledged: {mitigation} ({person}, {when})").format(
                mitigation=w.acknowledged.mitigation, person=pack.name(w.acknowledged.created_by),
                when=clock.local_text(w.acknowledged.created_at))
            why = acknowledgement_problem(store, w.acknowledged)  # what the audit check says of it
            status = Mark(said, "ok") if why is None else Mark(
                _("{acknowledged}; not counted: {why}").format(acknowledged=said, why=why), "no")
        warn_rows.append([w.text.name, w.person_name or "-", _(" and ").join(w.roles_named), status])
    ack_rows = []
    for a in store.records("acknowledgements"):
        about = store.ids_for([a.record], None).get(a.record or "", ("", ""))[0] if a.record else ""
        ack_rows.append([a.id, code_word("rule", a.rule), pack.link(about) if about else "-", a.mitigation, pack.name(a.created_by),
                         clock.local_text(a.created_at)])
    return Page(_("People, roles and the combination warnings"), "roles", [
        ("table", ([pgettext("audit pack", "person"), pgettext("audit pack", "affiliation"),
                    pgettext("audit pack", "roles"), pgettext("audit pack", "login"), _("SSH key"),
                    pgettext("audit pack", "state")], role_rows)),
        ("h2", _("Warnings")), ("table", ([pgettext("audit pack", "rule"), pgettext("audit pack", "person"),
                                          pgettext("audit pack", "roles"), pgettext("audit pack", "status")],
                                         warn_rows or [[_("none"), "", "", ""]])),
        ("h2", _("Acknowledgements (including those met at the moment of work)")),
        ("table", ([pgettext("audit pack", "id"), pgettext("audit pack", "rule"), pgettext("audit pack", "record"),
                    pgettext("audit pack", "mitigation"), pgettext("audit pack", "by"), pgettext("audit pack", "when")],
                   ack_rows or [[_("none"), "", "", "", "", ""]])),
    ], len(people))


VERIFY_ONE_LINE = ('cd signatures && for s in *.sig; do b="${s%.sig}"; '
                   'p=$(sed -n "s/^person: \\([^ ]*\\).*/\\1/p" "$b.txt"); '
                   'c=$(sed -n "s/^content-sha256: //p" "$b.txt"); '
                   'ssh-keygen -Y verify -f "$b.allowed_signers" -n vse-tui -I "$p" -s "$s" < "$b.txt" '
                   '&& echo "$c  $b.content.json" | sha256sum -c - || echo "FAILED: $b"; done')


def _signature_page(pack: _Pack, target: Path) -> Page:
    rows = _write_signatures(pack, target) if pack.signatures else []
    blocks: list[tuple[str, Any]] = [
        ("p", ngettext("{n} approval carries an OpenSSH signature (ssh-keygen -Y sign, namespace vse-tui) over the "
                       "text beside it: the record, the version and the SHA-256 of the content approved, who, meaning "
                       "what, how and when. Approvals without one show as 'typed, not signed'.",
                       "{n} approvals carry an OpenSSH signature (ssh-keygen -Y sign, namespace vse-tui) over the "
                       "text beside it: the record, the version and the SHA-256 of the content approved, who, meaning "
                       "what, how and when. Approvals without one show as 'typed, not signed'.",
                       len(pack.signatures)).format(n=len(pack.signatures))),
    ]
    if rows:
        blocks += [("table", ([pgettext("audit pack", "record"), pgettext("audit pack", "version"), _("signed by"),
                               pgettext("audit pack", "meaning"), pgettext("audit pack", "when"),
                               pgettext("audit pack", "key"), pgettext("audit pack", "check"),
                               pgettext("audit pack", "files")], rows)),
                   ("p", _("Beside each signature (.sig): the exact text signed (.txt), the key its signer held when "
                           "signing (.allowed_signers) and the content approved (.content.json, whose SHA-256 the text "
                           "names). To check every signature with OpenSSH (8.0 or later) and sha256sum alone, from the "
                           "pack's folder:")),
                   ("code", VERIFY_ONE_LINE),
                   ("p", _("Each signature prints 'Good \"vse-tui\" signature for ...' and '....content.json: OK'; "
                           "any other output names the one that failed. signatures/allowed_signers lists the keys "
                           "people hold now."))]
    return Page(_("Signatures"), "signatures", blocks + _key_blocks(pack), len(pack.signatures))


def _write_signatures(pack: _Pack, target: Path) -> list[list[Any]]:
    """Write each signature into `signatures/` beside the text it signs, the key its signer held
    and the content approved; a row of the page for each."""
    folder = private_folder(target / "signatures")
    write_text(folder / "allowed_signers", allowed_signers(pack.store), force=True, what="audit pack")
    keys = Keys(pack.store)
    files: dict[str, Any] = {}
    rows = []
    for sig in pack.signatures:
        rec, a, n = sig["record"], sig["approval"], sig["index"]
        if rec.uuid not in files:
            files[rec.uuid] = signed_files(pack.store, rec, keys)
        made = files[rec.uuid].get(n)
        stem = sig["stem"]
        write_text(folder / f"{stem}.txt", made.text if made else "", force=True, what="audit pack")
        write_text(folder / f"{stem}.sig", a.signature or "", force=True, what="audit pack")
        write_text(folder / f"{stem}.allowed_signers", (made.signers if made else None) or "", force=True,
                   what="audit pack")
        write_bytes(folder / f"{stem}.content.json", (made.content if made else None) or b"", force=True,
                    what="audit pack")
        bad = pack.bad_signatures.get((rec.uuid, n))
        rows.append([pack.link(rec.id), str(a.version), pack.name(a.person) or a.by, words.meaning(a.meaning),
                     clock.local_text(a.at), a.key or "-",
                     Mark(bad, "no") if bad else (pack.signatures_unchecked or Mark(_("verifies"), "ok")),
                     f"signatures/{stem}.txt, .sig, .allowed_signers, .content.json"])
    return rows


def _key_blocks(pack: _Pack) -> list[tuple[str, Any]]:
    """Every key registered: who registered it, how, when, and whether it checks."""
    key_list = key_rows(pack.store)
    return [("h2", _("Keys: who registered each, how, and when")),
            ("p", _("A person's first key is registered by that person at the keyboard; a replacement is signed "
                    "with the old key or approved by the Service Manager with theirs; one key, one person.")),
            ("table", ([pgettext("audit pack", "when"), pgettext("audit pack", "person"),
                        pgettext("audit pack", "key"), pgettext("audit pack", "how"), _("registered by"),
                        _("approved by"), pgettext("audit pack", "login"), pgettext("audit pack", "host"),
                        pgettext("audit pack", "check")],
                       [[r["at"], pack.link(r["person"], r["name"]), r["key"], r["how"], r["by"], r["approver"] or "-",
                         r["login"] or "-", r["host"] or "-", Mark(r["problem"], "no") if r["problem"] else
                         Mark(pgettext("check", "ok"), "ok")] for r in key_list]
                       or [[_("none"), "", "", "", "", "", "", "", ""]]))]


def build_pages(store, files: dict[str, str], target: Path,
                write: Callable[[Page, Sections | None], None], period: Period | None = None,
                progress: Callable[[int, int], None] | None = None) -> tuple[list[Page], _Pack]:
    """Every page of the pack but the index. `files` maps attachment uuid -> its path in the pack.
    `write(page, sections)` is handed each page of records as soon as it is filled (the pages
    after the records are returned, to be written by the caller). `period`: the incidents opened
    in it only. `progress(records written, records to write)` is told as the records go."""

    pack = _Pack(store, files, period)
    record_pages: list[tuple[str, list[Page], Any]] = []
    for wp in pack.standard.work_products:
        model = BY_WP[wp.code]
        if store.count(model.KIND):
            record_pages.append((model.KIND, _pages_of_records(pack, model.KIND, f"wp/{wp.code}", f"{wp.code} {wp.name}"),
                                 wp))
    for kind in KINDS:
        model = model_for(kind)
        if not model.WP and store.count(kind):
            title = _(OTHER_TITLES[kind]) if kind in OTHER_TITLES else plural(model.LABEL)
            record_pages.append((kind, _pages_of_records(pack, kind, f"other/{kind}", title), None))
    total = sum(pages[0].count for _kind, pages, _wp in record_pages)  # a list's first page counts its records
    done = 0

    def counted(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    for kind, pages, wp in record_pages:
        first = pages[0]
        if wp:
            first.blocks.insert(0, ("p", _("{code} {name}. Statuses: {statuses}. Content items: {items} (those "
                                           "marked * are required in the record's status; an empty item says 'not "
                                           "recorded').").format(
                                               code=wp.code, name=wp.name, statuses=", ".join(words.status(st) for st in wp.statuses),
                                               items=", ".join(words.field(f) for f in wp.fields))))
        _fill_record_pages(pack, kind, pages[1:] if kind in pack.split else pages, wp, write, target, counted)
    pages = [*_evidence_pages(pack), _roles_page(pack)]
    for _kind, kind_pages, _wp in record_pages:
        pages += kind_pages
    pages.append(_signature_page(pack, target))
    return pages, pack


def write_pack(store, out: str | os.PathLike, period: Period | None = None,
               progress: Callable[[int, int], None] | None = None,
               verify_failures: list[str] | None = None) -> dict[str, Any]:
    """Write the pack into the folder `out` (made if needed; empty, or a previous pack, whose pages
    not written again are removed). `period`: the incidents opened in it only (the other records
    are all there). `progress(records written, records to write)`, as they go. `verify_failures`:
    what `verify` found wrong with the database (tampering, not editing), written first on the
    front page."""

    target = Path(out).expanduser()
    if target.exists() and not target.is_dir():
        raise InputError(_("{path} is a file; the audit pack is a folder").format(path=target))
    before = _earlier_pack(target)
    database = getattr(store, "path", None)
    made = not target.exists()
    written_files: set[str] = set()
    try:
        result = _write_pack(store, target, database, before, written_files, period, progress, verify_failures)
    except BaseException as exc:
        # a pack stopped half-way leaves nothing half-made (nor its marker, in a folder it began)
        _undo(target, (written_files - before) | (set() if before else {PACK_MARKER}), made)
        if isinstance(exc, OSError):
            raise translated(exc, target, "audit pack") from None
        raise
    for rel in sorted(before - written_files):  # the earlier pack's pages this one did not write again
        _remove_ours(target, rel)
    _write_marker(target, written_files, database)
    return result


PACK_MARKER = ".vse-tui-pack"  # the files an audit pack wrote into its folder (JSON): the folder is a pack


def _earlier_pack(target: Path) -> set[str]:
    """The files the pack written before into `target` wrote (empty for a new or empty folder); a
    folder holding anything else is refused: a pack never writes over files it did not write."""

    if not target.exists() or not any(target.iterdir()):
        return set()
    marker = target / PACK_MARKER
    if not marker.is_file() or marker.is_symlink():
        raise InputError(_("{path} is not empty and holds no audit pack written by vse-tui; choose an empty folder "
                           "(nothing was written)").format(path=target))
    try:
        listed = json.loads(marker.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        listed = []
    return {p for p in listed if isinstance(p, str) and _inside(p)}


def _inside(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts


def _write_marker(target: Path, files: set[str], database) -> None:
    write_text(target / PACK_MARKER, json.dumps({"format": "vse-tui audit pack", "files": sorted(files)}, indent=1)
               + "\n", force=True, database=database, what="audit pack")


def _remove_ours(target: Path, rel: str) -> None:
    path = target / rel
    if path.is_file() and not path.is_symlink() and not any(p.is_symlink() for p in path.parents if target in
                                                            p.parents):
        path.unlink()


def _undo(target: Path, rels: set[str], made: bool) -> None:
    for rel in rels:
        try:
            _remove_ours(target, rel)
        except OSError:
            pass
    if made:  # the folders this run made, emptied, go too (never a file it did not write)
        for folder in sorted((p for p in target.rglob("*") if p.is_dir() and not p.is_symlink()),
                             key=lambda p: len(p.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:
                pass
        try:
            target.rmdir()
        except OSError:
            pass


def _write_pack(store, target: Path, database, before: set[str], written_files: set[str],
                period: Period | None, progress: Callable[[int, int], None] | None,
                verify_failures: list[str] | None = None) -> dict[str, Any]:
    private_folder(target)
    if not before:
        _write_marker(target, set(), database)  # the folder is a pack from its first file on
    listed = _copy_attachments(store, target, database, before, written_files)
    files = {a.uuid: rel for a, rel in listed}
    shop = store.setting("shop_name", "") or ""

    def write(page: Page, sections: Sections | None = None) -> None:
        base = target / page.path  # names such as WP.03 hold a dot: append, never replace, a suffix
        private_folder(base.parent)
        written_files.update((f"{page.path}.html", f"{page.path}.md"))
        write_page(base, page, shop, sections, force=f"{page.path}.html" in before, database=database)
        page.blocks, page.written = [], True  # written: its records leave the memory

    with store.snapshot():  # every page from one moment of the database
        pages, pack = build_pages(store, files, target, write, period, progress)
        tip = store.chain_tip()
        index = _index_page(pack, pages, listed, shop, tip, period, verify_failures)
        if tip:
            written_files.add(PACK_ANCHOR)
            write_text(target / PACK_ANCHOR, pack_anchor(store.site_id, tip[0], tip[1], tip[2]),
                       force=PACK_ANCHOR in before, database=database, what="audit pack")
        for page in [index, *pages]:
            if not page.written:
                write(page)
    return {"path": target / "index.html", "pages": len(pages) + 1, "files": len(files),
            "work_products": sum(1 for p in pages if p.path.startswith("wp/") and not p.part),
            "signatures": len(pack.signatures), "tip": tip}


def _copy_attachments(store, target: Path, database, before: set[str], written_files: set[str]) -> list[tuple[Any, str]]:
    """Copy each attached file still kept into `files/` (one a browser would run as a page under a
    `.txt` name): (attachment, its path in the pack) for each."""
    listed: list[tuple[Any, str]] = []
    for a in store.records("attachments"):
        source = stored_path(store, a.sha256)
        if not source.exists():
            continue
        safe = _safe_name(a.name)
        suffix = Path(safe).suffix.lower()
        rel = f"files/{a.id}-{safe}" + ("" if suffix in PASSIVE else ".txt")  # never opens as a page
        private_folder(target / "files")
        written_files.add(rel)
        write_bytes(target / rel, source.read_bytes(), force=rel in before, database=database, what="audit pack")
        listed.append((a, rel))
    return listed


def _index_page(pack: _Pack, pages: list[Page], listed: list[tuple[Any, str]], shop: str,
                tip: tuple[int, str, str] | None, period: Period | None, verify_failures: list[str] | None) -> Page:
    """The front page: what the pack is, its period, verify's failures, the counts, the chain's tip
    and a link to every list and attached file."""
    store = pack.store
    counts = summary(evidence_map(store))["all"]
    findings = next(p.count for p in pages if p.path == "audit-check")
    return Page(_("Audit pack: {shop}").format(shop=shop) if shop else _("Audit pack"), "index", [
        ("p", (_("ISO/IEC TR 29110-5-3 service delivery records of {shop}, as stored on {when}. Every page exists "
                 "as HTML and as Markdown.") if shop else
               _("ISO/IEC TR 29110-5-3 service delivery records of the shop, as stored on {when}. Every page "
                 "exists as HTML and as Markdown.")).format(shop=shop, when=clock.local_text(clock.now()))),
        *([("p", Mark(_("Period of this pack: {period}. The incidents are those opened in it; every other record "
                        "is here whole. The evidence map, the audit check and the counts below are of the whole "
                        "database.").format(period=_period_text(period)), "part"))] if period else []),
        *(_verify_failure_blocks(verify_failures) if verify_failures else []),
        ("p", Mark(ngettext("Tasks done: {done} of {total}. Audit check: {n} finding.",
                            "Tasks done: {done} of {total}. Audit check: {n} findings.", findings).format(
                                done=counts[0], total=counts[1], n=findings),
                   "ok" if counts[0] == counts[1] and not findings else "part")),
        ("p", _("History chain tip: sequence {seq}, hash {hash} (last change {when}). It is kept in {anchor} too: "
                "'vse-tui verify --anchor' with this folder on the shop's database proves nothing up to it changed "
                "since.").format(seq=tip[0], hash=tip[1], when=clock.local_text(clock.parse_datetime(tip[2])),
                                 anchor=PACK_ANCHOR)
         if tip else _("The history is empty.")),
        ("h2", _("Overview")),
        ("links", [(Link(p.title, p.path), f" ({p.count})" if p.count else "") for p in pages if "/" not in p.path]),
        ("h2", _("Work products")),
        ("links", [(Link(p.title, p.path), f" ({_count_text(p, records=True)})") for p in pages
                   if p.path.startswith("wp/") and not p.part]),
        ("h2", _("Other records")),
        ("links", [(Link(p.title, p.path), f" ({_count_text(p)})") for p in pages
                   if p.path.startswith("other/") and not p.part]),
        ("h2", _("Attached files")),
        ("table", ([pgettext("audit pack", "file"), _("attached to"), "sha256", pgettext("audit pack", "bytes")],
                   [[Link(rel.split("/", 1)[1], rel), pack.link(_record_id(store, a.record)), a.sha256, str(a.size)]
                    for a, rel in listed] or [[_("none"), "", "", ""]])),
        ("p", _("Files a browser would run as a page (HTML, SVG, scripts and the like) are kept with '.txt' added "
                "to their names, so they open as text.")),
    ])


def _verify_failure_blocks(verify_failures: list[str]) -> list[tuple[str, Any]]:
    """What `verify` found wrong with the database, first on the front page (fifty lines at most)."""
    return [("p", Mark(ngettext("This database FAILS verification: {n} problem that editing through the app "
                                "cannot make (records or history changed behind its back). Nothing in this pack "
                                "can be taken as the shop's record until it is explained.",
                                "This database FAILS verification: {n} problems that editing through the app "
                                "cannot make (records or history changed behind its back). Nothing in this pack "
                                "can be taken as the shop's record until they are explained.",
                                len(verify_failures)).format(n=len(verify_failures)), "no")),
            ("table", ([_("what verify found")], [[line] for line in verify_failures[:50]]
                       + ([[_("... and {n} more").format(n=len(verify_failures) - 50)]]
                          if len(verify_failures) > 50 else [])))]


def _count_text(page: Page, records: bool = False) -> str:
    """A list's count on the index: "12 records", or with a period "12 of 300 records in the period"."""
    if page.of is not None:
        if records:
            return ngettext("{n} of {total} records in the period", "{n} of {total} records in the period",
                            page.of).format(n=page.count, total=page.of)
        return _("{n} of {total} in the period").format(n=page.count, total=page.of)
    if records:
        return ngettext("{n} record", "{n} records", page.count).format(n=page.count)
    return str(page.count)


def _record_id(store, uuid: str | None) -> str:
    if not uuid:
        return ""
    return store.ids_for([uuid], None).get(uuid, ("", ""))[0]


def _safe_name(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return keep.strip("._") or "file"
