"""The search's cards, read from a continuity store (the one adapter of the lookup).

A patient with a current stay is in the census exactly as the kits see it: placed in a care unit
with room and bed, or in the "not placed" list with the place the source gave. Any other patient
carries the end and unit of their last stay. Downtime numbers are those reconciled to the patient's
MRN (the registry links a number to an MRN, never to a patient id).

The store keeps no status for a patient (the sources' readers keep none), so every stored patient
is searchable; a Patient its source no longer serves leaves the store at a reconciling full pull.
"""

from __future__ import annotations

from dataclasses import replace

from bascule.clinical.placement import NOT_PLACED
from bascule.lookup.index import PatientCard
from bascule.snapshot.queries import DirectoryEntry
from bascule.snapshot.store import ContinuityStore


def card_of(entry: DirectoryEntry) -> PatientCard:
    """The card of one patient of the store's directory."""
    patient = entry.patient
    card = PatientCard(
        id=patient.id,
        family=patient.family,
        given=patient.given,
        birth_date=patient.birth_date,
        mrn=patient.mrn,
        national_number=patient.national_number,
        downtime_numbers=entry.downtime_numbers,
    )
    if entry.current is None:
        last = entry.last_stay
        return replace(
            card,
            last_stay_end=None if last is None else last.discharged_at,
            last_unit_name=entry.last_unit_name,
        )
    place = entry.current.placement
    placed = place.unit_id is not None
    return replace(
        card,
        in_census=True,
        unit_id=place.unit_id or NOT_PLACED,
        unit_name=entry.unit_name,
        room=place.room if placed else None,
        bed=place.bed if placed else place.source_code,  # where the source had them, as in the census
    )


def cards_from_store(store: ContinuityStore) -> list[PatientCard]:
    """One card per stored patient, read in a few passes whatever the store's size."""
    return [card_of(entry) for entry in store.patient_directory()]
