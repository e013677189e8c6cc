"""The demo shop: a fictional three-person IT service business with the year before today lived in it.

It is made the way the shop would have made it: through the core's functions (the ones a user's
keys call), one step after another in the order they happened, each by the person who did it, on
the demo's clock, which only moves forward and which the store's clock rules apply to as to any
other (the database is born at the start of the demo's year, so its history spreads over that
year, never before it, never after today). The database is marked as a demo made on a simulated
clock.

The shop holds together: each customer has its own items in the services it buys; an incident
links items of its customer and service; a change updates items of its customer; a problem's
change request is evaluated, built, tested, deployed and reviewed; the catalogue changes after its
change request is deployed. Duties are split as three people would split them, within the
standard's roles, and nobody approves what they wrote: Kim (the owner: service and control manager)
approves and evaluates; Sam (incident and relationship manager) writes the setup's documents, the
policy, the catalogue, the agreements, the reports and the change requests Kim approves, puts changes
on the schedule, keeps the feedback log and records a customer's acceptance, which comes by e-mail,
with the message attached, and writes the procedures (he is her deputy: Service and Control Manager
too, so that what one writes the other approves); Alex (technician) writes the designs, builds,
deploys and runs the tests with Sam, Kim records and interprets them. Where a document is approved as it is
saved (the goals, the scope, the roles, the customer experience approach, a design), Kim approves by
e-mail and its writer records her approval with her message attached. Nobody writes under a
customer's login. Notifications
go through the outbox as real messages, delivered to a local mail file beside the database (no
network), or are phone calls recorded with what was said.

On purpose it plants four findings for the audit check to show (the README names them): an
agreement edited after its acceptance and not accepted again, a supplier agreement the supplier
never accepted, and an incident logged in a hurry from the front desk, under a login mapped to no
person and with no customer recorded.

Deterministic (fixed seed) and relative to an "as of" date, so that tests can freeze the clock.

The shop writes its records in the language it is made in (the language spoken when it is built):
every text passes through `_Demo.t`, which takes it from that language's demo catalogue
(`demo_material.words`); English as written here. The same year in every language: the same draws,
the same records, only their words differ.
"""

from __future__ import annotations

import heapq
import os
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, cast

from .core.control import changes as co
from .core.governance import process as gov
from .core.governance import roles as roles_core
from .core.governance.approvals import approve
from .core.governance.documents import create, edit
from .core.incidents import policy
from .core.incidents import process as inc_core
from .core.intake.importer import demo_archive
from .core.intake.mail_intake import notify_by_mail
from .core.kernel import clock
from .core.model.records import KINDS as RECORD_KINDS
from .core.model.records import CustomerAgreement, Record, RoleAssignment, Service, ServicePolicy, SupplierAgreement
from .core.relationship import process as relationship
from .demo_material import (
    ANSWERS,
    CHANGES,
    CHECKS,
    CONTACTS,
    CUSTOMERS,
    DIAGNOSES,
    FEEDBACK,
    ITEMS,
    KINDS,
    OUTCOMES,
    SERVICES,
    SHOP,
    SHOP_MAIL,
    STEPS,
    SUPPLY,
    WHY,
    Kind,
    words,
)
from .i18n import formats, using
from .i18n import language as language_now
from .mailer import deliver_to_file
from .reports import improvement, performance
from .store.db import Actor, Store, open_store, set_aside

SEED = 29110
STAFF = {  # key: (name, login, roles)
    "kim": ("Kim Lee", "kim", "SM,CM,MGT"),
    "sam": ("Sam Ortiz", "sam", "SM,CM,IM,RM,PT:incident"),  # Kim's deputy: what he writes, she approves
    "alex": ("Alex Moreau", "alex", "PT:incident,PT:change"),
}
FRONT_DESK = "frontdesk"  # the office PC's login, mapped to nobody (a planted finding)
DETAILED_MAX = 400  # incidents lived step by step; older ones of a bigger demo are imported at the end
STEPS_PER_COMMIT = 50  # steps of the demo written in one transaction (each step is its own in a real shop)
YEAR_DAYS = 364  # the demo's year starts this many days before its "as of" day, at 08:00


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A local wall-clock moment on `day`, as UTC."""
    return datetime.combine(day, time(hour, minute)).astimezone().astimezone(UTC)


def demo_start(as_of: date) -> datetime:
    """The moment the demo's year begins (its database is born then)."""
    return _at(as_of - timedelta(days=YEAR_DAYS), 8)


