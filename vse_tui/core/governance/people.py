"""People are the actors: every write is attributed to a person of the shop (WP.14's people, the
role holders of WP.08), with the login and host kept beside.

Who is at the keyboard: the person a claim names (--as PERSON, VSE_TUI_OPERATOR or the config's
`operator`: a person's id, name or login), else the person the login is mapped to (`os_user`),
else nobody: the write is still stored, attributed to the login, and the audit check flags it.
Every "who" of a record (approved by, built by, tested by, signed off by, resolver, assignee) is
a person, never free text; a customer's or supplier's contact is a person too."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vse_tui.i18n import N_, _

from ..kernel import clock
from ..kernel.errors import InputError, NotFound

if TYPE_CHECKING:
    from ..model.ports import StorePort
    from ..model.records.parties import Person


# The roles a new shop's first person is offered ticked: in a shop of one to five the owner runs the
# service (SM), manages the shop (MGT) and handles the incidents (PT in the incident area). Unticking
# is one key; together they raise no combination warning (MODEL.md section 2: a practitioner in
# incidents only conflicts with the Incident Manager), and an incident logged by its owner then has a
# practitioner behind it.
FIRST_ROLES = ("SM", "MGT", "PT:incident")


@dataclass(frozen=True)
class Identity:
    """Who a claim or a login names: a person (uuid and name), or nobody (the login itself)."""

    person: str | None
    name: str
    how: str  # "claimed", "login", "unmapped"


# Letters of other scripts drawn like a Latin one (Cyrillic and Greek, the usual disguises), mapped to
# that Latin letter when two names are compared; after Unicode's own compatibility folding (NFKC),
# which already maps full-width, mathematical and ligature forms and the odd spaces.
_LOOK_ALIKE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "һ": "h",
    "ԛ": "q", "ԝ": "w", "ɡ": "g", "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k",
    "μ": "m", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ς": "c", "ı": "i",
})


def clean_name(text: str | None, label: str = N_("Name")) -> str:
    """A person's name as it is stored: Unicode's compatibility form (NFKC: a non-breaking or
    full-width space is a space), runs of spaces as one, no space at either end. Refused when it
    holds a line break, a control character or an invisible one (zero-width, direction marks):
    a name is data, and goes into line-based files (allowed_signers, mail headers, CSV) as such."""
    name = unicodedata.normalize("NFKC", text or "")
    for ch in name:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
            what = _("a line break") if ch in "\r\n\u2028\u2029\x85" else (
                _("an invisible character") if category == "Cf" else _("a control character"))
            raise InputError(_("{label}: {what} (U+{code:04X}) is not allowed in a name").format(
                label=_(label), what=what, code=ord(ch)))
    name = " ".join(name.split())
    if not name:
        raise InputError(_("{label}: required").format(label=_(label)))
    return name


def name_key(text: str) -> str:
    """What two names are compared by: NFKC, case folded, look-alike letters of other scripts as the
    Latin one, accents and invisible characters dropped, spaces as one. Two people whose keys are equal
    read as the same person in a list, so the second is refused."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().translate(_LOOK_ALIKE)
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", folded)
                   if unicodedata.category(ch) not in ("Mn", "Me", "Cf", "Cc"))
    return " ".join(bare.split())


def check_person_name(store: StorePort, text: str | None, uuid: str | None = None, label: str = N_("Name")) -> str:
    """The clean name for a new (or renamed, `uuid`) person, refused when it reads the same as someone
    else's: the same name, another case, an accent or a letter of another script drawn alike."""
    name = clean_name(text, label)
    key = name_key(name)
    for other, pid, title in store.rows("people", ["uuid", "id", "title"], {}):
        if other != uuid and name_key(title or "") == key:
            same = (_("{label}: {name!r} is already {title!r} ({pid}); two people must be told apart at a glance: "
                      "add a surname or an initial") if (title or "") == name else
                    _("{label}: {name!r} reads the same as {title!r} ({pid}); two people must be told apart at a "
                      "glance: add a surname or an initial"))
            raise InputError(same.format(label=_(label), name=name, title=title, pid=pid))
    return name


