"""The command line and the reports in Spanish, Brazilian Portuguese and French: a command's help,
an error argparse writes and one of ours, a table's headings, a report; and the `cli` and `reports`
catalogues complete (every message translated, its placeholders kept, every plural form given)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vse_tui import i18n
from vse_tui.cli import main

LOCALE = Path(i18n.__file__).parent / "locale"

# what a reader of each language sees, per command
EXPECTED = {
    "es": {"help": ["uso: vse-tui incident add", "registrar un incidente (IN.2.1); imprime su id",
                    "mostrar este mensaje de ayuda y salir", "--customer C", "--assign PERSONA"],
           "missing": "faltan los siguientes argumentos obligatorios: RESUMEN (vea 'vse-tui incident add --help')",
           "choice": "opción no válida: 'huge'",
           "ours": "no es una fecha: se espera una fecha como 25/12/2026 o 25 dic 2026",
           "table": ["PRIORIDAD", "RESUMEN"],
           "report": ["# Informe de desempeño del servicio 3.er trimestre de 2026", "## Acciones anteriores",
                      "A redactar por el gerente de relaciones."],
           "import": "se importó 1 elemento de configuración; 1 fila rechazada (listada arriba)"},
    "pt_BR": {"help": ["uso: vse-tui incident add", "registrar um incidente (IN.2.1); imprime o id",
                       "mostrar esta mensagem de ajuda e sair", "--assign PESSOA"],
              "missing": "os seguintes argumentos são obrigatórios: RESUMO (veja 'vse-tui incident add --help')",
              "choice": "opção inválida: 'huge'",
              "ours": "não é uma data: esperava-se uma data como 25/12/2026 ou 25 dez 2026",
              "table": ["PRIORIDADE", "RESUMO"],
              "report": ["# Relatório de desempenho do serviço 3º trimestre de 2026", "## Ações anteriores",
                         "A ser escrito pelo gerente de relacionamento."],
              "import": "1 item de configuração importado; 1 linha rejeitada (listada acima)"},
    "fr": {"help": ["utilisation : vse-tui incident add", "consigner un incident (IN.2.1) ; affiche son identifiant",
                    "afficher ce message d'aide et quitter", "--assign PERSONNE"],
           "missing": "les arguments suivants sont obligatoires : RÉSUMÉ (voir « vse-tui incident add --help »)",
           "choice": "choix non valide : 'huge'",
           "ours": "n'est pas une date : attendu une date comme 25/12/2026 ou 25 déc. 2026",
           "table": ["PRIORITÉ", "RÉSUMÉ"],
           "report": ["# Rapport de performance du service du 3e trimestre 2026", "## Actions précédentes",
                      "À rédiger par le gestionnaire des relations."],
           "import": "1 élément de configuration importé ; 1 ligne rejetée (listée ci-dessus)"},
}


@pytest.fixture
def speak(monkeypatch):
    def choose(language: str) -> None:
        i18n.set_language(language)
        monkeypatch.setenv("LC_ALL", language)  # main() chooses the language of each run as a new process does

    yield choose
    i18n.set_language("en")


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_help_errors_tables_and_a_report_in_the_language(language, speak, tmp_path, capsys, monkeypatch):
    said = EXPECTED[language]
    db = str(tmp_path / "shop.db")
    monkeypatch.setenv("COLUMNS", "200")
    speak(language)

    with pytest.raises(SystemExit):
        main(["incident", "add", "--help"])
    out = capsys.readouterr().out
    for text in said["help"]:
        assert text in out, text
    assert "show this help" not in out and "record an incident" not in out

    assert main(["incident", "add", "--db", db]) == 2  # argparse's own words
    assert said["missing"] in capsys.readouterr().err
    assert main(["incident", "add", "x", "--impact", "huge", "--db", db]) == 2
    assert said["choice"] in capsys.readouterr().err
    assert main(["demo", "--as-of", "someday", "--db", db]) == 2  # ours
    err = capsys.readouterr().err
    assert said["ours"] in err and "is not a date" not in err
    assert err.startswith("vse-tui : " if language == "fr" else "vse-tui: "), err  # French spaces its colon

    assert main(["incident", "add", "Printer out of toner", "--db", db]) == 0
    assert main(["incident", "list", "--db", db]) == 0
    header = capsys.readouterr().out.splitlines()[1]
    assert all(word in header for word in said["table"]) and "PRIORITY" not in header
    assert main(["incident", "list", "--format", "csv", "--db", db]) == 0  # what a program reads keeps its keys
    assert capsys.readouterr().out.startswith("id,")

    assert main(["report", "performance", "--period", "2026-Q3", "--db", db]) == 0
    report = capsys.readouterr().out
    for text in said["report"]:
        assert text in report, text
    assert "Service performance report" not in report and "To be written" not in report

    csv_file = tmp_path / "assets.csv"
    csv_file.write_text("name,type\nNAS,hardware\n,software\n", encoding="utf-8")
    assert main(["import", "cis", str(csv_file), "--yes", "--db", db]) == 0
    assert said["import"] in capsys.readouterr().out


def test_english_stays_as_it_was(tmp_path, capsys):
    db = str(tmp_path / "shop.db")
    assert main(["incident", "add", "--db", db]) == 2
    assert "the following arguments are required: SUMMARY (see 'vse-tui incident add --help')" in capsys.readouterr().err
    assert main(["incident", "add", "Printer out of toner", "--db", db]) == 0
    assert main(["report", "performance", "--period", "2026-Q3", "--db", db]) == 0
    assert "# Service performance report 2026-Q3" in capsys.readouterr().out


def _entries(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr or msgstr[n], unquoted."""
    import ast

    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            if current:
                entries.append(current)
                current = {}
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
            continue
        key, _space, rest = line.partition(" ")
        current[key] = ast.literal_eval(rest)
    if current:
        entries.append(current)
    return [e for e in entries if e.get("msgid")]


