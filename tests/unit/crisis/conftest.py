"""Django set up for the crisis tests, without pytest-django: a temporary data folder, the test
databases made once per session (SQLite in memory, or PostgreSQL when DATABASE_URL is set), and
django.test.TestCase classes, which pytest runs as unittest cases."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bascule.crisis import runtime

os.environ.setdefault("BASCULE_CRISIS_REPLAN_SECONDS", "0.5")
_DATA = Path(tempfile.mkdtemp(prefix="bascule-crisis-test-"))
runtime.configure(_DATA, database_url=os.environ.get("DATABASE_URL", ""), migrate=False)


@pytest.fixture(scope="session", autouse=True)
def django_test_databases() -> Iterator[None]:
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    yield
    teardown_databases(old, verbosity=0)
    teardown_test_environment()


@pytest.fixture(autouse=True)
def fresh_journal_checkpoints(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test is a fresh installation: its database is rolled back, so the journal checkpoints
    a previous test left in the data folder are removed. django.test.TestCase never commits, so
    checkpoints are written at once instead of after the commit."""
    from bascule.crisis import journal_store

    for leftover in _DATA.glob("journal-*.checkpoint"):
        leftover.unlink()
    monkeypatch.setattr(journal_store, "_anchoring", None)
    monkeypatch.setattr(journal_store, "_when_committed", lambda callback: callback())
    yield