def find_person(store: StorePort, text: str, affiliation: str | None = None) -> tuple[str, str] | None:
    """(uuid, name) of the person `text` names (id, uuid, name or login, case-insensitive), or None;
    with `affiliation`, only people of it (internal, customer, supplier)."""
    text = (text or "").strip()
    if not text:
        return None
    where: dict[str, Any] = {"state": "active"}
    if affiliation:
        where["affiliation"] = affiliation
    for uuid, pid, name, login in store.rows("people", ["uuid", "id", "title", "os_user"], where):
        if text in (uuid, pid) or text.upper() == pid or text.lower() == (name or "").lower() \
                or (login and text == login):
            return uuid, name
    return None


def close_matches(store: StorePort, text: str, affiliation: str | None = None, extra: tuple[str, ...] = ()) -> list[str]:
    """The names of the active people (of `affiliation`, when given) that `text` nearly names: a
    name, login or id spelled a little differently, or a part of a name ("Sam" for "Sam Ortiz");
    `extra`: other names that count too (an incident's reporter as given). At most five, nearest
    first."""
    text = (text or "").strip()
    if not text:
        return []
    where: dict[str, Any] = {"state": "active"}
    if affiliation:
        where["affiliation"] = affiliation
    keys: dict[str, str] = {}  # what may be typed (lowercase): a whole name, a word of it, login, id -> the name
    named: list[tuple[str, tuple[str, ...]]] = [
        (name or pid, (name, login, pid)) for pid, name, login in store.rows("people", ["id", "title", "os_user"], where)]
    named += [(name.strip(), (name.strip(),)) for name in extra if name.strip()]
    for shown, typed_as in named:
        for key in typed_as:
            if key:
                keys.setdefault(key.lower(), shown)
                for word in key.lower().split():
                    keys.setdefault(word, shown)
    typed = text.lower()
    out: list[str] = []
    for key, name in keys.items():  # the start of a word typed: 'sa' -> Sam Ortiz, 'ort' -> Sam Ortiz
        if len(typed) >= 2 and key.startswith(typed) and name not in out:
            out.append(name)
    for key in difflib.get_close_matches(typed, list(keys), n=5, cutoff=0.6):
        if keys[key] not in out:
            out.append(keys[key])
    return out[:5]


def unknown_person(store: StorePort, text: str, refusal: str, affiliation: str | None = None,
                   extra: tuple[str, ...] = ()) -> InputError:
    """The error for a "who" that names nobody: `refusal` (already in the language spoken, whole),
    then the people it nearly names, when there are some."""
    near = close_matches(store, text, affiliation, extra)
    if near:
        refusal = _("{refusal}; did you mean: {names}?").format(refusal=refusal, names=", ".join(near))
    return InputError(refusal)


def identify(store: StorePort, claim: str | None, login: str, explicit: bool = False) -> Identity:
    """Who writes. An explicit claim (--as, VSE_TUI_OPERATOR) that names nobody is refused: a
    script must not write as someone who does not exist."""
    if claim:
        found = find_person(store, claim)
        if found:
            return Identity(found[0], found[1], "claimed")
        if explicit:
            names = ", ".join(n for _, n in store.titles("people", {"affiliation": "internal", "state": "active"}).items())
            raise InputError(_("No person {claim!r} in this shop (people: {names}); add them with "
                               "'vse-tui people add NAME --os-user LOGIN'").format(claim=claim,
                                                                                   names=names or _("none yet")))
    found = find_person(store, login) if login else None
    if found:
        return Identity(found[0], found[1], "login")
    return Identity(None, login, "unmapped")


def approvers(store: StorePort) -> set[str]:
    """The people of the shop who could approve something: internal, active, holding one of the
    roles that approve a work product now (`approving_roles`). One of them alone is a shop of one
    for its approvals, however many practitioners work beside them."""
    from ..model.data import approving_roles

    internal = {u for (u,) in store.rows("people", ["uuid"], {"affiliation": "internal", "state": "active"})}
    return {p for p, in store.rows("role_assignments", ["person"], {"state": "active", "role": list(approving_roles())})
            } & internal


