"""Which language a run speaks: --lang (before or after the command), the config, the environment."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vse_tui import i18n
from vse_tui.cli import language_asked, main


@pytest.mark.parametrize(("locale", "expected"), [
    ("es_MX.UTF-8", "es"), ("es_ES@euro", "es"), ("es", "es"), ("pt_BR.UTF-8", "pt_BR"), ("pt-BR", "pt_BR"),
    ("pt_PT.UTF-8", "pt_BR"), ("pt", "pt_BR"), ("fr_CA.UTF-8", "fr"), ("fr_FR", "fr"), ("C", "en"),
    ("C.UTF-8", "en"), ("POSIX", "en"), ("en_US.UTF-8", "en"), ("en_GB", "en"), ("de_DE.UTF-8", None),
])
def test_locale_names(locale: str, expected: str | None) -> None:
    assert i18n.normalize(locale)[0] == expected


def test_portuguese_of_portugal_is_spoken_as_brazilian_with_a_note() -> None:
    chosen, asked = i18n.from_environment({"LANG": "pt_PT.UTF-8"})
    assert (chosen, asked) == ("pt_BR", "pt_PT.UTF-8")
    i18n.set_language(chosen, asked)
    assert "pt_PT.UTF-8" in i18n.language_note() and "pt_BR" in i18n.language_note()
    i18n.set_language("pt_BR")
    assert i18n.language_note() == ""


def test_environment_order_is_lc_all_then_lc_messages_then_lang() -> None:
    assert i18n.from_environment({"LC_ALL": "fr_CA.UTF-8", "LC_MESSAGES": "es_MX", "LANG": "pt_BR"})[0] == "fr"
    assert i18n.from_environment({"LC_ALL": "", "LC_MESSAGES": "es_MX", "LANG": "pt_BR"})[0] == "es"
    assert i18n.from_environment({"LANG": "pt_BR.UTF-8"})[0] == "pt_BR"
    assert i18n.from_environment({})[0] == "en"
    # a language we do not speak, from the environment: English, not an error
    assert i18n.from_environment({"LANG": "de_DE.UTF-8"})[0] == "en"


def test_flag_beats_config_beats_environment() -> None:
    env = {"LANG": "fr_FR.UTF-8"}
    assert i18n.choose("es", "pt_BR", env)[0] == "es"
    assert i18n.choose(None, "pt_BR", env)[0] == "pt_BR"
    assert i18n.choose(None, None, env)[0] == "fr"


def test_an_unknown_language_lists_the_available_ones() -> None:
    with pytest.raises(i18n.UnknownLanguage) as caught:
        i18n.choose("de", None, {})
    for code in ("en", "es", "pt_BR", "fr"):
        assert code in str(caught.value)


def test_lang_is_read_before_or_after_the_command() -> None:
    assert language_asked(["--lang", "es", "incident", "list"]) == "es"
    assert language_asked(["incident", "list", "--lang=fr"]) == "fr"
    assert language_asked(["incident", "add", "--", "--lang", "es"]) is None
    assert language_asked(["incident", "list"]) is None


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "vse_tui", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "100", **(env or {})}, timeout=60)


def test_help_is_in_the_language_asked_for_wherever_lang_stands() -> None:
    before = run("--lang", "es", "--help")
    assert before.returncode == 0, before.stderr
    assert before.stdout.startswith("uso: vse-tui")  # argparse's own words too
    after = run("incident", "--help", "--lang", "fr")
    assert after.stdout.startswith("utilisation : vse-tui incident")
    english = run("--help")
    assert english.stdout.startswith("usage: vse-tui")


def test_environment_and_config_choose_the_language(tmp_path) -> None:
    assert run("--help", env={"LANG": "pt_BR.UTF-8"}).stdout.startswith("uso: vse-tui")
    assert run("--help", env={"LC_ALL": "fr_CA.UTF-8", "LANG": "es_MX.UTF-8"}).stdout.startswith("utilisation")
    config = tmp_path / "config.toml"
    config.write_text('language = "es"\n', encoding="utf-8")
    assert run("--help", env={"VSE_TUI_CONFIG": str(config), "LANG": "fr_FR.UTF-8"}).stdout.startswith("uso:")
    # --lang wins over the config
    assert run("--help", "--lang", "en", env={"VSE_TUI_CONFIG": str(config)}).stdout.startswith("usage:")


def test_unknown_language_is_a_usage_error_naming_the_available_ones(capsys) -> None:
    assert main(["--lang", "klingon", "incident", "list"]) == 2
    err = capsys.readouterr().err
    assert "unknown language 'klingon'" in err and "pt_BR" in err and "fr" in err


def test_unknown_language_in_the_config_is_refused_with_its_path(tmp_path, monkeypatch, capsys) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "de"\n', encoding="utf-8")
    monkeypatch.setenv("VSE_TUI_CONFIG", str(config))
    assert main(["incident", "list"]) == 1
    err = capsys.readouterr().err
    assert str(config) in err and "language: unknown language 'de'" in err


def test_the_suite_speaks_english() -> None:
    assert i18n.from_environment()[0] == "en"
    assert i18n.language() == "en"
