"""The JSON Lines interchange format: what reads, what is refused (by line and field, never value)."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bascule.errors import UserError
from bascule.reconcile.interchange import parse_registrations, read_registrations, write_registrations
from bascule.reconcile.registration import Registration


def test_a_full_line_and_a_minimal_one() -> None:
    full = {
        "downtime_id": "DT-1", "family": "Martin", "given": "Claire", "birth_date": "1980-02-03",
        "sex": "female", "national_id": "280029912345657", "phone": "06 39 98 00 01", "postcode": "91100",
        "unit": "URG", "recorded_at": "2026-12-01T03:10:00+01:00", "station": "poste-1",
    }  # fmt: skip
    first, second = parse_registrations([json.dumps(full), "", '{"downtime_id": "DT-2", "given": "Bébé"}'])
    assert first.birth_date == date(1980, 2, 3)
    assert first.recorded_at == datetime(2026, 12, 1, 3, 10, tzinfo=timezone(timedelta(hours=1)))
    assert (first.sex, first.phone, first.station) == ("female", "06 39 98 00 01", "poste-1")
    assert second == Registration(downtime_id="DT-2", given="Bébé")


def test_absent_null_and_empty_all_mean_unknown() -> None:
    (found,) = parse_registrations(
        ['{"downtime_id": "D", "family": "X", "given": "", "sex": null, "phone": "  "}']
    )
    assert (found.given, found.sex, found.phone, found.birth_date) == (None, None, None, None)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("not json", "line 1 is not JSON"),
        ("[1]", "line 1 is not a JSON object"),
        ('{"family": "X"}', "line 1: downtime_id is missing"),
        ('{"downtime_id": "D"}', "line 1: family and given are both missing"),
        (
            '{"downtime_id": "D", "family": "X", "birth_date": "03/02/1980"}',
            "line 1: birth_date is not an ISO 8601 date",
        ),
        (
            '{"downtime_id": "D", "family": "X", "sex": "F"}',
            "line 1: sex is not a FHIR administrative gender",
        ),
        (
            '{"downtime_id": "D", "family": "X", "recorded_at": "2026-12-01T03:10:00"}',
            "line 1: recorded_at is not an ISO 8601 time",
        ),
        (
            '{"downtime_id": "D", "family": "X", "birthdate": "1980-02-03"}',
            "line 1: birthdate is not a field",
        ),
        ('{"downtime_id": "D", "family": ["X"]}', "line 1: family is not text"),
    ],
)
def test_each_bad_line_is_named_by_number_and_field(line: str, says: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_registrations([line])
    assert says in str(refused.value)
    assert "nothing was imported" in str(refused.value)
    assert refused.value.french is not None and "rien n'a été importé" in refused.value.french


def test_a_file_with_one_bad_line_is_refused_whole_without_values() -> None:
    lines = [
        '{"downtime_id": "D1", "family": "Martin"}',
        '{"downtime_id": "D2", "family": "Secretname", "birth_date": "1980-13-45"}',
        '{"downtime_id": "D1", "family": "Durand"}',
    ]
    with pytest.raises(UserError) as refused:
        parse_registrations(lines, "forms.jsonl")
    message = str(refused.value)
    assert message.startswith("forms.jsonl was refused whole")
    assert "line 2: birth_date" in message and "line 3: downtime_id repeats line 1" in message
    assert "Secretname" not in message and "1980-13-45" not in message and "Durand" not in message


def test_many_bad_lines_are_counted_not_all_listed() -> None:
    with pytest.raises(UserError, match="and 3 more bad lines"):
        parse_registrations(["x"] * 8)


def test_write_then_read_gives_the_same_registrations_in_a_private_file(tmp_path: Path) -> None:
    written = [
        Registration(downtime_id="D1", family="Martin", given="Claire", birth_date=date(1980, 2, 3), sex="female",
                     recorded_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC), unit="URG"),
        Registration(downtime_id="D2", given="Baby"),
    ]  # fmt: skip
    path = tmp_path / "registrations.jsonl"
    write_registrations(path, written)
    assert read_registrations(path) == written
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        read_registrations(tmp_path / "none.jsonl")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"downtime_id": "D", "family": "Lefèvre"}'.encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        read_registrations(path)
