"""TLS in front of the crisis application: whether it is on, which proxies are believed, and where a
request really came from.

`bascule serve` (waitress) speaks plain HTTP; TLS is ended by a proxy in front of it (Caddy or nginx,
docs/tls.md). The proxy says the browser used HTTPS (`X-Forwarded-Proto`) and who the browser is
(`X-Forwarded-For`). Anyone can send those headers: they are believed only from the addresses in
BASCULE_CRISIS_TRUSTED_PROXIES (loopback by default when BASCULE_CRISIS_TLS=1), and removed from every
other request before Django or django-axes reads them.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from bascule.errors import UserError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_LOOPBACK: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
_FORWARDED = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED")


@dataclass(frozen=True)
class TlsSettings:
    """BASCULE_CRISIS_TLS=1: users reach the application over HTTPS, through a proxy.
    BASCULE_CRISIS_TRUSTED_PROXIES: the proxies' addresses or networks, separated by commas."""

    enabled: bool
    trusted_proxies: tuple[Network, ...]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> TlsSettings:
        enabled = environ.get("BASCULE_CRISIS_TLS", "") == "1"
        listed = [item.strip() for item in environ.get("BASCULE_CRISIS_TRUSTED_PROXIES", "").split(",")]
        try:
            proxies = tuple(ipaddress.ip_network(item, strict=False) for item in listed if item)
        except ValueError as error:
            raise UserError(
                f"BASCULE_CRISIS_TRUSTED_PROXIES: {error}; give addresses or networks separated by commas.",
                fr=f"BASCULE_CRISIS_TRUSTED_PROXIES : {error} ; donnez des adresses ou des réseaux séparés par des virgules.",
            ) from None
        return cls(enabled, proxies or (_LOOPBACK if enabled else ()))

    def trusts(self, address: str) -> bool:
        try:
            peer = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(peer in network for network in self.trusted_proxies)


def _settings() -> TlsSettings:
    from django.conf import settings

    tls: TlsSettings = settings.TLS
    return tls


class TrustedProxyMiddleware:
    """First in the chain: forwarded headers from a trusted proxy set the client's address; from
    anyone else they are dropped, so that a client cannot claim HTTPS or another address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.tls = _settings()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if self.tls.trusts(meta.get("REMOTE_ADDR", "")):
            # The right-most address not added by one of our proxies is the one a proxy saw connect.
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            while hops and self.tls.trusts(hops[-1]):
                hops.pop()
            if hops:
                with contextlib.suppress(ValueError):
                    meta["REMOTE_ADDR"] = str(ipaddress.ip_address(hops[-1]))
        else:
            for name in _FORWARDED:
                meta.pop(name, None)
        return self.get_response(request)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as django-axes should count it (after TrustedProxyMiddleware)."""
    address: str | None = request.META.get("REMOTE_ADDR")
    return address
