import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bascule.clinical import (
    Activity,
    Administration,
    Allergy,
    CareLocation,
    LabResult,
    MedicationOrder,
    Patient,
    PersonName,
    Practitioner,
    Stay,
    version_stamp,
)
from bascule.errors import UserError
from bascule.snapshot.schema import MIGRATIONS, RECORD_TABLES, SCHEMA_VERSION, migrate
from bascule.snapshot.store import ContinuityStore, Reject

T0 = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
V1 = version_stamp(T0)
V2 = version_stamp(T0 + timedelta(minutes=5))


def ward() -> list:  # type: ignore[type-arg]
    return [
        CareLocation(id="cardio", version=V1, name="Cardiologie", kind="unit", site="main"),
        CareLocation(id="cardio-12", version=V1, name="12", kind="room", part_of="cardio"),
        CareLocation(id="cardio-12a", version=V1, name="12A", kind="bed", part_of="cardio-12"),
        CareLocation(id="cardio-12b", version=V1, name="12B", kind="bed", part_of="cardio-12"),
        Practitioner(id="dr1", version=V1, family="Martin", given="Claire", specialty="cardiology"),
        Patient(
            id="p1",
            version=V1,
            family="Durand",
            given="Anne",
            birth_date=date(1948, 5, 2),
            sex="female",
            mrn="MRN1",
            national_number="248052A00100042",
            national_system="INS",
            phone="+33 6 39 98 00 01",
            email="anne@example.org",
        ),
        Stay(
            id="s1",
            version=V1,
            patient_id="p1",
            bed_location_id="cardio-12a",
            admitted_at=T0 - timedelta(2),
            attending_id="dr1",
        ),
        Allergy(id="al1", version=V1, patient_id="p1", substance="Penicillin", criticality="high"),
        LabResult(
            id="bg1",
            version=V1,
            patient_id="p1",
            code="882-1",
            label="ABO/Rh",
            value_text="A-",
            effective_at=T0 - timedelta(days=400),
        ),
        LabResult(
            id="k1",
            version=V1,
            patient_id="p1",
            code="2823-3",
            label="Potassium",
            value=5.9,
            unit="mmol/L",
            low=3.5,
            high=5.1,
            flag="H",
            effective_at=T0 - timedelta(hours=3),
        ),
        LabResult(
            id="k0",
            version=V1,
            patient_id="p1",
            code="2823-3",
            label="Potassium",
            value=4.0,
            unit="mmol/L",
            low=3.5,
            high=5.1,
            flag="N",
            effective_at=T0 - timedelta(days=30),
        ),
        MedicationOrder(
            id="m1",
            version=V1,
            patient_id="p1",
            drug="Furosemide 40 mg",
            dose_value=40,
            dose_unit="mg",
            route="oral",
            times=(time(8), time(14), time(20)),
        ),
        MedicationOrder(id="m2", version=V1, patient_id="p1", drug="Morphine", as_needed=True),
        Administration(
            id="ad1",
            version=V1,
            patient_id="p1",
            order_id="m1",
            drug="Furosemide 40 mg",
            given_at=datetime(2026, 3, 10, 8, 10, tzinfo=UTC),
        ),
        Administration(
            id="ad0",
            version=V1,
            patient_id="p1",
            order_id="m1",
            drug="Furosemide 40 mg",
            given_at=T0 - timedelta(hours=30),
        ),
        Activity(
            id="act1",
            version=V1,
            patient_id="p1",
            kind="imaging",
            start=T0 + timedelta(days=1),
            unit_id="cardio",
            practitioner_id="dr1",
            urgency="urgent",
            description="Echocardiography",
        ),
    ]


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with ContinuityStore.open(tmp_path / "store.sqlite") as opened:
        opened.refresh(
            ward(), data_time=T0, refreshed_at=T0 + timedelta(minutes=1), source="test", hospital_id="h1"
        )
        yield opened


