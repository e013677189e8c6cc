"""The Done-when of the languages, walked from the command line: in Spanish, Brazilian Portuguese and
French, a shop's incidents and changes listed and shown, its performance report and its audit pack
(Markdown and HTML) hold no English word of the app's own messages. What the shop wrote is a
placeholder word here (xx), so every English word left is the app's; names and identifiers
(INC-0042, GO.1.1, vse-tui) are not words of a message. The demo shop's French pack too (built once
for the run and shared): the demo is an English-speaking shop, so the words it wrote are set aside."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.core.test_audit_languages import _language_words, _words
from tests.junk_shop import build_junk
from tests.stored import strings_in
from vse_tui import i18n
from vse_tui.cli import main
from vse_tui.store import Actor, open_store

LOCALE = Path(i18n.__file__).parent / "locale"
LANGUAGES = ["es", "pt_BR", "fr"]
# words a language writes as English does (not English left), and names
NAMES = {"openssh", "markdown"}
SHARED = {"es": {"total", "scripts", "hash"},
          "pt_BR": {"total", "scripts", "hash", "namespace"},
          "fr": {"index", "page", "total", "document", "signature", "affiliation", "source", "type", "version",
                 "options", "service", "services", "incident", "incidents", "description", "contact", "scripts",
                 "scan", "notification"}}
NOT_WORDS = re.compile(r"\]\([^)]*\)|[\w./-]+\.(?:md|html|eml|json|txt|csv|svg)\b|#[\w-]+|vse-tui(?: [a-z-]+){1,2}"
                       r"|ssh-keygen[^,)]*|--[\w-]+|\w+@\w+|\b[a-z_]+\.[a-z_.]+\b"
                       r"|\b[a-z]+(?:\\?_[a-z]+)+\b")  # identifiers: reports.figures, schedule_items


@pytest.fixture
def shop(tmp_path_factory, lang) -> Path:
    """The junk shop (every text the shop wrote is xx) made in the language under test, as a shop that
    speaks it is made, with an incident and a change added from the command line as a person types them."""
    path = tmp_path_factory.mktemp("walk") / "shop.db"
    store = open_store(path, Actor(operator="jo", os_user="jo", host="box"))
    with i18n.using(lang):
        build_junk(store)
    store.close()
    for args in (["incident", "add", "xx xx", "--impact", "high", "--urgency", "low"],
                 ["change", "add", "xx xxx", "--type", "emergency", "--risk", "high"]):
        try:
            assert main(["--lang", lang, "--db", str(path), "--as", "Jo", *args]) == 0
        finally:
            i18n.set_language("en")
    return path


def _english() -> set[str]:
    """Every word of the app's English messages (the catalogues' msgids)."""
    out: set[str] = set()
    for path in (LOCALE / "es" / "LC_MESSAGES").glob("*.po"):
        for key in i18n.parse_po(path.read_text(encoding="utf-8"))[0]:
            out |= _words(key.split("\x04")[-1])
    return out


def _run(path: Path, lang: str, *args: str, capsys) -> str:
    try:
        main(["--lang", lang, "--db", str(path), "--as", "Jo", *args])
    finally:
        i18n.set_language("en")
    return capsys.readouterr().out


def _walk(shop: Path, lang: str, tmp_path: Path, capsys) -> dict[str, str]:
    said: dict[str, str] = {}
    for name, args in (("incident list", ["incident", "list"]), ("change list", ["change", "list"]),
                       ("report performance", ["report", "performance", "--period", "2026"])):
        said[name] = _run(shop, lang, *args, capsys=capsys)
    for ref in re.findall(r"^(INC-\d+)", said["incident list"], re.MULTILINE):
        said[f"incident show {ref}"] = _run(shop, lang, "incident", "show", ref, capsys=capsys)
    for ref in re.findall(r"^(CHG-\d+)", said["change list"], re.MULTILINE):
        said[f"record show {ref}"] = _run(shop, lang, "record", "show", ref, capsys=capsys)
    pack = tmp_path / f"pack-{lang}"
    _run(shop, lang, "audit-pack", "--out", str(pack), capsys=capsys)
    for page in sorted(pack.rglob("*")):
        if page.suffix == ".md":
            said[f"pack {page.relative_to(pack)}"] = page.read_text(encoding="utf-8")
        elif page.suffix == ".html":
            text = re.sub(r"<(style|script)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
            said[f"pack {page.relative_to(pack)}"] = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return said


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_english_word_of_the_app_is_left_on_the_command_line(shop, lang, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    english = _english() - _language_words(lang) - SHARED[lang] - NAMES
    said = _walk(shop, lang, tmp_path, capsys)
    assert any(name.startswith("pack ") and name.endswith(".html") for name in said)
    assert any(name.startswith("incident show") for name in said) and any(n.startswith("record show") for n in said)
    left: dict[str, list[str]] = {}
    for name, text in said.items():
        for line in text.splitlines():
            line = NOT_WORDS.sub(" ", line)
            found = _words(line) & english
            if found:
                left.setdefault(name, []).append(f"{sorted(found)}: {line.strip()[:160]}")
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines[:6]) for name, lines in left.items())
    assert not left, f"English left in {lang}:\n{report}"


def _shop_vocabulary(db: Path) -> set[str]:
    """Every word the demo shop wrote (its records' text and what their history held): the demo is an
    English-speaking shop, so its own words are English in a pack of any language."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # read only: the shared shop is never written
    try:
        out: set[str] = set()
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not t.startswith(("record_search", "_")) and t not in ("chain_tip",)]
        for table in tables:
            columns = ["old_value", "new_value"] if table == "history" else ["*"]
            for row in con.execute(f"SELECT {', '.join(columns)} FROM {table}"):  # noqa: S608 (the schema's own names)
                out |= _words(" ".join(strings_in([v for v in row if isinstance(v, str)])))
        return out
    finally:
        con.close()


def test_the_demo_shop_s_pack_in_french_leaves_no_word_or_code_of_the_app_in_english(demo_packs):
    """The demo shop's French pack (shared with tests/cli/test_report_language.py): no English word of
    the app's messages that the shop did not write itself, no role code, no rule's key, no table's
    name outside a link, no JSON true or false."""
    from vse_tui.core.model.records import KINDS
    from vse_tui.core.present.labels import CODES

    english = _english() - _language_words("fr") - SHARED["fr"] - NAMES - _shop_vocabulary(
        demo_packs / "shop" / "demo.db")
    codes = re.compile(r"\b(?:SM|CM|IM|RM|PT|MGT|CUS|SUP)\b(?![.-])|(?:^|[|:→] )(?:true|false)(?= →| \||$)|"
                       + "|".join(re.escape(key) for key in (*CODES["rule"], *(k for k in KINDS if "_" in k))))
    left: dict[str, list[str]] = {}
    for page in sorted((demo_packs / "fr").rglob("*.md")):
        for line in page.read_text(encoding="utf-8").splitlines():
            line = re.sub(r"\]\([^)]*\)", "]", re.sub(r"\\(.)", r"\1", line))  # the words a reader sees
            found = sorted(_words(NOT_WORDS.sub(" ", line)) & english) + codes.findall(line)
            if found:
                left.setdefault(str(page.relative_to(demo_packs / "fr")), []).append(f"{found}: {line[:160]}")
    assert not left, "\n".join(f"{name}:\n  " + "\n  ".join(lines[:4]) for name, lines in left.items())
