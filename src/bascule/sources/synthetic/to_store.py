"""Putting the synthetic hospital into a continuity store, as a refresh from a source would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.store import ContinuityStore, WriteResult
from bascule.sources.intake import Intake
from bascule.sources.synthetic.hospital import SyntheticHospital


def store_hospital(
    hospital: SyntheticHospital, path: Path, hospital_id: str, settings: HospitalSettings | None = None
) -> WriteResult:
    """Write every resource of `hospital` into the store at `path` in one transaction.

    The map's settings are recorded with it; a map that names no time zone gets the synthetic
    hospital's own (Paris or London), in which its schedules are written."""
    if settings is None or settings.timezone == "UTC":
        settings = replace(settings or HospitalSettings(), timezone=hospital.timezone)
    intake = Intake(received_at=hospital.generated_at, settings=settings)
    for resource in hospital.all_resources():
        intake.take(resource)
    if intake.rejects:  # the generator and the mapping disagree: a bug, not a user error
        first = intake.rejects[0]
        raise AssertionError(f"synthetic {first.resource_type} {first.resource_id} rejected: {first.reason}")
    with ContinuityStore.open(path) as store:
        return store.refresh(
            intake.records,
            data_time=intake.newest or hospital.generated_at,
            refreshed_at=hospital.generated_at,
            source=hospital.source,
            hospital_id=hospital_id,
            settings=settings,
        )
