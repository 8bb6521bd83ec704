"""The station's private state: pinned keys, what was accepted per key, and the quarantine list.

It lives in DIR/.station (mode 0700), never among the bundles, so whoever can drop files in the
inbox can neither delete it (to replay an old bundle) nor forge a high sequence (to lock out the
genuine ones). A missing, damaged or exposed state is one sentence and exit 2: the station does not
silently start over.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bascule.errors import NotFoundError, UserError
from bascule.snapshot.durable import fsync_folder, write_atomically
from bascule.snapshot.freshness import format_instant, parse_instant
from bascule.snapshot.keys import load_public_key, read_bytes
from bascule.snapshot.manifest import check_hospital_id
from bascule.snapshot.minisign import PublicKey, key_id_text

STATE_FORMAT = 1
PRIVATE = ".station"
INBOX = "inbox"


class StationStateError(UserError):
    """The private state is missing, damaged or exposed (exit 2)."""


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / INBOX

    @property
    def private(self) -> Path:
        return self.root / PRIVATE

    @property
    def state_file(self) -> Path:
        return self.private / "state.json"

    @property
    def identity(self) -> Path:
        return self.private / "identity.age"

    @property
    def copy(self) -> Path:
        return self.private / "copy"


def is_station(path: Path) -> bool:
    return path.is_dir() and (path / PRIVATE).is_dir()


@dataclass(frozen=True)
class Mark:
    """The newest bundle accepted from one key."""

    sequence: int
    data_time: datetime
    sealed_at: datetime | None
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "data_time": format_instant(self.data_time),
            "sealed_at": format_instant(self.sealed_at) if self.sealed_at else None,
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, document: Any) -> Mark:
        sealed_at = document["sealed_at"]
        return cls(
            int(document["sequence"]),
            parse_instant(document["data_time"], "data_time"),
            parse_instant(sealed_at, "sealed_at") if sealed_at is not None else None,
            str(document["sha256"]),
        )


@dataclass
class StationState:
    hospital: str
    pinned: dict[str, PublicKey]  # key id as minisign prints it -> key
    marks: dict[str, Mark] = field(default_factory=dict)
    accepted: str | None = None  # file name of the bundle in copy/
    accepted_key: str | None = None  # the pinned key that signed it
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    # Keys retired by a rotation: never trusted for a new bundle, kept to re-check the copy in use.
    retired: dict[str, PublicKey] = field(default_factory=dict)
    rotations: list[dict[str, Any]] = field(default_factory=list)  # statements applied, by digest

    def to_bytes(self) -> bytes:
        document = {
            "format": STATE_FORMAT,
            "hospital": self.hospital,
            "pinned": {key_id: key.to_text() for key_id, key in sorted(self.pinned.items())},
            "accepted": self.accepted,
            "accepted_key": self.accepted_key,
            "marks": {key_id: mark.to_json() for key_id, mark in sorted(self.marks.items())},
            "quarantine": self.quarantine,
            "retired": {key_id: key.to_text() for key_id, key in sorted(self.retired.items())},
            "rotations": self.rotations,
        }
        return json.dumps(document, indent=1).encode() + b"\n"

    @classmethod
    def from_bytes(cls, raw: bytes, source: Path) -> StationState:
        try:
            document = json.loads(raw)
            if document["format"] != STATE_FORMAT:
                raise ValueError("format")
            pinned = {
                str(key_id): PublicKey.from_text(str(text), "state")
                for key_id, text in document["pinned"].items()
            }
            if not pinned or any(key_id_text(key.key_id) != key_id for key_id, key in pinned.items()):
                raise ValueError("pinned")
            marks = {str(key_id): Mark.from_json(mark) for key_id, mark in document["marks"].items()}
            accepted = document["accepted"]
            accepted_key = document["accepted_key"]
            quarantine = document["quarantine"]
            retired = {
                str(key_id): PublicKey.from_text(str(text), "state")
                for key_id, text in document.get("retired", {}).items()
            }
            rotations = document.get("rotations", [])
            if (accepted is None) != (not marks) or not isinstance(quarantine, list):
                raise ValueError("accepted")
            if not isinstance(rotations, list) or any(
                key_id in pinned or key_id_text(key.key_id) != key_id for key_id, key in retired.items()
            ):
                raise ValueError("rotations")
            if accepted is not None and accepted_key not in marks:
                raise ValueError("accepted_key")
            return cls(
                str(document["hospital"]),
                pinned,
                marks,
                None if accepted is None else str(accepted),
                None if accepted_key is None else str(accepted_key),
                quarantine,
                retired,
                rotations,
            )
        except (ValueError, KeyError, TypeError, AttributeError, UserError):
            raise StationStateError(
                f"The station state {source} is damaged; do not edit it: make a new station with bascule station init.",
                fr=f"L'état du poste {source} est endommagé ; ne le modifiez pas : créez un nouveau poste avec bascule station init.",
            ) from None


def load_state(layout: Layout) -> StationState:
    if not layout.root.is_dir():
        raise NotFoundError(
            f"The station folder {layout.root} does not exist; create it with bascule station init.",
            fr=f"Le dossier de poste {layout.root} n'existe pas ; créez-le avec bascule station init.",
        )
    try:
        mode = os.stat(layout.private).st_mode & 0o777
        raw = layout.state_file.read_bytes()
    except FileNotFoundError:
        raise StationStateError(
            f"{layout.root} has no station state ({PRIVATE}/state.json): it is not a station, or its "
            "state was deleted; make a new station with bascule station init.",
            fr=f"{layout.root} n'a pas d'état de poste ({PRIVATE}/state.json) : ce n'est pas un poste, ou son "
            "état a été supprimé ; créez un nouveau poste avec bascule station init.",
        ) from None
    except OSError as error:
        raise StationStateError(
            f"Cannot read the station state in {layout.private}: {error.strerror}.",
            fr=f"Impossible de lire l'état du poste dans {layout.private} : {error.strerror}.",
        ) from None
    if mode & 0o077:
        raise StationStateError(
            f"The station's private folder {layout.private} is open to other users (mode {mode:o}); "
            "make it private with chmod 700 and check who changed it.",
            fr=f"Le dossier privé du poste {layout.private} est ouvert aux autres utilisateurs (mode {mode:o}) ; "
            "rendez-le privé avec chmod 700 et cherchez qui l'a modifié.",
        )
    return StationState.from_bytes(raw, layout.state_file)


def save_state(layout: Layout, state: StationState) -> None:
    try:
        write_atomically(layout.state_file, state.to_bytes(), 0o600)
    except OSError as error:
        raise StationStateError(
            f"Cannot record the station state in {layout.private}: {error.strerror}.",
            fr=f"Impossible d'enregistrer l'état du poste dans {layout.private} : {error.strerror}.",
        ) from None


def init_station(root: Path, hospital: str, trust: list[Path], identity: Path) -> StationState:
    """Create DIR (or take an empty one), its inbox and its private state with the pinned keys."""
    check_hospital_id(hospital)
    if not trust:
        raise UserError(
            "Give the crisis cell's public key with --trust CELL.pub (repeatable).",
            fr="Donnez la clé publique de la cellule de crise avec --trust CELLULE.pub (répétable).",
        )
    pinned = {key_id_text(key.key_id): key for key in (load_public_key(path) for path in trust)}
    secret = read_bytes(identity, "identity file")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UserError(
            f"{root} exists and is not an empty folder; give a new or empty folder for the station.",
            fr=f"{root} existe et n'est pas un dossier vide ; donnez un dossier nouveau ou vide pour le poste.",
        )
    layout = Layout(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        layout.inbox.mkdir()
        layout.private.mkdir(mode=0o700)
        layout.private.chmod(0o700)
        write_atomically(layout.identity, secret, 0o600)
    except OSError as error:
        shutil.rmtree(layout.private, ignore_errors=True)
        raise UserError(
            f"Cannot create the station in {root}: {error.strerror}.",
            fr=f"Impossible de créer le poste dans {root} : {error.strerror}.",
        ) from None
    state = StationState(hospital, pinned)
    save_state(layout, state)
    fsync_folder(root)
    return state
