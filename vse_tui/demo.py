"""The demo shop: a fictional three-person IT service business with about a year of history.

Deterministic (fixed seed) and relative to an 'as of' date, so that tests can freeze the clock.
Each history row is dated when the fictional work happened and attributed to whoever did it.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .core import policy
from .core.records import (
    Approval,
    BuiltChange,
    BusinessGoals,
    ChangeProcedure,
    ChangeRequest,
    ChangeSchedule,
    ConfigurationItem,
    Confirmation,
    Customer,
    CustomerAgreement,
    CustomerExperienceApproach,
    DataDocumentProcedure,
    FeedbackEntry,
    ImprovementReport,
    Incident,
    Notification,
    PerformanceReport,
    Person,
    PriorityTarget,
    Record,
    RoleAcknowledgement,
    RoleAssignment,
    RoleList,
    ScheduleItem,
    SecureComponentProcedure,
    Service,
    ServiceDeliveryScope,
    ServiceDesign,
    ServiceHours,
    ServicePolicy,
    ServiceTarget,
    Supplier,
    SupplierAgreement,
    TestReport,
    TimeEntry,
    TrainingRecord,
)
from .core.standard import load_standard
from .reports import performance
from .store.db import Store

SEED = 29110
SHOP = "Harbour Lane IT"
STAFF = ("Kim Lee", "Sam Ortiz", "Alex Moreau")

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


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local wall-clock moment on `day`, as UTC."""
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


class _Builder:
    def __init__(self, store: Store, as_of: date, rng: random.Random):
        self.store = store
        self.as_of = as_of
        self.rng = rng
        from .core import clock

        # "now" is the real moment when the demo ends today, else 9:30 on the day it ends
        self.now = clock.now() if as_of == clock.today() else _at(as_of, 9, 30)

    def day(self, days_ago: int) -> date:
        return self.as_of - timedelta(days=days_ago)

    def _as(self, who: str) -> None:
        from .store.db import Actor

        self.store.actor = Actor(operator=who, os_user="demo", host="demo")

    def add(self, record: Record, task: str | None, at: datetime, who: str) -> Record:
        at = min(at, self.now)  # the demo's history never runs ahead of "today"
        record = record.model_copy(update={"created_at": at, "updated_at": at, "created_by": who, "updated_by": who})
        self._as(who)
        return self.store._insert(record, task, via="demo", at=at)

    def event(self, record: Record, field: str, old: Any, new: Any, task: str | None, at: datetime, who: str) -> None:
        at = min(at, self.now)
        self._as(who)
        self.store._history(record.KIND, record.uuid, record.id, "update", field, old, new, task, record.version, at=at,
                            via="demo")

    def approval(self, who: str, at: datetime, how: str = "signature") -> Approval:
        noted = STAFF[0] if how == "verbal" else None
        return Approval(by=who, at=at, how=how, noted_by=noted)

    def approved_doc(self, record: Record, create_task: str | None, approve_task: str | None, at: datetime,
                     who: str, approver: str, later_status: str | None = None, later_task: str | None = None,
                     later_at: datetime | None = None) -> Record:
        """A document created as draft, approved, and optionally updated later: its history says so."""
        final_status = later_status or "approved"
        record = record.model_copy(update={
            "status": final_status, "approvals": [self.approval(approver, at + timedelta(days=2))],
            "version": 3 if later_status else 2,
        })
        initial = "draft" if "draft" in load_standard().wp(record.WP).statuses else None
        stored = self.add(record, create_task, at, who)
        if initial:
            self.event(stored, "status", initial, "approved", approve_task, at + timedelta(days=2), approver)
        if later_status:
            self.event(stored, "status", "approved", later_status, later_task, later_at or at + timedelta(days=30), who)
        return stored


