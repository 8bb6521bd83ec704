"""What a ward's printed results sheet holds (issue 19): per patient reference, the results
released to the wards, and how many critical values still wait for their second person, never
their values. The patient reference is the MRN or downtime number as written at collection: the
sheet is the ward's own paper, so it may carry it (never a log or an error)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from bascule.downtime.side_store import connected
from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import did_you_mean
from bascule.laboratory.samples import store as tables
from bascule.laboratory.samples.results import Result
from bascule.snapshot.queries import identity_of_mrn


@dataclass(frozen=True, slots=True)
class PatientResults:
    """One patient reference's results on the sheet: released values, and the count withheld."""

    patient: str
    released: tuple[Result, ...]
    awaiting_confirmation: int
    # "FAMILY Given, born YYYY-MM-DD" for an MRN the store knows: the bedside check wants the name
    # and the birth date beside the number. Empty for a downtime number (its wristband names it).
    family: str = ""
    given: str = ""
    born: str | None = None

    def __post_init__(self) -> None:
        if any(not r.released for r in self.released):
            raise ValueError("an unconfirmed critical value is never printed for the ward")


@dataclass(frozen=True, slots=True)
class WardResults:
    """The results of one care unit's samples, by patient reference (in the order first resulted)."""

    unit: str
    patients: tuple[PatientResults, ...]

    @property
    def awaiting_confirmation(self) -> int:
        return sum(p.awaiting_confirmation for p in self.patients)

    @property
    def released_count(self) -> int:
        return sum(len(p.released) for p in self.patients)


def ward_results_of(unit: str, results: Iterable[Result]) -> WardResults:
    """Group a unit's results by patient reference: released ones kept, the others only counted."""
    by_patient: dict[str, list[Result]] = {}
    for result in results:
        by_patient.setdefault(result.patient, []).append(result)
    return WardResults(
        unit,
        tuple(
            PatientResults(
                patient,
                tuple(r for r in found if r.released),
                sum(1 for r in found if not r.released),
            )
            for patient, found in by_patient.items()
        ),
    )


def ward_results(store_path: Path, hospital: HospitalMap, unit: str) -> WardResults:
    """The results of the samples `unit` collected; UserError for a unit neither the map nor the
    sample log knows (a unit typed at collection that the map lacks still gets its sheet)."""
    with connected(store_path, readonly=True) as connection:
        known = sorted(
            {care_unit.id for care_unit in hospital.units} | set(tables.units_collecting(connection))
        )
        if unit not in known:
            raise UserError(
                f"Neither the map nor the sample log has a care unit {unit!r}{did_you_mean(unit, known)}.",
                fr=f"Ni la carte ni le registre des échantillons n'a d'unité de soins {unit!r}"
                f"{did_you_mean(unit, known, 'fr')}.",
            )
        ward = ward_results_of(unit, tables.results_of_unit(connection, unit))
        named = []
        for patient in ward.patients:
            identity = identity_of_mrn(connection, patient.patient)
            if identity is not None:
                family, given, born = identity
                patient = replace(patient, family=family, given=given, born=born)
            named.append(patient)
        return replace(ward, patients=tuple(named))
