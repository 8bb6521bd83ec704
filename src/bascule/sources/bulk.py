"""FHIR bulk data (NDJSON): one file per resource type, one resource per line.

Export writes `<ResourceType>.ndjson` files as a FHIR bulk export does. Import reads every
`*.ndjson` file of a folder and streams it into the store: records are written in batches inside
one transaction, so memory stays bounded whatever the size of the export, and an import that fails
or is killed half-way leaves the store exactly as it was.

A line that is not UTF-8, not JSON or not a usable resource is rejected with its file and line
number, and the import goes on. Resource types Bascule does not use are skipped (counted).

The time of the data is the source's: the export's `transactionTime`, read from the `$export`
completion document ({"transactionTime", "request", "output": [{"type", "url"}]}) saved as a
`*.json` file of the folder, else the newest meta.lastUpdated; never the time of the import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bascule.clinical.records import ClinicalRecord
from bascule.clinical.settings import HospitalSettings
from bascule.durable import PRIVATE, write_chunks
from bascule.errors import NotFoundError, UserError
from bascule.snapshot.store import ContinuityStore, Reject, WriteResult, peek_meta
from bascule.sources.fhir_fields import MalformedResource, as_moment
from bascule.sources.fhir_records import RESOURCE_TYPES
from bascule.sources.intake import Intake

# Records written per statement batch: large enough for SQLite's speed, small enough for memory.
BATCH = 2000
_MANIFEST_BYTES = 16 << 20
_TYPE_PART = re.compile(r"[A-Z][A-Za-z]{1,63}")
_TYPES_IN_LINE = re.compile(rb'"resourceType"\s*:\s*"([^"\\]*)"')
_BOM = b"\xef\xbb\xbf"

BytesListener = Callable[[int], None]


def write_ndjson(resources: Mapping[str, Iterable[Mapping[str, Any]]], folder: Path) -> dict[str, Path]:
    """Write each resource type to `folder/<Type>.ndjson`; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for kind, items in resources.items():
        path = folder / f"{kind}.ndjson"
        lines = (
            json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            for resource in items
        )
        write_chunks(path, lines, PRIVATE)  # an export is patient data: owner only, whole or not at all
        written[kind] = path
    return written


def ndjson_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise NotFoundError(
            f"The folder {folder} does not exist; give the folder of the NDJSON export.",
            fr=f"Le dossier {folder} n'existe pas ; donnez le dossier de l'export NDJSON.",
        )
    files = sorted(folder.glob("*.ndjson"))
    if not files:
        raise UserError(
            f"The folder {folder} holds no .ndjson file; give the folder of a FHIR bulk export.",
            fr=f"Le dossier {folder} ne contient aucun fichier .ndjson ; donnez le dossier d'un export FHIR en masse.",
        )
    return files


@dataclass(frozen=True, slots=True)
class ExportManifest:
    """The `$export` completion document: when the export was taken and which file holds which type."""

    file: str
    transaction_time: datetime
    types: Mapping[str, str]  # file name (last part of the output url) -> resource type


def _manifest_of(path: Path, zone: Any) -> ExportManifest | None:
    if path.stat().st_size > _MANIFEST_BYTES:
        return None
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or "transactionTime" not in document or "output" not in document:
        return None
    try:
        moment = as_moment(document["transactionTime"], "transactionTime", zone)
    except MalformedResource:
        moment = None
    if moment is None:
        raise UserError(
            f"The export manifest {path.name} has no readable transactionTime; "
            "keep the $export status response as the server sent it.",
            fr=f"Le manifeste d'export {path.name} n'a pas de transactionTime lisible ; "
            "gardez la réponse d'état de $export telle que le serveur l'a envoyée.",
        )
    types: dict[str, str] = {}
    for part in ("output", "error"):  # error files hold OperationOutcomes (counted as skipped)
        entries = document.get(part)
        for entry in entries if isinstance(entries, list) else []:
            url, kind = (entry.get("url"), entry.get("type")) if isinstance(entry, dict) else (None, None)
            if isinstance(url, str) and isinstance(kind, str):
                types[url.rstrip("/").rsplit("/", 1)[-1]] = kind
    return ExportManifest(path.name, moment, types)


def read_manifest(folder: Path, settings: HospitalSettings) -> ExportManifest | None:
    """The export manifest saved in the folder (a `*.json` with transactionTime and output), if any."""
    found = [m for path in sorted(folder.glob("*.json")) if (m := _manifest_of(path, settings.zone))]
    if len(found) > 1:
        raise UserError(
            f"The folder {folder} holds more than one export manifest ({', '.join(m.file for m in found)}); "
            "import one export at a time.",
            fr=f"Le dossier {folder} contient plus d'un manifeste d'export ({', '.join(m.file for m in found)}) ; "
            "importez un export à la fois.",
        )
    return found[0] if found else None


def file_type(path: Path, manifest: ExportManifest | None) -> str | None:
    """The resource type a file holds, from the manifest or its name (Patient.ndjson, 1.Patient.ndjson)."""
    if manifest is not None and path.name in manifest.types:
        return manifest.types[path.name]
    return next((part for part in path.name.split(".") if _TYPE_PART.fullmatch(part)), None)


