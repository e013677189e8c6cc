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

DURATIONS = Path(__file__).with_name("durations.txt")


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: two workers more than the cores. The pilot tests spend about half their time
    waiting for the app to settle (Textual's pauses sleep while the process is idle): extra
    workers fill those gaps (on two cores, quiet: 3 workers 326 s, 4 workers 286 s for the same
    882 tests). PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 2


def pytest_collection_modifyitems(config, items):
    """The longest tests first, longest first (tests/durations.txt), so that no worker is left
    with a long one at the end while the others wait. xdist's load scheduler (one test at a time,
    `--maxschedchunk=1`) hands each worker its first two tests in this order: each of the longest
    is paired with a quick one there, so that they start on different workers."""
    seconds: dict[str, float] = {}
    for line in DURATIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            value, nodeid = line.split(None, 1)
            seconds[nodeid.strip()] = float(value)
    long = sorted((item for item in items if item.nodeid in seconds), key=lambda item: -seconds[item.nodeid])
    rest = [item for item in items if item.nodeid not in seconds]
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    head: list[pytest.Item] = []
    for _ in range(workers):
        if long:
            head.append(long.pop(0))
        if rest:
            head.append(rest.pop())
    items[:] = head + long + rest


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
    practitioner for incidents (no combination warning but the one-person shop's: she approves all she
    writes)."""
    as_person(bare_store, "Tester", "SM,CM,RM,MGT,PT:incident", login="tester")
    return bare_store


def shared_build(tmp_path_factory, name: str, build) -> Path:
    """A folder built once for the whole run and shared by the workers of a parallel run: the
    first worker to ask calls `build(folder)` under a lock while the others wait for it, then every
    worker gets the same folder (in the run's own temp folder, above each worker's). What is in it is
    only read: a test that writes (opening a store writes on close) works on a copy. A build that
    failed half-way is started again afresh by the next worker that asks."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's own folder, above each worker's
    top = base / f"{name}-shared"
    top.mkdir(exist_ok=True)
    folder = top / "built"
    with open(top / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (top / "ready").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (top / "ready").touch()
    return folder


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """The demo shop, built once for the whole run (shared_build; tests only ever copy it)."""
    from datetime import date

    from vse_tui.demo import install_demo, make_demo

    def build(folder: Path) -> None:
        os.environ["VSE_TUI_NOW"] = FROZEN_NOW
        # in English whatever language a test left spoken: the demo writes in the language it is made in
        built, _counts = make_demo(folder / "demo.db", as_of=date.fromisoformat(AS_OF), language="en")
        install_demo(built, folder / "demo.db", keep_previous=False)

    return shared_build(tmp_path_factory, "demo", build) / "demo.db"


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
