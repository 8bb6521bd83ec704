"""What the readers now keep goes back out in the export and reads back as the same record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bascule.clinical import Activity, Allergy, LabResult, Patient, Problem
from bascule.clinical.records import NO_KNOWN_ALLERGY, ClinicalRecord, PersonName
from bascule.sources.fhir_export import to_resource
from bascule.sources.fhir_records import to_record

V = "2026-03-10T07:00:00.000000Z"
AT = datetime(2026, 3, 10, 6, tzinfo=UTC)
RESULT = {"version": V, "patient_id": "p1", "effective_at": AT}

RECORDS: list[ClinicalRecord] = [
    LabResult(id="r1", code="10839-9", label="Troponin I", value=0.01, comparator="<", unit="ng/mL", category="laboratory", range_text="<=0.04 ng/mL", flag="AA", **RESULT),
    LabResult(id="r2", code="text:Gram stain", label="Gram stain", value_text="Gram-positive cocci", **RESULT),
    LabResult(id="r3", code="2524-7", label="Lactate", absent_reason="not-performed", **RESULT),
    LabResult(id="r4", code="x", label="Sampled", absent_reason="see-source", **RESULT),
    LabResult(id="r5", code="y", label="Consent", value_boolean=True, status="preliminary", **RESULT),
    Patient(id="p1", version=V, family="Smith", given="John", prefix="Mr", suffix="Jr.", mrn="M1",
            names=(PersonName("Smith", "John", "official"), PersonName("Smyth", "John", "old")),
            phone="+33199000001", phones=("+33199000001", "+33639980002"), postcode="91100"),
    Allergy(id="a1", version=V, patient_id="p1", substance="Penicillins", code="764146007", category="medication,food", reaction="Hives, Anaphylaxis", severity="severe", kind="allergy", criticality="high"),
    Allergy(id="a2", version=V, patient_id="p1", substance="Latex", status="refuted"),
    Allergy(id="a3", version=V, patient_id="p1", substance="No known allergy", code="716186003", status=NO_KNOWN_ALLERGY),
    Problem(id="c1", version=V, patient_id="p1", label="Type 2 diabetes", code="44054006", category="problem-list-item"),
    Activity(id="ap1", version=V, patient_id="p1", kind="consultation", start=AT, practitioner_display="Dr Ana Souza"),
    Activity(id="ap2", version=V, patient_id="p1", kind="consultation", start=AT, practitioner_id="d1", practitioner_display="Dr Martin"),
]  # fmt: skip


@pytest.mark.parametrize("record", RECORDS, ids=[record.id for record in RECORDS])
def test_an_exported_record_reads_back_the_same(record: ClinicalRecord) -> None:
    assert to_record(to_resource(record), "unused") == record
