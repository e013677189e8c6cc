"""Record uuids are made in time order (version 7), so the indexes keyed on them grow at their end."""

import uuid

from vse_tui.core.incidents import process as core
from vse_tui.core.model import ids


def test_uuids_are_version_7_unique_and_sort_in_the_order_they_were_made():
    made = [ids.new_uuid() for _ in range(20_000)]  # several thousand share a millisecond
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    parsed = uuid.UUID(made[0])
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert str(parsed) == made[0]  # the usual text form, lowercase with hyphens


def test_the_order_holds_when_the_clock_steps_back_or_one_millisecond_runs_out(monkeypatch):
    now = [1_800_000_000_000 * 1_000_000]
    monkeypatch.setattr(ids.time, "time_ns", lambda: now[0])
    first = [ids.new_uuid() for _ in range(5_000)]  # more than 4,096 in one millisecond
    now[0] -= 60 * 10**9  # the clock is set a minute back
    later = [ids.new_uuid() for _ in range(10)]
    made = first + later
    assert made == sorted(made) and len(set(made)) == len(made)
    assert int(uuid.UUID(first[0]).hex[:12], 16) == 1_800_000_000_000  # the time it was made, in milliseconds


def test_records_logged_one_after_another_have_uuids_in_that_order(store):
    logged = [core.log_incident(store, f"Printer jam {n}") for n in range(30)]
    assert [i.uuid for i in logged] == sorted(i.uuid for i in logged)
    assert all(uuid.UUID(i.uuid).version == 7 for i in logged)


def test_a_seed_set_elsewhere_does_not_make_two_runs_give_the_same_uuids():
    import random

    random.seed(1)
    first = ids.new_uuid()
    random.seed(1)
    assert ids.new_uuid()[19:] != first[19:]  # the random part (after the counter) differs
