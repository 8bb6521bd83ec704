"""Printing many units' kits: one PDF per unit, rendered in parallel worker processes.

Each worker opens the store read-only itself (SQLite connections do not cross processes). The
summary line says how many kits, pages and bytes were made, never anything about a patient.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bascule.clinical.placement import NOT_PLACED
from bascule.durable import sweep_leftovers
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.kits.assemble import KitFile, render_kit
from bascule.kits.content import UnitProcedures, check_units, data_time_of, gather, procedures_for_unit
from bascule.kits.frame import Paper
from bascule.kits.moments import DEFAULT_MAX_AGE
from bascule.snapshot.freshness import format_age, format_instant
from bascule.snapshot.store import ContinuityStore

DEFAULT_WORKERS = 2


@dataclass(frozen=True, slots=True)
class KitOrder:
    """One unit's kit to print (picklable: it crosses into a worker process)."""

    store: Path
    unit_id: str
    procedures: UnitProcedures
    hospital_name: str
    out_dir: Path
    lang: Lang
    paper: Paper
    printed_at: datetime
    max_age: timedelta


@dataclass(frozen=True, slots=True)
class KitRun:
    files: tuple[KitFile, ...]
    seconds: float
    data_time: datetime | None = None
    printed_at: datetime | None = None
    max_age: timedelta = DEFAULT_MAX_AGE

    @property
    def age(self) -> timedelta | None:
        if self.data_time is None or self.printed_at is None:
            return None
        return self.printed_at - self.data_time

    @property
    def stale(self) -> bool:
        return self.age is not None and self.age > self.max_age

    def freshness(self, lang: Lang) -> str:
        """The data time and age the kits print, and whether they are stale: said on screen too."""
        if self.data_time is None or self.age is None:
            return ""
        key = "kits.run_stale" if self.stale else "kits.run_fresh"
        return t(
            key,
            lang,
            data_time=format_instant(self.data_time),
            age=format_age(self.age),
            max_age=format_age(self.max_age),
        )

    @property
    def pages(self) -> int:
        return sum(kit.pages for kit in self.files)

    @property
    def size(self) -> int:
        return sum(kit.size for kit in self.files)

    def summary(self, lang: Lang, out_dir: Path) -> str:
        return t(
            "kits.summary",
            lang,
            kits=len(self.files),
            pages=self.pages,
            mb=f"{self.size / 1e6:.1f}",
            seconds=f"{self.seconds:.1f}",
            out=out_dir,
        )


def print_one(order: KitOrder) -> KitFile:
    with ContinuityStore.open(order.store, readonly=True) as store:
        content = gather(store, order.unit_id, order.procedures, order.hospital_name)
    return render_kit(content, order.out_dir, order.lang, order.paper, order.printed_at, order.max_age)


def print_kits(
    store_path: Path,
    hospital_map: HospitalMap,
    unit_ids: Sequence[str] | None,
    out_dir: Path,
    lang: Lang,
    paper: Paper = "a4",
    *,
    workers: int = DEFAULT_WORKERS,
    on_kit: Callable[[KitFile], None] | None = None,
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> KitRun:
    """Print the kits of these units (all the store's units if None) into out_dir."""
    started = time.perf_counter()
    with ContinuityStore.open(store_path, readonly=True) as store:
        units = store.units()
        if unit_ids is not None:
            wanted = check_units(store, list(unit_ids))
        else:  # every unit, and the kit of the patients placed in none when there are some
            wanted = [u.id for u in units] + ([NOT_PLACED] if store.unplaced() else [])
        occupied = {entry.unit_id: entry.occupied for entry in store.census()}
        data_time = data_time_of(store)
        if NOT_PLACED in wanted:
            occupied[NOT_PLACED] = len(store.unplaced())
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(out_dir)  # half-written kits of a killed run hold patient data
    printed_at = datetime.now(UTC)
    orders = [
        KitOrder(
            store_path,
            unit_id,
            procedures_for_unit(hospital_map, unit_id),
            hospital_map.hospital.name,
            out_dir,
            lang,
            paper,
            printed_at,
            max_age,
        )
        for unit_id in sorted(wanted, key=lambda unit: -occupied.get(unit, 0))  # biggest first
    ]
    files: list[KitFile] = []
    if workers <= 1 or len(orders) <= 1:
        for order in orders:
            files.append(print_one(order))
            if on_kit:
                on_kit(files[-1])
    else:
        # forkserver: safe with the threads of a progress bar, unlike a plain fork.
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for future in as_completed([pool.submit(print_one, order) for order in orders]):
                files.append(future.result())
                if on_kit:
                    on_kit(files[-1])
    order_of = {unit_id: index for index, unit_id in enumerate(wanted)}
    files.sort(key=lambda kit: order_of[kit.unit_id])
    return KitRun(tuple(files), time.perf_counter() - started, data_time, printed_at, max_age)
