"""The attack suite of issue 13: a station believes only what the crisis cell signed, fresh, and
never rolled back. Each attack is refused with its exit code and one sentence, and the genuine
newest bundle still verifies afterwards."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import encrypt_like_ransomware, make_store

from bascule.cli import main
from bascule.snapshot.bundle import prehash_file
from bascule.snapshot.keys import load_signing_key
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import Signature


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_store(tmp_path / "store.sqlite")
    for name in ("cell", "station", "intruder"):
        assert main(["keys", "new", name, "--dir", str(tmp_path / "keys")]) == 0
    keys = tmp_path / "keys"
    assert (
        main(
            [
                "station",
                "init",
                str(tmp_path / "st"),
                "--hospital",
                "chsv",
                "--trust",
                str(keys / "cell.pub"),
                "--identity",
                str(keys / "station.age"),
            ]
        )
        == 0
    )
    return tmp_path


def seal(site: Path, *, sign: str = "cell", out: str = "bundles", data_time: str | None = None) -> Path:
    """Seal the store; return the folder holding the new bundle (quarantine/ if the guard refused it)."""
    if data_time is not None:
        with sqlite3.connect(site / "store.sqlite") as connection:
            connection.execute("UPDATE store_meta SET value = ? WHERE key = 'data_time'", (data_time,))
        connection.close()
    keys = site / "keys"
    code = main(
        [
            "snapshot", "seal", "--store", str(site / "store.sqlite"), "--to", str(keys / "station.age.pub"),
            "--sign", str(keys / f"{sign}.key"), "--out", str(site / out),
        ]
    )  # fmt: skip
    assert code in (0, 5)
    return site / out / "quarantine" if code == 5 else site / out


def newest(folder: Path) -> Path:
    return sorted(folder.glob("bascule-*.tar.age"))[-1]


def offer(site: Path, archive: Path, as_name: str | None = None) -> Path:
    """Copy a bundle (archive and signature) into the station's inbox, as a share or a USB key would."""
    target = site / "st" / "inbox" / (as_name or archive.name)
    shutil.copyfile(archive, target)
    shutil.copyfile(f"{archive}.minisig", f"{target}.minisig")
    return target


