"""What the viewer shows as bundles arrive: a newer verified bundle replaces the one shown (and the
plaintext of the old one is wiped once no one reads it); a forged one never does and is reported;
old data stays shown under a red banner."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from tests.integration.station_viewer.conftest import StationWorld

from bascule.snapshot.bundle import signature_path
from bascule.station.viewer.library import Library
from bascule.station.viewer.texts import banner


@pytest.fixture()
def own_station(station_world: StationWorld, tmp_path: Path) -> StationWorld:
    """A copy of the station (state, accounts, inbox) this test may change."""
    root = tmp_path / "station"
    shutil.copytree(station_world.root, root, symlinks=True)
    return dataclasses.replace(station_world, root=root, clock_at=[])


def deliver(world: StationWorld, archive: Path) -> None:
    shutil.copy(archive, world.root / "inbox")
    shutil.copy(signature_path(archive), world.root / "inbox")


def test_a_newer_bundle_is_picked_up_and_the_old_copy_wiped(own_station: StationWorld) -> None:
    library = Library(own_station.root, timedelta(hours=2))
    try:
        first = library.refresh()
        assert first.facts is not None and first.picked_up_at is None
        with library.leased() as shown:
            assert shown is not None
            old_store = shown.store_path
            assert shown.index.get(own_station.inpatient.id) is not None
        deliver(own_station, own_station.seal_again())
        with library.leased() as reading:  # a request still reading the old copy keeps it
            status = library.refresh()
            assert status.facts is not None and status.facts.sequence > first.facts.sequence
            assert status.picked_up_at is not None
            assert reading is not None and reading.store_path == old_store and old_store.exists()
        assert not old_store.exists()
    finally:
        library.close()


def test_a_forged_bundle_is_refused_and_the_good_one_kept(own_station: StationWorld, tmp_path: Path) -> None:
    library = Library(own_station.root, timedelta(hours=2))
    try:
        shown = library.refresh().facts
        assert shown is not None
        genuine = own_station.seal_again()
        forged = tmp_path / genuine.name
        data = bytearray(genuine.read_bytes())
        data[len(data) // 2] ^= 0xFF
        forged.write_bytes(bytes(data))
        shutil.copy(signature_path(genuine), signature_path(forged))
        deliver(own_station, forged)
        status = library.refresh()
        assert status.facts == shown
        assert status.refused and status.refused[0].bundle == forged.name
        assert banner(status, own_station.now(), "fr").startswith("Données du")  # still the good one
    finally:
        library.close()


def test_old_data_is_shown_under_a_stale_banner(own_station: StationWorld) -> None:
    later = own_station.data_time + timedelta(hours=3, minutes=12)
    library = Library(own_station.root, timedelta(hours=2), clock=lambda: later)
    try:
        status = library.refresh()
        assert status.facts is not None and status.stale(later)
        text = banner(status, later, "fr")
        assert "il y a 3 h 12" in text and "PÉRIMÉES" in text
        assert "3 h 12 ago" in banner(status, later, "en")
    finally:
        library.close()


def test_closing_wipes_the_opened_copy(own_station: StationWorld) -> None:
    library = Library(own_station.root, timedelta(hours=2))
    library.refresh()
    with library.leased() as shown:
        assert shown is not None
        folder = shown.store_path.parent
    library.close()
    assert not folder.exists()


def test_an_older_bundle_offered_again_never_replaces_the_newer(own_station: StationWorld) -> None:
    library = Library(own_station.root, timedelta(hours=2))
    try:
        first = library.refresh().facts
        assert first is not None
        older = own_station.root / "inbox" / first.archive_name
        kept = own_station.cell / "kept-older"
        kept.mkdir(exist_ok=True)
        shutil.copy(older, kept)
        shutil.copy(signature_path(older), kept)
        deliver(own_station, own_station.seal_again())
        newer = library.refresh().facts
        assert newer is not None and newer.sequence > first.sequence
        for path in (own_station.root / "inbox").glob("bascule-*"):
            path.unlink()
        deliver(own_station, kept / first.archive_name)  # replayed, alone in the inbox
        assert library.refresh().facts == newer
    finally:
        library.close()
