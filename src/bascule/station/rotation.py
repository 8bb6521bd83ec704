"""Key rotation: a station trusts a new crisis-cell key only through a statement signed by a key it
already pinned.

A statement is two files: `key-<NEWID>.rotation`, the new minisign public key as minisign writes
it, and `key-<NEWID>.rotation.minisig`, its signature by a pinned key. The signed trusted comment
names the hospital, the new key's id, the issuing time and whether the signing key retires with it
(a key can retire only itself: whoever steals an old key cannot unpin the new one). The cell drops
both files in the station's inbox, next to the bundles; `station check` applies them.

A statement already applied is skipped (a station may see it again at every check); one that does
not verify, serves another hospital, or would bring back a retired key is refused, loudly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bascule.durable import SHARED, write_atomically
from bascule.errors import UserError
from bascule.snapshot.freshness import format_instant, parse_instant
from bascule.snapshot.manifest import check_hospital_id
from bascule.snapshot.minisign import PublicKey, SecretKey, Signature, SignatureMismatch, key_id_text, prehash
from bascule.station.trust import pinned_signer

SUFFIX = ".rotation"
_TAG = "bascule-key-rotation"
_FORMAT = "1"


@dataclass(frozen=True)
class Statement:
    """What a verified statement says: `signer` vouches for `key` at this hospital."""

    hospital: str
    key: PublicKey
    signer: str
    retires_signer: bool
    issued_at: datetime
    digest: str  # SHA-256 of the statement file, to know it was already applied

    @property
    def key_id(self) -> str:
        return key_id_text(self.key.key_id)


def statement_name(key: PublicKey) -> str:
    return f"key-{key_id_text(key.key_id)}{SUFFIX}"


def write_statement(
    folder: Path,
    hospital: str,
    new_key: PublicKey,
    signer: SecretKey,
    issued_at: datetime,
    *,
    retire: bool,
) -> Path:
    """Write the statement and its signature in `folder`; return the statement's path."""
    check_hospital_id(hospital)
    if key_id_text(new_key.key_id) == key_id_text(signer.key_id):
        raise UserError(
            "The new key is the signing key itself: give the new key's .pub file with --new.",
            fr="La nouvelle clé est la clé de signature elle-même : donnez le fichier .pub de la nouvelle clé avec --new.",
        )
    body = new_key.to_text().encode()
    comment = "\t".join(
        (
            _TAG,
            f"format:{_FORMAT}",
            f"hospital:{hospital}",
            f"trust:{key_id_text(new_key.key_id)}",
            f"retire:{'signer' if retire else 'none'}",
            f"issued_at:{format_instant(issued_at)}",
        )
    )
    target = folder / statement_name(new_key)
    signature = signer.sign_prehashed(
        prehash([body]), comment, f"Bascule key rotation for {hospital}; check with minisign -V"
    )
    write_atomically(target, body, SHARED)
    write_atomically(target.with_name(target.name + ".minisig"), signature.encode(), SHARED)
    return target


def read_statement(path: Path, pinned: dict[str, PublicKey], hospital: str) -> Statement:
    """The statement in `path`, verified against the pinned keys, or SignatureMismatch (exit 3)."""
    try:
        body = path.read_bytes()
        signature_text = path.with_name(path.name + ".minisig").read_text("utf-8")
    except FileNotFoundError:
        raise SignatureMismatch(
            f"{path.name} has no signature: a key rotation must be signed.",
            fr=f"{path.name} n'a pas de signature : une rotation de clés doit être signée.",
        ) from None
    except (OSError, UnicodeDecodeError):
        raise SignatureMismatch(
            f"{path.name} or its signature cannot be read.",
            fr=f"{path.name} ou sa signature ne peut pas être lu.",
        ) from None
    signature = Signature.from_text(signature_text, path.name + ".minisig")
    key, signer = pinned_signer(
        signature,
        pinned,
        path.name,
        "a new key is trusted only through a statement signed by a pinned key",
        "une nouvelle clé n'est acceptée que par une déclaration signée par une clé épinglée",
    )
    signature.verify(key, prehash([body]), source=path.name)
    fields = dict(part.split(":", 1) for part in signature.trusted_comment.split("\t")[1:] if ":" in part)
    if not signature.trusted_comment.startswith(_TAG + "\t") or fields.get("format") != _FORMAT:
        raise SignatureMismatch(
            f"{path.name} is signed, but not as a Bascule key rotation.",
            fr=f"{path.name} est signé, mais pas comme une rotation de clés Bascule.",
        )
    try:
        new_key = PublicKey.from_text(body.decode("ascii"), path.name)
        issued_at = parse_instant(fields["issued_at"], "issued_at")
        named, retire, statement_hospital = fields["trust"], fields["retire"], fields["hospital"]
    except (KeyError, UnicodeDecodeError, UserError):
        raise SignatureMismatch(
            f"{path.name} is incomplete or damaged.", fr=f"{path.name} est incomplet ou endommagé."
        ) from None
    if named != key_id_text(new_key.key_id) or retire not in ("signer", "none"):
        raise SignatureMismatch(
            f"{path.name} does not name the key it carries: it was altered.",
            fr=f"{path.name} ne nomme pas la clé qu'il porte : il a été modifié.",
        )
    if statement_hospital != hospital:
        raise SignatureMismatch(
            f"{path.name} rotates the keys of hospital {statement_hospital}, this station serves {hospital}.",
            fr=f"{path.name} change les clés de l'hôpital {statement_hospital}, ce poste sert {hospital}.",
        )
    return Statement(
        hospital, new_key, signer, retire == "signer", issued_at, hashlib.sha256(body).hexdigest()
    )


def statements_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob(f"*{SUFFIX}") if path.is_file())