def check(site: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    """The bundle check alone: these hand-made stores hold only what sealing needs, not the tables the
    viewer's self-test opens (tests/integration/station/test_station_self_test.py tests that)."""
    capsys.readouterr()
    code = main(["station", "check", str(site / "st"), "--max-age", "3650d", "--json", "--no-self-test"])
    return code, json.loads(capsys.readouterr().out)


def refusals(report: dict[str, object]) -> dict[str, str]:
    refused = report["refused"]
    assert isinstance(refused, list)
    return {entry["bundle"]: entry["reason"] for entry in refused}


def one_sentence_error(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(arguments))
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    return code, err


def genuine_still_good(site: Path, capsys: pytest.CaptureFixture[str], sequence: int) -> None:
    code, report = check(site, capsys)
    assert code == 0 and report["sequence"] == sequence
    own = site / "st" / ".station" / "copy" / str(report["bundle"])
    assert main(["snapshot", "verify", str(own), "--pubkey", str(site / "keys" / "cell.pub")]) == 0


def test_the_station_is_private_and_takes_the_newest_genuine_bundle(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert os.stat(site / "st" / ".station").st_mode & 0o777 == 0o700
    assert os.stat(site / "st" / ".station" / "state.json").st_mode & 0o777 == 0o600
    assert (site / "st" / "inbox").is_dir()
    code, report = check(site, capsys)
    assert code == 4 and report["bundle"] is None  # nothing yet: no data to care with
    offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    offer(site, newest(seal(site, data_time="2026-11-24T02:00:00Z")))
    code, report = check(site, capsys)
    assert code == 0 and report["sequence"] == 2 and report["data_time"] == "2026-11-24T02:00:00Z"
    assert isinstance(report["age_seconds"], int) and report["age_seconds"] > 0
    assert list(refusals(report).values()) == ["older than bundle 2 in use"]
    capsys.readouterr()
    assert (
        main(["station", "check", str(site / "st"), "--max-age", "1h", "--lang", "fr", "--no-self-test"]) == 4
    )
    assert "ALERTE" in capsys.readouterr().out


def test_a_bundle_forged_with_the_public_recipient_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offer(site, newest(seal(site)))
    # The attacker holds the station's public recipient but not the cell's signing key; a high
    # sequence would lock the genuine bundles out if it were believed.
    (site / "evil" / ".bascule").mkdir(parents=True)
    (site / "evil" / ".bascule" / "state.json").write_text('{"sequence": 98}')
    forged = offer(site, newest(seal(site, sign="intruder", out="evil", data_time="2026-11-24T03:00:00Z")))
    code, report = check(site, capsys)
    assert code == 3 and report["sequence"] == 1
    assert "which this station does not trust" in refusals(report)[forged.name]
    genuine_still_good_after = newest(seal(site, data_time="2026-11-24T04:00:00Z"))
    offer(site, genuine_still_good_after)
    forged.unlink()
    Path(f"{forged}.minisig").unlink()
    genuine_still_good(site, capsys, 2)


def test_an_older_bundle_replayed_after_a_newer_one_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = newest(seal(site, data_time="2026-11-24T01:00:00Z"))
    second = newest(seal(site, data_time="2026-11-24T02:00:00Z"))
    offer(site, second)
    assert check(site, capsys)[0] == 0
    for name in (site / "st" / "inbox").iterdir():
        name.unlink()
    offer(site, first)  # the plain replay: ignored, the station keeps its own copy of bundle 2
    code, report = check(site, capsys)
    assert code == 0 and report["sequence"] == 2 and first.name in refusals(report)
    # The replay dressed up with a higher sequence in its file name: the signed sequence decides.
    disguised = offer(site, first, "bascule-00000007-20261124T050000Z.tar.age")
    code, report = check(site, capsys)
    assert code == 3 and report["sequence"] == 2
    assert "replayed" in refusals(report)[disguised.name]
    disguised.unlink()
    Path(f"{disguised}.minisig").unlink()
    genuine_still_good(site, capsys, 2)


def test_deleted_or_forged_state_is_one_sentence_never_a_fresh_start(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offer(site, newest(seal(site)))
    assert check(site, capsys)[0] == 0
    state_file = site / "st" / ".station" / "state.json"
    genuine = state_file.read_bytes()
    # The old attack: state beside the bundles. A forged one in the inbox means nothing to the station.
    (site / "st" / "inbox" / ".bascule-seen.json").write_text('{"chsv": {"sequence": 999}}')
    assert check(site, capsys)[0] == 0
    forged = json.loads(genuine)
    forged["marks"][next(iter(forged["marks"]))]["sequence"] = 999
    state_file.write_text(json.dumps(forged))
    code, err = one_sentence_error(capsys, "station", "check", str(site / "st"))
    assert code == 2 and "state was altered" in err
    state_file.write_text("{not json")
    code, err = one_sentence_error(capsys, "station", "check", str(site / "st"))
    assert code == 2 and "is damaged" in err
    state_file.unlink()
    code, err = one_sentence_error(capsys, "station", "check", str(site / "st"))
    assert code == 2 and "state was deleted" in err
    state_file.write_bytes(genuine)
    (site / "st" / ".station").chmod(0o755)
    code, err = one_sentence_error(capsys, "station", "check", str(site / "st"))
    assert code == 2 and "open to other users" in err
    (site / "st" / ".station").chmod(0o700)
    genuine_still_good(site, capsys, 1)


def test_a_data_time_after_the_sealing_time_or_in_the_future_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offer(site, newest(seal(site)))
    assert check(site, capsys)[0] == 0
    # A bundle signed by the cell's key whose data time is after its own sealing time (a feed
    # dated 2031) cannot be genuine: readers refuse it.
    genuine = newest(seal(site, data_time="2026-11-24T02:00:00Z"))
    lying = site / "lying"
    lying.mkdir()
    archive = lying / "bascule-00000005-20310101T000000Z.tar.age"
    shutil.copyfile(genuine, archive)
    facts = Seal.from_comment(
        Signature.from_text(Path(f"{genuine}.minisig").read_text(), "g").trusted_comment, "g"
    )
    future = datetime(2031, 1, 1, tzinfo=UTC)
    for sealed_at, sequence in ((facts.sealed_at, 5), (future + timedelta(hours=1), 6)):
        comment = Seal("chsv", sequence, future, facts.store_sha256, sealed_at=sealed_at).to_comment()
        key = load_signing_key(site / "keys" / "cell.key")
        Path(f"{archive}.minisig").write_text(key.sign_prehashed(prehash_file(archive), comment))
        code, err = one_sentence_error(
            capsys, "snapshot", "verify", str(archive), "--pubkey", str(site / "keys" / "cell.pub")
        )
        assert code == 3 and ("after it was sealed" in err or "in the future" in err)
        offered = offer(site, archive, f"bascule-0000000{sequence}-20310101T000000Z.tar.age")
        code, report = check(site, capsys)
        assert code == 3 and report["sequence"] == 1
        offered.unlink()
        Path(f"{offered}.minisig").unlink()
    offer(site, genuine)
    genuine_still_good(site, capsys, 2)


def test_a_quarantined_bundle_and_a_tampered_pointer(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offer(site, newest(seal(site)))
    encrypt_like_ransomware(site / "store.sqlite", 0.5)
    quarantined = seal(site, data_time="2026-11-24T02:00:00Z")
    assert quarantined.name == "quarantine"
    offered = offer(site, newest(quarantined))
    code, report = check(site, capsys)
    assert code == 5 and report["sequence"] == 1 and "quarantined" in refusals(report)[offered.name]
    state = json.loads((site / "st" / ".station" / "state.json").read_text())
    assert [entry["bundle"] for entry in state["quarantine"]] == [offered.name]
    offered.unlink()
    Path(f"{offered}.minisig").unlink()
    # A pointer in the inbox naming an old or absent bundle changes nothing: the station reads signatures.
    (site / "st" / "inbox" / "current").write_text("bascule-00000099-20261124T003000Z.tar.age\n")
    genuine_still_good(site, capsys, 1)


def test_every_read_path_verifies_or_refuses(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundles = seal(site)
    (site / "evil" / ".bascule").mkdir(parents=True)
    (site / "evil" / ".bascule" / "state.json").write_text('{"sequence": 98}')
    forged_folder = seal(site, sign="intruder", out="evil", data_time="2026-11-24T03:00:00Z")
    identity = ["--identity", str(site / "keys" / "station.age")]
    for target in (newest(forged_folder), bundles / "current", bundles):
        code, err = one_sentence_error(
            capsys, "snapshot", "open", str(target), *identity, "--into", str(site / "opened")
        )
        assert code == 2 and "needs the crisis cell's public key" in err
    code, err = one_sentence_error(capsys, "snapshot", "status", str(bundles))
    assert code == 2 and "needs the crisis cell's public key" in err
    code, err = one_sentence_error(
        capsys, "snapshot", "open", str(newest(forged_folder)), *identity, "--into", str(site / "opened"),
        "--pubkey", str(site / "keys" / "cell.pub"),
    )  # fmt: skip
    assert code == 3 and "not by the public key given" in err
    assert not (site / "opened" / "store.sqlite").exists()
    # A station folder pins the key and knows its identity: open, status and verify need nothing else.
    offer(site, newest(bundles))
    offer(site, newest(forged_folder))
    capsys.readouterr()
    assert main(["snapshot", "open", str(site / "st"), "--into", str(site / "opened")]) == 0
    assert "Opened bundle 1 of chsv" in capsys.readouterr().out
    assert main(["snapshot", "status", str(site / "st"), "--max-age", "3650d"]) == 0
    assert "bundle 1 of chsv" in capsys.readouterr().out
    code, err = one_sentence_error(capsys, "snapshot", "verify", str(site / "st"))
    assert code == 3 and "does not trust" in err  # the newest bundle offered was forged: say so
