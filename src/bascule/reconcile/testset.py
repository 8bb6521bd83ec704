"""A generated matching test set with ground truth: a store population and downtime registrations.

Half French (faker fr_FR), half British (en_GB). The population holds the hard cases on purpose:
twins, parents and children sharing name and phone, spouses sharing family name, phone and
postcode, homonyms. Registrations are made from known patients with the errors paper brings, at
the rates below (ERROR_RATES, what linkage.py's m probabilities follow), and about a fifth are
new patients, some of them lookalikes of a stored one (a twin, a child, a newborn, a spouse, a
homonym). Phones are from ranges kept for fiction (ARCEP, Ofcom), national numbers have valid
check digits in ranges no one holds. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from faker import Faker

from bascule.clinical.records import Patient, PersonName, Sex
from bascule.reconcile.comparison import swapped
from bascule.reconcile.match import Match
from bascule.reconcile.registration import Registration
from bascule.sources.synthetic.fictional import ins_number, nhs_number

ERROR_RATES: dict[str, float] = {
    "family_typo": 0.03,
    "maiden_name_given": 0.30,  # of married women whose maiden name is stored
    "hyphen_part_given": 0.40,  # of patients with a compound family name
    "given_typo": 0.03,
    "given_nickname": 0.01,
    "birth_swapped": 0.015,
    "birth_typo": 0.015,
    "birth_missing": 0.02,
    "sex_missing": 0.10,
    "sex_wrong": 0.003,
    "national_missing": 0.40,
    "national_typo": 0.03,
    "national_wrong_valid": 0.005,
    "phone_missing": 0.30,
    "postcode_missing": 0.30,
    "hard_case_known": 0.03,  # known registrations whose patient has a lookalike in the store
    "new_patient": 0.20,
}
# Ranges kept for drama and tests, each number whole but its last digits: ARCEP (France, +33 1 99 00
# xx xx and five more, 10,000 each) and Ofcom (United Kingdom, 0113 496 0xxx and nineteen more,
# 1,000 each). 80,000 numbers in all: a bigger population has fewer phones, never a real one.
_FR_RANGES = ("+3319900", "+3326191", "+3335301", "+3346571", "+3353649", "+3363998")
_GB_RANGES = (
    "+441134960", "+441144960", "+441154960", "+441164960", "+441174960", "+441184960",
    "+441214960", "+441314960", "+441414960", "+441514960", "+441614960", "+441914980",
    "+442079460", "+442896496", "+442920180", "+441632960", "+447700900", "+448081570",
    "+449098790", "+443069990",
)  # fmt: skip
_NEWBORN = {"fr": "Bébé", "gb": "Baby"}
_NICKNAMES = {"Robert": "Bob", "William": "Bill", "James": "Jim", "Elizabeth": "Liz", "Thomas": "Tom",
              "Michael": "Mike", "Nicolas": "Nico", "Frédéric": "Fred", "Katherine": "Kate",
              "Margaret": "Maggie", "Daniel": "Dan", "Samuel": "Sam", "Benjamin": "Ben"}  # fmt: skip
_VERSION = "2026-12-01T00:00:00.000000Z"
_TWO_SEXES: tuple[Sex, ...] = ("female", "male")


@dataclass(frozen=True)
class TestSet:
    """Patients of the store, registrations, and for each downtime number the true patient (None: new)."""

    patients: list[Patient]
    registrations: list[Registration]
    truth: dict[str, str | None]
    kinds: dict[str, str]  # downtime number -> the case it was made for ("typo", "twin", ...)

    __test__ = False  # not a pytest class


class _People:
    """Draws people: names from Faker, unique fictional phones and national numbers."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.fakes = {"fr": Faker("fr_FR"), "gb": Faker("en_GB")}
        for offset, fake in enumerate(self.fakes.values()):
            fake.seed_instance(seed + offset)
        self.today = today
        self.serial = 0
        self._phones: dict[str, list[str]] = {}
        for lang, ranges, width in (("fr", _FR_RANGES, 4), ("gb", _GB_RANGES, 3)):
            pool = [f"{prefix}{n:0{width}d}" for prefix in ranges for n in range(10**width)]
            self.rng.shuffle(pool)
            self._phones[lang] = pool
        self._numbers: set[str] = set()

    def phone(self, lang: str) -> str | None:
        """A number no one else in the set has; None once the fictional ranges are used up."""
        pool = self._phones[lang]
        return pool.pop() if pool else None

    def national(self, lang: str, sex: Sex, born: date) -> str:
        while True:
            number = (
                ins_number(self.rng, sex == "female", born.year, born.month)
                if lang == "fr"
                else nhs_number(self.rng)
            )
            if number not in self._numbers:
                self._numbers.add(number)
                return number

    def given(self, lang: str, sex: Sex) -> str:
        fake = self.fakes[lang]
        return str(fake.first_name_female() if sex == "female" else fake.first_name_male())

    def family(self, lang: str) -> str:
        return str(self.fakes[lang].last_name())

    def birth(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randrange(low * 365, high * 365 + 1))

    def patient(
        self,
        lang: str,
        *,
        sex: Sex | None = None,
        family: str | None = None,
        given: str | None = None,
        born: date | None = None,
        phone: str | None = None,
        postcode: str | None = None,
        ages: tuple[int, int] = (0, 95),
    ) -> Patient:
        rng = self.rng
        drawn: Sex = sex if sex is not None else rng.choice(_TWO_SEXES)
        born = born or self.birth(*ages)
        family = family or self.family(lang)
        if rng.random() < 0.05 and "-" not in family:
            family = f"{family}-{self.family(lang)}"
        given = given or self.given(lang, drawn)
        names = [PersonName(family, given, "official")]
        age = (self.today - born).days // 365
        if drawn == "female" and age >= 25 and rng.random() < 0.35:
            names.append(PersonName(self.family(lang), given, "maiden"))
        drawn_phones: list[str | None] = (
            [phone] if phone else ([self.phone(lang)] if rng.random() < 0.85 else [])
        )
        if rng.random() < 0.25:
            drawn_phones.append(self.phone(lang))
        phones = [number for number in drawn_phones if number is not None]
        number = self.national(lang, drawn, born) if rng.random() < 0.93 else None
        self.serial += 1
        return Patient(
            id=f"t-{lang}-{self.serial:06d}",
            version=_VERSION,
            family=family,
            given=given,
            birth_date=born,
            sex=drawn,
            mrn=f"{800000000 + self.serial}",
            national_number=number,
            national_system=None if number is None else ("INS" if lang == "fr" else "NHS"),
            phone=phones[0] if phones else None,
            phones=tuple(phones),
            postcode=postcode or str(self.fakes[lang].postcode()),
            names=tuple(names),
        )


