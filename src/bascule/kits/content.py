"""What goes into one unit's kit, read from the continuity store and the hospital map.

Everything is gathered first into frozen values (and nothing is rendered here), so the same
content can be checked by tests and drawn by the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bascule.clinical.placement import NOT_PLACED
from bascule.clinical.views import CensusEntry, Chart, DoseDue, UnitCensus, UnplacedEntry
from bascule.errors import UserError
from bascule.hospital.model import FallbackProcedure, HospitalMap
from bascule.hospital.naming import did_you_mean
from bascule.snapshot.store import ContinuityStore

MAR_HOURS = 24


@dataclass(frozen=True, slots=True)
class ProcedureSheet:
    process_name: str
    priority: int
    procedure: FallbackProcedure


@dataclass(frozen=True, slots=True)
class UnitProcedures:
    """The degraded procedures of the care processes a unit takes part in, and those with none."""

    sheets: tuple[ProcedureSheet, ...] = ()
    uncovered: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PatientPage:
    entry: CensusEntry
    chart: Chart
    doses: tuple[DoseDue, ...]  # doses due in the chart's window, in time order


@dataclass(frozen=True, slots=True)
class UnitKitContent:
    census: UnitCensus
    data_time: datetime
    zone: tzinfo
    chart_start: datetime
    patients: tuple[PatientPage, ...]
    procedures: UnitProcedures
    hospital_name: str = ""
    # Patients with a current stay in no unit: every unit's kit lists them.
    unplaced: tuple[UnplacedEntry, ...] = ()

    def __post_init__(self) -> None:
        if [p.entry.patient_id for p in self.patients] != [e.patient_id for e in self.census.patients]:
            raise ValueError("a kit has one patient sheet per census entry, in census order")

    @property
    def chart_end(self) -> datetime:
        return self.chart_start + timedelta(hours=MAR_HOURS)


def procedures_for_unit(hospital_map: HospitalMap, unit_id: str) -> UnitProcedures:
    """Each fallback procedure once (the first process naming it gives its title line), by priority."""
    by_id = {procedure.id: procedure for procedure in hospital_map.procedures}
    sheets: dict[str, ProcedureSheet] = {}
    uncovered = []
    for process in sorted(hospital_map.processes, key=lambda p: p.priority):
        if unit_id not in process.units:
            continue
        procedure = by_id.get(process.fallback) if process.fallback else None
        if procedure is None:
            uncovered.append(process.label)
        elif procedure.id not in sheets:
            sheets[procedure.id] = ProcedureSheet(process.label, process.priority, procedure)
    return UnitProcedures(tuple(sheets.values()), tuple(uncovered))


def data_time_of(store: ContinuityStore) -> datetime:
    moment = store.data_time or store.refreshed_at
    if moment is None:
        raise UserError(
            f"The store {store.path} holds no data yet (no refresh recorded); fill it first.",
            fr=f"La base {store.path} ne contient encore aucune donnée (aucune actualisation enregistrée) ; remplissez-la d'abord.",
        )
    return moment


def check_units(store: ContinuityStore, wanted: list[str]) -> list[str]:
    """The unit ids asked for, each known to the store; a UserError with did-you-mean otherwise."""
    known = [unit.id for unit in store.units()] + ([NOT_PLACED] if store.unplaced() else [])
    for unit_id in wanted:
        if unit_id not in known:
            raise UserError(
                f"The store {store.path} has no care unit {unit_id!r}{did_you_mean(unit_id, known)}; "
                f"its units are {', '.join(known[:12])}{' …' if len(known) > 12 else ''}.",
                fr=f"La base {store.path} n'a pas d'unité de soins {unit_id!r}{did_you_mean(unit_id, known, 'fr')} ; "
                f"ses unités sont {', '.join(known[:12])}{' …' if len(known) > 12 else ''}.",
            )
    return list(dict.fromkeys(wanted))


def gather(
    store: ContinuityStore, unit_id: str, procedures: UnitProcedures, hospital_name: str = ""
) -> UnitKitContent:
    data_time = data_time_of(store)
    found = store.census(at=data_time, unit_id=unit_id)
    if not found:
        raise UserError(
            f"The store {store.path} has no care unit {unit_id!r}.",
            fr=f"La base {store.path} n'a pas d'unité de soins {unit_id!r}.",
        )
    census = found[0]
    start = data_time.replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=MAR_HOURS)
    doses_by_patient: dict[str, list[DoseDue]] = {}
    for dose in store.medication_schedule(start, end, unit_id):
        doses_by_patient.setdefault(dose.order.patient_id, []).append(dose)
    pages = tuple(
        PatientPage(
            entry=entry,
            chart=store.chart(entry.patient_id, at=data_time),
            doses=tuple(doses_by_patient.get(entry.patient_id, ())),
        )
        for entry in census.patients
    )
    return UnitKitContent(
        census=census,
        data_time=data_time,
        zone=store.timezone,
        chart_start=start,
        patients=pages,
        procedures=procedures,
        hospital_name=hospital_name,
        unplaced=() if unit_id == NOT_PLACED else tuple(store.unplaced()),
    )