def person_ref(store: StorePort, text: str | None, label: str, affiliation: str | None = "internal",
               required: bool = True) -> str | None:
    """The uuid of the person a "who" field names, or a clear error (never free text kept). `label`
    is the field's label as shown, already in the language spoken."""
    if not (text or "").strip():
        if required:
            raise InputError(_("{label}: choose a person").format(label=label))
        return None
    found = find_person(store, text or "", affiliation)
    if found is None:
        refusal = {"internal": _("{label}: no person {text!r} of the shop (people are added in GO.1.2, or with "
                                 "'vse-tui people add')"),
                   "customer": _("{label}: no person {text!r} among the customer's contacts (people are added in "
                                 "GO.1.2, or with 'vse-tui people add')"),
                   "supplier": _("{label}: no person {text!r} among the supplier's contacts (people are added in "
                                 "GO.1.2, or with 'vse-tui people add')")}.get(
            affiliation or "", _("{label}: no person {text!r} (people are added in GO.1.2, or with 'vse-tui people add')"))
        raise unknown_person(store, text or "", refusal.format(label=label, text=text), affiliation)
    return found[0]


def me(store: StorePort, label: str | None = None) -> str:
    """The uuid of the person at the keyboard, or a clear error when the login is mapped to nobody
    (`label`: the field's label as shown, already translated)."""
    person = getattr(store.actor, "person", None)
    if not person:
        raise InputError(unmapped_login(store, label or _("You")))
    return person


def unmapped_login(store: StorePort, label: str) -> str:
    """What to do when the login at the keyboard is mapped to no person: the commands with the login
    filled in, mapping it to one's person first when the shop has people, else adding oneself."""
    login = getattr(store.actor, "os_user", "") or store.actor.operator
    if store.count("people"):
        return _("{label}: your login {login} is mapped to no person of this shop; map it to yours with "
                 "'vse-tui people login PERSON {login}', or add yourself with 'vse-tui people add NAME --os-user "
                 "{login}'").format(label=label, login=login)
    return _("{label}: you ({login}) are not a person of this shop yet; add yourself with 'vse-tui people add NAME "
             "--os-user {login}' (or in the setup's Roles step)").format(label=label, login=login)


def name_of(store: StorePort, uuid_or_text: str | None) -> str:
    """A person's name for a uuid; any other text (an older free-text value) as it is."""
    if not uuid_or_text:
        return ""
    found = store.ids_for([uuid_or_text], "people")
    return found[uuid_or_text][1] if uuid_or_text in found else uuid_or_text


# the practitioner's area of each process (a practitioner may be given one area: PT:incident)
AREA_OF_PROCESS = {"CO": "change", "IN": "incident", "RE": "relationship"}


def area_of(task: str) -> str | None:
    """The practitioner area a task belongs to ("IN.2.1" -> "incident"); None for governance."""
    return AREA_OF_PROCESS.get(task.split(".", 1)[0])


def in_area(given: str | None, area: str | None) -> bool:
    """A role given in area `given` (None: every area) counts for work in `area` (None: any)."""
    return not (area and given and given != area)


def roles_of(store: StorePort, person: str | None, at: Any = None, area: str | None = None) -> set[str]:
    """The role codes a person held (at a moment, when given): PT:area counts as PT, in that area
    only when `area` is given (a practitioner in incidents does not design changes). A customer's
    contact holds CUS, a supplier's SUP."""
    if not person:
        return set()
    row = store.row("people", ["affiliation"], {"uuid": person})
    out: set[str] = set()
    if row and row[0] == "customer":
        out.add("CUS")
    if row and row[0] == "supplier":
        out.add("SUP")

    moment = clock.iso(at) if at is not None else None
    for role, given, state, created, updated in store.rows(
            "role_assignments", ["role", "area", "state", "created_at", "updated_at"], {"person": person}):
        if not in_area(given, area):
            continue
        if moment is None:
            if state == "active":
                out.add(role)
        elif (created or "") <= moment and (state == "active" or (updated or "") > moment):
            out.add(role)
    return out


def login_advice(login: str) -> str:
    """What to do about writes by a login mapped to no person: one advice, said by the audit check,
    `incident show` and the incident screen alike."""
    return _("map it to its person: vse-tui people login PERSON {login}").format(login=login)


def login_of(store: StorePort, person: str) -> str | None:
    """The login a person (uuid) signs in with, or None: a person has one (`set_login` replaces it)."""
    found = store.row("people", ["os_user"], {"uuid": person})
    return (found[0] or None) if found else None


