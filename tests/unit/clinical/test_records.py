from datetime import UTC, date, datetime, time, timedelta

import pytest

from bascule.clinical import (
    Activity,
    Allergy,
    Chart,
    LabResult,
    MedicationOrder,
    Patient,
    Stay,
    version_stamp,
)

V = version_stamp(datetime(2026, 1, 1, tzinfo=UTC))
NOW = datetime(2026, 1, 2, 12, tzinfo=UTC)


def test_version_stamps_sort_like_times() -> None:
    early = version_stamp(datetime(2026, 1, 1, 9, 59, 59, 999999, tzinfo=UTC))
    late = version_stamp(datetime(2026, 1, 1, 11, 0, tzinfo=UTC) + timedelta(hours=-1))
    assert early < late


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Activity(id="a", version=V, patient_id="p", kind="surgery", start=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Patient(id="", version=V, family="X"), "id"),
        (lambda: Patient(id="p", version=V, family="X", national_number="1"), "national number"),
        (lambda: Patient(id="p", version=V, family="X", sex="robot"), "sex"),  # type: ignore[arg-type]
        (
            lambda: MedicationOrder(id="m", version=V, patient_id="p", drug="X", times=(time(14), time(8))),
            "sorted",
        ),
        (
            lambda: LabResult(
                id="l",
                version=V,
                patient_id="p",
                code="2823-3",
                label="K",
                effective_at=NOW,
                low=5.0,
                high=3.5,
            ),
            "low above high",
        ),
        (lambda: Activity(id="a", version=V, patient_id="p", kind="dance", start=NOW), "kind"),  # type: ignore[arg-type]
        (
            lambda: Stay(
                id="s", version=V, patient_id="p", admitted_at=NOW, discharged_at=NOW - timedelta(1)
            ),
            "discharge before admission",
        ),
    ],
)
def test_bad_records_cannot_exist(build, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        build()


def test_age_counts_birthdays() -> None:
    patient = Patient(id="p", version=V, family="X", birth_date=date(1950, 1, 3))
    assert patient.age_at(datetime(2026, 1, 2, tzinfo=UTC)) == 75
    assert patient.age_at(datetime(2026, 1, 3, tzinfo=UTC)) == 76


def test_a_chart_holds_one_patient_only() -> None:
    patient = Patient(id="p", version=V, family="X")
    other = Allergy(id="a", version=V, patient_id="q", substance="Latex")
    with pytest.raises(ValueError, match="mixes patients"):
        Chart(
            patient=patient,
            stay=None,
            allergies=(other,),
            alerts=(),
            blood_group=None,
            problems=(),
            orders=(),
            administrations=(),
            results=(),
        )
