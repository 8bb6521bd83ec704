"""The continuity store's schema and its migrations.

Contract with the sealing (issue 5): one SQLite file; `store_meta(key, value)` holds at least
`schema_version`, `hospital_id`, `source`, `data_time` and `refreshed_at`; every record table has a
TEXT primary key `id` (the source id) and a `version` column; every other table's name starts with
`store_`. Counts per record type are rows per record table.

`MIGRATIONS[n]` takes a store from version n to n + 1; a new store runs them all. A store newer than
this code is refused, never touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

RECORD_TABLES: tuple[str, ...] = (
    "patients",
    "locations",
    "stays",
    "allergies",
    "alerts",
    "problems",
    "medication_orders",
    "administrations",
    "lab_results",
    "activities",
    "practitioners",
    "downtime_ids",
    "downtime_entries",
    "downtime_links",
    "downtime_sent",
    "lab_samples",
    "lab_sample_events",
    "lab_runs",
    "lab_downtime_results",
    "blood_units",
    "blood_movements",
    "blood_alerts",
    "lab_menus",
)

META_KEYS: tuple[str, ...] = ("schema_version", "hospital_id", "source", "data_time", "refreshed_at")

_V1 = """
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE patients (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    family TEXT NOT NULL, given TEXT NOT NULL, birth_date TEXT, sex TEXT NOT NULL,
    mrn TEXT, national_number TEXT, national_system TEXT, phone TEXT, email TEXT);
CREATE INDEX patients_mrn ON patients (mrn);
CREATE TABLE locations (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    name TEXT NOT NULL, kind TEXT NOT NULL, part_of TEXT, site TEXT);
CREATE TABLE stays (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, status TEXT NOT NULL, unit_id TEXT, room TEXT, bed TEXT,
    bed_location_id TEXT, admitted_at TEXT, discharged_at TEXT, attending_id TEXT);
CREATE INDEX stays_patient ON stays (patient_id);
CREATE INDEX stays_unit ON stays (unit_id);
CREATE TABLE allergies (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, substance TEXT NOT NULL, code TEXT, category TEXT, criticality TEXT,
    reaction TEXT, status TEXT NOT NULL);
CREATE INDEX allergies_patient ON allergies (patient_id);
CREATE TABLE alerts (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, text TEXT NOT NULL, code TEXT, category TEXT, status TEXT NOT NULL);
CREATE INDEX alerts_patient ON alerts (patient_id);
CREATE TABLE problems (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, label TEXT NOT NULL, code TEXT, system TEXT, status TEXT NOT NULL, onset TEXT);
CREATE INDEX problems_patient ON problems (patient_id);
CREATE TABLE medication_orders (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, drug TEXT NOT NULL, drug_code TEXT, dose_value REAL, dose_unit TEXT,
    route TEXT, times TEXT NOT NULL, frequency TEXT, as_needed INTEGER NOT NULL, status TEXT NOT NULL,
    start TEXT, end TEXT, prescriber_id TEXT);
CREATE INDEX medication_orders_patient ON medication_orders (patient_id);
CREATE TABLE administrations (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, drug TEXT NOT NULL, given_at TEXT NOT NULL, order_id TEXT,
    dose_value REAL, dose_unit TEXT, route TEXT, status TEXT NOT NULL, performer_id TEXT);
CREATE INDEX administrations_patient ON administrations (patient_id, given_at);
CREATE INDEX administrations_order ON administrations (order_id, given_at);
CREATE TABLE lab_results (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL, effective_at TEXT NOT NULL,
    value REAL, value_text TEXT, unit TEXT, low REAL, high REAL, flag TEXT, status TEXT NOT NULL);
CREATE INDEX lab_results_patient ON lab_results (patient_id, code, effective_at);
CREATE TABLE activities (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient_id TEXT NOT NULL, kind TEXT NOT NULL, start TEXT NOT NULL, end TEXT, description TEXT NOT NULL,
    unit_id TEXT, practitioner_id TEXT, urgency TEXT NOT NULL, status TEXT NOT NULL);
CREATE INDEX activities_start ON activities (start);
CREATE TABLE practitioners (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    family TEXT NOT NULL, given TEXT NOT NULL, specialty TEXT, unit_id TEXT, phone TEXT, email TEXT);
"""

# Version 2 keeps the malformed records a refresh met (type, id, why: never patient values) so that
# a status screen can list them after the command has ended.
_V2 = """
CREATE TABLE store_rejects (
    seen_at TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT, reason TEXT NOT NULL);
"""

# Version 3 records the downtime numbers handed out on paper (issue 6, bascule.downtime), so that
# reconciliation can map each one to the patient's real MRN; a record table, sealed with the rest.
_V3 = """
CREATE TABLE downtime_ids (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    site TEXT NOT NULL, station TEXT NOT NULL, unit TEXT NOT NULL, sequence INTEGER NOT NULL,
    check_char TEXT NOT NULL, allocated_at TEXT NOT NULL, allocated_by TEXT NOT NULL,
    mapped_mrn TEXT, mapped_at TEXT, UNIQUE (site, station, sequence));
