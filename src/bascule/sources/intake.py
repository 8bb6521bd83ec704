"""Gathering a refresh before it touches the store: records, what was skipped or rejected, and times.

A source hands resources one by one to `Intake.take`. Each becomes a record (staged until the caller
`drain`s it into the store), is skipped (a resource type Bascule does not use: Claim, Immunization,
Provenance, ... counted per type), or is rejected with the reason its reader gave. Records kept
with a doubt (a value read as text, a reference kept as its display) are noted as warnings.
Rejects and warnings are kept up to a cap, and counted beyond it, so that memory stays bounded
whatever the size of the source.

Versions: a resource with meta.lastUpdated is versioned by it; one without is versioned by the hash
of what Bascule keeps of it, dated by the time the source vouches for (`as_of`) when there is one
(see bascule.snapshot.versions).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bascule.clinical.records import ClinicalRecord, version_stamp
from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.rows import MAPPINGS
from bascule.snapshot.store import Reject
from bascule.snapshot.versions import content_version, is_time_version
from bascule.sources.fhir_fields import MalformedResource, Reading
from bascule.sources.fhir_records import RESOURCE_TYPES, resource_identity, to_record

# Enough to see what goes wrong; the count says how many more there were.
NOTES_KEPT = 1000
# A FHIR resource type name: "Claim", "ExplanationOfBenefit" (anything else is not a resource).
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{1,63}")
_USED = frozenset(RESOURCE_TYPES)
# Handed to the readers for a resource without lastUpdated; replaced by its content version.
_PENDING = "pending"


@dataclass
class Intake:
    """What one refresh has read so far.

    `received_at` is when the refresh began (never shown as the data's time); `as_of`, when the
    source says its content was current (a bulk export's transactionTime, the start of a pull),
    dates the content versions of resources without lastUpdated."""

    received_at: datetime
    settings: HospitalSettings = field(default_factory=HospitalSettings)
    as_of: datetime | None = None
    records: list[ClinicalRecord] = field(default_factory=list)
    # Source records that could not be used, and records kept with a doubt: (type, id, why, where),
    # never values. The first NOTES_KEPT of each; `rejected` and `warned` count them all.
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    rejected: int = 0
    warned: int = 0
    kept: int = 0
    # Resources read per type, kept or rejected; and those of types Bascule does not use.
    received: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._as_of = version_stamp(self.as_of) if self.as_of is not None else ""
        self._newest_version = ""

    def take(self, resource: Any, line: str | None = None) -> bool:
        """Stage one FHIR resource (read at `line`, if from a file). True if it was kept."""
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if isinstance(kind, str) and kind not in _USED and _TYPE_NAME.fullmatch(kind):
            self.skipped[kind] += 1
            return False
        reading = Reading(self.settings)
        try:
            record = to_record(resource, _PENDING, reading)
        except MalformedResource as malformed:
            self.reject(*resource_identity(resource), malformed.reason, line)
            return False
        if record.version == _PENDING:
            content = MAPPINGS[type(record)].content(record)
            # Built here and not shared yet: set in place, as replace() would check it all again
            # (measured: an eighth of a bulk import's time).
            object.__setattr__(record, "version", content_version(content, self._as_of))
        elif is_time_version(record.version) and record.version > self._newest_version:
            self._newest_version = record.version
        self.received[record_type := resource["resourceType"]] += 1
        self.records.append(record)
        self.kept += 1
        for reason in reading.warnings:
            self.warned += 1
            if len(self.warnings) < NOTES_KEPT:
                self.warnings.append(Reject(record_type, record.id, reason, line))
        return True

    def reject(
        self, resource_type: str, resource_id: str | None, reason: str, line: str | None = None
    ) -> None:
        """Note a source record that cannot be used; `reason` names fields, never values."""
        self.received[resource_type] += 1
        self.rejected += 1
        if len(self.rejects) < NOTES_KEPT:
            self.rejects.append(Reject(resource_type, resource_id, reason, line))

    def drain(self) -> list[ClinicalRecord]:
        """The records staged since the last drain, handed over to be written."""
        staged, self.records = self.records, []
        return staged

    @property
    def newest(self) -> datetime | None:
        """The newest meta.lastUpdated among the resources taken, if any gave one."""
        if not self._newest_version:
            return None
        return datetime.strptime(self._newest_version, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)

    @property
    def total(self) -> int:
        """Every resource read: kept, rejected or skipped."""
        return sum(self.received.values()) + sum(self.skipped.values())
