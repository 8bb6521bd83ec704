"""The sample log's tables in the continuity store (schema version 8): read and write samples,
scans, runs and results on a connection the use-cases open (bascule.downtime.side_store), so
that each use-case is one immediate transaction. `version` is the time of the row's last change."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from bascule.laboratory.samples.results import Amendment, Result
from bascule.laboratory.samples.runs import Run
from bascule.laboratory.samples.sample import Sample, Step

_SAMPLE_COLUMNS = (
    "id, patient, test, priority, unit, collected_at, collected_by, state, lab, run, arrived, reason"
)
_RESULT_COLUMNS = (
    "id, patient, test, value, unit, flag, entered_by, entered_at, channel, read_back, "
    "confirmed_by, confirmed_at, amendments"
)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if text else None


def _when(text: str) -> datetime:
    moment = _moment(text)
    assert moment is not None
    return moment


def next_sequence(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT coalesce(max(sequence), 0) FROM lab_samples").fetchone()
    return int(row[0]) + 1


def _sample(row: tuple[object, ...]) -> Sample:
    return Sample(
        number=str(row[0]),
        patient=str(row[1]),
        test=str(row[2]),
        priority=row[3],  # type: ignore[arg-type]
        unit=str(row[4]),
        collected_at=_when(str(row[5])),
        collected_by=str(row[6]),
        state=row[7],  # type: ignore[arg-type]
        lab=None if row[8] is None else str(row[8]),
        run=None if row[9] is None else str(row[9]),
        arrived=bool(row[10]),
        reason=None if row[11] is None else str(row[11]),
    )


def insert_sample(connection: sqlite3.Connection, sample: Sample, sequence: int) -> None:
    connection.execute(
        "INSERT INTO lab_samples (id, version, sequence, patient, test, priority, unit, collected_at, "
        "collected_by, state, lab, run, arrived, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sample.number,
            stamp(sample.collected_at),
            sequence,
            sample.patient,
            sample.test,
            sample.priority,
            sample.unit,
            stamp(sample.collected_at),
            sample.collected_by,
            sample.state,
            sample.lab,
            sample.run,
            int(sample.arrived),
            sample.reason,
        ),
    )


def update_sample(connection: sqlite3.Connection, sample: Sample, at: datetime) -> None:
    connection.execute(
        "UPDATE lab_samples SET version = ?, state = ?, lab = ?, run = ?, arrived = ?, reason = ? WHERE id = ?",
        (stamp(at), sample.state, sample.lab, sample.run, int(sample.arrived), sample.reason, sample.number),
    )


def record_step(connection: sqlite3.Connection, step: Step) -> None:
    count = connection.execute(
        "SELECT count(*) FROM lab_sample_events WHERE sample = ?", (step.sample,)
    ).fetchone()
    connection.execute(
        "INSERT INTO lab_sample_events (id, version, sample, state, actor, place, at, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            f"{step.sample}/{int(count[0]) + 1}",
            stamp(step.at),
            step.sample,
            step.state,
            step.actor,
            step.place,
            stamp(step.at),
            step.reason,
        ),
    )


def steps_of(connection: sqlite3.Connection, number: str) -> list[Step]:
    rows = connection.execute(
        "SELECT sample, state, actor, place, at, reason FROM lab_sample_events WHERE sample = ? ORDER BY rowid",
        (number,),
    ).fetchall()
    return [Step(r[0], r[1], r[2], r[3], _when(r[4]), r[5]) for r in rows]


def steps_by(connection: sqlite3.Connection, actor: str, limit: int) -> list[Step]:
    """The last `limit` steps scanned by `actor`, newest first."""
    rows = connection.execute(
        "SELECT sample, state, actor, place, at, reason FROM lab_sample_events WHERE actor = ? "
        "ORDER BY rowid DESC LIMIT ?",
        (actor, limit),
    ).fetchall()
    return [Step(r[0], r[1], r[2], r[3], _when(r[4]), r[5]) for r in rows]


def sample(connection: sqlite3.Connection, number: str) -> Sample | None:
    row = connection.execute(f"SELECT {_SAMPLE_COLUMNS} FROM lab_samples WHERE id = ?", (number,)).fetchone()
    return None if row is None else _sample(row)


def samples(
    connection: sqlite3.Connection, *, where: str = "", args: tuple[object, ...] = ()
) -> list[Sample]:
    query = f"SELECT {_SAMPLE_COLUMNS} FROM lab_samples {where} ORDER BY sequence"
    return [_sample(row) for row in connection.execute(query, args).fetchall()]


def count_collected_since(connection: sqlite3.Connection, test: str, since: datetime) -> int:
    row = connection.execute(
        "SELECT count(*) FROM lab_samples WHERE test = ? AND collected_at >= ?", (test, stamp(since))
    ).fetchone()
    return int(row[0])


def _run(row: tuple[object, ...]) -> Run:
    return Run(
        id=str(row[0]),
        destination=str(row[1]),
        state=row[2],  # type: ignore[arg-type]
        created_at=_when(str(row[3])),
        created_by=str(row[4]),
        departed_at=_moment(None if row[5] is None else str(row[5])),
        received_at=_moment(None if row[6] is None else str(row[6])),
    )


_RUN_COLUMNS = "id, destination, state, created_at, created_by, departed_at, received_at"


def run(connection: sqlite3.Connection, run_id: str) -> Run | None:
    row = connection.execute(f"SELECT {_RUN_COLUMNS} FROM lab_runs WHERE id = ?", (run_id,)).fetchone()
    return None if row is None else _run(row)


def runs(connection: sqlite3.Connection) -> list[Run]:
    return [
        _run(r) for r in connection.execute(f"SELECT {_RUN_COLUMNS} FROM lab_runs ORDER BY id").fetchall()
    ]


def next_run_id(connection: sqlite3.Connection) -> str:
    row = connection.execute("SELECT count(*) FROM lab_runs").fetchone()
    return f"RUN-{int(row[0]) + 1:04d}"


def save_run(connection: sqlite3.Connection, value: Run, at: datetime) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO lab_runs (id, version, destination, state, created_at, created_by, departed_at, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            value.id,
            stamp(at),
            value.destination,
            value.state,
            stamp(value.created_at),
            value.created_by,
            stamp(value.departed_at) if value.departed_at else None,
            stamp(value.received_at) if value.received_at else None,
        ),
    )


def _amendments_json(result: Result) -> str:
    return json.dumps(
        [
            {
                "value": a.value,
                "unit": a.unit,
                "flag": a.flag,
                "reason": a.reason,
                "by": a.by,
                "at": stamp(a.at),
            }
            for a in result.amendments
        ]
    )


def _result(row: tuple[object, ...]) -> Result:
    amendments = tuple(
        Amendment(a["value"], a["unit"], a["flag"], a["reason"], a["by"], _when(a["at"]))
        for a in json.loads(str(row[12]))
    )
    return Result(
        sample=str(row[0]),
        patient=str(row[1]),
        test=str(row[2]),
        value=str(row[3]),
        unit=str(row[4]),
        flag=row[5],  # type: ignore[arg-type]
        entered_by=str(row[6]),
        entered_at=_when(str(row[7])),
        channel=row[8],  # type: ignore[arg-type]
        read_back=bool(row[9]),
        confirmed_by=None if row[10] is None else str(row[10]),
        confirmed_at=_moment(None if row[11] is None else str(row[11])),
        amendments=amendments,
    )


def result(connection: sqlite3.Connection, number: str) -> Result | None:
    row = connection.execute(
        f"SELECT {_RESULT_COLUMNS} FROM lab_downtime_results WHERE id = ?", (number,)
    ).fetchone()
    return None if row is None else _result(row)


def results_of(connection: sqlite3.Connection, patient: str) -> list[Result]:
    rows = connection.execute(
        f"SELECT {_RESULT_COLUMNS} FROM lab_downtime_results WHERE patient = ? ORDER BY entered_at, id",
        (patient,),
    ).fetchall()
    return [_result(row) for row in rows]


def unconfirmed_results(connection: sqlite3.Connection) -> list[Result]:
    """The results nobody confirmed yet, oldest first (the critical ones wait for a second person)."""
    rows = connection.execute(
        f"SELECT {_RESULT_COLUMNS} FROM lab_downtime_results WHERE confirmed_by IS NULL ORDER BY entered_at, id"
    ).fetchall()
    return [_result(row) for row in rows]


def save_result(connection: sqlite3.Connection, value: Result, at: datetime) -> None:
    connection.execute(
        f"INSERT OR REPLACE INTO lab_downtime_results ({_RESULT_COLUMNS}, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            value.sample,
            value.patient,
            value.test,
            value.value,
            value.unit,
            value.flag,
            value.entered_by,
            stamp(value.entered_at),
            value.channel,
            int(value.read_back),
            value.confirmed_by,
            stamp(value.confirmed_at) if value.confirmed_at else None,
            _amendments_json(value),
            stamp(at),
        ),
    )


def results_of_unit(connection: sqlite3.Connection, unit: str) -> list[Result]:
    """The results of the samples a care unit collected, oldest first."""
    columns = ", ".join(f"r.{name.strip()}" for name in _RESULT_COLUMNS.split(","))
    rows = connection.execute(
        f"SELECT {columns} FROM lab_downtime_results r JOIN lab_samples s ON s.id = r.id "
        "WHERE s.unit = ? ORDER BY r.entered_at, r.id",
        (unit,),
    ).fetchall()
    return [_result(row) for row in rows]


def units_collecting(connection: sqlite3.Connection) -> list[str]:
    """The care units samples were collected by."""
    return [str(row[0]) for row in connection.execute("SELECT DISTINCT unit FROM lab_samples ORDER BY unit")]
