"""`bascule snapshot pull` end to end against the Medplum peer, with basic auth and a refresh."""

from __future__ import annotations

from pathlib import Path

import pytest
from medplum_peer import MedplumPeer

from bascule.cli import main
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import SyntheticHospital

pytestmark = pytest.mark.integration


def test_pull_then_refresh(
    small_hospital: SyntheticHospital, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "password"
    secret.write_text("pa55\n", encoding="utf-8")
    store = tmp_path / "store.sqlite"
    with MedplumPeer(basic="nurse:pa55") as peer:
        peer.load(small_hospital.all_resources())
        argv = [
            "snapshot",
            "pull",
            "--fhir",
            peer.base_url,
            "--store",
            str(store),
            "--user",
            "nurse",
            "--password-file",
            str(secret),
            "--count",
            "200",
            "--lang",
            "fr",
        ]
        assert main(argv, environ={}) == 0
        first = capsys.readouterr().out
        assert main(argv, environ={}) == 0
        second = capsys.readouterr().out
    total = sum(small_hospital.counts().values())
    assert f"{total} ressources reçues de {peer.base_url}" in first
    assert f"0 ressources reçues de {peer.base_url}" in second
    with ContinuityStore.open(store) as opened:
        assert sum(opened.counts().values()) == total
        assert opened.source == peer.base_url


def test_the_token_can_come_from_the_environment(small_hospital: SyntheticHospital, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    with MedplumPeer(token="from-env") as peer:
        peer.load(small_hospital.resources["Practitioner"])
        argv = ["snapshot", "pull", "--fhir", peer.base_url, "--store", str(store), "--retries", "0"]
        assert main(argv, environ={}) == 2
        assert main(argv, environ={"BASCULE_FHIR_TOKEN": "from-env"}) == 0
    with ContinuityStore.open(store) as opened:
        assert opened.counts()["practitioners"] == len(small_hospital.resources["Practitioner"])
