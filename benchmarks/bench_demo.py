"""The demo shop as a new user gets it: `vse-tui demo` exactly as README says (the real clock, no
options), timed, and what an assessor would read in it.

    python benchmarks/bench_demo.py [--runs 3] [--incidents 300] [--db DEMO.db]

Each run builds the demo in a fresh process with throwaway HOME and XDG folders (`--no-open` only,
so that the app does not start; the database is the same). Then, read from the file with the
sqlite3 module alone (an independent reading, not the app's): the days its history covers and
whether any row lies before the year, in the future or in 1970; how many different texts each
kind of record holds; incident-to-item links inside their customer and service; change-to-item
links inside their customer; approvals by someone other than the record's author; writes under a
customer's login; notifications sent or phoned; security incidents marked; test reports complete;
problems' changes carried through; the approved reports' figures against their period's records.
With --db, only the reading of an existing demo. Figures are printed, never asserted (the tests
assert theirs).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _texts(values: list[str]) -> dict[str, int]:
    seen = Counter(v for v in values if v)
    return {"records": sum(seen.values()), "distinct": len(seen), "most_repeated": max(seen.values(), default=0)}


def figures(path: str | os.PathLike, now: datetime | None = None) -> dict:
    """What the demo database at `path` holds, read with sqlite3 (read-only)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def q(sql: str, *args):
        return db.execute(sql, args).fetchall()

    def data(table: str) -> list[dict]:
        cols = [r[1] for r in q(f"PRAGMA table_info({table})")]
        out = []
        for row in q(f"SELECT * FROM {table}"):
            rec = dict(zip(cols, row))
            rec.update(json.loads(rec.pop("data") or "{}"))
            for k in ("approvals", "cis", "services", "impacted_cis", "incidents", "change_requests", "changes"):
                if isinstance(rec.get(k), str):
                    try:
                        rec[k] = json.loads(rec[k])
                    except ValueError:
                        pass
            out.append(rec)
        return out

    now = now or datetime.now(UTC)
    year_ago = now - timedelta(days=365)
    out: dict = {}
    ats = [datetime.fromisoformat(a) for (a,) in q("SELECT at FROM history WHERE via IS NULL OR via NOT LIKE 'imported%'")]
    out["history"] = {"rows": len(ats), "days": len({a.date() for a in ats}), "first": min(ats).isoformat(),
                      "last": max(ats).isoformat(), "seconds": len(set(ats)),
                      "before_the_year": sum(a < year_ago for a in ats), "in_the_future": sum(a > now for a in ats),
                      "in_1970": sum(a.year == 1970 for a in ats)}
    incidents = [i for i in data("incidents") if not i.get("external_ref") and not i.get("fingerprint")]
    tests = data("test_reports")
    out["texts"] = {"solutions": _texts([i.get("solution", "") for i in incidents]),
                    "root_causes": _texts([i.get("root_cause", "") for i in incidents]),
                    "feedback": _texts([f.get("description", "") for f in data("feedback")]),
                    "test_summaries": _texts([t.get("summary", "") for t in tests])}
    customers = {c["uuid"]: c for c in data("customers")}
    by_name = {c["name"]: u for u, c in customers.items()}
    cis = {c["uuid"]: c for c in data("configuration_items")}
    bought: dict[str, set[str]] = {}
    for a in data("customer_agreements"):
        named = a.get("services") or []
        ids = {s.strip() for s in (named.split(",") if isinstance(named, str) else named)}
        svc = {u for u, _id in q("SELECT uuid, id FROM services") if _id in ids or u in ids}
        bought.setdefault(a.get("customer") or "", set()).update(svc)
    owner = {u: by_name.get(c.get("owner")) for u, c in cis.items()}
    out["items"] = {"items": len(cis), "in_a_service_their_customer_buys": sum(
        1 for u, c in cis.items() if set(c.get("services") or []) <= bought.get(owner[u] or "", set()))}
    links = same_c = same_s = 0
    for i in incidents:
        for c in i.get("cis") or []:
            links += 1
            same_c += owner.get(c) == i.get("customer")
            same_s += i.get("service") in (cis.get(c, {}).get("services") or [])
    out["incident_item_links"] = {"links": links, "same_customer": same_c, "same_service": same_s}
    changes = data("change_requests")
    links = same_c = 0
    for ch in changes:
        for c in ch.get("impacted_cis") or []:
            links += 1
            same_c += owner.get(c) == ch.get("customer")
    out["change_item_links"] = {"links": links, "same_customer": same_c}
    # approvals: by someone other than the person who wrote the version approved
    contacts = {p["uuid"] for p in data("people") if p.get("affiliation") not in (None, "internal")}
    author: dict[tuple[str, int], str] = {}
    for record, version, person in q("SELECT record, version, person FROM history WHERE version IS NOT NULL"):
        author.setdefault((record, version), person)
    internal = other = accepted = on_record = 0
    tables = [t for (t,) in q("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for t in tables:
        cols = [r[1] for r in q(f"PRAGMA table_info({t})")]
        if "data" not in cols or "uuid" not in cols:
            continue
        for rec in data(t):
            for a in rec.get("approvals") or []:
                if (a.get("meaning") or "").startswith("accepted by"):
                    accepted += 1
                    on_record += bool(a.get("noted_by"))
                    continue
                internal += 1  # an approval names the version it makes: the content is the one before it
                version = a.get("version") or 1
                wrote = author.get((rec["uuid"], version - 1)) if version > 1 else author.get((rec["uuid"], version))
                other += a.get("person") != wrote
    out["approvals"] = {"internal": internal, "by_someone_other_than_the_author": other,
                        "acceptances_by_a_customer_or_supplier": accepted, "acceptances_recorded_by_the_shop": on_record,
                        "writes_under_a_customers_login": q(
                            f"SELECT COUNT(*) FROM history WHERE person IN ({','.join('?' * len(contacts))})",
                            *contacts)[0][0] if contacts else 0}
    notes = [n for i in incidents for n in i.get("notifications") or []]
    out["notifications"] = {"all": len(notes), "email": sum(n.get("how") == "email" for n in notes),
                            "email_sent": sum(n.get("how") == "email" and bool(n.get("sent_at")) for n in notes),
                            "phone": sum(n.get("how") == "phone" for n in notes),
                            "phone_with_what_was_said": sum(n.get("how") == "phone" and bool(n.get("message"))
                                                            for n in notes)}
    out["security"] = {"in_a_security_category": sum(i.get("category") == "security" for i in incidents),
                       "marked_as_security": sum(bool(i.get("security")) for i in incidents)}
    out["test_reports"] = {"all": len(tests), "complete": sum(bool(t.get("measurement") and t.get("interpreted_by")
                                                                   and t.get("tested_by")) for t in tests),
                           "testers": dict(Counter(t.get("tested_by") for t in tests))}
    problems = [i for i in incidents if i.get("problem")]
    ch_by_uuid = {c["uuid"]: c for c in changes}
    out["problems"] = {"problems": len(problems), "changes_reviewed": sum(
        1 for p in problems for c in p.get("changes") or [] if ch_by_uuid.get(c, {}).get("state") == "reviewed")}
    # every approved performance report against its period's records
    reports = []
    for r in data("performance_reports"):
        if r.get("status") not in ("approved", "updated"):
            continue
        lo = datetime.combine(datetime.fromisoformat(r["period_start"]).date(), datetime.min.time()).astimezone(UTC)
        hi = datetime.combine(datetime.fromisoformat(r["period_end"]).date() + timedelta(days=1),
                              datetime.min.time()).astimezone(UTC)
        total = (r.get("period_performance") or {}).get("total") or {}
        opened = sum(1 for i in incidents if not i.get("problem") and lo <= datetime.fromisoformat(i["opened_at"]) < hi)
        deployed = sum(1 for c in changes if c.get("deployed_at") and lo <= datetime.fromisoformat(c["deployed_at"]) < hi)
        fb = sum(1 for f in data("feedback") if lo <= datetime.fromisoformat(f["received_at"]) < hi)
        reports.append({"report": r["id"], "incidents": [total.get("incidents"), opened],
                        "changes_deployed": [total.get("changes_deployed"), deployed],
                        "feedback": [sum((total.get("feedback") or {}).values()), fb]})
    out["approved_reports"] = reports
    db.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--db", help="only read this existing demo database")
    args = parser.parse_args()
    if args.db:
        print(json.dumps(figures(args.db), indent=1))
        return 0
    times = []
    with tempfile.TemporaryDirectory(prefix="vse-bench-demo-") as tmp:
        for run in range(args.runs):
            home = Path(tmp) / f"run{run}"
            env = {k: v for k, v in os.environ.items() if not k.startswith("VSE_TUI_")}
            env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
                       XDG_CACHE_HOME=str(home / "cache"))
            command = [sys.executable, "-m", "vse_tui", "demo", "--no-open"]
            if args.incidents != 300:
                command += ["--incidents", str(args.incidents)]
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"vse-tui demo ({args.incidents} incidents): best {min(times):.2f} s of {args.runs} "
              f"({', '.join(f'{t:.2f}' for t in times)})")
        print(json.dumps(figures(next((Path(tmp) / "run0" / "data").rglob("demo.db"))), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
