"""age encryption in a child process: the ciphertext opens with pyrage, and failures surface here."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyrage
import pytest

from bascule.snapshot.encryptor import encrypt_stream


def _encrypt(pieces: Iterator[bytes] | list[bytes], recipients: list[pyrage.x25519.Recipient]) -> bytes:
    out = bytearray()
    encrypt_stream(pieces, recipients, out.extend)
    return bytes(out)


def test_ciphertext_opens_to_the_concatenated_pieces_for_every_recipient() -> None:
    identities = [pyrage.x25519.Identity.generate() for _ in range(2)]
    pieces = [os.urandom(size) for size in (0, 1, 8191, 65536, 3 << 20, 17)]
    ciphertext = _encrypt(pieces, [identity.to_public() for identity in identities])
    for identity in identities:
        assert pyrage.decrypt(ciphertext, [identity]) == b"".join(pieces)


def test_a_failing_producer_raises_its_own_error() -> None:
    def pieces() -> Iterator[bytes]:
        yield os.urandom(2 << 20)
        raise LookupError("census failed")

    with pytest.raises(LookupError, match="census failed"):
        _encrypt(pieces(), [pyrage.x25519.Identity.generate().to_public()])


def test_a_failing_consumer_stops_the_child_and_raises() -> None:
    seen = []

    def consume(chunk: bytes) -> None:
        seen.append(len(chunk))
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        encrypt_stream(iter([os.urandom(8 << 20)]), [pyrage.x25519.Identity.generate().to_public()], consume)
    assert len(seen) == 1
