"""Times printed by the import, the pull and the data age: the hospital's wall clock, with the year
only when it is not this year's (by the hospital's calendar)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from bascule.cli.feed_report import local_time
from bascule.cli.snapshot_feed import print_data_age
from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.store import ContinuityStore

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "zone", "printed"),
    [
        (datetime(2026, 3, 10, 7, 0, tzinfo=UTC), "Europe/Paris", "10/03 08:00 CET"),
        (datetime(2026, 7, 1, 6, 0, tzinfo=UTC), "Europe/Paris", "01/07 08:00 CEST"),
        (
            datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
            "Europe/Paris",
            "01/01 00:30 CET",
        ),  # already 2026 in Paris
        (datetime(2025, 12, 31, 22, 30, tzinfo=UTC), "Europe/Paris", "31/12/2025 23:30 CET"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/London", "29/03 02:30 BST"),
        (datetime(2024, 2, 29, 9, 5, tzinfo=UTC), "UTC", "29/02/2024 09:05 UTC"),
    ],
)
def test_local_time(moment: datetime, zone: str, printed: str) -> None:
    assert local_time(moment, ZoneInfo(zone), NOW) == printed


def test_the_data_age_is_told_in_the_hospitals_zone(tmp_path: Path) -> None:
    with ContinuityStore.open(tmp_path / "s.sqlite") as store:
        store.refresh(
            [],
            data_time=datetime(2025, 11, 30, 22, 0, tzinfo=UTC),
            refreshed_at=datetime(2026, 6, 1, 6, 0, tzinfo=UTC),
            settings=HospitalSettings(timezone="Europe/Paris"),
        )
        out = io.StringIO()
        print_data_age(store, Console(file=out, width=200), "en", NOW)
    assert (
        out.getvalue().strip()
        == "Data as of 30/11/2025 23:00 CET (182 d old), refreshed at 01/06 08:00 CEST."
    )


def test_a_store_refreshed_without_any_source_time_says_so(tmp_path: Path) -> None:
    with ContinuityStore.open(tmp_path / "s.sqlite") as store:
        store.refresh([], data_time=None, refreshed_at=datetime(2026, 6, 1, 6, 0, tzinfo=UTC))
        out = io.StringIO()
        print_data_age(store, Console(file=out, width=200), "fr", NOW)
    assert (
        out.getvalue().strip()
        == "Rafraîchi le 01/06 06:00 UTC ; la source n'a donné aucune heure pour ses données."
    )
