"""A refresh of the continuity store from a FHIR R4 source.

Every resource type is read first (staged in memory), then applied in one transaction: a pull that
fails, for any reason, leaves the store exactly as it was. Incremental pulls ask for what changed
since the newest data already held from the same source (`_lastUpdated=gt...`).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bascule.clinical.records import Record
from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.store import ContinuityStore, Reject, WriteResult, peek_meta
from bascule.sources.fhir_records import RECORD_CLASS_OF, RESOURCE_TYPES
from bascule.sources.fhir_source import FhirSource, Page, SourceError, TypeNotServed
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
    not_served: tuple[str, ...] = ()
    # Resource types Bascule does not use that the server sent anyway; every reject counted (the
    # list holds the first ones); records kept with a doubt; the source's time of this pull.
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    warnings: list[Reject] = field(default_factory=list)
    warned: int = 0
    data_time: datetime | None = None
    data_time_from: str | None = None
    store_data_time: datetime | None = None


# The newest meta.lastUpdated this FHIR source gave: distinct from data_time, which the HL7 feed
# (stamped by the sender's clock) also moves, so that an incremental pull never skips FHIR changes.
CURSOR_KEY = "fhir_cursor"


def incremental_since(store_path: Path, source: FhirSource) -> datetime | None:
    """The time to ask changes from: the newest data already pulled from this same source."""
    meta = peek_meta(store_path)
    cursor = meta.get(CURSOR_KEY) or meta.get("data_time")
    if meta.get("source") != source.description or not cursor:
        return None
    return datetime.fromisoformat(cursor).astimezone(UTC)


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _prefetched(
    source: FhirSource, since: datetime | None, depth: int = 3
) -> Iterator[tuple[str, Page | None]]:
    """Every page of every type, fetched one step ahead in a thread: the server works on the next
    page while this one is turned into records. A type the server does not serve gives None."""
    pages: queue.Queue[tuple[str, Page | None] | _Failed | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: tuple[str, Page | None] | _Failed | None) -> bool:
        while not stop.is_set():
            try:
                pages.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def fetch() -> None:
        try:
            for resource_type in RESOURCE_TYPES:
                try:
                    for page in source.pages(resource_type, since):
                        if not offer((resource_type, page)):
                            return
                except TypeNotServed:
                    if not offer((resource_type, None)):
                        return
            offer(None)
        except BaseException as error:  # handed to the consumer, which raises it
            offer(_Failed(error))

    fetcher = threading.Thread(target=fetch, name="fhir-fetch", daemon=True)
    fetcher.start()
    try:
        while (item := pages.get()) is not None:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        fetcher.join(timeout=5)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _gone(store: ContinuityStore, intake: Intake, not_served: list[str]) -> dict[type[Record], set[str]]:
    """Records of the store that a full pull of their source no longer brought (HL7's kept)."""
    seen: dict[type[Record], set[str]] = {}
    for record in intake.records:
        seen.setdefault(type(record), set()).add(record.id)
    gone: dict[type[Record], set[str]] = {}
    for resource_type, record_class in RECORD_CLASS_OF.items():
        if resource_type not in not_served:
            missing = store.ids(record_class) - seen.get(record_class, set())
            gone[record_class] = {rid for rid in missing if not rid.startswith("hl7-")}
    return gone


def pull(
    source: FhirSource,
    store_path: Path,
    *,
    since: datetime | None,
    on_page: PageListener | None = None,
    reconcile: bool = False,
    settings: HospitalSettings | None = None,
) -> PullReport:
    """Read every resource type from `source` (changed after `since`), then apply them at once.

    With `reconcile` (a full pull only), records this same source gave before and no longer has
    are removed; records the HL7 feed created ("hl7-" ids) and other sources' stores are left alone.
    Resources are read with `settings` (the map's), recorded in the store; without them, with the
    settings the store recorded before.
    """
    started = time.perf_counter()
    meta = peek_meta(store_path)
    reading = settings or HospitalSettings.from_meta(meta)
    # What a search returns is current as of the moment it was asked: the content versions' date.
    started_at = datetime.now(UTC)
    intake = Intake(received_at=started_at, settings=reading, as_of=started_at)
    seen: dict[str, int] = {}
    not_served: list[str] = []
    for resource_type, page in _prefetched(source, since):
        if page is None:
            not_served.append(resource_type)
            continue
        for resource in page.resources:
            intake.take(resource)
        seen[resource_type] = seen.get(resource_type, 0) + len(page.resources)
        if on_page is not None:
            on_page(resource_type, seen[resource_type], page.total)
    if len(not_served) == len(RESOURCE_TYPES):
        raise SourceError(
            f"The FHIR server at {source.description} serves none of the resource types Bascule "
            "reads (404 on every search); check the FHIR base URL.",
            fr=f"Le serveur FHIR à {source.description} ne sert aucun des types de ressources que Bascule "
            "lit (404 à chaque recherche) ; vérifiez l'URL de base FHIR.",
        )
    same_source = meta.get("source") == source.description
    cursor = max(
        filter(None, [intake.newest, incremental_since(store_path, source) if same_source else None]),
        default=None,
    )
    data_time = min(intake.newest, intake.received_at) if intake.newest else None
    with ContinuityStore.open(store_path) as store:
        removals = _gone(store, intake, not_served) if reconcile and since is None and same_source else {}
        written = store.refresh(
            intake.records,
            extra_meta={CURSOR_KEY: _iso(cursor)} if cursor is not None else None,
            removals=removals,
            data_time=data_time,
            refreshed_at=datetime.now(UTC),
            rejects=intake.rejects,
            source=source.description,
            settings=settings,
        )
        store_data_time = store.data_time
    return PullReport(
        source=source.description,
        since=since,
        received=dict(intake.received),
        kept=intake.kept,
        rejects=intake.rejects,
        written=written,
        seconds=time.perf_counter() - started,
        not_served=tuple(not_served),
        skipped=dict(intake.skipped),
        rejected=intake.rejected,
        warnings=intake.warnings,
        warned=intake.warned,
        data_time=data_time,
        data_time_from="lastUpdated" if data_time is not None else None,
        store_data_time=store_data_time,
    )
