"""What a bundle says about itself.

The manifest (manifest.json, inside the encrypted archive) describes the store; the seal (the
minisign trusted comment, signed and readable without decrypting) carries what a station checks
before opening: hospital, data time, sequence, whether the bundle was quarantined, and `sealed_at`,
the sealing machine's clock when it signed (bundles sealed before it was added have none). A data
time after `sealed_at` is impossible for a genuine bundle: every reader refuses it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from bascule.errors import UserError
from bascule.snapshot.freshness import format_instant, parse_instant
from bascule.snapshot.minisign import SignatureMismatch

FORMAT_VERSION = 1
STORE_MEMBER = "store.sqlite"
MANIFEST_MEMBER = "manifest.json"
_SEAL_TAG = "bascule-snapshot"
# What a hospital id may hold: it travels in a signed trusted comment (tab-separated) and in names.
HOSPITAL_ID = re.compile(r"^[A-Za-z0-9._:+-]{1,200}$")


def check_hospital_id(hospital: str) -> str:
    """`hospital` if it can be a hospital id, else one sentence (exit 2)."""
    if not HOSPITAL_ID.match(hospital):
        raise UserError(
            f"{hospital!r} is not a hospital id (letters, digits, . _ : + - only).",
            fr=f"{hospital!r} n'est pas un identifiant d'hôpital (lettres, chiffres, . _ : + - seulement).",
        )
    return hospital


@dataclass(frozen=True)
class Manifest:
    hospital: str
    source: str
    data_time: datetime
    sequence: int
    counts: Mapping[str, int]
    store_sha256: str
    store_size: int
    created: datetime
    quarantined: bool = False
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.sequence < 1 or self.store_size < 0 or len(self.store_sha256) != 64:
            raise ValueError("a manifest has a positive sequence, a size and a SHA-256")
        if any(count < 0 for count in self.counts.values()):
            raise ValueError("record counts are never negative")
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "hospital": self.hospital,
            "source": self.source,
            "data_time": format_instant(self.data_time),
            "sequence": self.sequence,
            "counts": dict(sorted(self.counts.items())),
            "store": {"file": STORE_MEMBER, "sha256": self.store_sha256, "size": self.store_size},
            "created": format_instant(self.created),
            "quarantined": self.quarantined,
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False).encode() + b"\n"

    @classmethod
    def from_bytes(cls, raw: bytes, source: str) -> Manifest:
        try:
            document = json.loads(raw)
            if document["format_version"] != FORMAT_VERSION:
                raise UserError(
                    f"The bundle {source} has manifest format {document['format_version']}, "
                    f"this Bascule reads format {FORMAT_VERSION}; update Bascule.",
                    fr=f"Le paquet {source} a le format de manifeste {document['format_version']}, "
                    f"ce Bascule lit le format {FORMAT_VERSION} ; mettez Bascule à jour.",
                )
            return cls(
                hospital=str(document["hospital"]),
                source=str(document["source"]),
                data_time=parse_instant(document["data_time"], "data_time"),
                sequence=int(document["sequence"]),
                counts={str(k): int(v) for k, v in document["counts"].items()},
                store_sha256=str(document["store"]["sha256"]),
                store_size=int(document["store"]["size"]),
                created=parse_instant(document["created"], "created"),
                quarantined=bool(document.get("quarantined", False)),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SignatureMismatch(
                f"The manifest of {source} is unreadable; the bundle is damaged.",
                fr=f"Le manifeste de {source} est illisible ; le paquet est endommagé.",
            ) from None


@dataclass(frozen=True)
class Seal:
    """The signed facts of a bundle (minisign trusted comment), readable without the identity."""

    hospital: str
    sequence: int
    data_time: datetime
    store_sha256: str
    quarantined: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)
    sealed_at: datetime | None = None

    def __post_init__(self) -> None:
        if not HOSPITAL_ID.match(self.hospital):
            raise ValueError(f"hospital id {self.hospital!r} cannot go in a trusted comment")
        if self.sequence < 1:
            raise ValueError("sequence numbers start at 1")

    def to_comment(self) -> str:
        fields = {
            "format": str(FORMAT_VERSION),
            "hospital": self.hospital,
            "sequence": str(self.sequence),
            "data_time": format_instant(self.data_time),
            "sha256": self.store_sha256,
            "state": "quarantined" if self.quarantined else "good",
        }
        if self.sealed_at is not None:
            fields["sealed_at"] = format_instant(self.sealed_at)
        return _SEAL_TAG + "".join(f"\t{key}:{value}" for key, value in fields.items())

    @classmethod
    def from_comment(cls, comment: str, source: str) -> Seal:
        parts = comment.split("\t")
        if parts[0] != _SEAL_TAG:
            raise UserError(
                f"{source} is signed, but not as a Bascule snapshot (its trusted comment "
                "is not Bascule's); it is not a bundle.",
                fr=f"{source} est signé, mais pas comme un instantané Bascule (son commentaire de confiance "
                "n'est pas celui de Bascule) ; ce n'est pas un paquet.",
            )
        fields = dict(part.split(":", 1) for part in parts[1:] if ":" in part)
        try:
            if fields["format"] != str(FORMAT_VERSION):
                raise UserError(
                    f"{source} is a format {fields['format']} bundle; update Bascule.",
                    fr=f"{source} est un paquet au format {fields['format']} ; mettez Bascule à jour.",
                )
            seal = cls(
                fields["hospital"],
                int(fields["sequence"]),
                parse_instant(fields["data_time"], "data_time"),
                fields["sha256"],
                fields["state"] == "quarantined",
                sealed_at=parse_instant(fields["sealed_at"], "sealed_at") if "sealed_at" in fields else None,
            )
        except (KeyError, ValueError):
            raise SignatureMismatch(
                f"The trusted comment of {source} is incomplete.",
                fr=f"Le commentaire de confiance de {source} est incomplet.",
            ) from None
        if seal.sealed_at is not None and seal.data_time > seal.sealed_at:
            raise SignatureMismatch(
                f"{source} says its data is from {format_instant(seal.data_time)}, after it was sealed "
                f"({format_instant(seal.sealed_at)}): its data time is false; do not use it.",
                fr=f"{source} dit que ses données datent du {format_instant(seal.data_time)}, après son scellement "
                f"({format_instant(seal.sealed_at)}) : sa date des données est fausse ; ne l'utilisez pas.",
            )
        return seal
