"""What the demo shop's year is written from: its customers and the services each buys, the items
it looks after, and per kind of incident the words a technician would use (what the user saw, the
causes that fit, the fixes that fit). The demo (`vse_tui.demo`) fills them with each record's own
details (the item, the person, the time), so that no two records read alike unless they should.

It is written in English; a shop made in another language writes the same records in its own words:
`demo_locale/<language>.po` holds them, each English text (here or in `vse_tui.demo`) with its
translation, {placeholders} kept. Names of people and companies' brands stay; codes stay codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .i18n import SOURCE_LANGUAGE, parse_po

WORDS_DIR = Path(__file__).with_name("demo_locale")


@cache
def words(language: str) -> dict[str, str] | None:
    """The demo's English texts -> their translation in `language` (None for English and for a
    language the demo is not written in, which then writes English)."""
    path = WORDS_DIR / f"{language}.po"
    if language == SOURCE_LANGUAGE or not path.exists():
        return None
    messages, _header = parse_po(path.read_text(encoding="utf-8"))
    return {key: forms[0] for key, forms in messages.items() if key and forms and forms[0]}

SHOP = "Harbour Lane IT"
SHOP_MAIL = "desk@harbourlane.example"

SERVICES = ("E-mail and collaboration", "Managed workstations", "Network and Wi-Fi", "Backup and recovery",
            "Line-of-business hosting")
EMAIL, DESK, NET, BACKUP, HOSTING = range(5)

# (name, short, the services it buys, its line-of-business application when it buys hosting)
CUSTOMERS = [
    ("Acme Bakery", "ACME", (EMAIL, DESK, NET, BACKUP), None),
    ("Bolt Logistics", "BOLT", (EMAIL, DESK, NET, BACKUP, HOSTING), "Stock app"),
    ("Greenfield Dental", "GRN", (EMAIL, DESK, BACKUP, HOSTING), "Practice software"),
    ("Riverside Library", "RVL", (EMAIL, DESK, NET, BACKUP), None),
]
# (name, the customer's short name, phone)
CONTACTS = [("Dana Wells", "ACME", "+44 20 7946 0311"), ("Omar Haddad", "BOLT", "+44 20 7946 0422"),
            ("Priya Nair", "GRN", "+44 20 7946 0533"), ("Tom Becker", "RVL", "+44 20 7946 0644"),
            ("Lena Vogt", "ACME", "+44 20 7946 0312"), ("Marco Rossi", "BOLT", "+44 20 7946 0423"),
            ("Ines Duarte", "GRN", "+44 20 7946 0534")]

# per supplier (in the order they are made): the supply agreement's scope and its deliverables
SUPPLY = [
    ("Hosting of the customers' mailboxes, calendars and shared contacts, with spam and virus filtering",
     "Mailboxes available 99.9 % of each month; daily backups kept 30 days; support by e-mail within four "
     "working hours"),
    ("Hardware for the customers' workstations and networks: laptops, desktops, switches and spare parts",
     "Stocked parts delivered the next working day; replacement laptops within three working days; faulty "
     "parts collected"),
]

# per service, the items a customer buying it has: (name, type, expiry kind, how many)
ITEMS: dict[int, list[tuple[str, str, str | None, int]]] = {
    EMAIL: [("Mail tenant", "service component", "certificate", 1), ("Office licence", "software", "licence", 1)],
    DESK: [("Laptop", "hardware", "warranty", 3), ("Desktop", "hardware", None, 2), ("Printer", "hardware", None, 1),
           ("Antivirus", "software", "licence", 1)],
    NET: [("Firewall", "network", None, 1), ("Switch", "network", None, 1), ("Wi-Fi access point", "network", None, 2),
          ("VPN gateway", "service component", "certificate", 1)],
    BACKUP: [("NAS", "hardware", None, 1), ("Backup job", "service component", None, 1)],
    HOSTING: [("Server", "hardware", None, 1), ("Web certificate", "service component", "certificate", 1),
              ("{app}", "software", "licence", 1)],
}


@dataclass(frozen=True)
class Kind:
    """A kind of incident: its summary, category, the items it happens on, what the user saw, what
    can cause it, what fixes it (each with {ci}, {user}, {app} filled in), whether it is about
    information security."""

    summary: str
    category: str
    items: tuple[str, ...]
    seen: tuple[str, ...]
    causes: tuple[str, ...]
    fixes: tuple[str, ...]
    security: bool = False


KINDS: dict[int, list[Kind]] = {
    EMAIL: [
        Kind("Outlook keeps asking for password", "access", ("Mail tenant", "Office licence"),
             ("{user} gets the password prompt every few minutes since this morning.",
              "Outlook on {user}'s PC asks for the password again after each restart."),
             ("Cached credentials out of date after the password change",
              "An old Outlook profile still using basic authentication"),
             ("Cleared the cached credentials in Windows and signed {user} in again on {ci}.",
              "Rebuilt {user}'s Outlook profile with modern sign-in; {ci} shows one healthy session.")),
        Kind("Shared mailbox not syncing", "software", ("Mail tenant",),
             ("The orders mailbox has shown nothing new since yesterday afternoon for {user}.",
              "{user} sees the shared mailbox in the web app but not in Outlook."),
             ("Permission granted without automapping", "The shared mailbox's offline cache was corrupted"),
             ("Granted full access on {ci} again with automapping and restarted Outlook for {user}.",
              "Reset the offline cache of the shared mailbox on {user}'s PC; it synced within ten minutes.")),
        Kind("Cannot send mail to an outside address", "network", ("Mail tenant",),
             ("Messages from {user} to a supplier bounce with 'relay denied'.",
              "{user} reports that mail to outside addresses stays in the outbox."),
             ("The domain's SPF record did not list the new relay", "The outbound connector was switched off "
              "by a tenant update"),
             ("Added the relay to the SPF record of {ci}; a test message to an outside address arrived.",
              "Switched the outbound connector on {ci} back on and sent {user} a test message.")),
        Kind("Calendar invites arrive late", "performance", ("Mail tenant",),
             ("Meeting invitations reach {user} an hour after they are sent.",),
             ("A transport rule scanned every invitation twice",),
             ("Removed the duplicate transport rule on {ci}; invitations now arrive within a minute.",
              "Merged the two scanning rules on {ci} into one and checked with {user} on a test invitation.")),
        Kind("Mailbox full warning", "request", ("Mail tenant", "Office licence"),
             ("{user}'s mailbox is at 49.5 GB of 50 GB.",),
             ("Ten years of attachments kept in the mailbox",),
             ("Turned on the online archive for {user} on {ci}; the mailbox is down to 31 GB.",
              "Moved {user}'s old attachments to the archive and set an archive policy on {ci}.")),
        Kind("Spam filter holding supplier mail", "software", ("Mail tenant",),
             ("Invoices from a regular supplier land in quarantine for {user}.",),
             ("The supplier's new mail server had no reputation yet",),
             ("Added the supplier's domain to the allowed senders on {ci} and released the held invoices.",
              "Released the quarantined invoices and told {user} how to report a false positive on {ci}.")),
        Kind("Suspicious sign-in on a mailbox", "security", ("Mail tenant",),
             ("{user} got a sign-in alert from another country at night.",),
             ("A password reused on a breached website",),
             ("Reset {user}'s password, revoked every session on {ci} and turned on multi-factor sign-in.",
              "Blocked the foreign sign-in on {ci}, reset the password with {user} and checked the inbox rules "
              "for forwarding (none)."), security=True),
        Kind("Phishing message clicked", "security", ("Mail tenant",),
             ("{user} clicked a link in a fake delivery notice and typed the password.",),
             ("A fake delivery notice that passed the filter",),
             ("Reset {user}'s password, signed out every session on {ci} and purged the message from all mailboxes.",
              "Purged the phishing message on {ci}, changed {user}'s password and checked the sign-in log (no "
              "foreign access)."), security=True),
    ],
    DESK: [
        Kind("Laptop will not boot", "hardware", ("Laptop",),
             ("{ci} shows a black screen after the logo for {user}.", "{ci} beeps three times and stops."),
             ("A failed SSD", "A loose memory module after a fall", "A firmware update stopped half way"),
             ("Replaced the SSD of {ci} and restored {user}'s profile from last night's backup.",
              "Reseated the memory of {ci}; it booted and passed the hardware test.",
              "Recovered the firmware of {ci} from the vendor's image; {user} was working again by noon.")),
        Kind("Printer queue stuck", "hardware", ("Printer",),
             ("Nothing prints on {ci}; twelve jobs wait in the queue.",),
             ("A corrupt print job blocking the spooler", "A paper jam behind the rear tray"),
             ("Cleared the spooler for {ci} and removed the corrupt job; {user} printed a test page.",
              "Cleared the jam behind the rear tray of {ci} and reprinted the waiting jobs.")),
        Kind("Blue screen after update", "software", ("Laptop", "Desktop"),
             ("{ci} crashes with a blue screen a few minutes after start.",),
             ("A display driver pushed with the monthly updates", "A faulty update from the vendor"),
             ("Rolled back the display driver on {ci} and held the update until the vendor fixes it.",
              "Uninstalled the faulty update on {ci} and paused it for the other machines at the site.")),
        Kind("Slow start-up on the reception PC", "performance", ("Desktop",),
             ("{ci} takes eight minutes to reach the desktop.",),
             ("A full disk and six programs starting with Windows",),
             ("Freed 40 GB on {ci} and removed four start-up programs; it starts in 70 seconds.",
              "Replaced the hard disk of {ci} with an SSD; start-up is down to 40 seconds.")),
        Kind("Cannot install the accounting update", "software", ("Desktop", "Laptop"),
             ("The accounting update stops at 60% on {ci} with 'access denied'.",),
             ("The update needs local administrator rights",),
             ("Ran the accounting update on {ci} with an administrator account; {user} checked the new version.",
              "Installed the update on {ci} through the management console overnight.")),
        Kind("New laptop for a new starter", "request", ("Laptop",),
             ("A new colleague of {user} starts on Monday and needs a laptop.",),
             ("A new member of staff",),
             ("Set up {ci} from the standard image, joined it to the domain and handed it over with a short "
              "walkthrough.", "Prepared {ci} with the office software and the new starter's mailbox.")),
        Kind("Antivirus alert on a workstation", "security", ("Antivirus", "Desktop"),
             ("{ci} reported a trojan in a downloaded invoice for {user}.",),
             ("A malicious attachment opened from a spoofed supplier",),
             ("Isolated the PC, let {ci} remove the file, ran a full scan (clean) and changed {user}'s password.",
              "Quarantined the file with {ci}, checked the PC offline (clean) and reminded {user} how to report "
              "suspicious mail."), security=True),
        Kind("Screen flickers on the docking station", "hardware", ("Laptop",),
             ("The external screen of {ci} flickers when docked.",),
             ("A worn display cable", "An old docking station firmware"),
             ("Replaced the display cable at {user}'s desk; {ci} shows a steady picture.",
              "Updated the docking station firmware for {ci}; no flicker since.")),
    ],
    NET: [
        Kind("VPN drops every hour", "network", ("VPN gateway",),
             ("{user}'s VPN connection through {ci} drops on the hour.",),
             ("A key lifetime mismatch between the client and the gateway", "An expired certificate"),
             ("Matched the key lifetime on {ci} to the clients'; {user} stayed connected all afternoon.",
              "Renewed the certificate of {ci} and pushed it to the clients.")),
        Kind("Wi-Fi slow in the meeting room", "performance", ("Wi-Fi access point",),
             ("Video calls stall in the meeting room next to {ci}.",),
             ("A neighbour's network on the same channel", "The access point fell back to 2.4 GHz"),
             ("Moved {ci} to a free 5 GHz channel; a speed test in the meeting room gives 180 Mbit/s.",
              "Reset the radio of {ci} to 5 GHz and fixed its channel width.")),
        Kind("No internet at the office", "network", ("Firewall", "Switch"),
             ("Nobody at {cust} can reach the internet; the phones still work.",),
             ("The provider's line dropped and {ci} kept the old address", "A failed power supply"),
             ("Renewed the WAN address on {ci} and opened a ticket with the provider about the drop.",
              "Replaced the power supply of {ci} from the spare stock; the office was back online in 40 minutes.")),
        Kind("Firewall blocking the card terminal", "network", ("Firewall",),
             ("The card terminal cannot reach its bank since last night's update of {ci}.",),
             ("A new default rule blocking outbound port 9100",),
             ("Added an outbound rule for the card terminal on {ci}; {user} ran a test payment.",
              "Restored the previous rule set on {ci} and scheduled a reviewed update.")),
        Kind("Guest Wi-Fi password expired", "access", ("Wi-Fi access point",),
             ("Visitors cannot join the guest Wi-Fi on {ci}.",),
             ("The monthly guest password was not rotated",),
             ("Set a new guest password on {ci} and sent it to {user} for the reception sign.",
              "Rotated the guest password on {ci} and set a reminder for the next rotation.")),
        Kind("Switch port dead in the back office", "hardware", ("Switch",),
             ("The PC in the back office has no network on port 14 of {ci}.",),
             ("A failed port", "A cable crushed behind a cabinet"),
             ("Moved the back office PC to port 20 of {ci} and labelled port 14 as faulty.",
              "Replaced the crushed cable between the wall socket and {ci}.")),
        Kind("Port scans reported by the firewall", "security", ("Firewall",),
             ("{ci} logged thousands of connection attempts on the remote desktop port overnight.",),
             ("Remote desktop left open to the internet",),
             ("Closed the remote desktop port on {ci}, moved remote access behind the VPN and checked the "
              "logs (no sign-in succeeded).",), security=True),
    ],
    BACKUP: [
        Kind("Nightly backup failed", "software", ("Backup job", "NAS"),
             ("The report of {ci} shows 'failed' for last night.",),
             ("A locked database file during the backup window", "The NAS share ran out of space"),
             ("Added a pre-backup step that pauses the database; the rerun of {ci} completed.",
              "Freed space on the NAS share and reran {ci}; it completed in 2 hours.")),
        Kind("Restore request for a deleted folder", "request", ("Backup job", "NAS"),
             ("{user} deleted the 'Contracts 2025' folder by mistake.",),
             ("A folder deleted by mistake",),
             ("Restored the folder from last night's copy on {ci}; {user} checked the files.",
              "Restored the folder from {ci} into its place and kept the copy for a week.")),
        Kind("Backup disk nearly full", "hardware", ("NAS",),
             ("{ci} warns that its disks are 92% full.",),
             ("Retention kept every daily copy for a year",),
             ("Set the retention on {ci} to 30 daily and 12 monthly copies; it is down to 61%.",
              "Added a disk to {ci} and extended the volume.")),
        Kind("Offsite copy did not run", "network", ("Backup job",),
             ("The weekly offsite copy of {ci} did not start.",),
             ("The offsite target's password expired",),
             ("Renewed the offsite target's credentials in {ci} and ran the copy by hand.",
              "Updated the password of the offsite target in {ci}; the copy finished overnight.")),
        Kind("Restore of a mailbox item", "request", ("Backup job",),
             ("{user} needs an e-mail thread deleted two months ago.",),
             ("Mail deleted by mistake",),
             ("Restored the thread from {ci} into a folder of {user}'s mailbox.",
              "Found the thread in the copy of {ci} from two months ago and restored it for {user}.")),
    ],
    HOSTING: [
        Kind("{app} slow", "performance", ("{app}", "Server"),
             ("{app} takes ten seconds per screen for {user}.",),
             ("A database index missing after the last upgrade", "The server ran short of memory"),
             ("Rebuilt the missing index of {app} on {ci}; screens open in under a second.",
              "Added 8 GB of memory to {ci}; {app} is quick again.")),
        Kind("{app} login error", "access", ("{app}",),
             ("{user} gets 'licence not valid' when signing in to {app}.",),
             ("The licence file was not renewed", "A clock difference between server and client"),
             ("Loaded the renewed licence into {ci}; {user} signed in.",
              "Set {ci}'s server to take its time from the network; sign-in works.")),
        Kind("Certificate warning on the booking page", "software", ("Web certificate",),
             ("Customers of {cust} see a certificate warning on the booking page.",),
             ("An expired certificate",),
             ("Renewed {ci} and set automatic renewal; the booking page loads without a warning.",)),
        Kind("Database job overran", "performance", ("Server",),
             ("The nightly job on {ci} was still running at 9:00.",),
             ("Statistics out of date on the largest table",),
             ("Refreshed the statistics on {ci} and moved the job to 1:00; it ends by 3:00.",
              "Split the nightly job on {ci} in two; both end before 5:00.")),
        Kind("{app} shows wrong totals", "software", ("{app}",),
             ("The day's totals in {app} differ from the till for {user}.",),
             ("A faulty update from the vendor",),
             ("Applied the vendor's fix to {ci} and recalculated the week's totals with {user}.",
              "Rolled {ci} back to the previous version until the vendor's fix is tested.")),
        Kind("{app} down", "software", ("{app}", "Server"),
             ("Nobody at {cust} can open {app}.",),
             ("A failed disk in the server", "A Windows update restarted the server mid-job"),
             ("Replaced the failed disk of {ci} and let the array rebuild; {app} was back within the hour.",
              "Restarted the services of {ci} in order and moved updates to the weekend window.")),
    ],
}

CHECKS = ("{user} confirmed it works.", "Checked with {user} by phone at {time}.", "{user} tested it with us.",
          "Working again; {user} agreed.", "Verified remotely at {time}; {user} saw it work.",
          "{user} confirmed by e-mail at {time}.")
STEPS = ("Remote session at {time}; {diagnosis}", "On site at {time}; {diagnosis}",
         "Looked at the logs at {time}; {diagnosis}", "Called {user} at {time} and {diagnosis}")
DIAGNOSES = ("found {cause}.", "traced it to {cause}.", "the cause was {cause}.")

# changes the shop carries out: title, the item they change, what is measured in the test
CHANGES = [
    ("Firewall firmware update", "Firewall", "Throughput before and after: {a} and {b} Mbit/s; VPN reconnect {c} s"),
    ("NAS disk swap", "NAS", "Array rebuild {a} minutes; test restore of {b} files"),
    ("Office licence renewal", "Office licence", "{a} seats active after renewal; {b} sign-ins tested"),
    ("New laptop set-up", "Laptop", "Boot time {a} s; {b} applications opened"),
    ("Move mail to new tenant", "Mail tenant", "{a} mailboxes moved; test message delivered in {c} s"),
    ("Wi-Fi access point replacement", "Wi-Fi access point", "Speed in the far room {a} Mbit/s (was {b})"),
    ("Antivirus platform upgrade", "Antivirus", "Full scan in {a} minutes; EICAR test file caught"),
    ("Backup retention change", "Backup job", "Copies kept after the change: {a}; restore of {b} files"),
    ("Web certificate renewal", "Web certificate", "Certificate valid {a} days; grade A on the test site"),
    ("Server operating system upgrade", "Server", "Services up {a} s after restart; {b} users signed in"),
    ("Add VPN users", "VPN gateway", "{a} new accounts connected; tunnel stable {c} minutes"),
    ("Switch replacement", "Switch", "{a} ports linked; no packet loss over {c} minutes"),
]

FEEDBACK = {
    "compliment": ("{handler} sorted out '{summary}' on {date} before our busiest hour. Thank you!",
                   "Thanks for the quick restore on {date} ({summary}); we lost nothing.",
                   "Very clear updates while '{summary}' was being fixed on {date}."),
    "complaint": ("Nobody called us back for hours about '{summary}' on {date}.",
                  "'{summary}' on {date} took far too long; we could not work all morning.",
                  "We were not told that '{summary}' ({date}) was fixed until the next day."),
    "comment": ("Could change notices come two days earlier than for the change on {date}?",
                "A monthly summary of our incidents would help us plan (after '{summary}' on {date}).",
                "Could the guest Wi-Fi password be on a printed card? (asked on {date})"),
}
OUTCOMES = {
    "compliment": "Passed on to {handler}; noted in the quarterly report.",
    "complaint": "{ref} was restored in {took}; the call-back was missed because {why}. We now call back within "
                 "the response target and note it on the incident.",
    "comment": "Agreed with {contact}: {answer}.",
}
WHY = ("the only technician on duty was on site elsewhere", "the message went to a mailbox nobody watched that day",
       "the incident was waiting for a supplier and the wait was not explained")
ANSWERS = ("change notices go out three working days ahead from now on",
           "a monthly summary is sent with the invoice from next month",
           "a printed card with the guest password is placed at reception each month")
