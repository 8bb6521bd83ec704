"""The synthetic hospital: every bed of the map's care units, ~85 % occupied, with the data a
downtime needs, as FHIR R4 resources. Deterministic: the same seed, language, units and anchor time
give the same resources. Every name is from Faker, every phone number from a range kept for fiction.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from faker import Faker

from bascule.hospital.model import CareUnit
from bascule.i18n import Lang
from bascule.sources.fhir_records import RESOURCE_TYPES
from bascule.sources.synthetic import catalogue as cat
from bascule.sources.synthetic import resources as fhir
from bascule.sources.synthetic.fictional import email_address, ins_number, nhs_number, phone_number
from bascule.sources.synthetic.paediatrics import PAEDIATRIC_AGE, weight_for_age
from bascule.sources.synthetic.prescribing import prescribable
from bascule.sources.synthetic.profiles import ADULT, Profile, profile_of

OCCUPANCY = 0.85
ACTIVITIES_PER_BED = 6000 / 1050  # about 6,000 activities for the 1,050-bed demo hospital
ACTIVITY_DAYS = 14
LAB_HOURS = 72
ZONES: dict[Lang, str] = {"fr": "Europe/Paris", "en": "Europe/London"}
NATIONAL: dict[Lang, str] = {"fr": "urn:oid:1.2.250.1.213.1.4.8", "en": "https://fhir.nhs.uk/Id/nhs-number"}
_FHIR_ID = re.compile(r"[^A-Za-z0-9.\-]")


@dataclass
class SyntheticHospital:
    """The generated resources by FHIR type (in load order), and how they were made."""

    seed: int
    lang: Lang
    generated_at: datetime
    timezone: str
    resources: dict[str, list[fhir.Resource]] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"synthetic:seed={self.seed}"

    def counts(self) -> dict[str, int]:
        return {kind: len(found) for kind, found in self.resources.items()}

    def all_resources(self) -> list[fhir.Resource]:
        return [resource for kind in RESOURCE_TYPES for resource in self.resources.get(kind, [])]


def unit_location_id(unit: CareUnit) -> str:
    """The FHIR id of a unit's Location: the map's id where FHIR allows it."""
    return _FHIR_ID.sub("-", unit.id)[:64]


@dataclass
class _Person:
    id: str
    family: str
    given: str
    born: date | None = None


class _Generator:
    def __init__(self, seed: int, lang: Lang, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR" if lang == "fr" else "en_GB")
        self.fake.seed_instance(seed)
        # Identity details (maiden names, second phones, postcodes) draw from their own streams, so
        # that adding them left every other generated value as it was.
        self.identity_rng = random.Random(seed + 1)
        self.identity_fake = Faker("fr_FR" if lang == "fr" else "en_GB")
        self.identity_fake.seed_instance(seed + 1)
        self.lang = lang
        self.now = now
        self.zone = ZoneInfo(ZONES[lang])
        self.stamp = fhir.instant(now)
        self.out: dict[str, list[fhir.Resource]] = {kind: [] for kind in RESOURCE_TYPES}
        self.serial = 0

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def label(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "fr" else pair[1]

    def add(self, resource: fhir.Resource) -> None:
        self.out[resource["resourceType"]].append(resource)

    def local(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    # -- people ------------------------------------------------------------------------------------

    def practitioner(self, specialty: tuple[str, str]) -> _Person:
        female = self.rng.random() < 0.5
        given = self.fake.first_name_female() if female else self.fake.first_name_male()
        family = self.fake.last_name()
        self.serial += 1
        rid = self.new_id()
        telecom = [
            {"system": "phone", "value": phone_number(self.rng, self.lang, mobile=False), "use": "work"},
            {"system": "email", "value": email_address(given, family, self.serial, "example.com")},
        ]
        self.add(
            fhir.person(
                "Practitioner",
                rid,
                self.stamp,
                family,
                given,
                telecom,
                qualification=[{"code": {"text": self.label(specialty)}}],
            )
        )
        return _Person(rid, family, given)

    def patient(self, age: int, contact: bool, female_share: float = 0.52) -> _Person:
        female = self.rng.random() < female_share
        given = self.fake.first_name_female() if female else self.fake.first_name_male()
        family = self.fake.last_name()
        born = self.now.date() - timedelta(days=age * 365 + self.rng.randrange(365 if age else 28))
        self.serial += 1
        telecom = []
        if contact or self.rng.random() < 0.6:
            telecom.append({"system": "phone", "value": phone_number(self.rng, self.lang), "use": "mobile"})
        if self.rng.random() < (0.5 if contact else 0.3):
            telecom.append({"system": "email", "value": email_address(given, family, self.serial)})
        national = None
        if self.rng.random() < 0.93:
            number = (
                ins_number(self.rng, female, born.year, born.month)
                if self.lang == "fr"
                else nhs_number(self.rng)
            )
            national = (NATIONAL[self.lang], number)
        rid = self.new_id()
        identifiers = fhir.patient_identifiers(
            f"{700000000 + self.serial}", "https://hospital.example.org/fhir/mrn", national
        )
        self.add(
            fhir.person(
                "Patient",
                rid,
                self.stamp,
                family,
                given,
                telecom,
                identifier=identifiers,
                gender="female" if female else "male",
                birthDate=born.isoformat(),
                **self.identity_details(family, given, female, age, telecom),
            )
        )
        return _Person(rid, family, given, born)

    def identity_details(
        self, family: str, given: str, female: bool, age: int, telecom: list[dict[str, str]]
    ) -> dict[str, Any]:
        """What identity matching meets in real records: a married woman's maiden name (about a third
        of women over 25), a second (landline) phone for a quarter of patients, a home postcode."""
        extra: dict[str, Any] = {
            "address": [{"use": "home", "postalCode": self.identity_fake.postcode()}],
        }
        if female and age >= 25 and self.identity_rng.random() < 0.35:
            maiden = self.identity_fake.last_name()
            extra["name"] = [
                {"use": "official", "family": family, "given": given.split(" ")},
                {"use": "maiden", "family": maiden, "given": given.split(" ")},
            ]
        if self.identity_rng.random() < 0.25:
            landline = phone_number(self.identity_rng, self.lang, mobile=False)
            telecom.append({"system": "phone", "value": landline, "use": "home"})
        return extra

    # -- clinical content ----------------------------------------------------------------------------

    def history(
        self,
        patient: str,
        problems: int,
        allergy_rate: float,
        diagnoses: Sequence[cat.Diagnosis] = cat.DIAGNOSES,
        oldest_days: int = 4000,
    ) -> list[tuple[str, str]]:
        """Writes the problems and allergies; returns the allergies as (SNOMED CT code, label)."""
        for diagnosis in self.rng.sample(diagnoses, min(problems, len(diagnoses))):
            onset = self.now.date() - timedelta(days=self.rng.randrange(1, max(2, oldest_days)))
            self.add(
                fhir.condition(
                    self.new_id(),
                    self.stamp,
                    patient,
                    diagnosis.icd10,
                    self.label((diagnosis.fr, diagnosis.en)),
                    onset,
                )
            )
        allergies: list[tuple[str, str]] = []
        if self.rng.random() < allergy_rate:
            substances = [s for s, _ in cat.SUBSTANCES]
            weights = [w for _, w in cat.SUBSTANCES]
            chosen = {self.rng.choices(substances, weights)[0] for _ in range(1 + (self.rng.random() < 0.25))}
            for substance in sorted(chosen, key=lambda s: s.snomed):
                allergies.append((substance.snomed, self.label((substance.fr, substance.en))))
                self.add(
                    fhir.allergy(
                        self.new_id(),
                        self.stamp,
                        patient,
                        substance.snomed,
                        self.label((substance.fr, substance.en)),
                        substance.category,
                        self.label((substance.reaction_fr, substance.reaction_en)),
                        self.rng.random() < 0.3,
                    )
                )
        return allergies

    def weighed(self, patient: str, born: date, admitted: datetime) -> tuple[float, int]:
        """A child's weight, recorded at admission: (kg, age in days)."""
        age_days = (self.now.date() - born).days
        kilograms = weight_for_age(age_days, self.rng)
        label = "Poids" if self.lang == "fr" else "Body weight"
        self.add(fhir.body_weight(self.new_id(), self.stamp, patient, label, kilograms, admitted))
        return kilograms, age_days

    def blood_group(self, patient: str, taken: datetime) -> None:
        group, snomed, _share = self.rng.choices(cat.BLOOD_GROUPS, [g[2] for g in cat.BLOOD_GROUPS])[0]
        label = "Groupe sanguin ABO Rh" if self.lang == "fr" else "ABO and Rh group"
        self.add(
            fhir.blood_group_observation(self.new_id(), self.stamp, patient, group, snomed, label, taken)
        )

    def medications(
        self,
        patient: str,
        admitted: datetime,
        prescriber: str,
        nurses: Sequence[str],
        profile: Profile = ADULT,
        allergies: Sequence[tuple[str, str]] = (),
        child: tuple[float, int] | None = None,
    ) -> list[str]:
        """Active orders and their doses; `child` is (weight in kg, age in days) under 15 years."""
        drugs = self.rng.sample(
            profile.drugs, self.rng.randint(3, min(profile.most_drugs, len(profile.drugs)))
        )
        drugs = prescribable(drugs, allergies, child, self.rng, self.lang)
        names = []
        for drug in drugs:
            order = self.new_id()
            start = min(
                self.now - timedelta(minutes=30), admitted + timedelta(hours=self.rng.uniform(0.5, 6))
            )
            name = self.label((drug.fr, drug.en))
            names.append(name)
            self.add(
                fhir.medication_request(
                    order,
                    self.stamp,
                    patient,
                    (drug.atc, name),
                    (drug.dose, drug.unit),
                    drug.route,
                    drug.times,
                    drug.as_needed,
                    start,
                    prescriber,
                )
            )
            for given_at, done in self.doses_given(drug, start):
                self.add(
                    fhir.medication_administration(
                        self.new_id(),
                        self.stamp,
                        patient,
                        order,
                        (drug.atc, name),
                        (drug.dose, drug.unit),
                        drug.route,
                        given_at,
                        done,
                        self.rng.choice(nurses),
                    )
                )
        return names

    def doses_given(self, drug: cat.Drug, start: datetime) -> list[tuple[datetime, bool]]:
        since = max(start, self.now - timedelta(hours=24))
        if drug.as_needed:
            count = self.rng.choice((0, 0, 1, 2))
            span = (self.now - since).total_seconds()
            return sorted((since + timedelta(seconds=self.rng.uniform(0, span)), True) for _ in range(count))
        doses = []
        today = self.now.astimezone(self.zone).date()
        for day in (today - timedelta(days=1), today):
            for clock in drug.times:
                due = self.local(day, time.fromisoformat(clock))
                if since <= due < self.now:
                    given = min(self.now, max(since, due + timedelta(minutes=self.rng.uniform(-15, 45))))
                    doses.append((given, self.rng.random() < 0.96))
        return doses

    def labs(self, patient: str, admitted: datetime, drugs: Sequence[str]) -> None:
        shift = {
            test.loinc: self.rng.gauss(0, test.spread * 0.6) for test in (*cat.LAB_PANEL, *cat.LAB_EXTRAS)
        }
        extras = [t for t in cat.LAB_EXTRAS if self.rng.random() < 0.3]
        if any(name.startswith(("Apixaban", "Énoxaparine", "Enoxaparin")) for name in drugs):
            extras.append(cat.LAB_EXTRAS[0])
        since = max(admitted, self.now - timedelta(hours=LAB_HOURS))
        today = self.now.astimezone(self.zone).date()
        for back in range(4):
            taken = self.local(today - timedelta(days=back), time(6, self.rng.randrange(0, 50)))
            if not since <= taken < self.now:
                continue
            for test in (*cat.LAB_PANEL, *dict.fromkeys(extras)):
                value = max(0.0, self.rng.gauss(test.mean + shift[test.loinc], test.spread * 0.5))
                value = round(value, test.decimals) if test.decimals else float(round(value))
                self.add(
                    fhir.lab_observation(
                        self.new_id(),
                        self.stamp,
                        patient,
                        test.loinc,
                        self.label((test.fr, test.en)),
                        value,
                        test.unit,
                        test.low,
                        test.high,
                        _flag(value, test),
                        taken,
                    )
                )


