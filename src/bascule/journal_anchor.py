"""What anchors the crisis journal outside its database: the key of its seals and signed checkpoints.

A database administrator can rewrite, renumber, cut or wipe the journal's rows, and recompute any
plain hash chain. Two things they cannot reach from the database hold it:

- the *journal key* (HMAC-SHA256, 32 random bytes), in the data folder's private state
  (`DATA/private/journal.key`, folder 0700, file 0600), made on first use and never stored in the
  database: without it no seal can be recomputed;
- *checkpoints*: the entry count and the seal of the last entry at a moment, signed with minisign
  (the crisis cell's key when one is configured, else a key the application makes in the private
  state), written after every entry and at every situation report, in the data folder and in every
  anchor folder (`--anchor`, e.g. a share on another host). A journal shorter than a checkpoint, or
  whose entry at a checkpoint's position has another seal, was cut or rewritten.

A checkpoint file is minisign's own signature format: its trusted comment is the checkpoint (one
line of JSON) and the signed message is that same line, so `minisign -V -P PUB -m FILE.txt -x
FILE.checkpoint` checks it given the line in FILE.txt. Files are named after the journal's id (a
digest of its key, which reveals nothing of it), so one anchor share can serve several installations.
Every write goes through `bascule.durable`. No I/O on patient data: checkpoints hold counts and seals.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bascule.durable import PRIVATE, SHARED, write_atomically
from bascule.errors import UserError
from bascule.journal import Checkpoint, CheckpointReading
from bascule.snapshot.minisign import PublicKey, SecretKey, Signature, SignatureMismatch, prehash

PRIVATE_FOLDER = "private"
KEY_FILE = "journal.key"
SIGNING_KEY_FILE = "checkpoint.key"
SIGNING_PUBLIC_FILE = "checkpoint.pub"
ANCHORS_FILE = "journal-anchors"
CHECKPOINT_SUFFIX = ".checkpoint"
_KEY_BYTES = 32

_log = logging.getLogger(__name__)


class JournalKeyMissing(UserError):
    """The journal has entries but its key is gone: nothing can vouch for them (exit 3)."""

    exit_code = 3


def private_folder(data_dir: Path) -> Path:
    return data_dir / PRIVATE_FOLDER


def key_path(data_dir: Path) -> Path:
    return private_folder(data_dir) / KEY_FILE


def _ensure_private_folder(data_dir: Path) -> Path:
    folder = private_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    return folder


def read_key(data_dir: Path) -> bytes | None:
    """The journal key, or None when there is none (never creates one)."""
    try:
        text = key_path(data_dir).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raise UserError(
            f"The journal key {key_path(data_dir)} cannot be read.",
            fr=f"La clé du journal {key_path(data_dir)} ne peut pas être lue.",
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:  # as good as gone: nothing can vouch for the journal
        raise JournalKeyMissing(
            f"The journal key {key_path(data_dir)} is damaged (64 hex digits expected).",
            fr=f"La clé du journal {key_path(data_dir)} est endommagée (64 chiffres hexadécimaux attendus).",
        )
    return key


def create_key(data_dir: Path) -> bytes:
    """A new journal key, written exclusively (two processes starting at once make one key)."""
    _ensure_private_folder(data_dir)
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        write_atomically(key_path(data_dir), key.hex().encode("ascii") + b"\n", PRIVATE, exclusive=True)
    except UserError:
        existing = read_key(data_dir)  # another process made it first
        if existing is None:
            raise
        return existing
    return key


def journal_id(key: bytes) -> str:
    """A short public name of the journal: a digest of its key (reveals nothing of the key)."""
    return hashlib.sha256(b"bascule journal id\0" + key).hexdigest()[:16]


def checkpoint_name(journal: str) -> str:
    return f"journal-{journal}{CHECKPOINT_SUFFIX}"


def sign(checkpoint: Checkpoint, signer: SecretKey) -> str:
    line = checkpoint.line()
    return signer.sign_prehashed(
        prehash([line.encode()]), line, untrusted_comment="bascule journal checkpoint"
    )


def read_checkpoint(
    place: Path, public: PublicKey | None, journal: str, *, anchor: bool
) -> CheckpointReading:
    """Read and check one checkpoint file against the signing public key and the journal's id."""
    try:
        text = place.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CheckpointReading(place, "missing", anchor=anchor)
    except (OSError, UnicodeDecodeError):
        return CheckpointReading(place, "unreadable", anchor=anchor)
    if public is None:
        return CheckpointReading(place, "unverifiable", anchor=anchor)
    try:
        signature = Signature.from_text(text, str(place))
        signature.verify(public, prehash([signature.trusted_comment.encode()]), source=str(place))
        checkpoint = Checkpoint.from_line(signature.trusted_comment)
    except (SignatureMismatch, ValueError, KeyError, TypeError):
        return CheckpointReading(place, "forged", anchor=anchor)
    if checkpoint.journal != journal:
        return CheckpointReading(place, "foreign", anchor=anchor)
    return CheckpointReading(place, "valid", checkpoint, anchor=anchor)


def _peek_count(place: Path) -> int:
    """The count a checkpoint file claims, unchecked (only to keep writes moving forward)."""
    try:
        return Checkpoint.from_line(Signature.from_text(place.read_text("utf-8"), "").trusted_comment).count
    except (OSError, UnicodeDecodeError, SignatureMismatch, ValueError, KeyError, TypeError):
        return -1


