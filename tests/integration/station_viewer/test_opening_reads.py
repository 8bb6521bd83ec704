"""Opening a bundle reads the current stays once for the search directory and the units: the same
directory and the same units as read apart."""

from __future__ import annotations

from bascule.snapshot.store import ContinuityStore

from .conftest import StationWorld


def test_directory_and_units_at_once_are_those_read_apart(station_world: StationWorld) -> None:
    with ContinuityStore.open(station_world.cell / "store.sqlite", readonly=True) as store:
        directory, units = store.directory_and_units()
        assert directory == store.patient_directory()
        assert units == store.units()
    assert len(units) >= 3 and sum(entry.current is not None for entry in directory) > 20
