"""A fresh station folder for the station tests (unit and integration): one key set, `station init`."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from bascule.snapshot.keys import new_key_set
from bascule.station.state import init_station

# Tests check behaviour, not argon2's cost: the cheapest parameters keep 50 hashes well under a second.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def make_station(root: Path, hospital: str = "chvo") -> Path:
    keys = new_key_set("cell", root / "keys")
    station = root / "station"
    init_station(station, hospital, [keys.public_key], keys.identity)
    return station
