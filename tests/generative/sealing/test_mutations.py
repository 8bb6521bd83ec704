"""10,000 random byte mutations of a bundle (archive or signature): every one is detected.

The untrusted comment line of a .minisig is free text by minisign's design (it is not signed), so
mutations target the archive and the signed lines of the signature.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.sealing.sealing_stores import make_store

from bascule.snapshot.bundle import prehash_file
from bascule.snapshot.keys import KeySet, load_public_key, load_signing_key, parse_recipients
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import PublicKey, Signature, SignatureMismatch
from bascule.snapshot.sealing import SealRequest, seal

MUTATIONS = 10_000


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, station_keys: KeySet) -> tuple[bytes, str, PublicKey]:
    folder = tmp_path_factory.mktemp("mutations")
    store = make_store(folder / "store.sqlite", patients=20, observations=40)
    outcome = seal(
        SealRequest(
            store,
            tuple(parse_recipients([str(station_keys.recipient)])),
            load_signing_key(station_keys.signing_key),
            folder / "out",
        )
    )
    signature = (outcome.folder / outcome.name.signature).read_text()
    assert (
        prehash_file(outcome.archive)
        == hashlib.blake2b(outcome.archive.read_bytes(), digest_size=64).digest()
    )
    return outcome.archive.read_bytes(), signature, load_public_key(station_keys.public_key)


def accepted(archive: bytes, signature_bytes: bytes, public: PublicKey) -> bool:
    """The in-process equivalent of `bascule snapshot verify` minus file I/O."""
    try:
        signature = Signature.from_text(signature_bytes.decode("utf-8", errors="strict"), "x.minisig")
        signature.verify(public, hashlib.blake2b(archive, digest_size=64).digest())
        Seal.from_comment(signature.trusted_comment, "x")
    except (SignatureMismatch, UnicodeDecodeError):
        return False
    return True


def mutate(data: bytes, rng: random.Random, start: int = 0) -> bytes:
    mutated = bytearray(data)
    position = rng.randrange(start, len(mutated))
    kind = rng.random()
    if kind < 0.8:
        mutated[position] ^= rng.randrange(1, 256)  # flip to any other byte value
    elif kind < 0.9:
        del mutated[position:]  # truncate
    else:
        mutated.insert(position, rng.randrange(256))  # insert a byte
    return bytes(mutated)


def test_every_one_of_10000_mutations_is_detected(bundle: tuple[bytes, str, PublicKey]) -> None:
    archive, signature, public = bundle
    encoded = signature.encode()
    assert accepted(archive, encoded, public)
    rng = random.Random(5)
    signed_part = signature.index("\n") + 1  # after the untrusted comment
    missed = []
    for trial in range(MUTATIONS):
        if trial % 4 == 3:
            if accepted(archive, mutate(encoded, rng, signed_part), public):
                missed.append(("signature", trial))
        elif accepted(mutate(archive, rng), encoded, public):
            missed.append(("archive", trial))
    assert missed == []


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_single_byte_change_of_the_archive_is_detected(
    bundle: tuple[bytes, str, PublicKey], data: st.DataObject
) -> None:
    archive, signature, public = bundle
    position = data.draw(st.integers(0, len(archive) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != archive[position]))
    mutated = archive[:position] + bytes([value]) + archive[position + 1 :]
    assert not accepted(mutated, signature.encode(), public)