def _years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _flag(value: float, test: cat.LabTest) -> str:
    width = test.high - test.low
    if value < test.low:
        return "LL" if value < test.low - width * 0.5 else "L"
    if value > test.high:
        return "HH" if value > test.high + width * (2 if test.low == 0 else 1) else "H"
    return "N"


def _is(unit: CareUnit, *words: str) -> bool:
    text = f"{unit.id} {unit.name}".lower()
    return any(word in text for word in words)


def generate(seed: int, lang: Lang, units: Sequence[CareUnit], now: datetime) -> SyntheticHospital:
    """The synthetic hospital for these care units, as seen at `now` (timezone-aware)."""
    if now.utcoffset() is None:
        raise ValueError("the anchor time must be timezone-aware")
    now = now.astimezone(UTC).replace(microsecond=0)
    g = _Generator(seed, lang, now)
    sites = sorted({unit.site or "main" for unit in units})
    for site in sites:
        g.add(fhir.location(f"site-{_FHIR_ID.sub('-', site)}", site, "si", None, g.stamp))
    staff: dict[str, list[_Person]] = {}
    nurses: dict[str, list[str]] = {}
    for index, unit in enumerate(units):
        specialty = cat.SPECIALTIES[index % len(cat.SPECIALTIES)]
        staff[unit.id] = [g.practitioner(specialty) for _ in range(max(2, min(6, unit.beds // 12)))]
        nurses[unit.id] = [g.practitioner(("Infirmier", "Nurse")).id for _ in range(max(2, unit.beds // 10))]
    radiologists = [g.practitioner(("Radiologie", "Radiology")) for _ in range(12)]
    surgeons = [g.practitioner(("Chirurgie", "Surgery")) for _ in range(16)]
    inpatients: list[_Person] = []
    for unit in units:
        uid = unit_location_id(unit)
        g.add(
            fhir.location(
                uid, unit.name or unit.id, "wa", f"site-{_FHIR_ID.sub('-', unit.site or 'main')}", g.stamp
            )
        )
        profile = profile_of(unit)
        for bed_index in range(unit.beds):
            room_number, letter = divmod(bed_index, 2)
            room_name = f"{room_number + 1:02d}"
            room_id = f"{uid}-r{room_name}"[:64]
            if letter == 0:
                g.add(fhir.location(room_id, room_name, "ro", uid, g.stamp))
            bed_id = f"{room_id}-{'ab'[letter]}"[:64]
            g.add(fhir.location(bed_id, f"{room_name}{'AB'[letter]}", "bd", room_id, g.stamp))
            if g.rng.random() >= OCCUPANCY:
                continue
            age = int(g.rng.gauss(profile.age_mean, profile.age_spread))
            person = g.patient(min(profile.age_max, max(profile.age_min, age)), False, profile.female_share)
            inpatients.append(person)
            assert person.born is not None
            born_at = datetime.combine(person.born, time(), tzinfo=UTC)
            admitted = max(born_at, now - timedelta(hours=max(2.0, g.rng.expovariate(1 / 130))))
            lived_days = (now.date() - person.born).days
            attending = g.rng.choice(staff[unit.id])
            g.add(fhir.encounter(g.new_id(), g.stamp, person.id, uid, bed_id, admitted, attending.id))
            allergy_rate = 0.3 if profile.age_max > 0 else 0.0
            allergies = g.history(
                person.id, g.rng.randint(1, 4), allergy_rate, profile.diagnoses, min(4000, lived_days)
            )
            if g.rng.random() < 0.15:
                code, fr, en = g.rng.choice(cat.ALERTS)
                g.add(fhir.flag(g.new_id(), g.stamp, person.id, code, g.label((fr, en))))
            g.blood_group(person.id, max(born_at, admitted - timedelta(days=g.rng.randrange(0, 2000))))
            is_child = _years(person.born, now.date()) < PAEDIATRIC_AGE
            child = g.weighed(person.id, person.born, admitted) if is_child else None
            drugs = g.medications(
                person.id, admitted, attending.id, nurses[unit.id], profile, allergies, child
            )
            g.labs(person.id, admitted, drugs)
    _activities(g, units, staff, radiologists, surgeons, inpatients)
    return SyntheticHospital(seed=seed, lang=lang, generated_at=now, timezone=ZONES[lang], resources=g.out)


def _activities(
    g: _Generator,
    units: Sequence[CareUnit],
    staff: dict[str, list[_Person]],
    radiologists: list[_Person],
    surgeons: list[_Person],
    inpatients: list[_Person],
) -> None:
    imaging_units = [u for u in units if _is(u, "radio", "imag")] or list(units)
    surgical_units = [u for u in units if _is(u, "chir", "surg", "bloc", "theatre", "ambulatoire")] or list(
        units
    )
    first_day = g.now.astimezone(g.zone).date()
    days = [first_day + timedelta(days=offset) for offset in range(ACTIVITY_DAYS)]
    weights = [1.0 if day.weekday() < 5 else (0.25 if day.weekday() == 5 else 0.1) for day in days]
    outpatients: list[_Person] = []
    for _ in range(round(ACTIVITIES_PER_BED * sum(unit.beds for unit in units))):
        day = g.rng.choices(days, weights)[0]
        kind = g.rng.choices(("consultation", "imaging", "surgery"), (0.6, 0.28, 0.12))[0]
        cross_matched_units = 0
        urgency = g.rng.choices(("routine", "urgent", "emergency"), (0.85, 0.12, 0.03))[0]
        if kind == "consultation":
            unit = g.rng.choice(units)
            practitioner, label = g.rng.choice(staff[unit.id]), g.label(g.rng.choice(cat.CONSULTATIONS))
            clock, minutes = (
                time(8 + g.rng.randrange(10), g.rng.choice((0, 15, 30, 45))),
                g.rng.choice((20, 30)),
            )
        elif kind == "imaging":
            unit = g.rng.choice(imaging_units)
            practitioner, label = g.rng.choice(radiologists), g.label(g.rng.choice(cat.IMAGING))
            clock, minutes = (
                time(8 + g.rng.randrange(11), g.rng.choice((0, 15, 30, 45))),
                g.rng.choice((15, 30, 45)),
            )
        else:
            unit = g.rng.choice(surgical_units)
            practitioner, operation = g.rng.choice(surgeons), g.rng.choice(cat.SURGERY)
            label = g.label(operation)
            cross_matched_units = cat.CROSS_MATCHED_UNITS.get(operation[1], 0)
            clock, minutes = (
                time(8 + g.rng.randrange(8), g.rng.choice((0, 30))),
                g.rng.choice((60, 90, 120, 180)),
            )
        start = g.local(day, clock)
        if start < g.now:  # today's slots already past go to the same time a week on, inside the fortnight
            start = g.local(day + timedelta(days=7), clock)
        if g.rng.random() < 0.15 and inpatients:
            patient = g.rng.choice(inpatients)
        elif outpatients and g.rng.random() < 0.3:
            patient = g.rng.choice(outpatients)
        else:
            patient = g.patient(min(95, max(1, int(g.rng.gauss(55, 20)))), contact=True)
            g.history(patient.id, g.rng.randint(0, 2), 0.2)
            if g.rng.random() < 0.4:
                g.blood_group(patient.id, g.now - timedelta(days=g.rng.randrange(30, 3000)))
            outpatients.append(patient)
        g.add(
            fhir.appointment(
                g.new_id(),
                g.stamp,
                patient.id,
                kind,
                label,
                start,
                start + timedelta(minutes=minutes),
                unit_location_id(unit),
                practitioner.id,
                urgency,
                cross_matched_units,
            )
        )
