"""Gathering a refresh before it touches the store: records, rejects and the newest source time.

Everything is staged in memory and applied by the store in one transaction at the end, so a source
that fails half-way leaves the store exactly as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bascule.clinical.records import ClinicalRecord, version_stamp
from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.store import Reject
from bascule.sources.fhir_fields import MalformedResource, Reading
from bascule.sources.fhir_records import resource_identity, to_record


@dataclass
class Intake:
    """Records staged for one refresh."""

    received_at: datetime
    settings: HospitalSettings = field(default_factory=HospitalSettings)
    records: list[ClinicalRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # Records kept, with something read as text or left out: (type, id, what), never values.
    warnings: list[Reject] = field(default_factory=list)
    received: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._default_version = version_stamp(self.received_at)
        self._newest_version = ""

    def take(self, resource: Any) -> bool:
        """Stage one FHIR resource; a malformed one is recorded as a reject. True if it was kept."""
        reading = Reading(self.settings)
        try:
            record = to_record(resource, self._default_version, reading)
        except MalformedResource as malformed:
            kind, rid = resource_identity(resource)
            self.received[kind] += 1
            self.rejects.append(Reject(kind, rid, malformed.reason))
            return False
        self.received[resource["resourceType"]] += 1
        self.records.append(record)
        for reason in reading.warnings:
            self.warnings.append(Reject(resource["resourceType"], record.id, reason))
        # Version stamps sort like the times they encode: keep the newest one the source gave.
        if record.version != self._default_version and record.version > self._newest_version:
            self._newest_version = record.version
        return True

    @property
    def newest(self) -> datetime | None:
        """When the newest staged record was last updated at the source."""
        if not self._newest_version:
            return None
        return datetime.strptime(self._newest_version, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

    def reject(self, resource_type: str, resource_id: str | None, reason: str) -> None:
        self.received[resource_type] += 1
        self.rejects.append(Reject(resource_type, resource_id, reason))

    @property
    def total(self) -> int:
        return sum(self.received.values())
