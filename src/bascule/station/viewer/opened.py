"""One verified bundle opened for reading: its store decrypted into a private folder (in memory
when the machine has a tmpfs), the search index built once, and one read-only connection per
server thread. Closing it wipes the plaintext; readers lease it, so a swap to a newer bundle never
closes a store under a request still reading it."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from bascule.clinical.placement import NOT_PLACED, NOT_PLACED_NAME, Places
from bascule.kits.source import store_from_bundle
from bascule.lookup.from_store import card_of
from bascule.lookup.index import PatientIndex
from bascule.snapshot.queries import UnitInfo
from bascule.snapshot.store import ContinuityStore
from bascule.snapshot.verify import Verified


@dataclass(frozen=True)
class BundleFacts:
    """What the banner and the status say about the bundle shown."""

    sequence: int
    data_time: datetime
    sealed_at: datetime | None
    hospital: str
    key_id: str
    archive_name: str
    zone: tzinfo = UTC  # the hospital's time zone, from the store


class OpenedBundle:
    def __init__(self, facts: BundleFacts, store_path: Path, closer: contextlib.ExitStack) -> None:
        self.facts = facts
        self.store_path = store_path
        self._closer = closer
        self._local = threading.local()
        self._stores: list[ContinuityStore] = []
        self._lock = threading.Lock()
        self._leases = 0
        self._retired = False
        self._closed = False
        with ContinuityStore.open(store_path, readonly=True) as store:
            directory, units = store.directory_and_units()  # the current stays read once for both
            self.index = PatientIndex([card_of(entry) for entry in directory])
            self.units: dict[str, UnitInfo] = {unit.id: unit for unit in units}
            if self.index.by_unit(NOT_PLACED):  # in the census but in no unit: listed, never lost
                self.units[NOT_PLACED] = UnitInfo(NOT_PLACED, NOT_PLACED_NAME, None, 0)
            # Read once: the bundle's store never changes, and a patient page would read them all.
            self.places: Places = store.places()
            self.zone: tzinfo = store.timezone
            self.hospital_id = store.hospital_id
        self.facts = replace(facts, zone=self.zone)

    @classmethod
    def open(cls, verified: Verified, identity: Path, key_id: str, parent: Path | None) -> OpenedBundle:
        closer = contextlib.ExitStack()
        try:
            store_path = closer.enter_context(store_from_bundle(verified, identity, parent=parent))
            seal = verified.seal
            facts = BundleFacts(
                seal.sequence, seal.data_time, seal.sealed_at, seal.hospital, key_id, verified.archive.name
            )
            return cls(facts, store_path, closer)
        except BaseException:
            closer.close()
            raise

    def store(self) -> ContinuityStore:
        """This thread's read-only connection to the opened store."""
        store: ContinuityStore | None = getattr(self._local, "store", None)
        if store is None:
            store = ContinuityStore.open(self.store_path, readonly=True)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def unit_name(self, unit_id: str | None) -> str | None:
        if unit_id is None:
            return None
        unit = self.units.get(unit_id)
        return unit.name if unit is not None else unit_id

    def acquire(self) -> None:
        """One more reader: the bundle stays open until it releases."""
        with self._lock:
            self._leases += 1

    def release(self) -> None:
        with self._lock:
            self._leases -= 1
            last = self._retired and self._leases == 0
        if last:
            self._close()

    def retire(self) -> None:
        """No new reader will lease it; closed (wiped) when the last reader is done."""
        with self._lock:
            self._retired = True
            idle = self._leases == 0
        if idle:
            self._close()

    def _close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            stores, self._stores = self._stores, []
        for store in stores:
            with contextlib.suppress(Exception):
                store.close()
        self._closer.close()
