"""Whatever order the versions of a record arrive in, the store ends with the newest one."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.clinical import Patient, version_stamp
from bascule.snapshot.store import ContinuityStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000)), min_size=1, max_size=30), st.integers(1, 5)
)
def test_the_newest_version_wins_in_any_order(updates: list[tuple[int, int]], batch: int) -> None:
    records = [
        Patient(id=f"p{which}", version=version_stamp(T0 + timedelta(seconds=second)), family=f"v{second}")
        for which, second in updates
    ]
    with tempfile.TemporaryDirectory() as folder, ContinuityStore.open(Path(folder) / "s.sqlite") as store:
        for start in range(0, len(records), batch):
            store.write(records[start : start + batch])
        for which in {which for which, _ in updates}:
            newest = max(second for other, second in updates if other == which)
            stored = store.get(Patient, f"p{which}")
            assert stored is not None and stored.family == f"v{newest}"
        assert store.counts()["patients"] == len({which for which, _ in updates})
