"""One downtime registration against one stored patient, field by field (pure).

Each field gets a comparison level (contract of linkage.py's weights): names are folded first
(bascule.lookup.folding: no accents, no case, punctuation splits words), so "Le Goff-N'Diaye" and
"LE GOFF NDIAYE" differ only by a word boundary. The family name written on paper is compared with
EVERY name the store keeps (official, usual, maiden...) and with the parts of a compound one
("Martin-Dupont" vs "Dupont"): a married woman may give either.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rapidfuzz.distance import OSA, JaroWinkler
from stdnum.fr import nir
from stdnum.gb import nhs

from bascule.clinical.records import Patient
from bascule.lookup import folding
from bascule.reconcile.registration import Registration

FamilyLevel = Literal["exact", "other_name", "part", "close", "disagree", "missing"]
GivenLevel = Literal["exact", "first", "nickname", "close", "disagree", "missing"]
BirthLevel = Literal["exact", "swapped", "typo", "year_only", "disagree", "missing"]
SexLevel = Literal["agree", "disagree", "missing"]
NationalLevel = Literal["exact", "disagree", "invalid", "missing"]
ContactLevel = Literal["exact", "disagree", "missing"]

# What a ward writes for a baby not yet named: "Bébé Martin", "Baby Smith", "BB", "Nouveau-né".
NEWBORN_WORDS = frozenset(
    {"bebe", "baby", "bb", "nn", "nouveau ne", "nouveau", "newborn", "infant", "fille", "garcon"}
)
_FAMILY_CLOSE = 0.92  # Jaro-Winkler on folded family names: one typo in a name of 5+ letters
# Short forms a person gives for their given name (folded): either side may hold either form. No
# group mixes a man's and a woman's name (Alexander and Alexandra would be a twin's, not a nickname).
_NICKNAMES: tuple[tuple[str, ...], ...] = (
    ("robert", "bob", "rob", "bobby", "robbie"),
    ("william", "bill", "will", "billy", "liam"),
    ("james", "jim", "jimmy", "jamie"),
    ("elizabeth", "liz", "beth", "lizzie", "betty", "eliza", "elisabeth", "babette", "lisa"),
    ("katherine", "kate", "katie", "kathy", "catherine", "cathy", "cath", "kat"),
    ("margaret", "maggie", "meg", "peggy", "marguerite", "margot", "maggy"),
    ("richard", "rick", "dick", "richie"),
    ("thomas", "tom", "tommy"),
    ("edward", "ed", "eddie", "ted", "ned"),
    ("michael", "mike", "mick", "micky"),
    ("christopher", "chris", "kit"),
    ("alexander", "alex", "sandy", "alexandre", "sacha", "sasha"),
    ("daniel", "dan", "danny"),
    ("anthony", "tony", "antoine"),
    ("joseph", "joe", "jose"),
    ("jennifer", "jen", "jenny"),
    ("rebecca", "becky", "becca"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam"),
    ("benjamin", "ben", "benji"),
    ("nicholas", "nick", "nicolas", "nico"),
    ("matthew", "matt", "mathieu", "matthieu"),
    ("stephen", "steve", "steven", "stephane"),
    ("frederic", "fred", "freddy", "frederick"),
    ("dominique", "dom"),
    ("jean pierre", "jp"),
    ("jean claude", "jc"),
    ("marie therese", "maite"),
    ("guillaume", "william"),
)
_NICKNAME_GROUPS: dict[str, frozenset[int]] = {}
for _index, _group in enumerate(_NICKNAMES):
    for _name in _group:
        _NICKNAME_GROUPS[_name] = _NICKNAME_GROUPS.get(_name, frozenset()) | {_index}
_NOT_DIGIT = re.compile(r"\D")
# Names repeat (a population has a few thousand distinct ones): fold each once.
fold = functools.lru_cache(maxsize=1 << 16)(folding.fold)


def digits(text: str | None) -> str:
    return _NOT_DIGIT.sub("", text or "")


def phone_key(text: str | None) -> str | None:
    """The last nine digits: "+33 6 12 34 56 78" and "06 12 34 56 78" (or +44 and 0) agree."""
    found = digits(text)
    return found[-9:] if len(found) >= 9 else None


def postcode_key(text: str | None) -> str | None:
    found = fold(text or "").replace(" ", "")
    return found or None


def national_key(text: str | None) -> str | None:
    """A national number without spaces or dashes, upper-cased (a NIR born in Corsica has 2A/2B)."""
    found = re.sub(r"[\s.\-]", "", text or "").upper()
    return found or None


@functools.lru_cache(maxsize=1 << 12)
def national_is_valid(number: str) -> bool:
    """Its check digits hold as a French NIR (INS) or a British NHS number."""
    return bool(nir.is_valid(number) or nhs.is_valid(number))


def is_newborn_name(given: str | None) -> bool:
    """No given name yet, or a placeholder such as "Bébé", "Baby", "BB"."""
    folded = fold(given or "")
    return not folded or folded in NEWBORN_WORDS or folded.split()[0] in NEWBORN_WORDS


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """A stored patient as matching reads it: folded names, keys of phones, postcode, number."""

    patient_id: str
    family: str  # the printed (official) family name, folded
    given: str  # the printed given names, folded
    other_families: tuple[str, ...]  # the other names' (maiden, usual...), folded
    family_parts: frozenset[str]  # the words of every family name
    givens: tuple[str, ...]  # every given name written on any name, folded
    birth_date: date | None
    sex: str
    national: str | None
    phones: frozenset[str]
    postcode: str | None

    @classmethod
    def of(cls, patient: Patient) -> StoredPerson:
        family, given = fold(patient.family), fold(patient.given)
        others = tuple(
            dict.fromkeys(fold(n.family) for n in patient.names if fold(n.family) not in ("", family))
        )
        givens = tuple(dict.fromkeys(g for g in (given, *(fold(n.given) for n in patient.names)) if g))
        phones = {key for text in (patient.phone, *patient.phones) if (key := phone_key(text))}
        number = national_key(patient.national_number)
        return cls(
            patient_id=patient.id,
            family=family,
            given=given,
            other_families=others,
            family_parts=frozenset(part for name in (family, *others) for part in name.split()),
            givens=givens,
            birth_date=patient.birth_date,
            sex=patient.sex,
            national=number,
            phones=frozenset(phones),
            postcode=postcode_key(patient.postcode),
        )

    @property
    def families(self) -> tuple[str, ...]:
        return (self.family, *self.other_families) if self.family else self.other_families


@dataclass(frozen=True, slots=True)
class Written:
    """A registration as matching reads it (folded, keyed)."""

    downtime_id: str
    family: str
    given: str
    newborn: bool
    birth_date: date | None
    sex: str | None
    national: str | None
    national_valid: bool
    phone: str | None
    postcode: str | None

    @classmethod
    def of(cls, registration: Registration) -> Written:
        number = national_key(registration.national_id)
        newborn = is_newborn_name(registration.given)
        return cls(
            downtime_id=registration.downtime_id,
            family=fold(registration.family or ""),
            given="" if newborn else fold(registration.given or ""),
            newborn=newborn,
            birth_date=registration.birth_date,
            sex=None if registration.sex in (None, "unknown") else registration.sex,
            national=number,
            national_valid=number is not None and national_is_valid(number),
            phone=phone_key(registration.phone),
            postcode=postcode_key(registration.postcode),
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """The level of each field of one (registration, stored patient) pair."""

    family: FamilyLevel
    given: GivenLevel
    birth_date: BirthLevel
    sex: SexLevel
    national: NationalLevel
    phone: ContactLevel
    postcode: ContactLevel


def compare_family(written: str, stored: StoredPerson) -> FamilyLevel:
    if not written:
        return "missing"
    if written == stored.family:
        return "exact"
    if written in stored.other_families:
        return "other_name"
    parts = set(written.split())
    compact = written.replace(" ", "")
    if any(compact == name.replace(" ", "") for name in stored.families):
        return "exact"  # "Le Goff" and "Legoff", "N'Diaye" and "Ndiaye"
    if parts & stored.family_parts and (parts <= stored.family_parts or stored.family_parts <= parts):
        return "part"
    for name in stored.families:
        if JaroWinkler.similarity(written, name) >= _FAMILY_CLOSE:
            return "close"
        if any(OSA.distance(part, other) <= 1 for part in parts if len(part) >= 4 for other in name.split()):
            return "close"
    return "disagree"


def _given_close(written: str, stored: str) -> bool:
    distance = OSA.distance(written.replace(" ", ""), stored.replace(" ", ""))
    shortest = min(len(written), len(stored))
    return distance == 0 or (distance <= 1 and shortest >= 4) or (distance <= 2 and shortest >= 8)


def compare_given(written: str, stored: StoredPerson) -> GivenLevel:
    if not written or not stored.givens:
        return "missing"
    if written in stored.givens:
        return "exact"
    words = written.split()
    if any(words[0] == name.split()[0] or set(words) <= set(name.split()) for name in stored.givens):
        return "first"
    groups = _NICKNAME_GROUPS.get(written) or _NICKNAME_GROUPS.get(words[0])
    if groups and any(groups & _NICKNAME_GROUPS.get(name.split()[0], frozenset()) for name in stored.givens):
        return "nickname"
    if any(_given_close(written, name) or _given_close(words[0], name.split()[0]) for name in stored.givens):
        return "close"
    return "disagree"


def swapped(day: date) -> date | None:
    """The date with day and month swapped (01/02 read as 02/01), None when that is no date."""
    if day.day == day.month or day.day > 12:
        return None
    return date(day.year, day.day, day.month)


def compare_birth(written: date | None, stored: date | None) -> BirthLevel:
    if written is None or stored is None:
        return "missing"
    if written == stored:
        return "exact"
    if swapped(written) == stored:
        return "swapped"
    a, b = written.strftime("%Y%m%d"), stored.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1 or OSA.distance(a, b) == 1:
        return "typo"
    if written.year == stored.year:
        return "year_only"
    return "disagree"


def compare(written: Written, stored: StoredPerson) -> Comparison:
    """Every field's level for this pair."""
    if written.sex is None or stored.sex == "unknown":
        sex: SexLevel = "missing"
    else:
        sex = "agree" if written.sex == stored.sex else "disagree"
    if written.national is None or stored.national is None:
        national: NationalLevel = "missing"
    elif written.national == stored.national:
        national = "exact"
    elif written.national_valid and national_is_valid(stored.national):
        national = "disagree"
    else:
        national = "invalid"  # a miscopied number: its check digits fail, it says nothing
    if written.phone is None or not stored.phones:
        phone: ContactLevel = "missing"
    else:
        phone = "exact" if written.phone in stored.phones else "disagree"
    if written.postcode is None or stored.postcode is None:
        postcode: ContactLevel = "missing"
    else:
        postcode = "exact" if written.postcode == stored.postcode else "disagree"
    return Comparison(
        family=compare_family(written.family, stored),
        given=compare_given(written.given, stored),
        birth_date=compare_birth(written.birth_date, stored.birth_date),
        sex=sex,
        national=national,
        phone=phone,
        postcode=postcode,
    )
