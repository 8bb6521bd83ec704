"""Short dates on paper: the year is left out only in the year of the kit's data."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bascule.kits.moments import as_of, short

PARIS = ZoneInfo("Europe/Paris")
DATA_TIME = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


def test_a_date_of_the_datas_year_has_no_year_and_another_has_it() -> None:
    with as_of(DATA_TIME):
        assert short(datetime(2026, 3, 9, 23, 30, tzinfo=UTC), PARIS) == "10/03 00:30"  # Paris wall clock
        assert short(datetime(2019, 11, 24, 7, 0, tzinfo=UTC), PARIS) == "24/11/2019 08:00"


def test_new_years_eve_in_paris_is_already_next_year() -> None:
    reference = datetime(2027, 1, 1, 0, 30, tzinfo=PARIS)
    assert short(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), PARIS, reference) == "01/01 00:30"
    assert short(datetime(2026, 12, 31, 22, 30, tzinfo=UTC), PARIS, reference) == "31/12/2026 23:30"


def test_the_kit_reference_ends_with_its_block() -> None:
    with as_of(datetime(2019, 6, 1, tzinfo=UTC)):
        assert short(datetime(2019, 6, 1, 8, tzinfo=UTC), PARIS) == "01/06 10:00"
    outside = short(datetime(2019, 6, 1, 8, tzinfo=UTC), PARIS, datetime(2026, 12, 5, tzinfo=UTC))
    assert outside == "01/06/2019 10:00"
