from __future__ import annotations

import hashlib
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from medplum_peer import NODE, MedplumPeer
from tests.peers import require_peer

from bascule.hospital.model import CareUnit
from bascule.sources.synthetic.hospital import SyntheticHospital, generate
from bascule.sources.synthetic.units import map_units


@pytest.fixture(autouse=True, scope="session")
def _medplum_peer() -> None:
    """Every test here talks to the Medplum FHIR server on Node, installed once by npm."""
    require_peer("The Medplum FHIR peer", NODE.exists() or shutil.which("npm") is not None, "npm installs it")


ANCHOR = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
SMALL_UNITS = (
    CareUnit(id="ward-a", name="Ward A", site="main", beds=14),
    CareUnit(id="ward-b", name="Ward B", site="main", beds=10),
)


@pytest.fixture(scope="session")
def demo_hospital() -> SyntheticHospital:
    return generate(42, "en", map_units("demo"), ANCHOR)


@pytest.fixture(scope="session")
def small_hospital() -> SyntheticHospital:
    return generate(7, "fr", SMALL_UNITS, ANCHOR)


@pytest.fixture(scope="module")
def loaded_peer(demo_hospital: SyntheticHospital) -> Iterator[MedplumPeer]:
    """The Medplum peer holding the whole demo hospital (next links on)."""
    with MedplumPeer() as peer:
        peer.load(demo_hospital.all_resources())
        yield peer


def store_fingerprint(path: Path) -> str:
    """A hash of every row and of store_meta: equal fingerprints mean an unchanged store."""
    connection = sqlite3.connect(path)
    digest = hashlib.sha256()
    for line in connection.iterdump():
        digest.update(line.encode())
    connection.close()
    return digest.hexdigest()
