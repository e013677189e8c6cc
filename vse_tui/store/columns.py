"""The shape of the record tables, known without loading sqlite-utils: opening a database whose
schema is current needs only the sqlite3 module."""

from datetime import UTC, datetime

APPLICATION_ID = 0x56534531  # "VSE1": marks a file as a vse-tui database

# when a database born on a frozen clock (a test's, the demo's) says it was made: before its made-up past
SIMULATED_BIRTH = datetime(1970, 1, 1, tzinfo=UTC)
SCHEMA_VERSION = 14  # the number of migrations in schema.py (a test checks they agree)

# Columns every record table has; the record's other fields live in `data` (JSON).
COMMON = {
    "uuid": str, "id": str, "seq": int, "status": str, "state": str, "version": int,
    "title": str, "created_at": str, "updated_at": str, "created_by": str, "updated_by": str,
    "data": str,
}

# Fields kept in their own column because lists filter or sort on them.
PROMOTED_V1: dict[str, dict[str, type]] = {
    "customers": {}, "suppliers": {},
    "people": {"organisation": str},
    "role_assignments": {"person": str, "role": str},
    "training": {"person": str, "due_on": str},
    "acknowledgements": {"rule": str, "record": str},
    "business_goals": {}, "scopes": {}, "role_lists": {},
    "policies": {"review_date": str},
    "cx_approaches": {}, "data_procedures": {},
    "feedback": {"received_at": str, "company": str},
    "improvement_reports": {"period_end": str},
    "configuration_items": {"expiry_date": str},
    "change_requests": {"change_type": str, "priority": str, "planned_at": str, "deployed_at": str},
    "schedule_items": {"item_type": str, "starts_at": str, "change": str},
    "built_changes": {"change": str}, "service_designs": {"change": str},
    "procedures": {}, "secure_procedures": {},
    "test_reports": {"change": str},
    "services": {"review_date": str},
    "customer_agreements": {"customer": str, "review_date": str, "end_date": str},
    "supplier_agreements": {"supplier": str, "review_date": str, "end_date": str},
    "performance_reports": {"period_end": str, "customer": str},
    "incidents": {
        "priority": str, "customer": str, "service": str, "opened_at": str,
        "restored_at": str, "closed_at": str, "security": int, "problem": int,
    },
}

# Tables added by later migrations (0004: the change schedule as one document).
PROMOTED_V4: dict[str, dict[str, type]] = {
    "change_schedules": {},
}

# 0005: files attached to records as evidence.
PROMOTED_V5: dict[str, dict[str, type]] = {
    "attachments": {"record": str, "sha256": str},
}

# 0007: columns added to existing tables (the old ticket key, who has it, a person's login).
ADDED_V7: dict[str, dict[str, type]] = {
    "incidents": {"external_ref": str, "assignee": str},
    "change_requests": {"assignee": str},
    "feedback": {"assignee": str},
    "people": {"os_user": str},
}

# 0009: an imported row's content fingerprint, when its export gave no ticket key (no duplicate twice).
ADDED_V9: dict[str, dict[str, type]] = {
    "incidents": {"fingerprint": str},
}

# Every record table and its promoted columns, as the current schema has them.
PROMOTED: dict[str, dict[str, type]] = {
    kind: {**cols, **ADDED_V7.get(kind, {}), **ADDED_V9.get(kind, {})}
    for kind, cols in {**PROMOTED_V1, **PROMOTED_V4, **PROMOTED_V5}.items()}

# The search index numbers its rows kind by kind: a kind keeps its number for good (new kinds go last).
SEARCH_KINDS: tuple[str, ...] = (
    "customers", "suppliers", "people", "role_assignments", "training", "acknowledgements", "attachments",
    "business_goals", "scopes", "role_lists", "policies", "cx_approaches", "data_procedures", "feedback",
    "improvement_reports", "configuration_items", "change_requests", "schedule_items", "change_schedules",
    "built_changes", "service_designs", "procedures", "secure_procedures", "test_reports", "services",
    "customer_agreements", "supplier_agreements", "performance_reports", "incidents",
)
SEARCH_KEYS = {"incidents": "new.external_ref", "customers": "json_extract(new.data, '$.short')",
               "suppliers": "json_extract(new.data, '$.short')"}

# The partial index of incidents holding time entries (migration 13): a query reads through it only
# when its WHERE names this very term.
TIME_SPENT_SET = "json_extract(data, '$.time_spent') IS NOT NULL"
