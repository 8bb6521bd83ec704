"""Bundles check and open with the real Debian `minisign` and `age`; their keys work in Bascule."""

from __future__ import annotations

import os
import pty
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import make_store

from bascule.snapshot.bundle import BreakGlass
from bascule.snapshot.keys import (
    KeySet,
    load_identities,
    load_public_key,
    load_signing_key,
    new_key_set,
    parse_recipients,
)
from bascule.snapshot.opening import open_bundle
from bascule.snapshot.sealing import SealOutcome, SealRequest, seal
from bascule.snapshot.verify import verify_bundle

pytestmark = pytest.mark.integration

needs_tools = pytest.mark.peer(
    "The age and minisign tools",
    all(shutil.which(tool) for tool in ("age", "age-keygen", "minisign")),
    "scripts/setup-system.sh installs them",
)


def sealed(tmp_path: Path, keys: KeySet, **extra: object) -> SealOutcome:
    store = make_store(tmp_path / "store.sqlite")
    request = SealRequest(
        store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        tmp_path / "out",
        **extra,
    )  # type: ignore[arg-type]
    return seal(request)


@needs_tools
def test_minisign_accepts_the_signature_and_shows_the_trusted_comment(
    tmp_path: Path, station_keys: KeySet
) -> None:
    outcome = sealed(tmp_path, station_keys)
    result = subprocess.run(
        ["minisign", "-Vm", str(outcome.archive), "-p", str(station_keys.public_key)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Signature and comment signature verified" in result.stdout
    assert "hospital:chsv\tsequence:1\tdata_time:2026-11-24T00:30:00Z" in result.stdout


@needs_tools
def test_minisign_refuses_an_altered_bundle(tmp_path: Path, station_keys: KeySet) -> None:
    outcome = sealed(tmp_path, station_keys)
    data = bytearray(outcome.archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    outcome.archive.write_bytes(bytes(data))
    result = subprocess.run(
        ["minisign", "-Vm", str(outcome.archive), "-p", str(station_keys.public_key)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "Signature verification failed" in result.stderr


@needs_tools
def test_age_decrypts_the_bundle_to_the_store_and_manifest(tmp_path: Path, station_keys: KeySet) -> None:
    outcome = sealed(tmp_path, station_keys)
    tar_path = tmp_path / "bundle.tar"
    subprocess.run(
        ["age", "-d", "-i", str(station_keys.identity), "-o", str(tar_path), str(outcome.archive)],
        check=True,
        capture_output=True,
    )
    with tarfile.open(tar_path) as archive:
        assert archive.getnames() == ["store.sqlite", "manifest.json"]
        archive.extractall(tmp_path / "plain", filter="data")
    with sqlite3.connect(tmp_path / "plain" / "store.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM patient").fetchone()[0] == 200
    connection.close()


def _age_with_passphrase(arguments: list[str], passphrase: str) -> int:
    """Run age on a pseudo-terminal (it reads passphrases from /dev/tty), typing the passphrase."""
    pid, terminal = pty.fork()
    if pid == 0:
        os.execvp("age", ["age", *arguments])
    buffered = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(terminal, 1024)
        except OSError:
            break
        if not chunk:
            break
        buffered += chunk
        if b"passphrase" in buffered.lower():
            os.write(terminal, passphrase.encode() + b"\n")
            buffered = b""
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    return os.waitstatus_to_exitcode(status)


@needs_tools
def test_age_opens_the_bundle_with_the_break_glass_passphrase_alone(
    tmp_path: Path, station_keys: KeySet
) -> None:
    outcome = sealed(tmp_path, station_keys, breakglass=BreakGlass.from_passphrase(b"glass breaks here"))
    breakglass = outcome.folder / outcome.name.breakglass
    tar_path = tmp_path / "glass.tar"
    code = _age_with_passphrase(
        ["-d", "-i", str(breakglass), "-o", str(tar_path), str(outcome.archive)], "glass breaks here"
    )
    assert code == 0
    with tarfile.open(tar_path) as archive:
        assert "store.sqlite" in archive.getnames()


@needs_tools
def test_keys_made_by_age_keygen_and_minisign_are_accepted(tmp_path: Path) -> None:
    subprocess.run(["age-keygen", "-o", str(tmp_path / "station.txt")], check=True, capture_output=True)
    recipient = subprocess.run(
        ["age-keygen", "-y", str(tmp_path / "station.txt")], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(
        ["minisign", "-G", "-W", "-p", str(tmp_path / "m.pub"), "-s", str(tmp_path / "m.key")],
        check=True,
        capture_output=True,
    )
    store = make_store(tmp_path / "store.sqlite")
    request = SealRequest(
        store, tuple(parse_recipients([recipient])), load_signing_key(tmp_path / "m.key"), tmp_path / "out"
    )
    outcome = seal(request)
    verify_bundle(outcome.archive, load_public_key(tmp_path / "m.pub"))
    opened = open_bundle(
        outcome.archive,
        load_identities(tmp_path / "station.txt"),
        tmp_path / "open",
        identity_source="station.txt",
        public_key=load_public_key(tmp_path / "m.pub"),
    )
    assert opened.manifest.counts["patient"] == 200
    result = subprocess.run(
        ["minisign", "-Vm", str(outcome.archive), "-p", str(tmp_path / "m.pub")],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0


@needs_tools
@pytest.mark.slow
def test_a_passphrase_protected_minisign_key_is_accepted(tmp_path: Path) -> None:
    """minisign's default scrypt (1 GiB of memory): the format is the same, only slower."""
    subprocess.run(
        ["minisign", "-G", "-p", str(tmp_path / "e.pub"), "-s", str(tmp_path / "e.key")],
        input=b"pass phrase\npass phrase\n",
        check=True,
        capture_output=True,
    )
    key = load_signing_key(tmp_path / "e.key", b"pass phrase")
    assert key.public_key == load_public_key(tmp_path / "e.pub")


@needs_tools
def test_minisign_signs_with_bascule_keys(tmp_path: Path) -> None:
    from tests.unit.sealing.sealing_stores import FAST_MEM, FAST_OPS

    keys = new_key_set("plain", tmp_path / "plain")
    protected = new_key_set(
        "locked", tmp_path / "locked", b"pass phrase", opslimit=FAST_OPS, memlimit=FAST_MEM
    )
    message = tmp_path / "message.txt"
    message.write_text("downtime procedure v3\n")
    for key_set, password in ((keys, b""), (protected, b"pass phrase\n")):
        signature = tmp_path / f"{key_set.signing_key.stem}.minisig"
        subprocess.run(
            ["minisign", "-S", "-s", str(key_set.signing_key), "-m", str(message), "-x", str(signature)],
            input=password,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["minisign", "-Vm", str(message), "-x", str(signature), "-p", str(key_set.public_key)],
            check=True,
            capture_output=True,
        )
    assert _age_identity_file_is_standard(protected)


def _age_identity_file_is_standard(keys: KeySet) -> bool:
    """A passphrase-protected identity is an age scrypt file: age itself opens it with the passphrase."""
    return keys.identity.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")
