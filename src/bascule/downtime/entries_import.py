"""The crisis cell takes in a station's export of downtime entries: signature first (against the
station keys it trusts), then decryption, then the chain, then each entry checked again, then one
write transaction into the continuity store's `downtime_entries`.

Importing is idempotent: an entry already there with the same chain hash is skipped. The same
station:sequence with another hash means two different histories (a station made again under the
same code, or tampering): the whole export is refused (exit 3) and nothing is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyrage

from bascule.chained_log import Head, verify_chain
from bascule.downtime.accounting import AllocatedNumber, EntrySeen
from bascule.downtime.entries import (
    CELL_CODES,
    Entry,
    PatientRef,
    downtime_number,
    entry_from_line,
    make_entry,
)
from bascule.downtime.side_store import connected, current_store, writing
from bascule.errors import UserError
from bascule.reconcile.interchange import registration_object
from bascule.reconcile.registration import Registration
from bascule.snapshot.minisign import PublicKey, Signature, SignatureMismatch, key_id_text, prehash
from bascule.station.recording import ENTRY_FIELDS, EXPORT_FORMAT, EXPORT_VERSION

EXIT_REFUSED = 3


@dataclass(frozen=True)
class StationExport:
    station: str
    hospital: str
    entries: tuple[tuple[Entry, str], ...]  # each entry with its chain hash


@dataclass(frozen=True)
class Imported:
    station: str
    new: int
    already: int


def _refused(en: str, fr: str) -> UserError:
    return UserError(en, fr=fr, exit_code=EXIT_REFUSED)


def _comment_fields(comment: str) -> dict[str, str]:
    parts = comment.split("\t")
    if not parts or parts[0] != EXPORT_FORMAT:
        return {}
    return dict(part.split(":", 1) for part in parts[1:] if ":" in part)


def read_export(
    archive: Path, identities: Sequence[pyrage.x25519.Identity], trusted: Sequence[PublicKey]
) -> StationExport:
    name = archive.name
    signature_file = archive.with_name(archive.name + ".minisig")
    try:
        ciphertext = archive.read_bytes()
        signature = Signature.from_text(signature_file.read_text(encoding="utf-8"), str(signature_file))
    except FileNotFoundError as missing:
        raise UserError(
            f"{missing.filename} does not exist: an export is its .jsonl.age file and its .minisig.",
            fr=f"{missing.filename} n'existe pas : un export est son fichier .jsonl.age et son .minisig.",
        ) from None
    signer = next((key for key in trusted if key.key_id == signature.key_id), None)
    if signer is None:
        raise _refused(
            f"{name} is signed by key {key_id_text(signature.key_id)}, which is none of the stations trusted (--trust).",
            f"{name} est signé par la clé {key_id_text(signature.key_id)}, qui n'est aucun des postes de confiance (--trust).",
        )
    try:
        signature.verify(signer, prehash([ciphertext]), source=name)
    except SignatureMismatch as mismatch:
        raise _refused(mismatch.message, mismatch.french or mismatch.message) from None
    signed = _comment_fields(signature.trusted_comment)
    if signed.get("version") != str(EXPORT_VERSION):
        raise _refused(
            f"{name} is not a Bascule entries export.", f"{name} n'est pas un export de saisies Bascule."
        )
    try:
        plaintext = pyrage.decrypt(ciphertext, list(identities))
    except pyrage.DecryptError:
        raise UserError(
            f"{name} cannot be decrypted with the identity given: it was exported to another recipient.",
            fr=f"{name} ne peut pas être déchiffré avec l'identité donnée : il a été exporté pour un autre destinataire.",
        ) from None
    first, _, raw = plaintext.partition(b"\n")
    try:
        header = json.loads(first)
        station, hospital, count, head_hash = (
            header["station"],
            header["hospital"],
            int(header["entries"]),
            header["head"],
        )
    except (ValueError, KeyError, TypeError):
        raise _refused(f"{name} has no valid header.", f"{name} n'a pas d'en-tête valide.") from None
    if (signed.get("station"), signed.get("hospital"), signed.get("entries")) != (
        station,
        hospital,
        str(count),
    ):
        raise _refused(
            f"{name}: its content does not match what its signature states.",
            f"{name} : son contenu ne correspond pas à ce que sa signature déclare.",
        )
    report = verify_chain(raw, Head(count, head_hash) if count else None, ENTRY_FIELDS, "the export's header")
    if not report.whole:
        raise _refused(
            f"{name}: the entries chain is broken ({report.reason}).",
            f"{name} : la chaîne des saisies est rompue ({report.raison}).",
        )
    entries = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        parsed = json.loads(line)
        entry = entry_from_line(parsed)
        if entry.station != station:
            raise _refused(
                f"{name}: line {number} was recorded by another station.",
                f"{name} : la ligne {number} a été saisie par un autre poste.",
            )
        entries.append((entry, str(parsed["hash"])))
    return StationExport(station, hospital, tuple(entries))


def import_export(store_path: Path, export: StationExport, source: str, now: datetime) -> Imported:
    """Write the export's entries the store does not hold yet, in one transaction."""
    if export.station in CELL_CODES:
        raise _refused(
            f"The export is from a station coded {export.station}, the crisis cell's own code for paper "
            "forms: its entries would collide with them; nothing was imported.",
            f"L'export vient d'un poste codé {export.station}, le code de la cellule de crise pour les fiches "
            "papier : ses saisies se mêleraient aux leurs ; rien n'a été importé.",
        )
    hospital = current_store(store_path)
    if hospital and hospital != export.hospital:
        raise _refused(
            f"The export is from hospital {export.hospital!r}, the store is {hospital!r}.",
            f"L'export vient de l'hôpital {export.hospital!r}, la base est {hospital!r}.",
        )
    with writing(store_path) as connection:
        new = _insert(connection, export, source, now)
    return Imported(export.station, new, len(export.entries) - new)


