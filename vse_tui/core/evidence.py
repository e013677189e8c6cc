"""Which tasks of the standard have dated, attributed evidence: counted from the history rows
tagged with a task id. (The full evidence map, with inputs and outputs per task, builds on this.)"""

from __future__ import annotations

from .data import task_codes


def evidenced_tasks(store) -> set[str]:
    """Tasks with at least one history row: one index probe per task (40), whatever the history's size."""
    return {code for codes in task_codes().values() for code in codes
            if store.conn.execute("SELECT 1 FROM history WHERE task = ? LIMIT 1", (code,)).fetchone()}


def progress(store) -> dict[str, tuple[int, int]]:
    """process code -> (tasks with evidence, tasks), plus "all"."""
    done = evidenced_tasks(store)
    out: dict[str, tuple[int, int]] = {}
    for proc, codes in task_codes().items():
        out[proc] = (sum(c in done for c in codes), len(codes))
    out["all"] = (sum(v[0] for v in out.values()), sum(v[1] for v in out.values()))
    return out


def governance_complete(store) -> bool:
    """Setup is complete when the wizard's work products exist and a Service Manager is named."""
    for table, statuses in (("business_goals", "'approved'"), ("scopes", "'approved'"), ("role_lists", "'approved','updated'"),
                            ("policies", "'approved','updated'"), ("cx_approaches", "'approved'"), ("data_procedures", "'approved'")):
        if not store.conn.execute(f"SELECT 1 FROM {table} WHERE status IN ({statuses}) LIMIT 1").fetchone():
            return False
    return store.conn.execute("SELECT 1 FROM role_assignments WHERE role = 'SM' AND state = 'active' LIMIT 1").fetchone() is not None
