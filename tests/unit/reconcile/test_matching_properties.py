"""Property: a registration copied from a stored patient's exact data finds that patient first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.clinical.records import Patient
from bascule.reconcile.comparison import Written
from bascule.reconcile.linkage import PatientIndex
from bascule.reconcile.match import match_with_index
from bascule.reconcile.registration import Registration
from bascule.reconcile.testset import generate_testset

POPULATION = generate_testset(seed=7, population=600, registrations=1).patients
INDEX = PatientIndex(POPULATION)


def exact_copy(patient: Patient, with_phone: bool, with_sex: bool, with_national: bool) -> Registration:
    return Registration(
        downtime_id="D1",
        family=patient.family,
        given=patient.given,
        birth_date=patient.birth_date,
        sex=patient.sex if with_sex else None,
        national_id=patient.national_number if with_national else None,
        phone=patient.phone if with_phone else None,
        postcode=patient.postcode,
    )


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(POPULATION) - 1), st.booleans(), st.booleans(), st.booleans())
def test_an_exact_copy_scores_its_patient_highest(
    position: int, phone: bool, sex: bool, national: bool
) -> None:
    patient = POPULATION[position]
    registration = exact_copy(patient, phone, sex, national)
    candidates = INDEX.candidates(Written.of(registration))
    assert candidates[0].person.patient_id == patient.id
    assert all(other.weight < candidates[0].weight for other in candidates[1:])
    (found,) = match_with_index([registration], INDEX)
    assert found.patient_id == patient.id and found.decision in ("auto", "review")
