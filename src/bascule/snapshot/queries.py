"""The reads the downtime tools need, as SQL over the continuity store."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from bascule.clinical.dosage import due_times
from bascule.clinical.placement import (
    NOT_PLACED,
    NOT_PLACED_NAME,
    Placement,
    Places,
    latest_stay,
    place_stay,
    unit_stayed_in,
)
from bascule.clinical.records import (
    ABO_GROUPS,
    ABO_LOINC,
    BLOOD_GROUP_LOINC,
    CURRENT_STAY_STATUSES,
    RH_LOINC,
    RH_TYPES,
    Administration,
    Alert,
    Allergy,
    CareLocation,
    LabResult,
    MedicationOrder,
    Patient,
    Practitioner,
    Problem,
    Stay,
)
from bascule.clinical.settings import HospitalSettings
from bascule.clinical.views import CensusEntry, Chart, DoseDue, ScheduledActivity, UnitCensus, UnplacedEntry
from bascule.snapshot.rows import MAPPINGS, decode_time, encode_time

# Records their source withdrew: never shown as facts (an administration or result in error).
WITHDRAWN = "('entered-in-error', 'cancelled')"


def current_stay_condition(alias: str) -> str:
    """SQL that holds for a stay still going on (the same rule as `Stay.is_current`)."""
    statuses = ", ".join(f"'{status}'" for status in CURRENT_STAY_STATUSES)
    return f"{alias}.status IN ({statuses}) AND {alias}.discharged_at IS NULL"


CURRENT_STAY = current_stay_condition("s")


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: str
    name: str
    site: str | None
    beds: int


@dataclass(frozen=True, slots=True)
class CurrentStay:
    """A patient's current stay (the latest, if the source left several open) and where it is."""

    stay: Stay
    placement: Placement


def _settings(connection: sqlite3.Connection) -> HospitalSettings:
    return HospitalSettings.from_meta(dict(connection.execute("SELECT key, value FROM store_meta")))


def places(connection: sqlite3.Connection) -> Places:
    """Every Location of the store, with the map's unit settings, to place stays in."""
    return _places(connection, _settings(connection))


def _places(connection: sqlite3.Connection, settings: HospitalSettings) -> Places:
    mapping = MAPPINGS[CareLocation]
    rows = connection.execute(f"SELECT {mapping.select_list} FROM locations").fetchall()
    found: dict[str, CareLocation] = {}
    for row in rows:
        location: CareLocation = mapping.from_row(row)
        found[location.id] = location
    return Places(found, settings.unit_locations, frozenset(settings.unit_names))


def _placing_time(connection: sqlite3.Connection) -> datetime:
    """The data time: a location entry whose period ended before it is no longer where one lies."""
    row = connection.execute("SELECT value FROM store_meta WHERE key = 'data_time'").fetchone()
    return decode_time(row[0]) if row is not None and row[0] else datetime.now(UTC)


def current_stays(
    connection: sqlite3.Connection, places: Places | None = None, patient_id: str | None = None
) -> dict[str, CurrentStay]:
    """Patient id -> the patient's current stay and placement; the latest open stay wins. With
    `patient_id`, only that patient's (a patient page must not decode the whole hospital's stays)."""
    places = places or _places(connection, _settings(connection))
    mapping = MAPPINGS[Stay]
    by_patient: dict[str, list[Stay]] = defaultdict(list)
    only = " AND stays.patient_id = ?" if patient_id is not None else ""
    for row in connection.execute(
        f"SELECT {mapping.select_list} FROM stays WHERE {current_stay_condition('stays')}{only}",
        (patient_id,) if patient_id is not None else (),
    ):
        stay: Stay = mapping.from_row(row)
        by_patient[stay.patient_id].append(stay)
    at = _placing_time(connection)
    found = {}
    for patient_id, stays in by_patient.items():
        latest = latest_stay(stays)
        found[patient_id] = CurrentStay(latest, place_stay(latest, places, at))
    return found


