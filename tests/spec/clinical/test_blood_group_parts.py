"""The blood group a sheet prints when the lab sends the ABO group (883-9) and the Rh type (10331-7)
as two results, as many EHRs do, instead of one ABO/Rh result (882-1)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.spec.clinical.test_census_placement import LOCATIONS, at, encounter, fill, patient

from bascule.snapshot.store import ContinuityStore

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
LATER = datetime(2026, 3, 10, 12, tzinfo=UTC)


def result(rid: str, code: str, value: dict[str, Any], when: str = "2026-03-09T08:00:00Z") -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": {"lastUpdated": "2026-03-09T09:00:00Z"},
        "status": "final",
        "category": [{"coding": [{"code": "laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": when,
        "valueCodeableConcept": value,
    }


def coded(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": SNOMED, "code": code, "display": display}]}


ABO_A = result("abo", "883-9", coded("112144000", "Blood group A (finding)"))
RH_NEG = result("rh", "10331-7", coded("165746003", "RhD negative (finding)"))


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([ABO_A, RH_NEG], "A-"),
        (  # words only, as a lab's own codes with a text
            [
                result("abo", "883-9", {"text": "Blood group O"}),
                result("rh", "10331-7", {"text": "Rh-positive"}),
            ],
            "O+",
        ),
        ([ABO_A], None),  # half a blood group is no blood group
        ([ABO_A, result("rh", "10331-7", {"text": "indéterminé"})], None),  # an Rh it cannot read
        (  # one ABO/Rh result says it all, and wins
            [ABO_A, RH_NEG, result("abo-rh", "882-1", coded("278149003", "Blood group A Rh(D) positive"))],
            "A+",
        ),
        (  # the latest typing wins
            [
                ABO_A,
                RH_NEG,
                result("rh-2", "10331-7", coded("165747007", "RhD positive"), "2026-03-10T06:00:00Z"),
            ],
            "A+",
        ),
    ],
)
def test_the_blood_group_from_its_parts(
    tmp_path: Path, results: list[dict[str, Any]], expected: str | None
) -> None:
    path = tmp_path / "s.sqlite"
    fill(path, [*LOCATIONS, patient("p1", "Martin", "M1"), encounter("e1", [at("b-12a")]), *results])
    with ContinuityStore.open(path, readonly=True) as store:
        (entry,) = [entry for unit in store.census(at=LATER) for entry in unit.patients]
        assert entry.blood_group == expected
        assert store.chart("p1", at=LATER).blood_group == expected
