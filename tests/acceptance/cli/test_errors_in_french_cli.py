"""A French-speaking user gets the CLI's error sentences in French: with `--lang fr`, with
BASCULE_LANG=fr, or with a French locale (LANG=fr_FR.UTF-8); the exit code is the same, the message
one sentence on stderr, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import bascule
from bascule.cli import main
from bascule.snapshot.keys import KeySet

MISSING_MAP_FR = (
    "Erreur : Il n'y a pas de carte à missing.yaml ; donnez le chemin d'une carte .yaml ou .json, ou 'demo'."
)
MISSING_MAP_EN = "Error: There is no map at missing.yaml; give the path of a .yaml or .json map, or 'demo'."


def run(args: list[str], environ: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args, environ=environ)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        (["impact", "missing.yaml", "--lang", "fr"], {}, MISSING_MAP_FR),
        (["impact", "missing.yaml", "--lang=fr"], {"LANG": "en_GB.UTF-8"}, MISSING_MAP_FR),
        (["map", "check", "missing.yaml"], {"LANG": "fr_FR.UTF-8"}, MISSING_MAP_FR),
        (["map", "check", "missing.yaml"], {"LC_ALL": "fr_BE.UTF-8", "LANG": "en_US.UTF-8"}, MISSING_MAP_FR),
        (["map", "check", "missing.yaml"], {"LC_MESSAGES": "fr_CA.UTF-8"}, MISSING_MAP_FR),
        (["map", "check", "missing.yaml"], {"BASCULE_LANG": "fr", "LANG": "en_US.UTF-8"}, MISSING_MAP_FR),
        (["impact", "missing.yaml", "--lang", "en"], {"LANG": "fr_FR.UTF-8"}, MISSING_MAP_EN),
        (["map", "check", "missing.yaml"], {"BASCULE_LANG": "en", "LANG": "fr_FR.UTF-8"}, MISSING_MAP_EN),
        (["map", "check", "missing.yaml"], {"LANG": "C.UTF-8"}, MISSING_MAP_EN),
        (["map", "check", "missing.yaml"], {}, MISSING_MAP_EN),
    ],
)
def test_a_missing_map_is_said_in_the_readers_language(
    args: list[str], environ: dict[str, str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, environ, capsys)
    assert code == 2
    assert err.splitlines() == [expected]
    assert out == ""


def test_an_altered_bundle_pointer_keeps_exit_3_in_french(
    tmp_path: Path, station_keys: KeySet, capsys: pytest.CaptureFixture[str]
) -> None:
    pointer = tmp_path / "current"
    pointer.write_text("../../etc/passwd\n", encoding="utf-8")
    code, out, err = run(
        ["snapshot", "verify", str(pointer), "--pubkey", str(station_keys.public_key)],
        {"LANG": "fr_FR.UTF-8"},
        capsys,
    )
    assert code == 3
    assert err.splitlines() == [
        f"Erreur : {pointer} ne nomme aucun paquet (un pointeur contient un nom de fichier de paquet) ; "
        "il a été endommagé ou modifié."
    ]
    assert out == ""


def test_a_bad_option_value_is_refused_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["plan", "demo", "--scenario", "ransomware", "--done", "dc01=x=2", "--lang", "fr"], {}, capsys
    )
    assert code == 2
    assert err.splitlines() == ["Erreur : --done prend ID ou ID=HEURES (p. ex. dc01=6), pas 'dc01=x=2'."]


def test_an_invalid_map_is_headed_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("bascule: 1\nhospital: [unclosed\n", encoding="utf-8")
    code, _, err = run(["map", "check", str(bad)], {"LANG": "fr_FR.UTF-8"}, capsys)
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == f"Erreur : La carte {bad} a 1 problème ; corrigez-les et réessayez :"
    assert lines[1].startswith(f"  {bad}:") and "YAML mal formé" in lines[1]
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("args", "environ"),
    [(["--lang", "fr"], {}), ([], {"BASCULE_LANG": "fr"}), ([], {"LANG": "fr_FR.UTF-8"})],
)
def test_an_invalid_maps_located_problems_are_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], environ: dict[str, str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "bascule: 1\nhospital: {id: h, name: H}\n"
        "assets:\n  - {id: dc01, restore_hours: soon}\n  - {id: ad, needs: [dc1], colour: red}\n",
        encoding="utf-8",
    )
    code, out, err = run(["map", "check", str(bad), *args], environ, capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"Erreur : La carte {bad} a 3 problèmes ; corrigez-les et réessayez :",
        f"  {bad}:4 assets[0].restore_hours : doit être un nombre, pas du texte",
        f"  {bad}:5 assets[1].colour : clé inconnue « colour » ; clés permises : id, name, needs, optional, "
        "segment, supplier, restore_hours, skills, kind, count, site",
        f"  {bad}:5 assets[1].needs[0] : id inconnu « dc1 » (vouliez-vous dire « dc01 » ?)",
    ]


def test_the_installed_command_speaks_french_under_a_french_locale(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "BASCULE_LANG")}
    environ["PYTHONPATH"] = str(Path(bascule.__file__).resolve().parents[1])  # this checkout's Bascule
    result = subprocess.run(
        [sys.executable, "-m", "bascule", "impact", "missing.yaml"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**environ, "LANG": "fr_FR.UTF-8"},
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [MISSING_MAP_FR]
    assert "Traceback" not in result.stderr and result.stdout == ""