CREATE INDEX downtime_ids_unit ON downtime_ids (unit, sequence);
"""

# Version 4 (clinical fidelity: real EHR exports and feeds). Results: comparator ("<0.01" is not
# 0.01), category, range text, absent reason, yes/no value; a name's prefix and suffix; an allergy's
# worst reaction severity and kind; a problem's category; people known only by name (an appointment's
# practitioner, a prescriber, a performer); every dose line of an order (JSON) and its intent; an
# administration's rate, text, reason not given and end; a stay's places as its source gave them
# (resolved to a care unit when read, as Locations may come later) and an attending known by name;
# where a rejected record was read ("FILE:LINE" of a bulk export).
_V4 = """
ALTER TABLE lab_results ADD COLUMN comparator TEXT;
ALTER TABLE lab_results ADD COLUMN category TEXT;
ALTER TABLE lab_results ADD COLUMN range_text TEXT;
ALTER TABLE lab_results ADD COLUMN absent_reason TEXT;
ALTER TABLE lab_results ADD COLUMN value_boolean INTEGER;
ALTER TABLE patients ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN suffix TEXT NOT NULL DEFAULT '';
ALTER TABLE allergies ADD COLUMN severity TEXT;
ALTER TABLE allergies ADD COLUMN kind TEXT;
ALTER TABLE problems ADD COLUMN category TEXT;
ALTER TABLE activities ADD COLUMN practitioner_display TEXT;
ALTER TABLE medication_orders ADD COLUMN lines TEXT;
ALTER TABLE medication_orders ADD COLUMN intent TEXT;
ALTER TABLE medication_orders ADD COLUMN prescriber TEXT;
ALTER TABLE administrations ADD COLUMN rate_value REAL;
ALTER TABLE administrations ADD COLUMN rate_unit TEXT;
ALTER TABLE administrations ADD COLUMN dosage_text TEXT;
ALTER TABLE administrations ADD COLUMN status_reason TEXT;
ALTER TABLE administrations ADD COLUMN performer TEXT;
ALTER TABLE administrations ADD COLUMN ended_at TEXT;
ALTER TABLE stays ADD COLUMN places TEXT NOT NULL DEFAULT '';
ALTER TABLE stays ADD COLUMN attending_display TEXT;
ALTER TABLE store_rejects ADD COLUMN line TEXT;
ALTER TABLE locations ADD COLUMN identifiers TEXT NOT NULL DEFAULT '';
ALTER TABLE allergies ADD COLUMN verification TEXT;
"""

# Version 5 (issue 16) keeps what the wards recorded during the outage, imported from the stations'
# signed exports (or typed from paper): one row per entry, `id` its station:sequence, `version` its
# chain hash. A record table, sealed and guarded with the rest: deleting entries is an attack too.
# `patient` and `downtime_number` (not patient_id): an entry may name a patient the store never had.
_V5 = """
CREATE TABLE downtime_entries (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    station TEXT NOT NULL, sequence INTEGER NOT NULL, author TEXT NOT NULL, recorded_at TEXT NOT NULL,
    kind TEXT NOT NULL, patient TEXT, downtime_number TEXT, data TEXT NOT NULL,
    source TEXT NOT NULL, imported_at TEXT NOT NULL, UNIQUE (station, sequence));
CREATE INDEX downtime_entries_number ON downtime_entries (downtime_number);
CREATE INDEX downtime_entries_patient ON downtime_entries (patient);
"""

# Version 6 (identity matching of downtime registrations, issue 16): every name of a patient
# (official, usual, maiden...) as a JSON list, every phone as a JSON list, the home postcode.
_V6 = """
ALTER TABLE patients ADD COLUMN names TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN phones TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN postcode TEXT;
"""

# Version 7 (issue 16): who each downtime number turned out to be, and what reached the recovered
# EHR. `downtime_links`: one row per number, `patient` the store's patient id (NULL: a new patient),
# `decision` auto (matching alone) or confirmed / new (a person, `decided_by`). `downtime_sent`: one
# row per entry sent, `state` acknowledged or refused (with the EHR's reason). Record tables: sealed
# and guarded like the rest.
_V7 = """
CREATE TABLE downtime_links (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient TEXT, decision TEXT NOT NULL, score REAL, decided_by TEXT NOT NULL, decided_at TEXT NOT NULL);
CREATE TABLE downtime_sent (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    state TEXT NOT NULL, target TEXT NOT NULL, reference TEXT, reason TEXT, at TEXT NOT NULL);
"""

# Version 8 (issue 19): samples tracked on paper and barcode, results without the laboratory
# system. `lab_samples`: one row per sample number (`sequence` the store's counter), its state,
# the lab that received it, its transport run and whether it was scanned on arrival. `patient` is
# an MRN or a downtime number, never a name. `lab_sample_events`: one row per scan. `lab_runs`:
# transport runs to mutual-aid laboratories. `lab_downtime_results`: one row per sample resulted
# (`id` the sample number), read by the reconciliation; `amendments` a JSON list.
_V8 = """
CREATE TABLE lab_samples (
    id TEXT PRIMARY KEY, version TEXT NOT NULL, sequence INTEGER NOT NULL UNIQUE,
    patient TEXT NOT NULL, test TEXT NOT NULL, priority TEXT NOT NULL, unit TEXT NOT NULL,
    collected_at TEXT NOT NULL, collected_by TEXT NOT NULL, state TEXT NOT NULL,
    lab TEXT, run TEXT, arrived INTEGER NOT NULL DEFAULT 0, reason TEXT);
