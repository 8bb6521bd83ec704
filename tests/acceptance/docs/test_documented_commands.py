"""Every command a page of the documentation shows is run here, as written.

A page marks a shell block with `<!-- run -->` on the line before its fence; the block's lines run in
order, in a fresh folder where the repository's `tests/` is at hand (its corpus of real-shaped
exports is what the pages show) and `docs/` (the example files the pages include), with `.venv/bin` (so `bascule`) first on the PATH. Each line must exit 0, or the exit code its trailing comment names
(`# exit 4`). Blocks not marked are shown, not run: a page must mark every block that holds a
`bascule` command, or this test fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
# Pages whose commands are run; the others join as their blocks are made runnable.
RUN_PAGES = (
    "README.md",
    "docs/clinical-data.md",
    "docs/snapshots.md",
    "docs/map-format.md",
    "docs/journal.md",
    "docs/kits.md",
    "docs/triage.md",
    "docs/downtime-records.md",
    "docs/station.md",
)
_BLOCK = re.compile(r"(?P<mark><!-- run -->\n)?```(?P<lang>sh|bash|console)\n(?P<body>.*?)```", re.DOTALL)
_EXPECTED_EXIT = re.compile(r"#\s*exit (\d+)\s*$")


def runnable_blocks(page: Path) -> list[list[str]]:
    blocks = []
    for block in _BLOCK.finditer(page.read_text(encoding="utf-8")):
        if block["mark"]:
            lines = [line for line in block["body"].splitlines() if line.strip() and not line.startswith("#")]
            blocks.append(lines)
    return blocks


def unmarked_bascule_blocks(page: Path) -> list[str]:
    return [
        block["body"]
        for block in _BLOCK.finditer(page.read_text(encoding="utf-8"))
        if not block["mark"] and re.search(r"^bascule ", block["body"], re.MULTILINE)
    ]


@pytest.mark.parametrize("page", RUN_PAGES)
def test_every_bascule_block_of_a_run_page_is_marked(page: str) -> None:
    assert unmarked_bascule_blocks(ROOT / page) == []
    assert runnable_blocks(ROOT / page), f"{page} has no block marked <!-- run -->"


@pytest.mark.parametrize("page", RUN_PAGES)
def test_the_commands_of_a_page_run_as_written(page: str, tmp_path: Path) -> None:
    venv_bin = Path(sys.executable).parent
    environment = {
        **os.environ,
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "200",
    }
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    (tmp_path / "docs").symlink_to(ROOT / "docs")  # the pages' example files
    for block in runnable_blocks(ROOT / page):
        for line in block:
            expected = _EXPECTED_EXIT.search(line)
            result = subprocess.run(
                ["bash", "-c", line],
                cwd=tmp_path,
                env=environment,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            wanted = int(expected[1]) if expected else 0
            assert result.returncode == wanted, (
                f"{page}: `{line}` exited {result.returncode}\n{result.stderr}"
            )
            assert "Traceback" not in result.stderr, f"{page}: `{line}`\n{result.stderr}"


_EXAMPLE = re.compile(r"<!-- example: (?P<path>\S+) -->\n```(?:yaml|json)\n(?P<body>.*?)```", re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_an_example_a_page_shows_is_the_file_the_commands_run(page: Path) -> None:
    for example in _EXAMPLE.finditer(page.read_text(encoding="utf-8")):
        assert (ROOT / example["path"]).read_text(encoding="utf-8") == example["body"], example["path"]
