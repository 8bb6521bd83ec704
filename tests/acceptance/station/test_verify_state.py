"""`snapshot verify --pubkey` outside a station: its rollback state is private to the user and kept
per signing key, never beside the bundles where whoever drops a bundle could delete or forge it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.acceptance.station.test_station_attacks import newest, one_sentence_error, seal, site

from bascule.cli import main

__all__ = ["site"]


def verify(site: Path, archive: Path, key: str = "cell") -> int:
    return main(["snapshot", "verify", str(archive), "--pubkey", str(site / "keys" / f"{key}.pub")])


def test_a_replay_is_refused_even_when_the_bundle_folder_is_wiped(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = newest(seal(site, data_time="2026-11-24T01:00:00Z"))
    saved = first.read_bytes(), Path(f"{first}.minisig").read_bytes()
    second = newest(seal(site, data_time="2026-11-24T02:00:00Z"))
    assert verify(site, second) == 0
    assert not list(second.parent.glob(".bascule-seen*"))  # nothing beside the bundles
    state = Path(os.environ["BASCULE_STATE_DIR"]) / "seen.json"
    assert os.stat(state).st_mode & 0o777 == 0o600
    replay = site / "usb" / first.name  # an attacker's copy of the old bundle, in a folder of its own
    replay.parent.mkdir()
    replay.write_bytes(saved[0])
    Path(f"{replay}.minisig").write_bytes(saved[1])
    code, err = one_sentence_error(
        capsys, "snapshot", "verify", str(replay), "--pubkey", str(site / "keys" / "cell.pub")
    )
    assert code == 3 and "replayed" in err


def test_a_high_sequence_under_another_key_does_not_lock_out_the_genuine_bundles(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "evil" / ".bascule").mkdir(parents=True)
    (site / "evil" / ".bascule" / "state.json").write_text('{"sequence": 98}')
    forged = newest(seal(site, sign="intruder", out="evil"))
    assert verify(site, forged, key="intruder") == 0  # someone checked it against the intruder's key
    assert verify(site, newest(seal(site))) == 0  # the genuine bundle 1 is still good


def test_a_damaged_state_is_one_sentence(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = newest(seal(site))
    state = Path(os.environ["BASCULE_STATE_DIR"]) / "seen.json"
    for damage in ("{not json", "[1, 2]", '"text"', '{"cut'):
        state.write_text(damage)
        code, err = one_sentence_error(
            capsys, "snapshot", "verify", str(archive), "--pubkey", str(site / "keys" / "cell.pub")
        )
        assert code == 2 and "is damaged" in err
