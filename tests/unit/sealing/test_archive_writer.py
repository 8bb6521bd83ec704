"""The one-pass archive writer: tar(store, manifest) through age, with both hashes, whatever the
store's size relative to age's 64 KiB chunks; and its failures surface whole."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pyrage
import pytest

from bascule.snapshot.age_format import CHUNK, recipient_bytes
from bascule.snapshot.archive_writer import BLOCK_CHUNKS, TAR_BLOCK, SealedArchive, write_archive

MTIME = datetime(2026, 11, 24, 1, tzinfo=UTC)


def _seal(store: Path, out: Path, identity: pyrage.x25519.Identity) -> tuple[SealedArchive, list[str]]:
    asked: list[str] = []

    def manifest_for(sha256: str, size: int) -> bytes:
        asked.append(sha256)
        return f'{{"sha256": "{sha256}", "size": {size}}}'.encode()

    with out.open("xb", buffering=0) as target:
        sealed = write_archive(
            store, MTIME, manifest_for, [recipient_bytes(str(identity.to_public()))], target
        )
    return sealed, asked


@pytest.mark.parametrize(
    "size",
    [
        1,
        CHUNK - TAR_BLOCK - 1,  # header and store share the first chunk, which is not full
        CHUNK - TAR_BLOCK,  # header and store fill exactly one chunk
        CHUNK - TAR_BLOCK + 1,
        BLOCK_CHUNKS * CHUNK - TAR_BLOCK,  # exactly one block of chunks
        BLOCK_CHUNKS * CHUNK * 3 + 12345,  # several blocks: the ring of buffers turns over
    ],
)
def test_the_archive_opens_to_the_store_and_its_manifest(tmp_path: Path, size: int) -> None:
    content = os.urandom(size)
    store = tmp_path / "store.sqlite"
    store.write_bytes(content)
    identity = pyrage.x25519.Identity.generate()
    sealed, asked = _seal(store, tmp_path / "out.tar.age", identity)
    ciphertext = (tmp_path / "out.tar.age").read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    assert sealed.store_sha256 == sha256 and asked == [sha256]
    assert sealed.store_size == size and sealed.archive_size == len(ciphertext)
    assert sealed.prehash == hashlib.blake2b(ciphertext, digest_size=64).digest()
    with tarfile.open(fileobj=io.BytesIO(pyrage.decrypt(ciphertext, [identity]))) as archive:
        members = archive.getmembers()
        assert [m.name for m in members] == ["store.sqlite", "manifest.json"]
        assert all(m.mode == 0o600 and m.mtime == int(MTIME.timestamp()) for m in members)
        store_file, manifest_file = (archive.extractfile(m) for m in members)
        assert store_file is not None and manifest_file is not None
        assert store_file.read() == content
        assert manifest_file.read() == f'{{"sha256": "{sha256}", "size": {size}}}'.encode()


def test_a_failing_manifest_stops_the_archive_with_its_own_error(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    store.write_bytes(os.urandom(3 << 20))

    def manifest_for(sha256: str, size: int) -> bytes:
        raise LookupError("census failed")

    with (tmp_path / "out").open("xb", buffering=0) as target, pytest.raises(LookupError, match="census"):
        write_archive(store, MTIME, manifest_for, [os.urandom(32)], target)


def test_a_full_disk_surfaces_as_the_os_error(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    store.write_bytes(os.urandom(20 << 20))
    with open("/dev/full", "wb", buffering=0) as target, pytest.raises(OSError) as raised:
        write_archive(store, MTIME, lambda sha256, size: b"{}", [os.urandom(32)], target)
    assert raised.value.errno == 28  # ENOSPC