def units(connection: sqlite3.Connection, current: Mapping[str, CurrentStay] | None = None) -> list[UnitInfo]:
    """Care units: wards the source declares (or locations the map names), with the beds under
    them, and units current stays are placed in; named by the map, else by their Location."""
    settings = _settings(connection)
    places = _places(connection, settings)
    names: dict[str, str] = {}
    sites: dict[str, str | None] = {}
    beds: dict[str, int] = defaultdict(int)
    for location in sorted(places.locations.values(), key=lambda found: found.id):
        if location.kind == "bed" and (bed_unit := places.unit_of(location.id)) is not None:
            beds[bed_unit] += 1
        if location.kind != "unit" and location.id not in settings.unit_locations:
            continue
        unit_id = places.unit_of(location.id)
        if unit_id is not None and (unit_id not in names or location.id == unit_id):
            names[unit_id] = location.name
            sites[unit_id] = location.site
    stays = current if current is not None else current_stays(connection, places)
    for current_stay in stays.values():
        if current_stay.placement.unit_id is not None:
            names.setdefault(current_stay.placement.unit_id, current_stay.placement.unit_id)
    return [
        UnitInfo(
            unit_id, settings.unit_names.get(unit_id) or names[unit_id], sites.get(unit_id), beds[unit_id]
        )
        for unit_id in sorted(names)
    ]


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """A patient as a search lists them: where their current stay puts them (as the census does),
    else their last stay and the unit it was in; and the downtime numbers reconciled to their MRN."""

    patient: Patient
    current: CurrentStay | None
    unit_name: str | None
    last_stay: Stay | None
    last_unit_name: str | None
    downtime_numbers: tuple[str, ...]


# A stay that never took place, or that the source withdrew, is no patient's last stay.
_NO_STAY = "('planned', 'cancelled', 'entered-in-error')"


def patient_directory(connection: sqlite3.Connection) -> list[DirectoryEntry]:
    """Every patient, in four passes over the store whatever its size: patients, current stays,
    each other patient's latest ended stay, reconciled downtime numbers."""
    return directory_and_units(connection)[0]


def directory_and_units(connection: sqlite3.Connection) -> tuple[list[DirectoryEntry], list[UnitInfo]]:
    """The patient directory and the care units (`units`) it names, from one reading of the
    current stays: a station opening a bundle needs both, and reading them twice costs it."""
    places = _places(connection, _settings(connection))
    current = current_stays(connection, places)
    found_units = units(connection, current)
    names = {unit.id: unit.name for unit in found_units}
    names[NOT_PLACED] = NOT_PLACED_NAME
    stay_mapping = MAPPINGS[Stay]
    last_stays: dict[str, Stay] = {}
    for row in connection.execute(f"""
        SELECT {stay_mapping.select_list} FROM (
            SELECT *, row_number() OVER (
                PARTITION BY patient_id
                ORDER BY COALESCE(discharged_at, admitted_at, '') DESC, version DESC, id) AS latest
            FROM stays WHERE NOT ({current_stay_condition("stays")}) AND status NOT IN {_NO_STAY}
        ) AS stays WHERE latest = 1"""):
        stay: Stay = stay_mapping.from_row(row)
        last_stays[stay.patient_id] = stay
    numbers: dict[str, list[str]] = defaultdict(list)
    for mrn, number, check in connection.execute(
        "SELECT mapped_mrn, id, check_char FROM downtime_ids WHERE mapped_mrn IS NOT NULL ORDER BY id"
    ):
        numbers[mrn].append(f"{number}-{check}")
    patient_mapping = MAPPINGS[Patient]
    entries = []
    for row in connection.execute(f"SELECT {patient_mapping.select_list} FROM patients ORDER BY id"):
        patient: Patient = patient_mapping.from_row(row)
        now = current.get(patient.id)
        last = None if now is not None else last_stays.get(patient.id)
        last_unit = unit_stayed_in(last, places) if last is not None else None
        entries.append(
            DirectoryEntry(
                patient=patient,
                current=now,
                unit_name=None if now is None else names.get(now.placement.unit_id or NOT_PLACED),
                last_stay=last,
                last_unit_name=None if last_unit is None else names.get(last_unit, last_unit),
                downtime_numbers=tuple(numbers.get(patient.mrn, ())) if patient.mrn else (),
            )
        )
    return entries, found_units


