"""A small synthetic hospital (three units of the demo map) in a real continuity store, and helpers
that read PDFs back with poppler-utils (pdftotext, pdftohtml, pdftoppm, pdfinfo)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.peers import require_peer

from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

KIT_UNITS = ("urgences", "reanimation", "bloc-operatoire")
DATA_TIME = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def _pdftotext() -> None:
    """Every kit test reads the printed PDF back with poppler's pdftotext."""
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )


@pytest.fixture(scope="session")
def demo_map() -> HospitalMap:
    return load_map("demo")


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    units = [unit for unit in map_units("demo") if unit.id in KIT_UNITS]
    path = tmp_path_factory.mktemp("kits") / "store.sqlite"
    store_hospital(generate(42, "fr", units, DATA_TIME), path, "chvo")
    return path