class SimClock:
    """The demo's clock: the store asks it the time; the demo moves it forward, never back. While
    the demo is built the whole app reads it (VSE_TUI_NOW), so a message's date, a delivery's
    time and a report's 'now' are the shop's moment, not the day the demo was made."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def set(self, when: datetime) -> None:
        if when < self.moment:
            raise RuntimeError(f"the demo's clock cannot go back from {self.moment} to {when}")
        self.moment = when
        os.environ["VSE_TUI_NOW"] = when.isoformat()


@dataclass(order=True)
class _Step:
    when: datetime
    order: int
    who: str | None = field(compare=False)
    act: Callable[[], Any] = field(compare=False)


def _id(record: Record | None) -> str:
    """The id of a record the demo made or just read (a stored record always has one)."""
    if record is None or not record.id:
        raise RuntimeError("the demo lost track of a record it made")
    return record.id



class _Demo:
    def __init__(self, store: Store, as_of: date, now: datetime, rng: random.Random, mail_dir: Path,
                 language: str = "en") -> None:
        self.store, self.as_of, self.now, self.rng = store, as_of, now, rng
        self.language = language
        self.words = words(language)  # None: English, as written here
        self.missing: set[str] = set()  # texts the language's catalogue lacks (written in English; a test finds them)
        self.start = demo_start(as_of)
        self.clock = SimClock(self.start)
        store.clock = self.clock  # type: ignore[method-assign]
        self.queue: list[_Step] = []
        self.order = 0
        self.people: dict[str, Any] = {}  # key -> Person
        self.refs: dict[str, Any] = {}
        self.items: dict[tuple[str, int], list[Any]] = {}  # (customer short, service index) -> its items
        self.mail_dir = mail_dir  # where the customers' e-mails to the shop are written before they are attached
        self.mbox = store.path.with_name(store.path.name + ".sent.mbox")
        self.progress: Callable[[int], None] | None = None  # told the incidents stored as the year is lived

    def day(self, days_ago: int) -> date:
        return self.as_of - timedelta(days=days_ago)

    def t(self, text: str, **values: Any) -> str:
        """`text` as the shop writes it in its language, its {placeholders} filled with `values`
        (none given: left for later, as the material's templates are)."""
        if self.words is not None:
            found = self.words.get(text)
            if found is None:
                self.missing.add(text)
            else:
                text = found
        return text.format(**values) if values else text

    def day_month(self, when: datetime) -> str:
        """'08 December' as the shop's language writes a day of the year."""
        local = when.astimezone()
        if self.words is None:
            return local.strftime("%d %B")
        return self.t("{day} {month}", day=local.day, month=formats.month_name(local.month, self.language))

    def t_all(self, texts: dict[str, Any]) -> dict[str, Any]:
        """A dict's texts (those of a dict in it too) as the shop writes them."""
        return {key: self.t_all(value) if isinstance(value, dict) else self.t(value) if isinstance(value, str)
                else value for key, value in texts.items()}

    def item_name(self, base: str, app: str | None) -> str:
        """An item's name as the shop calls it: the material's base ("Laptop", "{app}") in its words."""
        return (base if base == "{app}" else self.t(base)).format(app=self.t(app) if app else "")

    def at(self, when: datetime, who: str | None, act: Callable[..., Any]) -> None:
        """Do `act` at `when` (never after the demo's "now"), as the person `who` (a staff key, or
        None for the unmapped front desk)."""
        when = min(when, self.now)
        if when < self.clock():
            raise RuntimeError(f"a demo step at {when} was planned after the clock passed it ({self.clock()})")
        self.order += 1
        heapq.heappush(self.queue, _Step(when, self.order, who, act))

    def run(self, until: datetime | None = None) -> None:
        """Play the planned steps in time order (up to `until`: later ones stay planned)."""
        played = 0
        while self.queue and (until is None or self.queue[0].when <= until):
            with self.store.transaction():  # a few days of the shop's work per commit (one file, one writer)
                for _ in range(STEPS_PER_COMMIT):
                    if not self.queue or (until is not None and self.queue[0].when > until):
                        break
                    step = heapq.heappop(self.queue)
                    self.clock.set(step.when)
                    self._as(step.who)
                    step.act()
                    played += 1
            if self.progress and played % 200 < STEPS_PER_COMMIT:
                self.progress(self.store.count("incidents"))
        self._as("kim")

    def _as(self, who: str | None) -> None:
        if who is None:
            self.store.actor = Actor(operator=FRONT_DESK, os_user=FRONT_DESK, host="office-pc", person=None)
            return
        person = self.people[who]
        self.store.actor = Actor(operator=person.name, os_user=STAFF[who][1], host=f"{STAFF[who][1]}-laptop",
                                 person=person.uuid)

    # ------------------------------------------------------------ helpers
    def contacts_of(self, cust: Any) -> list[Any]:
        return [p for p in self.refs["contacts"] if p.organisation == cust.uuid]

    def first(self, person: Any) -> str:
        return person.name.split()[0]

    def send_mail(self) -> None:
        """Deliver the outbox into the demo's mail file (real messages, no network)."""

        deliver_to_file(self.store, self.mbox)

    def customer_mail(self, sender: Any, subject: str, body: str) -> Path:
        """A customer's e-mail to the shop, as received (a real message file), to attach as evidence."""
        msg = EmailMessage()
        msg["From"] = f"{sender.name} <{sender.email}>"
        msg["To"] = "Sam Ortiz <sam@harbourlane.example>"
        msg["Subject"] = subject
        msg["Date"] = format_datetime(self.clock())
        msg["Message-ID"] = make_msgid(domain=sender.email.split("@", 1)[1])
        msg.set_content(body)
        self.order += 1
        path = self.mail_dir / f"{self.order:05d}-{sender.name.split()[0].lower()}.eml"
        path.write_bytes(bytes(msg))
        return path

    def kims_mail(self, subject: str, body: str) -> str:
        """Kim's answer by e-mail to a colleague who wrote something for her approval (a real
        message file), for the writer to attach when recording her approval on her behalf."""
        kim = self.people["kim"]
        writer = self.store.actor.operator
        msg = EmailMessage()
        msg["From"] = f"{kim.name} <{kim.email}>"
        msg["To"] = writer
        msg["Subject"] = subject
        msg["Date"] = format_datetime(self.clock())
        msg["Message-ID"] = make_msgid(domain=kim.email.split("@", 1)[1])
        msg.set_content(f"{body}\n\nKim")
        self.order += 1
        path = self.mail_dir / f"{self.order:05d}-kim.eml"
        path.write_bytes(bytes(msg))
        return str(path)

    def kims_approval(self, subject: str) -> tuple[Any, str]:
        """Kim's approval of what the person at the keyboard wrote, given by e-mail: the approval,
        recorded on her behalf, and her message to attach."""
        return (gov.approval(self.store, self.people["kim"].uuid, how="email"),
                self.kims_mail(f"Re: {subject}", self.t("Approved as you wrote it.")))

    def accepted_by_mail(self, kind: str, ref: str, contact: Any, subject: str, body: str,
                         meaning: str = "accepted by the customer") -> None:
        """A customer's (supplier's) acceptance by e-mail, recorded by the relationship manager (Sam,
        at the keyboard) on their behalf, the message attached to the record."""
        mail = self.customer_mail(contact, subject, body)
        approve(self.store, kind, ref, contact.name, how="email", meaning=meaning, noted_by=self.store.actor.operator,
                note=self.t("Accepted by e-mail on {day}; the message is attached.", day=formats.date_text(self.clock().date(), self.language)),
                evidence=str(mail))


def make_demo(path: Path, as_of: date | None = None, incidents: int = 300,
              progress: Callable[[int], None] | None = None, language: str | None = None,
              missing: set[str] | None = None) -> tuple[Path, dict[str, int]]:
    """Build the demo shop in a new folder beside `path` (a database born at the start of the
    demo's year, with its attached files and its mail file); returns the folder's database and
    the counts. The caller puts it in place (`install_demo`). `language`, `missing`: see build_demo."""

    as_of = as_of or clock.today()
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".building", dir=path.parent))
    built = folder / path.name
    try:
        store = open_store(built, Actor(operator="demo"), born=demo_start(as_of))
        try:
            counts = build_demo(store, as_of=as_of, incidents=incidents, progress=progress, language=language,
                                missing=missing)
        finally:
            store.close()
    except BaseException:
        _remove_tree(folder)
        raise
    return built, counts


COMPANIONS = ("", ".files", ".outbox", ".sent.mbox")  # the database and what lives beside it under its name


