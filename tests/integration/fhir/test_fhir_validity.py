"""What Bascule writes as FHIR R4 passes Medplum's R4 validator: the synthetic hospital and exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from medplum_peer import MedplumPeer

from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_export import export_store
from bascule.sources.hl7_listener import Hl7Listener
from bascule.sources.synthetic.hospital import SyntheticHospital
from bascule.sources.synthetic.to_store import store_hospital

pytestmark = pytest.mark.integration

ADMIT = (
    "MSH|^~\\&|PAS|H|BASCULE|H|20260310081500+0100||ADT^A01^ADT_A01|A1|P|2.5\r"
    "PID|1||555^^^H^MR||Moreau^Luc||19600101|M\rPV1|1|I|usic^3^B"
)


def test_the_synthetic_hospital_is_valid_fhir_r4(small_hospital: SyntheticHospital) -> None:
    with MedplumPeer() as peer:
        assert peer.validate(small_hospital.all_resources()) == []


def test_a_store_export_is_valid_fhir_r4(small_hospital: SyntheticHospital, tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store_hospital(small_hospital, path, "test")
    with ContinuityStore.open(path) as store:
        assert b"MSA|AA" in Hl7Listener(store).process(ADMIT.encode())  # a stay known only as text
        counts = export_store(store, tmp_path / "export")
    exported = [
        json.loads(line)
        for file in sorted((tmp_path / "export").glob("*.ndjson"))
        for line in file.read_text(encoding="utf-8").splitlines()
    ]
    assert len(exported) == sum(counts.values()) > len(small_hospital.all_resources())
    with MedplumPeer() as peer:
        assert peer.validate(exported) == []
