"""Whatever order Locations, Patients and Encounters arrive in, in one refresh or several, the
census and the not-placed list are the same: a patient's place is resolved when the store is read."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.clinical.settings import HospitalSettings
from bascule.clinical.views import UnitCensus, UnplacedEntry
from bascule.snapshot.store import ContinuityStore
from bascule.sources.intake import Intake

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RECEIVED = datetime(2026, 4, 1, tzinfo=UTC)
SETTINGS = HospitalSettings(unit_locations={"dept-9": "cardio"}, unit_names={"cardio": "Cardiologie"})
# id -> (physicalType, partOf)
HIERARCHY: dict[str, tuple[str | None, str | None]] = {
    "site": ("si", None),
    "w-a": ("wa", "site"),
    "w-b": ("wa", "site"),
    "r-a1": ("ro", "w-a"),
    "b-a1x": ("bd", "r-a1"),
    "b-a1y": ("bd", "r-a1"),
    "r-b1": ("ro", "w-b"),
    "b-b1x": ("bd", "r-b1"),
    "dept-9": (None, None),
    "b-lone": ("bd", "site"),
}
PLACE_IDS = [*HIERARCHY, "ghost-bed"]


def _instant(seconds: int) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _location(rid: str) -> dict[str, Any]:
    code, part_of = HIERARCHY[rid]
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": rid,
        "meta": {"lastUpdated": _instant(0)},
        "name": rid.upper(),
    }
    if code:
        resource["physicalType"] = {"coding": [{"code": code}]}
    if part_of:
        resource["partOf"] = {"reference": f"Location/{part_of}"}
    return resource


entries = st.builds(
    lambda rid, status, code, start: {
        "location": {"reference": f"Location/{rid}"},
        **({"status": status} if status else {}),
        **({"physicalType": {"coding": [{"code": code}]}} if code else {}),
        **({"period": {"start": _instant(start)}} if start is not None else {}),
    },
    st.sampled_from(PLACE_IDS),
    st.sampled_from([None, "active", "active", "completed", "planned", "reserved"]),
    st.sampled_from([None, None, "bd", "ro", "wa"]),
    st.one_of(st.none(), st.integers(0, 5).map(lambda day: day * 86_400)),
)
encounters = st.builds(
    lambda patient, status, start, places, earlier: (patient, status, start, places, earlier),
    st.integers(0, 3),
    st.sampled_from(["in-progress", "in-progress", "arrived", "finished", "onleave"]),
    st.integers(0, 5).map(lambda day: day * 86_400),
    st.lists(entries, max_size=3),
    st.one_of(st.none(), st.lists(entries, max_size=2)),  # an older version with other places
)


def _resources(
    found: list[tuple[int, str, int, list[dict[str, Any]], list[dict[str, Any]] | None]], kept: list[str]
) -> list[dict[str, Any]]:
    resources = [_location(rid) for rid in kept]
    resources += [
        {
            "resourceType": "Patient",
            "id": f"p{number}",
            "meta": {"lastUpdated": _instant(1)},
            "name": [{"family": f"F{number}"}],
        }
        for number in range(4)
    ]
    for index, (patient, status, start, places, earlier) in enumerate(found):
        # Distinct versions: no two writes of one record are equally new.
        newest = {
            "resourceType": "Encounter",
            "id": f"e{index}",
            "meta": {"lastUpdated": _instant(1_000_000 + 10 * index)},
            "status": status,
            "subject": {"reference": f"Patient/p{patient}"},
            "period": {"start": _instant(start)},
            "location": places,
        }
        resources.append(newest)
        if earlier is not None:
            resources.append(
                {**newest, "meta": {"lastUpdated": _instant(900_000 + index)}, "location": earlier}
            )
    return resources


def _fill(path: Path, batches: list[list[dict[str, Any]]]) -> tuple[list[UnitCensus], list[UnplacedEntry]]:
    for batch in batches:
        intake = Intake(received_at=RECEIVED, settings=SETTINGS)
        for resource in batch:
            assert intake.take(resource), intake.rejects
        with ContinuityStore.open(path) as store:
            store.refresh(intake.records, data_time=intake.newest, refreshed_at=RECEIVED, settings=SETTINGS)
    with ContinuityStore.open(path, readonly=True) as store:
        return store.census(at=RECEIVED), store.unplaced()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(encounters, min_size=1, max_size=6),
    st.lists(st.sampled_from(list(HIERARCHY)), unique=True),
    st.randoms(use_true_random=False),
    st.lists(st.integers(1, 8), min_size=1, max_size=4),
)
def test_the_census_does_not_depend_on_arrival_order(
    found: list[tuple[int, str, int, list[dict[str, Any]], list[dict[str, Any]] | None]],
    kept: list[str],
    shuffler: Any,
    sizes: list[int],
) -> None:
    resources = _resources(found, kept)
    shuffled = list(resources)
    shuffler.shuffle(shuffled)
    batches, start = [], 0
    for size in sizes:
        batches.append(shuffled[start : start + size])
        start += size
    batches.append(shuffled[start:])
    with tempfile.TemporaryDirectory() as folder:
        expected = _fill(Path(folder) / "once.sqlite", [resources])
        assert _fill(Path(folder) / "shuffled.sqlite", batches) == expected
    census, unplaced = expected
    placed = [entry.patient_id for unit in census for entry in unit.patients]
    missing = [entry.patient_id for entry in unplaced]
    # Every patient with a current stay is in exactly one unit's census or on the not-placed list.
    current = {f"p{patient}" for patient, status, *_ in found if status != "finished"}
    assert sorted(placed + missing) == sorted(current)
