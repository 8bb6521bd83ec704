"""The documentation stays true: the CLI reference is the CLI's own help, the README's commands exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_cli_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_command_in_the_readme_tour_exists() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (bascule .+)$", reference, flags=re.MULTILINE))
    tour = (ROOT / "README.md").read_text(encoding="utf-8")
    used = re.findall(r"^(bascule [a-z-]+(?: [a-z-]+)?)", tour, flags=re.MULTILINE)
    assert used
    for command in used:
        assert any(
            d == command or d.startswith(command + " ") or command.startswith(d) for d in documented
        ), command


def test_the_readme_starts_with_the_two_commands() -> None:
    first_screen = (ROOT / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make demo" in first_screen and "make test" in first_screen
