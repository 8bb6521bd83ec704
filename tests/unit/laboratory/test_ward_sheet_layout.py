"""A ward's results by patient reference, and the sheet's pages (pure): an unconfirmed critical
value is only counted, never carried to the sheet; a patient's heading never ends a page alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bascule.laboratory.samples.results import new_result
from bascule.laboratory.samples.ward import PatientResults, ward_results_of
from bascule.laboratory.samples.ward_sheet import paginated, sheet_lines

AT = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def result(sample: str, patient: str, flag: str = "normal", confirmed: bool = False):  # type: ignore[no-untyped-def]
    entered = new_result(
        sample=sample,
        patient=patient,
        test="test-kalium",
        value="6.9",
        unit="mmol/L",
        flag=flag,
        by="bio1",
        at=AT,
    )
    return replace(entered, confirmed_by="bio2", confirmed_at=AT) if confirmed else entered


def test_results_grouped_by_patient_with_unconfirmed_ones_counted() -> None:
    ward = ward_results_of(
        "urgences",
        [
            result("S1", "A"),
            result("S2", "B", "critical"),
            result("S3", "A", "critical", confirmed=True),
            result("S4", "A", "critical"),
        ],
    )
    assert [(p.patient, [r.sample for r in p.released], p.awaiting_confirmation) for p in ward.patients] == [
        ("A", ["S1", "S3"], 1),
        ("B", [], 1),
    ]
    assert ward.awaiting_confirmation == 2 and ward.released_count == 2


def test_an_unconfirmed_critical_value_cannot_be_on_the_sheet() -> None:
    with pytest.raises(ValueError, match="never printed"):
        PatientResults("A", (result("S1", "A", "critical"),), 0)


@pytest.mark.parametrize("patients", [1, 5, 16, 17, 18, 40])
def test_pages_keep_every_line_and_no_heading_ends_a_page(patients: int) -> None:
    ward = ward_results_of("urgences", [result(f"S{i}", f"P{i}") for i in range(patients)])
    lines = sheet_lines(ward)
    pages = paginated(lines)
    assert [line for page in pages for line in page] == lines
    assert all(page and page[-1].kind != "patient" for page in pages)
    assert len(pages) >= 1 + (patients > 17)


def test_an_empty_ward_says_so() -> None:
    assert [line.kind for line in sheet_lines(ward_results_of("urgences", []))] == ["none", "total"]
