"""The FHIR source port and its HTTP adapter (httpx).

`FhirSource` is the port the pull depends on; `HttpFhirSource` talks to a real FHIR R4 server and
tests give it an `httpx.MockTransport`. Errors name the server, the resource type and the HTTP
status, never a resource's content.
"""

from __future__ import annotations

import email.utils
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

from bascule.errors import UserError

MAX_WAIT_SECONDS = 60.0


class SourceError(UserError):
    """The source could not give its data; the store is left as it was."""


class TypeNotServed(SourceError):
    """The server does not serve this resource type (404 on its search)."""

    def __init__(self, message: str, resource_type: str, *, fr: str | None = None) -> None:
        super().__init__(message, fr=fr)
        self.resource_type = resource_type


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a search: its resources, and the total the server announced (if it did)."""

    resources: list[Any]
    total: int | None


class FhirSource(ABC):
    """A FHIR R4 server as a source of resources.

    Contract: `pages(resource_type, since)` yields every resource of that type last updated after
    `since` (all of them when `since` is None), page by page, until the search is exhausted. It
    raises TypeNotServed before any page when the server does not have that type, SourceError,
    never anything else on purpose, when the server cannot give them; it never judges the
    resources themselves (the caller rejects malformed ones).
    """

    @property
    @abstractmethod
    def description(self) -> str:
        """What the store records as its `source` (the base URL, without credentials)."""

    @abstractmethod
    def pages(self, resource_type: str, since: datetime | None) -> Iterator[Page]: ...

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6
    first_wait: float = 0.5
    longest_wait: float = 30.0

    def wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_WAIT_SECONDS)
        return float(min(self.first_wait * (2**attempt), self.longest_wait))


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return (when - datetime.now(UTC)).total_seconds()


def fhir_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class HttpFhirSource(FhirSource):
    """A FHIR R4 REST server, searched type by type with paging (next links, else _offset)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        basic: tuple[str, str] | None = None,
        timeout: float = 30.0,
        page_size: int = 1000,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(
                f"{base_url!r} is not an http(s) URL; give the FHIR base URL, like https://ehr/fhir.",
                fr=f"{base_url!r} n'est pas une URL http(s) ; donnez l'URL de base FHIR, comme https://ehr/fhir.",
            )
        if parts.username or parts.password:
            raise UserError(
                "Put credentials in --user/--password-file or --token, not in the FHIR URL.",
                fr="Mettez les identifiants dans --user/--password-file ou --token, pas dans l'URL FHIR.",
            )
        self.base_url = base_url.rstrip("/") + "/"
        self._origin = (parts.scheme, parts.netloc)
        headers = {"Accept": "application/fhir+json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            auth=httpx.BasicAuth(*basic) if basic else None,
        )
        self.page_size = page_size
        self.retry = retry
        self._sleep = sleep

    @property
    def description(self) -> str:
        return self.base_url.rstrip("/")

    def close(self) -> None:
        self._client.close()

    def pages(self, resource_type: str, since: datetime | None) -> Iterator[Page]:
        query: dict[str, str] = {"_count": str(self.page_size)}
        if since is not None:
            query["_lastUpdated"] = f"gt{fhir_instant(since)}"
        url = f"{self.base_url}{resource_type}?{urlencode(query)}"
        offset = 0
        while True:
            bundle = self._get_bundle(url, resource_type, first_page=offset == 0)
            resources = []
            for entry in bundle.get("entry") or []:
                if isinstance(entry, dict) and (entry.get("search") or {}).get("mode", "match") == "match":
                    resources.append(entry.get("resource"))
            total = bundle.get("total") if isinstance(bundle.get("total"), int) else None
            yield Page(resources, total)
            offset += len(resources)
            next_url = self._next_link(bundle, resource_type)
            if next_url is None and resources and total is not None and offset < total:
                # The server pages by offset but gives no next link (Medplum's router): page on ourselves.
                next_url = f"{self.base_url}{resource_type}?{urlencode({**query, '_offset': str(offset)})}"
            if next_url is None:
                return
            url = next_url

    def _next_link(self, bundle: Mapping[str, Any], resource_type: str) -> str | None:
        for link in bundle.get("link") or []:
            if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
                target: str = urljoin(self.base_url, link["url"])
                parts = urlsplit(target)
                if (parts.scheme, parts.netloc) != self._origin:
                    raise SourceError(
                        f"The {resource_type} search at {self.description} gave a next link to "
                        "another server; Bascule does not send credentials there.",
                        fr=f"La recherche {resource_type} à {self.description} a donné un lien suivant vers "
                        "un autre serveur ; Bascule n'y envoie pas d'identifiants.",
                    )
                return target
        return None

    def _get_bundle(self, url: str, resource_type: str, first_page: bool) -> Mapping[str, Any]:
        attempt = 0
        while True:
            problem: str
            probleme: str
            retry_after = None
            try:
                response = self._client.get(url)
            except httpx.TimeoutException:
                problem = "did not answer in time"
                probleme = "n'a pas répondu à temps"
            except httpx.TransportError as error:
                problem = f"could not be reached ({type(error).__name__})"
                probleme = f"est injoignable ({type(error).__name__})"
            else:
                if response.status_code == 200:
                    return self._bundle(response, resource_type)
                if response.status_code in (401, 403):
                    raise SourceError(
                        f"The FHIR server at {self.description} refused access ({response.status_code}) "
                        f"to {resource_type}; check the token or the user and password.",
                        fr=f"Le serveur FHIR à {self.description} a refusé l'accès ({response.status_code}) "
                        f"à {resource_type} ; vérifiez le jeton ou l'utilisateur et le mot de passe.",
                    )
                if response.status_code == 404 and first_page:
                    raise TypeNotServed(
                        f"The FHIR server at {self.description} does not serve {resource_type} (404).",
                        resource_type,
                        fr=f"Le serveur FHIR à {self.description} ne sert pas {resource_type} (404).",
                    )
                if response.status_code != 429 and response.status_code < 500:
                    raise SourceError(
                        f"The FHIR server at {self.description} answered {response.status_code} to the "
                        f"{resource_type} search; check the URL and that it serves FHIR R4.",
                        fr=f"Le serveur FHIR à {self.description} a répondu {response.status_code} à la "
                        f"recherche {resource_type} ; vérifiez l'URL et qu'il sert FHIR R4.",
                    )
                problem = f"answered {response.status_code}"
                probleme = f"a répondu {response.status_code}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
            attempt += 1
            if attempt >= self.retry.attempts:
                raise SourceError(
                    f"The FHIR server at {self.description} {problem} on the {resource_type} search, "
                    f"{attempt} times; the store was left unchanged.",
                    fr=f"Le serveur FHIR à {self.description} {probleme} à la recherche {resource_type}, "
                    f"{attempt} fois ; la base est restée inchangée.",
                )
            self._sleep(self.retry.wait(attempt - 1, retry_after))

    def _bundle(self, response: httpx.Response, resource_type: str) -> Mapping[str, Any]:
        try:
            bundle = json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            bundle = None
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise SourceError(
                f"The FHIR server at {self.description} answered the {resource_type} search with "
                "something that is not a FHIR Bundle; check the URL.",
                fr=f"Le serveur FHIR à {self.description} a répondu à la recherche {resource_type} par "
                "autre chose qu'un Bundle FHIR ; vérifiez l'URL.",
            )
        if not isinstance(bundle.get("entry", []), list) or not isinstance(bundle.get("link", []), list):
            raise SourceError(
                f"The FHIR server at {self.description} answered the {resource_type} search with "
                "a malformed Bundle.",
                fr=f"Le serveur FHIR à {self.description} a répondu à la recherche {resource_type} par "
                "un Bundle mal formé.",
            )
        return bundle