def build_demo(store: Store, as_of: date | None = None, incidents: int = 300) -> dict[str, int]:
    """Fill an empty database with the demo shop. Returns counts per kind."""
    from .core import clock

    as_of = as_of or clock.today()
    rng = random.Random(SEED)
    b = _Builder(store, as_of, rng)
    kim, sam, alex = STAFF
    start = b.day(370)

    with store.transaction():
        store.set_setting("shop_name", SHOP)
        store.set_setting("demo", "1")
        # ------------------------------------------------ customers, suppliers, people
        cust_specs = [
            ("Acme Bakery", "ACME"), ("Bolt Logistics", "BOLT"), ("Greenfield Dental", "GRN"),
            ("Riverside Library", "RVL"),
        ]
        customers = [b.add(Customer(name=n, short=s, email=f"office@{s.lower()}.example", phone="+44 20 7946 0" + str(100 + i)),
                           None, _at(start), kim) for i, (n, s) in enumerate(cust_specs)]
        suppliers = [
            b.add(Supplier(name="CloudMail Hosting", short="CMH", supplies="Hosted e-mail platform"), None, _at(start), kim),
            b.add(Supplier(name="Parts Direct", short="PDX", supplies="Hardware and spare parts"), None, _at(start), kim),
        ]
        staff = [b.add(Person(name=n, email=n.split()[0].lower() + "@harbourlane.example", affiliation="internal"),
                       None, _at(start), kim) for n in STAFF]
        contact_names = ["Dana Wells", "Omar Haddad", "Priya Nair", "Tom Becker", "Lena Vogt", "Marco Rossi", "Ines Duarte"]
        contacts = []
        for i, name in enumerate(contact_names):
            org = customers[i % len(customers)]
            contacts.append(b.add(Person(name=name, email=name.split()[0].lower() + "@" + org.short.lower() + ".example",
                                         affiliation="customer", organisation=org.uuid), None, _at(start), kim))
        contacts.append(b.add(Person(name="Ravi Shah", affiliation="supplier", organisation=suppliers[0].uuid,
                                     email="support@cloudmail.example"), None, _at(start), kim))

        # ------------------------------------------------ governance
        d0 = start + timedelta(days=3)
        b.approved_doc(BusinessGoals(
            title=f"{SHOP} business goals", provider_type="external",
            goals="Be the IT partner small local businesses trust: fast help, no surprises, fair prices.",
            objectives="Restore 95% of incidents within target; keep every customer agreement reviewed yearly; "
            "grow to six managed customers by next year."), "GO.1.1", None, _at(d0), kim, kim)
        b.approved_doc(ServiceDeliveryScope(
            title="Service delivery scope", customers=[c.uuid for c in customers],
            services_offered="E-mail and collaboration; managed workstations; network and Wi-Fi; backup and recovery; "
            "hosting of line-of-business applications.",
            boundaries="Customers within 40 km of the shop; on-site and remote support; no payroll or legal advice.",
            technology="Windows and macOS desktops, Microsoft 365, hosted mail, small office networks, NAS backups, "
            "two hosted virtual servers.", exclusions="Software development; telephony hardware."),
            "GO.1.1", None, _at(d0 + timedelta(days=2)), kim, kim)
        roles = [(staff[0], "SM", None), (staff[0], "CM", None), (staff[0], "RM", None), (staff[0], "MGT", None),
                 (staff[1], "IM", None), (staff[1], "PT", None), (staff[2], "PT", "incident"), (staff[2], "PT", "change")]
        assignments = []
        for person, role, area in roles:
            assignments.append(b.add(RoleAssignment(person=person.uuid, role=role, area=area, since=d0),
                                     "GO.1.2", _at(d0 + timedelta(days=4)), kim))
        b.approved_doc(RoleList(title="List of assigned roles", assignments=[a.uuid for a in assignments],
                                training_needs="Service management foundation for all; incident handling for Alex; "
                                "change and release for Kim."),
                       "GO.1.2", None, _at(d0 + timedelta(days=4)), kim, kim, later_status="updated",
                       later_task="GO.3.1", later_at=_at(d0 + timedelta(days=20)))
        b.add(RoleAcknowledgement(rule="manager-and-practitioner", person=staff[1].uuid, roles=["IM", "PT"],
                                  mitigation="Kim reviews every P1/P2 incident Sam handles before it is closed."),
              "GO.1.2", _at(d0 + timedelta(days=4)), kim)
        trainings = [
            (0, "Service management foundation", 300, 65), (0, "Change and release practice", 200, 165),
            (4, "Incident handling and major incidents", 320, 45), (5, "Service management foundation", 280, 85),
            (6, "Incident handling and major incidents", 150, 215), (7, "Secure configuration basics", 380, -15),
        ]
        for idx, req, met_ago, due_in in trainings:
            a = assignments[idx]
            state = "met" if due_in > 0 else "lapsed"
            b.add(TrainingRecord(assignment=a.uuid, person=a.person, requirement=req, met_on=b.day(met_ago),
                                 due_on=as_of + timedelta(days=due_in), state=state), "IN.1.1", _at(b.day(met_ago)), kim)
        b.approved_doc(ServicePolicy(
            title="Service delivery and information security policy",
            objectives="Respond to every incident within target; fewer than two failed changes per quarter; "
            "a customer satisfaction score of 4 out of 5 or better.",
            plans="Quarterly performance reports to each customer; a yearly improvement report; "
            "quarterly restore tests.",
            catalogue_creation="The Relationship Manager keeps one catalogue for all customers and reviews it yearly.",
            priority_matrix=dict(policy.DEFAULT_MATRIX),
            targets=[PriorityTarget(priority=p, respond_minutes=r, resolve_minutes=s) for p, (r, s) in policy.DEFAULT_TARGETS.items()],
            change_definitions=dict(policy.DEFAULT_CHANGE_DEFINITIONS),
            communication_practices="Customers hear from us when an incident is logged, restored and closed, "
            "and two days before a change that affects them.",
            templates=dict(policy.DEFAULT_TEMPLATES), security_measures=dict(policy.DEFAULT_SECURITY_MEASURES),
            review_date=as_of + timedelta(days=41)),
            "GO.2.1", "GO.2.2", _at(d0 + timedelta(days=8)), kim, kim, later_status="updated", later_task="GO.2.4",
            later_at=_at(b.day(120)))
        b.approved_doc(CustomerExperienceApproach(
            title="How we listen to customers", measurement="A two-question survey after every closed P1-P3 incident.",
            receiving="By e-mail, phone or in person; anyone in the shop may take it.",
            acknowledging="Within one working day, by the Relationship Manager.",
            recording="Every entry goes in the feedback log the same day.",
            investigating="The Relationship Manager looks into complaints within five working days.",
            answering="A written answer to the customer, signed off by the Service Manager.",
            escalating="Unresolved complaints go to the owner, then to an agreed mediator.",
            closing="Closed when the customer accepts the answer.",
            log_contents="Contact, company, special needs, description, dates, outcome and sign-off."),
            "GO.2.3", None, _at(d0 + timedelta(days=12)), kim, kim)
        b.approved_doc(DataDocumentProcedure(
            title="Data and document management", controls="Records live in vse-tui; only staff accounts may change them; "
            "every change keeps its history.", location="The shop's vse-tui database on the office laptop.",
            backup="Nightly copy to the NAS, weekly copy off site, kept 90 days.",
            archive="Closed records kept seven years.", other_records="Invoices and personnel files in the accounting system."),
            "GO.3.2", "GO.3.2", _at(d0 + timedelta(days=22)), kim, kim)
        b.approved_doc(ImprovementReport(
            title="Improvement report, first year", period_start=b.day(370), period_end=b.day(345),
            customer_view="Customers value fast response; two asked for clearer change notices.",
            goals_achieved="Incident targets met for 93% of incidents.", issues="Backup failures at Bolt went unnoticed twice.",
            provider_view="The policy works; the change procedure is too heavy for routine laptop set-ups.",
            actions="Make new-laptop set-up a pre-approved change; add backup monitoring."),
            "GO.4.1", "GO.4.2", _at(b.day(340)), kim, kim)

        # ------------------------------------------------ catalogue and agreements
        svc_names = list(SUMMARIES)
        hours_office = ServiceHours(days=[0, 1, 2, 3, 4], start="08:30", end="17:30")
        services = []
        for i, name in enumerate(svc_names):
            always = name in ("E-mail and collaboration", "Line-of-business hosting")
            services.append(b.approved_doc(Service(
                name=name, description=f"{name} for small offices, run and supported by {SHOP}.",
                service_hours=ServiceHours(always=True) if always else hours_office,
                targets=[ServiceTarget(priority=p, respond_minutes=r, resolve_minutes=s) for p, (r, s) in policy.DEFAULT_TARGETS.items()],
                quality_measures="Availability 99.5% per month; incident targets per priority.",
                how_to_use="Call or e-mail the service desk; urgent issues by phone.", costs="Included in the monthly fee.",
                review_date=as_of + timedelta(days=9), state="live"),
                "RE.1.1", "RE.1.2", _at(d0 + timedelta(days=30 + i)), kim, kim))
        agreements = []
        review_offsets = [-12, 60, 140, 25]
        for i, c in enumerate(customers):
            covered = [s.uuid for s in services if rng.random() < 0.8] or [services[0].uuid]
            targets = [ServiceTarget(priority="P1", respond_minutes=10, resolve_minutes=3 * 60)] if i == 0 else []
            agreements.append(b.approved_doc(CustomerAgreement(
                title=f"Managed IT services for {c.name}", customer=c.uuid, approval_form="signature",
                scope="Services listed below, for all staff of the customer.", start_date=b.day(330 - 10 * i),
                review_date=as_of + timedelta(days=review_offsets[i]), end_date=b.day(330 - 10 * i) + timedelta(days=730),
                provider_owner=kim, party_owner=contacts[i].name, services=covered, targets=targets,
                communication_methods="E-mail and phone", charging="Fixed monthly fee per workstation.",
                acceptance_criteria="Targets met for 90% of incidents each quarter."),
                "RE.2.1", "RE.2.2", _at(d0 + timedelta(days=40 + 5 * i)), kim, kim,
                later_status="updated" if i == 1 else None, later_task="RE.2.5", later_at=_at(b.day(90))))
        supplier_agreements = []
        for i, s in enumerate(suppliers):
            supplier_agreements.append(b.approved_doc(SupplierAgreement(
                title=f"Supply agreement with {s.name}", supplier=s.uuid, approval_form="email",
                scope=s.supplies, start_date=b.day(360), review_date=as_of + timedelta(days=(-30 if i == 1 else 120)),
                end_date=b.day(360) + timedelta(days=1095), provider_owner=kim, party_owner=contacts[-1].name if i == 0 else "Parts Direct sales",
                deliverables=s.supplies, pricing="Monthly invoice", reviews="Yearly"),
                "RE.2.1", "RE.2.2", _at(d0 + timedelta(days=50 + i)), kim, kim))

        # ------------------------------------------------ control: procedures, CIs, changes
        b.approved_doc(ChangeProcedure(
            title="Design, build, test and deployment procedure",
            raising_changes="Anyone raises a change request in vse-tui; the Control Manager evaluates it within two days.",
            updating_schedule="Approved changes get a date inside a change window; the schedule is checked every Monday.",
            emergency_changes="Deploy when a vital service is down, then record and approve the change within one day.",
            removal="Retiring a service or component is a normal change with a backout plan.",
            steps="Design, build from the master copy, test against the design, get approval, deploy, review."),
            "CO.1.2", "CO.1.3", _at(d0 + timedelta(days=25)), kim, kim, later_status="updated", later_task="CO.3.5",
            later_at=_at(b.day(60)))
        b.approved_doc(SecureComponentProcedure(
            title="Secure component procedure", storage_rule="Only tested images and installers go in the secure store.",
            steps="Add, move, change or remove a component through a change request.",
            authorisation="The Control Manager authorises every entry and exit."),
            "CO.1.5", "CO.1.5", _at(d0 + timedelta(days=26)), kim, kim)
        ci_types = ["hardware", "hardware", "software", "network", "service component", "document"]
        cis = []
        for i in range(80):
            cust = customers[i % 4]
            kind = ci_types[i % len(ci_types)]
            names = {"hardware": ["Laptop", "Desktop", "NAS", "Printer", "Server"], "software": ["Accounting suite", "Antivirus", "Practice software", "Office licence"],
                     "network": ["Firewall", "Switch", "Wi-Fi access point", "Router"], "service component": ["Mail tenant", "VPN gateway", "Backup job", "Web certificate"],
                     "document": ["Network diagram", "Runbook"]}[kind]
            name = f"{names[i % len(names)]} {cust.short}-{i + 1:02d}"
            expiry = None
            if kind in ("software", "service component"):
                expiry = as_of + timedelta(days=rng.choice([200, 300, 400, 500]))
                if i in (8, 22, 45):  # a few renewals coming up, one already lapsed
                    expiry = as_of + timedelta(days={8: 12, 22: 25, 45: -5}[i])
            ci = ConfigurationItem(
                name=name, ci_type=kind, owner=cust.name, location=f"{cust.name} office",
                in_service_date=b.day(rng.randint(200, 900)), expiry_date=expiry,
                expiry_kind=("licence" if kind == "software" else "certificate") if expiry else None,
                services=[services[i % 5].uuid], depends_on=[cis[i - 3].uuid] if i >= 3 and i % 3 == 0 else [],
                status="updated" if i % 4 == 0 else "stored", state="retired" if i % 37 == 36 else "in service")
            cis.append(b.add(ci, "CO.1.4", _at(d0 + timedelta(days=28 + i % 20)), kim))
        changes = _demo_changes(b, customers, services, cis, staff)

        # ------------------------------------------------ schedule
        sched_at = _at(d0 + timedelta(days=27))
        sched = b.add(ChangeSchedule(title="Change schedule", status="updated", version=4,
                                     rules="Normal changes go in the Saturday morning window; none during a customer's "
                                     "month-end close. Resources are confirmed the day before.",
                                     approvals=[b.approval(kim, sched_at + timedelta(days=1))]), "CO.1.2", sched_at, kim)
        b.event(sched, "status", "draft", "initial", "CO.1.2", sched_at + timedelta(hours=2), kim)
        b.event(sched, "status", "initial", "approved", "CO.1.3", sched_at + timedelta(days=1), kim)
        b.event(sched, "status", "approved", "updated", "CO.2.2", _at(b.day(200)), kim)
        first_sat = as_of + timedelta(days=(5 - as_of.weekday()) % 7 - 7 * 28)
        b.add(ScheduleItem(title="Weekly change window", item_type="change window", starts_at=_at(first_sat, 6),
                           ends_at=_at(first_sat, 10), recurrence="weekly"), "CO.2.2", _at(b.day(200)), kim)
        for m in range(-1, 2):
            first = (as_of.replace(day=1) + timedelta(days=32 * m)).replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            while last.weekday() > 4:  # the last working day of the month
                last -= timedelta(days=1)
            b.add(ScheduleItem(title="Month-end close at Acme", item_type="business event", starts_at=_at(last, 8),
                               ends_at=_at(last, 20)), "CO.2.2", _at(b.day(200)), kim)
        b.add(ScheduleItem(title="Quarterly maintenance window", item_type="maintenance window",
                           starts_at=_at(as_of + timedelta(days=20), 18), ends_at=_at(as_of + timedelta(days=20), 23)),
              "CO.3.3", _at(b.day(30)), kim)
        for ch in changes:
            if ch.planned_at and ch.status in ("approved", "updated"):
                b.add(ScheduleItem(title=ch.title, item_type="change", starts_at=ch.planned_at, change=ch.uuid,
                                   ends_at=ch.planned_at + timedelta(hours=1)), "CO.2.2", ch.created_at + timedelta(days=1), kim)

        # ------------------------------------------------ incidents, feedback, reports
        _demo_incidents(b, incidents, customers, services, cis, changes, contacts, agreements)
        _demo_feedback(b, customers, contacts)
        for q in range(1, 5):
            end = b.day(92 * (q - 1) + 5)
            begin = end - timedelta(days=91)
            figures = performance.compute(store, performance.Period(begin, end, f"{begin.isoformat()}..{end.isoformat()}"))
            b.add(PerformanceReport(title=f"Service performance {begin:%b %Y} - {end:%b %Y}", period_start=begin, period_end=end,
                                    period_performance=figures,
                                    status="approved" if q > 1 else "draft",
                                    approvals=[b.approval(kim, _at(end + timedelta(days=3)), "email")] if q > 1 else [],
                                    previous_actions="Backup monitoring added; done.", proposed_actions="Replace the two oldest laptops at Acme."),
                  "RE.2.4", _at(end + timedelta(days=2)), kim)

    counts = {kind: store.count(kind) for kind in ("incidents", "change_requests", "configuration_items", "services")}
    return counts


