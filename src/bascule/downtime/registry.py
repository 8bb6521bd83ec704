"""The record of downtime numbers handed out, kept in the continuity store (table `downtime_ids`).

Allocation takes the next free sequences of a (site, station) in one write transaction, so two
allocations, even from two processes, never share a number. Every number keeps its unit, who
allocated it and when, and later the real MRN it was reconciled with. No patient values are logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bascule.downtime.numbers import MAX_SEQUENCE, DowntimeNumber, normalise_code
from bascule.downtime.side_store import connected, transaction
from bascule.errors import NotFoundError, UserError
from bascule.hospital.naming import did_you_mean
from bascule.snapshot.store import ContinuityStore

MAX_PER_ALLOCATION = 10_000


@dataclass(frozen=True, slots=True)
class Allocation:
    """A contiguous range of numbers given to one station for one unit."""

    site: str
    station: str
    unit: str
    first: int
    last: int
    allocated_at: datetime
    allocated_by: str
    mapped: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.first <= self.last:
            raise ValueError("an allocation runs from a first to a last sequence, first <= last")

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def numbers(self) -> list[DowntimeNumber]:
        return [DowntimeNumber(self.site, self.station, s) for s in range(self.first, self.last + 1)]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_unit(store_path: Path, unit: str) -> None:
    with ContinuityStore.open(store_path, readonly=True) as store:
        known = [info.id for info in store.units()]
    if unit not in known:
        raise UserError(
            f"The store {store_path} has no care unit {unit!r}{did_you_mean(unit, known)}.",
            fr=f"La base {store_path} n'a pas d'unité de soins {unit!r}{did_you_mean(unit, known, 'fr')}.",
        )


def allocate(
    store_path: Path,
    *,
    site: str,
    station: str,
    unit: str,
    count: int,
    allocated_by: str,
    at: datetime | None = None,
) -> Allocation:
    """Record `count` new numbers for this station and unit, following the station's last one."""
    try:
        site_code = normalise_code(site, "site")
        station_code = normalise_code(station, "station")
    except ValueError as error:
        raise UserError(
            str(error),
            fr=f"Les codes de site et de poste ({site!r}, {station!r}) doivent avoir 1 à 8 lettres ou chiffres (sans tirets ni espaces).",
        ) from None
    if not 1 <= count <= MAX_PER_ALLOCATION:
        raise UserError(
            f"Allocate between 1 and {MAX_PER_ALLOCATION} numbers at a time (asked: {count}).",
            fr=f"Allouez entre 1 et {MAX_PER_ALLOCATION} numéros à la fois (demandé : {count}).",
        )
    moment = at or datetime.now(UTC)
    with connected(store_path) as connection:
        _check_unit(store_path, unit)
        with transaction(connection):
            row = connection.execute(
                "SELECT max(sequence) FROM downtime_ids WHERE site = ? AND station = ?",
                (site_code, station_code),
            ).fetchone()
            first = int(row[0] or 0) + 1
            last = first + count - 1
            if last > MAX_SEQUENCE:
                raise UserError(
                    f"Station {station_code} of site {site_code} has used up its numbers; "
                    "give this station a new code.",
                    fr=f"Le poste {station_code} du site {site_code} a épuisé ses numéros ; "
                    "donnez un nouveau code à ce poste.",
                )
            stamp = _stamp(moment)
            rows = [
                (n.record_id, stamp, site_code, station_code, unit, n.sequence, n.check, stamp, allocated_by)
                for n in (DowntimeNumber(site_code, station_code, s) for s in range(first, last + 1))
            ]
            connection.executemany(
                "INSERT INTO downtime_ids (id, version, site, station, unit, sequence, check_char, "
                "allocated_at, allocated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    return Allocation(site_code, station_code, unit, first, last, moment, allocated_by)


def allocations(store_path: Path, unit: str | None = None) -> list[Allocation]:
    """Every range handed out, by site, station and first number (one unit's if given)."""
    with connected(store_path) as connection:
        rows = connection.execute(
            """SELECT site, station, unit, min(sequence), max(sequence), allocated_at, allocated_by,
                      count(mapped_mrn)
               FROM downtime_ids WHERE ? IS NULL OR unit = ?
               GROUP BY site, station, unit, allocated_at, allocated_by
               ORDER BY site, station, min(sequence)""",
            (unit, unit),
        ).fetchall()
    return [
        Allocation(site, station, unit_id, first, last, datetime.fromisoformat(at), by, mapped)
        for site, station, unit_id, first, last, at, by, mapped in rows
    ]


def record_mapping(store_path: Path, number: DowntimeNumber, mrn: str, at: datetime | None = None) -> None:
    """Reconciliation: the real MRN of the patient who was given this downtime number."""
    moment = _stamp(at or datetime.now(UTC))
    with connected(store_path) as connection:
        changed = connection.execute(
            "UPDATE downtime_ids SET mapped_mrn = ?, mapped_at = ?, version = ? WHERE id = ?",
            (mrn, moment, moment, number.record_id),
        ).rowcount
    if changed == 0:
        raise NotFoundError(
            f"The downtime number {number} was never allocated in {store_path}.",
            fr=f"Le numéro de mode dégradé {number} n'a jamais été alloué dans {store_path}.",
        )
