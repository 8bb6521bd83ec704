"""The demo hospital prescribes safely: no drug a patient is allergic to, children dosed by weight.

Read back through the FHIR mapping (as a refresh would store it), so the check sees what a kit sees.
The paediatric bounds below are clinical references (BNF for Children, ANSM), written independently
of the generator's own dosing table.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest

from bascule.clinical import Allergy, LabResult, MedicationOrder, Patient, conflicts
from bascule.clinical.allergy_conflicts import drug_classes
from bascule.i18n import Lang
from bascule.sources.intake import Intake
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.units import map_units

NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)
BODY_WEIGHT = "29463-7"


class Ward:
    """The demo hospital's records, per patient."""

    def __init__(self, lang: Lang) -> None:
        hospital = generate(42, lang, map_units("demo"), NOW)
        intake = Intake(received_at=NOW)
        for resource in hospital.all_resources():
            assert intake.take(resource)
        self.patients: dict[str, Patient] = {}
        self.allergies: dict[str, list[Allergy]] = defaultdict(list)
        self.orders: dict[str, list[MedicationOrder]] = defaultdict(list)
        self.weights: dict[str, float] = {}
        for record in intake.records:
            if isinstance(record, Patient):
                self.patients[record.id] = record
            elif isinstance(record, Allergy):
                self.allergies[record.patient_id].append(record)
            elif isinstance(record, MedicationOrder):
                self.orders[record.patient_id].append(record)
            elif isinstance(record, LabResult) and record.code == BODY_WEIGHT and record.value is not None:
                self.weights[record.patient_id] = record.value


@pytest.fixture(scope="module", params=["fr", "en"])
def ward(request: pytest.FixtureRequest) -> Ward:
    return Ward(request.param)


def test_no_patient_has_an_active_order_in_a_class_they_are_allergic_to(ward: Ward) -> None:
    clashes = [
        (conflict.order.id, conflict.allergy.id)
        for patient_id, allergies in ward.allergies.items()
        for conflict in conflicts(allergies, ward.orders.get(patient_id, ()))
    ]
    assert clashes == []


def test_allergic_patients_get_alternatives_not_just_fewer_drugs(ward: Ward) -> None:
    """Guards the test above against passing only because nobody allergic is ever treated."""
    penicillin_allergic = {
        pid for pid, found in ward.allergies.items() if any(a.code == "764146007" for a in found)
    }
    assert len(penicillin_allergic) > 50
    antibiotics = {
        order.drug_code
        for pid in penicillin_allergic
        for order in ward.orders.get(pid, ())
        if (order.drug_code or "").startswith("J01")
    }
    assert {"J01FF01", "J01FA09", "J01MA12"} & antibiotics  # clindamycin, clarithromycin, levofloxacin
    assert not any(code.startswith(("J01C", "J01D")) for code in antibiotics if code)
    everyone = [order for orders in ward.orders.values() for order in orders]
    penicillins = [
        o for o in everyone if any(c.key == "penicillins" for c in drug_classes(o.drug_code, o.drug))
    ]
    nsaids = [o for o in everyone if any(c.key == "nsaids" for c in drug_classes(o.drug_code, o.drug))]
    assert len(penicillins) > 100 and len(nsaids) > 50  # the classes are really prescribed to others


# ATC: (lowest, highest) mg (or mL) per kg per day, highest single dose, doses per day at most.
PER_KG_PER_DAY: dict[str, tuple[float, float, float, int]] = {
    "N02BE01": (40, 60, 1000, 4),  # paracetamol 10-15 mg/kg every 6 h, 1 g a dose at most
    "J01CA04": (40, 100, 1000, 3),  # amoxicillin 40-100 mg/kg/day
    "J01DD04": (50, 80, 2000, 1),  # ceftriaxone 50-80 mg/kg once a day, 2 g at most
    "J01DD01": (50, 150, 2000, 4),  # cefotaxime
    "M01AE01": (15, 30, 400, 3),  # ibuprofen 5-10 mg/kg every 8 h
    "J01FA09": (15, 15, 500, 2),  # clarithromycin 7.5 mg/kg twice a day
    "J01FF01": (15, 40, 600, 4),  # clindamycin
    "B05BB01": (20, 100, 1000, 2),  # maintenance fluids, mL/kg/day (Holliday-Segar at most)
    "B05BA03": (40, 150, 500, 2),  # neonatal glucose 10 %, mL/kg/day
}
PER_KG_PER_DOSE = {"A04AA01": (0.1, 0.15, 4.0)}  # ondansetron as needed
ROUNDING = 0.06  # doses are rounded to two significant figures


def _age_days(patient: Patient) -> int:
    assert patient.birth_date is not None
    return (NOW.date() - patient.birth_date).days


def test_every_child_is_weighed_with_a_plausible_weight_for_age(ward: Ward) -> None:
    children = [p for p in ward.patients.values() if p.age_at(NOW) is not None and p.age_at(NOW) < 15]
    inpatient_children = [p for p in children if p.id in ward.orders]
    assert len(inpatient_children) > 20
    for child in inpatient_children:
        weight, days = ward.weights[child.id], _age_days(child)
        if days < 29:
            assert 1.5 <= weight <= 5.0, child.id
        else:
            years = days / 365.25
            estimate = 2 * (years + 4) if years < 10 else 3 * years + 7  # APLS rules of thumb
            assert 0.6 * estimate <= weight <= 1.6 * estimate, child.id


def test_every_child_under_15_gets_paediatric_doses_for_their_weight(ward: Ward) -> None:
    checked = 0
    for patient_id, orders in ward.orders.items():
        patient = ward.patients[patient_id]
        age = patient.age_at(NOW)
        if age is None or age >= 15:
            continue
        weight, days = ward.weights[patient_id], _age_days(patient)
        for order in orders:
            checked += 1
            code, dose = order.drug_code or "", order.dose_value
            assert dose is not None and dose > 0, order.drug
            if code in PER_KG_PER_DAY:
                low, high, most, most_doses = PER_KG_PER_DAY[code]
                assert order.dose_unit in ("mg", "mL"), order.drug
                doses = len(order.times)
                assert 1 <= doses <= most_doses, order.drug
                daily = dose * doses / weight
                assert dose <= most, order.drug
                capped = dose == most
                assert daily <= high * (1 + ROUNDING), (order.drug, weight)
                assert capped or daily >= low * (1 - ROUNDING), (order.drug, weight)
            elif code in PER_KG_PER_DOSE:
                low, high, most = PER_KG_PER_DOSE[code]
                assert order.dose_unit == "mg" and dose <= most, order.drug
                assert dose / weight <= high * (1 + ROUNDING), (order.drug, weight)
                assert dose == most or dose / weight >= low * (1 - ROUNDING), (order.drug, weight)
            elif code == "R03AC02":  # salbutamol nebules by age: 2.5 mg under 5 years, up to 5 mg above
                assert dose == 2.5 if days < 5 * 365 else dose in (2.5, 5.0), order.drug
            elif code == "A11CC05":  # vitamin D: a daily maintenance dose, never the adult 100,000 units
                assert order.dose_unit == "dose" and dose == 1 and "100 000" not in order.drug
            else:
                pytest.fail(f"{order.drug} has no paediatric dose reference")
    assert checked > 100
