"""Paper forms typed in the crisis cell: stored as SAISIE:<n> in the continuity store, checked like
a station's entries (same refusals, nothing written on a refusal), only by downtime number with its
check character; a second registration saying something else is stored and sent to a person; the
entries are then accounted for by `reconcile status`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.downtime_store import DowntimeWorld, copy_world, make_downtime_world
from tests.stations import json_answer

from bascule.downtime.clerk import SAISIE, record_typed, registered_otherwise, typed_by, version
from bascule.downtime.entries import CELL_CODES, check_new_station_code
from bascule.downtime.entries_import import PAPER, StationExport, import_export, ledger
from bascule.downtime.numbers import DowntimeNumber
from bascule.errors import UserError
from bascule.reconcile.worklist import decide, worklist

NOW = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def base_world(tmp_path_factory: pytest.TempPathFactory) -> DowntimeWorld:
    return make_downtime_world(tmp_path_factory.mktemp("clerk"))


@pytest.fixture()
def world(base_world: DowntimeWorld, tmp_path: Path) -> DowntimeWorld:
    return copy_world(base_world, tmp_path)


def rows(store: Path) -> list[tuple[str, str, int, str, str, str, str]]:
    with contextlib.closing(sqlite3.connect(store)) as connection:
        return connection.execute(
            "SELECT id, version, sequence, author, kind, downtime_number, data FROM downtime_entries "
            "WHERE station = ? ORDER BY sequence",
            (SAISIE,),
        ).fetchall()


def test_typed_entries_are_numbered_per_station_and_hashed(world: DowntimeWorld) -> None:
    first = record_typed(
        world.store,
        "vitals",
        world.auto_number,
        {"at": "2026-12-06T03:10+01:00", "spo2": "97"},
        "clerk1",
        NOW,
    )
    second = record_typed(world.store, "note", f" {world.new_number} ", {"text": "chute"}, "clerk2", NOW)
    assert (first.key, second.key) == ("SAISIE:1", "SAISIE:2")
    stored = rows(world.store)
    assert [r[0] for r in stored] == ["SAISIE:1", "SAISIE:2"]
    assert stored[0][3:6] == ("clerk1", "vitals", world.auto_number)
    assert json.loads(stored[0][6]) == {"at": "2026-12-06T03:10:00+01:00", "spo2": 97.0}
    body = json.dumps(first.body(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert stored[0][1] == version(first) == hashlib.sha256(body.encode()).hexdigest()
    assert second.patient.downtime_id == world.new_number  # trimmed, as printed


@pytest.mark.parametrize(
    ("kind", "number", "data", "says"),
    [
        (
            "administration",
            None,
            {"at": "2026-12-06T03:10+01:00", "drug": "x", "status": "given", "dose_value": "5"},
            "unit",
        ),
        (
            "administration",
            None,
            {"at": "2026-12-06T03:10+01:00", "drug": "x", "status": "not-given"},
            "reason",
        ),
        (
            "phone_result",
            None,
            {"at": "2026-12-06T03:10+01:00", "test": "K", "value": "6", "caller": "labo", "read_back": "no"},
            "read back",
        ),
        ("vitals", None, {"at": "2026-12-06T03:10+01:00"}, "at least one measure"),
        ("registration", None, {"sex": "female"}, "needs a name"),
        ("teleport", None, {}, "Unknown entry kind"),
        ("note", "CHVO-URG1-00001-Z", {"text": "x"}, "check character"),
        ("note", "", {"text": "x"}, "check character"),
        ("arrival", None, {"unit": "urgences", "at": "2026-12-06T03:10"}, "offset"),
    ],
)
def test_refusals_are_the_stations_and_write_nothing(
    world: DowntimeWorld, kind: str, number: str | None, data: dict[str, str], says: str
) -> None:
    with pytest.raises(UserError) as refused:
        record_typed(world.store, kind, world.new_number if number is None else number, data, "clerk", NOW)
    assert says in refused.value.message and refused.value.french
    assert rows(world.store) == []


def test_a_second_registration_saying_otherwise_is_stored_and_goes_to_a_person(world: DowntimeWorld) -> None:
    assert not registered_otherwise(world.store, world.auto_number)
    entry = record_typed(
        world.store, "registration", world.auto_number, {"family": "Autre", "given": "Personne"}, "clerk", NOW
    )
    assert entry.key == "SAISIE:1"
    assert registered_otherwise(world.store, world.auto_number)
    item = next(i for i in worklist(world.store) if i.downtime_id == world.auto_number)
    assert item.match.decision == "review"


def test_the_clerks_list_shows_their_own_entries_newest_first(world: DowntimeWorld) -> None:
    record_typed(world.store, "note", world.new_number, {"text": "a"}, "clerk", NOW)
    record_typed(world.store, "note", world.new_number, {"text": "b"}, "other", NOW)
    record_typed(
        world.store,
        "discharge",
        world.new_number,
        {"destination": "home", "at": "2026-12-06T04:00+01:00"},
        "clerk",
        NOW,
    )
    seen = typed_by(world.store, "clerk")
    assert [(s.key, s.kind, s.downtime_id) for s in seen] == [
        ("SAISIE:3", "discharge", world.new_number),
        ("SAISIE:1", "note", world.new_number),
    ]


def test_a_missing_store_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no continuity store"):
        record_typed(
            tmp_path / "none.sqlite", "note", DowntimeNumber("CHVO", "URG1", 1).text, {"text": "x"}, "c", NOW
        )


def test_typed_entries_are_accounted_for_by_reconcile_status(world: DowntimeWorld) -> None:
    record_typed(world.store, "note", world.new_number, {"text": "x"}, "clerk", NOW)
    record_typed(world.store, "note", world.missing_number, {"text": "y"}, "clerk", NOW)
    code, report = json_answer("reconcile", "status", "--store", world.store, "--json")
    assert code == 4
    assert report["entries"]["by_station"][SAISIE] == 2
    assert world.missing_number not in report["numbers"]["missing"]  # its paper was typed: no longer lost


def test_no_station_may_take_the_cells_own_codes() -> None:
    assert {PAPER, SAISIE} == CELL_CODES
    assert check_new_station_code("3EST1") == "3EST1"
    for code in CELL_CODES:
        with pytest.raises(UserError, match="crisis cell's own") as refused:
            check_new_station_code(code)
        assert refused.value.french


def test_an_export_from_a_station_coded_like_the_cell_is_refused_whole(world: DowntimeWorld) -> None:
    entry = record_typed(world.store, "note", world.new_number, {"text": "x"}, "clerk", NOW)
    before = rows(world.store)
    stranger = StationExport(SAISIE, "chvo", ((replace(entry, sequence=2, author="nurse"), "f" * 64),))
    with pytest.raises(UserError, match="crisis cell's own code") as refused:
        import_export(world.store, stranger, "entries-SAISIE-2.jsonl.age", NOW)
    assert refused.value.exit_code == 3 and refused.value.french
    assert rows(world.store) == before


def test_a_typed_entry_is_ready_to_send_once_its_number_is_linked(world: DowntimeWorld) -> None:
    record_typed(
        world.store, "vitals", world.auto_number, {"at": "2026-12-06T03:10+01:00", "pain": "3"}, "clerk", NOW
    )
    ready = [e for e in ledger(world.store)[1] if e.key == "SAISIE:1"]
    assert [e.state for e in ready] == ["waiting"]
    decide(world.store, world.auto_number, world.known.id, "civ1", NOW)
    ready = [e for e in ledger(world.store)[1] if e.key == "SAISIE:1"]
    assert [e.state for e in ready] == ["ready"]
