"""age encryption in a child process: the ciphertext opens with pyrage, and failures surface here."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pyrage
import pytest

from bascule.snapshot.encryptor import EncryptionFailed, encrypt_stream


def _encrypt(
    path: Path,
    pieces: Iterable[bytes],
    recipients: list[pyrage.x25519.Recipient],
    observe: Callable[[bytes], None] = lambda chunk: None,
) -> int:
    with path.open("xb", buffering=0) as target:
        return encrypt_stream(pieces, recipients, target, path, observe)


def test_ciphertext_opens_to_the_concatenated_pieces_and_is_observed_whole(tmp_path: Path) -> None:
    identities = [pyrage.x25519.Identity.generate() for _ in range(2)]
    pieces = [os.urandom(size) for size in (0, 1, 8191, 65536, 3 << 20, 17)]
    seen = bytearray()
    size = _encrypt(
        tmp_path / "out.age", pieces, [identity.to_public() for identity in identities], seen.extend
    )
    ciphertext = (tmp_path / "out.age").read_bytes()
    assert bytes(seen) == ciphertext and size == len(ciphertext)
    for identity in identities:
        assert pyrage.decrypt(ciphertext, [identity]) == b"".join(pieces)


def test_a_failing_producer_raises_its_own_error(tmp_path: Path) -> None:
    def pieces() -> Iterable[bytes]:
        yield os.urandom(2 << 20)
        raise LookupError("census failed")

    with pytest.raises(LookupError, match="census failed"):
        _encrypt(tmp_path / "out.age", pieces(), [pyrage.x25519.Identity.generate().to_public()])


def test_a_failing_observer_stops_the_child_and_raises(tmp_path: Path) -> None:
    seen = []

    def observe(chunk: bytes) -> None:
        seen.append(len(chunk))
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        _encrypt(
            tmp_path / "out.age",
            [os.urandom(8 << 20)],
            [pyrage.x25519.Identity.generate().to_public()],
            observe,
        )
    assert len(seen) == 1


def test_a_failing_child_raises_encryption_failed_with_its_last_line(tmp_path: Path) -> None:
    class NotARecipient:
        def __str__(self) -> str:
            return "age1-not-a-key"

    with pytest.raises(EncryptionFailed, match=r"age encryption failed: .+"):
        _encrypt(tmp_path / "out.age", [b"plaintext"], [NotARecipient()])  # type: ignore[list-item]
