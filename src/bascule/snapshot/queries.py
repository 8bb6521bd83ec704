"""The reads the downtime tools need, as SQL over the continuity store."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bascule.clinical.dosage import due_times
from bascule.clinical.records import (
    BLOOD_GROUP_LOINC,
    Administration,
    Alert,
    Allergy,
    LabResult,
    MedicationOrder,
    Patient,
    Practitioner,
    Problem,
    Stay,
)
from bascule.clinical.views import CensusEntry, Chart, DoseDue, ScheduledActivity, UnitCensus
from bascule.snapshot.rows import MAPPINGS, decode_time, encode_time

# Records their source withdrew: never shown as facts (an administration or result in error).
WITHDRAWN = "('entered-in-error', 'cancelled')"


def current_stay_condition(alias: str) -> str:
    """SQL that holds for a stay still going on (the same rule as `Stay.is_current`)."""
    return f"{alias}.status IN ('in-progress', 'arrived', 'onleave') AND {alias}.discharged_at IS NULL"


CURRENT_STAY = current_stay_condition("s")

# Where a stay lies: its own fields first, else its bed location and the room or unit above it.
_PLACE = """
    COALESCE(s.unit_id, CASE WHEN above.kind = 'unit' THEN above.id ELSE above.part_of END) AS unit,
    COALESCE(s.room, CASE WHEN above.kind = 'room' THEN above.name END) AS room,
    COALESCE(s.bed, bed.name) AS bed_label
"""
_PLACE_JOINS = """
    LEFT JOIN locations bed ON bed.id = s.bed_location_id
    LEFT JOIN locations above ON above.id = bed.part_of
