"""The blood bank's tables in the continuity store (`blood_units`, `blood_movements`,
`blood_alerts`): reading and writing them on a connection that bascule.downtime.side_store opened.
Times are stored as ISO 8601 text with their offset."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bascule.hospital.laboratory import COMPONENTS
from bascule.laboratory.blood.alerts import ALERT_LEVELS, SupplyAlert
from bascule.laboratory.blood.ledger import KINDS, Movement, Recipient
from bascule.laboratory.blood.units import BloodUnit

_VERSION = "1"


def _unit(row: tuple[str, str, str, str, str]) -> BloodUnit:
    donation, component, group, expires, received = row
    kind = next(c for c in COMPONENTS if c == component)
    return BloodUnit(donation, kind, group, datetime.fromisoformat(expires), datetime.fromisoformat(received))


def find_unit(connection: sqlite3.Connection, donation: str) -> BloodUnit | None:
    row = connection.execute(
        "SELECT id, component, blood_group, expires_at, received_at FROM blood_units WHERE id = ?",
        (donation,),
    ).fetchone()
    return _unit(row) if row else None


def all_units(connection: sqlite3.Connection) -> list[BloodUnit]:
    rows = connection.execute(
        "SELECT id, component, blood_group, expires_at, received_at FROM blood_units ORDER BY id"
    ).fetchall()
    return [_unit(row) for row in rows]


def insert_unit(connection: sqlite3.Connection, unit: BloodUnit) -> None:
    connection.execute(
        "INSERT INTO blood_units (id, version, component, blood_group, expires_at, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            unit.donation,
            _VERSION,
            unit.component,
            unit.group,
            unit.expires.isoformat(),
            unit.received.isoformat(),
        ),
    )


def _movement(row: tuple[str, str, str, str, str | None, str | None, int, str]) -> Movement:
    donation, kind, at, by, recipient_kind, recipient, emergency, reason = row
    who = None
    if recipient_kind == "mrn" and recipient is not None:
        who = Recipient("mrn", recipient)
    elif recipient_kind == "downtime" and recipient is not None:
        who = Recipient("downtime", recipient)
    movement_kind = next(k for k in KINDS if k == kind)
    return Movement(donation, movement_kind, datetime.fromisoformat(at), by, who, bool(emergency), reason)


_MOVEMENT_COLUMNS = "donation, kind, at, by_whom, recipient_kind, recipient, emergency, reason"


def movements(connection: sqlite3.Connection, donation: str | None = None) -> list[Movement]:
    """Movements oldest first (in the order they were recorded), of one unit or all."""
    where, args = ("WHERE donation = ?", (donation,)) if donation else ("", ())
    rows = connection.execute(
        f"SELECT {_MOVEMENT_COLUMNS} FROM blood_movements {where} ORDER BY donation, CAST(substr(id, instr(id, '#') + 1) AS INTEGER)",
        args,
    ).fetchall()
    return [_movement(row) for row in rows]


def insert_movement(connection: sqlite3.Connection, movement: Movement) -> None:
    (rank,) = connection.execute(
        "SELECT count(*) FROM blood_movements WHERE donation = ?", (movement.donation,)
    ).fetchone()
    recipient = movement.recipient
    connection.execute(
        f"INSERT INTO blood_movements (id, version, {_MOVEMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            f"{movement.donation}#{rank + 1}",
            _VERSION,
            movement.donation,
            movement.kind,
            movement.at.isoformat(),
            movement.by,
            recipient.kind if recipient else None,
            recipient.value if recipient else None,
            int(movement.emergency),
            movement.reason,
        ),
    )


def alerts(connection: sqlite3.Connection) -> list[SupplyAlert]:
    rows = connection.execute("SELECT level, at, by_whom, note FROM blood_alerts ORDER BY at").fetchall()
    return [
        SupplyAlert(next(lv for lv in ALERT_LEVELS if lv == level), datetime.fromisoformat(at), by, note)
        for level, at, by, note in rows
    ]


def insert_alert(connection: sqlite3.Connection, alert: SupplyAlert) -> None:
    (count,) = connection.execute("SELECT count(*) FROM blood_alerts").fetchone()
    connection.execute(
        "INSERT INTO blood_alerts (id, version, level, at, by_whom, note) VALUES (?, ?, ?, ?, ?, ?)",
        (f"alert-{count + 1}", _VERSION, alert.level, alert.at.isoformat(), alert.by, alert.note),
    )
