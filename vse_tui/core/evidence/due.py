"""What is overdue or coming up (MODEL.md section 5): the dashboard's review list and `vse-tui due`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _

from ..governance.yearly import first_report_due, plan
from ..kernel import clock

if TYPE_CHECKING:
    from ..model.ports import Reads

HORIZON_DAYS = 45  # how far ahead an upcoming review is shown
YEAR = 365
# what runs out on a configuration item (stored in English), as its line says it
EXPIRY_KINDS = {"licence": N_("licence"), "warranty": N_("warranty"), "certificate": N_("certificate"),
                "contract": N_("contract")}


@dataclass(frozen=True)
class DueItem:
    due: date
    kind: str  # agreement, supplier agreement, policy, catalogue, improvement report, performance report, training, licence...
    ref: str  # human id of the record to open
    title: str

    def days(self, today: date | None = None) -> int:
        """Days until due; negative when overdue."""
        return (self.due - (today or clock.today())).days

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        d = self.days(today)
        return {"due": self.due.isoformat(), "days": d, "overdue": d < 0, "kind": self.kind, "ref": self.ref, "title": self.title}


def _parse(value: object) -> date:
    """A stored date (or the date of a stored moment); only called on a value that is set."""
    return date.fromisoformat(str(value)[:10])


def due_items(store: Reads, today: date | None = None, horizon: int = HORIZON_DAYS) -> list[DueItem]:
    """Overdue and upcoming reviews, most overdue first. A few indexed queries, no table scans."""
    today = today or clock.today()
    limit = (today + timedelta(days=horizon)).isoformat()
    items: list[DueItem] = []
    for kind, table, label in (("agreement", "customer_agreements", _("{title}: agreement review")),
                               ("supplier agreement", "supplier_agreements", _("{title}: supplier agreement review"))):
        in_force = {"status__ne": "draft", "state__in": ("in force",)}
        seen = set()
        for field in ("review_date", "end_date"):
            for rid, title, review, end in store.rows(table, ["id", "title", "review_date", "end_date"],
                                                      {**in_force, f"{field}__le": limit}):
                if rid in seen:
                    continue
                seen.add(rid)
                if review and review <= limit:
                    items.append(DueItem(_parse(review), kind, rid, label.format(title=title)))
                if end and end <= limit:
                    items.append(DueItem(_parse(end), kind, rid, _("{title}: ends, renew or let go").format(title=title)))
    row = store.row("policies", ["id", "title", "review_date", "updated_at"], {"status": ("approved", "updated")})
    if row:
        due = _parse(row[2]) if row[2] else _parse(row[3]) + timedelta(days=YEAR)
        items.append(DueItem(due, "policy", row[0], _("Policy yearly review")))
    row = store.row("services", ["review_date", "id"], {"status__ne": "draft", "review_date__isnull": False},
                    order="review_date")
    if row:
        items.append(DueItem(_parse(row[0]), "catalogue", row[1], _("Service catalogue review")))
    row = store.row("improvement_reports", ["id", "period_end", "updated_at"], {"status": "approved"})
    if row:
        items.append(DueItem(_parse(row[1] or row[2]) + timedelta(days=YEAR), "improvement report", row[0],
                             _("Yearly improvement report")))
    else:
        first = first_report_due(store)  # the plan's date, else one interval after the first records
        if first is not None:
            who = store.titles("people").get(plan(store)["preparer"])
            items.append(DueItem(first, "improvement report", "",
                                 _("First improvement report (GO.4.1), prepared by {person}").format(person=who)
                                 if who else _("First improvement report (GO.4.1)")))
    row = store.row("performance_reports", ["id", "period_end"], {"status": "approved"}, order="-period_end")
    if row and row[1]:
        items.append(DueItem(_parse(row[1]) + timedelta(days=92 + 14), "performance report", row[0],
                             _("Next service performance report")))
    people = store.titles("people")
    for rid, req, due, person in store.rows("training", ["id", "title", "due_on", "person"],
                                            {"due_on__isnull": False, "due_on__le": limit}, order="due_on"):
        items.append(DueItem(_parse(due), "training", rid, _("Training: {person}, {need}").format(person=people.get(person, "?"), need=req)))
    for rid, name, expiry, kind in store.rows("configuration_items", ["id", "title", "expiry_date", "expiry_kind"],
                                              {"expiry_date__isnull": False, "expiry_date__le": limit,
                                               "state__ne": "retired"}, order="expiry_date"):
        items.append(DueItem(_parse(expiry), kind or "expiry", rid,
                             _("{item}: {expiry}").format(
                                 item=name, expiry=_(EXPIRY_KINDS[kind]) if kind in EXPIRY_KINDS else kind or _("expiry"))))
    items = [i for i in items if i.due <= today + timedelta(days=horizon)]
    items.sort(key=lambda i: (i.due, i.ref))
    return items