def _demo_changes(b: _Builder, customers, services, cis, staff) -> list[ChangeRequest]:
    rng = b.rng
    kim, sam, alex = (p.name for p in staff)
    titles = ["Firewall firmware update", "NAS disk swap", "Office licences renewal", "New laptop for new starter",
              "Move mail to new tenant", "Wi-Fi access point replacement", "Accounting suite upgrade",
              "Backup retention change", "Web certificate renewal", "Server operating system upgrade",
              "Add VPN users", "Retire old file server"]
    out = []
    plan = (["deployed"] * 30 + ["scheduled"] * 8 + ["requested"] * 6 + ["rejected"] * 4 + ["tested"] * 4
            + ["built"] * 3 + ["designed"] * 3 + ["overdue"] * 1 + ["emergency-after"] * 1)
    for i, kind in enumerate(plan):
        title = titles[i % len(titles)]
        ctype = "pre-approved" if title == "New laptop for new starter" and i > 10 else ("emergency" if kind == "emergency-after" or i % 13 == 7 else "normal")
        cust = customers[i % 4]
        ci = cis[(i * 7) % len(cis)]
        if kind in ("deployed", "emergency-after"):
            created_ago = rng.randint(15, 340)
        elif kind == "overdue":
            created_ago = 20
        else:
            created_ago = rng.randint(2, 14)
        created = _at(b.day(created_ago), 10, 5 * (i % 12))
        rec = ChangeRequest(
            title=f"{title} - {cust.short}", purpose=f"{title} for {cust.name}.", change_type=ctype, customer=cust.uuid,
            service=services[i % 5].uuid, impacted_cis=[ci.uuid], priority=rng.choice(["P2", "P3", "P3", "P4"]),
            risk=rng.choice(["low", "medium", "high"]), requested_by=rng.choice([kim, sam, "Dana Wells"]),
            backout_plan="Restore the previous version from the master copy.", built_by=alex)
        approvals = [b.approval(kim, created + timedelta(days=1), rng.choice(["email", "signature", "verbal"]))]
        if kind == "requested":
            rec = rec.model_copy(update={"status": "draft", "state": "requested"})
            out.append(b.add(rec, "CO.2.1", created, sam))
            continue
        if kind == "rejected":
            rec = rec.model_copy(update={"status": "rejected", "state": "cancelled", "approvals": approvals})
            stored = b.add(rec, "CO.1.2", created, sam)
            b.event(stored, "status", "draft", "rejected", "CO.2.1", created + timedelta(days=1), kim)
            out.append(stored)
            continue
        planned = created + timedelta(days=rng.randint(3, 10))
        if kind in ("scheduled", "tested", "built", "designed"):
            # most go in a Saturday morning window; a few are planned on a weekday (the calendar warns)
            sat = b.as_of + timedelta(days=(5 - b.as_of.weekday()) % 7 or 7)
            planned = _at(sat + timedelta(days=7 * rng.randint(0, 2)), 6 + i % 3, 30 * (i % 2))
            if i % 6 == 0:
                planned = _at(b.as_of + timedelta(days=rng.randint(1, 13)), 7)
        if kind == "overdue":
            planned = _at(b.day(2), 7)
        deployed = planned + timedelta(hours=1) if kind in ("deployed", "emergency-after") else None
        state = {"deployed": "reviewed" if i % 3 or i == 3 else "deployed", "emergency-after": "deployed", "scheduled": "scheduled",
                 "tested": "tested", "built": "built", "designed": "designed", "overdue": "scheduled"}[kind]
        status = "updated" if kind in ("deployed", "emergency-after", "tested") else "approved"
        extra = {}
        if kind == "emergency-after":
            approvals = [b.approval(kim, deployed + timedelta(hours=20), "email")]
            extra["deployed_before_approval"] = True
        if state == "reviewed":
            extra["review"] = rng.choice(["Went as planned; the customer confirmed everything works.",
                                          "Took longer than the window; plan an extra hour next time.",
                                          "Worked; one user needed help afterwards, add a note to the design template."])
        if i == 3:
            extra["template"] = True  # went the full normal path once: new-laptop set-up is now a pre-approved type
        if ctype == "pre-approved" and len(out) > 3:
            extra["template_from"] = out[3].uuid
        rec = rec.model_copy(update={"status": status, "state": state, "approvals": approvals, "planned_at": planned,
                                     "planned_end": planned + timedelta(hours=1), "deployed_at": deployed, "version": 3,
                                     **extra})
        stored = b.add(rec, "CO.1.2", created, sam)
        if kind == "emergency-after":
            b.event(stored, "deployed_at", None, deployed.isoformat(), "CO.3.4", deployed, alex)
            b.event(stored, "status", "draft", "approved", "CO.2.1", deployed + timedelta(hours=20), kim)
        else:
            b.event(stored, "status", "draft", "approved", "CO.2.1", created + timedelta(days=1), kim)
            b.event(stored, "planned_at", None, planned.isoformat(), "CO.2.2", created + timedelta(days=1, hours=1), kim)
        if kind in ("deployed", "emergency-after", "tested", "built", "designed"):
            when = created + timedelta(days=2)
            b.add(ServiceDesign(title=f"Design for {stored.id}", change=stored.uuid, issue_date=when.date(), issuer=kim,
                                approval_authority=kim, scope=rec.purpose, risks="Downtime during the window.",
                                status="approved", approvals=[b.approval(kim, when)]), "CO.2.3", when, kim)
        if kind in ("deployed", "emergency-after", "tested", "built"):
            when = created + timedelta(days=3)
            b.add(BuiltChange(title=f"Build of {stored.id}", change=stored.uuid, built_by=alex,
                              master_copy=f"secure-store/{stored.id.lower()}", status="final" if kind != "built" else "initial"),
                  "CO.2.4", when, alex)
        if kind == "built" and not any(t for t in out if t.state == "built"):  # the first build failed its test
            when = created + timedelta(days=3, hours=4)
            b.add(TestReport(title=f"Test of {stored.id}", change=stored.uuid, summary="Upgrade stopped half way.",
                             levels_and_types="Functional check.", errors="The installer needs 8 GB free; the disk had 5.",
                             tested_by=sam, tested_at=when, result="fail"), "CO.3.1", when, sam)
        if kind in ("deployed", "emergency-after", "tested"):
            when = created + timedelta(days=3, hours=4)
            b.add(TestReport(title=f"Test of {stored.id}", change=stored.uuid, summary="All planned checks passed.",
                             levels_and_types="Functional check and user acceptance by the customer.",
                             tested_by=sam, tested_at=when, validated_by=cust.name, result="pass"), "CO.3.1", when, sam)
            b.event(stored, "status", "approved", "updated", "CO.3.2", when + timedelta(hours=2), kim)
        if deployed:
            b.event(stored, "state", "tested", "deployed", "CO.3.4", deployed, alex)
            if ci.status == "updated":
                b.event(ci, "status", "stored", "updated", "CO.3.4", deployed, alex)
            if state == "reviewed":
                b.event(stored, "state", "deployed", "reviewed", "CO.3.5", deployed + timedelta(days=2), kim)
        out.append(stored)
    return out


