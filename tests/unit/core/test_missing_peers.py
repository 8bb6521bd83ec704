"""A test whose real peer is missing skips on a developer's machine and fails under CI=true."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.peers import require_peer

ROOT = Path(__file__).parents[3]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest"]
MODULE = """
import pytest

from tests.peers import require_peer


@pytest.mark.peer("A peer nobody installed", False, "apt install nothing")
def test_marked() -> None:
    pass


def test_called() -> None:
    require_peer("Another missing peer", False)
"""


def test_a_present_peer_lets_the_test_run() -> None:
    require_peer("Present", True, environ={"CI": "true"})
    require_peer("Present", True, environ={})


def test_a_missing_peer_skips_outside_ci() -> None:
    with pytest.raises(pytest.skip.Exception, match="Kannel is missing"):
        require_peer("Kannel", False, "apt install kannel", environ={"CI": "false"})


def test_a_missing_peer_fails_under_ci() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"Kannel is missing.*CI=true"):
        require_peer("Kannel", False, "apt install kannel", environ={"CI": "true"})


@pytest.mark.parametrize(
    ("ci", "outcome", "exit_code"), [("true", "1 failed, 1 error", 1), ("", "2 skipped", 0)]
)
def test_the_marker_and_the_call_in_a_real_run(tmp_path: Path, ci: str, outcome: str, exit_code: int) -> None:
    (tmp_path / "test_needs_a_peer.py").write_text(MODULE, encoding="utf-8")
    env = {**os.environ, "CI": ci, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    run = subprocess.run(
        [*PYTEST, "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert outcome in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.returncode == exit_code


def test_no_test_skips_on_its_own() -> None:
    """A bare skip would pass a CI run that tested nothing: missing peers go through tests/peers.py."""
    bare = re.compile(r"pytest\.skip\(|mark\.skip(if)?\b|importorskip\(")
    here = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.resolve() not in (here, ROOT / "tests" / "peers.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    assert offenders == []
