"""Real peers of the tests (PostgreSQL, Kannel, the Medplum FHIR server on Node, Chromium, poppler,
age and minisign, a mountable tmpfs): a test whose peer is missing skips on a developer's machine
and FAILS under CI=true, where a skip would pass a run that tested nothing.

Inside a test: `require_peer("Kannel", kannel_available(), "apt install kannel kannel-extras")`.
For a whole module or test: the marker `pytest.mark.peer(name, available, how)`, applied by
tests/conftest.py before the test is set up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pytest


def missing_peer_fails(environ: Mapping[str, str] | None = None) -> bool:
    """True under CI=true: a missing peer is a broken test machine, not a reason to skip."""
    return (os.environ if environ is None else environ).get("CI", "").lower() == "true"


def require_peer(name: str, available: bool, how: str = "", environ: Mapping[str, str] | None = None) -> None:
    """Go on when `available`; otherwise skip, or fail under CI=true. `how` says how to install it."""
    if available:
        return
    reason = f"{name} is missing" + (f" ({how})" if how else "")
    if missing_peer_fails(environ):
        pytest.fail(f"{reason}; under CI=true a missing peer fails the run", pytrace=False)
    pytest.skip(reason)