def _demo_incidents(b: _Builder, count, customers, services, cis, changes, contacts, agreements) -> None:
    rng = b.rng
    staff = list(STAFF)
    weights = {"P1": 2, "P2": 8, "P3": 45, "P4": 30, "P5": 15}
    levels = {"P1": ("high", "high"), "P2": ("high", "medium"), "P3": ("medium", "medium"), "P4": ("medium", "low"), "P5": ("low", "low")}
    prios = list(weights)
    cum = [weights[p] for p in prios]
    span_minutes = 365 * 24 * 60
    open_target = max(7, min(60, count // 40))
    detailed_from = count - 2000  # full step-by-step history for the most recent incidents only
    for n in range(count):
        is_open = n >= count - open_target
        prio = rng.choices(prios, cum)[0]
        impact, urgency = levels[prio]
        if is_open:
            opened = b.now - timedelta(minutes=rng.randint(20, 6 * 24 * 60))
        else:
            opened = b.now - timedelta(minutes=span_minutes - int(span_minutes * n / max(count, 1)) + rng.randint(0, 600))
        svc_idx = rng.randrange(5)
        service = services[svc_idx]
        cust = customers[rng.randrange(4)]
        contact = contacts[rng.randrange(len(contacts) - 1)]
        summary = rng.choice(SUMMARIES[list(SUMMARIES)[svc_idx]])
        target = policy.DEFAULT_TARGETS[prio][1]
        who = staff[rng.randrange(3)]
        rec: dict[str, Any] = dict(
            summary=summary, customer=cust.uuid, service=service.uuid, reporter=contact.name,
            reporter_contact=contact.email, impact=impact, urgency=urgency, priority=prio,
            category=rng.choice(CATEGORIES), opened_at=opened, cis=[cis[rng.randrange(len(cis))].uuid] if rng.random() < 0.6 else [],
            security=rng.random() < 0.02, resolver=who, details=f"{contact.name} reported: {summary.lower()}.",
        )
        events: list[tuple[str, Any, Any, str, datetime]] = []
        if n == count - 1:  # the one everybody sees first: mail down since this morning, target passed
            rec.update(summary="Mail server down", priority="P1", impact="high", urgency="high", service=services[0].uuid,
                       opened_at=b.now - timedelta(hours=5), details=f"{contact.name}: nobody can send or receive mail.")
            opened = rec["opened_at"]
        if is_open:
            state = "in progress" if n == count - 1 else rng.choice(
                ["new", "in progress", "in progress", "waiting for customer", "waiting for supplier", "restored"])
            rec["state"] = state
            rec["status"] = "opened" if state == "new" else "updated"
            if state != "new":
                rec["responded_at"] = opened + timedelta(minutes=rng.randint(5, 60))
                events.append(("category", "", rec["category"], "IN.2.2", opened + timedelta(minutes=10)))
            if state.startswith("waiting"):
                rec["waiting_since"] = b.now - timedelta(minutes=rng.randint(30, 600))
            if state == "restored":
                rec["restored_at"] = b.now - timedelta(minutes=rng.randint(5, 120))
                rec["solution"] = "Service restored; waiting for the customer to confirm."
        else:
            resolve = int(target * rng.uniform(0.05, 1.4))
            restored = opened + timedelta(minutes=resolve)
            closed = restored + timedelta(hours=rng.randint(1, 48))
            rec.update(state="closed", status="closed", responded_at=opened + timedelta(minutes=rng.randint(3, 90)),
                       restored_at=restored, closed_at=closed, solution="Fixed and checked with the user.",
                       steps_taken="Diagnosed remotely; applied the fix; tested with the reporter.",
                       confirmation=Confirmation(by=contact.name, at=closed, how=rng.choice(["phone", "email"])))
            if prio in ("P1", "P2") or rec["security"]:
                rec["root_cause"] = rng.choice(["Expired certificate", "Failed disk", "Faulty update from vendor", "Misconfigured rule"])
                deployed = [c for c in changes if c.deployed_at]
                if deployed and rng.random() < 0.7:
                    rec["changes"] = [rng.choice(deployed).uuid]
                else:
                    rec["no_change_reason"] = "Cause removed during restore; no further change needed."
            if n % 23 == 5:
                rec["reopened"] = 1
            if n < detailed_from:  # older history: lean records keep a 100,000-incident demo small
                rec.pop("details")
                events.append(("status", "updated", "closed", "IN.2.5", closed))
            else:
                rec["notifications"] = [
                    Notification(task="IN.2.3", to=contact.name, at=opened + timedelta(minutes=15), how="email", by=who),
                    Notification(task="IN.2.4", to=contact.name, at=restored, how=rng.choice(["email", "phone"]), by=who),
                ]
                rec["time_spent"] = [TimeEntry(who=who, at=restored, minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                                               billable=rng.random() < 0.7)]
                events += [
                    ("category", "", rec["category"], "IN.2.2", opened + timedelta(minutes=10)),
                    ("responded_at", None, rec["responded_at"].isoformat(), "IN.2.3", rec["responded_at"]),
                    ("restored_at", None, restored.isoformat(), "IN.2.4", restored),
                    ("status", "updated", "closed", "IN.2.5", closed),
                ]
        if n % 97 == 13:
            rec.update(problem=True, summary="Potential problem: " + summary.lower(), priority="P3", impact="medium", urgency="medium")
        inc = Incident(**rec)
        stored = b.add(inc, "IN.2.1", opened, who)
        for field, old, new, task, at in events:
            b.event(stored, field, old, new, task, at, who)


def _demo_feedback(b: _Builder, customers, contacts) -> None:
    rng = b.rng
    texts = [
        ("compliment", "Sam fixed the printer before our rush hour, thank you!"),
        ("complaint", "Nobody called back about the slow booking system."),
        ("comment", "Could change notices come two days earlier?"),
        ("complaint", "The new laptop arrived without the accounting software."),
        ("compliment", "Restore of the deleted folder was quick and painless."),
        ("comment", "We would like a monthly summary of incidents."),
    ]
    states = ["received", "acknowledged", "investigated", "answered", "escalated", "closed"]
    for i in range(24):
        ftype, text = texts[i % len(texts)]
        cust = customers[i % 4]
        contact = contacts[i % (len(contacts) - 1)]
        received = _at(b.day(rng.randint(1, 350)), 11)
        state = "closed" if i >= 6 else states[i]
        rec = FeedbackEntry(feedback_type=ftype, contact=contact.name, company=cust.uuid, description=text,
                            received_at=received, state=state, status="updated" if state != "received" else "maintained",
                            special_needs="Prefers phone calls" if i % 7 == 0 else "",
                            investigation_outcome="Explained and agreed next steps." if state in ("investigated", "answered", "closed", "escalated") else "",
                            signed_off_by=STAFF[0] if state == "closed" else None,
                            signed_off_at=received + timedelta(days=5) if state == "closed" else None)
        stored = b.add(rec, "RE.2.3", received, STAFF[0])
        if state != "received":
            b.event(stored, "state", "received", state, "RE.2.3", received + timedelta(days=1), STAFF[0])


def dump_counts(store: Store) -> dict[str, int]:
    from .core.records import KINDS

    return {kind: store.count(kind) for kind in KINDS}


__all__ = ["build_demo", "SHOP", "dump_counts"]
