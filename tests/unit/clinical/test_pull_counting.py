"""A pull counts like an import: resources without meta are versioned by content (a second pull of
the same data writes nothing), rejects are counted, and its JSON document has no line numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from bascule.cli.snapshot_feed import report_document
from bascule.sources.fhir_pull import pull
from bascule.sources.fhir_source import HttpFhirSource

BASE = "https://ehr.example.org/fhir"


def patients(family: str) -> list[dict[str, Any]]:
    """As a server that keeps no meta.lastUpdated sends them (some HAPI set-ups, flat-file façades)."""
    return [
        {"resourceType": "Patient", "id": "p1", "name": [{"family": family}], "gender": "female"},
        {"resourceType": "Patient", "id": "p2", "name": [{"family": "Bernard"}], "gender": "male"},
        {"resourceType": "Patient", "id": "p3", "name": "not a list"},
    ]


def server(resources: list[dict[str, Any]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        found = resources if request.url.path.endswith("/Patient") else []
        bundle = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in found]}
        return httpx.Response(200, json=bundle)

    return httpx.MockTransport(handler)


def test_a_second_pull_of_the_same_data_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    with HttpFhirSource(BASE, transport=server(patients("Martin"))) as source:
        first = pull(source, store, since=None)
        second = pull(source, store, since=None)
    assert (first.written.total_written, second.written.total_written) == (2, 0)
    assert (second.kept, second.rejected, second.written.skipped_older) == (2, 1, 2)
    assert second.data_time is None and second.data_time_from is None
    with HttpFhirSource(BASE, transport=server(patients("Martin-Durand"))) as source:
        third = pull(source, store, since=None)
    assert third.written.total_written == 1


def test_the_pull_document_has_no_line_numbers(tmp_path: Path) -> None:
    with HttpFhirSource(BASE, transport=server(patients("Martin"))) as source:
        report = pull(source, tmp_path / "s.sqlite", since=None)
    document = json.loads(json.dumps(report_document(report)))
    assert document["rejected"] == [
        {"line": None, "type": "Patient", "id": "p3", "reason": "name is not a list"}
    ]
    assert (document["imported"], document["skipped"], document["data_time"]) == (2, {}, None)
    assert (document["removed"], document["not_served"]) == (0, [])