def _age(birth: str | None, at: datetime) -> int | None:
    if birth is None:
        return None
    year, month, day = (int(part) for part in birth.split("-"))
    return at.year - year - ((at.month, at.day) < (month, day))


def _latest_value_sql(patient: str, code: str, allowed: tuple[str, ...] = ()) -> str:
    kept = f" AND l.value_text IN ({', '.join(repr(value) for value in allowed)})" if allowed else ""
    return f"""(SELECT l.value_text FROM lab_results l WHERE l.patient_id = {patient} AND l.code = '{code}'
                AND l.status NOT IN {WITHDRAWN}{kept} ORDER BY l.effective_at DESC LIMIT 1)"""


def blood_group_sql(patient: str) -> str:
    """SQL for a patient's blood group: the latest ABO/Rh result (882-1), else the latest ABO group
    (883-9) and Rh type (10331-7) put together, when both are known; NULL otherwise."""
    return f"""COALESCE({_latest_value_sql(patient, BLOOD_GROUP_LOINC)},
        {_latest_value_sql(patient, ABO_LOINC, ABO_GROUPS)} || {_latest_value_sql(patient, RH_LOINC, RH_TYPES)})"""


def census(connection: sqlite3.Connection, at: datetime, unit_id: str | None) -> list[UnitCensus]:
    current = current_stays(connection)
    rows = connection.execute(f"""
        SELECT s.id, s.patient_id, p.family, p.given, p.birth_date, p.sex,
               EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = s.patient_id AND a.status = 'active'),
               {blood_group_sql("s.patient_id")},
               COALESCE(NULLIF(TRIM(dr.given || ' ' || dr.family), ''), s.attending_display), s.admitted_at
        FROM stays s JOIN patients p ON p.id = s.patient_id
        LEFT JOIN practitioners dr ON dr.id = s.attending_id
        WHERE {CURRENT_STAY}""").fetchall()
    by_unit: dict[str, list[CensusEntry]] = defaultdict(list)
    for (
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
        chosen = current[patient_id]
        place = chosen.placement
        if chosen.stay.id != stay_id:
            continue
        placed = place.unit_id is not None
        by_unit[place.unit_id or NOT_PLACED].append(
            CensusEntry(
                unit_id=place.unit_id or NOT_PLACED,
                room=place.room if placed else None,
                bed=place.bed if placed else place.source_code,
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
    if unit_id == NOT_PLACED:  # the pseudo-unit of the patients placed in no unit (their own kit)
        patients = sorted(by_unit.get(NOT_PLACED, ()), key=lambda e: (e.family.casefold(), e.patient_id))
        return [
            UnitCensus(unit_id=NOT_PLACED, name=NOT_PLACED_NAME, site=None, beds=0, patients=tuple(patients))
        ]
    for unit in units(connection, current):
        if unit_id is None or unit.id == unit_id:
            patients = sorted(
                by_unit.get(unit.id, ()),
                key=lambda entry: (entry.room or "", entry.bed or "", entry.patient_id),
            )
            result.append(
                UnitCensus(
                    unit_id=unit.id,
                    name=unit.name,
                    site=unit.site,
                    beds=unit.beds,
                    patients=tuple(patients),
                )
            )
    return result


def stays_without_patient(connection: sqlite3.Connection) -> list[str]:
    """Current stays whose Patient the store does not hold: on no census, so reported by id."""
    rows = connection.execute(f"""
        SELECT s.id FROM stays s WHERE {CURRENT_STAY}
        AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.id = s.patient_id) ORDER BY s.id""").fetchall()
    return [row[0] for row in rows]


def unplaced(connection: sqlite3.Connection) -> list[UnplacedEntry]:
    """Patients with a current stay that leads to no care unit, by name."""
    missing = {
        patient_id: current for patient_id, current in current_stays(connection).items()
        if current.placement.unit_id is None
    }  # fmt: skip
    if not missing:
        return []
    found = []
    for patient_id, family, given, birth, mrn in connection.execute(
        "SELECT id, family, given, birth_date, mrn FROM patients"
    ):
        current = missing.get(patient_id)
        if current is None:
            continue
        found.append(
            UnplacedEntry(
                patient_id=patient_id,
                stay_id=current.stay.id,
                family=family,
                given=given,
                birth_date=date.fromisoformat(birth) if birth else None,
                mrn=mrn,
                source_place=current.placement.source_code,
                admitted_at=current.stay.admitted_at,
            )
        )
    return sorted(
        found, key=lambda entry: (entry.family.casefold(), entry.given.casefold(), entry.patient_id)
    )


def current_stay(connection: sqlite3.Connection, patient_id: str) -> Stay | None:
    mapping = MAPPINGS[Stay]
    row = connection.execute(
        f"""
        SELECT {mapping.select_list} FROM stays WHERE stays.patient_id = ?
        ORDER BY ({current_stay_condition("stays")}) DESC, stays.admitted_at DESC, stays.version DESC
        LIMIT 1""",
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
    blood = connection.execute(f"SELECT {blood_group_sql('?')}", (patient_id,) * 3).fetchone()[0]
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
    connection: sqlite3.Connection,
    start: datetime,
    end: datetime,
    unit_id: str | None,
    zone: tzinfo,
    patient_id: str | None = None,
    places: Places | None = None,
) -> list[DoseDue]:
    mapping = MAPPINGS[MedicationOrder]
    current = current_stays(connection, places, patient_id=patient_id)
    if unit_id is not None:  # only the orders of the unit's patients are read and decoded
        current = {
            patient: stay
            for patient, stay in current.items()
            if (stay.placement.unit_id or NOT_PLACED) == unit_id
        }
    rows = connection.execute(
        f"""
        SELECT {mapping.select_list}, p.family, p.given
        FROM medication_orders JOIN patients p ON p.id = medication_orders.patient_id
        WHERE medication_orders.status = 'active'
          AND medication_orders.patient_id IN (SELECT value FROM json_each(?))""",
        (json.dumps(sorted(current)),),
    ).fetchall()
    width = len(mapping.columns)
    window = (encode_time(start - timedelta(hours=2)), encode_time(end + timedelta(hours=2)))
    if patient_id is None:
        given_rows = connection.execute(
            "SELECT order_id, given_at FROM administrations WHERE given_at >= ? AND given_at < ? "
            "AND status = 'completed' AND order_id IS NOT NULL",
            window,
        ).fetchall()
    else:  # only the doses given for this patient's orders
        given_rows = connection.execute(
            "SELECT order_id, given_at FROM administrations WHERE given_at >= ? AND given_at < ? "
            "AND status = 'completed' AND order_id IN "
            "(SELECT id FROM medication_orders WHERE patient_id = ?)",
            (*window, patient_id),
        ).fetchall()
    given_by_order: dict[str, list[datetime]] = defaultdict(list)
    for order_id, given_at in given_rows:
        given_by_order[order_id].append(decode_time(given_at))
    doses = []
    seen_orders: set[str] = set()
    for row in rows:
        order: MedicationOrder = mapping.from_row(row[:width])
        family, given = row[width:]
        stay = current.get(order.patient_id)
        if stay is None:
            continue
        unit, room, bed = stay.placement.unit_id or NOT_PLACED, stay.placement.room, stay.placement.bed
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


def mrn_known(connection: sqlite3.Connection, mrn: str) -> bool:
    """Whether the continuity store holds a patient with this MRN (the snapshot's `patients`): what
    the laboratory and the blood bank check before recording anything against an MRN."""
    return connection.execute("SELECT 1 FROM patients WHERE mrn = ? LIMIT 1", (mrn,)).fetchone() is not None


def identity_of_mrn(connection: sqlite3.Connection, mrn: str) -> tuple[str, str, str | None] | None:
    """(family, given, birth date as stored) of the patient with this MRN, for a ward's paper that
    must name the patient by two identifiers; None when the store has none."""
    row = connection.execute(
        "SELECT family, given, birth_date FROM patients WHERE mrn = ? ORDER BY version DESC LIMIT 1", (mrn,)
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), None if row[2] is None else str(row[2]))
