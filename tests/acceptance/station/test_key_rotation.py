"""Key rotation (issue 13): a station trusts a new crisis-cell key only through a statement signed by
a key it already pinned; forged, altered, foreign or replayed statements are refused with exit 3."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.acceptance.station.test_station_attacks import check, newest, offer, refusals, seal, site

from bascule.cli import main

__all__ = ["site"]


def rotate(site: Path, *, sign: str, new: str, hospital: str = "chsv", retire: bool = True) -> Path:
    keys = site / "keys"
    if not (keys / f"{new}.pub").exists():
        assert main(["keys", "new", new, "--dir", str(keys)]) == 0
    out = site / "statements" / sign
    out.mkdir(parents=True, exist_ok=True)
    arguments = ["keys", "rotate", "--sign", str(keys / f"{sign}.key"), "--new", str(keys / f"{new}.pub")]
    arguments += ["--hospital", hospital, "--dir", str(out)] + (["--retire"] if retire else [])
    assert main(arguments) == 0
    return next(out.glob("*.rotation"))


def deliver(site: Path, statement: Path) -> Path:
    target = site / "st" / "inbox" / statement.name
    shutil.copyfile(statement, target)
    shutil.copyfile(f"{statement}.minisig", f"{target}.minisig")
    return target


def test_a_signed_rotation_moves_the_station_to_the_new_key_and_retires_the_old(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    assert check(site, capsys)[0] == 0
    deliver(site, rotate(site, sign="cell", new="cell2"))
    offer(site, newest(seal(site, sign="cell2", data_time="2026-11-24T02:00:00Z")))
    code, report = check(site, capsys)
    assert code == 0 and report["sequence"] == 2
    old_key = (site / "keys" / "cell.pub").read_text().split()[-2]  # minisign's comment line names the id
    assert report["trusted"] == [{"key": report["key"], "signed_by": old_key, "retired_signer": True}]
    # The statement stays in the inbox: seen again, it is not applied twice nor refused.
    code, report = check(site, capsys)
    assert code == 0 and report["trusted"] == []
    assert list(refusals(report).values()) == ["older than bundle 2 in use"]
    # The retired key signs nothing the station believes any more.
    stolen = offer(site, newest(seal(site, sign="cell", data_time="2026-11-24T03:00:00Z")))
    code, report = check(site, capsys)
    assert code == 3 and report["sequence"] == 2
    assert "does not trust" in refusals(report)[stolen.name]


def test_the_copy_in_use_stays_good_when_its_key_is_retired(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    assert check(site, capsys)[0] == 0
    deliver(site, rotate(site, sign="cell", new="cell2"))
    code, report = check(site, capsys)
    assert code == 0 and report["sequence"] == 1 and len(report["trusted"]) == 1


def test_a_statement_signed_by_a_key_the_station_does_not_pin_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    forged = deliver(site, rotate(site, sign="intruder", new="evil"))
    offer(site, newest(seal(site, sign="evil", data_time="2026-11-24T02:00:00Z")))
    code, report = check(site, capsys)
    assert code == 3 and report["sequence"] == 1 and report["trusted"] == []
    assert (
        "a new key is trusted only through a statement signed by a pinned key"
        in refusals(report)[forged.name]
    )


def test_a_statement_whose_key_was_swapped_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    statement = deliver(site, rotate(site, sign="cell", new="cell2"))
    assert main(["keys", "new", "evil", "--dir", str(site / "keys")]) == 0
    statement.write_bytes((site / "keys" / "evil.pub").read_bytes())  # the signature stays the cell's
    code, report = check(site, capsys)
    assert code == 3 and report["trusted"] == []
    assert "does not match its content" in refusals(report)[statement.name]


def test_a_statement_for_another_hospital_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    statement = deliver(site, rotate(site, sign="cell", new="cell2", hospital="other-hospital"))
    code, report = check(site, capsys)
    assert code == 3 and "serves chsv" in refusals(report)[statement.name]


def test_a_retired_key_is_never_trusted_again(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Statements are applied before bundles: a bundle signed by a key retired in the same delivery
    # is not believed (the key may have been retired because it was stolen).
    late = offer(site, newest(seal(site, data_time="2026-11-24T01:00:00Z")))
    deliver(site, rotate(site, sign="cell", new="cell2"))
    code, report = check(site, capsys)
    assert code == 3 and "does not trust" in refusals(report)[late.name]
    offer(site, newest(seal(site, sign="cell2", data_time="2026-11-24T02:00:00Z")))
    assert check(site, capsys)[0] == 0
    back = deliver(site, rotate(site, sign="cell2", new="cell", retire=False))
    code, report = check(site, capsys)
    assert code == 3 and "was retired" in refusals(report)[back.name]


def test_rotate_refuses_bad_input_in_one_sentence(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = site / "keys"
    for arguments in (
        ["--sign", str(keys / "cell.key"), "--new", str(keys / "cell.pub"), "--hospital", "chsv"],
        ["--sign", str(keys / "cell.key"), "--new", str(keys / "cell2.pub"), "--hospital", "chsv"],
        ["--sign", str(keys / "cell.pub"), "--new", str(keys / "station.age.pub"), "--hospital", "chsv"],
        ["--sign", str(keys / "cell.key"), "--new", str(keys / "intruder.pub"), "--hospital", "a\tb"],
    ):
        capsys.readouterr()
        assert main(["keys", "rotate", *arguments, "--dir", str(site)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.count("\n") == 1, err
    assert not list(site.glob("*.rotation"))
