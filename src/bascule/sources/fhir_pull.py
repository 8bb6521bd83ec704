"""A refresh of the continuity store from a FHIR R4 source.

Every resource type is read first (staged in memory), then applied in one transaction: a pull that
fails, for any reason, leaves the store exactly as it was. Incremental pulls ask for what changed
since the newest data already held from the same source (`_lastUpdated=gt...`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bascule.snapshot.store import ContinuityStore, Reject, WriteResult, peek_meta
from bascule.sources.fhir_records import RESOURCE_TYPES
from bascule.sources.fhir_source import FhirSource
from bascule.sources.intake import Intake

PageListener = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class PullReport:
    source: str
    since: datetime | None
    received: dict[str, int]
    kept: int
    rejects: list[Reject]
    written: WriteResult
    seconds: float


def incremental_since(store_path: Path, source: FhirSource) -> datetime | None:
    """The time to ask changes from: the store's newest data, if it came from this same source."""
    meta = peek_meta(store_path)
    if meta.get("source") != source.description or not meta.get("data_time"):
        return None
    return datetime.fromisoformat(meta["data_time"]).astimezone(UTC)


def pull(
    source: FhirSource, store_path: Path, *, since: datetime | None, on_page: PageListener | None = None
) -> PullReport:
    """Read every resource type from `source` (changed after `since`), then apply them at once."""
    started = time.perf_counter()
    intake = Intake(received_at=datetime.now(UTC))
    for resource_type in RESOURCE_TYPES:
        seen = 0
        for page in source.pages(resource_type, since):
            for resource in page.resources:
                intake.take(resource)
            seen += len(page.resources)
            if on_page is not None:
                on_page(resource_type, seen, page.total)
    with ContinuityStore.open(store_path) as store:
        written = store.refresh(
            intake.records,
            data_time=intake.newest,
            refreshed_at=datetime.now(UTC),
            rejects=intake.rejects,
            source=source.description,
        )
    return PullReport(
        source=source.description,
        since=since,
        received=dict(intake.received),
        kept=len(intake.records),
        rejects=intake.rejects,
        written=written,
        seconds=time.perf_counter() - started,
    )
