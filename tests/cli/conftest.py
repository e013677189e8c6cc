"""Fixtures of the command line's tests."""

from __future__ import annotations

import pytest

from tests.conftest import shared_build
from vse_tui import i18n
from vse_tui.cli import main


@pytest.fixture(scope="module")
def demo_packs(tmp_path_factory, demo_file):
    """The demo shop's pack written in English and, the flag after the command, in French, beside a
    copy of the shop (folder/shop/demo.db): written once for the whole run and shared by the workers
    (the tests only read them)."""
    import shutil

    def build(folder):
        shutil.copytree(demo_file.parent, folder / "shop")  # the database with its attached files
        db = folder / "shop" / demo_file.name
        try:
            assert main(["audit-pack", "--db", str(db), "--out", str(folder / "en")]) == 0
            assert main(["audit-pack", "--db", str(db), "--out", str(folder / "fr"), "--lang", "fr"]) == 0
        finally:
            i18n.set_language("en")

    return shared_build(tmp_path_factory, "report-language", build)
