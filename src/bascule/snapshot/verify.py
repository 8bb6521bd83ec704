"""Check a bundle without opening it: signature, rollback, data age.

Exit codes (UserError.exit_code): 3 tampered, wrong key or rolled back; 4 older than the stated
threshold; 5 a quarantined bundle; 2 usage. The highest sequence seen per hospital and signing key is
remembered in a small private state file (by default `seen.json` in the user's state folder,
`$BASCULE_STATE_DIR` or `$XDG_STATE_HOME/bascule`, never beside the bundles where whoever drops a
bundle could delete it) so that a replayed older bundle is refused. A station keeps its own state.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bascule.errors import NotFoundError, UserError
from bascule.snapshot.bundle import prehash_file, signature_path
from bascule.snapshot.durable import write_atomically
from bascule.snapshot.folder import CLOCK_SKEW, resolve_bundle
from bascule.snapshot.freshness import format_age, format_instant
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import PublicKey, Signature, SignatureMismatch, key_id_text

SEEN_FILE = "seen.json"
EXIT_STALE = 4
EXIT_QUARANTINED = 5


class StaleSnapshot(UserError):
    exit_code = EXIT_STALE


class QuarantinedSnapshot(UserError):
    exit_code = EXIT_QUARANTINED


@dataclass(frozen=True)
class Verified:
    seal: Seal
    age: timedelta
    archive: Path


def read_signature(archive: Path) -> Signature:
    archive = resolve_bundle(archive)
    if not archive.is_file():
        raise NotFoundError(f"The bundle {archive} does not exist.", fr=f"Le paquet {archive} n'existe pas.")
    signature_file = signature_path(archive)
    try:
        text = signature_file.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SignatureMismatch(
            f"The bundle {archive.name} has no signature ({signature_file.name} is "
            "missing); it cannot be trusted.",
            fr=f"Le paquet {archive.name} n'a pas de signature ({signature_file.name} "
            "manque) ; on ne peut pas s'y fier.",
        ) from None
    except UnicodeDecodeError:
        text = ""
    return Signature.from_text(text, signature_file.name)


def check_signature(archive: Path, public_key: PublicKey) -> Seal:
    """The signed facts of `archive`, or SignatureMismatch (exit 3)."""
    archive = resolve_bundle(archive)
    signature = read_signature(archive)
    signature.verify(public_key, prehash_file(archive), source=archive.name)
    return Seal.from_comment(signature.trusted_comment, archive.name)


def default_seen_file() -> Path:
    """The user's private rollback state: out of reach of whoever can write where bundles arrive."""
    configured = os.environ.get("BASCULE_STATE_DIR")
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        folder = Path(base) / "bascule"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot create the state folder {folder}: {error.strerror}; give a writable --state file.",
            fr=f"Impossible de créer le dossier d'état {folder} : {error.strerror} ; donnez un fichier --state accessible en écriture.",
        ) from None
    return folder / SEEN_FILE


def check_rollback(seal: Seal, seen_file: Path, source: str, key_id: str = "") -> None:
    """Refuse a bundle older than the newest one seen for its hospital and signing key; remember a
    newer one. Keyed by key too: a bundle verified against some other key cannot lock out the
    genuine ones with a high sequence."""
    entry = f"{seal.hospital} {key_id}" if key_id else seal.hospital
    try:
        seen = json.loads(seen_file.read_bytes())
        highest = int(seen.get(entry, {}).get("sequence", 0))
    except FileNotFoundError:
        seen, highest = {}, 0
    except OSError as error:
        raise UserError(
            f"Cannot read the state file {seen_file}: {error.strerror}.",
            fr=f"Impossible de lire le fichier d'état {seen_file} : {error.strerror}.",
        ) from None
    except (ValueError, TypeError, AttributeError):
        raise UserError(
            f"The state file {seen_file} is damaged; remove it only if you trust every bundle you will verify.",
            fr=f"Le fichier d'état {seen_file} est endommagé ; supprimez-le seulement si vous faites confiance à chaque paquet que vous vérifierez.",
        ) from None
    if seal.sequence < highest:
        raise SignatureMismatch(
            f"{source} is bundle {seal.sequence} of {seal.hospital}, older than bundle {highest} already "
            "seen here: an old snapshot is being replayed; use the newest one.",
            fr=f"{source} est le paquet {seal.sequence} de {seal.hospital}, plus ancien que le paquet {highest} déjà "
            "vu ici : un ancien instantané est rejoué ; utilisez le plus récent.",
        )
    if seal.sequence > highest:
        seen[entry] = {"sequence": seal.sequence, "data_time": format_instant(seal.data_time)}
        try:
            write_atomically(seen_file, json.dumps(seen, indent=1).encode())
        except OSError as error:
            raise UserError(
                f"Cannot record the sequence seen in {seen_file}: {error.strerror}; "
                "give a writable --state file.",
                fr=f"Impossible d'enregistrer la séquence vue dans {seen_file} : {error.strerror} ; "
                "donnez un fichier --state accessible en écriture.",
            ) from None


def check_not_future(seal: Seal, age: timedelta, source: str) -> None:
    """A data time ahead of this machine's clock is false (or a clock is wrong): never treat it as fresh."""
    if age < -CLOCK_SKEW:
        raise SignatureMismatch(
            f"{source} says its data is from {format_instant(seal.data_time)}, in the future of this "
            "machine's clock: its data time is false or a clock is wrong; do not trust its freshness.",
            fr=f"{source} dit que ses données datent du {format_instant(seal.data_time)}, dans le futur de l'horloge "
            "de cette machine : sa date est fausse ou une horloge se trompe ; ne vous fiez pas à sa fraîcheur.",
        )


def verify_bundle(
    archive: Path,
    public_key: PublicKey,
    *,
    seen_file: Path | None = None,
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> Verified:
    """Verify the bundle `archive` names (an archive, the `current` pointer or a bundle folder)."""
    archive = resolve_bundle(archive)
    seal = check_signature(archive, public_key)
    if seal.quarantined:
        raise QuarantinedSnapshot(
            f"{archive.name} was quarantined by the ransomware guard when sealed; "
            "it is not a good snapshot: use the current bundle.",
            fr=f"{archive.name} a été mis en quarantaine par la garde anti-rançongiciel au scellement ; "
            "ce n'est pas un bon instantané : utilisez le paquet actuel.",
        )
    age = (now or datetime.now(UTC)) - seal.data_time
    check_not_future(seal, age, archive.name)
    check_rollback(seal, seen_file or default_seen_file(), archive.name, key_id_text(public_key.key_id))
    if max_age is not None and age > max_age:
        raise StaleSnapshot(
            f"{archive.name} is authentic but its data is {format_age(age)} old "
            f"(data time {format_instant(seal.data_time)}), more than the "
            f"{format_age(max_age)} allowed: the feed has stopped; treat it as stale.",
            fr=f"{archive.name} est authentique mais ses données ont {format_age(age)} "
            f"(données du {format_instant(seal.data_time)}), plus que les "
            f"{format_age(max_age)} admis : le flux s'est arrêté ; considérez-le comme périmé.",
        )
    return Verified(seal, age, archive)
