"""The journal's anchors: a private key made once, checkpoints signed and read back, written to
every anchor and never moving backwards, and every kind of bad checkpoint told apart."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

from bascule.journal import Checkpoint
from bascule.journal_anchor import (
    CheckpointWriter,
    checkpoint_name,
    create_key,
    journal_id,
    key_path,
    load_signer,
    read_checkpoint,
    read_checkpoints,
    read_key,
    sign,
    trusted_public_key,
)
from bascule.snapshot.minisign import SecretKey

T0 = datetime(2026, 5, 3, 6, 30, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_is_made_once_owner_only_in_a_private_folder(tmp_path: Path) -> None:
    assert read_key(tmp_path) is None
    key = create_key(tmp_path)
    assert len(key) == 32 and read_key(tmp_path) == key
    assert mode(key_path(tmp_path).parent) == 0o700 and mode(key_path(tmp_path)) == 0o600
    assert create_key(tmp_path) == key  # a second process starting at once gets the same key
    assert journal_id(key) != key.hex()[:16] and len(journal_id(key)) == 16


def test_checkpoints_are_written_everywhere_and_read_back(tmp_path: Path) -> None:
    data, share = tmp_path / "data", tmp_path / "share"
    share.mkdir()
    signer = load_signer(data)
    writer = CheckpointWriter(data, [share], signer, "abc")
    writer.write(5, "a" * 64, now=T0)
    public = trusted_public_key(data)
    readings = read_checkpoints(data, [share], public, "abc")
    assert [(r.anchor, r.state) for r in readings] == [(False, "valid"), (True, "valid")]
    assert readings[0].checkpoint == Checkpoint("abc", 5, "a" * 64, T0)


def test_writes_never_move_backwards_unless_forced(tmp_path: Path) -> None:
    writer = CheckpointWriter(tmp_path, [], load_signer(tmp_path), "abc")
    writer.write(5, "a" * 64, now=T0)
    writer.write(4, "b" * 64, now=T0)
    other_process = CheckpointWriter(tmp_path, [], load_signer(tmp_path), "abc")
    other_process.write(3, "c" * 64, now=T0)
    place = tmp_path / checkpoint_name("abc")
    reading = read_checkpoint(place, trusted_public_key(tmp_path), "abc", anchor=False)
    assert reading.checkpoint is not None and reading.checkpoint.count == 5
    writer.write(5, "a" * 64, force=True, now=datetime(2026, 5, 3, 9, 0, tzinfo=UTC))
    again = read_checkpoint(place, trusted_public_key(tmp_path), "abc", anchor=False)
    assert again.checkpoint is not None and again.checkpoint.time.hour == 9


def test_an_anchor_gone_away_does_not_stop_the_cell(tmp_path: Path) -> None:
    writer = CheckpointWriter(
        tmp_path / "data", [tmp_path / "unmounted"], load_signer(tmp_path / "data"), "abc"
    )
    writer.write(1, "a" * 64, now=T0)
    assert (tmp_path / "data" / checkpoint_name("abc")).exists()


def test_bad_checkpoints_are_told_apart(tmp_path: Path) -> None:
    signer = load_signer(tmp_path)
    public = trusted_public_key(tmp_path)
    good = sign(Checkpoint("abc", 2, "a" * 64, T0), signer)
    cases = {
        "forged": sign(Checkpoint("abc", 2, "a" * 64, T0), SecretKey.generate()),
        "foreign": sign(Checkpoint("xyz", 2, "a" * 64, T0), signer),
        "edited": good.replace('"count":2', '"count":9'),
    }
    states = {}
    for name, text in cases.items():
        place = tmp_path / f"{name}.checkpoint"
        place.write_text(text)
        states[name] = read_checkpoint(place, public, "abc", anchor=False).state
    assert states == {"forged": "forged", "foreign": "foreign", "edited": "forged"}
    assert read_checkpoint(tmp_path / "none", public, "abc", anchor=False).state == "missing"
    (tmp_path / "good.checkpoint").write_text(good)
    assert read_checkpoint(tmp_path / "good.checkpoint", None, "abc", anchor=False).state == "unverifiable"


def test_the_cells_own_key_signs_when_given(tmp_path: Path) -> None:
    cell = SecretKey.generate()
    key_file = tmp_path / "cell.key"
    key_file.write_text(cell.to_text(None))
    signer = load_signer(tmp_path / "data", key_file)
    assert signer.public_key == cell.public_key
    assert trusted_public_key(tmp_path / "data") == cell.public_key
    assert not (tmp_path / "data" / "private" / "checkpoint.key").exists()
