"""Open a bundle on a station: verify (with the public key), decrypt, check the store's SHA-256,
and put `store.sqlite` and `manifest.json` in place atomically for the viewer and the paper kits."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pyrage

from bascule.durable import PRIVATE, durable_temp, fsync_folder, publish, sweep_leftovers, write_atomically
from bascule.errors import UserError
from bascule.snapshot.bundle import decrypt_archive
from bascule.snapshot.manifest import MANIFEST_MEMBER, STORE_MEMBER, Manifest
from bascule.snapshot.minisign import PublicKey, SignatureMismatch
from bascule.snapshot.verify import Verified, verify_bundle


@dataclass(frozen=True)
class Opened:
    store: Path
    manifest: Manifest
    verified: Verified | None


def open_bundle(
    archive: Path,
    identities: list[pyrage.x25519.Identity],
    into: Path,
    *,
    identity_source: str,
    public_key: PublicKey | None = None,
    seen_file: Path | None = None,
    verified: Verified | None = None,
) -> Opened:
    """Decrypt `archive` into `into`. Read paths pass the `verified` bundle (see station.reading) or
    a public key; without either nothing is checked (library use: tests, break-glass by hand)."""
    if verified is not None:
        archive = verified.archive
    elif public_key is not None:
        verified = verify_bundle(archive, public_key, seen_file=seen_file)
        archive = verified.archive
    if not archive.is_file():
        raise UserError(
            f"The bundle {archive} does not exist.", exit_code=2, fr=f"Le paquet {archive} n'existe pas."
        )
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot create the folder {into}: {error.strerror}.",
            fr=f"Impossible de créer le dossier {into} : {error.strerror}.",
        ) from None
    sweep_leftovers(into)  # a killed open's plaintext temp store (.tmp-*-store.sqlite)
    store = into / STORE_MEMBER
    with durable_temp(store, PRIVATE) as (stream, temp):
        try:
            manifest = decrypt_archive(archive, identities, stream, identity_source)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    try:
        if verified is not None and (
            manifest.store_sha256 != verified.seal.store_sha256 or manifest.sequence != verified.seal.sequence
        ):
            raise SignatureMismatch(
                f"The manifest inside {archive.name} does not match its signature; "
                "the bundle was assembled from different parts: do not use it.",
                fr=f"Le manifeste dans {archive.name} ne correspond pas à sa signature ; "
                "le paquet a été assemblé à partir de morceaux différents : ne l'utilisez pas.",
            )
        _check_readable(temp, archive.name)
        for sidecar in (
            "-wal",
            "-shm",
            "-journal",
        ):  # an older store's journal must never replay onto this one
            store.with_name(store.name + sidecar).unlink(missing_ok=True)
        publish(temp, store)
    finally:
        temp.unlink(missing_ok=True)
    write_atomically(into / MANIFEST_MEMBER, manifest.to_bytes())
    fsync_folder(into)
    return Opened(store, manifest, verified)


def _check_readable(store: Path, source: str) -> None:
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise SignatureMismatch(
                f"The store inside {source} fails SQLite's integrity check.",
                fr=f"La base dans {source} échoue au contrôle d'intégrité de SQLite.",
            )
    except sqlite3.DatabaseError:
        raise SignatureMismatch(
            f"The store inside {source} is not a readable SQLite file.",
            fr=f"La base dans {source} n'est pas un fichier SQLite lisible.",
        ) from None
    finally:
        connection.close()
