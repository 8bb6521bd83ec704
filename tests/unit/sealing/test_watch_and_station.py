"""Continuous refresh with an injected pull, station copies and the station alarm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import encrypt_like_ransomware, make_store, set_data_time

from bascule.errors import NotFoundError
from bascule.snapshot.folder import BundleFolder
from bascule.snapshot.keys import KeySet, load_public_key, load_signing_key, parse_recipients
from bascule.snapshot.sealing import SealRequest
from bascule.snapshot.station import station_status
from bascule.snapshot.verify import verify_bundle
from bascule.snapshot.watch import RunReport, WatchPlan, watch

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(minutes=30)


def plan_for(tmp_path: Path, keys: KeySet, runs: int) -> tuple[WatchPlan, Path]:
    store = make_store(tmp_path / "store.sqlite")
    request = SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        tmp_path / "out",
        keep=2,
    )
    stations = (tmp_path / "ward-a", tmp_path / "usb" / "key-1")
    return WatchPlan(request, stations, timedelta(seconds=30), runs), store


def test_each_run_seals_and_reaches_every_station(tmp_path: Path, station_keys: KeySet) -> None:
    plan, store = plan_for(tmp_path, station_keys, 3)
    clock = Clock()
    minutes = iter(["01:00", "01:30", "02:00"])

    def refresh() -> None:
        set_data_time(store, f"2026-11-24T{next(minutes)}:00Z")

    reports: list[RunReport] = []
    tally = watch(plan, refresh, reports.append, clock=clock, sleep=clock.sleep)
    assert (tally.runs, tally.sealed, tally.source_failures) == (3, 3, 0)
    public = load_public_key(station_keys.public_key)
    for station in plan.stations:
        folder = BundleFolder(station)
        assert [n.sequence for n in folder.bundles()] == [2, 3]  # keep=2
        current = folder.current()
        assert current is not None and current.sequence == 3
        assert verify_bundle(station / current.archive, public).seal.data_time == T0 + timedelta(hours=1)


def test_a_failing_source_keeps_the_last_good_bundle_and_reports_its_age(
    tmp_path: Path, station_keys: KeySet
) -> None:
    plan, store = plan_for(tmp_path, station_keys, 4)
    clock = Clock()
    calls = {"n": 0}

    def refresh() -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise ConnectionError("EHR unreachable")
        set_data_time(store, "2026-11-24T01:00:00Z")

    reports: list[RunReport] = []
    tally = watch(plan, refresh, reports.append, clock=clock, sleep=clock.sleep)
    assert (tally.sealed, tally.source_failures) == (1, 3)
    assert [r.source_error for r in reports[1:]] == ["ConnectionError"] * 3  # the kind, never the text
    assert [r.data_age for r in reports] == [
        timedelta(0),
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(minutes=90),
    ]
    assert all(r.last_good is not None and r.last_good.sequence == 1 for r in reports)
    status = station_status(
        plan.stations[0],
        load_public_key(station_keys.public_key),
        timedelta(hours=2),
        now=clock.now + timedelta(hours=1),
    )
    assert status.stale and status.bundle is not None and status.bundle.sequence == 1


def test_a_quarantined_refresh_never_reaches_the_stations(tmp_path: Path, station_keys: KeySet) -> None:
    plan, store = plan_for(tmp_path, station_keys, 2)
    clock = Clock()
    runs = iter([lambda: None, lambda: encrypt_like_ransomware(store, 0.5)])
    reports: list[RunReport] = []
    watch(plan, lambda: next(runs)(), reports.append, clock=clock, sleep=clock.sleep)
    assert reports[1].outcome is not None and reports[1].outcome.quarantined
    assert [n.sequence for n in BundleFolder(plan.stations[0]).bundles()] == [1]


def test_station_status_fresh_stale_empty(tmp_path: Path, station_keys: KeySet) -> None:
    plan, _ = plan_for(tmp_path, station_keys, 1)
    clock = Clock()
    watch(plan, lambda: None, lambda report: None, clock=clock, sleep=clock.sleep)
    data_time = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    key = load_public_key(station_keys.public_key)
    fresh = station_status(plan.stations[0], key, timedelta(hours=2), now=data_time + timedelta(minutes=5))
    assert not fresh.stale and fresh.age == timedelta(minutes=5) and fresh.signature_checked
    assert station_status(plan.stations[0], key, timedelta(hours=2), now=data_time + timedelta(hours=3)).stale
    (tmp_path / "empty").mkdir()
    assert station_status(tmp_path / "empty", key).stale
    with pytest.raises(NotFoundError, match="does not exist"):
        station_status(tmp_path / "absent", key)


def test_reports_count_the_stations_reached(tmp_path: Path, station_keys: KeySet) -> None:
    plan, _ = plan_for(tmp_path, station_keys, 1)
    (tmp_path / "usb").write_text("a file where a folder should be")  # the USB key is not mounted
    clock = Clock()
    reports: list[RunReport] = []
    watch(plan, lambda: None, reports.append, clock=clock, sleep=clock.sleep)
    assert reports[0].stations_copied == 1 and [s for s, _ in reports[0].station_errors] == [plan.stations[1]]
