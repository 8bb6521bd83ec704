"""`bench/laboratory.py` run small (one day of 50 samples), so that the benchmark cannot break
unseen: the board's count and the whole-log read agree, one sample in ten is late. No time is
asserted: `make bench` reports them."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.laboratory import measure

pytestmark = pytest.mark.integration


def test_the_laboratory_benchmark_runs_small(tmp_path: Path) -> None:
    row = measure(1, tmp_path, per_day=50)
    assert row["samples"] == 50 and row["late"] == 5
    assert row["blood_units"] == 6 and row["ratio"] > 0
