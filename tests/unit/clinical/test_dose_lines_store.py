"""Dose lines in the continuity store: the MAR yields each line's doses, only for orders to give, and
every dose-line field survives the store and a FHIR export read back."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bascule.clinical import (
    Administration,
    CareLocation,
    DoseLine,
    HospitalSettings,
    MedicationOrder,
    Patient,
    Stay,
    version_stamp,
)
from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_export import to_resource
from bascule.sources.fhir_fields import Reading
from bascule.sources.fhir_records import to_record

T0 = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
V1 = version_stamp(T0)
PARIS = HospitalSettings(timezone="Europe/Paris")


def two_lines(rid: str, **fields: object) -> MedicationOrder:
    """2 tablets at 08:00 and 1 at 18:00 (Paris), as Epic sends it: two dose lines."""
    return MedicationOrder(
        id=rid,
        version=V1,
        patient_id="p1",
        drug="Metformine 500 mg",
        lines=(
            DoseLine(dose_low=2, dose_unit="cp", times=(time(8),)),
            DoseLine(dose_low=1, dose_unit="cp", times=(time(18),)),
        ),
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(tmp_path: Path) -> ContinuityStore:
    opened = ContinuityStore.open(tmp_path / "store.sqlite")
    opened.set_meta(timezone="Europe/Paris")
    opened.write(
        [
            CareLocation(id="cardio", version=V1, name="Cardiologie", kind="unit"),
            Patient(id="p1", version=V1, family="Durand"),
            Stay(id="s1", version=V1, patient_id="p1", unit_id="cardio", admitted_at=T0 - timedelta(days=1)),
            two_lines("given"),
            two_lines("proposed", intent="proposal"),
            two_lines("held", status="on-hold"),
            MedicationOrder(
                id="prn",
                version=V1,
                patient_id="p1",
                drug="Paracétamol",
                lines=(DoseLine(as_needed=True, times=(time(8),)),),
            ),
            Administration(
                id="ad1",
                version=V1,
                patient_id="p1",
                order_id="given",
                drug="Metformine 500 mg",
                given_at=datetime(2026, 3, 10, 7, 10, tzinfo=UTC),
            ),
        ]
    )
    return opened


def test_each_line_is_due_at_its_own_time_with_its_own_dose(store: ContinuityStore) -> None:
    doses = store.medication_schedule(
        datetime(2026, 3, 10, 0, tzinfo=UTC), datetime(2026, 3, 11, 0, tzinfo=UTC)
    )
    assert [(d.order.id, d.due_at.hour, d.line.dose_low, d.given_at is not None) for d in doses] == [
        ("given", 7, 2, True),
        ("given", 17, 1, False),
    ]


def test_an_old_stores_order_reads_as_its_single_line(store: ContinuityStore) -> None:
    store.write(
        [
            MedicationOrder(
                id="flat", version=V1, patient_id="p1", drug="Furosemide", dose_value=40, times=(time(14),)
            )
        ]
    )
    (line,) = next(o for o in store.chart("p1").orders if o.id == "flat").dose_lines
    assert (line.dose_low, line.times, line.kind) == (40, (time(14),), "scheduled")


ROUND_TRIP = [
    MedicationOrder(
        id="everything",
        version="2026-03-10T06:00:00.000000Z",
        patient_id="p1",
        drug="Héparine",
        drug_code="B01AB01",
        # The flat fields say the first line, as the FHIR reader fills them.
        dose_value=5000,
        dose_unit="UI",
        route="intravenous",
        frequency="bolus puis PSE",
        status="active",
        intent="order",
        start=T0,
        end=T0 + timedelta(days=10),
        prescriber="Dr Marie Curie",
        lines=(
            DoseLine(
                text="bolus puis PSE",
                patient_instruction="ne pas arrêter",
                dose_low=5000,
                dose_unit="UI",
                route="intravenous",
                method="Push",
                timing="once",
                events=(T0 + timedelta(hours=1),),
                start=T0,
                end=T0 + timedelta(days=10),
            ),
            DoseLine(
                dose_low=1,
                dose_high=2,
                dose_unit="cp",
                rate_value=500,
                rate_unit="UI/h",
                timing="QOD",
                times=(time(9), time(21)),
                every_days=2,
                start=T0 + timedelta(days=1),
                end=T0 + timedelta(days=10),
                count=6,
            ),
            DoseLine(
                timing="1×/1 wk", times=(time(10),), weekdays=(1, 4), start=T0, end=T0 + timedelta(days=10)
            ),
            DoseLine(timing="1×/36 h", text="selon taux", start=T0, end=T0 + timedelta(days=3)),
            DoseLine(
                as_needed=True,
                as_needed_reason="douleur",
                max_dose_value=4,
                max_dose_unit="g",
                max_period_value=24,
                max_period_unit="h",
                start=T0,
                end=T0 + timedelta(days=10),
            ),
        ),
    ),
    Administration(
        id="infusion",
        version="2026-03-10T06:00:00.000000Z",
        patient_id="p1",
        drug="NaCl 0.9 %",
        given_at=T0,
        ended_at=T0 + timedelta(hours=8),
        order_id="everything",
        dose_value=1000,
        dose_unit="mL",
        rate_value=125,
        rate_unit="mL/h",
        dosage_text="1 L sur 8 h",
        route="intravenous",
        status="not-done",
        status_reason="voie veineuse perdue",
        performer="IDE Durand",
    ),
]


@pytest.mark.parametrize("record", ROUND_TRIP, ids=lambda record: record.id)
def test_every_field_survives_the_store_and_a_fhir_export(
    record: MedicationOrder | Administration, store: ContinuityStore
) -> None:
    store.write([record])
    stored = next(r for r in store.records(type(record)) if r.id == record.id)
    assert stored == record
    exported = to_resource(stored)
    read_back = to_record(exported, "unused", Reading(PARIS))
    assert read_back == record
