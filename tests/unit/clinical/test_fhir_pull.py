"""The pull as a whole, on a mock transport: staging, rejects, incremental start, all-or-nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx

from bascule.snapshot.store import ContinuityStore
from bascule.sources.fhir_pull import incremental_since, pull
from bascule.sources.fhir_source import HttpFhirSource, RetryPolicy, SourceError

BASE = "https://ehr.example.org/fhir"
PATIENTS = [
    {
        "resourceType": "Patient",
        "id": "p1",
        "meta": {"lastUpdated": "2026-03-10T08:00:00.000Z"},
        "name": [{"family": "Martin"}],
    },
    {
        "resourceType": "Patient",
        "id": "p2",
        "meta": {"lastUpdated": "2026-03-10T09:30:00.250Z"},
        "name": [{"family": "Bernard"}],
    },
    {
        "resourceType": "Patient",
        "meta": {"lastUpdated": "2026-03-10T09:00:00Z"},
        "name": [{"family": "Nobody"}],
    },
    {"resourceType": "Patient", "id": "p4", "name": "Petit"},
]


def server(patients_status: int = 200) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        kind = request.url.path.rsplit("/", 1)[-1]
        if kind == "Patient":
            if patients_status != 200:
                return httpx.Response(patients_status)
            entries = [{"resource": resource} for resource in PATIENTS]
        else:
            entries = []
        return httpx.Response(200, json={"resourceType": "Bundle", "type": "searchset", "entry": entries})

    return httpx.MockTransport(handler)


def test_malformed_resources_are_counted_and_the_rest_kept(tmp_path: Path) -> None:
    with HttpFhirSource(BASE, transport=server()) as source:
        report = pull(source, tmp_path / "s.sqlite", since=None)
    assert report.kept == 2 and report.received["Patient"] == 4
    assert [(r.resource_type, r.resource_id, r.reason) for r in report.rejects] == [
        ("Patient", None, "id is missing"),
        ("Patient", "p4", "name is not a list"),
    ]
    with ContinuityStore.open(tmp_path / "s.sqlite") as store:
        assert store.counts()["patients"] == 2
        assert store.data_time == datetime(2026, 3, 10, 9, 30, 0, 250000, tzinfo=UTC)
        assert store.source == BASE


def test_incremental_refresh_starts_from_the_newest_data_of_the_same_source(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with HttpFhirSource(BASE, transport=server()) as source:
        assert incremental_since(path, source) is None
        pull(source, path, since=None)
        assert incremental_since(path, source) == datetime(2026, 3, 10, 9, 30, 0, 250000, tzinfo=UTC)
    with HttpFhirSource("https://other.example.org/fhir", transport=server()) as other:
        assert incremental_since(path, other) is None


def test_a_failing_source_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with HttpFhirSource(BASE, transport=server()) as source:
        pull(source, path, since=None)
    before = path.read_bytes()
    failing = HttpFhirSource(BASE, transport=server(503), retry=RetryPolicy(attempts=2, first_wait=0))
    try:
        pull(failing, path, since=None)
    except SourceError as error:
        assert "answered 503 on the Patient search, 2 times" in str(error)
    else:
        raise AssertionError("the pull should have failed")
    finally:
        failing.close()
    assert path.read_bytes() == before


def test_types_the_server_lacks_are_skipped_and_said(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(("/Flag", "/Appointment")):
            return httpx.Response(404)
        return server().handle_request(request)

    with HttpFhirSource(BASE, transport=httpx.MockTransport(handler)) as source:
        report = pull(source, tmp_path / "s.sqlite", since=None)
    assert report.not_served == ("Flag", "Appointment") and report.kept == 2


def test_a_server_with_none_of_the_types_is_refused(tmp_path: Path) -> None:
    with HttpFhirSource(BASE, transport=httpx.MockTransport(lambda r: httpx.Response(404))) as source:
        try:
            pull(source, tmp_path / "s.sqlite", since=None)
        except SourceError as error:
            assert "serves none of the resource types" in str(error)
        else:
            raise AssertionError("a wrong base URL must not look like a successful refresh")
    assert not (tmp_path / "s.sqlite").exists()