"""


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: str
    name: str
    site: str | None
    beds: int


def units(connection: sqlite3.Connection) -> list[UnitInfo]:
    declared = connection.execute("""
        SELECT u.id, u.name, u.site,
               (SELECT count(*) FROM locations b LEFT JOIN locations r ON r.id = b.part_of
                WHERE b.kind = 'bed' AND (b.part_of = u.id OR r.part_of = u.id))
        FROM locations u WHERE u.kind = 'unit' ORDER BY u.id""").fetchall()
    found = {row[0]: UnitInfo(row[0], row[1], row[2], int(row[3])) for row in declared}
    named = connection.execute(f"""
        SELECT DISTINCT {_PLACE} FROM stays s {_PLACE_JOINS} WHERE {CURRENT_STAY}""").fetchall()
    for unit_id, _room, _bed in named:
        if unit_id is not None and unit_id not in found:
            found[unit_id] = UnitInfo(unit_id, unit_id, None, 0)
    return sorted(found.values(), key=lambda unit: unit.id)


def _age(birth: str | None, at: datetime) -> int | None:
    if birth is None:
        return None
    year, month, day = (int(part) for part in birth.split("-"))
    return at.year - year - ((at.month, at.day) < (month, day))


def census(connection: sqlite3.Connection, at: datetime, unit_id: str | None) -> list[UnitCensus]:
    rows = connection.execute(f"""
        SELECT {_PLACE}, s.id, s.patient_id, p.family, p.given, p.birth_date, p.sex,
               EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = s.patient_id AND a.status = 'active'),
               (SELECT l.value_text FROM lab_results l WHERE l.patient_id = s.patient_id
                  AND l.code = '{BLOOD_GROUP_LOINC}' AND l.status NOT IN {WITHDRAWN}
                ORDER BY l.effective_at DESC LIMIT 1),
               TRIM(dr.given || ' ' || dr.family), s.admitted_at
        FROM stays s JOIN patients p ON p.id = s.patient_id {_PLACE_JOINS}
        LEFT JOIN practitioners dr ON dr.id = s.attending_id
        WHERE {CURRENT_STAY}
        ORDER BY unit, room, bed_label, s.admitted_at DESC""").fetchall()
    seen: set[str] = set()
    by_unit: dict[str, list[CensusEntry]] = defaultdict(list)
    for (
        unit,
        room,
        bed,
        stay_id,
        patient_id,
        family,
        given,
        birth,
        sex,
        allergic,
        blood,
        attending,
        admitted,
    ) in rows:
        if patient_id in seen or unit is None:
            continue
        seen.add(patient_id)
        by_unit[unit].append(
            CensusEntry(
                unit_id=unit,
                room=room,
                bed=bed,
                patient_id=patient_id,
                stay_id=stay_id,
                family=family,
                given=given,
                age=_age(birth, at),
                sex=sex,
                has_allergy=bool(allergic),
                blood_group=blood,
                attending=attending or None,
                admitted_at=decode_time(admitted) if admitted else None,
            )
        )
    result = []
    for unit in units(connection):
        if unit_id is None or unit.id == unit_id:
            result.append(
                UnitCensus(
                    unit_id=unit.id,
                    name=unit.name,
                    site=unit.site,
                    beds=unit.beds,
                    patients=tuple(by_unit.get(unit.id, ())),
                )
            )
    return result


def current_stay(connection: sqlite3.Connection, patient_id: str) -> Stay | None:
    mapping = MAPPINGS[Stay]
    row = connection.execute(
        f"""
        SELECT {mapping.select_list} FROM stays WHERE stays.patient_id = ?
        ORDER BY ({current_stay_condition("stays")}) DESC, stays.admitted_at DESC LIMIT 1""",
        (patient_id,),
    ).fetchone()
    return None if row is None else mapping.from_row(row)


def _records(
    connection: sqlite3.Connection, record_class: type, where: str, params: tuple[object, ...], order: str
) -> list:  # type: ignore[type-arg]
    mapping = MAPPINGS[record_class]
    rows = connection.execute(
        f"SELECT {mapping.select_list} FROM {mapping.table} WHERE {where} ORDER BY {order}", params
    ).fetchall()
    return [mapping.from_row(row) for row in rows]


def chart(
    connection: sqlite3.Connection, patient_id: str, at: datetime, results_since: timedelta
) -> Chart | None:
    patients: list[Patient] = _records(connection, Patient, "id = ?", (patient_id,), "id")
    if not patients:
        return None
    stay = current_stay(connection, patient_id)
    attending = None
    if stay is not None and stay.attending_id is not None:
        found: list[Practitioner] = _records(connection, Practitioner, "id = ?", (stay.attending_id,), "id")
        attending = found[0] if found else None
    allergies: list[Allergy] = _records(
        connection, Allergy, "patient_id = ? AND status = 'active'", (patient_id,), "substance"
    )
    alerts: list[Alert] = _records(
        connection, Alert, "patient_id = ? AND status = 'active'", (patient_id,), "id"
    )
    problems: list[Problem] = _records(
        connection, Problem, "patient_id = ?", (patient_id,), "status = 'active' DESC, label"
    )
    orders: list[MedicationOrder] = _records(
        connection, MedicationOrder, "patient_id = ? AND status = 'active'", (patient_id,), "drug"
    )
    given: list[Administration] = _records(
        connection,
        Administration,
        f"patient_id = ? AND given_at >= ? AND given_at <= ? AND status NOT IN {WITHDRAWN}",
        (patient_id, encode_time(at - timedelta(hours=24)), encode_time(at)),
        "given_at DESC",
    )
    results: list[LabResult] = _records(
        connection,
        LabResult,
        f"patient_id = ? AND (effective_at >= ? OR code = ?) AND status NOT IN {WITHDRAWN}",
        (patient_id, encode_time(at - results_since), BLOOD_GROUP_LOINC),
        "effective_at DESC, code",
    )
    blood = next((r.value_text for r in results if r.is_blood_group), None)
    return Chart(
        patient=patients[0],
        stay=stay,
        allergies=tuple(allergies),
        alerts=tuple(alerts),
        blood_group=blood,
        problems=tuple(problems),
        orders=tuple(orders),
        administrations=tuple(given),
        results=tuple(r for r in results if not r.is_blood_group),
        attending=attending,
    )


def _due_times(
    order: MedicationOrder, start: datetime, end: datetime, zone: tzinfo
) -> list[tuple[datetime, int]]:
    """(moment, dose line) of every dose of the order due in [start, end), within the order's dates."""
    due = []
    for index, line in enumerate(order.dose_lines):
        for at in due_times(line, start, end, zone):
            if (order.start is None or at >= order.start) and (order.end is None or at < order.end):
                due.append((at, index))
    return due


