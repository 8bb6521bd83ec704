"""A kit says how old its data was when printed, and past `--max-age` says STALE on every page
(issue 13: the age is shown on everything printed). Stale data is still printed: at 3 a.m. a kit
marked stale is better than no kit, as long as nobody can take it for fresh."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bascule.cli import main


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [page for page in text.stdout.split("\f") if page.strip()]


def kits(capsys: pytest.CaptureFixture[str], store: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    code = main(
        ["kits", "--store", str(store), "--unit", "urgences", "--out", str(out), "--lang", "en", *extra]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_data_older_than_the_threshold_is_marked_stale_on_every_page(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    # The small store's data is of 10 March 2026: far older than the default 2 hours.
    code, out, err = kits(capsys, small_store, tmp_path)
    assert code == 0, err
    assert "ALARM: data of 2026-03-10T07:00:00Z" in out and "more than the 2h00 allowed" in " ".join(
        out.split()
    )
    printed = pages(tmp_path / "kit-urgences.pdf")
    assert len(printed) > 3
    assert all("Data as of 10/03/2026 08:00 CET — STALE" in page for page in printed)
    cover = " ".join(printed[0].split())
    assert "STALE DATA: more than 2h00 old" in cover
    assert "Data age when printed:" in cover and "(threshold 2h00)" in cover


def test_fresh_enough_data_says_its_age_and_never_stale(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    code, out, err = kits(capsys, small_store, tmp_path, "--max-age", "3650d")
    assert code == 0, err
    assert "old when printed (threshold 3650d00h)" in " ".join(out.split()) and "ALARM" not in out
    printed = pages(tmp_path / "kit-urgences.pdf")
    assert not any("STALE" in page for page in printed)
    assert "(threshold 3650d00h)" in " ".join(printed[0].split())


def test_a_bad_threshold_is_one_sentence_and_prints_nothing(
    capsys: pytest.CaptureFixture[str], small_store: Path, tmp_path: Path
) -> None:
    code, _out, err = kits(capsys, small_store, tmp_path / "kits", "--max-age", "soon")
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "kits").exists()
