"""The one pass that turns the store copy into an encrypted archive: tar, age, SHA-256, prehash.

    plaintext  = tar header | store | padding | manifest member | end of archive
    ciphertext = age header | 64 KiB chunks of the plaintext, each ChaCha20-Poly1305-sealed

The store copy is memory-mapped and read once, with no copy of its own: the middle chunks of the
plaintext are slices of the map, encrypted straight from it (only the first chunk, which starts
with the tar header, and the tail are assembled). Four threads share the work, each on its own core
whenever one is free, since every heavy step releases the GIL:

    hashing   SHA-256 of the store (for the manifest)
    this      encryption, 1 MiB blocks into a small ring of reusable buffers
    prehash   BLAKE2b-512 of the ciphertext (minisign's prehash), in order
    writing   the ciphertext into the bundle's temp file, in order

The manifest, which needs the store's SHA-256 and the census, is the archive's last member, so it is
asked for (`manifest_for`) once every chunk before it is encrypted.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import tarfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from bascule.errors import UserError
from bascule.snapshot.age_format import CHUNK, TAG, AgeEncryption
from bascule.snapshot.manifest import MANIFEST_MEMBER, STORE_MEMBER

TAR_BLOCK = 512
BLOCK_CHUNKS = 16  # 1 MiB of plaintext per block handed to the prehash and writing threads
_RING = 8  # blocks in flight: enough to keep every thread busy, 8 MiB of buffers in all
_HASH_STEP = 8 << 20


@dataclass(frozen=True)
class SealedArchive:
    prehash: bytes
    store_sha256: str
    store_size: int
    archive_size: int


def member_header(name: str, size: int, mtime: datetime) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(mtime.timestamp())
    return info.tobuf(format=tarfile.GNU_FORMAT, encoding="utf-8", errors="strict")


def padding(size: int) -> bytes:
    return bytes(-size % TAR_BLOCK)


@contextlib.contextmanager
def _mapped(path: Path) -> Iterator[memoryview]:
    """The whole file, read-only, as a memoryview of a map (read once, in order: prefetched)."""
    with path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        if size == 0:
            yield memoryview(b"")
            return
        mapping = mmap.mmap(source.fileno(), size, prot=mmap.PROT_READ)
        view = memoryview(mapping)
        try:
            mapping.madvise(mmap.MADV_SEQUENTIAL)
            mapping.madvise(mmap.MADV_WILLNEED)
            yield view
        finally:
            view.release()
            # A slice still held (by a traceback, say) keeps the map alive until it goes: no error.
            with contextlib.suppress(BufferError):
                mapping.close()


class _BundleFile:
    """Appends to the bundle's temp file, and keeps it from filling the page cache.

    A sealed bundle is written once and read again only by a copy to the stations, so its pages
    are let go as soon as they are on disk: each window written starts its own write-back, and the
    windows before it, written back by then, are dropped. Seal after seal then reuses the same few
    pages of memory instead of growing the cache by the size of the store each time (and on a
    virtual machine, memory touched for the first time is slow).
    """

    WINDOW = 16 << 20

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.written = 0
        self.advised = 0

    def write(self, data: memoryview) -> None:
        while data:
            count = os.write(self.descriptor, data)
            data = data[count:]
            self.written += count
        if self.written - self.advised >= self.WINDOW:
            # Dirty pages in the range: write-back starts; clean ones (the older windows): dropped.
            start = max(0, self.advised - 4 * self.WINDOW)
            os.posix_fadvise(self.descriptor, start, self.written - start, os.POSIX_FADV_DONTNEED)
            self.advised = self.written


def _sha256(store: memoryview) -> str:
    digest = hashlib.sha256()
    for start in range(0, len(store), _HASH_STEP):
        digest.update(store[start : start + _HASH_STEP])
    return digest.hexdigest()


class _Pipeline:
    """Encrypted blocks go, in order, to the prehash and to the file; buffers are reused once both
    are done with them, so at most _RING blocks are in flight and a failure surfaces at once."""

    def __init__(
        self,
        target: BinaryIO,
        prehash: Callable[[memoryview], None],
        pools: Sequence[ThreadPoolExecutor],
    ) -> None:
        self.file = _BundleFile(target.fileno())
        self.prehash = prehash
        self.prehashing, self.writing = pools
        self.free = deque(bytearray(BLOCK_CHUNKS * (CHUNK + TAG)) for _ in range(_RING))
        self.in_flight: deque[tuple[bytearray, Future[None], Future[None]]] = deque()
        self.size = 0

    def buffer(self) -> bytearray:
        if not self.free:
            self._retire_oldest()
        return self.free.popleft()

    def send(self, buffer: bytearray, length: int) -> None:
        block = memoryview(buffer)[:length]
        self.in_flight.append(
            (
                buffer,
                self.prehashing.submit(self.prehash, block),
                self.writing.submit(self.file.write, block),
            )
        )
        self.size += length

    def _retire_oldest(self) -> None:
        buffer, hashed, written = self.in_flight.popleft()
        hashed.result()
        written.result()
        self.free.append(buffer)

    def finish(self) -> None:
        while self.in_flight:
            self._retire_oldest()


def _encrypt_store_chunks(
    encryption: AgeEncryption, head: bytes, store: memoryview, pipeline: _Pipeline
) -> tuple[int, bytes]:
    """Encrypt every chunk that lies wholly in `head | store`; return the next chunk's index and
    the plaintext left over (shorter than a chunk), which starts the tail."""
    total = len(head) + len(store)
    whole = total // CHUNK  # never the last chunk: the tail always follows
    for first in range(0, whole, BLOCK_CHUNKS):
        buffer = pipeline.buffer()
        view = memoryview(buffer)
        length = 0
        for index in range(first, min(whole, first + BLOCK_CHUNKS)):
            start = index * CHUNK - len(head)
            if start >= 0:
                plaintext: bytes | memoryview = store[start : start + CHUNK]
            else:
                plaintext = head[index * CHUNK :] + bytes(store[: start + CHUNK])
            length += encryption.encrypt_chunk(index, plaintext, False, view[length:])
        pipeline.send(buffer, length)
    start = whole * CHUNK - len(head)
    leftover = bytes(store[start:]) if start >= 0 else head[whole * CHUNK :] + bytes(store)
    return whole, leftover


def write_archive(
    store_copy: Path,
    mtime: datetime,
    manifest_for: Callable[[str, int], bytes],
    recipients: Sequence[bytes],
    target: BinaryIO,
) -> SealedArchive:
    """Write age(tar(store, manifest)) to `target` (a new, empty, unbuffered file) in one pass.

    `recipients` are X25519 public keys (32 bytes each). `manifest_for(store_sha256, store_size)`
    is called in this thread once the store is hashed; whatever it raises is raised here.
    """
    encryption = AgeEncryption(recipients)
    prehash = hashlib.blake2b(digest_size=64)
    with (
        _mapped(store_copy) as store,
        ThreadPoolExecutor(1, "store-sha256") as hashing,
        ThreadPoolExecutor(1, "prehash") as prehashing,
        ThreadPoolExecutor(1, "bundle-write") as writing,
    ):
        size = len(store)
        store_sha256 = hashing.submit(_sha256, store)
        pipeline = _Pipeline(target, prehash.update, (prehashing, writing))
        try:
            header = pipeline.buffer()
            header[: len(encryption.header)] = encryption.header
            pipeline.send(header, len(encryption.header))
            index, leftover = _encrypt_store_chunks(
                encryption, member_header(STORE_MEMBER, size, mtime), store, pipeline
            )
            sha256 = store_sha256.result()
            manifest = manifest_for(sha256, size)
            tail = b"".join(
                (
                    leftover,
                    padding(size),
                    member_header(MANIFEST_MEMBER, len(manifest), mtime),
                    manifest,
                    padding(len(manifest)),
                    bytes(2 * TAR_BLOCK),
                )
            )
            for start in range(0, len(tail), CHUNK):
                buffer = pipeline.buffer()
                last = start + CHUNK >= len(tail)
                length = encryption.encrypt_chunk(
                    index, tail[start : start + CHUNK], last, memoryview(buffer)
                )
                pipeline.send(buffer, length)
                index += 1
            pipeline.finish()
        finally:
            store_sha256.cancel()
    return SealedArchive(prehash.digest(), sha256, size, pipeline.size)


def write_failure(error: OSError) -> UserError:
    """What to tell the user when the bundle cannot be written (disk full, permission, ...)."""
    return UserError(
        f"Cannot write the bundle: {error.strerror}; the last good bundle is untouched.",
        fr=f"Impossible d'écrire le paquet : {error.strerror} ; le dernier bon paquet est intact.",
    )
