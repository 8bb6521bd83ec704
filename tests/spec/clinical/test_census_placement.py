"""Where the census puts a patient, from Encounter and Location resources as real EHRs export them.

FHIR R4 Encounter.location is a list of {location, status (planned | active | reserved |
completed), period, physicalType}: Epic lists the department (often without physicalType), Oracle
Health (Cerner) the nurse unit, room and bed, and a transfer leaves the completed bed before the
active one. Location.partOf links a bed to its room and ward (physicalType bd, ro, wa).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bascule.clinical.records import Stay
from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_fields import Reading
from bascule.sources.fhir_records import to_record
from bascule.sources.intake import Intake

DATA_TIME = "2026-03-10T08:00:00Z"
AT = datetime(2026, 3, 10, 8, tzinfo=UTC)
RECEIVED = datetime(2026, 3, 10, 9, tzinfo=UTC)
PHYSICAL = "http://terminology.hl7.org/CodeSystem/location-physical-type"


def location(rid: str, name: str, code: str | None, part_of: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": rid,
        "meta": {"lastUpdated": "2026-01-01T00:00:00Z"},
        "status": "active",
        "name": name,
        "mode": "instance",
    }
    if code is not None:
        resource["physicalType"] = {"coding": [{"system": PHYSICAL, "code": code}]}
    if part_of is not None:
        resource["partOf"] = {"reference": f"Location/{part_of}"}
    return resource


LOCATIONS = [
    location("hop", "Hôpital Nord", "si"),
    location("w-card", "Cardiologie", "wa", "hop"),
    location("w-neuro", "Neurologie", "wa", "hop"),
    location("r-12", "12", "ro", "w-card"),
    location("b-12a", "12A", "bd", "r-12"),
    location("b-12b", "12B", "bd", "r-12"),
    location("r-3", "3", "ro", "w-neuro"),
    location("b-3a", "3A", "bd", "r-3"),
    location("b-hall", "Couloir 1", "bd", "hop"),  # a bed with no ward above it
    location("E1001", "EMH 4 WEST", None),  # an Epic department: no physicalType, no partOf
]


def patient(rid: str, family: str, mrn: str) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": rid,
        "meta": {"lastUpdated": "2026-03-01T00:00:00Z"},
        "identifier": [{"type": {"coding": [{"code": "MR"}]}, "value": mrn}],
        "name": [{"family": family, "given": ["Anne"]}],
        "birthDate": "1950-02-01",
    }


def encounter(
    rid: str,
    places: list[dict[str, Any]],
    *,
    subject: str = "p1",
    start: str = "2026-03-09T10:00:00Z",
    status: str = "in-progress",
    updated: str = DATA_TIME,
) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "id": rid,
        "meta": {"lastUpdated": updated},
        "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": f"Patient/{subject}"},
        "period": {"start": start},
        "location": places,
    }


def at(rid: str, status: str | None = "active", **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"location": {"reference": f"Location/{rid}"}, **fields}
    if status is not None:
        entry["status"] = status
    return entry


def fill(path: Path, *batches: list[dict[str, Any]], settings: HospitalSettings | None = None) -> None:
    """Write each batch of resources as one refresh, in the order given."""
    for batch in batches:
        intake = Intake(received_at=RECEIVED, settings=settings or HospitalSettings())
        for resource in batch:
            assert intake.take(resource), intake.rejects
        with ContinuityStore.open(path) as store:
            store.refresh(
                intake.records,
                data_time=intake.newest,
                refreshed_at=RECEIVED,
                settings=settings or HospitalSettings(),
            )


def where(path: Path, patient_id: str = "p1") -> tuple[str, str | None, str | None] | str | None:
    """(unit, room, bed) of the patient in the census; else the place the not-placed list gives."""
    with ContinuityStore.open(path, readonly=True) as store:
        for unit in store.census(at=AT):
            for entry in unit.patients:
                if entry.patient_id == patient_id:
                    return unit.unit_id, entry.room, entry.bed
        missing = {entry.patient_id: entry for entry in store.unplaced()}
    assert patient_id in missing, "a patient with a current stay is in the census or in the not placed list"
    return f"not placed: {missing[patient_id].source_place}"


CASES: list[tuple[str, list[dict[str, Any]], Any]] = [
    ("Oracle Health: bed, room, nurse unit", [at("b-12a"), at("r-12"), at("w-card")], ("w-card", "12", "12A")),
    ("listed ward first", [at("w-card", None), at("r-12", None), at("b-12a", None)], ("w-card", "12", "12A")),
    ("ward only (Cerner nurse unit)", [at("w-neuro")], ("w-neuro", None, None)),
    ("room only", [at("r-3")], ("w-neuro", "3", None)),
    (
        "a completed bed before the active one (transfer)",
        [
            at("b-12a", "completed", period={"start": "2026-03-09T10:00:00Z", "end": "2026-03-09T18:00:00Z"}),
            at("b-3a", "active", period={"start": "2026-03-09T18:00:00Z"}),
        ],
        ("w-neuro", "3", "3A"),
    ),
    (
        "the active bed listed first, the completed one after",
        [at("b-3a", "active"), at("b-12a", "completed")],
        ("w-neuro", "3", "3A"),
    ),
    (
        "two active beds: the later period wins",
        [
            at("b-3a", period={"start": "2026-03-09T10:00:00Z"}),
            at("b-12b", period={"start": "2026-03-09T20:00:00+01:00"}),
        ],
        ("w-card", "12", "12B"),
    ),
    ("a planned and a reserved bed are not where one lies", [at("w-card"), at("b-3a", "planned"), at("b-12a", "reserved")], ("w-card", None, None)),
    ("only a completed bed", [at("b-12a", "completed")], "not placed: b-12a"),
    (
        "an active entry whose period ended before the data time",
        [at("b-12a", period={"start": "2026-03-01T00:00:00Z", "end": "2026-03-05T00:00:00Z"})],
        "not placed: b-12a",
    ),
    (
        "a bed Location never exported, the ward beside it",
        [
            {
                "location": {"reference": "Location/b-ghost", "display": "Lit 7"},
                "physicalType": {"coding": [{"system": PHYSICAL, "code": "bd"}]},
                "status": "active",
            },
            at("w-card"),
        ],
        ("w-card", None, "Lit 7"),
    ),
    (
        "a bed Location never exported, alone",
        [{"location": {"reference": "Location/b-ghost", "display": "Lit 7"}, "status": "active"}],
        "not placed: b-ghost (Lit 7)",
    ),
    ("a bed with no ward above it", [at("b-hall")], "not placed: b-hall"),
    ("an Epic department no unit names", [at("E1001")], "not placed: E1001"),
    ("a place named by its display only", [{"location": {"display": "Couloir des urgences"}}], "not placed: Couloir des urgences"),
    ("no location at all", [], "not placed: None"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("places", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_where_an_encounter_puts_its_patient(
    tmp_path: Path, places: list[dict[str, Any]], expected: Any
) -> None:
    path = tmp_path / "s.sqlite"
    fill(path, [*LOCATIONS, patient("p1", "Martin", "M1"), encounter("e1", places)])
    assert where(path) == expected


MAPPED = HospitalSettings(
    unit_locations={"E1001": "cardio", "w-card": "cardio", "b-12b": "usic"},
    unit_names={"cardio": "Cardiologie (carte)", "usic": "Soins intensifs cardiologiques"},
)


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        ([at("E1001")], ("cardio", None, None)),
        ([at("b-12a"), at("r-12"), at("w-card")], ("cardio", "12", "12A")),
        ([at("b-12b")], ("usic", "12", "12B")),  # the map names the bed itself: not the ward above it
        # A ward the map does not name is no unit once the map declares its units: the patient is
        # "not placed", on every kit and in the import's count, so that the map gets the ward.
        ([at("b-3a")], "not placed: b-3a"),
    ],
)
def test_the_map_names_the_location_codes_of_its_units(
    tmp_path: Path, places: list[dict[str, Any]], expected: Any
) -> None:
    path = tmp_path / "s.sqlite"
    fill(path, [*LOCATIONS, patient("p1", "Martin", "M1"), encounter("e1", places)], settings=MAPPED)
    assert where(path) == expected
    with ContinuityStore.open(path, readonly=True) as store:
        names = {unit.id: unit.name for unit in store.units()}
    assert names["cardio"] == "Cardiologie (carte)" and "w-card" not in names
    assert names["usic"] == "Soins intensifs cardiologiques"


def test_a_location_arriving_after_its_encounter_places_the_patient(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    fill(path, [patient("p1", "Martin", "M1"), encounter("e1", [at("b-12a")])])
    assert where(path) == "not placed: b-12a"
    fill(path, LOCATIONS)
    assert where(path) == ("w-card", "12", "12A")


@pytest.mark.parametrize(
    ("older", "newer", "expected"),
    [
        # The newer stay's unit sorts after the older one's: the latest stay wins all the same.
        (("e-old", "2026-03-01T10:00:00Z", DATA_TIME), ("e-new", "2026-03-09T10:00:00Z", DATA_TIME), "w-neuro"),
        (("e-new", "2026-03-09T10:00:00Z", DATA_TIME), ("e-old", "2026-03-01T10:00:00Z", DATA_TIME), "w-card"),
        # Same start: the newer version.
        (("e-1", "2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"), ("e-2", "2026-03-09T10:00:00Z", DATA_TIME), "w-neuro"),
    ],
)  # fmt: skip
def test_of_two_open_stays_the_latest_wins(
    tmp_path: Path, older: tuple[str, str, str], newer: tuple[str, str, str], expected: str
) -> None:
    path = tmp_path / "s.sqlite"
    first = encounter(older[0], [at("w-card")], start=older[1], updated=older[2])
    second = encounter(newer[0], [at("w-neuro")], start=newer[1], updated=newer[2])
    fill(path, [*LOCATIONS, patient("p1", "Martin", "M1"), first, second])
    assert where(path) == (expected, None, None)
    with ContinuityStore.open(path, readonly=True) as store:
        assert sum(unit.occupied for unit in store.census(at=AT)) == 1


@pytest.mark.parametrize(
    ("status", "stored", "current"),
    [
        ("planned", "planned", False),
        ("arrived", "arrived", True),
        ("triaged", "triaged", True),
        ("in-progress", "in-progress", True),
        ("onleave", "onleave", True),
        ("finished", "finished", False),
        ("cancelled", "cancelled", False),
        ("entered-in-error", "entered-in-error", False),
        ("unknown", "unknown", False),
        # R5 codes and vendor spellings
        ("on-hold", "onleave", True),
        ("discharged", "finished", False),
        ("completed", "finished", False),
        ("discontinued", "finished", False),
        ("In Progress", "in-progress", True),
        ("in_progress", "in-progress", True),
        ("InProgress", "in-progress", True),
        ("FINISHED", "finished", False),
    ],
)
def test_encounter_status_spellings(status: str, stored: str, current: bool) -> None:
    reading = Reading()
    stay = to_record(encounter("e1", [at("w-card")], status=status), DATA_TIME, reading)
    assert isinstance(stay, Stay)
    assert (stay.status, stay.is_current) == (stored, current)
    assert reading.warnings == []


def test_an_unknown_encounter_status_is_kept_out_of_the_census_with_a_warning() -> None:
    reading = Reading()
    stay = to_record(encounter("e1", [at("w-card")], status="admitted-ish"), DATA_TIME, reading)
    assert isinstance(stay, Stay) and stay.status == "unknown" and not stay.is_current
    assert reading.warnings == ["status is not a known Encounter status"]


def test_an_hl7_point_of_care_is_mapped_like_a_location(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    hl7 = Stay(
        id="hl7-visit-V1",
        version="2026-03-10T07:00:00.000000Z",
        patient_id="p1",
        unit_id="3W",
        room="301",
        bed="A",
    )
    fill(path, [patient("p1", "Martin", "M1")], settings=HospitalSettings(unit_locations={"3W": "cardio"}))
    with ContinuityStore.open(path) as store:
        store.write([hl7])
    assert where(path) == ("cardio", "301", "A")
    fill(path, [], settings=HospitalSettings())
    assert where(path) == ("3W", "301", "A")  # no map: the point of care is the unit


ATTENDING_CASES = [
    (
        "identifier only (a Practitioner the EHR does not export)",
        {"identifier": {"system": "urn:oid:1.2.250.1.71.4.2.1", "value": "10003456789"}, "display": "Dr Claire Morel"},
        (None, "Dr Claire Morel"),
    ),
    ("identifier without display", {"identifier": {"value": "10003456789"}}, (None, "10003456789")),
    ("a reference with its display", {"reference": "Practitioner/d9", "display": "Dr Jean Petit"}, ("d9", "Dr Jean Petit")),
    ("a PractitionerRole", {"reference": "PractitionerRole/r1", "display": "Dr Jean Petit, cardiologue"}, (None, "Dr Jean Petit, cardiologue")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("individual", "expected"), [c[1:] for c in ATTENDING_CASES], ids=[c[0] for c in ATTENDING_CASES]
)
def test_the_attending_known_by_name_only_is_kept_as_its_name(
    tmp_path: Path, individual: dict[str, Any], expected: tuple[str | None, str | None]
) -> None:
    resource = encounter("e1", [at("w-card")])
    resource["participant"] = [
        {"type": [{"coding": [{"code": "ADM"}]}], "individual": {"reference": "Practitioner/d1"}},
        {"type": [{"coding": [{"code": "ATND"}]}], "individual": individual},
    ]
    stay = to_record(resource, DATA_TIME)
    assert isinstance(stay, Stay) and (stay.attending_id, stay.attending_display) == expected
    path = tmp_path / "s.sqlite"
    fill(path, [*LOCATIONS, patient("p1", "Martin", "M1"), resource])
    with ContinuityStore.open(path, readonly=True) as store:
        (entry,) = [entry for unit in store.census(at=AT) for entry in unit.patients]
    assert entry.attending == expected[1]  # no Practitioner record: the name the source gave


def test_a_practitioner_record_names_the_attending_before_the_display(tmp_path: Path) -> None:
    resource = encounter("e1", [at("w-card")])
    resource["participant"] = [{"individual": {"reference": "Practitioner/d9", "display": "PETIT J"}}]
    doctor = {"resourceType": "Practitioner", "id": "d9", "name": [{"family": "Petit", "given": ["Jean"]}]}
    path = tmp_path / "s.sqlite"
    fill(path, [*LOCATIONS, patient("p1", "Martin", "M1"), resource, doctor])
    with ContinuityStore.open(path, readonly=True) as store:
        (entry,) = [entry for unit in store.census(at=AT) for entry in unit.patients]
    assert entry.attending == "Jean Petit"


def test_a_related_person_is_never_the_attending() -> None:
    resource = encounter("e1", [at("w-card")])
    resource["participant"] = [{"individual": {"reference": "RelatedPerson/rp1", "display": "Mother"}}]
    stay = to_record(resource, DATA_TIME)
    assert isinstance(stay, Stay) and (stay.attending_id, stay.attending_display) == (None, None)