def insert_row(
    connection: sqlite3.Connection, key: str, digest: str, entry: Entry, source: str, now: datetime
) -> None:
    connection.execute(
        "INSERT INTO downtime_entries (id, version, station, sequence, author, recorded_at, kind, "
        "patient, downtime_number, data, source, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            key,
            digest,
            entry.station,
            entry.sequence,
            entry.author,
            entry.recorded_at.isoformat(),
            entry.kind,
            entry.patient.patient_id,
            entry.patient.downtime_id,
            json.dumps(dict(entry.data), sort_keys=True, ensure_ascii=False),
            source,
            now.isoformat(),
        ),
    )


def _insert(connection: sqlite3.Connection, export: StationExport, source: str, now: datetime) -> int:
    known = dict(
        connection.execute("SELECT id, version FROM downtime_entries WHERE station = ?", (export.station,))
    )
    new = 0
    for entry, digest in export.entries:
        had = known.get(entry.key)
        if had == digest:
            continue
        if had is not None:
            raise _refused(
                f"Entry {entry.key} is already held with other content: two histories under one "
                "station code; nothing was imported.",
                f"La saisie {entry.key} est déjà enregistrée avec un autre contenu : deux histoires sous "
                "un même code de poste ; rien n'a été importé.",
            )
        insert_row(connection, entry.key, digest, entry, source, now)
        new += 1
    return new


def ledger(store_path: Path) -> tuple[list[AllocatedNumber], list[EntrySeen]]:
    """The numbers handed out and the entries imported, as the store holds them: a number is
    reconciled once linked (or mapped to an MRN in the registry); an entry is `sent` once the EHR
    acknowledged it, `refused` when it said no, `ready` when its patient is known, else `waiting`
    (its downtime number not yet linked to anyone)."""
    with connected(store_path, readonly=True) as connection:
        linked = {row[0] for row in connection.execute("SELECT id FROM downtime_links")}
        numbers = [
            AllocatedNumber(
                f"{record_id}-{check}", unit, mapped is not None or f"{record_id}-{check}" in linked
            )
            for record_id, check, unit, mapped in connection.execute(
                "SELECT id, check_char, unit, mapped_mrn FROM downtime_ids ORDER BY id"
            )
        ]
        entries = [
            EntrySeen(key, station, kind, number, _entry_state(sent, patient, number, linked))
            for key, station, kind, number, patient, sent in connection.execute(
                "SELECT e.id, e.station, e.kind, e.downtime_number, e.patient, s.state FROM downtime_entries e "
                "LEFT JOIN downtime_sent s ON s.id = e.id ORDER BY e.station, e.sequence"
            )
        ]
        unallocated_linked = linked - {n.text for n in numbers}
    numbers += [AllocatedNumber(text, "", True) for text in sorted(unallocated_linked)]
    return numbers, entries


def _entry_state(sent: str | None, patient: str | None, number: str | None, linked: set[str]) -> str:
    if sent == "acknowledged":
        return "sent"
    if sent == "refused":
        return "refused"
    if patient is not None or (number is not None and number in linked):
        return "ready"
    return "waiting"


