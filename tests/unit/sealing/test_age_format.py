"""Bascule's age writer: what it writes opens with pyrage (an independent implementation) and
follows the format (c2sp.org/age); recipients are decoded and checked like age does."""

from __future__ import annotations

import os

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bascule.snapshot.age_format import CHUNK, TAG, AgeEncryption, RecipientError, recipient_bytes

_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32(human: str, key: bytes) -> str:
    """A reference Bech32 encoder (BIP 173), to make recipients the writer must refuse."""
    data, accumulator, bits = [], 0, 0
    for byte in key:
        accumulator, bits = accumulator << 8 | byte, bits + 8
        while bits >= 5:
            bits -= 5
            data.append(accumulator >> bits & 31)
    if bits:
        data.append(accumulator << (5 - bits) & 31)
    values = [ord(c) >> 5 for c in human] + [0] + [ord(c) & 31 for c in human] + data + [0] * 6
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            if top >> bit & 1:
                check ^= generator
    checksum = [(check ^ 1) >> 5 * (5 - i) & 31 for i in range(6)]
    return human + "1" + "".join(_ALPHABET[v] for v in data + checksum)


def encrypt(plaintext: bytes, recipients: list[pyrage.x25519.Recipient]) -> bytes:
    writer = AgeEncryption([recipient_bytes(str(recipient)) for recipient in recipients])
    out = bytearray(writer.header)
    buffer = memoryview(bytearray(CHUNK + TAG))
    chunks = max(1, -(-len(plaintext) // CHUNK))
    for index in range(chunks):
        piece = plaintext[index * CHUNK : (index + 1) * CHUNK]
        size = writer.encrypt_chunk(index, piece, index == chunks - 1, buffer)
        out += buffer[:size]
    return bytes(out)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_every_recipient_opens_the_file_with_pyrage_whatever_its_size(size: int) -> None:
    identities = [pyrage.x25519.Identity.generate() for _ in range(3)]
    plaintext = os.urandom(size)
    ciphertext = encrypt(plaintext, [identity.to_public() for identity in identities])
    for identity in identities:
        assert pyrage.decrypt(ciphertext, [identity]) == plaintext
    stranger = pyrage.x25519.Identity.generate()
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(ciphertext, [stranger])


def test_the_header_has_one_stanza_per_recipient_and_fresh_keys_every_time() -> None:
    recipients = [pyrage.x25519.Identity.generate().to_public() for _ in range(2)]
    first, second = encrypt(b"same", recipients), encrypt(b"same", recipients)
    lines = first.split(b"\n")
    assert lines[0] == b"age-encryption.org/v1"
    shares = [line for line in lines if line.startswith(b"-> X25519 ")]
    assert len(shares) == 2 and len(set(shares)) == 2  # one ephemeral share per stanza
    assert all(len(line) == len(b"-> X25519 ") + 43 for line in shares)
    assert lines[5].startswith(b"--- ") and len(lines[5]) == 4 + 43
    assert first != second and first[-40:] != second[-40:]  # new file key and nonce


def test_the_payload_is_sized_as_the_format_says() -> None:
    recipient = pyrage.x25519.Identity.generate().to_public()
    for size in (1, CHUNK, 2 * CHUNK + 5):
        ciphertext = encrypt(os.urandom(size), [recipient])
        header_end = ciphertext.index(b"\n---") + 1 + 4 + 43 + 1
        chunks = -(-size // CHUNK)
        assert len(ciphertext) - header_end == 16 + size + chunks * TAG


def test_a_truncated_or_reordered_payload_does_not_open() -> None:
    identity = pyrage.x25519.Identity.generate()
    ciphertext = encrypt(os.urandom(3 * CHUNK), [identity.to_public()])
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(ciphertext[: -(CHUNK + TAG)], [identity])  # the last chunk dropped
    flipped = bytearray(ciphertext)
    flipped[-1] ^= 1
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(bytes(flipped), [identity])


def test_chunks_are_full_except_the_last() -> None:
    writer = AgeEncryption([recipient_bytes(str(pyrage.x25519.Identity.generate().to_public()))])
    into = memoryview(bytearray(CHUNK + TAG))
    with pytest.raises(ValueError, match="full"):
        writer.encrypt_chunk(0, b"short", False, into)
    with pytest.raises(ValueError, match="full"):
        writer.encrypt_chunk(3, b"", True, into)


def test_recipients_decode_to_their_x25519_key() -> None:
    # The key pair of the age specification's examples (identity: 32 bytes of 0x42).
    expected = X25519PrivateKey.from_private_bytes(b"\x42" * 32).public_key().public_bytes_raw()
    text = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
    assert recipient_bytes(text) == expected
    assert recipient_bytes(text.upper()) == expected
    assert _bech32("age", expected) == text


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq", "checksum"),
        ("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwJ", "mixed case"),
        (_bech32("bc", b"\x42" * 32), "not an age1"),
        (_bech32("age", b"\x42" * 31), "32-byte"),
        ("age1", "not an age1"),
        (_bech32("age", bytes(32)), "low-order"),
    ],
)
def test_a_recipient_that_is_not_an_x25519_key_is_refused(text: str, why: str) -> None:
    with pytest.raises(RecipientError, match=why):
        AgeEncryption([recipient_bytes(text)])
