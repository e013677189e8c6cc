"""The catalogue reader: contexts, plural forms, fuzzy entries, languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from vse_tui import i18n

PO = r'''
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: vse_tui/screens/dashboard.py
msgid "Open incidents"
msgstr "Incidents ouverts"

msgctxt "key bar"
msgid "Close"
msgstr "Clore"

msgid "%(n)d incident"
msgid_plural "%(n)d incidents"
msgstr[0] "%(n)d incident"
msgstr[1] "%(n)d incidents"

#, fuzzy
msgid "Save"
msgstr "Sauver peut-être"

msgid "A long "
"text"
msgstr "Un long "
"texte"
'''


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "screens.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_catalogues", {})
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


def test_messages_contexts_plurals_and_fuzzy(french: None) -> None:
    assert i18n._("Open incidents") == "Incidents ouverts"
    assert i18n.pgettext("key bar", "Close") == "Clore"
    assert i18n._("Close") == "Close"  # without its context it is another message
    # French counts 0 and 1 as singular
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 0) % {"n": 0} == "0 incident"
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 2) % {"n": 2} == "2 incidents"
    assert i18n._("Save") == "Save"  # a fuzzy translation is not used
    assert i18n._("A long text") == "Un long texte"
    assert i18n._("Not in the catalogue") == "Not in the catalogue"


def test_english_needs_no_catalogue() -> None:
    i18n.set_language("en")
    assert i18n._("Open incidents") == "Open incidents"
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 1) % {"n": 1} == "1 incident"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        i18n.set_language("xx")


def test_a_compiled_catalogue_reads_as_its_po(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gettext
    import io
    import os

    from vse_tui.i18n.compile import compile_all, mo_bytes

    # the .mo is the one gettext itself reads, fuzzy and untranslated messages left out
    compiled = gettext.GNUTranslations(io.BytesIO(mo_bytes(PO)))
    assert compiled.gettext("Open incidents") == "Incidents ouverts"
    assert compiled.pgettext("key bar", "Close") == "Clore"
    assert compiled.ngettext("%(n)d incident", "%(n)d incidents", 2) == "%(n)d incidents"
    assert compiled.gettext("Save") == "Save"
    # the language is read from the .mo when it is there and not older than its .po
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "screens.po").write_text(PO, encoding="utf-8")
    assert compile_all(tmp_path / "locale") == [folder / "screens.mo"]
    (folder / "screens.po").write_text(PO.replace("Incidents ouverts", "changed in the .po"), encoding="utf-8")
    os.utime(folder / "screens.po", (1, 1))  # older than the .mo
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(i18n, "_catalogues", {})
    i18n.set_language("fr")
    assert i18n._("Open incidents") == "Incidents ouverts"
    assert i18n.ngettext("%(n)d incident", "%(n)d incidents", 0) % {"n": 0} == "0 incident"
    # a .po edited after the .mo was compiled is read instead of the stale .mo
    os.utime(folder / "screens.po")
    monkeypatch.setattr(i18n, "_catalogues", {})
    assert i18n._("Open incidents") == "changed in the .po"


def test_catalogues_are_read_lazily_one_language_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_catalogues", {})
    i18n.set_language("es")
    assert i18n._catalogues == {}  # choosing a language reads nothing
    i18n._("usage: ")
    assert list(i18n._catalogues) == ["es"]


def test_the_build_hook_puts_every_catalogue_into_the_wheel(tmp_path: Path) -> None:
    """What hatch_build.py does when `pip wheel .` builds the package: every .po compiled to the
    .mo beside it in the wheel."""
    import importlib.util
    import sys
    import types

    root = Path(__file__).resolve().parents[1]
    # hatchling is only in the build's own environment: its interface stands in here
    interface = types.ModuleType("hatchling.builders.hooks.plugin.interface")

    class BuildHookInterface:
        def __init__(self, root: str, target_name: str) -> None:
            self.root, self.target_name = root, target_name

    interface.BuildHookInterface = BuildHookInterface  # type: ignore[attr-defined]
    for name in ("hatchling", "hatchling.builders", "hatchling.builders.hooks", "hatchling.builders.hooks.plugin"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["hatchling.builders.hooks.plugin.interface"] = interface
    spec = importlib.util.spec_from_file_location("_hatch_build", root / "hatch_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hook = module.CatalogueBuildHook(str(root), "wheel")
    build_data: dict = {"force_include": {}}
    hook.initialize("0", build_data)
    try:
        placed = sorted(build_data["force_include"].values())
        sources = sorted(p.relative_to(root).with_suffix(".mo").as_posix()
                         for p in (root / "vse_tui" / "i18n" / "locale").glob("*/LC_MESSAGES/*.po"))
        assert placed == sources and len(placed) >= 6
        for built in build_data["force_include"]:
            assert Path(built).read_bytes()[:4] == b"\xde\x12\x04\x95"  # the .mo magic
    finally:
        hook.finalize("0", build_data, "")


def conflicts(locale: Path, language: str) -> list[str]:
    """The messages (msgid, with its context) that two areas of one language translate differently:
    all the areas are read as one catalogue, so the area read last would silently win."""
    seen: dict[str, tuple[str, list[str]]] = {}
    found = []
    for po in sorted((locale / language / "LC_MESSAGES").glob("*.po")):
        for key, forms in i18n.parse_po(po.read_text(encoding="utf-8"))[0].items():
            if not forms or not forms[0]:
                continue
            if key not in seen:
                seen[key] = (po.stem, forms)
            elif seen[key][1] != forms:
                shown = key.replace("\x04", " | ")
                found.append(f"{shown!r}: {seen[key][0]} {seen[key][1]} but {po.stem} {forms}")
    return found


def test_the_conflict_check_sees_two_areas_disagree(tmp_path: Path) -> None:
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (folder / "core.po").write_text(head + 'msgid "Audit check"\nmsgstr "Revisión de auditoría"\n', encoding="utf-8")
    (folder / "reports.po").write_text(head + 'msgid "Audit check"\nmsgstr "Verificación de auditoría"\n'
                                       'msgctxt "x"\nmsgid "Open"\nmsgstr "Abrir"\n', encoding="utf-8")
    (folder / "screens.po").write_text(head + 'msgid "Open"\nmsgstr "Abierto"\n', encoding="utf-8")
    assert conflicts(tmp_path, "es") == [
        "'Audit check': core ['Revisión de auditoría'] but reports ['Verificación de auditoría']"]


@pytest.mark.parametrize("language", ["es", "pt_BR", "fr"])
def test_one_message_is_one_translation_across_the_areas(language: str) -> None:
    """A text written the same in two places of the code reads the same in every area's catalogue
    (a text whose meaning differs by place takes a context: pgettext)."""
    found = conflicts(i18n.LOCALE_DIR, language)
    assert not found, "one msgid, different msgstr across the areas (make them agree, using the glossary's " \
        "word, or give one a context with pgettext):\n" + "\n".join(found)


@pytest.mark.parametrize("language", ["es", "pt_BR", "fr"])
def test_every_catalogue_passes_the_checks_gettext_s_own_compiler_makes(language: str) -> None:
    """A translator compiles the catalogues with GNU msgfmt -c or Poedit: a translation that begins
    or ends with a line break where its text does not (or the other way round), or drops a
    placeholder, is refused there even when our own reader accepts it."""
    import re

    problems = []
    for path in sorted((i18n.LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        messages, _header = i18n.parse_po(path.read_text(encoding="utf-8"))
        for key, forms in messages.items():
            msgid = key.split("\x04", 1)[-1]
            for form in (f for f in forms if f):
                if msgid.startswith("\n") != form.startswith("\n") or msgid.endswith("\n") != form.endswith("\n"):
                    problems.append(f"{path.name}: line breaks at the ends differ: {msgid!r} -> {form!r}")
                if set(re.findall(r"\{(\w*)\}", msgid)) - set(re.findall(r"\{(\w*)\}", form)) and len(forms) == 1:
                    problems.append(f"{path.name}: a placeholder dropped: {msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems)
