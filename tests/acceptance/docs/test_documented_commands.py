"""Every command a page of the documentation shows is run here, as written.

A page marks a shell block with `<!-- run -->` on the line before its fence; the block's lines run in
order, in a fresh folder where the repository's `tests/` is at hand (its corpus of real-shaped
exports is what the pages show) and `docs/` (the example files the pages include), with `.venv/bin` (so `bascule`) first on the PATH. Each line must exit 0, or the exit code its trailing comment names
(`# exit 4`). Blocks not marked are shown, not run: a page must mark every block that holds a
`bascule` command, or this test fails.

A line whose trailing comment says `until Ctrl-C` starts a server (`bascule serve`, `bascule demo
--serve`): it runs until the page at the address it prints answers, then gets Ctrl-C (SIGINT) as a
person would give it, and must then stop in order: exit 0, no traceback.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
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
    "docs/crisis.md",
    "docs/exercises.md",
    "docs/readiness.md",
    "docs/inventory.md",
    "docs/laboratory.md",
    "docs/blood-bank.md",
)
_BLOCK = re.compile(r"(?P<mark><!-- run -->\n)?```(?P<lang>sh|bash|console)\n(?P<body>.*?)```", re.DOTALL)
_EXPECTED_EXIT = re.compile(r"#\s*exit (\d+)\s*$")
_SERVES = re.compile(r"#.*until Ctrl-C\s*$")
_ADDRESS = re.compile(r"http://[0-9.]+:\d+/")
_SERVER_START_SECONDS = 240  # `bascule demo --serve` first runs the whole demo


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
            if _SERVES.search(line):
                serve_until_ctrl_c(page, line, tmp_path, environment)
                continue
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


def serve_until_ctrl_c(page: str, line: str, folder: Path, environment: dict[str, str]) -> None:
    """Run a server line until the address it prints answers its login page, then press Ctrl-C."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # Its own process group, as a terminal's foreground job: Ctrl-C reaches bash and the server.
        process = subprocess.Popen(
            ["bash", "-c", line], cwd=folder, env=environment, stdout=out, stderr=err, start_new_session=True
        )

        def said() -> tuple[str, str]:
            out.seek(0)
            err.seek(0)
            return out.read().decode(errors="replace"), err.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + _SERVER_START_SECONDS
            while True:
                printed, errors = said()
                address = _ADDRESS.search(printed)
                if address:
                    try:
                        answer = httpx.get(address[0] + "login/", timeout=2)
                        assert answer.status_code == 200, (
                            f"{page}: `{line}`: its login page answered {answer.status_code}"
                        )
                        break
                    except httpx.TransportError:
                        pass
                assert process.poll() is None, f"{page}: `{line}` stopped with {process.returncode}\n{errors}"
                assert time.monotonic() < deadline, f"{page}: `{line}` did not serve\n{printed}\n{errors}"
                time.sleep(0.3)
            os.killpg(process.pid, signal.SIGINT)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        printed, errors = said()
        assert code == 0, f"{page}: `{line}` exited {code} after Ctrl-C\n{errors}"
        assert "Traceback" not in errors, f"{page}: `{line}`\n{errors}"


_EXAMPLE = re.compile(r"<!-- example: (?P<path>\S+) -->\n```(?:yaml|json)\n(?P<body>.*?)```", re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_an_example_a_page_shows_is_the_file_the_commands_run(page: Path) -> None:
    for example in _EXAMPLE.finditer(page.read_text(encoding="utf-8")):
        assert (ROOT / example["path"]).read_text(encoding="utf-8") == example["body"], example["path"]
