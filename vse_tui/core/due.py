"""What is overdue or coming up (MODEL.md section 5): the dashboard's review list and `vse-tui due`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import clock

HORIZON_DAYS = 45  # how far ahead an upcoming review is shown
YEAR = 365


@dataclass(frozen=True)
class DueItem:
    due: date
    kind: str  # agreement, supplier agreement, policy, catalogue, improvement report, performance report, training, licence...
    ref: str  # human id of the record to open
    title: str

    def days(self, today: date | None = None) -> int:
        """Days until due; negative when overdue."""
        return (self.due - (today or clock.today())).days

    def as_dict(self, today: date | None = None) -> dict:
        d = self.days(today)
        return {"due": self.due.isoformat(), "days": d, "overdue": d < 0, "kind": self.kind, "ref": self.ref, "title": self.title}


def _parse(value) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def due_items(store, today: date | None = None, horizon: int = HORIZON_DAYS) -> list[DueItem]:
    """Overdue and upcoming reviews, most overdue first. A few indexed queries, no table scans."""
    today = today or clock.today()
    limit = (today + timedelta(days=horizon)).isoformat()
    items: list[DueItem] = []
    q = store.conn.execute
    for kind, table, label in (("agreement", "customer_agreements", "agreement review"),
                               ("supplier agreement", "supplier_agreements", "supplier agreement review")):
        for rid, title, review, end in q(
            f"SELECT id, title, review_date, end_date FROM {table} WHERE status != 'draft' "
            "AND (review_date <= ? OR end_date <= ?) AND (state IS NULL OR state = 'in force')", (limit, limit)):
            if review and review <= limit:
                items.append(DueItem(_parse(review), kind, rid, f"{title}: {label}"))
            if end and end <= limit:
                items.append(DueItem(_parse(end), kind, rid, f"{title}: ends, renew or let go"))
    row = q("SELECT id, title, review_date, updated_at FROM policies WHERE status IN ('approved','updated') "
            "ORDER BY seq DESC LIMIT 1").fetchone()
    if row:
        due = _parse(row[2]) or (_parse(row[3]) + timedelta(days=YEAR))
        items.append(DueItem(due, "policy", row[0], "Policy yearly review"))
    row = q("SELECT MIN(review_date) , (SELECT id FROM services WHERE review_date = (SELECT MIN(review_date) FROM services "
            "WHERE status != 'draft')) FROM services WHERE status != 'draft'").fetchone()
    if row and row[0]:
        items.append(DueItem(_parse(row[0]), "catalogue", row[1], "Service catalogue review"))
    row = q("SELECT id, period_end, updated_at FROM improvement_reports WHERE status = 'approved' ORDER BY seq DESC LIMIT 1").fetchone()
    has_policy = q("SELECT 1 FROM policies LIMIT 1").fetchone() is not None
    if row:
        items.append(DueItem((_parse(row[1]) or _parse(row[2])) + timedelta(days=YEAR), "improvement report", row[0],
                             "Yearly improvement report"))
    elif has_policy:
        items.append(DueItem(today, "improvement report", "", "First improvement report (GO.4.1)"))
    row = q("SELECT id, period_end FROM performance_reports WHERE status = 'approved' ORDER BY period_end DESC LIMIT 1").fetchone()
    if row and row[1]:
        items.append(DueItem(_parse(row[1]) + timedelta(days=92 + 14), "performance report", row[0],
                             "Next service performance report"))
    for rid, req, due, person in q(
        "SELECT t.id, t.title, t.due_on, p.title FROM training t LEFT JOIN people p ON p.uuid = t.person "
        "WHERE t.due_on IS NOT NULL AND t.due_on <= ? ORDER BY t.due_on", (limit,)):
        items.append(DueItem(_parse(due), "training", rid, f"Training: {person or '?'}, {req}"))
    for rid, name, expiry, data in q(
        "SELECT id, title, expiry_date, json_extract(data, '$.expiry_kind') FROM configuration_items "
        "WHERE expiry_date IS NOT NULL AND expiry_date <= ? AND state != 'retired' ORDER BY expiry_date", (limit,)):
        items.append(DueItem(_parse(expiry), data or "expiry", rid, f"{name}: {data or 'expiry'}"))
    items = [i for i in items if i.due <= today + timedelta(days=horizon)]
    items.sort(key=lambda i: (i.due, i.ref))
    return items
