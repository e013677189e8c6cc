"""The numbered migrations that build the schema. Each one is frozen once released:
change the schema by adding a migration, never by editing an old one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x56534531  # "VSE1": marks a file as a vse-tui database

migrations = Migrations("vse-tui")

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


@migrations(name="0001_records_and_history")
def m0001(db: Database) -> None:
    for table, extra in PROMOTED_V1.items():
        db[table].create({**COMMON, **extra}, pk="uuid", not_null={"id", "seq", "version", "data"})
        db[table].create_index(["id"], unique=True)
        db[table].create_index(["seq"])
    db["history"].create(
        {
            "seq": int, "at": str, "kind": str, "record": str, "record_id": str, "action": str,
            "field": str, "old_value": str, "new_value": str, "operator": str, "os_user": str,
            "host": str, "task": str, "version": int,
        },
        pk="seq",
        not_null={"at", "kind", "record", "action", "operator"},
    )
    db.execute("CREATE INDEX history_record ON history(record, seq)")
    db.execute("CREATE INDEX history_task ON history(task, at)")
    # Indexes matching the sort order of each list and dashboard panel.
    db.execute("CREATE INDEX incidents_open ON incidents(priority, opened_at) WHERE status != 'closed'")
    db.execute("CREATE INDEX incidents_opened ON incidents(opened_at, seq)")
    db.execute("CREATE INDEX incidents_state ON incidents(status, state, seq)")
    db.execute("CREATE INDEX incidents_customer ON incidents(customer, opened_at)")
    db.execute("CREATE INDEX incidents_service ON incidents(service, opened_at)")
    db.execute("CREATE INDEX incidents_closed ON incidents(closed_at)")
    db.execute("CREATE INDEX changes_planned ON change_requests(planned_at, seq)")
    db.execute("CREATE INDEX changes_state ON change_requests(status, state, seq)")
    db.execute("CREATE INDEX schedule_starts ON schedule_items(starts_at)")
    db.execute("CREATE INDEX feedback_received ON feedback(received_at, seq)")
    db.execute("CREATE INDEX training_due ON training(due_on)")
    db.execute("CREATE INDEX agreements_review ON customer_agreements(review_date)")
    db.execute("CREATE INDEX supplier_agreements_review ON supplier_agreements(review_date)")
    db.execute("CREATE INDEX cis_expiry ON configuration_items(expiry_date)")
    db["settings"].create({"key": str, "value": str}, pk="key")


SCHEMA_VERSION = len(migrations._migrations)