def test_the_file_honours_the_sealing_contract(store: ContinuityStore) -> None:
    connection = sqlite3.connect(store.path)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(RECORD_TABLES) <= tables
    assert all(name.startswith("store_") for name in tables - set(RECORD_TABLES))
    for table in RECORD_TABLES:
        columns = {row[1]: (row[2], row[5]) for row in connection.execute(f"PRAGMA table_info({table})")}
        assert columns["id"] == ("TEXT", 1)
        assert "version" in columns
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    meta = dict(connection.execute("SELECT key, value FROM store_meta"))
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert (meta["hospital_id"], meta["source"]) == ("h1", "test")
    assert meta["data_time"] == "2026-03-10T06:00:00.000000Z"
    assert meta["refreshed_at"] == "2026-03-10T06:01:00.000000Z"
    connection.close()
    assert store.counts()["lab_results"] == 3
    assert store.data_time == T0


def test_an_older_version_never_overwrites_a_newer_one(store: ContinuityStore) -> None:
    newer = Patient(id="p1", version=V2, family="Durand-Petit", given="Anne")
    assert store.write([newer]).written == {"patients": 1}
    older = Patient(id="p1", version=V1, family="Stale", given="Anne")
    result = store.write([older])
    assert result.skipped_older == 1
    stored = store.get(Patient, "p1")
    assert stored is not None and stored.family == "Durand-Petit"


def test_a_failed_refresh_changes_nothing(store: ContinuityStore) -> None:
    before = (store.counts(), store.meta())

    def records():  # type: ignore[no-untyped-def]
        yield Patient(id="p9", version=V2, family="New")
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        store.refresh(records(), data_time=T0 + timedelta(hours=1), refreshed_at=T0 + timedelta(hours=1))
    assert (store.counts(), store.meta()) == before


def test_data_time_never_goes_back(store: ContinuityStore) -> None:
    store.refresh(
        [],
        data_time=T0 - timedelta(hours=1),
        refreshed_at=T0 + timedelta(hours=2),
        rejects=[Reject("Patient", "x", "missing name")],
    )
    assert store.data_time == T0
    assert store.refreshed_at == T0 + timedelta(hours=2)
    assert store.rejects() == [Reject("Patient", "x", "missing name")]


def test_census_by_unit(store: ContinuityStore) -> None:
    (unit,) = store.census(at=T0)
    assert (unit.unit_id, unit.name, unit.beds, unit.occupied) == ("cardio", "Cardiologie", 2, 1)
    entry = unit.patients[0]
    assert (entry.room, entry.bed, entry.age, entry.has_allergy, entry.blood_group, entry.attending) == (
        "12",
        "12A",
        77,
        True,
        "A-",
        "Claire Martin",
    )


def test_a_discharged_patient_leaves_the_census(store: ContinuityStore) -> None:
    store.write(
        [
            Stay(
                id="s1",
                version=V2,
                patient_id="p1",
                status="finished",
                bed_location_id="cardio-12a",
                admitted_at=T0 - timedelta(2),
                discharged_at=T0,
            )
        ]
    )
    assert store.census(at=T0)[0].occupied == 0


def test_chart(store: ContinuityStore) -> None:
    chart = store.chart("p1", at=T0 + timedelta(hours=3))
    assert chart.patient.national_number == "248052A00100042" and chart.patient.mrn == "MRN1"
    assert chart.blood_group == "A-"
    assert [a.substance for a in chart.allergies] == ["Penicillin"]
    assert [o.id for o in chart.orders] == ["m1", "m2"]
    assert [a.id for a in chart.administrations] == ["ad1"]  # ad0 is older than 24 h
    assert [r.id for r in chart.results] == ["k1"]  # k0 is older than a week
    assert chart.attending is not None and chart.attending.id == "dr1"
    with pytest.raises(UserError, match="No patient nobody"):
        store.chart("nobody")


def test_medication_schedule_marks_given_doses(store: ContinuityStore) -> None:
    doses = store.medication_schedule(
        datetime(2026, 3, 10, 0, tzinfo=UTC), datetime(2026, 3, 10, 15, tzinfo=UTC)
    )
    assert [(d.due_at.hour, d.given_at is not None, d.bed) for d in doses] == [
        (8, True, "12A"),
        (14, False, "12A"),
    ]


def test_schedule_times_are_the_hospital_wall_clock(store: ContinuityStore) -> None:
    store.set_meta(timezone="Europe/Paris")
    doses = store.medication_schedule(
        datetime(2026, 3, 10, 0, tzinfo=UTC), datetime(2026, 3, 10, 10, tzinfo=UTC)
    )
    assert [d.due_at for d in doses] == [datetime(2026, 3, 10, 7, tzinfo=UTC)]


