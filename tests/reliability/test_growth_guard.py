"""A guard against a blow-up as the shop grows: at 20,000 incidents, verify, export and import each stay
within a generous multiple of the floor the same machine sets for the same rows in the same run (a
plain sqlite3 scan, hashlib over the history, the csv module inserting plain rows). A change that
makes one of them quadratic takes it hundreds of times past its floor; noise does not. The figures
themselves come from benchmarks/bench_growth.py."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import time
from datetime import datetime, timedelta

import pytest

from tests.conftest import shared_build
from vse_tui.core.intake.importer import apply, plan_incidents
from vse_tui.demo import build_demo
from vse_tui.reports.export import write_export
from vse_tui.store.chain import verify
from vse_tui.store.db import open_store

pytestmark = pytest.mark.slow

N = 20_000
# today on a 2-core laptop: verify ~4x its floor, export ~7x, import ~75x (it validates, numbers,
# hashes and chains every ticket; the floor only copies text); a quadratic step would be thousands
GENEROUS = {"verify": 40, "export": 60, "import": 400}


def clocked(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@pytest.fixture(scope="module")
def shared_big(tmp_path_factory):
    """The 20,000-incident demo and what it told of its progress while it was built: built once
    for the whole run, shared by the workers (only read)."""

    def build(folder):
        told: list[int] = []
        with open_store(folder / "big.db") as store:
            build_demo(store, incidents=N, progress=told.append)
        (folder / "told.json").write_text(json.dumps(told), encoding="utf-8")

    return shared_build(tmp_path_factory, "growth", build)


@pytest.fixture(scope="module")
def big(shared_big, tmp_path_factory):
    """This worker's own copy of the big database (opening a store writes when it closes)."""
    path = tmp_path_factory.mktemp("growth") / "big.db"
    shutil.copy(shared_big / "big.db", path)
    return path


def test_the_demo_tells_how_many_incidents_it_has_stored_as_it_goes(shared_big, big):
    told = json.loads((shared_big / "told.json").read_text(encoding="utf-8"))
    assert len(told) > 5 and told == sorted(told)  # the year lived, then each batch of the archive
    with open_store(big) as store:
        assert told[0] < N // 10 and told[-1] == store.count("incidents") >= N


def test_verify_and_export_stay_near_a_plain_read_of_the_same_rows(big):
    conn = sqlite3.connect(big)

    def hashed():
        digest = hashlib.sha256()
        cursor = conn.execute("SELECT * FROM history ORDER BY seq")
        while rows := cursor.fetchmany(5000):
            digest.update(repr(rows).encode())

    def scanned():
        for table in ("incidents", "history"):
            for _row in conn.execute(f"SELECT * FROM {table}"):
                pass

    hash_floor, scan_floor = min(clocked(hashed) for _ in range(2)), min(clocked(scanned) for _ in range(2))
    with open_store(big) as store:
        assert store.count("incidents") > N
        problems: list = []
        took_verify = clocked(lambda: problems.extend(verify(store)))
        assert problems == []
        took_export = clocked(lambda: write_export(store, io.StringIO()))
    assert took_verify < GENEROUS["verify"] * hash_floor, (took_verify, hash_floor)
    assert took_export < GENEROUS["export"] * scan_floor, (took_export, scan_floor)


def test_an_import_stays_near_a_plain_insert_of_the_same_file(tmp_path):
    source = tmp_path / "jira.csv"
    start = datetime(2020, 1, 1, 8, 0)
    with open(source, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Summary", "Issue key", "Status", "Priority", "Created", "Resolved"])
        for n in range(N):
            created = start + timedelta(minutes=37 * n)
            w.writerow([f"Printer {n % 50} jams", f"ITSD-{n + 1}", "Closed", "High",
                        created.strftime("%d/%b/%y %I:%M %p"), (created + timedelta(hours=3)).strftime("%d/%b/%y %I:%M %p")])

    def floor():
        conn = sqlite3.connect(tmp_path / f"floor{time.monotonic_ns()}.db")
        conn.execute("CREATE TABLE t (a, b, c, d, e, f)")
        with open(source, newline="", encoding="utf-8") as fh, conn:
            rows = csv.reader(fh)
            next(rows)
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.close()

    plain = min(clocked(floor) for _ in range(2))
    with open_store(tmp_path / "shop.db") as store:
        count: list[int] = []
        took = clocked(lambda: count.append(apply(store, plan_incidents(store, source))))
        assert count == [N] and store.count("incidents") == N
    assert took < GENEROUS["import"] * plain, (took, plain)


def test_closing_the_store_does_not_read_every_incident_again(big):
    """Each command and each screen's reading thread closes its connection; refreshing the query
    planner's statistics then samples each index instead of reading the table whole (a table with
    an empty partial index was read again at every close: 0.08 s at 100,000 incidents)."""
    from vse_tui.reports import performance

    with open_store(big) as store:
        performance.compute(store, performance.parse_period("2025-Q1"))  # reads through the indexes
        steps = [0]

        def counted() -> int:
            steps[0] += 100
            return 0

        store.conn.set_progress_handler(counted, 100)
    assert steps[0] < 5 * N, steps[0]  # a whole read of the table and its indexes: about 80 per incident
