"""The HTTP FHIR source against httpx.MockTransport: paging, retries, auth and server errors."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bascule.sources.fhir_source import HttpFhirSource, RetryPolicy, SourceError

BASE = "https://ehr.example.org/fhir"


def bundle(ids: list[str], total: int | None = None, next_url: str | None = None) -> dict:  # type: ignore[type-arg]
    document: dict = {
        "resourceType": "Bundle",
        "type": "searchset",  # type: ignore[type-arg]
        "entry": [{"resource": {"resourceType": "Patient", "id": i}} for i in ids],
    }
    if total is not None:
        document["total"] = total
    if next_url is not None:
        document["link"] = [{"relation": "next", "url": next_url}]
    return document


def source(handler, **options) -> tuple[HttpFhirSource, list[float]]:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    return HttpFhirSource(BASE, transport=httpx.MockTransport(handler), sleep=waits.append, **options), waits


def ids(fhir: HttpFhirSource, since: datetime | None = None) -> list[str]:
    return [r["id"] for page in fhir.pages("Patient", since) for r in page.resources]


def test_next_links_are_followed_and_incremental_asks_last_updated() -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        if "page=2" in str(request.url):
            return httpx.Response(200, json=bundle(["c"]))
        return httpx.Response(200, json=bundle(["a", "b"], next_url=f"{BASE}/Patient?page=2"))

    fhir, _ = source(handler, page_size=2)
    assert ids(fhir, since=datetime(2026, 3, 10, 8, tzinfo=UTC)) == ["a", "b", "c"]
    first = parse_qs(urlsplit(str(seen[0])).query)
    assert first == {"_count": ["2"], "_lastUpdated": ["gt2026-03-10T08:00:00.000Z"]}


def test_without_next_links_the_total_drives_offset_paging() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("_offset", "0"))
        every = ["a", "b", "c", "d", "e"]
        return httpx.Response(200, json=bundle(every[offset : offset + 2], total=len(every)))

    fhir, _ = source(handler, page_size=2)
    assert ids(fhir) == ["a", "b", "c", "d", "e"]


def test_without_next_link_or_total_the_first_page_is_all() -> None:
    fhir, _ = source(lambda request: httpx.Response(200, json=bundle(["a", "b"])), page_size=2)
    assert ids(fhir) == ["a", "b"]


def test_429_waits_as_told_and_5xx_backs_off_exponentially() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(200, json=bundle(["a"])),
        ]
    )
    fhir, waits = source(lambda request: next(answers), retry=RetryPolicy(attempts=6, first_wait=0.5))
    assert ids(fhir) == ["a"]
    assert waits == [7.0, 1.0, 2.0]


def test_timeouts_are_retried_then_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    fhir, waits = source(handler, retry=RetryPolicy(attempts=3, first_wait=1))
    with pytest.raises(SourceError, match="did not answer in time on the Patient search, 3 times"):
        ids(fhir)
    assert waits == [1, 2]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(401), "refused access"),
        (httpx.Response(404), "does not serve Patient"),
        (httpx.Response(400), "answered 400"),
        (httpx.Response(200, text="<html>login</html>"), "not a FHIR Bundle"),
        (
            httpx.Response(200, json={"resourceType": "Bundle", "entry": {"not": "a list"}}),
            "malformed Bundle",
        ),
        (httpx.Response(200, content=b"\xff\xfe"), "not a FHIR Bundle"),
    ],
)
def test_server_errors_are_one_sentence(response: httpx.Response, message: str) -> None:
    fhir, _ = source(lambda request: response)
    with pytest.raises(SourceError, match=message):
        ids(fhir)


def test_a_next_link_to_another_server_is_refused() -> None:
    fhir, _ = source(lambda r: httpx.Response(200, json=bundle(["a"], next_url="https://evil.example.com/x")))
    with pytest.raises(SourceError, match="another server"):
        ids(fhir)


def test_credentials_are_sent() -> None:
    headers: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        headers.append(request.headers)
        return httpx.Response(200, json=bundle([]))

    ids(source(handler, token="t0k")[0])
    ids(source(handler, basic=("nurse", "pa55"))[0])
    assert headers[0]["Authorization"] == "Bearer t0k"
    assert headers[1]["Authorization"] == "Basic " + base64.b64encode(b"nurse:pa55").decode()


def test_only_matches_are_kept() -> None:
    document = bundle(["a"])
    document["entry"].append(
        {"resource": {"resourceType": "OperationOutcome"}, "search": {"mode": "outcome"}}
    )
    fhir, _ = source(lambda request: httpx.Response(200, content=json.dumps(document).encode()))
    assert ids(fhir) == ["a"]


def test_a_bad_url_is_a_user_error() -> None:
    with pytest.raises(SourceError.__mro__[1], match="not an http"):
        HttpFhirSource("ftp://ehr")