def _lang(patient: Patient) -> str:
    return patient.id.split("-")[1]


def _hard_clusters(people: _People, pairs: int) -> dict[str, list[tuple[Patient, Patient]]]:
    """Pairs of stored lookalikes: twins, parent and child, spouses, homonyms."""
    rng = people.rng
    clusters: dict[str, list[tuple[Patient, Patient]]] = {
        "twin": [],
        "parent_child": [],
        "spouse": [],
        "homonym": [],
    }
    for _ in range(pairs):
        lang = rng.choice(("fr", "gb"))
        one = people.patient(lang, ages=(0, 80))
        twin = people.patient(
            lang, family=one.family, born=one.birth_date, phone=one.phone, postcode=one.postcode
        )
        clusters["twin"].append((one, twin))
        parent = people.patient(lang, sex="male", ages=(40, 80))
        assert parent.birth_date is not None
        child_born = parent.birth_date + timedelta(days=365 * rng.randrange(22, 36) + rng.randrange(365))
        child = people.patient(lang, sex="male", family=parent.family, given=parent.given, born=child_born,
                               phone=parent.phone, postcode=parent.postcode)  # fmt: skip
        clusters["parent_child"].append((parent, child))
        husband = people.patient(lang, sex="male", ages=(25, 90))
        wife = people.patient(lang, sex="female", family=husband.family, phone=husband.phone,
                              postcode=husband.postcode, ages=(25, 90))  # fmt: skip
        clusters["spouse"].append((husband, wife))
        first = people.patient(lang)
        other = people.patient(lang, sex=first.sex, family=first.family, given=first.given)
        clusters["homonym"].append((first, other))
    return clusters


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard error: a letter replaced, dropped, doubled or two swapped."""
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + rng.choice("aeiourstnl") + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _digit_typo(rng: random.Random, born: date) -> date:
    while True:
        text = list(born.strftime("%Y%m%d"))
        i = rng.choice((2, 3, 5, 7))
        text[i] = str((int(text[i]) + rng.choice((1, 9))) % 10)
        try:
            found = datetime.strptime("".join(text), "%Y%m%d").date()
        except ValueError:
            continue
        if found != born:
            return found


def _written(
    people: _People, patient: Patient, downtime_id: str, at: datetime, kinds: list[str]
) -> Registration:
    """A paper registration of `patient`, with errors at ERROR_RATES; `kinds` receives each applied."""
    rng, rate = people.rng, ERROR_RATES
    family, given = patient.family, patient.given

    def maybe(kind: str, apply: Callable[[], None]) -> None:
        if rng.random() < rate[kind]:
            apply()
            kinds.append(kind)

    maiden = next((n.family for n in patient.names if n.use == "maiden"), None)
    if maiden and rng.random() < rate["maiden_name_given"]:
        family = maiden
        kinds.append("maiden_name_given")
    elif "-" in family and rng.random() < rate["hyphen_part_given"]:
        family = rng.choice(family.split("-"))
        kinds.append("hyphen_part_given")
    if rng.random() < rate["family_typo"]:
        family = _typo(rng, family)
        kinds.append("family_typo")
    if given in _NICKNAMES and rng.random() < rate["given_nickname"] * 10:
        given = _NICKNAMES[given]
        kinds.append("given_nickname")
    elif rng.random() < rate["given_typo"]:
        given = _typo(rng, given)
        kinds.append("given_typo")
    born = patient.birth_date
    draw = rng.random()
    if draw < rate["birth_swapped"]:
        if born is not None and swapped(born) is not None:  # a day after the 12th cannot be swapped
            born = swapped(born)
            kinds.append("birth_swapped")
    elif born is not None and draw < rate["birth_swapped"] + rate["birth_typo"]:
        born = _digit_typo(rng, born)
        kinds.append("birth_typo")
    elif draw < rate["birth_swapped"] + rate["birth_typo"] + rate["birth_missing"]:
        born = None
        kinds.append("birth_missing")
    sex: Sex | None = patient.sex
    if rng.random() < rate["sex_missing"]:
        sex = None
    elif rng.random() < rate["sex_wrong"]:
        sex = "male" if patient.sex == "female" else "female"
        kinds.append("sex_wrong")
    national = None if rng.random() < rate["national_missing"] else patient.national_number
    if national is not None and rng.random() < rate["national_typo"]:
        national = national[:-3] + national[-2] + national[-3] + national[-1]
        kinds.append("national_typo")
    elif national is not None and rng.random() < rate["national_wrong_valid"]:
        national = people.national(_lang(patient), patient.sex, patient.birth_date or people.today)
        kinds.append("national_wrong_valid")
    phone = None if rng.random() < rate["phone_missing"] or not patient.phones else rng.choice(patient.phones)
    postcode = None if rng.random() < rate["postcode_missing"] else patient.postcode
    return Registration(
        downtime_id=downtime_id,
        family=family or None,
        given=given or None,
        birth_date=born,
        sex=sex,
        national_id=national,
        phone=phone,
        postcode=postcode,
        unit=rng.choice(("URG", "MED", "CHIR", "MAT")),
        recorded_at=at,
        station="poste-1",
    )


def _new_lookalike(people: _People, kind: str, stored: Patient, at: datetime) -> Patient:
    """A person absent from the store who resembles a stored one."""
    lang = _lang(stored)
    if kind == "twin":
        return people.patient(lang, family=stored.family, born=stored.birth_date, phone=stored.phone,
                              postcode=stored.postcode)  # fmt: skip
    if kind == "child":
        return people.patient(
            lang, family=stored.family, phone=stored.phone, postcode=stored.postcode, ages=(1, 15)
        )
    if kind == "newborn":
        baby = people.patient(
            lang, family=stored.family, born=at.date(), phone=stored.phone, postcode=stored.postcode
        )
        return replace(baby, given=_NEWBORN[lang], national_number=None, national_system=None)
    if kind == "spouse":
        sex: Sex = "male" if stored.sex == "female" else "female"
        return people.patient(lang, sex=sex, family=stored.family, phone=stored.phone, postcode=stored.postcode,
                              ages=(25, 90))  # fmt: skip
    return people.patient(lang, sex=stored.sex, family=stored.family, given=stored.given)  # homonym


def generate_testset(seed: int = 16, population: int = 20_000, registrations: int = 1_000) -> TestSet:
    """A population of about `population` patients and `registrations` registrations with truth."""
    today = date(2026, 12, 1)
    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    people = _People(seed, today)
    rng = people.rng
    clusters = _hard_clusters(people, max(1, population // 200))
    patients = [person for pairs in clusters.values() for pair in pairs for person in pair]
    while len(patients) < population:
        patients.append(people.patient(rng.choice(("fr", "gb"))))
    plain = patients[8 * len(clusters["twin"]) :]
    found: list[Registration] = []
    truth: dict[str, str | None] = {}
    kinds: dict[str, str] = {}
    chosen: set[str] = set()
    for number in range(registrations):
        downtime_id = f"DT-{number + 1:05d}"
        applied: list[str] = []
        draw = rng.random()
        if draw < ERROR_RATES["new_patient"]:
            kind = rng.choice(("plain", "plain", "twin", "child", "newborn", "spouse", "homonym"))
            stored = rng.choice(plain)
            person = (
                people.patient(rng.choice(("fr", "gb")))
                if kind == "plain"
                else _new_lookalike(people, kind, stored, at)
            )
            registration = _written(people, person, downtime_id, at, applied)
            if kind == "newborn":
                registration = replace(
                    registration, given=person.given, national_id=None, birth_date=at.date()
                )
            truth[downtime_id], kinds[downtime_id] = None, f"new_{kind}"
        else:
            if draw < ERROR_RATES["new_patient"] + ERROR_RATES["hard_case_known"]:
                kind = rng.choice(tuple(clusters))
                patient = rng.choice(rng.choice(clusters[kind]))
            else:
                kind, patient = "known", rng.choice(plain)
                while patient.id in chosen:
                    patient = rng.choice(plain)
            chosen.add(patient.id)
            registration = _written(people, patient, downtime_id, at, applied)
            truth[downtime_id] = patient.id
            kinds[downtime_id] = kind if kind != "known" or not applied else applied[0]
        found.append(registration)
    return TestSet(patients, found, truth, kinds)


@dataclass(frozen=True)
class Confusion:
    """Decisions against the truth: rows "known" (the store holds the person) and "new"; columns
    auto_right, auto_wrong (the safety incident), review, new."""

    table: dict[str, dict[str, int]]

    @property
    def auto_precision(self) -> float:
        right = self.table["known"]["auto_right"]
        wrong = self.table["known"]["auto_wrong"] + self.table["new"]["auto_wrong"]
        return 1.0 if right + wrong == 0 else right / (right + wrong)

    @property
    def auto_recall(self) -> float:
        known = sum(self.table["known"].values())
        return 0.0 if known == 0 else self.table["known"]["auto_right"] / known

    def text(self) -> str:
        columns = ("auto_right", "auto_wrong", "review", "new")
        lines = [f"{'truth':<8}" + "".join(f"{column:>12}" for column in columns)]
        for row in ("known", "new"):
            lines.append(f"{row:<8}" + "".join(f"{self.table[row][column]:>12}" for column in columns))
        lines.append(f"auto precision {self.auto_precision:.4f}, auto recall {self.auto_recall:.4f}")
        return "\n".join(lines)


def confusion(testset: TestSet, matches: Sequence[Match]) -> Confusion:
    """How each registration's decision stands against its truth."""
    table = {row: dict.fromkeys(("auto_right", "auto_wrong", "review", "new"), 0) for row in ("known", "new")}
    for match in matches:
        truth = testset.truth[match.downtime_id]
        row = "new" if truth is None else "known"
        if match.decision == "auto":
            table[row]["auto_right" if match.patient_id == truth else "auto_wrong"] += 1
        else:
            table[row][match.decision] += 1
    return Confusion(table)