def install_demo(built: Path, path: Path, keep_previous: bool) -> Path | None:
    """Put a demo built by `make_demo` at `path`. The earlier demo there (and its attached files,
    outbox and mail file) is kept as `NAME.previous` when `keep_previous`; returns that copy."""

    kept = None
    previous = path.with_name(path.name + ".previous")
    if path.exists() and keep_previous:
        for suffix in COMPANIONS[1:]:
            _remove_tree(Path(f"{previous}{suffix}"))
        kept = set_aside(path, previous)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    for suffix in COMPANIONS[1:]:
        old = Path(f"{path}{suffix}")
        if old.exists():
            if kept:
                os.replace(old, Path(f"{previous}{suffix}"))
            else:
                _remove_tree(old)
    for suffix in COMPANIONS:
        made = Path(f"{built}{suffix}")
        if made.exists():
            os.replace(made, Path(f"{path}{suffix}"))
    _remove_tree(built.parent)
    return kept


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def build_demo(store: Store, as_of: date | None = None, incidents: int = 300,
               progress: Callable[[int], None] | None = None, language: str | None = None,
               missing: set[str] | None = None) -> dict[str, int]:
    """Fill an empty database with the demo shop. Returns counts per kind. `progress(incidents
    stored)`: told as the shop's year is lived and as the old helpdesk's tickets come in. The
    database must not hold history after the demo's year begins (make_demo makes one born then).
    `language`: the one the shop writes its records in (default: the language spoken); `missing`
    is given the texts that language's demo catalogue lacks (written in English)."""

    as_of = as_of or clock.today()
    now = clock.now() if as_of == clock.today() else _at(as_of, 9, 30)
    start = demo_start(as_of)
    tip = store.chain_tip()
    if tip and clock.parse_datetime(tip[2]) > start:
        raise RuntimeError(f"the demo's year starts on {start.date()}, but this database already has history from "
                           f"{tip[2][:10]}: build it in a database born then (make_demo)")
    frozen = os.environ.get("VSE_TUI_NOW")
    with tempfile.TemporaryDirectory(prefix="vse-demo-mail-") as mail_dir:
        d = _Demo(store, as_of, now, random.Random(SEED), Path(mail_dir), language or language_now())
        d.progress = progress
        store.via = "demo"
        try:
            d.clock.set(d.start)
            store.set_setting("demo", "1")
            store.set_setting("clock", "simulated")
            store._simulated = True
            # thousands of transactions into a new file, flushed to the disk once, at the end; the app's own
            # texts (the policy's starting text, the notifications) in the shop's language too
            with store.bulk(), using(d.language):
                _setup(d)
                _catalogue_and_agreements(d)
                _control(d)
                _feedback(d)
                _reviews(d)
                d.run(until=d.start + timedelta(days=49))  # changes and incidents need the services and items
                _changes(d)
                lived = min(incidents, DETAILED_MAX)
                _incidents(d, lived)
                d.run()
                stored = store.count("incidents")
                if progress:
                    progress(stored)
                if incidents > lived:
                    _imported_incidents(d, incidents - lived, (lambda n: progress(stored + n)) if progress else None)
            if missing is not None:
                missing |= d.missing
        finally:
            store.via = None
            if frozen is None:
                os.environ.pop("VSE_TUI_NOW", None)
            else:
                os.environ["VSE_TUI_NOW"] = frozen
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
        d.refs["customers"] = [create(store, "customers", {"name": d.t(n), "short": s, "email": f"office@{s.lower()}.example",
                                                           "phone": f"+44 20 7946 0{100 + i}"})
                               for i, (n, s, _buys, _app) in enumerate(CUSTOMERS)]
        by_short = {c.short: c for c in d.refs["customers"]}
        d.refs["suppliers"] = [create(store, "suppliers", {"name": "CloudMail Hosting", "short": "CMH",
                                                           "supplies": d.t("Hosted e-mail platform")}),
                               create(store, "suppliers", {"name": "Parts Direct", "short": "PDX",
                                                           "supplies": d.t("Hardware and spare parts")})]
        contacts = []
        for name, short, phone in CONTACTS:
            org = by_short[short]
            person, _ = roles_core.add_person(store, name, email=name.split()[0].lower() + "@" + short.lower()
                                              + ".example", phone=phone, affiliation="customer", organisation=org.id)
            contacts.append(person)
        for name, sup in (("Ravi Shah", 0), ("Joe Parker", 1)):
            person, _ = roles_core.add_person(store, name, email=f"{name.split()[0].lower()}@supplier.example",
                                              affiliation="supplier", organisation=d.refs["suppliers"][sup].id)
            d.refs.setdefault("supplier_contacts", []).append(person)
        d.refs["contacts"] = contacts

    # Kim adds herself first, under her login: from that write on, every write is a person's
    store.actor = Actor(operator="kim", os_user="kim", host="kim-laptop", person=None)
    people()

    def goals() -> None:
        approved, mail = d.kims_approval(d.t("Our business goals"))
        gov.save_goals(store, shop_name=SHOP, title=d.t("{shop} business goals", shop=SHOP), provider_type="external",
                       goals=d.t("Be the IT partner small local businesses trust: fast help, no surprises, fair prices."),
                       objectives=d.t("Restore 95% of incidents within target; keep every customer agreement reviewed "
                                      "yearly; grow to six managed customers by next year."),
                       approved=approved, evidence=mail)

    def scope() -> None:
        approved, mail = d.kims_approval(d.t("The scope of our services"))
        gov.save_scope(store, services_offered=d.t("E-mail and collaboration; managed workstations; network and Wi-Fi; "
                                                   "backup and recovery; hosting of line-of-business applications."),
                       customers="\n".join(d.t(c[0]) for c in CUSTOMERS),
                       boundaries=d.t("Customers within 40 km of the shop; on-site and remote support; no payroll or "
                                      "legal advice."),
                       technology=d.t("Windows and macOS desktops, Microsoft 365, hosted mail, small office networks, "
                                      "NAS backups, two hosted virtual servers."),
                       exclusions=d.t("Software development; telephony hardware."), approved=approved, evidence=mail)

    def staff_roles() -> None:
        rows = [(d.people[k].uuid, name, d.people[k].email, r) for k, (name, _l, r) in STAFF.items()]
        gov.save_roles(store, rows, *d.kims_approval(d.t("Who does what")))

    def acknowledge() -> None:  # the owner answers the combination warnings on Sam's roles, each with a countable check
        how = {"manager-and-practitioner": (d.t("Kim reviews every P1/P2 incident Sam handles before it is closed."),
                                            "closure-review"),
               "control-and-incident": (d.t("Kim reviews every change deployed within the week (CO.3.5)."),
                                        "change-review")}
        for warning in roles_core.warnings(store):
            if warning.person == d.people["sam"].uuid and warning.acknowledged is None:
                text, check = how[warning.rule]  # the check chosen on the form, as a person would
                roles_core.acknowledge(store, warning, text, check=check)

    def policy_draft() -> None:  # Sam drafts the policy from the team's notes; Kim (SM) approves it
        fields = gov.policy_defaults(d.day(YEAR_DAYS - 5))
        fields.update(d.t_all(dict(
            objectives="Restore 95% of incidents within the agreed targets; fewer than two failed changes per "
                       "quarter; customers rate us 4 out of 5 or better in the yearly call.",
            plans="A performance report to the customers every quarter; the improvement report each December; a "
                  "restore test on every customer's NAS each quarter; training plans reviewed in January.",
            catalogue_creation="Kim keeps the catalogue of our five services and reviews it with each customer "
                               "once a year.",
            change_request_method="Customers ask by phone or e-mail; whoever takes the call raises the change "
                                  "request in vse-tui the same day and Kim evaluates it within two working days.",
            communication_practices="Customers get an e-mail when we log, restore and close their incident (a phone "
                                    "call for P1 and P2), and a notice three working days before a change.",
            security_measures={
                "confidentiality": "Customer data only on encrypted laptops; personal accounts with multi-factor "
                                   "sign-in; a leaver's access removed the same day.",
                "integrity": "Every change to a customer's systems through a change request; our records keep "
                             "their history; backups checked every Monday.",
                "availability": "Nightly backups with a weekly copy off site for 90 days; a restore test each "
                                "quarter; a spare switch, firewall and laptop on the shelf."})))
        gov.save_policy_draft(store, fields)

    def experience() -> None:
        approved, mail = d.kims_approval(d.t("How we hear our customers"))
        gov.save_experience(store, d.t_all({
            "measurement": "A two-question survey after each closed P1 to P3 incident and a call with each customer "
                           "every December.",
            "receiving": "Whoever takes a compliment, complaint or comment (phone, e-mail, at the door) logs it in "
                         "vse-tui before the end of the day.",
            "acknowledging": "Kim acknowledges every entry within one working day, by e-mail or phone.",
            "recording": "All of it goes in the feedback log with the customer, the contact and what they said.",
            "investigating": "A complaint is looked into within five working days, with the incidents it names.",
            "answering": "Kim answers in writing, saying what we found and what we change.",
            "escalating": "A complaint the customer does not accept goes to a meeting with the customer's manager.",
            "closing": "Closed once the customer agrees; their sign-off is recorded on the entry.",
            "log_contents": "Customer, contact, special needs, what was said, dates, outcome and sign-off."}),
            approved, mail)

    def resources() -> None:
        needs = []
        plan = d.t_all({"SM": "Service management foundation", "CM": "Change and release practice",
                        "IM": "Incident handling and major incidents", "PT": "Service management foundation",
                        "RM": "Customer relationship basics", "MGT": "Governance of a small IT business"})
        for a in cast("list[RoleAssignment]", store.records("role_assignments", {"state": "active"})):
            due = d.day(YEAR_DAYS - 5) + timedelta(days=60)
            needs.append((a.uuid, plan[a.role] if a.area != "change" else d.t("Secure configuration basics"),
                          due.isoformat()))
        gov.save_resources(store, needs, d.t("Service management foundation for all; incident handling for Alex; "
                                             "change and release for Kim."))  # Kim approves the list's new version

    def documents() -> None:
        gov.save_documents(store, {**gov.documents_defaults(), **d.t_all({
                                   "location": "The shop's vse-tui database on the office laptop.",
                                   "backup": "A copy of the database every night to the office NAS and every Friday to "
                                             "the off-site store, kept 90 days; Kim tests a restore each quarter.",
                                   "archive": "Closed incidents and changes are kept seven years."})},
                           None)  # a draft, which Kim approves

    # Sam writes the setup's documents up from the team's talks; Kim approves each: at her keyboard where
    # the document has a draft, by e-mail (recorded by Sam, her message attached) where it is approved as saved
    for offset, who, act in ((1, "sam", goals), (2, "sam", scope), (3, "sam", staff_roles), (3.05, "kim", acknowledge),
                             (5, "sam", policy_draft),
                             (7, "kim", lambda: gov.approve_policy(store, gov.approval(store, None))),
                             (9, "sam", experience), (12, "sam", resources),
                             (12.05, "kim", lambda: approve(store, "role_lists", _id(store.latest("role_lists")),
                                                            how="signature")),
                             (14, "sam", documents),
                             (14.05, "kim", lambda: approve(store, "data_procedures", _id(store.latest("data_procedures")),
                                                            how="signature"))):
        d.at(t0 + timedelta(days=offset), who, act)

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
    store = d.store
    t0 = d.start + timedelta(days=20)
    d.refs["services"] = []

    def service(name: str) -> None:
        always = name in ("E-mail and collaboration", "Line-of-business hosting")
        svc = create(store, "services", {
            "name": d.t(name), "description": d.t("{service} for small offices, run and supported by {shop}.",
                                                  service=d.t(name), shop=SHOP),
            "service_hours": "24x7" if always else d.t("Mon-Fri 08:30-17:30"), "state": "live",
            "targets": "P1 15m/4h, P2 30m/8h, P3 2h/3d, P4 8h/5d, P5 1d/10d",
            "quality_measures": d.t("Availability 99.5% per month; incident targets per priority."),
            "how_to_use": d.t("Call or e-mail the service desk; urgent issues by phone."),
            "costs": d.t("Included in the monthly fee."), "review_date": (d.as_of + timedelta(days=9)).isoformat()})
        d.at(d.clock() + timedelta(hours=5), "kim", lambda: d.refs["services"].append(
            approve(store, "services", _id(svc), how="signature")))

    for i, name in enumerate(SERVICES):  # Sam (the relationship manager) drafts each entry; Kim approves it
        d.at(t0 + timedelta(days=i), "sam", lambda name=name: service(name))

    review_offsets = [-12, 60, 140, 25]

    def agreement(i: int) -> None:
        cust = d.refs["customers"][i]
        contact = d.contacts_of(cust)[0]
        covered = [d.refs["services"][s].id for s in CUSTOMERS[i][2]]
        start = d.day(330 - 10 * i)
        agr = cast(CustomerAgreement, create(store, "customer_agreements", {
            "title": d.t("Managed IT services for {customer}", customer=cust.name), "customer": cust.id,
            "approval_form": d.t("email"),
            "scope": d.t("{services}, for all staff of {customer}.",
                         services=", ".join(d.t(SERVICES[s]) for s in CUSTOMERS[i][2]), customer=cust.name),
            "start_date": start.isoformat(),
            "review_date": (d.as_of + timedelta(days=review_offsets[i])).isoformat(),
            "end_date": (start + timedelta(days=730)).isoformat(), "provider_owner": "Kim Lee",
            "party_owner": contact.name, "services": ", ".join(covered),
            "targets": "P1 10m/3h" if i == 0 else "P1 15m/4h, P2 30m/8h, P3 2h/3d",
            "communication_methods": d.t("E-mail and phone"), "charging": d.t("Fixed monthly fee per workstation."),
            "acceptance_criteria": d.t("Targets met for 90% of incidents each quarter."),
            "change_and_incident_procedures": d.t("Changes by request to the service desk; incidents by phone or "
                                                  "e-mail, handled to the targets above.")}))
        d.refs.setdefault("agreements", []).append(agr.id)
        d.at(d.clock() + timedelta(hours=6), "kim", lambda: approve(store, "customer_agreements", _id(agr),
                                                                    how="signature"))
        d.at(d.clock() + timedelta(days=3), "sam", lambda: d.accepted_by_mail(
            "customer_agreements", _id(agr), contact, f"Re: {agr.title}",
            d.t("Hello Sam,\n\nWe have read the agreement for {customer} and accept it as sent.\n\n{contact}",
                customer=cust.name, contact=contact.name)))

    for i in range(len(CUSTOMERS)):  # Sam drafts each customer's agreement; Kim approves it
        d.at(t0 + timedelta(days=8 + 4 * i), "sam", lambda i=i: agreement(i))

    def supplier_agreement(i: int) -> None:
        sup = d.refs["suppliers"][i]
        contact = d.refs["supplier_contacts"][i]
        agr = cast(SupplierAgreement, create(store, "supplier_agreements", {
            "title": d.t("Supply agreement with {supplier}", supplier=sup.name), "supplier": sup.id,
            "approval_form": d.t("email"), "scope": d.t(SUPPLY[i][0]), "start_date": d.day(340).isoformat(),
            "review_date": (d.as_of + timedelta(days=(-30 if i == 1 else 120))).isoformat(),
            "end_date": (d.day(340) + timedelta(days=1095)).isoformat(), "provider_owner": "Kim Lee",
            "party_owner": contact.name, "deliverables": d.t(SUPPLY[i][1]), "pricing": d.t("Monthly invoice"),
            "reviews": d.t("Yearly")}))
        d.refs.setdefault("supplier_agreements", []).append(agr.id)
        d.at(d.clock() + timedelta(hours=6), "kim", lambda: approve(store, "supplier_agreements", _id(agr), how="email"))
        if i == 0:  # Parts Direct never returned theirs (a planted finding)
            d.at(d.clock() + timedelta(days=5), "sam", lambda: d.accepted_by_mail(
                "supplier_agreements", _id(agr), contact, f"Re: {agr.title}",
                d.t("Hi Sam,\n\nSigned off on our side; the agreement stands as sent.\n\n{contact}", contact=contact.name),
                meaning="accepted by the supplier"))

    for i in range(2):
        d.at(t0 + timedelta(days=30 + i), "sam", lambda i=i: supplier_agreement(i))

    # RE.2.5: Bolt's agreement gets a tighter P1 target after a hard quarter; Sam revises it, Kim approves it, the
    # customer accepts it again
    def revise_bolt() -> None:
        agr = d.refs["agreements"][1]
        edit(store, "customer_agreements", agr, {"targets": "P1 10m/2h, P2 30m/8h, P3 2h/3d"})
        d.at(d.clock() + timedelta(hours=2), "kim", lambda: approve(store, "customer_agreements", agr, how="signature"))
        omar = d.contacts_of(d.refs["customers"][1])[0]
        d.at(d.clock() + timedelta(days=2), "sam", lambda: d.accepted_by_mail(
            "customer_agreements", agr, omar, d.t("Re: the revised P1 target"),
            d.t("Hello Sam,\n\nThe two-hour P1 target is what we asked for. Accepted.\n\nOmar")))

    d.at(_at(d.day(90), 11), "sam", revise_bolt)

    def revise_cloudmail() -> None:
        agr = d.refs["supplier_agreements"][0]
        edit(store, "supplier_agreements", agr, {"warranty": d.t("Mail restored within 4 hours, credits otherwise.")})
        d.at(d.clock() + timedelta(hours=2), "kim", lambda: approve(store, "supplier_agreements", agr, how="signature"))
        d.at(d.clock() + timedelta(days=1), "sam", lambda: d.accepted_by_mail(
            "supplier_agreements", agr, d.refs["supplier_contacts"][0], d.t("Re: warranty clause"),
            d.t("Hi Sam,\n\nThe four-hour restore clause is fine with us.\n\nRavi"), meaning="accepted by the supplier"))

    d.at(_at(d.day(75), 11), "sam", revise_cloudmail)
    # a review note on Riverside's agreement, written last week and not yet accepted again (a planted finding)
    d.at(_at(d.day(6), 15), "kim", lambda: edit(store, "customer_agreements", d.refs["agreements"][3], {
        "review_evidence": d.t("Reviewed with Tom Becker; the library wants Saturday support from next year.")}))

    # RE.1.3: the catalogue's yearly review changes the e-mail service; the change request raised by the edit
    # goes through evaluation, build, test and deployment before the new entry is approved
    def review_catalogue() -> None:
        svc = d.refs["services"][0]
        updated = cast(Service, edit(store, "services", svc.id, {
            "quality_measures": d.t("Availability 99.9% per month; incident targets per priority; mail delivered "
                                    "within 5 minutes.")}))
        change = store.get("change_requests", updated.change_requests[-1])
        s = {"id": change.id, "title": change.title, "cust": None, "contact": None,
             "ci_name": d.t("the catalogue entry")}
        _carry(d, s, d.clock(), d.clock() + timedelta(days=6), "reviewed",
               after=lambda: approve(store, "services", _id(svc), how="signature"))

    d.at(_at(d.day(60), 10), "sam", review_catalogue)  # Sam (RM) writes the review's change; Kim approves it


