"""age (age-encryption.org/v1, c2sp.org/age) encryption to X25519 recipients, in this process.

Sealing encrypts the whole store on every refresh, so this is the hot loop of a seal. pyrage holds
the GIL for a whole `encrypt_io` and pulls its input 8 KiB at a time through Python calls; running
it in a child process fed through pipes cost about ten copies of the store per seal. Here the
format is written directly with the vetted primitives of `cryptography` (X25519, HKDF-SHA-256,
HMAC-SHA-256, ChaCha20-Poly1305), each of which releases the GIL, so chunks are encrypted straight
from the store copy's memory map while other threads hash and write.

Only encryption is written here. Reading stays with pyrage, an independent implementation: every
bundle sealed is opened by pyrage (`bascule snapshot open`) and the interoperability tests open
them with the Debian `age` tool, so a slip in this writer cannot go unnoticed.
"""

from __future__ import annotations

import base64
import hmac
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CHUNK = 64 * 1024  # plaintext bytes per STREAM chunk
TAG = 16  # Poly1305 tag added to each chunk
FILE_KEY_BYTES = 16
PAYLOAD_NONCE_BYTES = 16
_X25519_INFO = b"age-encryption.org/v1/X25519"
_BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class RecipientError(ValueError):
    """A recipient string that is not an age X25519 public key."""


def _polymod(values: Sequence[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_BECH32_GENERATOR):
            if top >> bit & 1:
                check ^= generator
    return check


def recipient_bytes(recipient: str) -> bytes:
    """The 32-byte X25519 public key of an `age1...` recipient (Bech32, BIP 173, checksum checked)."""
    text = recipient.strip()
    if text.lower() != text and text.upper() != text:
        raise RecipientError("mixed case")
    text = text.lower()
    separator = text.rfind("1")
    human, data_part = text[:separator], text[separator + 1 :]
    if human != "age" or len(data_part) < 7 or any(c not in _BECH32_ALPHABET for c in data_part):
        raise RecipientError("not an age1... recipient")
    data = [_BECH32_ALPHABET.index(c) for c in data_part]
    expanded = [ord(c) >> 5 for c in human] + [0] + [ord(c) & 31 for c in human]
    if _polymod(expanded + data) != 1:
        raise RecipientError("bad checksum")
    accumulator, bits, key = 0, 0, bytearray()
    for value in data[:-6]:
        accumulator, bits = accumulator << 5 | value, bits + 5
        if bits >= 8:
            bits -= 8
            key.append(accumulator >> bits & 0xFF)
    if bits >= 5 or accumulator & ((1 << bits) - 1) or len(key) != 32:
        raise RecipientError("not a 32-byte key")
    try:  # a low-order point gives an all-zero shared secret, which `cryptography` refuses
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(bytes(key)))
    except ValueError:
        raise RecipientError("a low-order point, not a usable public key") from None
    return bytes(key)


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(SHA256(), 32, salt, info).derive(key)


def _x25519_stanza(file_key: bytes, recipient: bytes) -> bytes:
    ephemeral = X25519PrivateKey.generate()  # a new one per stanza and per file
    share = ephemeral.public_key().public_bytes_raw()
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    except ValueError:  # recipient_bytes refuses these; bytes from elsewhere may still be one
        raise RecipientError("a low-order point, not a usable public key") from None
    wrap_key = _hkdf(shared, share + recipient, _X25519_INFO)
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    # The body (32 bytes: 43 base64 characters) fits one line, shorter than 64 columns as required.
    return b"-> X25519 " + _b64(share) + b"\n" + _b64(body) + b"\n"


class AgeEncryption:
    """One age file being written: its header, then its payload chunk by chunk.

    The caller splits the plaintext into CHUNK-sized pieces in order and marks the last one (which
    may be short but not empty, unless the whole plaintext is). Chunks may be encrypted from any
    thread and in any order as long as each is given its index.
    """

    def __init__(self, recipients: Sequence[bytes]) -> None:
        if not recipients:
            raise ValueError("age needs at least one recipient")
        file_key = os.urandom(FILE_KEY_BYTES)
        stanzas = b"".join(_x25519_stanza(file_key, recipient) for recipient in recipients)
        header = b"age-encryption.org/v1\n" + stanzas + b"---"
        mac = hmac.digest(_hkdf(file_key, b"", b"header"), header, "sha256")
        nonce = os.urandom(PAYLOAD_NONCE_BYTES)
        self.header = header + b" " + _b64(mac) + b"\n" + nonce
        self._payload = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))

    def encrypt_chunk(self, index: int, plaintext: bytes | memoryview, last: bool, into: memoryview) -> int:
        """Encrypt chunk `index` into `into` (at least len(plaintext) + TAG bytes); return its size."""
        if (
            len(plaintext) > CHUNK
            or (last and not plaintext and index)
            or (not last and len(plaintext) != CHUNK)
        ):
            raise ValueError("age chunks are full except the last, which is not empty")
        nonce = index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        size = len(plaintext) + TAG
        self._payload.encrypt_into(nonce, plaintext, None, into[:size])
        return size
