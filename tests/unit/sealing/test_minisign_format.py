"""Minisign's formats, byte for byte (the interop tests run the real tool on the same code)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from tests.unit.sealing.sealing_stores import FAST_MEM, FAST_OPS

from bascule.errors import UserError
from bascule.snapshot.minisign import (
    PublicKey,
    SecretKey,
    Signature,
    SignatureMismatch,
    _scrypt_params,
    key_id_text,
)


@pytest.mark.parametrize(
    ("opslimit", "memlimit", "expected"),
    [
        (33554432, 1073741824, (20, 8, 1)),  # SENSITIVE: minisign's default, N = 2^20
        (524288, 16777216, (14, 8, 1)),  # INTERACTIVE
        (16, 16777216, (10, 8, 1)),  # ops below the floor of 32768 are raised to it
    ],
)
def test_scrypt_parameters_follow_libsodium(
    opslimit: int, memlimit: int, expected: tuple[int, int, int]
) -> None:
    assert _scrypt_params(opslimit, memlimit) == expected


def test_public_key_layout_is_Ed_keyid_key() -> None:
    key = SecretKey.generate()
    text = key.public_key.to_text()
    comment, line, end = text.split("\n")
    assert comment == f"untrusted comment: minisign public key {key_id_text(key.key_id)}" and end == ""
    raw = base64.b64decode(line)
    assert raw == b"Ed" + key.key_id + key.public
    assert PublicKey.from_text(text, "k.pub") == key.public_key


def test_key_id_prints_as_minisign_does() -> None:
    assert key_id_text(bytes.fromhex("0102030405060708")) == "0807060504030201"


@pytest.mark.parametrize("passphrase", [None, b"correct horse"])
def test_secret_key_round_trips_with_or_without_passphrase(passphrase: bytes | None) -> None:
    key = SecretKey.generate()
    text = key.to_text(passphrase, opslimit=FAST_OPS, memlimit=FAST_MEM)
    raw = base64.b64decode(text.split("\n")[1])
    assert len(raw) == 158 and raw[:2] == b"Ed" and raw[4:6] == b"B2"
    assert raw[2:4] == (b"Sc" if passphrase else b"\0\0")
    assert SecretKey.from_text(text, "k.key", passphrase) == key


def test_unencrypted_key_holds_blake2b_checksum() -> None:
    key = SecretKey.generate()
    raw = base64.b64decode(key.to_text(None).split("\n")[1])
    keynum = raw[54:]
    assert keynum[:8] == key.key_id
    assert keynum[72:] == hashlib.blake2b(b"Ed" + key.key_id + key.seed + key.public, digest_size=32).digest()


def test_wrong_passphrase_is_one_sentence() -> None:
    text = SecretKey.generate().to_text(b"right", opslimit=FAST_OPS, memlimit=FAST_MEM)
    with pytest.raises(UserError, match=r"Wrong passphrase for the signing key k.key"):
        SecretKey.from_text(text, "k.key", b"wrong")
    with pytest.raises(UserError, match="--sign-passphrase-file"):
        SecretKey.from_text(text, "k.key", None)


def test_signature_is_prehashed_and_covers_the_trusted_comment() -> None:
    key = SecretKey.generate()
    digest = hashlib.blake2b(b"bundle bytes", digest_size=64).digest()
    text = key.sign_prehashed(digest, "bascule-snapshot\tsequence:3")
    signature = Signature.from_text(text, "x.minisig")
    assert signature.algorithm == b"ED" and signature.trusted_comment == "bascule-snapshot\tsequence:3"
    signature.verify(key.public_key, digest)
    forged = text.replace("sequence:3", "sequence:9")
    with pytest.raises(SignatureMismatch, match="altered or damaged"):
        Signature.from_text(forged, "x.minisig").verify(key.public_key, digest)
    other = hashlib.blake2b(b"other bytes", digest_size=64).digest()
    with pytest.raises(SignatureMismatch):
        signature.verify(key.public_key, other)


def test_signature_from_another_key_names_both_key_ids() -> None:
    key, other = SecretKey.generate(), SecretKey.generate()
    digest = hashlib.blake2b(b"x", digest_size=64).digest()
    signature = Signature.from_text(key.sign_prehashed(digest, "c"), "x.minisig")
    with pytest.raises(SignatureMismatch, match=key_id_text(key.key_id)):
        signature.verify(other.public_key, digest)


def test_non_canonical_base64_is_refused() -> None:
    key = SecretKey.generate()
    text = key.sign_prehashed(hashlib.blake2b(b"x", digest_size=64).digest(), "c")
    lines = text.split("\n")
    lines[3] = lines[3] + " "
    with pytest.raises(SignatureMismatch, match="damaged"):
        Signature.from_text("\n".join(lines), "x.minisig")
