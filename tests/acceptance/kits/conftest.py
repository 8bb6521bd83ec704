"""A small synthetic hospital in a real store, its sealed bundle, and the keys that open it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.peers import require_peer

from bascule.snapshot.keys import KeySet, load_signing_key, new_key_set, parse_recipients
from bascule.snapshot.sealing import SealRequest, seal
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

KIT_UNITS = ("urgences", "reanimation", "bloc-operatoire")


@pytest.fixture(autouse=True, scope="session")
def _pdftotext() -> None:
    """Every kit test reads the printed PDF back with poppler's pdftotext."""
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    units = [unit for unit in map_units("demo") if unit.id in KIT_UNITS]
    path = tmp_path_factory.mktemp("kits-store") / "store.sqlite"
    store_hospital(generate(42, "fr", units, datetime(2026, 3, 10, 7, tzinfo=UTC)), path, "chvo")
    return path


@dataclass(frozen=True)
class Sealed:
    bundle: Path
    keys: KeySet
    intruder: KeySet


@pytest.fixture(scope="session")
def sealed(small_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Sealed:
    keys = new_key_set("station", tmp_path_factory.mktemp("keys"))
    intruder = new_key_set("intruder", tmp_path_factory.mktemp("intruder"))
    request = SealRequest(
        small_store,
        tuple(parse_recipients([str(keys.recipient)])),
        load_signing_key(keys.signing_key),
        tmp_path_factory.mktemp("bundles"),
    )
    outcome = seal(request)
    assert not outcome.quarantined
    return Sealed(outcome.archive, keys, intruder)
