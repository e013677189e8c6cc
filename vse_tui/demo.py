"""The demo shop: a fictional three-person IT service business with about a year of history.

It is made the way the shop would have made it: through the core's functions (the ones a user's
keys call), one step after another in the order they happened, each by the person who did it,
on a clock that only moves forward (the store's clock, driven by the demo). So it obeys the same
rules as a real shop: approvals bound to versions, roles checked, incidents closed with the
customer's confirmation. Its history never goes back in time. The database is marked as a demo
made on a simulated clock.

On purpose it plants four findings for the audit check to show (the README names them): an
agreement edited after its approval and not approved again, a supplier agreement the supplier never
accepted, and an incident logged in a hurry from the front desk, under a login mapped to no person
and with no customer recorded.

Deterministic (fixed seed) and relative to an "as of" date, so that tests can freeze the clock.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .core.control import changes as co
from .core.governance import process as gov
from .core.governance import roles as roles_core
from .core.governance.approvals import approve
from .core.governance.documents import create, edit
from .core.incidents import policy
from .core.incidents import process as inc_core
from .core.relationship import process as relationship
from .store.db import Store

SEED = 29110
SHOP = "Harbour Lane IT"
STAFF = {  # key: (name, login, roles)
    "kim": ("Kim Lee", "kim", "SM,CM,RM,MGT"),
    "sam": ("Sam Ortiz", "sam", "IM,PT"),
    "alex": ("Alex Moreau", "alex", "PT:incident,PT:change"),
}
FRONT_DESK = "frontdesk"  # the office PC's login, mapped to nobody (a planted finding)
DETAILED_MAX = 400  # incidents lived step by step; older ones of a bigger demo are imported at the end

SUMMARIES = {
    "E-mail and collaboration": [
        "Outlook keeps asking for password", "Shared mailbox not syncing", "Cannot send mail to external domain",
        "Calendar invites arrive late", "Mailbox full warning", "Spam filter blocking supplier mail",
        "Teams calls drop after 5 minutes", "Mail server down",
    ],
    "Managed workstations": [
        "Laptop will not boot", "Printer queue stuck", "Blue screen after update", "Slow start-up on reception PC",
        "Keyboard not working", "Screen flickers on docking station", "Cannot install accounting update",
        "New laptop for new starter", "Antivirus alert on workstation",
    ],
    "Network and Wi-Fi": [
        "VPN drops every hour", "Wi-Fi slow in meeting room", "No internet at branch office",
        "Firewall blocking card terminal", "Guest Wi-Fi password expired", "Switch port dead in back office",
    ],
    "Backup and recovery": [
        "Nightly backup failed", "Restore request for deleted folder", "Backup disk nearly full",
        "Offsite copy did not run", "Restore of mailbox item",
    ],
    "Line-of-business hosting": [
        "Booking system slow", "Practice software login error", "Certificate warning on web shop",
        "Database job overran", "Stock app shows wrong totals", "Web shop down",
    ],
}
CATEGORIES = ("hardware", "software", "network", "access", "security", "request", "performance")
CUSTOMERS = [("Acme Bakery", "ACME"), ("Bolt Logistics", "BOLT"), ("Greenfield Dental", "GRN"), ("Riverside Library", "RVL")]
CONTACTS = ["Dana Wells", "Omar Haddad", "Priya Nair", "Tom Becker", "Lena Vogt", "Marco Rossi", "Ines Duarte"]


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local wall-clock moment on `day`, as UTC."""
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