def load_signer(data_dir: Path, configured: Path | None = None) -> SecretKey:
    """The checkpoints' signing key: the cell's minisign key when `configured` (unencrypted), else
    the application's own, made in the private state on first use. Its public half is kept beside
    it (`checkpoint.pub`) for `journal verify`."""
    folder = _ensure_private_folder(data_dir)
    if configured is not None:
        try:
            signer = SecretKey.from_text(configured.read_text(encoding="ascii"), str(configured), None)
        except (OSError, UnicodeDecodeError):
            raise UserError(
                f"The checkpoint signing key {configured} cannot be read.",
                fr=f"La clé de signature des points de contrôle {configured} ne peut pas être lue.",
            ) from None
    else:
        own = folder / SIGNING_KEY_FILE
        if not own.exists():
            try:
                write_atomically(own, SecretKey.generate().to_text(None).encode(), PRIVATE, exclusive=True)
            except UserError:
                if not own.exists():
                    raise
        signer = SecretKey.from_text(own.read_text(encoding="ascii"), str(own), None)
    public_text = signer.public_key.to_text()
    public_file = folder / SIGNING_PUBLIC_FILE
    try:
        current = public_file.read_text(encoding="ascii")
    except (FileNotFoundError, UnicodeDecodeError):
        current = ""
    if current != public_text:
        write_atomically(public_file, public_text.encode(), SHARED)
    return signer


def trusted_public_key(data_dir: Path, given: Path | None = None) -> PublicKey | None:
    """The key checkpoints must be signed with: the one given, else the one kept in the private
    state, else None (then no checkpoint can be trusted)."""
    if given is not None:
        try:
            return PublicKey.from_text(given.read_text(encoding="ascii"), str(given))
        except (OSError, UnicodeDecodeError):
            raise UserError(
                f"The public key {given} cannot be read.", fr=f"La clé publique {given} ne peut pas être lue."
            ) from None
    folder = private_folder(data_dir)
    try:
        return PublicKey.from_text((folder / SIGNING_PUBLIC_FILE).read_text("ascii"), SIGNING_PUBLIC_FILE)
    except (OSError, UnicodeDecodeError, UserError):
        pass
    try:
        return SecretKey.from_text(
            (folder / SIGNING_KEY_FILE).read_text("ascii"), SIGNING_KEY_FILE, None
        ).public_key
    except (OSError, UnicodeDecodeError, UserError):
        return None


def remember_anchors(data_dir: Path, anchors: Sequence[Path]) -> None:
    """Note the anchor folders `serve` writes to, so that `journal verify` finds them by itself."""
    known = remembered_anchors(data_dir)
    wanted = list(dict.fromkeys([*known, *(a.resolve() for a in anchors)]))
    if wanted != known:
        text = "".join(f"{folder}\n" for folder in wanted)
        write_atomically(data_dir / ANCHORS_FILE, text.encode("utf-8"), PRIVATE)


def remembered_anchors(data_dir: Path) -> list[Path]:
    try:
        lines = (data_dir / ANCHORS_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [Path(line) for line in lines if line.strip()]


def check_anchor_folders(anchors: Iterable[Path]) -> None:
    """Refuse an anchor that is not a folder one can write to, in one sentence."""
    for folder in anchors:
        if not folder.is_dir():
            raise UserError(
                f"The anchor folder {folder} does not exist; create it or mount the share.",
                fr=f"Le dossier d'ancrage {folder} n'existe pas ; créez-le ou montez le partage.",
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UserError(
                f"The anchor folder {folder} cannot be written to (permission denied).",
                fr=f"Le dossier d'ancrage {folder} n'est pas accessible en écriture (permission refusée).",
            )


class CheckpointWriter:
    """Writes signed checkpoints in the data folder and every anchor, never moving backwards.

    A checkpoint that cannot be written to an anchor (a share gone away) is logged and skipped:
    the crisis cell keeps working, and `journal verify` reports the anchor as behind.
    """

    def __init__(self, data_dir: Path, anchors: Sequence[Path], signer: SecretKey, journal: str) -> None:
        self.data_dir = data_dir
        self.anchors = tuple(anchors)
        self.signer = signer
        self.journal = journal
        self._lock = threading.Lock()
        self._written = -1

    def places(self) -> list[Path]:
        name = checkpoint_name(self.journal)
        return [self.data_dir / name, *(folder / name for folder in self.anchors)]

    def write(self, count: int, head: str, *, force: bool = False, now: datetime | None = None) -> Checkpoint:
        """Sign and write the checkpoint (`force`: even if one with this count exists, as at a sitrep)."""
        checkpoint = Checkpoint(self.journal, count, head, now or datetime.now(UTC))
        with self._lock:
            if not force and count <= self._written:
                return checkpoint
            data = sign(checkpoint, self.signer).encode()
            for index, place in enumerate(self.places()):
                if not force and _peek_count(place) > count:
                    continue  # another process wrote a newer one
                try:
                    write_atomically(place, data, SHARED)
                except UserError as error:
                    if index == 0:
                        raise
                    _log.warning("journal checkpoint not written to an anchor: %s", error)
            self._written = max(self._written, count)
        return checkpoint


def read_checkpoints(
    data_dir: Path, anchors: Iterable[Path], public: PublicKey | None, journal: str | None
) -> list[CheckpointReading]:
    """The checkpoint of the data folder, then each anchor's (the journal's id names the file;
    without the key, whatever checkpoint files are there)."""
    folders = [data_dir, *dict.fromkeys(folder.resolve() for folder in anchors)]
    readings: list[CheckpointReading] = []
    for index, folder in enumerate(folders):
        anchor = index > 0
        if journal is not None:
            readings.append(
                read_checkpoint(folder / checkpoint_name(journal), public, journal, anchor=anchor)
            )
            continue
        for place in sorted(folder.glob(f"journal-*{CHECKPOINT_SUFFIX}")):
            claimed = place.name[len("journal-") : -len(CHECKPOINT_SUFFIX)]
            readings.append(read_checkpoint(place, public, claimed, anchor=anchor))
    return readings
