"""Whatever versions and contents arrive, in any order and batches, the store holds what the rule
of bascule.snapshot.versions says, computed here by a plain model written from its docstring."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.clinical.records import Patient
from bascule.snapshot.rows import MAPPINGS
from bascule.snapshot.store import ContinuityStore
from bascule.snapshot.versions import content_version

# (kind, hour, content): kind "time" | "dated" | "undated"
Arrival = tuple[str, int, str]
arrivals = st.tuples(st.sampled_from(["time", "dated", "undated"]), st.integers(0, 3), st.sampled_from("ABC"))


def stamp(hour: int) -> str:
    return f"2024-03-10T{hour:02d}:00:00.000000Z"


def record(arrival: Arrival) -> Patient:
    kind, hour, content = arrival
    draft = Patient(id="p1", version="draft", family=content)
    kept = MAPPINGS[Patient].content(draft)
    version = {
        "time": stamp(hour),
        "dated": content_version(kept, stamp(hour)),
        "undated": content_version(kept),
    }
    return Patient(id="p1", version=version[kind], family=content)


def model(stored: Patient | None, incoming: Patient) -> Patient | None:
    """The docstring's rule: may E speak after S, and would the row change? (None: nothing written)"""
    if stored is None:
        return incoming

    def time_of(version: str) -> str | None:
        return None if version.startswith("#") else version[:27]

    stored_time, incoming_time = time_of(stored.version), time_of(incoming.version)
    if stored_time is not None and (incoming_time is None or incoming_time < stored_time):
        return None
    real_time = "#" not in incoming.version
    if incoming.family != stored.family or (
        real_time and (stored_time is None or incoming.version > stored_time)
    ):
        return incoming
    return None


@settings(max_examples=60, deadline=None)
@given(st.lists(arrivals, min_size=1, max_size=12), st.integers(1, 4))
def test_the_store_follows_the_rule_in_any_order(sequence: list[Arrival], batch: int) -> None:
    incoming = [record(arrival) for arrival in sequence]
    with tempfile.TemporaryDirectory() as folder, ContinuityStore.open(Path(folder) / "s.sqlite") as store:
        for start in range(0, len(incoming), batch):
            group = incoming[start : start + batch]
            expected_writes, held = 0, store.get(Patient, "p1")
            for item in group:
                if (replaced := model(held, item)) is not None:
                    held, expected_writes = replaced, expected_writes + 1
            result = store.write(group)
            assert result.total_written == expected_writes
            assert store.get(Patient, "p1") == held
