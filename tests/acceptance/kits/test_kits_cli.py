"""`bascule kits` and `bascule downtime-ids` end to end: files made, one-line summaries, and every
user error as one sentence with exit code 2, nothing written or changed."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from bascule.cli import main
from bascule.cli.kits import DEMO_UNITS, demo_part
from bascule.downtime.numbers import parse_number
from bascule.snapshot.schema import SCHEMA_VERSION, schema_columns
from bascule.snapshot.store import ContinuityStore


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), {"USER": "nurse1"})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_one_unit_from_a_store(capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path) -> None:
    before = digest(small_store)
    code, out, err = run(
        capsys,
        "kits",
        "--store",
        str(small_store),
        "--unit",
        "urgences",
        "--out",
        str(tmp_path),
        "--lang",
        "fr",
    )
    assert code == 0, err
    assert re.search(r"^1 kits, \d+ pages, [\d.]+ Mo en [\d.]+ s", out.strip())
    assert (tmp_path / "kit-urgences.pdf").stat().st_size > 10_000
    assert digest(small_store) == before  # printing never changes the store


def test_all_units_in_parallel_in_english_on_letter(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys,
        "kits",
        "--store",
        str(small_store),
        "--all",
        "--out",
        str(tmp_path),
        "--lang",
        "en",
        "--paper",
        "letter",
    )
    assert code == 0, err
    made = sorted(p.name for p in tmp_path.glob("*.pdf"))
    with ContinuityStore.open(small_store, readonly=True) as store:
        units = [unit.id for unit in store.units()]
    assert len(units) >= 2
    assert made == sorted(f"kit-{unit}.pdf" for unit in units)
    pages = int(re.search(rf"^{len(units)} kits, (\d+) pages", out.strip()).group(1))  # type: ignore[union-attr]
    counted = 0
    for pdf in tmp_path.glob("*.pdf"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        counted += int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
        assert "612 x 792" in info
    assert counted == pages
    # No patient value in the summary: only counts, sizes and the folder.
    assert not re.search(r"[A-Z]{3,} [A-Z][a-z]", out)


def test_kits_from_a_sealed_bundle(capsys: pytest.CaptureFixture[str], sealed: Any, tmp_path: Path) -> None:
    code, out, err = run(
        capsys,
        "kits",
        "--bundle",
        str(sealed.bundle),
        "--identity",
        str(sealed.keys.identity),
        "--pubkey",
        str(sealed.keys.public_key),
        "--unit",
        "reanimation",
        "--out",
        str(tmp_path / "kits"),
        "--lang",
        "fr",
    )
    assert code == 0, err
    assert (tmp_path / "kits" / "kit-reanimation.pdf").is_file()
    assert out.startswith("1 kits, ")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--unit", "urgence"], "no care unit 'urgence' (did you mean \"urgences\"?)"),
        ([], "--unit UNIT"),
        (["--unit", "urgences", "--all"], "--unit UNIT"),
        (["--unit", "urgences", "--paper", "a3"], "Unknown paper size 'a3'"),
        (["--unit", "urgences", "--lang", "de"], "Unknown language 'de'"),
        (["--unit", "urgences", "--map", "nowhere.yaml"], "There is no map at nowhere.yaml"),
    ],
)
def test_user_errors_are_one_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path, arguments: list[str], expected: str
) -> None:
    code, _out, err = run(
        capsys, "kits", "--store", str(small_store), "--out", str(tmp_path / "out"), *arguments
    )
    assert code == 2
    assert expected in one_sentence(err)
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def test_a_missing_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(
        capsys, "kits", "--store", str(tmp_path / "none.sqlite"), "--all", "--out", str(tmp_path)
    )
    assert code == 2
    assert "There is no continuity store at" in one_sentence(err)
    assert not (tmp_path / "none.sqlite").exists()


def test_the_wrong_identity(capsys: pytest.CaptureFixture[str], sealed: Any, tmp_path: Path) -> None:
    code, _out, err = run(
        capsys,
        "kits",
        "--bundle",
        str(sealed.bundle),
        "--identity",
        str(sealed.intruder.identity),
        "--pubkey",
        str(sealed.keys.public_key),
        "--all",
        "--out",
        str(tmp_path),
    )
    assert code == 2
    assert "cannot open" in one_sentence(err)
    assert not list(tmp_path.glob("*.pdf"))


def test_a_bundle_needs_its_identity(capsys: pytest.CaptureFixture[str], sealed: Any, tmp_path: Path) -> None:
    pubkey = ["--pubkey", str(sealed.keys.public_key)]
    code, _out, err = run(
        capsys, "kits", "--bundle", str(sealed.bundle), *pubkey, "--all", "--out", str(tmp_path)
    )
    assert code == 2 and "--identity KEY" in one_sentence(err)


def test_an_unchecked_bundle_is_never_printed(
    capsys: pytest.CaptureFixture[str], sealed: Any, tmp_path: Path
) -> None:
    # Anyone holding the station's public recipient can forge a bundle: without the crisis cell's
    # key (or a station folder, which pins it) nothing is decrypted and no kit is printed.
    identity = ["--identity", str(sealed.keys.identity)]
    code, _out, err = run(
        capsys, "kits", "--bundle", str(sealed.bundle), *identity, "--all", "--out", str(tmp_path)
    )
    assert code == 2 and "needs the crisis cell's public key" in one_sentence(err)
    assert not list(tmp_path.glob("*.pdf"))


def test_the_demo_step_prints_two_units(small_store: Path, tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    copy = tmp_path / "store.sqlite"
    shutil.copy(small_store, copy)
    demo_part(copy, tmp_path, "fr", console)
    assert sorted(p.name for p in (tmp_path / "kits").glob("*.pdf")) == sorted(
        f"kit-{u}.pdf" for u in DEMO_UNITS
    )
    assert console.export_text().startswith("2 kits, ")


def test_allocate_labels_and_list(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.sqlite"
    shutil.copy(small_store, store)
    labels = tmp_path / "labels.pdf"
    code, out, err = run(
        capsys,
        "downtime-ids",
        "allocate",
        "--store",
        str(store),
        "--site",
        "til",
        "--station",
        "urg1",
        "--unit",
        "urgences",
        "--count",
        "30",
        "--labels",
        str(labels),
        "--lang",
        "en",
    )
    assert code == 0, err
    assert "30 downtime numbers for unit urgences, station URG1 of site TIL: TIL-URG1-00001-" in out
    assert "Labels:" in out and "(2 pages)" in out
    text = subprocess.run(["pdftotext", str(labels), "-"], capture_output=True, text=True, check=True).stdout
    printed = re.findall(r"TIL-URG1-\d{5}-[0-9A-Z*]", text)
    assert len(set(printed)) == 30
    assert all(parse_number(number).station == "URG1" for number in printed)
    code, out, err = run(
        capsys,
        "downtime-ids",
        "allocate",
        "--store",
        str(store),
        "--site",
        "TIL",
        "--station",
        "URG1",
        "--unit",
        "reanimation",
        "--count",
        "5",
    )
    assert code == 0 and "TIL-URG1-00031-" in out
    code, out, err = run(capsys, "downtime-ids", "list", "--store", str(store), "--lang", "en")
    assert code == 0
    assert "TIL-URG1-00001-" in out and "TIL-URG1-00031-" in out and "nurse1" in out
    code, out, _err = run(capsys, "downtime-ids", "list", "--store", str(store), "--unit", "reanimation")
    assert "TIL-URG1-00031-" in out and "TIL-URG1-00001-" not in out


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            ["--site", "TIL-1", "--station", "A", "--unit", "urgences", "--count", "5"],
            "1 to 8 letters or digits",
        ),
        (["--site", "TIL", "--station", "A", "--unit", "urgence", "--count", "5"], 'did you mean "urgences"'),
        (["--site", "TIL", "--station", "A", "--unit", "urgences", "--count", "0"], "between 1 and 10000"),
    ],
)
def test_allocation_errors_change_nothing(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path, arguments: list[str], expected: str
) -> None:
    store = tmp_path / "store.sqlite"
    shutil.copy(small_store, store)
    run(
        capsys,
        "downtime-ids",
        "allocate",
        "--store",
        str(store),
        "--site",
        "A",
        "--station",
        "B",
        "--unit",
        "urgences",
        "--count",
        "2",
    )
    before = run(capsys, "downtime-ids", "list", "--store", str(store))[1]
    code, _out, err = run(capsys, "downtime-ids", "allocate", "--store", str(store), *arguments)
    assert code == 2
    assert expected in one_sentence(err)
    assert run(capsys, "downtime-ids", "list", "--store", str(store))[1] == before


def test_allocating_into_a_missing_store_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.sqlite"
    code, _out, err = run(
        capsys,
        "downtime-ids",
        "allocate",
        "--store",
        str(missing),
        "--site",
        "A",
        "--station",
        "B",
        "--unit",
        "u",
        "--count",
        "1",
    )
    assert code == 2 and "There is no continuity store" in one_sentence(err)
    assert not missing.exists()


def test_a_store_from_an_older_bascule_is_printed_without_being_changed(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copy(small_store, old)
    connection = sqlite3.connect(old)
    then, now = schema_columns(2), schema_columns(SCHEMA_VERSION)
    for table in set(now) - set(then):  # tables later migrations made (downtime numbers, entries...)
        connection.execute(f'DROP TABLE "{table}"')
    for table, columns in then.items():  # what later migrations added, taken out again
        for column in set(now[table]) - set(columns):
            connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    connection.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    before = digest(old)
    code, _out, err = run(
        capsys, "kits", "--store", str(old), "--unit", "urgences", "--out", str(tmp_path / "k")
    )
    assert code == 0, err
    assert (tmp_path / "k" / "kit-urgences.pdf").is_file()
    assert digest(old) == before


def test_a_store_of_another_hospital_needs_its_map(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite"
    shutil.copy(small_store, other)
    connection = sqlite3.connect(other)
    connection.execute("UPDATE store_meta SET value = 'elsewhere' WHERE key = 'hospital_id'")
    connection.commit()
    connection.close()
    code, _out, err = run(capsys, "kits", "--store", str(other), "--all", "--out", str(tmp_path / "k"))
    assert code == 2
    assert "hospital 'elsewhere'" in one_sentence(err) and "--map" in err


def test_a_kit_that_cannot_be_written_is_one_sentence(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    (tmp_path / "kit-urgences.pdf").mkdir()  # something in the way of the file
    code, _out, err = run(
        capsys, "kits", "--store", str(small_store), "--all", "--out", str(tmp_path), "--workers", "2"
    )
    assert code == 2
    assert "Cannot write" in one_sentence(err) and "kit-urgences.pdf" in err
    assert not list(tmp_path.glob(".tmp-*"))
