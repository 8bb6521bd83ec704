"""The crisis application's whole unit suite, run again on a real PostgreSQL server started on
loopback for the occasion (the same tests, so SQLite and PostgreSQL cannot drift apart)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bascule.crisis.testing import postgres_bin, postgres_server

SUITE = Path(__file__).parents[2] / "unit" / "crisis"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("PostgreSQL", postgres_bin() is not None, "initdb on PATH or in pg_config --bindir"),
]


def test_the_crisis_suite_passes_on_postgresql() -> None:
    with postgres_server() as url:
        env = {**os.environ, "DATABASE_URL": url}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", str(SUITE)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