# ---------------------------------------------------------------- control: procedures, items, schedule


def _control(d: _Demo) -> None:
    store, rng = d.store, d.rng
    t0 = d.start + timedelta(days=16)

    def procedures() -> None:  # Sam (CM too) writes them up after a talk with Kim and Alex; Kim approves them
        prc = create(store, "procedures", d.t_all({
            "title": "Design, build, test and deployment procedure",
            "raising_changes": "Anyone raises a change request in vse-tui; Kim evaluates it within two working days.",
            "updating_schedule": "Approved changes get a date agreed with the customer, a Saturday morning where "
                                 "they allow it; Kim checks the schedule every Monday.",
            "emergency_changes": "Deploy when a vital service is down, then record and approve the change within one "
                                 "day.",
            "removal": "Retiring a service or component is a normal change with a backout plan.",
            "steps": "Alex designs and Kim approves the design; Alex or Sam builds from the master copy and "
                     "tests against the design, and Kim records the tests; the customer accepts; Kim approves; "
                     "the builder deploys; Kim reviews."}))
        sec = create(store, "secure_procedures", d.t_all({
            "title": "Secure component procedure", "storage_rule": "Only tested images and installers go in the secure "
                                                                   "store.",
            "steps": "Add, move, change or remove a component through a change request.",
            "authorisation": "Kim authorises every entry and exit."}))
        d.refs["procedure"] = prc.id
        d.at(d.clock() + timedelta(days=1), "kim", lambda: (approve(store, "procedures", _id(prc), how="signature"),
                                                           approve(store, "secure_procedures", _id(sec), how="signature")))

    d.at(t0, "sam", procedures)

    def schedule_rules() -> None:  # CO.1.3, once the first change requests are on the schedule: Sam writes, Kim approves
        doc = co.schedule_document(store)
        edit(store, "change_schedules", _id(doc), {"rules": d.t("Normal changes go in a window agreed with the "
                                                                "customer, a Saturday morning where they allow it; "
                                                                "none during a customer's month-end close. Resources "
                                                                "are confirmed the day before.")})
        d.at(d.clock() + timedelta(hours=3), "kim", lambda: approve(store, "change_schedules", _id(doc), how="signature"))

    d.at(_at(d.day(290), 9), "sam", schedule_rules)

    def windows() -> None:
        first_sat = d.as_of + timedelta(days=(5 - d.as_of.weekday()) % 7 - 7 * 28)
        co.add_entry(store, d.t("Weekly change window"), "change window", _at(first_sat, 6), _at(first_sat, 10), "weekly")
        for m in range(-1, 2):
            first = (d.as_of.replace(day=1) + timedelta(days=32 * m)).replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            while last.weekday() > 4:  # the last working day of the month
                last -= timedelta(days=1)
            co.add_entry(store, d.t("Month-end close at Acme"), "business event", _at(last, 8), _at(last, 20))
        co.add_entry(store, d.t("Quarterly maintenance window"), "maintenance window", _at(d.as_of + timedelta(days=20), 18),
                     _at(d.as_of + timedelta(days=20), 23))

    d.at(_at(d.day(200), 9), "kim", windows)

    # each customer's own items, in the services it buys
    plan: list[tuple[Any, int, str, str, str | None, int]] = []
    for c, (_name, _short, buys, _app) in enumerate(CUSTOMERS):
        for svc in buys:
            for base, ci_type, expiry_kind, count in ITEMS[svc]:
                for k in range(count):
                    plan.append((c, svc, base, ci_type, expiry_kind, k))  # (the base in English: its name is written later)

    def item(n: int, c: int, svc: int, base: str, ci_type: str, expiry_kind: str | None) -> None:
        cust = d.refs["customers"][c]
        expiry = None
        if expiry_kind:
            expiry = d.as_of + timedelta(days=rng.choice([200, 300, 400, 500]))
            if n in (8, 22, 45):  # a few renewals coming up, one already lapsed
                expiry = d.as_of + timedelta(days={8: 12, 22: 25, 45: -5}[n])
        same = d.items.setdefault((cust.short, svc), [])
        name = d.item_name(base, CUSTOMERS[c][3])
        values = {"name": f"{name} {cust.short}-{n + 1:02d}", "ci_type": ci_type,
                  "owner": cust.name,
                  "location": d.t("{customer} office", customer=cust.name) if ci_type != "service component" else
                  d.t("Hosted (CloudMail Hosting)") if svc == 0 else d.t("Managed for {customer}", customer=cust.name),
                  "description": d.t("{item} of {customer}, part of {service}", item=name, customer=cust.name,
                                     service=d.t(SERVICES[svc]).lower()),
                  "in_service_date": d.day(rng.randint(400, 900)).isoformat(),
                  "services": d.refs["services"][svc].id,
                  "depends_on": same[0].id if same and base in ("Backup job", "VPN gateway") else "",
                  "state": "in service"}
        if expiry:
            values.update(expiry_date=expiry.isoformat(), expiry_kind=expiry_kind)
        ci = create(store, "configuration_items", values)
        same.append(ci)
        d.refs.setdefault("cis", []).append(ci)

    for n, (c, svc, base, ci_type, expiry_kind, _k) in enumerate(plan):
        d.at(t0 + timedelta(days=12 + n // 4, hours=n % 4), "kim" if n % 3 == 0 else "sam",
             lambda n=n, c=c, svc=svc, base=base, t=ci_type, e=expiry_kind: item(n, c, svc, base, t, e))


# ---------------------------------------------------------------- changes, each along its path


def _measure(text: str, rng: random.Random) -> str:
    return text.format(a=rng.randint(12, 240), b=rng.randint(3, 60), c=rng.randint(2, 90))


def _carry(d: _Demo, s: dict[str, Any], begun: datetime, planned: datetime, until: str,
           after: Callable[[], Any] | None = None, fail_first: bool = False) -> None:
    """Plan a normal change request's path from its evaluation (the day after `begun`) up to
    `until` (evaluated, scheduled, designed, built, tested, deployed, reviewed): Kim evaluates,
    Sam puts it on the schedule, Alex designs it and Kim approves the design by e-mail (Alex records
    her approval with her message), Alex builds, tests and deploys, the customer accepts by e-mail,
    Kim approves the deployment and reviews it. `after`: done the day after deployment."""
    store, rng = d.store, d.rng
    order = ["evaluated", "scheduled", "designed", "built", "tested", "deployed", "reviewed"]

    def reached(step: str) -> bool:
        return order.index(step) <= order.index(until)

    contact = s.get("contact")
    d.at(begun + timedelta(days=1), "kim", lambda: co.evaluate(store, s["id"], True, how="email"))
    if not reached("scheduled"):
        return
    d.at(begun + timedelta(days=1, hours=1), "sam", lambda: co.schedule(store, s["id"], planned,
                                                                         planned + timedelta(hours=2)))
    if not reached("designed"):
        return
    d.at(begun + timedelta(days=2), "alex", lambda: co.design(
        store, s["id"], scope=d.t("{title} for {customer}: {item}, in one window, backout ready.", title=s["title"],
                                  customer=s["cust"].name, item=s["ci_name"]) if s.get("cust") else
        d.t("{title}: {item}, in one window, backout ready.", title=s["title"], item=s["ci_name"]),
        risks=d.t(rng.choice(["Downtime during the window.", "A user working late loses unsaved work.",
                              "The vendor's installer may need a second restart."])), who=d.people["kim"].uuid,
        how="email", evidence=d.kims_mail(d.t("Re: [{ref}] design", ref=s["id"]),
                                          d.t("The design is fine, go ahead and build it."))))
    if not reached("built"):
        return
    d.at(begun + timedelta(days=3), "alex", lambda: co.build(
        store, s["id"], master_copy=f"secure-store/{s['id'].lower()}",
        description=d.t("Built from the design on the bench copy of {item}.", item=s["ci_name"])))
    if fail_first:
        d.at(begun + timedelta(days=3, hours=4), "kim", lambda: co.test(
            store, s["id"], summary=d.t("The upgrade of {item} stopped half way.", item=s["ci_name"]), result="fail",
            tested_by="Alex Moreau", levels_and_types=d.t("Functional check on the bench copy."),
            measurement=d.t("Installer stopped at step 4 of 7."),
            errors=d.t("The installer needs 8 GB free; the disk had 5."), interpreted_by="Kim Lee"))
        return
    if not reached("tested"):
        return
    check = d.t(s.get("measure") or "{a} checks run, {b} users tried it")
    tester = rng.choice(["Alex Moreau", "Sam Ortiz"])  # a technician runs the tests; Kim (CM) records and reads them
    verdict = d.t(rng.choice(["every check of the design passed", "the design's checks passed at the first run",
                              "passed after one retry of the restart step", "all checks green on the bench copy"]))

    def tested() -> str:  # (a problem's change gets its title the day it is raised)
        on = {"title": s["title"], "item": s["ci_name"], "day": (begun + timedelta(days=3)).date().isoformat(),
              "verdict": verdict}
        return (d.t("{title} on {item}, {day}: {verdict}; {contact} tried it.", contact=contact.name, **on) if contact
                else d.t("{title} on {item}, {day}: {verdict}.", **on))

    d.at(begun + timedelta(days=3, hours=4), "kim", lambda: co.test(
        store, s["id"], summary=tested(),
        result="pass", levels_and_types=d.t("Functional check against the design; user acceptance by the customer")
        if contact else d.t("Functional check against the design."),
        measurement=_measure(check, rng), tested_by=tester, interpreted_by="Kim Lee",
        validated_by=contact.name if contact else ""))
    if contact:
        d.at(begun + timedelta(days=3, hours=6), "sam", lambda: d.accepted_by_mail(
            "change_requests", s["id"], contact, f"Re: [{s['id']}] {s['title']}",
            d.t("Hello Sam,\n\nWe tried it with Alex this afternoon. Fine by us, go ahead on {day}.\n\n{contact}",
                day=planned.date().isoformat(), contact=contact.name)))
    if not reached("deployed"):
        return
    d.at(planned - timedelta(hours=20), "kim", lambda: co.confirm_schedule(
        store, s["id"], d.t("Alex on site; the backout copy of {item} ready." if contact else
                            "Alex remote; the backout copy of {item} ready.", item=s["ci_name"])))
    d.at(planned - timedelta(hours=18), "kim", lambda: co.approve_deployment(store, s["id"], how="signature"))
    d.at(planned + timedelta(hours=1), "alex", lambda: co.deploy(store, s["id"]))
    if after is not None:  # once reviewed (a pre-approved type needs the whole path)
        d.at(planned + timedelta(days=3), "kim", after)
    if not reached("reviewed"):
        return
    d.at(planned + timedelta(days=2), "kim", lambda: co.review(store, s["id"], rng.choice([
        d.t("Went as planned; {contact} confirmed everything works.", contact=contact.name) if contact else
        d.t("Went as planned; everyone confirmed everything works."),
        d.t("Took {minutes} minutes longer than the window; plan more time for {item}.", minutes=rng.randint(20, 70),
            item=s["ci_name"]),
        d.t("Worked; {contact} needed help the next morning, added to the design template.", contact=contact.name)
        if contact else d.t("Worked; a user needed help the next morning, added to the design template."),
        d.t("Done in the window; {item} monitored for a day, no alerts.", item=s["ci_name"])])))


def _changes(d: _Demo) -> None:
    store, rng = d.store, d.rng
    plan = (["deployed"] * 30 + ["scheduled"] * 10 + ["requested"] * 4 + ["rejected"] * 4 + ["tested"] * 4
            + ["built"] * 3 + ["designed"] * 3 + ["overdue"] * 1 + ["emergency"] * 1)
    d.refs["changes"] = []
    template: dict[str, str] = {}
    sat = d.as_of + timedelta(days=(5 - d.as_of.weekday()) % 7 or 7)
    for i, kind in enumerate(plan):
        title, base, measure = CHANGES[i % len(CHANGES)]
        # a customer that has such an item, in turn
        named = d.t(base)
        owners = [(c, items) for c in d.refs["customers"] for (short, _svc), items in d.items.items()
                  if short == c.short and any(x.name.startswith(named) for x in items)]
        cust, items = owners[i % len(owners)]
        ci = next(x for x in items if x.name.startswith(named))
        contact = d.contacts_of(cust)[0]
        created_ago = rng.randint(40, 290) if kind in ("deployed", "emergency") else (
            20 if kind == "overdue" else rng.randint(6, 14))
        if i == 3:
            created_ago = 310  # the first laptop set-up: its full pass earns the pre-approved type early
        created = _at(d.day(created_ago), 10, 5 * (i % 12))
        requester = "sam"  # whoever takes the customer's call records the request (CO.1.2), naming who asked for it
        emergency = kind == "emergency" or (i % 13 == 7 and kind == "deployed")
        pre = title == "New laptop set-up" and i > 10 and kind == "deployed"
        if kind in ("scheduled", "tested", "built", "designed"):
            planned = _at(sat + timedelta(days=7 * rng.randint(0, 2)), 6 + i % 3, 30 * (i % 2))
            if i % 6 == 0:
                planned = _at(d.as_of + timedelta(days=rng.randint(1, 13)), 7)
        elif kind == "overdue":
            planned = _at(d.day(2), 7)
        else:
            planned = created + timedelta(days=rng.randint(5, 12))
        state = {"i": i, "kind": kind, "ci": ci.id, "ci_name": ci.name, "cust": cust, "contact": contact,
                 "change": d.t(title), "title": f"{d.t(title)} - {cust.short}", "measure": measure, "service": ci.services[0] if ci.services else None}
        d.at(created, requester, lambda s=state, emergency=emergency, pre=pre: _request(d, s, emergency, pre, template))
        if kind == "requested":
            continue
        if kind == "rejected":
            d.at(created + timedelta(days=1), "kim", lambda s=state: co.evaluate(
                store, s["id"], False, how="email", reason=rng.choice([
                    d.t("Not needed: {contact} found another way.", contact=s["contact"].name),
                    d.t("Not this year: {item} is replaced in the spring.", item=s["ci_name"]),
                    d.t("Covered by the vendor's own update next month.")])))
            continue
        if emergency:
            deployed = created + timedelta(hours=2)
            d.at(deployed, "alex", lambda s=state: co.deploy(store, s["id"]))
            d.at(deployed + timedelta(hours=20), "kim", lambda s=state: co.evaluate(store, s["id"], True, how="email"))
            d.at(deployed + timedelta(days=2), "kim", lambda s=state: co.review(
                store, s["id"], d.t("Urgent and right to do: {item} was exposed; record it within the day next time.",
                                    item=s["ci_name"])))
            continue
        if pre:  # made from the earned type: approved by it at once, scheduled and deployed
            d.at(planned - timedelta(days=1), "sam", lambda s=state: s.get("pre_ok") and co.schedule(
                store, s["id"], s["planned"]))
            d.at(planned + timedelta(hours=1), "alex", lambda s=state: s.get("pre_ok") and co.deploy(store, s["id"]))
            state["planned"] = planned
            continue
        until = {"scheduled": "scheduled", "overdue": "scheduled", "designed": "designed", "built": "built",
                 "tested": "tested", "deployed": "reviewed" if i % 3 or i == 3 else "deployed"}[kind]
        fail = kind == "built" and not d.refs.get("failed")
        if fail:
            d.refs["failed"] = True
        after = None
        if i == 3:  # the first full pass of a laptop set-up earns the pre-approved type
            def after(s: dict[str, Any] = state) -> None:
                template.update(id=_id(co.make_template(store, s["id"])))
        _carry(d, state, created, planned, until, after=after, fail_first=fail)

    # a deployment review changes the procedure (CO.3.5): Sam rewrites it with Alex's notes, Kim approves it again
    def improve_procedure() -> None:
        edit(store, "procedures", d.refs["procedure"], {"steps": d.t(
            "Alex designs and Kim approves the design; Alex or Sam builds from the master copy and tests against the "
            "design, and Kim records the tests; the customer accepts; Kim approves; the builder deploys; Kim reviews. "
            "Allow an extra hour for upgrades.")})
        d.at(d.clock() + timedelta(hours=3), "kim", lambda: approve(store, "procedures", d.refs["procedure"],
                                                                    how="signature"))

    d.at(_at(d.day(58), 14), "sam", improve_procedure)


def _request(d: _Demo, s: dict[str, Any], emergency: bool, pre: bool, template: dict[str, str]) -> None:
    store = d.store
    cust = s["cust"]
    if pre and template.get("id"):
        ch = co.request(store, s["title"], template=template["id"], cis=[s["ci"]], customer=cust.id,
                        service=s["service"])
        s["pre_ok"] = True
    else:  # (a laptop set-up asked for before the type was earned stays a draft request)
        ch = co.request(store, s["title"], change_type="emergency" if emergency else "normal",
                        cis=[s["ci"]], purpose=d.t("{change} on {item} for {customer}.", change=s["change"],
                                                   item=s["ci_name"], customer=cust.name),
                        customer=cust.id, service=s["service"], contact=s["contact"].name,
                        requested_by=s["contact"].name,
                        priority=d.rng.choice(["P2", "P3", "P3", "P4"]), risk=d.rng.choice(["low", "medium", "high"]),
                        backout_plan=d.t("Restore {item} from the copy taken before the change.", item=s["ci_name"]))
    s["id"] = ch.id
    d.refs["changes"].append(ch.id)


# ---------------------------------------------------------------- incidents, step by step


def _fill(text: str, **values: Any) -> str:
    return text.format(**values)


def _incidents(d: _Demo, count: int) -> None:
    store, rng = d.store, d.rng
    weights = {"P1": 2, "P2": 8, "P3": 45, "P4": 30, "P5": 15}
    levels = {"P1": ("high", "high"), "P2": ("high", "medium"), "P3": ("medium", "medium"),
              "P4": ("medium", "low"), "P5": ("low", "low")}
    span = 300 * 24 * 60  # from two months after the start, once services and items exist
    open_target = max(7, min(60, count // 40))
    handlers = {"sam": "Sam Ortiz", "alex": "Alex Moreau", "kim": "Kim Lee"}
    d.refs["incident_log"] = []  # (incident state, kind, customer, handler): what feedback is written about
    for n in range(count):
        is_open = n >= count - open_target
        prio = rng.choices(list(weights), list(weights.values()))[0]
        impact, urgency = levels[prio]
        if is_open:
            opened = d.now - timedelta(minutes=rng.randint(20, 6 * 24 * 60))
        else:
            opened = _office_hours(d.now - timedelta(minutes=span - int(span * n / max(count, 1)) + rng.randint(0, 600)),
                                   d.now - timedelta(days=2))
        headline = n == count - 1  # the one everybody sees first: mail down since this morning, target passed
        c = 1 if headline else rng.randrange(len(CUSTOMERS))
        cust = d.refs["customers"][c]
        _name, short, buys, app = CUSTOMERS[c]
        svc_idx = 0 if headline else rng.choice(buys)
        service = d.refs["services"][svc_idx]
        kind: Kind = KINDS[0][0] if headline else rng.choice(KINDS[svc_idx])
        if headline:
            opened, prio, impact, urgency = d.now - timedelta(hours=5), "P1", "high", "high"
        items = [x for x in d.items[(short, svc_idx)]
                 if any(x.name.startswith(d.item_name(base, app)) for base in kind.items)]
        ci = rng.choice(items)
        contact = rng.choice(d.contacts_of(cust))
        user = d.first(contact)
        values = {"ci": ci.name, "user": user, "app": d.t(app) if app else "", "cust": cust.name}
        summary = d.t("Mail server down") if headline else _fill(d.t(kind.summary), **values)
        seen = (d.t("Nobody at Bolt can send or receive mail since 04:00; the tenant's status page shows an outage.")
                if headline else _fill(d.t(rng.choice(kind.seen)), **values))
        problem = n % 97 == 13 and not is_open
        handler = "kim" if problem else rng.choice(["sam", "alex"])  # the Service Manager works potential problems
        other = "alex" if handler == "sam" else "sam"
        cause = f"{d.t(rng.choice(kind.causes))} ({ci.name})"
        s: dict[str, Any] = {"summary": summary, "cust": cust, "contact": contact, "handler": handlers[handler],
                             "kind": kind, "opened": opened}

        def log(s: dict[str, Any] = s, summary: str = summary, cust: Any = cust, service: Any = service,
                contact: Any = contact, impact: str = impact, urgency: str = urgency, problem: bool = problem,
                handler: str = handler, seen: str = seen, kind: Kind = kind) -> None:
            inc = inc_core.log_incident(store, d.t("Potential problem: {summary}", summary=summary[0].lower()
                                                   + summary[1:]) if problem else summary, customer=cust.id, service=service.id, impact=impact,
                                        urgency=urgency, reporter=contact.name, reporter_contact=contact.email,
                                        problem=problem, security=kind.security, details=seen,
                                        assignee=d.people[handler].name)  # who works it from the start
            s["id"] = inc.id
            s["significant"] = inc.significant

        d.at(opened, handler if rng.random() < 0.85 else "kim", log)
        link = rng.random() < 0.8 or problem
        d.at(opened + timedelta(minutes=8), handler, lambda s=s, ci=ci, kind=kind, cause=cause, link=link,
             problem=problem: inc_core.classify(store, s["id"], category=d.t(kind.category), cis=[ci.id] if link else None,
                                               root_cause=cause if s.get("significant") or problem else None,
                                               security=kind.security or None))
        if problem:  # a change request removes the cause; a workaround restores the service meanwhile
            _problem(d, s, opened, ci, cause, values)
            continue
        phone = prio in ("P1", "P2") or rng.random() < 0.1
        d.at(opened + timedelta(minutes=15), handler, lambda s=s, phone=phone, contact=contact: _tell(
            d, s, "IN.2.3", phone, d.t("Called {name} on {phone}: we are on '{summary}', {handler} works it; next "
                                       "update within the hour.", name=d.first(contact), phone=contact.phone,
                                       summary=s["summary"], handler=s["handler"])))
        d.refs["incident_log"].append(s)
        if is_open:
            state = "in progress" if headline else rng.choice(
                ["in progress", "in progress", "waiting for customer", "waiting for supplier", "restored"])
            if state.startswith("waiting"):
                on = state.split()[-1]
                d.at(opened + timedelta(minutes=30), handler, lambda s=s, on=on: inc_core.set_waiting(store, s["id"], on))
            elif state == "restored":
                fix = _fill(d.t(rng.choice(kind.fixes)), **values)
                d.at(d.now - timedelta(minutes=rng.randint(5, 10)), handler, lambda s=s, fix=fix: inc_core.restore(
                    store, s["id"], solution=d.t("{fix} Waiting for {name} to confirm.", fix=fix,
                                                 name=d.first(s["contact"]))))
            continue
        target = policy.DEFAULT_TARGETS[prio][1]
        restored = opened + timedelta(minutes=max(20, int(target * rng.uniform(0.05, 1.2))))
        closed = restored + timedelta(hours=rng.randint(1, 48))
        moment = {"time": restored.astimezone().strftime("%H:%M"), **values}
        solution = f"{_fill(d.t(rng.choice(kind.fixes)), **values)} {_fill(d.t(rng.choice(CHECKS)), **moment)}"
        steps = _fill(d.t(rng.choice(STEPS)), diagnosis=_fill(d.t(rng.choice(DIAGNOSES)),
                                                             cause=cause.split(" (")[0].lower()),
                      time=(opened + timedelta(minutes=20)).astimezone().strftime("%H:%M"), user=user)
        s["took"] = restored - opened
        d.at(restored, handler, lambda s=s, solution=solution, steps=steps: inc_core.restore(
            store, s["id"], solution=solution, steps_taken=steps))
        phone = rng.random() < 0.35
        d.at(restored + timedelta(minutes=2), handler, lambda s=s, phone=phone, solution=solution, contact=contact: _tell(
            d, s, "IN.2.4", phone, d.t("Called {name}: {solution} Asked them to tell us if anything is still wrong.",
                                       name=d.first(contact), solution=solution)))
        d.at(restored + timedelta(minutes=5), handler, lambda s=s: inc_core.log_time(
            store, s["id"], minutes=rng.choice([15, 30, 45, 60, 90]), billable=rng.random() < 0.7))

        def close(s: dict[str, Any] = s, contact: Any = contact) -> None:
            extra: dict[str, Any] = {}
            if s.get("significant"):
                inc = store.get("incidents", s["id"])
                if not inc.changes:
                    extra["no_change_reason"] = d.t("The fix removed the cause ({cause}); no change needed.",
                                                    cause=d.t(s["kind"].causes[0]).lower())
            inc_core.close(store, s["id"], confirmed_by=contact.name, how=rng.choice(["phone", "email"]), **extra)

        d.at(closed, other, close)
        if n % 23 == 5:  # it came back: reopened, fixed again, closed again
            again = closed + timedelta(hours=rng.randint(2, 30))
            d.at(again, handler, lambda s=s, user=user: inc_core.reopen(
                store, s["id"], d.t("{user} called: it came back the next morning.", user=user)))
            d.at(again + timedelta(hours=1), handler, lambda s=s, ci=ci: inc_core.restore(
                store, s["id"], solution=d.t("Replaced the faulty part of {item} for good; checked twice.", item=ci.name)))
            d.at(again + timedelta(hours=3), other, close)
    # the front desk logs a call in a hurry, under the office PC's login (planted: no person, no customer)
    d.at(d.now - timedelta(minutes=10), None, lambda: inc_core.log_incident(
        store, d.t("Phone call: printer on 2nd floor jammed"), use_last=False))


def _office_hours(moment: datetime, latest: datetime) -> datetime:
    """The moment moved into the shop's working hours (Monday to Friday, 08:00 to 18:00 local time),
    when most calls come in; never after `latest`."""
    local = moment.astimezone()
    if not 8 <= local.hour < 18:
        local = local.replace(hour=8 + local.hour % 10)
    if local.weekday() >= 5:
        local -= timedelta(days=local.weekday() - 3)
    return min(local.astimezone(UTC), latest)


def _tell(d: _Demo, s: dict[str, Any], task: str, phone: bool, said: str) -> None:
    """IN.2.3/IN.2.4: the affected party told: by e-mail through the outbox (delivered to the demo's
    mail file), or by phone with what was said."""
    if phone:
        inc_core.notify(d.store, s["id"], task=task, to=s["contact"].name, how="phone", message=said)
        return

    notify_by_mail(d.store, s["id"], task=task, sender=SHOP_MAIL)
    d.send_mail()


def _problem(d: _Demo, s: dict[str, Any], opened: datetime, ci: Any, cause: str, values: dict[str, str]) -> None:
    """A potential problem (IN.1.3): a workaround restores the service; a change request removes the
    cause and goes its whole path; the incident closes once the fix is deployed."""
    store, rng = d.store, d.rng
    planned = opened + timedelta(days=9)
    change: dict[str, Any] = {"cust": s["cust"], "contact": s["contact"], "ci_name": ci.name,
                              "measure": "Checked {a} times over {b} days; the fault did not return"}

    def raise_it() -> None:
        _, ch = inc_core.raise_change(store, s["id"], title=d.t("Remove the cause: {cause}",
                                                                 cause=cause[0].lower() + cause[1:]))
        change.update(id=ch.id, title=ch.title)
        d.refs["changes"].append(ch.id)

    d.at(opened + timedelta(days=1), "sam", raise_it)  # Sam (IM) raises it; Kim evaluates it
    d.at(opened + timedelta(days=1, hours=2), "sam", lambda: inc_core.restore(
        store, s["id"], solution=d.t("Workaround on {item}: {fix} The linked change request removes the cause.",
                                     item=ci.name, fix=_fill(d.t(rng.choice(s["kind"].fixes)), **values))))
    d.at(opened + timedelta(days=1, hours=3), "sam", lambda: _tell(
        d, s, "IN.2.4", False, ""))
    _carry(d, change, opened + timedelta(days=1, hours=4), planned, "reviewed")
    d.at(planned + timedelta(days=1), "alex", lambda: inc_core.close(
        store, s["id"], confirmed_by=s["contact"].name, how="email"))


def _feedback(d: _Demo) -> None:
    """Compliments, complaints and comments about the shop's own incidents, each answered."""
    store, rng = d.store, d.rng
    steps = ["acknowledged", "investigated", "answered", "closed"]
    order = ["compliment", "complaint", "comment"]
    for i in range(24):
        received = _at(d.day(rng.randint(8, 300)), 11, rng.randint(0, 59))
        final = "closed" if i >= 6 else ["received", "acknowledged", "investigated", "answered", "escalated",
                                         "closed"][i]
        ftype = order[i % 3]
        s: dict[str, Any] = {}

        def log(s: dict[str, Any] = s, ftype: str = ftype, i: int = i) -> None:
            past = [x for x in d.refs.get("incident_log", []) if x.get("id") and x["opened"] < d.clock()]
            if ftype == "complaint":
                slow = [x for x in past if x.get("took") and x["took"] > timedelta(hours=3)]
                past = slow or past
            about = past[-1 - (i * 7) % max(1, len(past))] if past else None
            cust = about["cust"] if about else d.refs["customers"][i % len(CUSTOMERS)]
            contact = about["contact"] if about else d.contacts_of(cust)[0]
            when = d.day_month(about["opened"]) if about else d.day_month(d.clock())
            text = _fill(d.t(FEEDBACK[ftype][i // 3 % len(FEEDBACK[ftype])]), handler=about["handler"] if about else "Sam",
                         summary=about["summary"] if about else d.t("the printer"), date=when)
            s.update(about=about, contact=contact, ftype=ftype)
            s["id"] = relationship.log_feedback(store, text, feedback_type=ftype, company=cust.uuid,
                                                contact=contact.name,
                                                special_needs=d.t("Prefers phone calls") if i % 7 == 0 else "",
                                                incidents=[store.get("incidents", about["id"]).uuid] if about else None).id

        d.at(received, "sam", log)  # the relationship manager keeps the feedback log
        path = [] if final == "received" else (["escalated"] if final == "escalated" else
                                               steps[:steps.index(final) + 1])
        for k, step in enumerate(path):
            def move(s: dict[str, Any] = s, step: str = step, i: int = i) -> None:
                outcome = ""
                if step == "investigated":
                    about = s["about"]
                    took = about.get("took") if about else None
                    outcome = _fill(d.t(OUTCOMES[s["ftype"]]), handler=about["handler"] if about else "Sam",
                                    ref=about["id"] if about else d.t("the incident"),
                                    took=d.t("{hours}h {minutes}m", hours=int(took.total_seconds() // 3600),
                                             minutes=int(took.total_seconds() // 60 % 60))
                                    if took else d.t("the day"), why=d.t(WHY[i % len(WHY)]), contact=s["contact"].name,
                                    answer=d.t(ANSWERS[i % len(ANSWERS)]))
                relationship.feedback_step(store, s["id"], step, outcome=outcome,
                                           signed_off_by=s["contact"].name if step == "closed" else None)

            d.at(received + timedelta(days=k + 1), "sam", move)


def _reviews(d: _Demo) -> None:
    """The policy updated from feedback (GO.2.4), quarterly performance reports (RE.2.4), the
    yearly improvement report (GO.4.1, GO.4.2)."""

    store = d.store

    def update_policy() -> None:
        pol = cast(ServicePolicy, store.latest("policies"))
        fields = {k: getattr(pol, k) for k in ("objectives", "plans", "catalogue_creation", "change_definitions",
                                               "change_request_method", "communication_practices",
                                               "security_measures", "priority_matrix", "templates")}
        fields["targets"] = [t.model_dump() for t in pol.targets]
        fields["communication_practices"] = d.t("Customers get an e-mail when we log, restore and close their "
                                                "incident (a phone call for P1 and P2), a call-back within the "
                                                "response target when they ask for one, and a notice three working "
                                                "days before a change.")
        fields["review_date"] = (d.as_of + timedelta(days=41)).isoformat()
        gov.save_policy_draft(store, fields)
        d.at(d.clock() + timedelta(days=1), "kim", lambda: gov.approve_policy(store, gov.approval(store, None)))

    d.at(_at(d.day(120), 10), "sam", update_policy)  # Sam (RM) writes the change the feedback asks; Kim approves
    for q in range(1, 5):
        end = d.day(92 * (q - 1) + 5)
        begin = end - timedelta(days=91)
        period = performance.Period(begin, end, f"{begin.isoformat()}..{end.isoformat()}")

        def report(period: performance.Period = period, q: int = q) -> None:  # Sam drafts it from the records; Kim approves it
            rec = performance.save(store, period, proposed_actions=d.t("Replace the two oldest laptops at Acme; call "
                                                                       "back within the response target."))
            if q > 1:
                d.at(d.clock() + timedelta(hours=4), "kim", lambda: approve(store, "performance_reports", rec.id,
                                                                             how="email"))

        d.at(_at(end + timedelta(days=2), 10), "sam", report)

    def improvement_report() -> None:
        # the year as a person types it (`report improvement --period FROM..TO`), titled by the app: a label of
        # the demo's own would be English in a shop made in another language ("En the last year : ...")
        period = performance.parse_period(f"{d.day(YEAR_DAYS - 1).isoformat()}..{d.day(20).isoformat()}")
        rec = improvement.draft(store, period)
        edit(store, "improvement_reports", rec.id, {"actions": d.t("Make new-laptop set-up a pre-approved change; "
                                                                   "add backup monitoring; call back on every "
                                                                   "complaint within a day.")})
        d.at(d.clock() + timedelta(hours=5), "kim", lambda: approve(store, "improvement_reports", rec.id,
                                                                    how="signature"))

    d.at(_at(d.day(18), 10), "sam", improvement_report)  # Sam drafts it from the year's records; Kim approves it


def _imported_incidents(d: _Demo, count: int, progress: Callable[[int], None] | None = None) -> None:
    """The tickets of the helpdesk the shop used before: brought in with the importer, at the end."""

    d._as("kim")
    demo_archive(d.store, count, d.rng, d.refs, d.start, progress, words=d.t)


def dump_counts(store: Store) -> dict[str, int]:
    return {kind: store.count(kind) for kind in RECORD_KINDS}


__all__ = ["SHOP", "SimClock", "build_demo", "demo_start", "dump_counts", "install_demo", "make_demo"]
