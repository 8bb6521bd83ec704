"""Properties of downtime numbers: every single-character error and every adjacent transposition is
caught, and numbers allocated to 100 stations (into a real store) never collide."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bascule.clinical.records import CareLocation
from bascule.downtime.check_character import BODY_ALPHABET, check_character, is_valid
from bascule.downtime.numbers import DowntimeNumber, parse_number
from bascule.downtime.registry import allocate, allocations
from bascule.snapshot.store import ContinuityStore

bodies = st.text(alphabet=BODY_ALPHABET, min_size=1, max_size=24)
codes = st.text(alphabet=BODY_ALPHABET, min_size=1, max_size=8)
numbers = st.builds(DowntimeNumber, codes, codes, st.integers(1, 999_999_999))
PRINTABLE = BODY_ALPHABET + "*-"


@given(bodies, st.data())
def test_every_single_substitution_is_detected(body: str, data: st.DataObject) -> None:
    check = check_character(body)
    position = data.draw(st.integers(0, len(body)))
    original = (body + check)[position]
    for symbol in BODY_ALPHABET + "*":
        if symbol == original:
            continue
        changed = body + check
        changed = changed[:position] + symbol + changed[position + 1 :]
        assert not is_valid(changed[:-1], changed[-1])


@given(bodies.filter(lambda b: len(b) >= 1), st.data())
def test_every_adjacent_transposition_is_detected(body: str, data: st.DataObject) -> None:
    full = body + check_character(body)
    position = data.draw(st.integers(0, len(full) - 2))
    a, b = full[position], full[position + 1]
    if a == b:
        return
    swapped = full[:position] + b + a + full[position + 2 :]
    assert not is_valid(swapped[:-1], swapped[-1])


@given(numbers, st.data())
def test_a_miscopied_printed_number_is_refused(number: DowntimeNumber, data: st.DataObject) -> None:
    text = number.text
    position = data.draw(st.integers(0, len(text) - 1))
    symbol = data.draw(st.sampled_from(PRINTABLE).filter(lambda s: s != text[position]))
    typo = text[:position] + symbol + text[position + 1 :]
    with pytest.raises(ValueError):
        parse_number(typo)


@given(numbers, st.data())
def test_a_printed_number_with_two_swapped_neighbours_is_refused(
    number: DowntimeNumber, data: st.DataObject
) -> None:
    text = number.text
    position = data.draw(st.integers(0, len(text) - 2))
    if text[position] == text[position + 1]:
        return
    swapped = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    with pytest.raises(ValueError):
        parse_number(swapped)


UNITS = ("urgences", "reanimation", "cardiologie")


def _empty_store(folder: Path) -> Path:
    path = folder / "store.sqlite"
    path.unlink(missing_ok=True)
    with ContinuityStore.open(path) as store:
        at = datetime(2026, 3, 10, 7, tzinfo=UTC)
        store.refresh(
            [CareLocation(id=unit, version="1", name=unit, kind="unit") for unit in UNITS],
            data_time=at,
            refreshed_at=at,
            source="test",
            hospital_id="h1",
        )
    return path


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 99), st.sampled_from(UNITS), st.integers(1, 40)),
        min_size=100,
        max_size=160,
    ),
    st.sampled_from(["TIL", "COT"]),
)
def test_numbers_never_collide_across_100_stations(
    tmp_path: Path, requests: list[tuple[int, str, int]], site: str
) -> None:
    store = _empty_store(tmp_path)
    # Every one of the 100 stations asks at least once, then the random requests follow.
    requests = [(station, UNITS[station % 3], 5) for station in range(100)] + requests
    handed: list[DowntimeNumber] = []
    for station, unit, count in requests:
        allocation = allocate(
            store, site=site, station=f"ST{station:02d}", unit=unit, count=count, allocated_by="test"
        )
        handed.extend(allocation.numbers())
    texts = [number.text for number in handed]
    assert len(set(texts)) == len(texts) == sum(count for _s, _u, count in requests)
    assert len({number.body for number in handed}) == len(handed)
    connection = sqlite3.connect(store)
    stored = connection.execute("SELECT id, check_char FROM downtime_ids").fetchall()
    connection.close()
    assert sorted(stored) == sorted((number.record_id, number.check) for number in handed)
    assert {a.station for a in allocations(store)} == {f"ST{s:02d}" for s in range(100)}
    for allocation in allocations(store):
        assert allocation.count == allocation.last - allocation.first + 1
