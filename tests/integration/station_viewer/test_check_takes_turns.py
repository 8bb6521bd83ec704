"""The viewer's inbox watcher and a `station check` run by hand check the same station: they take
turns (a flock in the private folder), so neither saves a state the other just superseded."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from datetime import timedelta
from pathlib import Path

from tests.integration.station_viewer.conftest import StationWorld

from bascule.durable import held_lock
from bascule.station.check import check_station


def test_a_check_waits_for_the_one_under_way(station_world: StationWorld, tmp_path: Path) -> None:
    root = tmp_path / "station"
    shutil.copytree(station_world.root, root, symlinks=True)
    world = dataclasses.replace(station_world, root=root)
    finished = threading.Event()

    def check() -> None:
        check_station(world.root, timedelta(hours=2))
        finished.set()

    with held_lock(root / ".station" / "check.lock"):
        worker = threading.Thread(target=check)
        worker.start()
        assert not finished.wait(1.0)  # held: the second check waits
    worker.join(timeout=60)
    assert finished.is_set()