def _fields(text: str) -> list[str]:
    return sorted(re.findall(r"\{\w*\}|%\(\w+\)\w|%[sr]", text))


@pytest.mark.parametrize("language", ["es", "pt_BR", "fr"])
@pytest.mark.parametrize("area", ["cli", "reports"])
def test_the_catalogues_are_complete(language, area):
    path = LOCALE / language / "LC_MESSAGES" / f"{area}.po"
    text = path.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    forms = int(re.search(r"nplurals=(\d+)", text).group(1))
    entries = _entries(path)
    assert len(entries) > (400 if area == "cli" else 150)
    for e in entries:
        if "msgid_plural" in e:
            given = [e.get(f"msgstr[{i}]", "") for i in range(forms)]
            assert all(given), e["msgid"]
            for form in given:
                assert _fields(form) in (_fields(e["msgid"]), _fields(e["msgid_plural"])), (e["msgid"], form)
        else:
            assert e.get("msgstr"), e["msgid"]
            assert _fields(e["msgstr"]) == _fields(e["msgid"]), (e["msgid"], e["msgstr"])


MAIL = {
    "es": ["Subject: [INC-0001] Printer out of toner", "Hola, estimado cliente:", "Estamos trabajando en INC-0001",
           "Subject: [FB-0001] Su queja: Nobody called back", "Gracias por su queja", "Lo que encontramos e hicimos:"],
    "pt_BR": ["Olá, prezado cliente,", "Estamos trabalhando em INC-0001", "Subject: [FB-0001] Sua =?utf-8?",
              "Obrigado pela sua reclamação", "O que encontramos e fizemos:"],
    "fr": ["Bonjour Madame, Monsieur,", "Nous travaillons sur INC-0001", "Subject: [FB-0001] Votre plainte : Nobody",
           "Merci pour votre plainte", "Ce que nous avons trouvé et fait :"],
}


@pytest.mark.parametrize("language", sorted(MAIL))
def test_mail_to_a_customer_in_the_language(language, speak, tmp_path, capsys):
    """The app's own wording of a notification and of a feedback answer goes out in the language
    (what the shop typed, the summary and the outcome, as typed)."""
    import email
    import os
    from email.policy import default

    from vse_tui.store.db import open_store

    config = Path(os.environ["VSE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[mail]\nfrom = "desk@shop.example"\n')
    db = str(tmp_path / "shop.db")
    speak(language)
    assert main(["incident", "add", "Printer out of toner", "--db", db]) == 0
    assert main(["incident", "notify", "INC-0001", "--to", "dana@acme.example", "--db", db]) == 0
    assert main(["feedback", "add", "Nobody called back", "--type", "complaint", "--db", db]) == 0
    for step in ("acknowledged", "investigated"):
        assert main(["feedback", "step", "FB-0001", step, "--outcome", "We call back within the hour now.",
                     "--db", db]) == 0
    assert main(["feedback", "answer", "FB-0001", "--to", "dana@acme.example", "--db", db]) == 0
    capsys.readouterr()
    store = open_store(Path(db), create=False)
    try:
        sent = [Path(path).read_bytes() for path, _meta in store.outbox_all()]
    finally:
        store.close()
    assert len(sent) == 2
    raw = b"\n".join(sent).decode("ascii", "replace")
    text = "\n".join(email.message_from_bytes(m, policy=default).get_content() for m in sent)
    for wanted in MAIL[language]:
        assert wanted in (raw if wanted.startswith("Subject:") else text), wanted
    assert "Hello" not in text and "Thank you" not in text and "We call back within the hour now." in text


@pytest.mark.parametrize(("language", "typed", "prompt"), [
    ("es", "si", "[s/N]"), ("es", "Sí", "[s/N]"), ("pt_BR", "sim", "[s/N]"), ("fr", "o", "[o/N]"), ("fr", "oui", "[o/N]"),
    ("fr", "yes", "[o/N]")])
def test_a_confirmation_is_answered_in_the_language(language, typed, prompt, speak, monkeypatch):
    from vse_tui.cli.common import confirm

    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda text: asked.append(text) or typed)
    speak(language)
    assert confirm(object(), "?") is True
    assert asked == [f"? {prompt} "]
    monkeypatch.setattr("builtins.input", lambda text: "n")
    assert confirm(object(), "?") is False


def test_the_command_reference_stays_english(speak):
    from vse_tui.cli.reference import reference

    english = reference()
    speak("es")
    assert reference() == english and "registrar un incidente" not in english
    assert i18n.language() == "es"
