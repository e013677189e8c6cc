"""Starting text for documents a small shop writes once and then edits: offered in the form of a
new document, stored only when the shop saves it, in the shop's language. Our own wording, meant
to be rewritten; the evidence map's substance rule knows it in every language."""

from __future__ import annotations

from vse_tui.i18n import N_, _

STARTING_TEXT: dict[str, dict[str, str]] = {
    "procedures": {
        "title": N_("Design, build, test and deployment procedure"),
        "raising_changes": N_(
            "Anyone in the shop, a customer or a supplier can ask for a change. We write it down as a change "
            "request in vse-tui the same day, with what should change, why, which items it touches and how "
            "urgent it is. The Control Manager looks at it within two working days and approves or rejects it, "
            "noting how the decision was given."),
        "updating_schedule": N_(
            "An approved change gets a date and time, normally inside our weekly change window. Before it goes "
            "on the schedule we check for business events of the customer (month-end, audits, opening days) and "
            "for other changes to the same items that day. The schedule is looked over every Monday and the "
            "people and tools each change needs are confirmed the day before."),
        "emergency_changes": N_(
            "When a vital service is down or at serious risk and waiting would make things worse, the person on "
            "duty may deploy the fix straight away, telling the customer's contact first where possible. The "
            "change request is written up and approved within one working day, and the change is reviewed like "
            "any other."),
        "removal": N_(
            "Retiring a service, a device or a piece of software is a normal change: it needs a plan for the data "
            "it holds, a date agreed with the customer and a way back if something still depends on it. The "
            "configuration records are marked retired, never deleted."),
        "steps": N_(
            "1. Design: write what will be done, by whom, when, with which risks and how we will know it worked; "
            "the customer agrees to anything that changes what they see.\n"
            "2. Build: prepare the change from the master copies in the secure store and keep what was built.\n"
            "3. Test: check the change against the design, ideally with the customer, and write down what was "
            "tested, what failed and how it was fixed.\n"
            "4. Approve: someone other than the builder reads the test report and approves the deployment.\n"
            "5. Deploy: carry the change out in its slot, update the configuration records and, for a new or "
            "changed service, the catalogue.\n"
            "6. Review: a few days later, check with the customer that it did what it should and note what we "
            "would do differently."),
    },
    "secure_procedures": {
        "title": N_("Secure component procedure"),
        "storage_rule": N_(
            "Installers, images, licence keys and configuration backups that we deploy live in one secure store "
            "(an encrypted share with its own backup). Only what has been tested goes in; nothing is deployed "
            "from anywhere else."),
        "steps": N_(
            "Adding, replacing or removing anything in the secure store is done through a change request. Each "
            "item is named with its version and the date it was added, and the configuration record that uses it "
            "points to it. Old versions are kept until no item in service depends on them."),
        "authorisation": N_(
            "The Control Manager authorises every addition and removal. Access to the store is limited to the "
            "people who build changes, with their own accounts, and is reviewed twice a year."),
    },
    "service_designs": {
        "tools_methods": N_("The vendor's installer and our standard build checklist."),
        "risks": N_("Downtime during the window; data loss if the backup before the change fails."),
        "quality_measures": N_("The service works as before for its users; no new incident within a week."),
    },
}


def starting_values(kind: str) -> dict[str, str]:
    """The starting text of a new document of `kind`, in the language spoken now."""
    return {name: _(text) for name, text in STARTING_TEXT.get(kind, {}).items()}
