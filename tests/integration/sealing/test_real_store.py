"""Seal the real continuity store (the data feed's ContinuityStore, filled by the synthetic hospital),
open it where a station would, and read it back with the store's own API; `watch` against the
Medplum FHIR peer the data-feed tests use."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.peers import require_peer

from bascule.cli import main
from bascule.hospital.model import CareUnit
from bascule.snapshot.folder import BundleFolder
from bascule.snapshot.keys import KeySet, load_identities, load_public_key, load_signing_key, parse_recipients
from bascule.snapshot.opening import open_bundle
from bascule.snapshot.sealing import SealRequest, seal
from bascule.snapshot.store import ContinuityStore
from bascule.snapshot.verify import verify_bundle
from bascule.sources.synthetic.hospital import SyntheticHospital, generate
from bascule.sources.synthetic.to_store import store_hospital

pytestmark = pytest.mark.integration

ANCHOR = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
UNITS = (
    CareUnit(id="ward-a", name="Ward A", site="main", beds=14),
    CareUnit(id="ward-b", name="Ward B", site="main", beds=10),
)
FHIR_TESTS = Path(__file__).resolve().parents[1] / "fhir"


@pytest.fixture(scope="module")
def hospital() -> SyntheticHospital:
    return generate(7, "fr", UNITS, ANCHOR)


def test_a_real_store_seals_opens_and_reads_back(
    tmp_path: Path, hospital: SyntheticHospital, station_keys: KeySet
) -> None:
    store = tmp_path / "continuity.sqlite"
    store_hospital(hospital, store, "chsv")
    with ContinuityStore.open(store, readonly=True) as original:
        counts = original.counts()
        data_time = original.data_time
        beds = len(original.census())
    outcome = seal(
        SealRequest(
            store,
            tuple(parse_recipients([str(station_keys.recipient)])),
            load_signing_key(station_keys.signing_key),
            tmp_path / "out",
        )
    )
    assert {k: v for k, v in outcome.manifest.counts.items() if v} == {k: v for k, v in counts.items() if v}
    assert outcome.manifest.data_time == data_time and outcome.manifest.hospital == "chsv"
    opened = open_bundle(
        outcome.archive,
        load_identities(station_keys.identity),
        tmp_path / "station",
        identity_source="station.age",
        public_key=load_public_key(station_keys.public_key),
    )
    with ContinuityStore.open(opened.store, readonly=True) as copy:
        assert copy.counts() == counts and copy.hospital_id == "chsv"
        assert len(copy.census()) == beds


def _medplum() -> type:
    sys.path.insert(0, str(FHIR_TESTS))
    try:
        from medplum_peer import NODE, MedplumPeer
    except ImportError as missing:
        require_peer("The Medplum peer of the FHIR tests", False, str(missing))
    if not NODE.exists():
        import shutil

        require_peer("The Medplum FHIR peer", shutil.which("npm") is not None, "npm installs it once")
    return MedplumPeer  # type: ignore[no-any-return]


def test_watch_pulls_from_fhir_seals_and_feeds_a_station(
    tmp_path: Path, hospital: SyntheticHospital, station_keys: KeySet, capsys: pytest.CaptureFixture[str]
) -> None:
    peer_class = _medplum()
    store = tmp_path / "continuity.sqlite"
    with peer_class() as peer:
        peer.load(hospital.all_resources())
        code = main(
            [
                "snapshot",
                "watch",
                "--fhir",
                peer.base_url,
                "--store",
                str(store),
                "--to",
                str(station_keys.recipient),
                "--sign",
                str(station_keys.signing_key),
                "--out",
                str(tmp_path / "out"),
                "--every",
                "1s",
                "--max-runs",
                "2",
                "--hospital",
                "chsv",
                "--copy-to",
                str(tmp_path / "ward-a"),
            ]
        )
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("sealed") == 2 and "copied to 1 station(s)" in out
    station = BundleFolder(tmp_path / "ward-a")
    current = station.current()
    assert current is not None and current.sequence == 2
    verified = verify_bundle(tmp_path / "ward-a" / current.archive, load_public_key(station_keys.public_key))
    assert verified.seal.hospital == "chsv"
