"""The station's access log: hash-chained, its head kept apart, tampering found and located."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tests.station_folder import make_station

from bascule.station.access_log import GENESIS, AccessLog, line_hash
from bascule.station.state import Layout

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def log(tmp_path: Path) -> AccessLog:
    return AccessLog(Layout(make_station(tmp_path)))


def fill(log: AccessLog, count: int = 5) -> None:
    log.record("alice", "login", NOW)
    for number in range(1, count - 1):
        log.record("alice", "open_patient", NOW + timedelta(minutes=number), patient_id=f"pat-{number}")
    log.record("alice", "logout", NOW + timedelta(hours=1))


def lines(log: AccessLog) -> list[bytes]:
    return log.path.read_bytes().splitlines(keepends=True)


def test_a_line_as_documented(log: AccessLog) -> None:
    log.record("alice", "open_patient", NOW, patient_id="pat-7", unit_id="cardio")
    log.record("alice", "search", NOW, detail="3")
    first, second = (json.loads(line) for line in lines(log))
    assert list(first) == ["seq", "at", "user", "action", "patient", "unit", "detail", "prev", "hash"]
    assert first["at"] == "2026-12-06T03:00:00+01:00"
    assert (first["seq"], first["patient"], first["unit"], first["prev"]) == (1, "pat-7", "cardio", GENESIS)
    body = {key: first[key] for key in ("seq", "at", "user", "action", "patient", "unit", "detail")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert (
        first["hash"]
        == hashlib.sha256((GENESIS + canonical).encode()).hexdigest()
        == line_hash(GENESIS, body)
    )
    assert second["prev"] == first["hash"] and second["seq"] == 2
    assert os.stat(log.path).st_mode & 0o777 == 0o600
    assert os.stat(log.head_path).st_mode & 0o777 == 0o600
    assert json.loads(log.head_path.read_bytes()) == {"seq": 2, "hash": second["hash"]}
    assert log.verify().whole and log.verify().lines == 2


def test_refused_records(log: AccessLog) -> None:
    with pytest.raises(ValueError, match="count of hits only"):
        log.record("alice", "search", NOW, detail="DUPONT Marie")
    with pytest.raises(ValueError, match="unknown access-log action"):
        log.record("alice", "delete_everything", NOW)
    with pytest.raises(ValueError, match="offset"):
        log.record("alice", "login", datetime(2026, 12, 6, 3, 0))
    assert not log.path.exists() or log.path.read_bytes() == b""


def test_an_empty_log_is_whole(log: AccessLog) -> None:
    report = log.verify()
    assert report.whole and report.lines == 0


def test_an_edited_line_is_found(log: AccessLog) -> None:
    fill(log)
    edited = lines(log)
    edited[2] = edited[2].replace(b"pat-2", b"pat-9")
    log.path.write_bytes(b"".join(edited))
    report = log.verify()
    assert report.first_broken == 3 and "line 3 was edited" in report.reason
    assert "ligne 3" in report.raison


def test_a_rehashed_edit_breaks_the_next_line(log: AccessLog) -> None:
    fill(log)
    edited = lines(log)
    entry = json.loads(edited[1])
    entry["patient"] = "pat-9"
    body = {key: entry[key] for key in ("seq", "at", "user", "action", "patient", "unit", "detail")}
    entry["hash"] = line_hash(entry["prev"], body)
    edited[1] = (json.dumps(entry) + "\n").encode()
    log.path.write_bytes(b"".join(edited))
    assert log.verify().first_broken == 3


def test_a_deleted_line_is_found(log: AccessLog) -> None:
    fill(log)
    kept = lines(log)
    del kept[1]
    log.path.write_bytes(b"".join(kept))
    report = log.verify()
    assert report.first_broken == 2 and "removed or moved" in report.reason


def test_reordered_lines_are_found(log: AccessLog) -> None:
    fill(log)
    swapped = lines(log)
    swapped[1], swapped[2] = swapped[2], swapped[1]
    log.path.write_bytes(b"".join(swapped))
    assert log.verify().first_broken == 2


def test_lines_removed_at_the_end_are_found_by_the_head(log: AccessLog) -> None:
    fill(log)
    log.path.write_bytes(b"".join(lines(log)[:3]))
    report = log.verify()
    assert report.first_broken == 4
    assert "ends at line 3 but 5 were written" in report.reason


def test_an_append_after_a_truncation_keeps_the_gap_visible(log: AccessLog) -> None:
    fill(log)
    log.path.write_bytes(b"".join(lines(log)[:3]))
    log.record("bob", "login", NOW + timedelta(hours=2))
    assert json.loads(lines(log)[-1])["seq"] == 6
    assert log.verify().first_broken == 4


def test_a_missing_or_damaged_head_is_reported(log: AccessLog) -> None:
    fill(log)
    log.head_path.write_text("nonsense", encoding="utf-8")
    assert "damaged" in log.verify().reason
    log.head_path.unlink()
    assert "missing" in log.verify().reason


def test_an_emptied_log_is_found(log: AccessLog) -> None:
    fill(log)
    log.path.write_bytes(b"")
    assert log.verify().first_broken == 1


def test_a_torn_last_line_is_cut_off_by_the_next_append(log: AccessLog) -> None:
    """A run killed in the middle of a write leaves part of a line that was never acknowledged."""
    fill(log, 3)
    with open(log.path, "ab") as torn:
        torn.write(b'{"seq": 4, "at": "2026')
    assert log.verify().first_broken == 4
    log.record("alice", "login", NOW)
    assert log.verify().whole and log.verify().lines == 4


def test_a_head_behind_the_log_is_a_crash_not_tampering(log: AccessLog) -> None:
    """The head is written after the line: a crash in between leaves it one line behind."""
    fill(log, 3)
    head = log.head_path.read_bytes()
    log.record("alice", "login", NOW)
    log.head_path.write_bytes(head)
    assert log.verify().whole


def test_a_head_that_names_another_line_is_found(log: AccessLog) -> None:
    fill(log, 3)
    log.head_path.write_text(json.dumps({"seq": 2, "hash": "f" * 64}), encoding="utf-8")
    assert log.verify().first_broken == 2


def _append_many(root: str, who: str, count: int) -> None:
    log = AccessLog(Layout(Path(root)))
    for number in range(count):
        log.record(who, "open_patient", datetime.now(UTC), patient_id=f"{who}-{number}")


def test_two_processes_appending_keep_one_chain(log: AccessLog) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_many, args=(str(log.layout.root), who, 40)) for who in ("alice", "bob")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    report = log.verify()
    assert report.whole and report.lines == 80
    seen = [json.loads(line)["patient"] for line in lines(log)]
    assert sorted(seen) == sorted([f"alice-{n}" for n in range(40)] + [f"bob-{n}" for n in range(40)])


def test_a_long_name_typed_at_login_is_cut(log: AccessLog) -> None:
    log.record("x" * 5000, "login_failed", NOW)
    assert json.loads(lines(log)[0])["user"] == "x" * 64
    assert log.verify().whole
