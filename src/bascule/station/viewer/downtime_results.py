"""The laboratory's results given while its system was down (issue 19), as a ward's station shows
them: those of the patient's MRN and downtime numbers, released only (a critical value once a second
person at the laboratory has confirmed it), newest first, with the count still awaiting
confirmation. Read from the bundle's copy of the continuity store; a copy older than the sample log
has none."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from bascule.hospital.model import HospitalMap
from bascule.laboratory.samples.results import Result
from bascule.laboratory.samples.store import results_of
from bascule.snapshot.store import ContinuityStore
from bascule.station.viewer.chart_page import DowntimeResultShown


def downtime_results(
    store: ContinuityStore, references: Sequence[str], hospital: HospitalMap
) -> tuple[tuple[DowntimeResultShown, ...], int]:
    """(the released results, newest first; how many critical values await confirmation)."""

    def query(connection: sqlite3.Connection) -> list[Result]:
        try:
            return [
                result
                for reference in dict.fromkeys(references)
                for result in results_of(connection, reference)
            ]
        except sqlite3.OperationalError:  # a copy made before the sample log existed
            return []

    found = store.read(query)
    released = sorted((r for r in found if r.released), key=lambda r: r.entered_at, reverse=True)
    shown = tuple(
        DowntimeResultShown(
            sample=result.sample,
            test=hospital.laboratory.test_name(result.test),
            value=result.current_value,
            unit=result.current_unit,
            flag=result.current_flag,
            time=result.entered_at,
            by_phone=result.channel == "phone",
            confirmed_by=result.confirmed_by,
        )
        for result in released
    )
    return shown, sum(1 for r in found if not r.released)
