"""Importing a FHIR bulk export as real systems write one: what is kept, skipped, rejected, and when.

The export shapes follow the Bulk Data Access IG (the `$export` completion document with
`transactionTime` and `output[].type/url`, one resource per NDJSON line) and Synthea's bulk output
(UUID ids, no meta.lastUpdated, Claim / ExplanationOfBenefit / Immunization / Provenance files next
to the clinical ones).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bascule.clinical.records import LabResult
from bascule.errors import UserError
from bascule.snapshot.store import ContinuityStore, Reject
from bascule.sources.bulk import ImportReport, import_export

PATIENT_ID = "8f2b6a1e-3c1d-4b5e-9a7f-0c2d3e4f5a6b"
PATIENT: dict[str, Any] = {
    "resourceType": "Patient",
    "id": PATIENT_ID,
    "identifier": [
        {"system": "https://github.com/synthetichealth/synthea", "value": PATIENT_ID},
        {
            "type": {
                "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}],
                "text": "Medical Record Number",
            },
            "system": "http://hospital.smarthealthit.org",
            "value": PATIENT_ID,
        },
    ],
    "name": [{"use": "official", "family": "Kuhn96", "given": ["Jeffrey461"], "prefix": ["Mr."]}],
    "telecom": [{"system": "phone", "value": "555-170-2424", "use": "home"}],
    "gender": "male",
    "birthDate": "1951-03-02",
}


def glucose(rid: str, value: float) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}], "text": "Glucose"},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "effectiveDateTime": "2024-03-10T08:00:00+01:00",
        "issued": "2024-03-10T08:00:00.123+01:00",
        "valueQuantity": {
            "value": value,
            "unit": "mg/dL",
            "system": "http://unitsofmeasure.org",
            "code": "mg/dL",
        },
    }


NOT_USED: dict[str, dict[str, Any]] = {
    "Claim": {
        "resourceType": "Claim",
        "id": "c1",
        "status": "active",
        "patient": {"reference": f"Patient/{PATIENT_ID}"},
    },
    "ExplanationOfBenefit": {"resourceType": "ExplanationOfBenefit", "id": "e1", "status": "active"},
    "Immunization": {"resourceType": "Immunization", "id": "i1", "status": "completed"},
    "Provenance": {
        "resourceType": "Provenance",
        "id": "v1",
        "target": [{"reference": f"Patient/{PATIENT_ID}"}],
    },
    "DiagnosticReport": {"resourceType": "DiagnosticReport", "id": "d1", "status": "final"},
    "Device": {"resourceType": "Device", "id": "dv1"},
}
T_EXPORT = datetime(2024, 3, 11, 2, 0, tzinfo=UTC)


def write_lines(path: Path, items: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"".join(item if isinstance(item, bytes) else json.dumps(item).encode() + b"\n" for item in items)
    )


def synthea_export(folder: Path, glucose_value: float = 95.2) -> Path:
    write_lines(folder / "Patient.ndjson", [PATIENT])
    write_lines(folder / "Observation.ndjson", [glucose("obs-1", glucose_value), glucose("obs-2", 101.0)])
    for kind, resource in NOT_USED.items():
        write_lines(folder / f"{kind}.ndjson", [resource, {**resource, "id": resource["id"] + "b"}])
    return folder


def manifest(folder: Path, transaction_time: str, output: dict[str, str]) -> None:
    """The $export completion document as the Bulk Data IG shows it, saved next to the files."""
    document = {
        "transactionTime": transaction_time,
        "request": "https://ehr.example.org/fhir/$export?_type=Patient,Observation",
        "requiresAccessToken": True,
        "output": [
            {"type": kind, "url": f"https://ehr.example.org/files/{name}"} for name, kind in output.items()
        ],
        "error": [],
    }
    (folder / "export-status.json").write_text(json.dumps(document))


def run(folder: Path, store: Path) -> ImportReport:
    return import_export(folder, store)


def rows(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(store) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("patients", "lab_results")
        }


def test_types_bascule_does_not_use_are_skipped_per_type_not_rejected(tmp_path: Path) -> None:
    report = run(synthea_export(tmp_path / "export"), tmp_path / "s.sqlite")
    assert report.skipped == {kind: 2 for kind in NOT_USED}
    assert (report.kept, report.rejected, report.rejects) == (3, 0, [])
    assert report.received == {"Patient": 1, "Observation": 2}


def test_a_used_resource_in_the_file_of_an_unused_type_is_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write_lines(folder / "Claim.ndjson", [NOT_USED["Claim"], PATIENT])
    report = run(folder, tmp_path / "s.sqlite")
    assert (report.kept, report.skipped) == (1, {"Claim": 1})


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"resourceType": "Patient", "id": "p2", "name": [{"family": "Bro', Reject("Patient", None, "not JSON")),
        (b'{"resourceType": "Patient", "id": "p3", "name": [{"family": "Caf\xe9"}]}', Reject("Patient", None, "not UTF-8")),
        (b'{"resourceType": "Patient", "name": [{"family": "Nobody"}]}', Reject("Patient", None, "id is missing")),
        (b'{"id": "p5", "name": [{"family": "Untyped"}]}', Reject("unknown", "p5", "resourceType is missing or not a resource type Bascule keeps")),
        (b'{"resourceType": "patient", "id": "p6"}', Reject("patient", "p6", "resourceType is missing or not a resource type Bascule keeps")),
        (b'{"resourceType": "Patient", "id": "p7", "name": "Wrongtype"}', Reject("Patient", "p7", "name is not a list")),
        (b'["Patient"]', Reject("unknown", None, "the resource is not a JSON object")),
    ],
)  # fmt: skip
def test_rejects_name_the_real_reason_and_the_file_and_line(
    tmp_path: Path, line: bytes, expected: Reject
) -> None:
    folder = tmp_path / "export"
    write_lines(folder / "Patient.ndjson", [PATIENT, b"\n", line + b"\n"])
    report = run(folder, tmp_path / "s.sqlite")
    assert report.rejects == [
        Reject(expected.resource_type, expected.resource_id, expected.reason, "Patient.ndjson:3")
    ]
    assert (report.kept, report.rejected) == (1, 1)
    with ContinuityStore.open(tmp_path / "s.sqlite", readonly=True) as store:
        assert store.rejects() == report.rejects


def test_a_byte_order_mark_on_the_first_line_is_not_a_reject(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write_lines(folder / "Patient.ndjson", [b"\xef\xbb\xbf" + json.dumps(PATIENT).encode() + b"\n"])
    assert (run(folder, tmp_path / "s.sqlite").kept, run(folder, tmp_path / "t.sqlite").rejected) == (1, 0)


def test_the_same_export_imported_twice_writes_nothing_the_second_time(tmp_path: Path) -> None:
    folder, store = synthea_export(tmp_path / "export"), tmp_path / "s.sqlite"
    first = run(folder, store)
    before = rows(store)
    second = run(folder, store)
    assert first.written.total_written == 3
    assert (second.written.total_written, second.written.skipped_older) == (0, 3)
    assert rows(store) == before


def test_a_changed_resource_rewrites_its_row_only(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    run(synthea_export(tmp_path / "monday"), store)
    report = run(synthea_export(tmp_path / "tuesday", glucose_value=250.0), store)
    assert report.written.total_written == report.written.written["lab_results"] == 1
    assert report.written.skipped_older == 2
    with ContinuityStore.open(store, readonly=True) as opened:
        result = opened.get(LabResult, "obs-1")
        assert result is not None and result.value == 250.0


def test_the_export_transaction_time_is_the_data_time(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    # Files named by the server, not by type: the manifest says what each holds.
    write_lines(
        folder / "patient_file_1.ndjson", [{**PATIENT, "meta": {"lastUpdated": "2024-03-09T10:00:00Z"}}]
    )
    write_lines(folder / "observation_file_1.ndjson", [glucose("obs-1", 95.2), NOT_USED["Claim"]])
    manifest(
        folder,
        "2024-03-11T03:00:00+01:00",
        {"patient_file_1.ndjson": "Patient", "observation_file_1.ndjson": "Observation"},
    )
    report = run(folder, tmp_path / "s.sqlite")
    assert (report.data_time, report.data_time_from) == (T_EXPORT, "transactionTime")
    assert report.store_data_time == T_EXPORT and report.kept == 2 and report.skipped == {"Claim": 1}


def test_without_a_manifest_the_newest_last_updated_is_the_data_time(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    write_lines(
        folder / "Observation.ndjson",
        [
            {
                **glucose("obs-1", 95.2),
                "meta": {"versionId": "3", "lastUpdated": "2024-03-10T07:15:00.120+00:00"},
            },
            {**glucose("obs-2", 99.0), "meta": {"versionId": "1", "lastUpdated": "2024-03-09T07:15:00Z"}},
            glucose("obs-3", 120.0),
        ],
    )
    report = run(folder, tmp_path / "s.sqlite")
    assert report.data_time == datetime(2024, 3, 10, 7, 15, 0, 120000, tzinfo=UTC)
    assert report.data_time_from == "lastUpdated"


def test_a_source_without_any_time_leaves_the_data_time_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    dated = tmp_path / "dated"
    write_lines(dated / "Patient.ndjson", [{**PATIENT, "meta": {"lastUpdated": "2024-03-10T07:00:00Z"}}])
    run(dated, store)
    report = run(synthea_export(tmp_path / "undated"), store)
    assert (report.data_time, report.data_time_from) == (None, None)
    assert report.store_data_time == datetime(2024, 3, 10, 7, 0, tzinfo=UTC)


def test_the_data_time_never_moves_back(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    newer, older = synthea_export(tmp_path / "newer"), synthea_export(tmp_path / "older")
    manifest(
        newer, "2024-03-11T02:00:00Z", {"Patient.ndjson": "Patient", "Observation.ndjson": "Observation"}
    )
    manifest(
        older, "2024-03-01T02:00:00Z", {"Patient.ndjson": "Patient", "Observation.ndjson": "Observation"}
    )
    run(newer, store)
    report = run(older, store)
    assert report.data_time == datetime(2024, 3, 1, 2, 0, tzinfo=UTC) and report.store_data_time == T_EXPORT


def test_an_older_export_never_overwrites_what_a_newer_one_said(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    newer = synthea_export(tmp_path / "newer", glucose_value=250.0)
    older = synthea_export(tmp_path / "older", glucose_value=95.2)
    manifest(newer, "2024-03-11T02:00:00Z", {"Observation.ndjson": "Observation"})
    manifest(older, "2024-03-01T02:00:00Z", {"Observation.ndjson": "Observation"})
    run(newer, store)
    assert run(older, store).written.total_written == 0
    with ContinuityStore.open(store, readonly=True) as opened:
        result = opened.get(LabResult, "obs-1")
        assert result is not None and result.value == 250.0


def test_a_manifest_naming_data_no_file_holds_is_refused(tmp_path: Path) -> None:
    folder = synthea_export(tmp_path / "export")
    manifest(
        folder,
        "2024-03-11T02:00:00Z",
        {"Patient.ndjson": "Patient", "MedicationRequest_1.ndjson": "MedicationRequest"},
    )
    with pytest.raises(UserError, match=r"lists MedicationRequest data that no \.ndjson file"):
        run(folder, tmp_path / "s.sqlite")
    assert not (tmp_path / "s.sqlite").exists()


def test_a_manifest_with_an_unreadable_transaction_time_is_refused(tmp_path: Path) -> None:
    folder = synthea_export(tmp_path / "export")
    manifest(folder, "yesterday", {"Patient.ndjson": "Patient"})
    with pytest.raises(UserError, match="no readable transactionTime"):
        run(folder, tmp_path / "s.sqlite")
