"""Shared test set-up: the repository root is importable so tests can use bench's reference code."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.peers import require_peer  # noqa: E402 (needs the root on the path)

# Key fixtures and store builders shared by the sealing tests of every kind (one copy).
# The crisis application in Chromium (its `browser` fixture), for the crisis and reconciliation tests.
pytest_plugins = ("tests.unit.sealing.sealing_stores", "tests.crisis_browser")


@pytest.fixture(autouse=True)
def _private_rollback_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`snapshot verify --pubkey` remembers sequences in the user's state folder: each test has its own,
    so that no test sees another's bundles (nor the developer's own)."""
    monkeypatch.setenv("BASCULE_STATE_DIR", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(autouse=True)
def _english_errors_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI speaks its errors in the locale's language: tests that call `main(args)` with the
    process environment read English, whatever the developer's own locale."""
    for name in ("BASCULE_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    if os.environ.get("LANG", "").lower().startswith("fr"):
        monkeypatch.setenv("LANG", "C.UTF-8")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`pytest.mark.peer(name, available, how)`: skip without the peer, fail without it under CI=true."""
    for mark in item.iter_markers("peer"):
        require_peer(*mark.args, **mark.kwargs)
