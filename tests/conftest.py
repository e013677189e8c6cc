"""Shared fixtures: a pinned clock, time zone and locale; temp databases; the demo shop built once."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest

FROZEN_NOW = "2026-11-26T09:30:00+00:00"
AS_OF = "2026-11-26"

# Pinned before anything reads the clock or the time zone.
os.environ["TZ"] = "UTC"
os.environ["LANG"] = "C.UTF-8"
# The suite speaks English whatever the machine's locale: the variables that would choose another
# language (vse_tui.i18n.from_environment reads the first three) are removed, here and for every
# process a test starts.
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["VSE_TUI_NOW"] = FROZEN_NOW
os.environ.pop("VSE_TUI_DB", None)
os.environ.pop("NO_COLOR", None)
# The tests start Python afresh many times (the CLI, writers killed mid-write): let those keep the
# compiled modules instead of compiling every module each time (a tenth of the CPU of the CLI tests).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
if hasattr(time, "tzset"):
    time.tzset()


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test reads or writes the user's real config or database."""
    monkeypatch.setenv("VSE_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("VSE_TUI_DB", str(tmp_path / "default" / "vse.db"))
    monkeypatch.setenv("VSE_TUI_NOW", FROZEN_NOW)
    yield
    from vse_tui import i18n

    i18n.set_language("en")  # a test that spoke another language leaves none behind


def as_person(store, name: str, roles: str = "", login: str | None = None, **kwargs):
    """Add a person of the shop (with roles) and write as them from now on."""
    from vse_tui.core.governance.roles import add_person

    person, _ = add_person(store, name, roles=roles, os_user=login, **kwargs)
    store.actor = store.actor.as_person(person.uuid, person.name)
    return person


@contextlib.contextmanager
def acting(store, person):
    """Write as another person for a moment (a colleague restores, the Incident Manager closes)."""
    before = store.actor
    store.actor = before.as_person(person.uuid, person.name)
    try:
        yield
    finally:
        store.actor = before


@pytest.fixture
def sam(store):
    """Sam, a practitioner for incidents, beside Tester."""
    from vse_tui.core.governance.roles import add_person

    return add_person(store, "Sam", roles="PT:incident", os_user="sam")[0]


@pytest.fixture
def bare_store(tmp_path):
    """A new database with nobody in it yet: writes come from a login mapped to no person."""
    from vse_tui.store import Actor, open_store

    s = open_store(tmp_path / "t.db", Actor(operator="Tester", os_user="tester", host="testhost"))
    yield s
    s.close()


@pytest.fixture
def store(bare_store):
    """A new database where the person at the keyboard is Tester, who holds SM, CM, RM, MGT and is a
    practitioner for incidents (no combination warning)."""
    as_person(bare_store, "Tester", "SM,CM,RM,MGT,PT:incident", login="tester")
    return bare_store


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    from datetime import date

    from vse_tui.demo import install_demo, make_demo

    os.environ["VSE_TUI_NOW"] = FROZEN_NOW
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    built, _counts = make_demo(path, as_of=date.fromisoformat(AS_OF))
    install_demo(built, path, keep_previous=False)
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path) -> Path:
    """A private copy of the demo database for a test that may write to it."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_file, target)
    return target


@pytest.fixture
def demo_store(demo_db):
    from vse_tui.store import Actor, open_store

    s = open_store(demo_db, Actor(operator="Kim Lee", os_user="kim", host="laptop"))
    yield s
    s.close()