def read_ndjson(
    path: Path,
    intake: Intake,
    *,
    kind: str | None = None,
    flush: Callable[[list[ClinicalRecord]], None] | None = None,
    on_bytes: BytesListener | None = None,
) -> None:
    """Stream every line of one NDJSON file into `intake`; every BATCH records, hand them to `flush`.

    `kind` is the type the file holds (for reporting a line that is not JSON); a line of a type
    Bascule does not use, and holding no other type, is counted as skipped without being parsed."""
    kind = kind or file_type(path, None)
    skip_unread = kind is not None and kind not in RESOURCE_TYPES
    kind_bytes = (kind or "").encode()
    pending_bytes = 0
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            pending_bytes += len(raw)
            if on_bytes is not None and pending_bytes >= 1 << 20:
                on_bytes(pending_bytes)
                pending_bytes = 0
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if not raw.strip():
                continue
            if skip_unread:
                types = _TYPES_IN_LINE.findall(raw)
                if types and all(found == kind_bytes for found in types):
                    intake.skipped[kind or ""] += 1
                    continue
            where = f"{path.name}:{number}"
            try:
                resource = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                intake.reject(kind or "unknown", None, "not UTF-8", where)
                continue
            except json.JSONDecodeError:
                intake.reject(kind or "unknown", None, "not JSON", where)
                continue
            intake.take(resource, where)
            if flush is not None and len(intake.records) >= BATCH:
                flush(intake.drain())
    if on_bytes is not None and pending_bytes:
        on_bytes(pending_bytes)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import of a bulk export did (rejects and warnings: the first ones, with their counts)."""

    files: int
    kept: int
    received: dict[str, int]
    skipped: dict[str, int]
    rejects: list[Reject]
    rejected: int
    warnings: list[Reject]
    warned: int
    written: WriteResult
    # The source's time of this export (None: it gave none, and the store's was left as it was),
    # what it came from ("transactionTime", "lastUpdated"), and the store's data time afterwards.
    data_time: datetime | None
    data_time_from: str | None
    store_data_time: datetime | None


def import_export(
    folder: Path,
    store_path: Path,
    *,
    settings: HospitalSettings | None = None,
    stated_time: datetime | None = None,
    on_start: Callable[[int], None] | None = None,
    on_bytes: BytesListener | None = None,
) -> ImportReport:
    """Import the bulk export in `folder` into the store, streamed, in one transaction.

    Resources are read with `settings` (the map's, recorded in the store), else with what the store
    recorded before. `stated_time` is when the export was taken, as the person importing it states
    it: used when the export has no manifest (its transactionTime comes first). `on_start` is told
    the bytes to read, `on_bytes` how many more were read."""
    files = ndjson_files(folder)
    reading = settings or HospitalSettings.from_meta(peek_meta(store_path))
    manifest = read_manifest(folder, reading)
    kinds = [file_type(path, manifest) for path in files]
    if manifest is not None:
        missing = sorted(set(manifest.types.values()) & set(RESOURCE_TYPES) - set(kinds))
        if missing:
            raise UserError(
                f"The export manifest {manifest.file} lists {', '.join(missing)} data that no .ndjson file "
                f"of {folder} holds; download every file of the export before importing it.",
                fr=f"Le manifeste d'export {manifest.file} liste des données {', '.join(missing)} qu'aucun fichier .ndjson "
                f"de {folder} ne contient ; téléchargez tous les fichiers de l'export avant de l'importer.",
            )
    if on_start is not None:
        on_start(sum(path.stat().st_size for path in files))
    intake = Intake(
        received_at=datetime.now(UTC),
        settings=reading,
        as_of=manifest.transaction_time if manifest is not None else stated_time,
    )
    with ContinuityStore.open(store_path) as store, store.transaction():
        written = WriteResult()

        def flush(records: list[ClinicalRecord]) -> None:
            nonlocal written
            written += store.write(records)

        for path, kind in zip(files, kinds, strict=True):
            try:
                read_ndjson(path, intake, kind=kind, flush=flush, on_bytes=on_bytes)
            except OSError as error:  # the transaction is rolled back: nothing of this import is kept
                raise UserError(
                    f"Cannot read {path} ({error.strerror or error}); nothing was imported. "
                    "Check the file and import the folder again.",
                    fr=f"Impossible de lire {path} ({error.strerror or error}) ; rien n'a été importé. "
                    "Vérifiez le fichier et importez de nouveau le dossier.",
                ) from None
        data_time: datetime | None
        data_time_from: str | None
        if manifest is not None:
            data_time, data_time_from = manifest.transaction_time, "transactionTime"
        elif stated_time is not None:
            data_time, data_time_from = stated_time, "stated"
        else:
            data_time = intake.newest
            data_time_from = "lastUpdated" if data_time is not None else None
        written += store.refresh(
            intake.drain(),
            data_time=data_time,
            refreshed_at=datetime.now(UTC),
            rejects=intake.rejects,
            source=f"ndjson:{folder.resolve()}",
            settings=settings,
        )
        store_data_time = store.data_time
    return ImportReport(
        files=len(files),
        kept=intake.kept,
        received=dict(intake.received),
        skipped=dict(intake.skipped),
        rejects=intake.rejects,
        rejected=intake.rejected,
        warnings=intake.warnings,
        warned=intake.warned,
        written=written,
        data_time=data_time,
        data_time_from=data_time_from,
        store_data_time=store_data_time,
    )