CREATE INDEX lab_samples_test ON lab_samples (test, collected_at);
CREATE INDEX lab_samples_patient ON lab_samples (patient);
CREATE TABLE lab_sample_events (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    sample TEXT NOT NULL, state TEXT NOT NULL, actor TEXT NOT NULL, place TEXT NOT NULL, at TEXT NOT NULL,
    reason TEXT);
CREATE INDEX lab_sample_events_sample ON lab_sample_events (sample);
CREATE TABLE lab_runs (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    destination TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
    departed_at TEXT, received_at TEXT);
CREATE TABLE lab_downtime_results (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    patient TEXT NOT NULL, test TEXT NOT NULL, value TEXT NOT NULL, unit TEXT NOT NULL, flag TEXT NOT NULL,
    entered_by TEXT NOT NULL, entered_at TEXT NOT NULL, channel TEXT NOT NULL, read_back INTEGER NOT NULL,
    confirmed_by TEXT, confirmed_at TEXT, amendments TEXT NOT NULL DEFAULT '[]');
CREATE INDEX lab_downtime_results_patient ON lab_downtime_results (patient);
"""

# Version 9: the blood bank in downtime (issue 19): units, their movements (the traceability chain: a
# movement's id is the donation number and its rank, "FR123 26 123456#2") and the supply alerts.
_V9 = """
CREATE TABLE blood_units (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    component TEXT NOT NULL, blood_group TEXT NOT NULL, expires_at TEXT NOT NULL, received_at TEXT NOT NULL);
CREATE TABLE blood_movements (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    donation TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL, by_whom TEXT NOT NULL,
    recipient_kind TEXT, recipient TEXT, emergency INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE INDEX blood_movements_donation ON blood_movements (donation);
CREATE TABLE blood_alerts (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    level TEXT NOT NULL, at TEXT NOT NULL, by_whom TEXT NOT NULL, note TEXT NOT NULL);
"""

# Version 10 (issue 19): the laboratory's menu as published to the wards, so that their stations,
# which do not know the incident's hits, show the tests they may still request. One row per
# publication (`id` its time); `lines` a JSON list of {id, state, runners_up, runners_down, why}.
_V10 = """
CREATE TABLE lab_menus (
    id TEXT PRIMARY KEY, version TEXT NOT NULL,
    published_at TEXT NOT NULL, published_by TEXT NOT NULL, restricted INTEGER NOT NULL, lines TEXT NOT NULL);
"""

# Version 11 (issue 19, triage hook): the units of cross-matched red cells an activity needs
# reserved (its maximum surgical blood ordering schedule line); a store written before reads 0.
_V11 = """
ALTER TABLE activities ADD COLUMN cross_matched_units INTEGER NOT NULL DEFAULT 0;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(Exception):
    """The store was written by a newer Bascule; this one must not touch it."""

    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


def current_version(connection: sqlite3.Connection) -> int:
    """The store's schema version: 0 for an empty file."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'"
    ).fetchone()
    if exists is None:
        return 0
    row = connection.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row is not None else 0


def migrate(
    connection: sqlite3.Connection, target: int = SCHEMA_VERSION, steps: Sequence[str] = MIGRATIONS
) -> int:
    """Bring the store to `target` in one transaction; return the version found before."""
    found = current_version(connection)
    if found > len(steps):
        raise SchemaTooNew(found)
    if found >= target:
        return found
    connection.execute("BEGIN IMMEDIATE")
    try:
        for script in steps[found:target]:
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
        connection.execute(
            "INSERT INTO store_meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(target),),
        )
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return found


def schema_columns(version: int) -> dict[str, tuple[str, ...]]:
    """The columns of each table of a store at schema `version` (built in memory, so exact)."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(connection, version)
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: tuple(row[1] for row in connection.execute(f'PRAGMA table_info("{table}")'))
            for table in tables
        }
    finally:
        connection.close()
