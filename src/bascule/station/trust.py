"""Is a bundle signed by a key this station pinned, and not older than what it already accepted?"""

from __future__ import annotations

from pathlib import Path

from bascule.snapshot.bundle import prehash_file
from bascule.snapshot.freshness import format_instant
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import PublicKey, Signature, SignatureMismatch, key_id_text
from bascule.snapshot.verify import read_signature
from bascule.station.state import Mark, StationState


def pinned_signer(
    signature: Signature, pinned: dict[str, PublicKey], source: str, hint: str, indice: str
) -> tuple[PublicKey, str]:
    """The pinned key that made `signature` and its id, or exit 3 naming `source` and why it
    matters (`hint` in English, `indice` in French)."""
    key_id = key_id_text(signature.key_id)
    key = pinned.get(key_id)
    if key is None:
        raise SignatureMismatch(
            f"{source} is signed by key {key_id}, which this station does not trust: {hint}.",
            fr=f"{source} est signé par la clé {key_id}, à laquelle ce poste ne fait pas confiance : {indice}.",
        )
    return key, key_id


def verify_pinned(archive: Path, pinned: dict[str, PublicKey]) -> tuple[Seal, str]:
    """The signed facts of `archive` and the id of the pinned key that signed it, or exit 3."""
    signature = read_signature(archive)
    key, key_id = pinned_signer(
        signature,
        pinned,
        archive.name,
        "it may be forged; only the crisis cell's pinned keys count",
        "il est peut-être falsifié ; seules les clés épinglées de la cellule de crise comptent",
    )
    signature.verify(key, prehash_file(archive), source=archive.name)
    return Seal.from_comment(signature.trusted_comment, archive.name), key_id


def check_not_rolled_back(seal: Seal, key_id: str, state: StationState, source: str) -> None:
    """Refuse (exit 3) a bundle older than the newest accepted from its key (sequence, sealing
    time), or whose data is older than the bundle in use (whatever key signed it)."""
    mark = state.marks.get(key_id)
    if mark is not None and seal.sequence < mark.sequence:
        raise SignatureMismatch(
            f"{source} is bundle {seal.sequence}, older than bundle {mark.sequence} this station already "
            "accepted: an old snapshot is being replayed; the station keeps the newer one.",
            fr=f"{source} est le paquet {seal.sequence}, plus ancien que le paquet {mark.sequence} déjà accepté "
            "par ce poste : un ancien instantané est rejoué ; le poste garde le plus récent.",
        )
    if mark is not None and seal.sequence == mark.sequence and seal.store_sha256 != mark.sha256:
        raise SignatureMismatch(
            f"{source} reuses sequence {seal.sequence} with other content than the bundle accepted: do not use it.",
            fr=f"{source} réutilise la séquence {seal.sequence} avec un autre contenu que le paquet accepté : ne l'utilisez pas.",
        )
    in_use = state.marks.get(state.accepted_key or "")
    older_seal = (
        mark is not None
        and seal.sealed_at is not None
        and mark.sealed_at is not None
        and seal.sealed_at < mark.sealed_at
    )
    if older_seal or (in_use is not None and seal.data_time < in_use.data_time):
        raise SignatureMismatch(
            f"{source} carries data from {format_instant(seal.data_time)}, older than the bundle this "
            "station already accepted: it is refused; the station keeps the newer one.",
            fr=f"{source} porte des données du {format_instant(seal.data_time)}, plus anciennes que le paquet déjà "
            "accepté par ce poste : il est refusé ; le poste garde le plus récent.",
        )


def mark_of(seal: Seal) -> Mark:
    return Mark(seal.sequence, seal.data_time, seal.sealed_at, seal.store_sha256)
