"""Scratch folders holding plaintext: a killed run's folder is swept by the next run, a running
run's folder never is."""

from __future__ import annotations

import secrets
import stat
import tempfile
from pathlib import Path

from bascule.scratch import private_scratch, sweep_scratch


def test_a_killed_runs_folder_is_swept_and_a_running_ones_kept() -> None:
    prefix = f"bascule-test-scratch-{secrets.token_hex(4)}-"
    killed = Path(tempfile.mkdtemp(prefix=prefix))
    (killed / ".in-use").write_bytes(b"")  # its lock file, held by no one any more
    (killed / "store.sqlite").write_bytes(b"plaintext patient rows")
    with private_scratch(prefix) as running:
        assert not killed.exists()
        assert stat.S_IMODE(running.stat().st_mode) == 0o700
        (running / "store.sqlite").write_bytes(b"in use")
        sweep_scratch(prefix)  # another run starting now
        assert (running / "store.sqlite").read_bytes() == b"in use"
    assert not running.exists()
    assert list(Path(tempfile.gettempdir()).glob(f"{prefix}*")) == []
