"""A bundle on disk, and the one-pass streams that seal and open it.

    bascule-00000042-20261124T010000Z.tar.age          tar(store.sqlite, manifest.json), age-encrypted
    bascule-00000042-20261124T010000Z.tar.age.minisig  minisign signature (prehashed), trusted comment
    bascule-00000042-20261124T010000Z.breakglass.age   optional: the bundle's break-glass identity,
                                                       encrypted with the passphrase (age scrypt)

age cannot mix a passphrase (scrypt) with X25519 recipients in one file, so a break-glass passphrase
is served by a fresh X25519 identity per bundle, added as one more recipient and kept beside the
bundle sealed with the passphrase: `age -d -i STEM.breakglass.age STEM.tar.age` asks for the
passphrase and opens it, and the store is encrypted once whatever the number of ways to open it.

Sealing streams the store once (see archive_writer): SHA-256 of the store, tar framing, age
encryption and the BLAKE2b-512 prehash of the ciphertext are all computed in the same pass; the
manifest (which needs the SHA-256) is the archive's last member. Opening decrypts with pyrage.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pyrage

from bascule.errors import UserError
from bascule.snapshot.archive_writer import TAR_BLOCK as _BLOCK
from bascule.snapshot.freshness import compact_instant
from bascule.snapshot.manifest import MANIFEST_MEMBER, STORE_MEMBER, Manifest
from bascule.snapshot.minisign import SignatureMismatch
from bascule.snapshot.passphrase_strength import check_breakglass_strength

CHUNK = 1 << 20
_NAME = re.compile(r"^bascule-(\d{8,})-(\d{8}T\d{6}Z)\.tar\.age$")


@dataclass(frozen=True, order=True)
class BundleName:
    sequence: int
    data_time_text: str

    @classmethod
    def make(cls, sequence: int, data_time: datetime) -> BundleName:
        return cls(sequence, compact_instant(data_time))

    @classmethod
    def parse(cls, file_name: str) -> BundleName | None:
        match = _NAME.match(file_name)
        return cls(int(match.group(1)), match.group(2)) if match else None

    @property
    def data_time(self) -> datetime:
        return datetime.strptime(self.data_time_text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)

    @property
    def stem(self) -> str:
        return f"bascule-{self.sequence:08d}-{self.data_time_text}"

    @property
    def archive(self) -> str:
        return f"{self.stem}.tar.age"

    @property
    def signature(self) -> str:
        return f"{self.archive}.minisig"

    @property
    def breakglass(self) -> str:
        return f"{self.stem}.breakglass.age"

    def files(self) -> tuple[str, str, str]:
        return (self.breakglass, self.archive, self.signature)


def signature_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".minisig")


def prehash_file(path: Path) -> bytes:
    digest = hashlib.blake2b(digest_size=64)
    with path.open("rb", buffering=0) as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.digest()


class _ArchiveSink:
    """Receives the decrypted tar stream: the store goes to `store_target`, hashed; the manifest to memory."""

    def __init__(self, store_target: BinaryIO, source: str) -> None:
        self.store_target = store_target
        self.source = source
        self.store_sha256 = hashlib.sha256()
        self.store_size = 0
        self.manifest = bytearray()
        self.members: list[str] = []
        self._header = bytearray()
        self._member: str | None = None
        self._left = 0
        self._skip = 0
        self._ended = False
        self.failure: UserError | None = None

    def _damaged(self, why: str) -> SignatureMismatch:
        return SignatureMismatch(
            f"The bundle {self.source} is damaged inside ({why}); do not use it.",
            fr=f"Le paquet {self.source} est endommagé à l'intérieur ({why}) ; ne l'utilisez pas.",
        )

    def write(self, data: bytes) -> int:
        try:
            self._consume(memoryview(data))
        except UserError as failure:
            self.failure = failure  # pyrage turns callback errors into its own; keep ours
            raise
        return len(data)

    def _consume(self, view: memoryview) -> None:
        while view:
            if self._left:
                piece, view = view[: self._left], view[self._left :]
                self._left -= len(piece)
                if self._member == STORE_MEMBER:
                    self.store_sha256.update(piece)
                    self.store_size += len(piece)
                    self.store_target.write(piece)
                else:
                    self.manifest += piece
            elif self._skip:
                piece, view = view[: self._skip], view[self._skip :]
                self._skip -= len(piece)
            else:
                need = _BLOCK - len(self._header)
                self._header += view[:need]
                view = view[need:]
                if len(self._header) == _BLOCK:
                    self._start_member(bytes(self._header))
                    self._header.clear()

    def _start_member(self, header: bytes) -> None:
        if header == bytes(_BLOCK):
            self._ended = True
            return
        if self._ended:
            raise self._damaged("data after the end of the archive")
        try:
            info = tarfile.TarInfo.frombuf(header, "utf-8", "strict")
        except (tarfile.HeaderError, UnicodeDecodeError):
            raise self._damaged("bad archive header") from None
        if not info.isfile() or info.name not in (STORE_MEMBER, MANIFEST_MEMBER) or info.name in self.members:
            raise self._damaged(f"unexpected member {info.name[:40]!r}")
        if info.name == MANIFEST_MEMBER and info.size > 16 << 20:
            raise self._damaged("oversized manifest")
        self.members.append(info.name)
        self._member = info.name
        self._left = info.size
        self._skip = -info.size % _BLOCK

    def flush(self) -> None:
        self.store_target.flush()

    def finish(self) -> Manifest:
        if (
            not self._ended
            or self._left
            or self._skip
            or sorted(self.members) != sorted((STORE_MEMBER, MANIFEST_MEMBER))
        ):
            raise self._damaged("the archive is incomplete")
        manifest = Manifest.from_bytes(bytes(self.manifest), self.source)
        if manifest.store_sha256 != self.store_sha256.hexdigest() or manifest.store_size != self.store_size:
            raise self._damaged("the store does not match the SHA-256 in its manifest")
        return manifest


def decrypt_archive(
    archive: Path, identities: list[pyrage.x25519.Identity], store_target: BinaryIO, identity_source: str
) -> Manifest:
    """Decrypt `archive`, writing its store to `store_target`; return its checked manifest."""
    sink = _ArchiveSink(store_target, archive.name)
    try:
        with archive.open("rb") as source:
            pyrage.decrypt_io(source, sink, identities)
    except Exception as error:
        if sink.failure is not None:
            raise sink.failure from None
        if isinstance(error, OSError) and error.errno is not None:
            raise UserError(
                f"Cannot write the opened store: {error.strerror}.",
                fr=f"Impossible d'écrire la base ouverte : {error.strerror}.",
            ) from None
        if not isinstance(error, pyrage.DecryptError | OSError):  # pyrage reports bad payloads as OSError
            raise
        if "No matching keys" in str(error):
            raise UserError(
                f"The identity {identity_source} cannot open {archive.name}: the bundle was "
                "not sealed for this key; use a station or crisis-cell identity it was "
                "sealed to.",
                fr=f"L'identité {identity_source} ne peut pas ouvrir {archive.name} : le paquet n'a "
                "pas été scellé pour cette clé ; utilisez une identité de poste ou de cellule de crise "
                "pour laquelle il a été scellé.",
            ) from None
        raise SignatureMismatch(
            f"The bundle {archive.name} is damaged or truncated and cannot be "
            "decrypted; use an earlier bundle.",
            fr=f"Le paquet {archive.name} est endommagé ou tronqué et ne peut pas être "
            "déchiffré ; utilisez un paquet antérieur.",
        ) from None
    return sink.finish()


@dataclass(frozen=True)
class BreakGlass:
    """A break-glass recipient and its identity file sealed with the passphrase (age scrypt).

    Made once per command or watch session (scrypt costs a second or two) and placed beside every
    bundle sealed in that session.
    """

    recipient: pyrage.x25519.Recipient
    sealed_identity: bytes

    @classmethod
    def from_passphrase(cls, passphrase: bytes) -> BreakGlass:
        """Refuses a weak passphrase (`passphrase_strength`): it opens every bundle of the session."""
        try:
            text_passphrase = passphrase.decode()
        except UnicodeDecodeError:
            raise UserError(
                "The break-glass passphrase is not UTF-8 text; write it as plain text.",
                fr="La phrase de passe bris de glace n'est pas du texte UTF-8 ; écrivez-la en texte simple.",
            ) from None
        check_breakglass_strength(text_passphrase)
        identity = pyrage.x25519.Identity.generate()
        text = f"# Bascule break-glass identity: age -d -i THIS_FILE BUNDLE.tar.age\n{identity}\n"
        return cls(identity.to_public(), pyrage.passphrase.encrypt(text.encode(), text_passphrase))


def remove_bundle_files(folder: Path, name: BundleName) -> None:
    for file_name in reversed(name.files()):  # signature first: an archive without it is never current
        (folder / file_name).unlink(missing_ok=True)