def test_activities_carry_the_patient_contact(store: ContinuityStore) -> None:
    (found,) = store.activities(T0, T0 + timedelta(days=2), kinds=["imaging"])
    assert (found.phone, found.email, found.practitioner) == (
        "+33 6 39 98 00 01",
        "anne@example.org",
        "Claire Martin",
    )
    assert store.activities(T0, T0 + timedelta(days=2), kinds=["surgery"]) == []
    assert [p.id for p in store.practitioners()] == ["dr1"]


def test_an_older_store_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=1)
    connection.close()
    with ContinuityStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.rejects() == []


def test_a_newer_store_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with ContinuityStore.open(path):
        pass
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(
        "UPDATE store_meta SET value = ? WHERE key = 'schema_version'", (str(len(MIGRATIONS) + 1),)
    )
    connection.close()
    before = path.read_bytes()
    with pytest.raises(UserError, match="newer Bascule"):
        ContinuityStore.open(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello " * 1000)
    with pytest.raises(UserError, match="not a readable continuity store"):
        ContinuityStore.open(path)


def test_read_only_stores_refuse_writes(store: ContinuityStore) -> None:
    with ContinuityStore.open(store.path, readonly=True) as reader:
        assert reader.counts() == store.counts()
        with pytest.raises(UserError, match="read-only"):
            reader.write([Patient(id="p2", version=V2, family="X")])


def test_records_withdrawn_by_the_source_are_not_shown(store: ContinuityStore) -> None:
    store.write(
        [
            Administration(
                id="ad1",
                version=V2,
                patient_id="p1",
                order_id="m1",
                drug="Furosemide 40 mg",
                given_at=datetime(2026, 3, 10, 8, 10, tzinfo=UTC),
                status="entered-in-error",
            ),
            LabResult(
                id="k1",
                version=V2,
                patient_id="p1",
                code="2823-3",
                label="Potassium",
                value=5.9,
                effective_at=T0 - timedelta(hours=3),
                status="entered-in-error",
            ),
            LabResult(
                id="bg2",
                version=V2,
                patient_id="p1",
                code="882-1",
                label="ABO/Rh",
                value_text="B+",
                effective_at=T0 - timedelta(days=1),
                status="entered-in-error",
            ),
            Allergy(id="al1", version=V2, patient_id="p1", substance="Penicillin", status="entered-in-error"),
        ]
    )
    chart = store.chart("p1", at=T0 + timedelta(hours=3))
    assert (chart.administrations, chart.results, chart.allergies, chart.blood_group) == ((), (), (), "A-")
    entry = store.census(at=T0)[0].patients[0]
    assert (entry.blood_group, entry.has_allergy) == ("A-", False)
    doses = store.medication_schedule(
        datetime(2026, 3, 10, 0, tzinfo=UTC), datetime(2026, 3, 10, 9, tzinfo=UTC)
    )
    assert [d.given_at for d in doses] == [None]


def test_every_name_phone_and_the_postcode_are_kept(store: ContinuityStore) -> None:
    claire = Patient(
        id="p1",
        version=V1,
        family="Martin",
        given="Claire",
        names=(PersonName("Martin", "Claire", "official"), PersonName("Lefèvre", "Claire Anne", "maiden")),
        phone="+33639980001",
        phones=("+33639980001", "+33199000002"),
        postcode="91100",
    )
    store.write([claire])
    assert store.get(Patient, "p1") == claire


def test_a_store_of_schema_4_keeps_its_patients_with_no_names_phones_or_postcode(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=4)
    connection.execute(
        "INSERT INTO patients (id, version, family, given, sex, phone) VALUES ('p1', ?, 'Martin', 'Claire', 'female', '+33639980001')",
        (V1,),
    )
    connection.close()
    with ContinuityStore.open(path) as opened:
        patient = opened.get(Patient, "p1")
    assert patient is not None
    assert (patient.family, patient.phone) == ("Martin", "+33639980001")
    assert (patient.names, patient.phones, patient.postcode) == ((), (), None)
