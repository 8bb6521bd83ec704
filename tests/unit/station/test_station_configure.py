"""`bascule station configure DIR`: the self-test settings, kept private, listed, refused in one
sentence (French too) when wrong."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from tests.station_folder import make_station

from bascule.cli import main
from bascule.station.self_test_settings import SelfTestSettings, load_settings


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path, lang: str = "en") -> tuple[int, str, str]:
    code = main([str(a) for a in argv], environ={"BASCULE_LANG": lang})
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def station(tmp_path: Path) -> Path:
    return make_station(tmp_path)


def test_settings_are_stored_private_and_listed(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "station", "configure", station, "--test-patient", "TEST-0001", "--printer", "ward-3",
        "--cups-server", "print.chvo.local:631",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "Station self-test settings saved.",
        "test patient (MRN): TEST-0001",
        "printer (CUPS queue): ward-3",
        "CUPS server: print.chvo.local:631",
    ]
    stored = station / ".station" / "viewer.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    code, out, _ = cli(capsys, "station", "configure", station, "--json")
    assert (code, json.loads(out)) == (
        0,
        {"test_patient": "TEST-0001", "printer": "ward-3", "cups_server": "print.chvo.local:631"},
    )


def test_a_setting_is_changed_alone_and_an_empty_one_is_forgotten(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "station", "configure", station, "--test-patient", "TEST-0001", "--printer", "ward-3")
    cli(capsys, "station", "configure", station, "--printer", "ward-4")
    assert load_settings(station) == SelfTestSettings(test_patient="TEST-0001", printer="ward-4")
    cli(capsys, "station", "configure", station, "--test-patient", "")
    assert load_settings(station) == SelfTestSettings(printer="ward-4")
    code, out, _ = cli(capsys, "station", "configure", station, "--lang", "fr")
    assert code == 0
    assert "patient de test (IPP) : (non configuré)" in out


def test_a_socket_path_is_a_cups_server(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = cli(capsys, "station", "configure", station, "--cups-server", "/run/cups/cups.sock")
    assert code == 0
    assert load_settings(station).cups_server == "/run/cups/cups.sock"


@pytest.mark.parametrize(
    ("option", "value", "english", "french"),
    [
        ("--printer", "ward 3", "is not a printer queue name", "n'est pas un nom de file d'impression"),
        ("--printer", "a/b", "is not a printer queue name", "n'est pas un nom de file d'impression"),
        ("--test-patient", " 12", "The test patient's MRN must be", "L'IPP du patient de test doit"),
        ("--test-patient", "x" * 65, "The test patient's MRN must be", "L'IPP du patient de test doit"),
        ("--cups-server", "http://print", "is not a CUPS server", "n'est pas un serveur CUPS"),
    ],
)
def test_bad_settings_are_refused_in_one_sentence(
    station: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, english: str, french: str
) -> None:
    for lang, words in (("en", english), ("fr", french)):
        code, _, err = cli(capsys, "station", "configure", station, option, value, lang=lang)
        assert code == 2
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (station / ".station" / "viewer.json").exists()  # nothing stored


def test_not_a_station_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "station", "configure", tmp_path / "nowhere", "--printer", "ward-3")
    assert code == 2 and "station" in err and "Traceback" not in err


def test_a_damaged_settings_file_is_one_sentence(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (station / ".station" / "viewer.json").write_text('{"format": 1, "printer": "a b"}')
    for lang, words in (("en", "cannot be read"), ("fr", "sont illisibles")):
        code, _, err = cli(capsys, "station", "configure", station, lang=lang)
        assert code == 2 and words in err and "bascule station configure" in err
