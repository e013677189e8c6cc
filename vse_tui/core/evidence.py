"""Which tasks of the standard have dated, attributed evidence: counted from the history rows
tagged with a task id. (The full evidence map, with inputs and outputs per task, builds on this.)"""

from __future__ import annotations

from .standard import load_standard


def evidenced_tasks(store) -> set[str]:
    """Tasks with at least one history row: one index probe per task (40), whatever the history's size."""
    return {t.code for t in load_standard().tasks
            if store.conn.execute("SELECT 1 FROM history WHERE task = ? LIMIT 1", (t.code,)).fetchone()}


def progress(store) -> dict[str, tuple[int, int]]:
    """process code -> (tasks with evidence, tasks), plus "all"."""
    done = evidenced_tasks(store)
    out: dict[str, tuple[int, int]] = {}
    tasks = load_standard().tasks
    for proc in load_standard().processes:
        codes = [t.code for t in tasks if t.process == proc.code]
        out[proc.code] = (sum(c in done for c in codes), len(codes))
    out["all"] = (sum(t.code in done for t in tasks), len(tasks))
    return out


def governance_complete(store) -> bool:
    """Setup is complete when the wizard's work products exist and a Service Manager is named."""
    for table, statuses in (("business_goals", "'approved'"), ("scopes", "'approved'"), ("role_lists", "'approved','updated'"),
                            ("policies", "'approved','updated'"), ("cx_approaches", "'approved'"), ("data_procedures", "'approved'")):
        if not store.conn.execute(f"SELECT 1 FROM {table} WHERE status IN ({statuses}) LIMIT 1").fetchone():
            return False
    return store.conn.execute("SELECT 1 FROM role_assignments WHERE role = 'SM' AND state = 'active' LIMIT 1").fetchone() is not None