def medication_schedule(
    connection: sqlite3.Connection, start: datetime, end: datetime, unit_id: str | None, zone: tzinfo
) -> list[DoseDue]:
    mapping = MAPPINGS[MedicationOrder]
    rows = connection.execute(f"""
        SELECT {mapping.select_list}, {_PLACE}, p.family, p.given
        FROM medication_orders JOIN stays s ON s.patient_id = medication_orders.patient_id AND {CURRENT_STAY}
        JOIN patients p ON p.id = medication_orders.patient_id {_PLACE_JOINS}
        WHERE medication_orders.status = 'active'""").fetchall()
    width = len(mapping.columns)
    window = (encode_time(start - timedelta(hours=2)), encode_time(end + timedelta(hours=2)))
    given_rows = connection.execute(
        "SELECT order_id, given_at FROM administrations WHERE given_at >= ? AND given_at < ? "
        "AND status = 'completed' AND order_id IS NOT NULL",
        window,
    ).fetchall()
    given_by_order: dict[str, list[datetime]] = defaultdict(list)
    for order_id, given_at in given_rows:
        given_by_order[order_id].append(decode_time(given_at))
    doses = []
    seen_orders: set[str] = set()
    for row in rows:
        order: MedicationOrder = mapping.from_row(row[:width])
        unit, room, bed, family, given = row[width:]
        if order.id in seen_orders or (unit_id is not None and unit != unit_id) or not order.is_to_give:
            continue
        seen_orders.add(order.id)
        for due_at, line_index in _due_times(order, start, end, zone):
            nearby = [g for g in given_by_order.get(order.id, []) if abs(g - due_at) <= timedelta(hours=1)]
            doses.append(
                DoseDue(
                    due_at=due_at,
                    order=order,
                    unit_id=unit,
                    room=room,
                    bed=bed,
                    family=family,
                    given=given,
                    given_at=min(nearby, key=lambda g: abs(g - due_at), default=None),
                    line_index=line_index,
                )
            )
    doses.sort(
        key=lambda dose: (
            dose.due_at,
            dose.unit_id or "",
            dose.room or "",
            dose.bed or "",
            dose.order.id,
            dose.line_index,
        )
    )
    return doses


def activities(
    connection: sqlite3.Connection,
    start: datetime,
    end: datetime,
    unit_id: str | None,
    kinds: tuple[str, ...],
) -> list[ScheduledActivity]:
    from bascule.clinical.records import Activity

    mapping = MAPPINGS[Activity]
    where = ["activities.start >= ?", "activities.start < ?"]
    params: list[object] = [encode_time(start), encode_time(end)]
    if unit_id is not None:
        where.append("activities.unit_id = ?")
        params.append(unit_id)
    if kinds:
        where.append(f"activities.kind IN ({', '.join('?' for _ in kinds)})")
        params.extend(kinds)
    rows = connection.execute(
        f"""
        SELECT {mapping.select_list}, p.family, p.given, p.phone, p.email, TRIM(dr.given || ' ' || dr.family)
        FROM activities LEFT JOIN patients p ON p.id = activities.patient_id
        LEFT JOIN practitioners dr ON dr.id = activities.practitioner_id
        WHERE {" AND ".join(where)} ORDER BY activities.start, activities.id""",
        params,
    ).fetchall()
    width = len(mapping.columns)
    found = []
    for row in rows:
        activity: Activity = mapping.from_row(row[:width])
        found.append(
            ScheduledActivity(
                activity=activity,
                family=row[width] or "",
                given=row[width + 1] or "",
                phone=row[width + 2],
                email=row[width + 3],
                # A practitioner the source named without exporting them: the name it gave.
                practitioner=row[width + 4] or activity.practitioner_display,
            )
        )
    return found
