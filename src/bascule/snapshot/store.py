"""The continuity store: one SQLite file (WAL, one writer) holding the clinical data for downtime.

Writes are upserts by source id where an older version never overwrites a newer one; a refresh is
applied in one transaction (all or nothing) and records the time of the newest source data
(`data_time`) and of the refresh (`refreshed_at`). Reads are the downtime views (see queries.py).
Messages name ids only, never patient values.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from bascule.clinical.placement import Places
from bascule.clinical.records import Allergy, ClinicalRecord, Patient, Practitioner, Record, Stay
from bascule.clinical.settings import HospitalSettings
from bascule.clinical.views import Chart, DoseDue, ScheduledActivity, UnitCensus, UnplacedEntry
from bascule.durable import create_private
from bascule.errors import NotFoundError, UserError
from bascule.snapshot import queries
from bascule.snapshot.rows import MAPPINGS
from bascule.snapshot.schema import RECORD_TABLES, SCHEMA_VERSION, SchemaTooNew, current_version, migrate

R = TypeVar("R", bound=Record)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reject:
    """A source record that could not be used: its type, its id if any, and why (no patient values)."""

    resource_type: str
    resource_id: str | None
    reason: str
    # Where it was read: "FILE:LINE" for a bulk export, None for a FHIR pull or an HL7 message.
    line: str | None = None


@dataclass(frozen=True, slots=True)
class WriteResult:
    """Rows written per table, and records not written: the store held the same content or a newer
    version (the rule is in versions.py)."""

    written: dict[str, int] = field(default_factory=dict)
    skipped_older: int = 0
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total_written(self) -> int:
        return sum(self.written.values())

    def __add__(self, other: WriteResult) -> WriteResult:
        def summed(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
            return {key: first.get(key, 0) + second.get(key, 0) for key in {**first, **second}}

        return WriteResult(
            summed(self.written, other.written),
            self.skipped_older + other.skipped_older,
            summed(self.removed, other.removed),
        )


def _iso(moment: datetime) -> str:
    if moment.utcoffset() is None:
        raise ValueError("store times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse_iso(text: str) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


class ContinuityStore:
    """The SQLite continuity store; use `ContinuityStore.open(path)` as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path, readonly: bool) -> None:
        self._connection = connection
        self.path = path
        self.readonly = readonly
        self._in_transaction = False

    # -- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Self:
        """Open (creating and migrating as needed) the store at `path`."""
        store_path = Path(path)
        if readonly and not store_path.is_file():
            raise NotFoundError(
                f"There is no continuity store at {store_path}; check the path.",
                fr=f"Il n'y a pas de base de continuité à {store_path} ; vérifiez le chemin.",
            )
        if not readonly and not store_path.parent.is_dir():
            raise NotFoundError(
                f"The folder {store_path.parent} does not exist; create it first.",
                fr=f"Le dossier {store_path.parent} n'existe pas ; créez-le d'abord.",
            )
        if not readonly:
            create_private(store_path)  # patient data: owner only, and so are its WAL and journal
        try:
            if readonly:
                connection = sqlite3.connect(
                    f"{store_path.resolve().as_uri()}?mode=ro",
                    uri=True,
                    isolation_level=None,
                    check_same_thread=False,
                )
            else:
                connection = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout = 10000")
            found = current_version(connection)
            if found > SCHEMA_VERSION:
                raise SchemaTooNew(found)
            if readonly:
                if found < SCHEMA_VERSION:
                    raise UserError(
                        f"The store {store_path} has schema version {found}, older than "
                        f"{SCHEMA_VERSION}; open it once with write access to migrate it.",
                        fr=f"La base {store_path} a le schéma version {found}, plus ancien que la "
                        f"{SCHEMA_VERSION} ; ouvrez-la une fois avec l'accès en écriture pour la migrer.",
                    )
            else:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
                migrate(connection)
                connection.executemany(
                    "INSERT OR IGNORE INTO store_meta (key, value) VALUES (?, '')",
                    [(key,) for key in ("hospital_id", "source", "data_time", "refreshed_at")],
                )
        except SchemaTooNew as too_new:
            connection.close()
            raise UserError(
                f"The store {store_path} has schema version {too_new.found}, written by a newer "
                f"Bascule (this one knows up to {SCHEMA_VERSION}); upgrade Bascule to open it.",
                fr=f"La base {store_path} a le schéma version {too_new.found}, écrit par un Bascule plus récent "
                f"(celui-ci connaît jusqu'à la {SCHEMA_VERSION}) ; mettez Bascule à jour pour l'ouvrir.",
            ) from None
        except sqlite3.DatabaseError as error:
            raise UserError(
                f"{store_path} is not a readable continuity store ({error}); check the path.",
                fr=f"{store_path} n'est pas une base de continuité lisible ({error}) ; vérifiez le chemin.",
            ) from None
        return cls(connection, store_path, readonly)

    def close(self) -> None:
        """Close; a writable store folds its WAL back into the file, so that one file is the whole store."""
        if not self.readonly:
            # If another reader holds the WAL, it is folded in later.
            with suppress(sqlite3.OperationalError):
                self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    # -- meta --------------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self._connection.execute("SELECT key, value FROM store_meta").fetchall())

    @property
    def schema_version(self) -> int:
        return current_version(self._connection)

    @property
    def hospital_id(self) -> str:
        return self.meta().get("hospital_id", "")

    @property
    def source(self) -> str:
        return self.meta().get("source", "")

    @property
    def data_time(self) -> datetime | None:
        """When the newest source data was written at the source (None before the first refresh)."""
        return _parse_iso(self.meta().get("data_time", ""))

    @property
    def refreshed_at(self) -> datetime | None:
        return _parse_iso(self.meta().get("refreshed_at", ""))

    @property
    def settings(self) -> HospitalSettings:
        """How this store's sources are read (time zone, MRN systems, med times, unit locations)."""
        return HospitalSettings.from_meta(self.meta())

    @property
    def timezone(self) -> tzinfo:
        """The hospital's wall-clock zone, in which medication schedules are written."""
        return self.settings.zone

    def record_settings(self, settings: HospitalSettings) -> None:
        """Record the map's reading settings, so that the sealed copy is read the way it was written."""
        self.set_meta(**settings.to_meta())

    def set_meta(self, **values: str) -> None:
        with self.transaction():
            self._set_meta(values)

    def _set_meta(self, values: dict[str, str]) -> None:
        self._connection.executemany(
            "INSERT INTO store_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    # -- writing -----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested uses join the outer one."""
        if self.readonly:
            raise UserError(
                f"The store {self.path} is open read-only; it cannot be changed.",
                fr=f"La base {self.path} est ouverte en lecture seule ; elle ne peut pas être modifiée.",
            )
        if self._in_transaction:
            yield
            return
        self._connection.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        else:
            self._connection.execute("COMMIT")
        finally:
            self._in_transaction = False

    def write(self, records: Iterable[ClinicalRecord]) -> WriteResult:
        """Upsert records by id as versions.py's rule says. One transaction, or part of the caller's:
        a streamed import writes batch after batch inside one `transaction()`, so that it is kept
        whole or not at all."""
        by_class: dict[type[Any], list[ClinicalRecord]] = defaultdict(list)
        for record in records:
            by_class[type(record)].append(record)
        written: dict[str, int] = {}
        skipped = 0
        with self.transaction():
            for record_class, group in by_class.items():
                mapping = MAPPINGS[record_class]
                before = self._connection.total_changes
                self._connection.executemany(mapping.upsert_sql, [mapping.to_row(r) for r in group])
                changed = self._connection.total_changes - before
                written[mapping.table] = written.get(mapping.table, 0) + changed
                skipped += len(group) - changed
        return WriteResult(written, skipped)

    def refresh(
        self,
        records: Iterable[ClinicalRecord],
        *,
        data_time: datetime | None,
        refreshed_at: datetime,
        rejects: Sequence[Reject] = (),
        source: str | None = None,
        hospital_id: str | None = None,
        extra_meta: dict[str, str] | None = None,
        settings: HospitalSettings | None = None,
        removals: Mapping[type[Record], Collection[str]] | None = None,
    ) -> WriteResult:
        """Apply a whole refresh in one transaction: records, removals, rejects and the times, or nothing."""
        with self.transaction():
            result = self.write(records)
            for record_class, ids in (removals or {}).items():
                table = MAPPINGS[record_class].table
                before = self._connection.total_changes
                self._connection.executemany(f"DELETE FROM {table} WHERE id = ?", [(rid,) for rid in ids])
                result.removed[table] = self._connection.total_changes - before
            values: dict[str, str] = {"refreshed_at": _iso(refreshed_at)}
            known = self.data_time
            if data_time is not None and (known is None or data_time > known):
                values["data_time"] = _iso(data_time)
            if source is not None:
                values["source"] = source
            if hospital_id is not None:
                values["hospital_id"] = hospital_id
            values.update(extra_meta or {})
            if settings is not None:
                values.update(settings.to_meta())
            self._set_meta(values)
            self._insert_rejects(rejects, refreshed_at)
        return result

    def record_rejects(self, rejects: Sequence[Reject], seen_at: datetime) -> None:
        """Keep source records that could not be used, without counting it as a refresh."""
        with self.transaction():
            self._insert_rejects(rejects, seen_at)

    def _insert_rejects(self, rejects: Sequence[Reject], seen_at: datetime) -> None:
        self._connection.executemany(
            "INSERT INTO store_rejects (seen_at, resource_type, resource_id, reason, line) VALUES (?, ?, ?, ?, ?)",
            [(_iso(seen_at), r.resource_type, r.resource_id, r.reason, r.line) for r in rejects],
        )

    # -- reading -----------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per record table."""
        return {
            table: int(self._connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in RECORD_TABLES
        }

    def get(self, record_class: type[R], record_id: str) -> R | None:
        mapping = MAPPINGS[record_class]
        row = self._connection.execute(
            f"SELECT {mapping.select_list} FROM {mapping.table} WHERE id = ?", (record_id,)
        ).fetchone()
        return None if row is None else mapping.from_row(row)

    def ids(self, record_class: type[Record]) -> set[str]:
        """The ids of every stored record of this type."""
        table = MAPPINGS[record_class].table
        return {row[0] for row in self._connection.execute(f"SELECT id FROM {table}")}

    def records(self, record_class: type[R]) -> Iterator[R]:
        """Every stored record of this type, in id order."""
        mapping = MAPPINGS[record_class]
        cursor = self._connection.execute(f"SELECT {mapping.select_list} FROM {mapping.table} ORDER BY id")
        for row in cursor:
            yield mapping.from_row(row)

    def patient_by_mrn(self, mrn: str) -> Patient | None:
        mapping = MAPPINGS[Patient]
        row = self._connection.execute(
            f"SELECT {mapping.select_list} FROM patients WHERE mrn = ? ORDER BY version DESC LIMIT 1", (mrn,)
        ).fetchone()
        return None if row is None else mapping.from_row(row)

    def current_stay(self, patient_id: str) -> Stay | None:
        return queries.current_stay(self._connection, patient_id)

    def pseudonym(self, value: str) -> str:
        """A stable id part for a source key that must not show in ids, logs or journals (an MRN, a
        visit number): keyed by this store's own secret, so that it cannot be guessed back."""
        key = self.meta().get("id_key", "")
        if not key:
            key = secrets.token_hex(32)
            self.set_meta(id_key=key)
        return hmac.new(bytes.fromhex(key), value.encode("utf-8"), hashlib.sha256).hexdigest()[:20]

    def allergies_of(self, patient_id: str) -> list[Allergy]:
        """Every allergy recorded for the patient, whatever its status (an HL7 list replaces them)."""
        mapping = MAPPINGS[Allergy]
        rows = self._connection.execute(
            f"SELECT {mapping.select_list} FROM allergies WHERE patient_id = ? ORDER BY id", (patient_id,)
        ).fetchall()
        return [mapping.from_row(row) for row in rows]

    def rejects(self) -> list[Reject]:
        rows = self._connection.execute(
            "SELECT resource_type, resource_id, reason, line FROM store_rejects ORDER BY rowid"
        ).fetchall()
        return [Reject(*row) for row in rows]

    def units(self) -> list[queries.UnitInfo]:
        """Care units present: declared locations and units named by current stays."""
        return queries.units(self._connection)

    def census(self, at: datetime | None = None, unit_id: str | None = None) -> list[UnitCensus]:
        """Who lies where, unit by unit (ages at `at`, default now)."""
        return queries.census(self._connection, at or datetime.now(UTC), unit_id)

    def unplaced(self) -> list[UnplacedEntry]:
        """Patients with a current stay that leads to no care unit (listed in every unit's kit)."""
        return queries.unplaced(self._connection)

    def patient_directory(self) -> list[queries.DirectoryEntry]:
        """Every patient with their current stay, else their last one, and their downtime numbers:
        what the station's search indexes."""
        return queries.patient_directory(self._connection)

    def directory_and_units(self) -> tuple[list[queries.DirectoryEntry], list[queries.UnitInfo]]:
        """`patient_directory()` and `units()` at once, the current stays read only once."""
        return queries.directory_and_units(self._connection)

    def stays_without_patient(self) -> list[str]:
        """Ids of current stays whose Patient never arrived: no census can show them."""
        return queries.stays_without_patient(self._connection)

    def unplaced_stay_ids(self) -> list[str]:
        """The stay ids of `unplaced()`, for reports and logs that may carry ids only."""
        return [entry.stay_id for entry in queries.unplaced(self._connection)]

    def read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """`query` run on this store's connection: a read for a capability whose tables live in the
        store (the laboratory's, for one) without this class knowing them."""
        return query(self._connection)

    def chart(
        self, patient_id: str, at: datetime | None = None, results_since: timedelta = timedelta(days=7)
    ) -> Chart:
        chart = queries.chart(self._connection, patient_id, at or datetime.now(UTC), results_since)
        if chart is None:
            raise NotFoundError(
                f"No patient {patient_id} in the store {self.path}.",
                fr=f"Aucun patient {patient_id} dans la base {self.path}.",
            )
        return chart

    def medication_schedule(
        self,
        start: datetime,
        end: datetime,
        unit_id: str | None = None,
        *,
        patient_id: str | None = None,
        places: Places | None = None,
    ) -> list[DoseDue]:
        """Doses due in [start, end) for current inpatients (of one unit, or only one patient), with
        the administration recorded, if any. A reader of a store that never changes (a station's
        opened bundle) passes the `places()` it read once, instead of every Location per call."""
        return queries.medication_schedule(
            self._connection, start, end, unit_id, self.timezone, patient_id, places
        )

    def places(self) -> Places:
        """Every Location of the store, to place stays in (see `medication_schedule`)."""
        return queries.places(self._connection)

    def activities(
        self, start: datetime, end: datetime, unit_id: str | None = None, kinds: Sequence[str] = ()
    ) -> list[ScheduledActivity]:
        """Activities starting in [start, end), with the patient's phone and e-mail."""
        return queries.activities(self._connection, start, end, unit_id, tuple(kinds))

    def practitioners(self) -> list[Practitioner]:
        mapping = MAPPINGS[Practitioner]
        rows = self._connection.execute(
            f"SELECT {mapping.select_list} FROM practitioners ORDER BY family, given, id"
        ).fetchall()
        return [mapping.from_row(row) for row in rows]


def peek_meta(path: str | Path) -> dict[str, str]:
    """The store_meta of an existing store, read without opening it for writing or migrating it."""
    store_path = Path(path)
    if not store_path.is_file():
        return {}
    try:
        connection = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return dict(connection.execute("SELECT key, value FROM store_meta").fetchall())
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise UserError(
            f"{store_path} is not a readable continuity store ({error}); check the path.",
            fr=f"{store_path} n'est pas une base de continuité lisible ({error}) ; vérifiez le chemin.",
        ) from None