PAPER = "PAPER"  # the station code of registrations typed from paper forms (interchange JSON Lines)


def paper_entries(registrations: Sequence[Registration], now: datetime) -> list[tuple[Entry, str]]:
    """Each registration as a `registration` entry of the PAPER station, with the digest of what it
    says (sequence 0 until stored). A downtime number whose check character is wrong refuses the
    whole file: the form would be filed under someone else."""
    entries = []
    for line, registration in enumerate(registrations, start=1):
        try:
            number = downtime_number(registration.downtime_id)
        except UserError:
            raise _refused(
                f"Registration {line}: its downtime number is not written like one or its check character is "
                "wrong; correct the file (nothing was imported).",
                f"Enregistrement {line} : son numéro dégradé n'a pas la bonne forme ou sa lettre de contrôle est "
                "fausse ; corrigez le fichier (rien n'a été importé).",
            ) from None
        data = {
            name: value
            for name, value in registration_object(registration).items()
            if name in ("family", "given", "birth_date", "sex", "national_id", "phone", "postcode", "unit")
        }
        recorded = registration.recorded_at or now
        entry = make_entry(
            station=PAPER,
            sequence=1,
            author=f"paper:{registration.station or '-'}"[:64],
            recorded_at=recorded,
            kind="registration",
            patient=PatientRef(downtime_id=number),
            data=data,
        )
        said = registration_object(registration)  # what the form says: a missing time is not "now"
        digest = hashlib.sha256(json.dumps(said, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        entries.append((entry, digest))
    return entries


def import_paper(
    store_path: Path, registrations: Sequence[Registration], source: str, now: datetime
) -> Imported:
    """Registrations typed from paper, one per downtime number (`PAPER:<number>`): importing the same
    file twice changes nothing; the same number saying something else refuses the file (exit 3)."""
    entries = paper_entries(registrations, now)
    with writing(store_path) as connection:
        known = dict(
            connection.execute("SELECT id, version FROM downtime_entries WHERE station = ?", (PAPER,))
        )
        last = connection.execute(
            "SELECT coalesce(max(sequence), 0) FROM downtime_entries WHERE station = ?", (PAPER,)
        ).fetchone()[0]
        new = 0
        for entry, digest in entries:
            key = f"{PAPER}:{entry.patient.downtime_id}"
            had = known.get(key)
            if had == digest:
                continue
            if had is not None:
                raise _refused(
                    f"Downtime number {entry.patient.downtime_id} was already imported from paper with other "
                    "details: a person must compare the two forms; nothing was imported.",
                    f"Le numéro dégradé {entry.patient.downtime_id} a déjà été importé du papier avec d'autres "
                    "informations : une personne doit comparer les deux fiches ; rien n'a été importé.",
                )
            last += 1
            insert_row(connection, key, digest, dataclasses.replace(entry, sequence=last), source, now)
            known[key] = digest
            new += 1
    return Imported(PAPER, new, len(entries) - new)


def registrations_in_store(store_path: Path) -> tuple[list[Registration], set[str]]:
    """One registration per downtime number recorded in the store (from stations or paper), and the
    numbers whose registrations disagree (the first one recorded is kept for matching)."""
    with connected(store_path, readonly=True) as connection:
        found = connection.execute(
            "SELECT downtime_number, data, recorded_at, station FROM downtime_entries "
            "WHERE kind = 'registration' ORDER BY recorded_at, id"
        ).fetchall()
    by_number: dict[str, list[tuple[dict[str, str], str, str]]] = {}
    for number, data, recorded_at, station in found:
        by_number.setdefault(number, []).append((json.loads(data), recorded_at, station))
    registrations, disagreeing = [], set()
    for number, forms in by_number.items():
        details, recorded_at, station = forms[0]
        if any(other != details for other, _, _ in forms[1:]):
            disagreeing.add(number)
        registrations.append(
            Registration(
                downtime_id=number,
                family=details.get("family"),
                given=details.get("given"),
                birth_date=date.fromisoformat(details["birth_date"]) if details.get("birth_date") else None,
                sex=details.get("sex"),  # type: ignore[arg-type]
                national_id=details.get("national_id"),
                phone=details.get("phone"),
                postcode=details.get("postcode"),
                unit=details.get("unit"),
                recorded_at=datetime.fromisoformat(recorded_at),
                station=station,
            )
        )
    return registrations, disagreeing