def set_login(store: StorePort, person_ref_text: str, login: str | None) -> Person:
    """Map a login to a person (their writes are theirs from now on); one login, one person."""
    found = find_person(store, person_ref_text)
    if not found:
        raise NotFound(_("No person {person_ref_text!r}").format(person_ref_text=person_ref_text))
    login = (login or "").strip() or None
    if login:
        other = store.row("people", ["id", "title"], {"os_user": login, "uuid__ne": found[0]})
        if other:
            raise InputError(_("The login {login!r} is already {other}'s ({other2})").format(login=login, other=other[1], other2=other[0]))
    return store.update("people", found[0], {"os_user": login}, task="GO.1.2")


def check_public_key(text: str | None) -> str | None:
    """An OpenSSH public key line ('ssh-ed25519 AAAA... comment'), or a clear refusal (a private key
    is refused outright: it must never be stored)."""
    key = (text or "").strip()
    if not key:
        return None
    if "PRIVATE KEY" in key:
        raise InputError(_("This is a private key: give the public one (the .pub file)"))
    if not key.startswith(("ssh-", "ecdsa-", "sk-")) or len(key.split()) < 2 or "\n" in key:
        raise InputError(_("Not an OpenSSH public key (one line starting with ssh-ed25519, ssh-rsa, ecdsa-...)"))
    return key


# ---------------------------------------------------------------- callers (who reports an incident)


@dataclass(frozen=True)
class Caller:
    """A customer's contact as the person who reports an incident: their name, how to reach them
    (phone or e-mail) and the customer they work for."""

    uuid: str
    name: str
    reach: str  # phone, else e-mail
    email: str
    phone: str
    customer: str | None  # uuid
    customer_name: str

    @property
    def label(self) -> str:
        return " · ".join(p for p in (self.name, self.customer_name, self.reach) if p)


def callers(store: StorePort, customer: str | None = None) -> list[Caller]:
    """The active contacts of the shop's customers (of `customer` first, when one is chosen)."""
    names = store.titles("customers")
    rows = store.rows("people", ["uuid", "title", "phone", "email", "organisation"],
                      {"affiliation": "customer", "state": "active"})
    out = [Caller(u, n or "", (p or e or ""), e or "", p or "", o, names.get(o or "", "")) for u, n, p, e, o in rows]
    out.sort(key=lambda c: (customer is not None and c.customer != customer, c.name.lower()))
    return out


def split_reach(text: str) -> tuple[str, str]:
    """(e-mail, phone) from what was typed as a new caller's contact: an address has an @."""
    text = (text or "").strip()
    if not text:
        return "", ""
    if "@" in text:
        if " " in text or text.startswith("@") or text.endswith("@"):
            raise InputError(_("Phone or e-mail: {text!r} is not an e-mail address (name@example.com)").format(text=text), field="reach")
        return text, ""
    if not any(ch.isdigit() for ch in text):
        raise InputError(_("Phone or e-mail: {text!r} is neither a phone number nor an e-mail address").format(text=text), field="reach")
    return "", text


__all__ = ["Caller", "Identity", "callers", "check_person_name", "check_public_key", "clean_name", "close_matches",
           "find_person", "identify", "login_of", "me", "name_key", "name_of", "person_ref", "roles_of", "set_login", "split_reach",
           "unknown_person", "unmapped_login"]


def language_of(store: StorePort, address: str = "", *, name: str = "",
                organisation: str | None = None) -> str | None:
    """The language to write to someone in: that of the person with this address (else this name),
    else that of the customer or supplier they work for, else `organisation`'s (the customer a
    record is about); None when nobody set one: the shop's language then."""
    address, key = (address or "").strip().lower(), name_key(name) if (name or "").strip() else ""
    found: tuple[Any, ...] | None = None
    if address or key:
        for row in store.rows("people", ["email", "title", "language", "organisation"]):
            if address and (row[0] or "").strip().lower() == address:
                found = row
                break
            if key and found is None and name_key(row[1] or "") == key:
                found = row
    if found and found[2]:
        return str(found[2])
    for org in ([found[3]] if found and found[3] else []) + ([organisation] if organisation else []):
        for kind in ("customers", "suppliers"):
            own = store.row(kind, ["language"], {"uuid": org})
            if own and own[0]:
                return str(own[0])
    return None
