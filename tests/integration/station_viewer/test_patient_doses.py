"""The patient page reads only its patient's doses (one patient's stay and orders, the bundle's
Locations read once) instead of the whole unit's schedule: the same doses, a 30th of the time on
1,000 inpatients (bench/station_viewer.py)."""

from __future__ import annotations

from datetime import timedelta

from bascule.snapshot.store import ContinuityStore

from .conftest import StationWorld


def test_one_patients_doses_are_those_of_the_unit_schedule(station_world: StationWorld) -> None:
    start = station_world.data_time.replace(minute=0, second=0)
    end = start + timedelta(hours=24)
    with ContinuityStore.open(station_world.cell / "store.sqlite", readonly=True) as store:
        places = store.places()
        census = store.census(at=station_world.data_time)
        checked = with_doses = 0
        for unit in census:
            schedule = store.medication_schedule(start, end, unit.unit_id)
            for entry in unit.patients:
                expected = [dose for dose in schedule if dose.order.patient_id == entry.patient_id]
                alone = store.medication_schedule(start, end, unit.unit_id, patient_id=entry.patient_id)
                placed = store.medication_schedule(
                    start, end, unit.unit_id, patient_id=entry.patient_id, places=places
                )
                assert alone == expected == placed, entry.patient_id
                checked += 1
                with_doses += bool(expected)
            other = next(u.unit_id for u in census if u.unit_id != unit.unit_id)
            if unit.patients:  # a patient asked under another unit has no dose there
                first = unit.patients[0].patient_id
                assert store.medication_schedule(start, end, other, patient_id=first) == []
    assert checked > 20 and with_doses > 10
