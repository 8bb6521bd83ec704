"""`verify bundles/current` verifies the bundle the pointer names; the sealer's clock bounds data time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import make_store

from bascule.cli import main
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import Signature


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_store(tmp_path / "store.sqlite")
    assert main(["keys", "new", "cell", "--dir", str(tmp_path / "keys")]) == 0
    return tmp_path


def seal(site: Path) -> int:
    keys = site / "keys"
    return main(
        [
            "snapshot", "seal", "--store", str(site / "store.sqlite"), "--to", str(keys / "cell.age.pub"),
            "--sign", str(keys / "cell.key"), "--out", str(site / "bundles"),
        ]
    )  # fmt: skip


def set_data_time(store: Path, value: str) -> None:
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE store_meta SET value = ? WHERE key = 'data_time'", (value,))
    connection.close()


def test_the_documented_verify_of_current_is_good(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert seal(site) == 0
    monkeypatch.chdir(site)
    capsys.readouterr()
    # docs/snapshots.md: bascule snapshot verify bundles/current --pubkey cell.pub --max-age 2h
    for target in ("bundles/current", "bundles", "bundles/"):
        assert main(["snapshot", "verify", target, "--pubkey", "keys/cell.pub"]) == 0
        assert "Good: bundle 1 of chsv" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("pointer", "sentence"),
    [
        (b"../../etc/passwd\n", "names no bundle"),
        (b"bascule-00000009-20261124T003000Z.tar.age\n", "not a complete bundle"),
        (b"\xff\xfe", "names no bundle"),
    ],
)
def test_a_tampered_pointer_is_refused_in_one_sentence(
    site: Path, capsys: pytest.CaptureFixture[str], pointer: bytes, sentence: str
) -> None:
    assert seal(site) == 0
    (site / "bundles" / "current").write_bytes(pointer)
    capsys.readouterr()
    assert (
        main(
            [
                "snapshot",
                "verify",
                str(site / "bundles" / "current"),
                "--pubkey",
                str(site / "keys" / "cell.pub"),
            ]
        )
        == 3
    )
    err = capsys.readouterr().err
    assert sentence in err and "Traceback" not in err and err.count("\n") == 1


def test_the_trusted_comment_carries_the_sealers_clock(site: Path) -> None:
    assert seal(site) == 0
    bundles = site / "bundles"
    archive = bundles / (bundles / "current").read_text().strip()
    comment = Signature.from_text(Path(f"{archive}.minisig").read_text(), "sig").trusted_comment
    facts = Seal.from_comment(comment, "sig")
    assert facts.sealed_at is not None and facts.sealed_at >= facts.data_time


def test_seal_refuses_a_future_or_backwards_data_time(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_data_time(site / "store.sqlite", "2031-01-01T00:00:00Z")
    capsys.readouterr()
    assert seal(site) == 2
    err = capsys.readouterr().err
    assert "in the future of this machine's clock" in err and err.count("\n") == 1
    set_data_time(site / "store.sqlite", "2026-11-24T01:00:00Z")
    assert seal(site) == 0
    set_data_time(site / "store.sqlite", "2026-11-24T00:00:00Z")
    capsys.readouterr()
    assert seal(site) == 2
    err = capsys.readouterr().err
    assert "older than the last bundle's" in err and err.count("\n") == 1


def test_an_old_comment_without_sealed_at_still_reads() -> None:
    old = (
        "bascule-snapshot\tformat:1\thospital:chsv\tsequence:3\tdata_time:2026-11-24T00:30:00Z\tsha256:"
        + "ab" * 32
    )
    assert Seal.from_comment(old + "\tstate:good", "old").sealed_at is None