class SimClock:
    """The demo's clock: the store asks it the time; the demo moves it forward, never back."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def set(self, when: datetime) -> None:
        if when < self.moment:
            raise RuntimeError(f"the demo's clock cannot go back from {self.moment} to {when}")
        self.moment = when


@dataclass(order=True)
class _Step:
    when: datetime
    order: int
    who: str | None = field(compare=False)
    act: Callable[[], Any] = field(compare=False)


class _Demo:
    def __init__(self, store: Store, as_of: date, now: datetime, rng: random.Random) -> None:
        self.store, self.as_of, self.now, self.rng = store, as_of, now, rng
        self.start = _at(as_of - timedelta(days=370), 8)
        self.clock = SimClock(self.start)
        store.clock = self.clock  # type: ignore[method-assign]
        self.queue: list[_Step] = []
        self.order = 0
        self.people: dict[str, Any] = {}  # key -> Person
        self.refs: dict[str, Any] = {}
        self.login = store.actor
        self.progress: Callable[[int], None] | None = None  # told the incidents stored as the year is lived

    def day(self, days_ago: int) -> date:
        return self.as_of - timedelta(days=days_ago)

    def at(self, when: datetime, who: str | None, act: Callable[[], Any]) -> None:
        """Do `act` at `when` (never after the demo's "now"), as the person `who` (a staff key, a
        contact's name, or None for the unmapped front desk)."""
        when = min(when, self.now)
        if when < self.clock():
            raise RuntimeError(f"a demo step at {when} was planned after the clock passed it ({self.clock()})")
        self.order += 1
        heapq.heappush(self.queue, _Step(when, self.order, who, act))

    def run(self, until: datetime | None = None) -> None:
        """Play the planned steps in time order (up to `until`: later ones stay planned)."""
        played = 0
        while self.queue and (until is None or self.queue[0].when <= until):
            step = heapq.heappop(self.queue)
            self.clock.set(step.when)
            self._as(step.who)
            step.act()
            played += 1
            if self.progress and played % 200 == 0:
                self.progress(self.store.count("incidents"))
        self._as("kim")

    def _as(self, who: str | None) -> None:
        from .store.db import Actor

        if who is None:
            self.store.actor = Actor(operator=FRONT_DESK, os_user=FRONT_DESK, host="office-pc", person=None)
            return
        person = self.people[who]
        login = STAFF[who][1] if who in STAFF else person.name.split()[0].lower()
        self.store.actor = Actor(operator=person.name, os_user=login, host="laptop", person=person.uuid)


def build_demo(store: Store, as_of: date | None = None, incidents: int = 300,
               progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Fill an empty database with the demo shop. Returns counts per kind. `progress(incidents
    stored)`: told as the shop's year is lived and as the old helpdesk's tickets come in."""
    from .core.kernel import clock

    as_of = as_of or clock.today()
    now = clock.now() if as_of == clock.today() else _at(as_of, 9, 30)
    d = _Demo(store, as_of, now, random.Random(SEED))
    d.progress = progress
    store.via = "demo"
    store.set_setting("demo", "1")
    store.set_setting("clock", "simulated")
    store._simulated = True
    with store.bulk():  # thousands of transactions into a new file: flushed to the disk once, at the end
        _setup(d)
        _catalogue_and_agreements(d)
        _control(d)
        _feedback(d)
        _reviews(d)
        d.run(until=d.start + timedelta(days=49))  # changes and incidents are planned on the items and services
        _changes(d)
        lived = min(incidents, DETAILED_MAX)
        _incidents(d, lived)
        d.run()
        stored = store.count("incidents")
        if progress:
            progress(stored)
        if incidents > lived:
            _imported_incidents(d, incidents - lived, (lambda n: progress(stored + n)) if progress else None)
    store.via = None
    return {kind: store.count(kind) for kind in ("incidents", "change_requests", "configuration_items", "services")}


# ---------------------------------------------------------------- governance (the wizard's steps)


def _setup(d: _Demo) -> None:
    store = d.store
    t0 = d.start

    def people() -> None:
        for key, (name, login, held) in STAFF.items():  # the owner holds her roles from the start
            person, _ = roles_core.add_person(store, name, email=f"{login}@harbourlane.example", os_user=login,
                                              roles=held if key == "kim" else "")
            d.people[key] = person
        d.refs["customers"] = [create(store, "customers", {"name": n, "short": s, "email": f"office@{s.lower()}.example",
                                                           "phone": f"+44 20 7946 0{100 + i}"})
                               for i, (n, s) in enumerate(CUSTOMERS)]
        d.refs["suppliers"] = [create(store, "suppliers", {"name": "CloudMail Hosting", "short": "CMH",
                                                           "supplies": "Hosted e-mail platform"}),
                               create(store, "suppliers", {"name": "Parts Direct", "short": "PDX",
                                                           "supplies": "Hardware and spare parts"})]
        contacts = []
        for i, name in enumerate(CONTACTS):
            org = d.refs["customers"][i % len(CUSTOMERS)]
            person, _ = roles_core.add_person(store, name, email=name.split()[0].lower() + "@" + org.short.lower()
                                              + ".example", affiliation="customer", organisation=org.id)
            contacts.append(person)
            d.people[name] = person
        for name, sup in (("Ravi Shah", 0), ("Joe Parker", 1)):
            person, _ = roles_core.add_person(store, name, email=f"{name.split()[0].lower()}@supplier.example",
                                              affiliation="supplier", organisation=d.refs["suppliers"][sup].id)
            d.people[name] = person
        d.refs["contacts"] = contacts

    # Kim adds herself first, under her login: from that write on, every write is a person's
    from .store.db import Actor

    d.store.actor = Actor(operator="kim", os_user="kim", host="laptop", person=None)
    d.clock.set(t0)
    people()

    def goals() -> None:
        gov.save_goals(store, shop_name=SHOP, title=f"{SHOP} business goals", provider_type="external",
                       goals="Be the IT partner small local businesses trust: fast help, no surprises, fair prices.",
                       objectives="Restore 95% of incidents within target; keep every customer agreement reviewed "
                                  "yearly; grow to six managed customers by next year.",
                       approved=gov.approval(store, None))

    def scope() -> None:
        gov.save_scope(store, services_offered="E-mail and collaboration; managed workstations; network and Wi-Fi; "
                       "backup and recovery; hosting of line-of-business applications.",
                       customers="\n".join(n for n, _ in CUSTOMERS),
                       boundaries="Customers within 40 km of the shop; on-site and remote support; no payroll or legal "
                                  "advice.",
                       technology="Windows and macOS desktops, Microsoft 365, hosted mail, small office networks, NAS "
                                  "backups, two hosted virtual servers.",
                       exclusions="Software development; telephony hardware.", approved=gov.approval(store, None))

    def staff_roles() -> None:
        rows = [(d.people[k].uuid, name, d.people[k].email, r) for k, (name, _l, r) in STAFF.items()]
        gov.save_roles(store, rows, gov.approval(store, None))
        warning = next(w for w in roles_core.warnings(store) if w.person == d.people["sam"].uuid)
        roles_core.acknowledge(store, warning, "Kim reviews every P1/P2 incident Sam handles before it is closed.")

    def policy_draft() -> None:
        fields = gov.policy_defaults(d.day(359))
        fields.update(change_request_method="Anyone asks by phone or e-mail; the service desk raises the change "
                                            "request in vse-tui the same day.",
                      objectives="Respond to every incident within target; fewer than two failed changes per quarter; "
                                 "a customer satisfaction score of 4 out of 5 or better.")
        gov.save_policy_draft(store, fields)

    def resources() -> None:
        needs = []
        plan = {"SM": "Service management foundation", "CM": "Change and release practice",
                "IM": "Incident handling and major incidents", "PT": "Service management foundation",
                "RM": "Customer relationship basics", "MGT": "Governance of a small IT business"}
        for a in store.records("role_assignments", {"state": "active"}):
            due = d.day(359) + timedelta(days=60)
            needs.append((a.uuid, plan[a.role] if a.area != "change" else "Secure configuration basics",
                          due.isoformat()))
        gov.save_resources(store, needs, "Service management foundation for all; incident handling for Alex; "
                                         "change and release for Kim.", gov.approval(store, None))

    def documents() -> None:
        gov.save_documents(store, {**gov.DEFAULT_DOCUMENTS, "location": "The shop's vse-tui database on the office "
                                   "laptop."}, gov.approval(store, None))

    for offset, act in ((1, goals), (2, scope), (3, staff_roles), (5, policy_draft),
                        (7, lambda: gov.approve_policy(store, gov.approval(store, None))),
                        (9, lambda: gov.save_experience(store, dict(gov.DEFAULT_CX), gov.approval(store, None))),
                        (12, resources), (14, documents)):
        d.at(t0 + timedelta(days=offset), "kim", act)
    # training met (IN.1.1), then renewed as it falls due (IN.1.2); one has lapsed, for the dashboard
    def train(i: int, record: Any) -> None:
        met = d.day(340 - i * 9)
        roles_core.record_training(store, record.id, met_on=met, due_on=met + timedelta(days=330 if i != 5 else 300))

    def renew(record_id: str, days: int) -> None:
        rec = store.get("training", record_id)
        roles_core.renew_competence(store, rec.id, met_on=d.day(days), due_on=d.day(days) + timedelta(days=365))

    def training() -> None:
        for i, rec in enumerate(store.records("training")):
            d.at(_at(d.day(340 - i * 9), 16), "kim", lambda i=i, rec=rec: train(i, rec))
            if i in (0, 2):
                d.at(_at(d.day(30 - i), 16), "kim", lambda rec=rec, i=i: renew(rec.id, 30 - i))

    d.at(t0 + timedelta(days=15), "kim", training)


# ---------------------------------------------------------------- relationship: catalogue, agreements


def _catalogue_and_agreements(d: _Demo) -> None:
    store, rng = d.store, d.rng
    t0 = d.start + timedelta(days=20)
    d.refs["services"] = []

    def service(i: int, name: str) -> None:
        always = name in ("E-mail and collaboration", "Line-of-business hosting")
        svc = create(store, "services", {
            "name": name, "description": f"{name} for small offices, run and supported by {SHOP}.",
            "service_hours": "24x7" if always else "Mon-Fri 08:30-17:30", "state": "live",
            "targets": "P1 15m/4h, P2 30m/8h, P3 2h/3d, P4 8h/5d, P5 1d/10d",
            "quality_measures": "Availability 99.5% per month; incident targets per priority.",
            "how_to_use": "Call or e-mail the service desk; urgent issues by phone.",
            "costs": "Included in the monthly fee.", "review_date": (d.as_of + timedelta(days=9)).isoformat()})
        d.refs["services"].append(approve(store, "services", svc.id, how="signature"))

    for i, name in enumerate(SUMMARIES):
        d.at(t0 + timedelta(days=i), "kim", lambda i=i, name=name: service(i, name))

    review_offsets = [-12, 60, 140, 25]

    def agreement(i: int) -> None:
        cust = d.refs["customers"][i]
        contact = d.refs["contacts"][i]
        covered = [s.id for s in d.refs["services"] if rng.random() < 0.8] or [d.refs["services"][0].id]
        start = d.day(330 - 10 * i)
        agr = create(store, "customer_agreements", {
            "title": f"Managed IT services for {cust.name}", "customer": cust.id, "approval_form": "signature",
            "scope": "Services listed below, for all staff of the customer.", "start_date": start.isoformat(),
            "review_date": (d.as_of + timedelta(days=review_offsets[i])).isoformat(),
            "end_date": (start + timedelta(days=730)).isoformat(), "provider_owner": "Kim Lee",
            "party_owner": contact.name, "services": ", ".join(covered),
            "targets": "P1 10m/3h" if i == 0 else "P1 15m/4h, P2 30m/8h, P3 2h/3d",
            "communication_methods": "E-mail and phone", "charging": "Fixed monthly fee per workstation.",
            "acceptance_criteria": "Targets met for 90% of incidents each quarter.",
            "change_and_incident_procedures": "Changes by request to the service desk; incidents by phone or e-mail, "
                                              "handled to the targets above."})
        approve(store, "customer_agreements", agr.id, how="signature")
        d.at(d.clock() + timedelta(days=3), contact.name,
             lambda: approve(store, "customer_agreements", agr.id, contact.name, how="signature",
                             meaning="accepted by the customer"))
        d.refs.setdefault("agreements", []).append(agr.id)

    for i in range(len(CUSTOMERS)):
        d.at(t0 + timedelta(days=8 + 4 * i), "kim", lambda i=i: agreement(i))

    def supplier_agreement(i: int) -> None:
        sup = d.refs["suppliers"][i]
        contact = "Ravi Shah" if i == 0 else "Joe Parker"
        agr = create(store, "supplier_agreements", {
            "title": f"Supply agreement with {sup.name}", "supplier": sup.id, "approval_form": "email",
            "scope": sup.supplies, "start_date": d.day(340).isoformat(),
            "review_date": (d.as_of + timedelta(days=(-30 if i == 1 else 120))).isoformat(),
            "end_date": (d.day(340) + timedelta(days=1095)).isoformat(), "provider_owner": "Kim Lee",
            "party_owner": contact, "deliverables": sup.supplies, "pricing": "Monthly invoice", "reviews": "Yearly"})
        approve(store, "supplier_agreements", agr.id, how="email")
        if i == 0:  # Parts Direct never returned theirs (a planted finding)
            d.at(d.clock() + timedelta(days=5), contact,
                 lambda: approve(store, "supplier_agreements", agr.id, contact, how="email",
                                 meaning="accepted by the supplier"))

    for i in range(2):
        d.at(t0 + timedelta(days=30 + i), "kim", lambda i=i: supplier_agreement(i))

    # RE.2.5: Bolt's agreement gets a P1 target after a hard quarter; revised, approved and accepted again
    def revise_bolt() -> None:
        agr = d.refs["agreements"][1]
        edit(store, "customer_agreements", agr, {"targets": "P1 10m/2h, P2 30m/8h, P3 2h/3d"})
        approve(store, "customer_agreements", agr, how="signature")
        d.at(d.clock() + timedelta(days=2), "Omar Haddad",
             lambda: approve(store, "customer_agreements", agr, "Omar Haddad", how="email",
                             meaning="accepted by the customer"))

    d.at(_at(d.day(90), 11), "kim", revise_bolt)

    def revise_cloudmail() -> None:
        agr = store.records("supplier_agreements", {"title": "Supply agreement with CloudMail Hosting"})[0]
        edit(store, "supplier_agreements", agr.id, {"warranty": "Mail restored within 4 hours, credits otherwise."})
        approve(store, "supplier_agreements", agr.id, how="signature")
        d.at(d.clock() + timedelta(days=1), "Ravi Shah",
             lambda: approve(store, "supplier_agreements", agr.id, "Ravi Shah", how="email",
                             meaning="accepted by the supplier"))

    d.at(_at(d.day(75), 11), "kim", revise_cloudmail)
    # a review note on Riverside's agreement, written last week and not yet approved (a planted finding)
    d.at(_at(d.day(6), 15), "kim", lambda: edit(store, "customer_agreements", d.refs["agreements"][3], {
        "review_evidence": "Reviewed with Tom Becker; the library wants Saturday support from next year."}))

    # RE.1.3: the catalogue's yearly review changes the e-mail service through a change request
    def review_catalogue() -> None:
        svc = d.refs["services"][0]
        edit(store, "services", svc.id, {"quality_measures": "Availability 99.9% per month; incident targets per "
                                                             "priority; mail delivered within 5 minutes."})
        approve(store, "services", svc.id, how="signature")

    d.at(_at(d.day(60), 10), "kim", review_catalogue)


# ---------------------------------------------------------------- control: procedures, items, schedule


def _control(d: _Demo) -> None:
    store, rng = d.store, d.rng
    t0 = d.start + timedelta(days=16)

    def procedures() -> None:
        prc = create(store, "procedures", {
            "title": "Design, build, test and deployment procedure",
            "raising_changes": "Anyone raises a change request in vse-tui; the Control Manager evaluates it within two "
                               "days.",
            "updating_schedule": "Approved changes get a date inside a change window; the schedule is checked every "
                                 "Monday.",
            "emergency_changes": "Deploy when a vital service is down, then record and approve the change within one "
                                 "day.",
            "removal": "Retiring a service or component is a normal change with a backout plan.",
            "steps": "Design, build from the master copy, test against the design, get approval, deploy, review."})
        approve(store, "procedures", prc.id, how="signature")
        sec = create(store, "secure_procedures", {
            "title": "Secure component procedure", "storage_rule": "Only tested images and installers go in the secure "
                                                                   "store.",
            "steps": "Add, move, change or remove a component through a change request.",
            "authorisation": "The Control Manager authorises every entry and exit."})
        approve(store, "secure_procedures", sec.id, how="signature")
        d.refs["procedure"] = prc.id

    d.at(t0, "kim", procedures)

    def schedule_rules() -> None:  # CO.1.3, once the first change requests are on the schedule
        doc = co.schedule_document(store)
        edit(store, "change_schedules", doc.id, {"rules": "Normal changes go in the Saturday morning window; none "
                                                          "during a customer's month-end close. Resources are confirmed "
                                                          "the day before."})
        approve(store, "change_schedules", doc.id, how="signature")

    d.at(_at(d.day(316), 9), "kim", schedule_rules)

    def windows() -> None:
        first_sat = d.as_of + timedelta(days=(5 - d.as_of.weekday()) % 7 - 7 * 28)
        co.add_entry(store, "Weekly change window", "change window", _at(first_sat, 6), _at(first_sat, 10), "weekly")
        for m in range(-1, 2):
            first = (d.as_of.replace(day=1) + timedelta(days=32 * m)).replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            while last.weekday() > 4:  # the last working day of the month
                last -= timedelta(days=1)
            co.add_entry(store, "Month-end close at Acme", "business event", _at(last, 8), _at(last, 20))
        co.add_entry(store, "Quarterly maintenance window", "maintenance window", _at(d.as_of + timedelta(days=20), 18),
                     _at(d.as_of + timedelta(days=20), 23))

    d.at(_at(d.day(200), 9), "kim", windows)

    kinds = ["hardware", "hardware", "software", "network", "service component", "document"]
    names = {"hardware": ["Laptop", "Desktop", "NAS", "Printer", "Server"],
             "software": ["Accounting suite", "Antivirus", "Practice software", "Office licence"],
             "network": ["Firewall", "Switch", "Wi-Fi access point", "Router"],
             "service component": ["Mail tenant", "VPN gateway", "Backup job", "Web certificate"],
             "document": ["Network diagram", "Runbook"]}
    d.refs["cis"] = []

    def item(i: int) -> None:
        cust = d.refs["customers"][i % 4]
        kind = kinds[i % len(kinds)]
        expiry = None
        if kind in ("software", "service component"):
            expiry = d.as_of + timedelta(days=rng.choice([200, 300, 400, 500]))
            if i in (8, 22, 45):  # a few renewals coming up, one already lapsed
                expiry = d.as_of + timedelta(days={8: 12, 22: 25, 45: -5}[i])
        values = {"name": f"{names[kind][i % len(names[kind])]} {cust.short}-{i + 1:02d}", "ci_type": kind,
                  "owner": cust.name, "location": f"{cust.name} office",
                  "description": f"{kind.capitalize()} at {cust.name}",
                  "in_service_date": d.day(rng.randint(400, 900)).isoformat(),
                  "services": d.refs["services"][i % 5].id,
                  "depends_on": d.refs["cis"][i - 3].id if i >= 3 and i % 3 == 0 else "",
                  "state": "retired" if i % 37 == 36 else "in service"}
        if expiry:
            values.update(expiry_date=expiry.isoformat(), expiry_kind="licence" if kind == "software" else "certificate")
        d.refs["cis"].append(create(store, "configuration_items", values))

    for i in range(80):
        d.at(t0 + timedelta(days=12 + i // 4, hours=i % 4), "kim", lambda i=i: item(i))


# ---------------------------------------------------------------- changes, each along its path


TITLES = ["Firewall firmware update", "NAS disk swap", "Office 365 licence renewal", "New laptop set-up",
          "Move mail to new tenant", "Wi-Fi access point replacement", "Accounting suite upgrade",
          "Backup retention change", "Web certificate renewal", "Server operating system upgrade",
          "Add VPN users", "Retire old file server"]


def _changes(d: _Demo) -> None:
    store, rng = d.store, d.rng
    plan = (["deployed"] * 30 + ["scheduled"] * 8 + ["requested"] * 6 + ["rejected"] * 4 + ["tested"] * 4
            + ["built"] * 3 + ["designed"] * 3 + ["overdue"] * 1 + ["emergency"] * 1)
    d.refs["changes"] = []
    template: dict[str, str] = {}
    for i, kind in enumerate(plan):
        title = TITLES[i % len(TITLES)]
        cust = d.refs["customers"][i % 4]
        contact = d.refs["contacts"][i % 4]
        ci = d.refs["cis"][(i * 7) % len(d.refs["cis"])]
        created_ago = rng.randint(40, 290) if kind in ("deployed", "emergency") else (
            20 if kind == "overdue" else rng.randint(3, 14))
        if i == 3:
            created_ago = 320  # the first laptop set-up: its full pass earns the pre-approved type early
        created = _at(d.day(created_ago), 10, 5 * (i % 12))
        requester = rng.choice(["sam", "alex", "kim"])
        emergency = kind == "emergency" or (i % 13 == 7 and kind == "deployed")
        pre = title == "New laptop set-up" and i > 10 and kind == "deployed"
        sat = d.as_of + timedelta(days=(5 - d.as_of.weekday()) % 7 or 7)
        if kind in ("scheduled", "tested", "built", "designed"):
            planned = _at(sat + timedelta(days=7 * rng.randint(0, 2)), 6 + i % 3, 30 * (i % 2))
            if i % 6 == 0:
                planned = _at(d.as_of + timedelta(days=rng.randint(1, 13)), 7)
        elif kind == "overdue":
            planned = _at(d.day(2), 7)
        else:
            planned = created + timedelta(days=rng.randint(5, 12))
        state = {"i": i, "kind": kind, "ci": ci.id, "cust": cust, "contact": contact, "planned": planned}
        d.at(created, requester, lambda s=state, title=title, emergency=emergency, pre=pre: _request(d, s, title,
                                                                                                   emergency, pre,
                                                                                                   template))
        if kind in ("requested",):
            continue
        if kind == "rejected":
            d.at(created + timedelta(days=1), "kim", lambda s=state: co.evaluate(
                store, s["id"], False, how="email", reason="Not needed: the customer found another way."))
            continue
        if emergency:
            deployed = created + timedelta(hours=2)
            d.at(deployed, "alex", lambda s=state: co.deploy(store, s["id"]))
            d.at(deployed + timedelta(hours=20), "kim", lambda s=state: co.evaluate(store, s["id"], True, how="email"))
            d.at(deployed + timedelta(days=2), "kim", lambda s=state: co.review(
                store, s["id"], "Urgent and right to do; record it within the day next time."))
            continue
        if pre:  # made from the earned type: approved by it at once, scheduled and deployed
            d.at(planned - timedelta(days=1), "kim", lambda s=state: s.get("pre_ok") and co.schedule(
                store, s["id"], s["planned"]))
            d.at(planned + timedelta(hours=1), "alex", lambda s=state: s.get("pre_ok") and co.deploy(store, s["id"]))
            continue
        d.at(created + timedelta(days=1), "kim", lambda s=state: co.evaluate(store, s["id"], True, how="email"))
        d.at(created + timedelta(days=1, hours=1), "kim", lambda s=state: co.schedule(store, s["id"], s["planned"],
                                                                                       s["planned"] + timedelta(hours=1)))
        if kind == "scheduled" or kind == "overdue":
            continue
        d.at(created + timedelta(days=2), "kim", lambda s=state: co.design(
            store, s["id"], scope=f"{s['cust'].name}: one window, backout ready.", risks="Downtime during the window.",
            how="signature"))
        if kind == "designed":
            continue
        d.at(created + timedelta(days=3), "alex", lambda s=state: co.build(
            store, s["id"], master_copy=f"secure-store/{s['id'].lower()}", description="Built from the design."))
        if kind == "built":
            if not d.refs.get("failed"):
                d.refs["failed"] = True
                d.at(created + timedelta(days=3, hours=4), "kim", lambda s=state: co.test(
                    store, s["id"], summary="Upgrade stopped half way.", result="fail", levels_and_types="Functional check.",
                    errors="The installer needs 8 GB free; the disk had 5."))
            continue
        d.at(created + timedelta(days=3, hours=4), "kim", lambda s=state: co.test(
            store, s["id"], summary="All planned checks passed.", result="pass",
            levels_and_types="Functional check and user acceptance by the customer.", validated_by=s["contact"].name))
        if kind == "tested":
            continue
        d.at(planned - timedelta(hours=20), "kim", lambda s=state: co.confirm_schedule(
            store, s["id"], "Alex on site; spare parts and the backout image ready."))
        d.at(planned - timedelta(hours=18), "kim", lambda s=state: co.approve_deployment(store, s["id"], how="email"))
        d.at(planned + timedelta(hours=1), "alex", lambda s=state: co.deploy(store, s["id"]))
        if i % 3 or i == 3:
            d.at(planned + timedelta(days=2), "kim", lambda s=state: co.review(store, s["id"], d.rng.choice([
                "Went as planned; the customer confirmed everything works.",
                "Took longer than the window; plan an extra hour next time.",
                "Worked; one user needed help afterwards, add a note to the design template."])))
        if i == 3:  # the first full pass of a laptop set-up earns the pre-approved type
            d.at(planned + timedelta(days=3), "kim", lambda s=state: template.update(
                id=co.make_template(store, s["id"]).id))
    # a deployment review changes the procedure (CO.3.5): approved again
    def improve_procedure() -> None:
        edit(store, "procedures", d.refs["procedure"], {"steps": "Design, build from the master copy, test against "
                                                                 "the design, get approval, deploy, review; allow an "
                                                                 "extra hour for upgrades."})
        approve(store, "procedures", d.refs["procedure"], how="signature")

    d.at(_at(d.day(58), 14), "kim", improve_procedure)


def _request(d: _Demo, s: dict, title: str, emergency: bool, pre: bool, template: dict[str, str]) -> None:
    store = d.store
    cust = s["cust"]
    if pre and template.get("id"):
        ch = co.request(store, f"{title} - {cust.short}", template=template["id"], cis=[s["ci"]], customer=cust.id)
        s["pre_ok"] = True
    else:  # (a laptop set-up asked for before the type was earned stays a draft request)
        ch = co.request(store, f"{title} - {cust.short}", change_type="emergency" if emergency else "normal",
                        cis=[s["ci"]], purpose=f"{title} for {cust.name}.", customer=cust.id,
                        priority=d.rng.choice(["P2", "P3", "P3", "P4"]), risk=d.rng.choice(["low", "medium", "high"]),
                        backout_plan="Restore the previous version from the master copy.")
    s["id"] = ch.id
    d.refs["changes"].append(ch.id)


# ---------------------------------------------------------------- incidents, step by step


def _incidents(d: _Demo, count: int) -> None:
    store, rng = d.store, d.rng
    weights = {"P1": 2, "P2": 8, "P3": 45, "P4": 30, "P5": 15}
    levels = {"P1": ("high", "high"), "P2": ("high", "medium"), "P3": ("medium", "medium"),
              "P4": ("medium", "low"), "P5": ("low", "low")}
    span = 300 * 24 * 60  # from two months after the start, once services and items exist
    open_target = max(7, min(60, count // 40))
    for n in range(count):
        is_open = n >= count - open_target
        prio = rng.choices(list(weights), list(weights.values()))[0]
        impact, urgency = levels[prio]
        if is_open:
            opened = d.now - timedelta(minutes=rng.randint(20, 6 * 24 * 60))
        else:
            opened = d.now - timedelta(minutes=span - int(span * n / max(count, 1)) + rng.randint(0, 600))
        if n == count - 1:  # the one everybody sees first: mail down since this morning, target passed
            opened, prio, impact, urgency = d.now - timedelta(hours=5), "P1", "high", "high"
        svc_idx = 0 if n == count - 1 else rng.randrange(5)
        service = d.refs["services"][svc_idx]
        cust = d.refs["customers"][rng.randrange(4)]
        contact = next((p for p in d.refs["contacts"] if p.organisation == cust.uuid), d.refs["contacts"][0])
        summary = "Mail server down" if n == count - 1 else rng.choice(SUMMARIES[list(SUMMARIES)[svc_idx]])
        problem = n % 97 == 13 and not is_open
        handler = "kim" if problem else rng.choice(["sam", "alex"])  # the Service Manager works potential problems
        other = "alex" if handler == "sam" else "sam"
        s: dict[str, Any] = {}

        def log(s=s, summary=summary, cust=cust, service=service, contact=contact, impact=impact, urgency=urgency,
                problem=problem, handler=handler) -> None:
            inc = inc_core.log_incident(store, ("Potential problem: " + summary.lower()) if problem else summary,
                                        customer=cust.id, service=service.id, impact=impact, urgency=urgency,
                                        reporter=contact.name, reporter_contact=contact.email, problem=problem,
                                        details=f"{contact.name} reported: {summary.lower()}.",
                                        assignee=d.people[handler].name)  # who works it from the start
            s["id"] = inc.id
            s["significant"] = inc.significant

        d.at(opened, handler if rng.random() < 0.85 else "kim", log)
        ci = d.refs["cis"][rng.randrange(len(d.refs["cis"]))]
        category = rng.choice(CATEGORIES)
        cause = rng.choice(["Expired certificate", "Failed disk", "Faulty update from vendor", "Misconfigured rule"])
        link = rng.random() < 0.6
        d.at(opened + timedelta(minutes=8), handler, lambda s=s, ci=ci, category=category, cause=cause, link=link,
             problem=problem: inc_core.classify(store, s["id"], category=category, cis=[ci.id] if link else None,
                                               root_cause=cause if s.get("significant") or problem else None))
        if problem:  # a change request removes the cause; a workaround restores the service meanwhile
            d.at(opened + timedelta(days=1), "kim", lambda s=s: inc_core.raise_change(store, s["id"]))
            d.at(opened + timedelta(days=1, hours=2), "kim", lambda s=s: inc_core.restore(
                store, s["id"], solution="Workaround in place; the linked change request removes the cause."))
            d.at(opened + timedelta(days=3), "sam", lambda s=s, contact=contact: inc_core.close(
                store, s["id"], confirmed_by=contact.name, how="email"))
            continue
        d.at(opened + timedelta(minutes=15), handler, lambda s=s, contact=contact: inc_core.notify(
            store, s["id"], task="IN.2.3", to=contact.name, how="email"))
        if is_open:
            state = "in progress" if n == count - 1 else rng.choice(
                ["in progress", "in progress", "waiting for customer", "waiting for supplier", "restored"])
            if state.startswith("waiting"):
                on = state.split()[-1]
                d.at(opened + timedelta(minutes=30), handler, lambda s=s, on=on: inc_core.set_waiting(store, s["id"], on))
            elif state == "restored":
                d.at(d.now - timedelta(minutes=rng.randint(5, 10)), handler, lambda s=s: inc_core.restore(
                    store, s["id"], solution="Service restored; waiting for the customer to confirm."))
            continue
        target = policy.DEFAULT_TARGETS[prio][1]
        restored = opened + timedelta(minutes=max(20, int(target * rng.uniform(0.05, 1.2))))
        closed = restored + timedelta(hours=rng.randint(1, 48))
        d.at(restored, handler, lambda s=s: inc_core.restore(
            store, s["id"], solution="Fixed and checked with the user.",
            steps_taken="Diagnosed remotely; applied the fix; tested with the reporter."))
        d.at(restored + timedelta(minutes=2), handler, lambda s=s, contact=contact: inc_core.notify(
            store, s["id"], task="IN.2.4", to=contact.name, how=rng.choice(["email", "phone"])))
        d.at(restored + timedelta(minutes=5), handler, lambda s=s: inc_core.log_time(
            store, s["id"], minutes=rng.choice([15, 30, 45, 60, 90]), billable=rng.random() < 0.7))
        linked = [c for c in d.refs["changes"][:30]]

        def close(s=s, contact=contact, linked=linked) -> None:
            extra: dict[str, Any] = {}
            if s.get("significant"):
                inc = store.get("incidents", s["id"])
                if not inc.changes:
                    extra["no_change_reason"] = "Cause removed during the restore; no further change needed."
            inc_core.close(store, s["id"], confirmed_by=contact.name, how=rng.choice(["phone", "email"]), **extra)

        d.at(closed, other, close)
        if n % 23 == 5:  # it came back: reopened, fixed again, closed again
            again = closed + timedelta(hours=rng.randint(2, 30))
            d.at(again, handler, lambda s=s: inc_core.reopen(store, s["id"], "The problem came back the next morning."))
            d.at(again + timedelta(hours=1), handler, lambda s=s: inc_core.restore(
                store, s["id"], solution="Replaced the part for good."))
            d.at(again + timedelta(hours=3), other, close)
    # the front desk logs a call in a hurry, under the office PC's login (planted: no person, no customer)
    d.at(d.now - timedelta(hours=2), None, lambda: inc_core.log_incident(store, "Phone call: printer on 2nd floor jammed",
                                                                         use_last=False))


def _feedback(d: _Demo) -> None:
    store, rng = d.store, d.rng
    texts = [("compliment", "Sam fixed the printer before our rush hour, thank you!"),
             ("complaint", "Nobody called back about the slow booking system."),
             ("comment", "Could change notices come two days earlier?"),
             ("complaint", "The new laptop arrived without the accounting software."),
             ("compliment", "Restore of the deleted folder was quick and painless."),
             ("comment", "We would like a monthly summary of incidents.")]
    steps = ["acknowledged", "investigated", "answered", "closed"]
    for i in range(24):
        ftype, text = texts[i % len(texts)]
        cust = d.refs["customers"][i % 4]
        contact = next((p for p in d.refs["contacts"] if p.organisation == cust.uuid), d.refs["contacts"][0])
        received = _at(d.day(rng.randint(8, 350)), 11)
        final = "closed" if i >= 6 else ["received", "acknowledged", "investigated", "answered", "escalated",
                                         "closed"][i]
        s: dict[str, Any] = {}

        def log(s=s, ftype=ftype, text=text, cust=cust, contact=contact, i=i) -> None:
            s["id"] = relationship.log_feedback(store, text, feedback_type=ftype, company=cust.uuid,
                                                contact=contact.name,
                                                special_needs="Prefers phone calls" if i % 7 == 0 else "").id

        d.at(received, "kim", log)
        path = [] if final == "received" else (["escalated"] if final == "escalated" else
                                               steps[:steps.index(final) + 1])
        for k, step in enumerate(path):
            def move(s=s, step=step, contact=contact) -> None:
                relationship.feedback_step(store, s["id"], step,
                                           outcome="Explained and agreed next steps." if step == "investigated" else "",
                                           signed_off_by=contact.name if step == "closed" else None)

            d.at(received + timedelta(days=k + 1), "kim", move)


def _reviews(d: _Demo) -> None:
    """The policy updated from feedback (GO.2.4), quarterly performance reports (RE.2.4), the
    yearly improvement report (GO.4.1, GO.4.2)."""
    from .reports import improvement, performance

    store = d.store

    def update_policy() -> None:
        pol = store.latest("policies")
        fields = {k: getattr(pol, k) for k in ("objectives", "plans", "catalogue_creation", "change_definitions",
                                               "change_request_method", "communication_practices",
                                               "security_measures", "priority_matrix", "templates")}
        fields["targets"] = [t.model_dump() for t in pol.targets]
        fields["communication_practices"] = ("Customers hear from us when an incident is logged, restored and closed, "
                                             "and two days before a change that affects them.")
        fields["review_date"] = (d.as_of + timedelta(days=41)).isoformat()
        gov.save_policy_draft(store, fields)
        gov.approve_policy(store, gov.approval(store, None))

    d.at(_at(d.day(120), 10), "kim", update_policy)
    for q in range(1, 5):
        end = d.day(92 * (q - 1) + 5)
        begin = end - timedelta(days=91)
        period = performance.Period(begin, end, f"{begin.isoformat()}..{end.isoformat()}")

        def report(period=period, q=q) -> None:
            rec = performance.save(store, period, proposed_actions="Replace the two oldest laptops at Acme.")
            if q > 1:
                approve(store, "performance_reports", rec.id, how="email")

        d.at(_at(end + timedelta(days=2), 10), "kim", report)

    def improvement_report() -> None:
        period = performance.Period(d.day(365), d.day(20), "the last year")
        rec = improvement.draft(store, period, title="Improvement report, first year")
        edit(store, "improvement_reports", rec.id, {"actions": "Make new-laptop set-up a pre-approved change; add "
                                                               "backup monitoring; reply to complaints within a day."})
        approve(store, "improvement_reports", rec.id, how="signature")

    d.at(_at(d.day(18), 10), "kim", improvement_report)


def _imported_incidents(d: _Demo, count: int, progress: Callable[[int], None] | None = None) -> None:
    """The tickets of the helpdesk the shop used before: brought in with the importer, at the end."""
    from .core.intake.importer import demo_archive

    d._as("kim")
    demo_archive(d.store, count, d.rng, d.refs, d.start, progress)


def dump_counts(store: Store) -> dict[str, int]:
    from .core.model.records import KINDS

    return {kind: store.count(kind) for kind in KINDS}


__all__ = ["SHOP", "SimClock", "build_demo", "dump_counts"]
