"""`bascule keys` and `bascule snapshot seal|verify|open|status|watch` end to end: sentences and exit codes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console
from tests.unit.sealing.sealing_stores import encrypt_like_ransomware, make_store, rewrite_share

from bascule.cli import main
from bascule.cli.snapshot_seal import demo_part


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_store(tmp_path / "store.sqlite")
    assert main(["keys", "new", "station", "--dir", str(tmp_path / "keys")]) == 0
    assert main(["keys", "new", "intruder", "--dir", str(tmp_path / "keys")]) == 0
    return tmp_path


def seal_args(site: Path, *extra: str) -> list[str]:
    return [
        "snapshot",
        "seal",
        "--store",
        str(site / "store.sqlite"),
        "--to",
        str(site / "keys" / "station.age.pub"),
        "--sign",
        str(site / "keys" / "station.key"),
        "--out",
        str(site / "out"),
        *extra,
    ]


def current(site: Path) -> str:
    return str(site / "out" / (site / "out" / "current").read_text().strip())


def test_keys_are_private_and_never_overwritten(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = site / "keys"
    assert {p.name for p in keys.iterdir()} >= {
        "station.age",
        "station.age.pub",
        "station.key",
        "station.pub",
    }
    assert os.stat(keys / "station.age").st_mode & 0o777 == 0o600
    assert os.stat(keys / "station.key").st_mode & 0o777 == 0o600
    assert (keys / "station.age.pub").read_text().startswith("age1")
    assert (keys / "station.pub").read_text().startswith("untrusted comment: minisign public key ")
    before = (keys / "station.key").read_bytes()
    capsys.readouterr()
    assert main(["keys", "new", "station", "--dir", str(keys)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (keys / "station.key").read_bytes() == before


def test_seal_verify_open(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(seal_args(site)) == 0
    assert "Snapshot sealed: bundle 1 of chsv, 800 records" in capsys.readouterr().out
    assert main(["snapshot", "verify", current(site), "--pubkey", str(site / "keys" / "station.pub")]) == 0
    assert "Good: bundle 1 of chsv" in capsys.readouterr().out
    assert (
        main(
            [
                "snapshot",
                "open",
                current(site),
                "--identity",
                str(site / "keys" / "station.age"),
                "--into",
                str(site / "station"),
                "--pubkey",
                str(site / "keys" / "station.pub"),
                "--lang",
                "fr",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Lot 1 de chsv ouvert" in out and "signature vérifiée" in out
    assert (site / "station" / "store.sqlite").exists() and (site / "station" / "manifest.json").exists()


@pytest.mark.parametrize(
    ("arguments", "code", "sentence"),
    [
        (["--pubkey", "{keys}/intruder.pub"], 3, "not by the public key given"),
        (["--pubkey", "{keys}/station.pub", "--max-age", "1s"], 4, "more than the 1s allowed"),
        (["--pubkey", "{keys}/station.pub", "--max-age", "soon"], 2, "is not a duration"),
        (["--pubkey", "{keys}/absent.pub"], 2, "does not exist"),
    ],
)
def test_verify_failures(
    site: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], code: int, sentence: str
) -> None:
    assert main(seal_args(site)) == 0
    filled = [a.format(keys=site / "keys") for a in arguments]
    capsys.readouterr()
    assert main(["snapshot", "verify", current(site), *filled]) == code
    err = capsys.readouterr().err
    assert sentence in err and "Traceback" not in err and err.count("\n") == 1


def test_an_unusable_recipient_is_one_sentence_and_nothing_is_written(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = seal_args(site)
    arguments[arguments.index("--to") + 1] = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z"
    capsys.readouterr()
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert "is not an age X25519 recipient" in err and "Traceback" not in err and err.count("\n") == 1
    assert not (site / "out").exists()


def test_truncated_and_replayed_bundles(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(seal_args(site)) == 0
    first = current(site)
    assert main(seal_args(site)) == 0
    second = current(site)
    pub = str(site / "keys" / "station.pub")
    assert main(["snapshot", "verify", second, "--pubkey", pub]) == 0
    capsys.readouterr()
    assert main(["snapshot", "verify", first, "--pubkey", pub]) == 3
    assert "replayed" in capsys.readouterr().err
    data = Path(second).read_bytes()
    Path(second).write_bytes(data[:-100])
    assert main(["snapshot", "verify", second, "--pubkey", pub]) == 3
    assert "altered or damaged" in capsys.readouterr().err
    assert (
        main(
            [
                "snapshot",
                "open",
                second,
                "--identity",
                str(site / "keys" / "station.age"),
                "--into",
                str(site / "station"),
                "--pubkey",
                pub,
            ]
        )
        == 3
    )
    assert "altered or damaged" in capsys.readouterr().err


def test_wrong_identity(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(seal_args(site)) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "snapshot",
                "open",
                current(site),
                "--identity",
                str(site / "keys" / "intruder.age"),
                "--into",
                str(site / "station"),
                "--pubkey",
                str(site / "keys" / "station.pub"),
            ]
        )
        == 2
    )
    assert "was not sealed for this key" in capsys.readouterr().err
    assert not (site / "station" / "store.sqlite").exists()


def test_quarantine_is_loud_and_exits_5(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(seal_args(site)) == 0
    good = current(site)
    encrypt_like_ransomware(site / "store.sqlite", 0.6)
    capsys.readouterr()
    assert main(seal_args(site)) == 5
    out = capsys.readouterr().out.replace("\n", "")
    assert "QUARANTINED" in out and "120 look garbled (15%, limit 5%)" in out and "stays current" in out
    assert current(site) == good
    assert list((site / "out" / "quarantine").glob("*.tar.age"))


def test_status_alarms_when_stale(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(seal_args(site)) == 0
    capsys.readouterr()
    assert main(["snapshot", "status", str(site / "out"), "--max-age", "3650d"]) == 2
    assert "needs the crisis cell's public key" in capsys.readouterr().err
    pub = ["--pubkey", str(site / "keys" / "station.pub")]
    assert main(["snapshot", "status", str(site / "out"), "--max-age", "3650d", *pub]) == 0
    assert "bundle 1 of chsv, data of 2026-11-24T00:30:00Z" in capsys.readouterr().out
    assert (
        main(
            [
                "snapshot",
                "status",
                str(site / "out"),
                "--max-age",
                "1s",
                "--pubkey",
                str(site / "keys" / "station.pub"),
            ]
        )
        == 4
    )
    assert "ALARM: the newest bundle" in capsys.readouterr().out
    (site / "empty").mkdir()
    assert main(["snapshot", "status", str(site / "empty")]) == 4
    assert main(["snapshot", "status", str(site / "absent")]) == 2


def test_watch_keeps_the_last_good_bundle_when_the_source_fails(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(seal_args(site)) == 0
    capsys.readouterr()
    code = main(
        [
            "snapshot",
            "watch",
            "--fhir",
            "http://127.0.0.1:9/fhir",
            "--store",
            str(site / "store.sqlite"),
            "--to",
            str(site / "keys" / "station.age.pub"),
            "--sign",
            str(site / "keys" / "station.key"),
            "--out",
            str(site / "out"),
            "--every",
            "1s",
            "--max-runs",
            "2",
            "--copy-to",
            str(site / "ward"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 4
    assert out.count("the last good bundle 1 stays") == 2
    assert (site / "out" / "current").read_text().startswith("bascule-00000001-")


def test_demo_part_seals_and_verifies(tmp_path: Path) -> None:
    store = make_store(tmp_path / "demo.sqlite", hospital="demo-hospital")
    buffer = io.StringIO()
    console = Console(file=buffer, width=300)
    demo_part(store, tmp_path / "demo", "en", console)
    rewrite_share(store, 1.0)  # the demo regenerates its store at each run: every patient differs
    demo_part(store, tmp_path / "demo", "fr", console)  # keys made once, reused
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("Demo snapshot: bundle 1 of demo-hospital, 800 records")
    assert lines[1].startswith("Instantané de démonstration : lot 2 de demo-hospital")


def test_break_glass_passphrase_opens_without_any_station_key(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passphrase = site / "break-glass.txt"
    passphrase.write_text("correct horse battery staple\n")
    assert main(seal_args(site, "--passphrase-file", str(passphrase))) == 0
    bundle = Path(current(site))
    breakglass = bundle.with_name(bundle.name.replace(".tar.age", ".breakglass.age"))
    capsys.readouterr()
    assert (
        main(
            [
                *[
                    "snapshot",
                    "open",
                    str(bundle),
                    "--identity",
                    str(breakglass),
                    "--into",
                    str(site / "glass"),
                ],
                *["--pubkey", str(site / "keys" / "station.pub")],
            ]
        )
        == 2
    )
    assert "protected by a passphrase" in capsys.readouterr().err
    assert (
        main(
            [
                "snapshot",
                "open",
                str(bundle),
                "--identity",
                str(breakglass),
                "--passphrase-file",
                str(passphrase),
                "--into",
                str(site / "glass"),
                "--pubkey",
                str(site / "keys" / "station.pub"),
            ]
        )
        == 0
    )
    assert (site / "glass" / "store.sqlite").exists()


def test_the_maps_guard_section_sets_the_limits(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hospital_map = site / "map.yaml"
    hospital_map.write_text("bascule: 1\nhospital: {id: chsv}\nguard: {max_change: 0.05}\n")
    assert main(seal_args(site)) == 0
    rewrite_share(site / "store.sqlite", 0.2)  # 40 of 200 patients: under the default 30 %
    assert main(seal_args(site, "--map", str(hospital_map), "--lang", "en")) == 5
    assert "Limits crossed: patient changed or removed 20% (limit 5%)." in capsys.readouterr().out
    assert main(seal_args(site, "--map", str(hospital_map), "--max-change", "0.3")) == 0  # the option wins
    hospital_map.write_text("bascule: 1\nhospital: {id: chsv}\nguard: {max_change: 5}\n")
    assert main(seal_args(site, "--map", str(hospital_map))) == 2
    assert "guard.max_change: must be a share between 0 and 1" in capsys.readouterr().err
