"""Pulls from a real FHIR R4 server: Medplum's FHIR router loaded with the synthetic hospital."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from medplum_peer import MedplumPeer

from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_pull import PageListener, PullReport, incremental_since, pull
from bascule.sources.fhir_records import RESOURCE_TYPES
from bascule.sources.fhir_source import FhirSource, HttpFhirSource, Page, RetryPolicy, SourceError
from bascule.sources.hl7_listener import Hl7Listener
from bascule.sources.synthetic.hospital import SyntheticHospital
from conftest import store_fingerprint

pytestmark = pytest.mark.integration

TABLE_OF = {
    "Patient": "patients",
    "Location": "locations",
    "Encounter": "stays",
    "AllergyIntolerance": "allergies",
    "Flag": "alerts",
    "Condition": "problems",
    "MedicationRequest": "medication_orders",
    "MedicationAdministration": "administrations",
    "Observation": "lab_results",
    "Appointment": "activities",
    "Practitioner": "practitioners",
}
QUICK = RetryPolicy(attempts=2, first_wait=0.01)


class Recording(FhirSource):
    """The real HTTP source, noting which ids each page brought (a spy, not a fake)."""

    def __init__(self, inner: HttpFhirSource) -> None:
        self.inner = inner
        self.ids: dict[str, set[str]] = {}

    @property
    def description(self) -> str:
        return self.inner.description

    def pages(self, resource_type: str, since: datetime | None) -> Iterator[Page]:
        for page in self.inner.pages(resource_type, since):
            self.ids.setdefault(resource_type, set()).update(r["id"] for r in page.resources)
            yield page

    def close(self) -> None:
        self.inner.close()


def pull_from(
    url: str,
    path: Path,
    since: datetime | None = None,
    on_page: PageListener | None = None,
    reconcile: bool = False,
    **options: Any,
) -> PullReport:
    with HttpFhirSource(url, **options) as source:
        return pull(source, path, since=since, on_page=on_page, reconcile=reconcile)


def test_every_resource_arrives(
    loaded_peer: MedplumPeer, demo_hospital: SyntheticHospital, tmp_path: Path
) -> None:
    with Recording(HttpFhirSource(loaded_peer.base_url, page_size=2000)) as source:
        report = pull(source, tmp_path / "store.sqlite", since=None)
    assert report.rejects == []
    for kind, resources in demo_hospital.resources.items():
        assert source.ids[kind] == {r["id"] for r in resources}, kind
    with ContinuityStore.open(tmp_path / "store.sqlite") as store:
        counts = store.counts()
        assert {TABLE_OF[k]: n for k, n in demo_hospital.counts().items()} == {
            t: counts[t] for t in TABLE_OF.values()
        }
        assert store.source == loaded_peer.base_url
        assert store.data_time is not None and store.refreshed_at is not None
        census = store.census(at=demo_hospital.generated_at)
        assert sum(unit.occupied for unit in census) == demo_hospital.counts()["Encounter"]


def _change(peer: MedplumPeer, hospital: SyntheticHospital, share: float) -> dict[str, set[str]]:
    """Update `share` of the Patients, Observations and Appointments through the FHIR API."""
    rng = random.Random(3)
    changed: dict[str, set[str]] = {}
    with httpx.Client(timeout=60) as client:
        for kind in ("Patient", "Observation", "Appointment"):
            resources = hospital.resources[kind]
            for resource in rng.sample(resources, max(1, int(len(resources) * share))):
                updated = {key: value for key, value in resource.items() if key != "meta"}
                if kind == "Patient":
                    updated["telecom"] = [{"system": "phone", "value": "+447700900999"}]
                elif kind == "Observation" and "valueQuantity" in updated:
                    updated["valueQuantity"] = {**updated["valueQuantity"], "value": 1.0}
                else:
                    updated["status"] = "cancelled"
                answer = client.put(f"{peer.base_url}/{kind}/{resource['id']}", json=updated)
                assert answer.status_code == 200, answer.text
                changed.setdefault(kind, set()).add(resource["id"])
    return changed


def test_an_incremental_refresh_gets_exactly_the_changed_ones(
    small_hospital: SyntheticHospital, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    with MedplumPeer() as peer:
        peer.load(small_hospital.all_resources())
        pull_from(peer.base_url, path, page_size=100)
        with ContinuityStore.open(path) as before:
            counts, first_data_time = before.counts(), before.data_time
        changed = _change(peer, small_hospital, 0.05)
        with Recording(HttpFhirSource(peer.base_url, page_size=100)) as spy:
            since = incremental_since(path, spy)
            assert since == first_data_time
            report = pull(spy, path, since=since)
    assert {kind: ids for kind, ids in spy.ids.items() if ids} == changed
    assert report.kept == sum(len(ids) for ids in changed.values())
    with ContinuityStore.open(path) as store:
        assert store.counts() == counts
        patient = next(iter(changed["Patient"]))
        assert store.chart(patient).patient.phone == "+447700900999"
        assert (
            store.data_time is not None and first_data_time is not None and store.data_time > first_data_time
        )


def test_a_server_killed_mid_pull_leaves_the_store_unchanged(
    small_hospital: SyntheticHospital, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    with MedplumPeer() as peer:
        peer.load(small_hospital.all_resources())
        pull_from(peer.base_url, path, page_size=50)
        _change(peer, small_hospital, 0.2)
        before = store_fingerprint(path)
        pages_seen: list[str] = []

        def kill_after_a_few_pages(resource_type: str, seen: int, total: int | None) -> None:
            pages_seen.append(resource_type)
            if resource_type == "Condition":
                peer.kill()

        with pytest.raises(SourceError, match=r"could not be reached|did not answer"):
            pull_from(peer.base_url, path, on_page=kill_after_a_few_pages, page_size=50, retry=QUICK)
    assert "Patient" in pages_seen  # the kill came mid-pull, after resources were already staged
    assert store_fingerprint(path) == before


def test_a_new_store_is_not_created_by_a_failed_pull(tmp_path: Path) -> None:
    with MedplumPeer(token="right") as peer, pytest.raises(SourceError, match="refused access"):
        pull_from(peer.base_url, tmp_path / "s.sqlite", token="wrong", retry=QUICK)
    assert not (tmp_path / "s.sqlite").exists()


def test_paging_without_next_links_uses_offsets(small_hospital: SyntheticHospital, tmp_path: Path) -> None:
    with MedplumPeer(next_links=False) as peer:
        peer.load(small_hospital.all_resources())
        first = httpx.get(f"{peer.base_url}/Observation?_count=10").json()
        assert not any(link.get("relation") == "next" for link in first.get("link", []))
        with Recording(HttpFhirSource(peer.base_url, page_size=37)) as source:
            report = pull(source, tmp_path / "store.sqlite", since=None)
    assert report.rejects == []
    for kind in RESOURCE_TYPES:
        assert source.ids.get(kind, set()) == {r["id"] for r in small_hospital.resources[kind]}, kind


def test_bearer_token_and_basic_auth(small_hospital: SyntheticHospital, tmp_path: Path) -> None:
    with MedplumPeer(token="s3cret") as peer:
        peer.load(small_hospital.resources["Practitioner"])
        report = pull_from(peer.base_url, tmp_path / "a.sqlite", token="s3cret")
        assert report.kept == len(small_hospital.resources["Practitioner"])
    with MedplumPeer(basic="nurse:pa55") as peer:
        peer.load(small_hospital.resources["Practitioner"])
        with pytest.raises(SourceError, match="refused access"):
            pull_from(peer.base_url, tmp_path / "b.sqlite", basic=("nurse", "wrong"))
        report = pull_from(peer.base_url, tmp_path / "b.sqlite", basic=("nurse", "pa55"))
        assert report.kept == len(small_hospital.resources["Practitioner"])


def test_a_full_pull_removes_what_the_server_no_longer_has(
    small_hospital: SyntheticHospital, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    deleted = {
        kind: small_hospital.resources[kind][0]["id"] for kind in ("Observation", "Appointment", "Flag")
    }
    with MedplumPeer() as peer:
        peer.load(small_hospital.all_resources())
        pull_from(peer.base_url, path, page_size=200)
        with ContinuityStore.open(path) as store:
            before = store.counts()
            listener = Hl7Listener(store)
            admit = (
                "MSH|^~\\&|PAS|H|BASCULE|H|20260310081500||ADT^A01|A1|P|2.5\r"
                "PID|1||555^^^H^MR||Moreau^Luc\rPV1|1|I|usic^3^B"
            )
            assert b"MSA|AA" in listener.process(admit.encode())
        with httpx.Client() as client:
            for kind, rid in deleted.items():
                assert client.delete(f"{peer.base_url}/{kind}/{rid}").status_code == 200
        incremental = pull_from(peer.base_url, path, since=None, page_size=200)
        assert sum(incremental.written.removed.values()) == 0  # a plain pull never removes
        report = pull_from(peer.base_url, path, page_size=200, reconcile=True)
    assert report.written.removed == {"lab_results": 1, "activities": 1, "alerts": 1} | {
        table: 0
        for table in (
            "patients",
            "locations",
            "stays",
            "allergies",
            "problems",
            "medication_orders",
            "administrations",
            "practitioners",
        )
    }
    with ContinuityStore.open(path) as store:
        after = store.counts()
        assert after["lab_results"] == before["lab_results"] - 1
        assert after["patients"] == before["patients"] + 1  # the HL7 patient stays
        assert store.patient_by_mrn("555") is not None


def test_hl7_times_do_not_move_the_fhir_cursor(small_hospital: SyntheticHospital, tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with MedplumPeer() as peer:
        peer.load(small_hospital.all_resources())
        pull_from(peer.base_url, path, page_size=200)
        with ContinuityStore.open(path) as store:
            ahead = "MSH|^~\\&|PAS|H|BASCULE|H|20991231235900+0000||ADT^A08|A9|P|2.5\rPID|1||9^^^H^MR||Roy"
            assert b"MSA|AA" in Hl7Listener(store).process(ahead.encode())  # a sender whose clock is wrong
            assert store.data_time is not None and store.data_time <= datetime.now(UTC)
        changed = _change(peer, small_hospital, 0.05)
        with HttpFhirSource(peer.base_url) as source:
            report = pull(source, path, since=incremental_since(path, source))
    assert report.kept == sum(len(ids) for ids in changed.values()) > 0
