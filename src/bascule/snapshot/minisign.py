"""Minisign's file formats, exactly, so that `minisign -V` checks what Bascule signs.

Public key: "untrusted comment: ...\\n" + base64("Ed" || key id (8) || Ed25519 public key (32)).
Secret key: base64("Ed" || kdf "Sc" or "\\0\\0" || "B2" || salt (32) || opslimit (8, LE) ||
memlimit (8, LE) || [key id (8) || Ed25519 secret key (64) || BLAKE2b-256 checksum (32)]), the bracket
XORed with scrypt(password) when kdf is "Sc" (libsodium's crypto_pwhash_scryptsalsa208sha256).
Signature: "ED" (BLAKE2b-512 prehash) || key id || Ed25519(hash); then the trusted comment and a
global signature over signature || trusted comment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bascule.errors import UserError

UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "
_SIG_ALG = b"Ed"
_SIG_ALG_HASHED = b"ED"
_KDF_SCRYPT = b"Sc"
_KDF_NONE = b"\x00\x00"
_CHK_ALG = b"B2"
_KEYNUM_SK_LEN = 8 + 64 + 32
_SECRET_KEY_LEN = 2 + 2 + 2 + 32 + 8 + 8 + _KEYNUM_SK_LEN
# libsodium's crypto_pwhash_scryptsalsa208sha256_{OPS,MEM}LIMIT_SENSITIVE, minisign's defaults.
OPSLIMIT_SENSITIVE = 33554432
MEMLIMIT_SENSITIVE = 1073741824
TRUSTED_COMMENT_MAX = 8000


class SignatureMismatch(UserError):
    """A signature that does not match the file or key (exit code 3: tampered or wrong key)."""

    exit_code = 3


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise UserError(
            f"The {what} is not valid base64; is it really a minisign file?",
            fr=f"La clé {what.partition(' key ')[2] or what} n'est pas du base64 valide ; est-ce vraiment un fichier minisign ?",
        ) from None


def _scrypt_params(opslimit: int, memlimit: int) -> tuple[int, int, int]:
    """libsodium's pickparams: (log2 N, r, p) from opslimit and memlimit."""
    opslimit = max(opslimit, 32768)
    r = 8
    if opslimit < memlimit // 32:
        p = 1
        max_n = opslimit // (r * 4)
    else:
        max_n = memlimit // (r * 128)
    n_log2 = 1
    while n_log2 < 63 and (1 << n_log2) <= max_n // 2:
        n_log2 += 1
    if opslimit >= memlimit // 32:
        max_rp = min((opslimit // 4) // (1 << n_log2), 0x3FFFFFFF)
        p = max_rp // r
    return n_log2, r, p


def _scrypt_stream(password: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    n_log2, r, p = _scrypt_params(opslimit, memlimit)
    n = 1 << n_log2
    return hashlib.scrypt(
        password, salt=salt, n=n, r=r, p=p, maxmem=129 * r * (n + p + 2) + (1 << 20), dklen=_KEYNUM_SK_LEN
    )


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _checksum(key_id: bytes, secret: bytes) -> bytes:
    return hashlib.blake2b(_SIG_ALG + key_id + secret, digest_size=32).digest()


def key_id_text(key_id: bytes) -> str:
    """The key id as minisign prints it: the little-endian integer in upper-case hex."""
    return f"{struct.unpack('<Q', key_id)[0]:016X}"


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    key: bytes

    def __post_init__(self) -> None:
        if len(self.key_id) != 8 or len(self.key) != 32:
            raise ValueError("a minisign public key has an 8-byte id and a 32-byte key")

    @classmethod
    def from_text(cls, text: str, source: str) -> PublicKey:
        lines = [line for line in text.splitlines() if line.strip()]
        if lines and lines[0].startswith(UNTRUSTED_PREFIX):
            lines = lines[1:]
        if not lines:
            raise UserError(
                f"The public key {source} is empty; give a minisign .pub file.",
                fr=f"La clé publique {source} est vide ; donnez un fichier .pub de minisign.",
            )
        raw = _b64decode(lines[0], f"public key {source}")
        if len(raw) != 42 or raw[:2] != _SIG_ALG:
            raise UserError(
                f"The file {source} is not a minisign public key (RW... line expected).",
                fr=f"Le fichier {source} n'est pas une clé publique minisign (ligne RW... attendue).",
            )
        return cls(raw[2:10], raw[10:])

    def to_text(self) -> str:
        line = base64.b64encode(_SIG_ALG + self.key_id + self.key).decode()
        return f"{UNTRUSTED_PREFIX}minisign public key {key_id_text(self.key_id)}\n{line}\n"


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes
    seed: bytes
    public: bytes

    def __post_init__(self) -> None:
        if len(self.key_id) != 8 or len(self.seed) != 32 or len(self.public) != 32:
            raise ValueError("a minisign secret key has an 8-byte id, a 32-byte seed and public key")

    @classmethod
    def generate(cls) -> SecretKey:
        private = Ed25519PrivateKey.generate()
        seed = private.private_bytes_raw()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return cls(secrets.token_bytes(8), seed, public)

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(self.key_id, self.public)

    @classmethod
    def from_text(cls, text: str, source: str, password: bytes | None) -> SecretKey:
        lines = [line for line in text.splitlines() if line.strip()]
        if lines and lines[0].startswith(UNTRUSTED_PREFIX):
            lines = lines[1:]
        raw = _b64decode(lines[0] if lines else "", f"secret key {source}")
        if len(raw) != _SECRET_KEY_LEN or raw[:2] != _SIG_ALG or raw[4:6] != _CHK_ALG:
            raise UserError(
                f"The file {source} is not a minisign secret key.",
                fr=f"Le fichier {source} n'est pas une clé secrète minisign.",
            )
        kdf, salt = raw[2:4], raw[6:38]
        opslimit, memlimit = struct.unpack("<QQ", raw[38:54])
        keynum_sk = raw[54:]
        if kdf == _KDF_SCRYPT:
            if password is None:
                raise UserError(
                    f"The signing key {source} is protected by a passphrase; "
                    "give it with --sign-passphrase-file.",
                    fr=f"La clé de signature {source} est protégée par une phrase de passe ; "
                    "donnez-la avec --sign-passphrase-file.",
                )
            keynum_sk = _xor(keynum_sk, _scrypt_stream(password, salt, opslimit, memlimit))
        elif kdf != _KDF_NONE:
            raise UserError(
                f"The signing key {source} uses an unknown key derivation.",
                fr=f"La clé de signature {source} utilise une dérivation de clé inconnue.",
            )
        key_id, secret, checksum = keynum_sk[:8], keynum_sk[8:72], keynum_sk[72:]
        # minisign -W leaves the checksum of an unencrypted key at zero.
        if not (kdf == _KDF_NONE and checksum == bytes(32)) and checksum != _checksum(key_id, secret):
            raise UserError(
                f"Wrong passphrase for the signing key {source}.",
                fr=f"Phrase de passe erronée pour la clé de signature {source}.",
            )
        return cls(key_id, secret[:32], secret[32:])

    def to_text(
        self,
        password: bytes | None,
        *,
        opslimit: int = OPSLIMIT_SENSITIVE,
        memlimit: int = MEMLIMIT_SENSITIVE,
    ) -> str:
        secret = self.seed + self.public
        keynum_sk = self.key_id + secret + _checksum(self.key_id, secret)
        if password is None:
            head = _SIG_ALG + _KDF_NONE + _CHK_ALG + bytes(32) + bytes(16)
            comment = "minisign secret key (unencrypted)"
        else:
            salt = secrets.token_bytes(32)
            head = _SIG_ALG + _KDF_SCRYPT + _CHK_ALG + salt + struct.pack("<QQ", opslimit, memlimit)
            keynum_sk = _xor(keynum_sk, _scrypt_stream(password, salt, opslimit, memlimit))
            comment = "minisign encrypted secret key"
        return f"{UNTRUSTED_PREFIX}{comment}\n{base64.b64encode(head + keynum_sk).decode()}\n"

    def sign_prehashed(
        self, blake2b_512: bytes, trusted_comment: str, untrusted_comment: str = "signature from bascule"
    ) -> str:
        """The .minisig text for a file whose BLAKE2b-512 digest is given."""
        _check_comment(trusted_comment)
        private = Ed25519PrivateKey.from_private_bytes(self.seed)
        signature = private.sign(blake2b_512)
        global_signature = private.sign(signature + trusted_comment.encode())
        return (
            f"{UNTRUSTED_PREFIX}{untrusted_comment}\n"
            f"{base64.b64encode(_SIG_ALG_HASHED + self.key_id + signature).decode()}\n"
            f"{TRUSTED_PREFIX}{trusted_comment}\n"
            f"{base64.b64encode(global_signature).decode()}\n"
        )


def _canonical_b64(line: str) -> bytes | None:
    try:
        raw = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode() == line else None


def _check_comment(comment: str) -> None:
    if "\n" in comment or "\r" in comment or len(comment.encode()) > TRUSTED_COMMENT_MAX:
        raise ValueError("a trusted comment is one line of at most 8000 bytes")


@dataclass(frozen=True)
class Signature:
    algorithm: bytes
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes

    @classmethod
    def from_text(cls, text: str, source: str) -> Signature:
        """Strict: exactly minisign's four lines and canonical base64, so any altered byte shows."""
        lines = text.split("\n")
        bad = SignatureMismatch(
            f"The signature {source} is damaged (not minisign's four-line format); "
            "the bundle may have been tampered with.",
            fr=f"La signature {source} est endommagée (pas le format de quatre lignes de minisign) ; "
            "le paquet a peut-être été falsifié.",
        )
        if len(lines) != 5 or lines[4] or not lines[0].startswith(UNTRUSTED_PREFIX):
            raise bad
        if not lines[2].startswith(TRUSTED_PREFIX):
            raise bad
        raw = _canonical_b64(lines[1])
        global_signature = _canonical_b64(lines[3])
        if raw is None or global_signature is None:
            raise bad
        if len(raw) != 74 or raw[:2] not in (_SIG_ALG, _SIG_ALG_HASHED) or len(global_signature) != 64:
            raise bad
        return cls(raw[:2], raw[2:10], raw[10:], lines[2][len(TRUSTED_PREFIX) :], global_signature)

    def verify(
        self,
        public: PublicKey,
        blake2b_512: bytes,
        legacy_message: bytes | None = None,
        source: str = "the bundle",
    ) -> None:
        """Raise SignatureMismatch unless this signature, and its trusted comment, are `public`'s."""
        if self.key_id != public.key_id:
            raise SignatureMismatch(
                f"{source} is signed by key {key_id_text(self.key_id)}, not by the public key given "
                f"({key_id_text(public.key_id)}); use the hospital's public key.",
                fr=f"{source} est signé par la clé {key_id_text(self.key_id)}, pas par la clé publique donnée "
                f"({key_id_text(public.key_id)}) ; utilisez la clé publique de l'hôpital.",
            )
        verifier = Ed25519PublicKey.from_public_bytes(public.key)
        message = blake2b_512 if self.algorithm == _SIG_ALG_HASHED else legacy_message
        try:
            if message is None:
                raise InvalidSignature
            verifier.verify(self.signature, message)
            verifier.verify(self.global_signature, self.signature + self.trusted_comment.encode())
        except InvalidSignature:
            raise SignatureMismatch(
                f"The signature of {source} does not match its content: "
                "the file was altered or damaged; do not use it.",
                fr=f"La signature de {source} ne correspond pas à son contenu : "
                "le fichier a été modifié ou endommagé ; ne l'utilisez pas.",
            ) from None


def prehash(chunks: Iterable[bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=64)
    for chunk in chunks:
        digest.update(chunk)
    return digest.digest()
