"""Read a hospital's inventory from NetBox's REST API (through pynetbox) into an `Inventory`.

What is read (NetBox 4.1 serializers): sites -> sites; devices -> assets, their type from their role
(`netbox_mapping`); virtual machines -> assets of type vm that need their cluster; clusters -> assets
of type cluster that need their host devices (devices whose `cluster` is set); VLANs and prefixes ->
segments (a prefix with a VLAN is that VLAN's segment; a container prefix is none); providers and/or tenants -> suppliers;
circuits -> assets of type link supplied by their provider. A device's or VM's segment is the one of
the longest prefix holding its primary IP (interfaces are not read: one request per object).

Ids are names slugified ([a-z0-9-]); a second object with the same id gets "-2", "-3"... and a
problem says so. Every NetBox failure (bad token, wrong URL, server error, no answer, not NetBox)
is one UserError sentence; the token is never in it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final
from urllib.parse import urlsplit

import pynetbox
import requests

from bascule.errors import UserError
from bascule.inventory.items import ASSET, Inventory, InventoryItem, NamedThing, Origin, SourceProblem
from bascule.inventory.naming import IdAllocator, slug
from bascule.inventory.netbox_mapping import NetboxMapping, parse_mapping

__all__ = ["ENDPOINTS", "TOKEN_VARIABLE", "read_netbox", "slugify"]

TOKEN_VARIABLE: Final = "BASCULE_NETBOX_TOKEN"
SOURCE: Final = "netbox"
TIMEOUT_SECONDS: Final = 60.0

Record = Mapping[str, Any]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def read_netbox(
    url: str,
    token: str,
    mapping: Mapping[str, Any] | None = None,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> Inventory:
    """Everything NetBox at `url` (its root, e.g. https://netbox.example) lists, as an Inventory.

    `progress(endpoint, count)` is called after each endpoint is read ("dcim/devices", 40), for a
    progress bar: there are `len(ENDPOINTS)` of them."""
    rules = parse_mapping(mapping)
    where = _shown(url)
    if not token:
        raise UserError(
            f"No NetBox token: set {TOKEN_VARIABLE} to an API token of {where}.",
            fr=f"Aucun jeton NetBox : donnez à {TOKEN_VARIABLE} un jeton d'API de {where}.",
        )
    api = pynetbox.api(url.rstrip("/"), token=token)
    api.http_session = _TimedSession()
    answers: dict[str, list[Record]] = {}
    with _netbox_errors(where):
        for name, app, endpoint in ENDPOINTS:
            answers[name] = _records(getattr(getattr(api, app), endpoint))
            if progress is not None:
                progress(f"{app}/{endpoint.replace('_', '-')}", len(answers[name]))
    try:
        return _Reader(rules, where).read(answers)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _not_netbox(where) from None


ENDPOINTS: Final = (
    ("sites", "dcim", "sites"),
    ("devices", "dcim", "devices"),
    ("clusters", "virtualization", "clusters"),
    ("vms", "virtualization", "virtual_machines"),
    ("vlans", "ipam", "vlans"),
    ("prefixes", "ipam", "prefixes"),
    ("tenants", "tenancy", "tenants"),
    ("providers", "circuits", "providers"),
    ("circuits", "circuits", "circuits"),
)


class _TimedSession(requests.Session):
    """requests waits forever by default; a NetBox that stops answering must end the import."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def _records(endpoint: Any) -> list[Record]:
    """Every object of a list endpoint, page after page as pynetbox follows `next`."""
    return [dict(record) for record in endpoint.all()]


def _shown(url: str) -> str:
    """The URL without any user:password part, as said in messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}".rstrip("/") if host else url


@contextmanager
def _netbox_errors(where: str) -> Iterator[None]:
    try:
        yield
    except pynetbox.RequestError as error:
        raise _refused(where, int(error.req.status_code), error.error) from None
    except pynetbox.ContentError:
        raise _not_netbox(where) from None
    except requests.exceptions.Timeout:
        raise UserError(
            f"NetBox at {where} did not answer within {TIMEOUT_SECONDS:g} s; try again later.",
            fr=f"NetBox à {where} n'a pas répondu en {TIMEOUT_SECONDS:g} s ; réessayez plus tard.",
        ) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema):
        raise UserError(
            f"{where} is not a URL; give NetBox's address, like https://netbox.example.",
            fr=f"{where} n'est pas une URL ; donnez l'adresse de NetBox, comme https://netbox.example.",
        ) from None
    except requests.exceptions.SSLError:
        raise UserError(
            f"The TLS connection to NetBox at {where} failed; if its certificate comes from your own "
            "authority, set REQUESTS_CA_BUNDLE to that authority's certificate file.",
            fr=f"La connexion TLS à NetBox à {where} a échoué ; si son certificat vient de votre propre "
            "autorité, donnez à REQUESTS_CA_BUNDLE le fichier du certificat de cette autorité.",
        ) from None
    except requests.exceptions.RequestException:
        raise UserError(
            f"Cannot reach NetBox at {where}; check the address and that NetBox is running.",
            fr=f"Impossible de joindre NetBox à {where} ; vérifiez l'adresse et que NetBox tourne.",
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError):  # JSON, but not NetBox's list answers
        raise _not_netbox(where) from None


def _refused(where: str, status: int, body: str) -> UserError:
    # NetBox answers a wrong or expired token with 403 {"detail": "Invalid token"}, a proxy with 401.
    if status == 401 or (status == 403 and "token" in body.lower()):
        return UserError(
            f"NetBox at {where} refused the token; set {TOKEN_VARIABLE} to a valid API token.",
            fr=f"NetBox à {where} a refusé le jeton ; donnez à {TOKEN_VARIABLE} un jeton d'API valide.",
        )
    if status == 403:
        return UserError(
            f"The NetBox token may not read everything at {where}; give it read permission on "
            "dcim, virtualization, ipam, tenancy and circuits.",
            fr=f"Le jeton NetBox ne peut pas tout lire à {where} ; donnez-lui la lecture sur "
            "dcim, virtualization, ipam, tenancy et circuits.",
        )
    if status == 404:
        return UserError(
            f"{where} has no NetBox API; give NetBox's root address, without /api.",
            fr=f"{where} n'a pas d'API NetBox ; donnez l'adresse racine de NetBox, sans /api.",
        )
    if status >= 500:
        return UserError(
            f"NetBox at {where} failed (HTTP {status}); try again later or look at NetBox's log.",
            fr=f"NetBox à {where} a échoué (HTTP {status}) ; réessayez plus tard ou lisez son journal.",
        )
    return UserError(
        f"NetBox at {where} refused the request (HTTP {status}).",
        fr=f"NetBox à {where} a refusé la requête (HTTP {status}).",
    )


def _not_netbox(where: str) -> UserError:
    return UserError(
        f"{where} did not answer as NetBox's REST API does; check the address.",
        fr=f"{where} n'a pas répondu comme l'API REST de NetBox ; vérifiez l'adresse.",
    )


# NetBox's names become ids as GLPI's do (one slug, one way to make them unique).
slugify = slug


class _Ids:
    """Unique slug ids in one namespace: a collision gets a numeric suffix and a problem."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        self._allocator = IdAllocator()
        self._first: dict[str, Origin] = {}
        self._problems = problems

    def take(self, name: str, origin: Origin, fallback: str) -> str:
        chosen, collided = self._allocator.allocate(name, fallback)
        if collided:
            wanted = slug(name) or slug(fallback)
            first = self._first[wanted]
            self._problems.append(
                SourceProblem(
                    origin,
                    f"id {wanted} is already {first}'s; this one is {chosen}",
                    fr=f"l'id {wanted} est déjà celui de {first} ; celui-ci est {chosen}",
                )
            )
        self._first[chosen] = origin
        return chosen


def _origin(kind: str, record: Record) -> Origin:
    return Origin(SOURCE, object=f"{kind}/{record['id']}")


def _slug_of(reference: Record | None) -> str:
    return str(reference.get("slug") or "") if reference else ""


class _Reader:
    """One import: ids given in NetBox's order, problems collected on the way."""

    def __init__(self, rules: NetboxMapping, where: str) -> None:
        self.rules = rules
        self.where = where
        self.problems: list[SourceProblem] = []
        self.item_ids = _Ids(self.problems)
        self.sites: dict[int, NamedThing] = {}
        self.segments: dict[tuple[str, int], NamedThing] = {}
        self.suppliers: dict[tuple[str, int], NamedThing] = {}
        # segment by network, per prefix length: the longest prefix holding an IP in a few lookups
        self.networks: dict[tuple[int, int], dict[Network, str]] = {}

    def read(self, answers: Mapping[str, list[Record]]) -> Inventory:
        self._named(answers)
        items: list[InventoryItem] = []
        clusters = {record["id"]: record for record in answers["clusters"]}
        hosts: dict[int, list[str]] = {}
        cluster_ids: dict[int, str] = {}
        for record in answers["devices"]:
            role = _slug_of(record.get("role"))
            if role in self.rules.skip_roles:
                continue
            item = self._asset("dcim.device", record, self.rules.type_of_role(role))
            items.append(item)
            if record.get("cluster"):
                hosts.setdefault(record["cluster"]["id"], []).append(item.id)
        for record in answers["clusters"]:
            item = self._asset("virtualization.cluster", record, "cluster", needs=hosts.get(record["id"], []))
            cluster_ids[record["id"]] = item.id
            items.append(item)
        for record in answers["vms"]:
            cluster = clusters.get((record.get("cluster") or {}).get("id"))
            needs = [cluster_ids[cluster["id"]]] if cluster else []
            site = self._site(record) or (self._site(cluster) if cluster else "")
            items.append(self._asset("virtualization.virtualmachine", record, "vm", needs=needs, site=site))
        for record in answers["circuits"]:
            items.append(self._circuit(record))
        return Inventory(
            items=tuple(items),
            sites=tuple(self.sites.values()),
            segments=tuple(dict.fromkeys(self.segments.values())),
            suppliers=tuple(self.suppliers.values()),
            problems=tuple(self.problems),
            source=self.where,
        )

    def _named(self, answers: Mapping[str, list[Record]]) -> None:
        site_ids, segment_ids, supplier_ids = _Ids(self.problems), _Ids(self.problems), _Ids(self.problems)
        for record in answers["sites"]:
            site_id = site_ids.take(record["name"], _origin("dcim.site", record), f"site-{record['id']}")
            self.sites[record["id"]] = NamedThing(site_id, record["name"])
        for record in answers["vlans"]:
            origin = _origin("ipam.vlan", record)
            segment_id = segment_ids.take(record["name"], origin, f"vlan-{record['vid']}")
            self.segments["vlan", record["id"]] = NamedThing(segment_id, record["name"], self._site(record))
        for record in answers["prefixes"]:
            if (record.get("status") or {}).get("value") == "container":
                continue  # an aggregate of segments, not one
            vlan = record.get("vlan")
            segment = self.segments.get(("vlan", vlan["id"])) if vlan else None
            if segment is None:
                origin = _origin("ipam.prefix", record)
                prefix = record["prefix"]
                segment = NamedThing(segment_ids.take(prefix, origin, "prefix"), prefix, self._site(record))
                self.segments["prefix", record["id"]] = segment
            network = ipaddress.ip_network(record["prefix"], strict=False)
            self.networks.setdefault((network.version, network.prefixlen), {}).setdefault(network, segment.id)
        self.networks = dict(sorted(self.networks.items(), key=lambda length: -length[0][1]))
        sources = [("tenancy.tenant", "tenants")] if self.rules.tenants_are_suppliers else []
        if self.rules.providers_are_suppliers:
            sources.append(("circuits.provider", "providers"))
        for kind, name in sources:
            for record in answers[name]:
                supplier_id = supplier_ids.take(
                    record["name"], _origin(kind, record), f"{name}-{record['id']}"
                )
                self.suppliers[name, record["id"]] = NamedThing(supplier_id, record["name"])

    def _site(self, record: Record) -> str:
        site = record.get("site")
        # NetBox 4.2 replaced a prefix's, a cluster's and a circuit termination's site by a scope
        if not site and record.get("scope_type") == "dcim.site":
            site = record.get("scope")
        if not site and record.get("termination_type") == "dcim.site":
            site = record.get("termination")
        return self.sites[site["id"]].id if site and site["id"] in self.sites else ""

    def _segment(self, record: Record) -> str:
        address = record.get("primary_ip4") or record.get("primary_ip") or record.get("primary_ip6")
        if not address:
            return ""
        ip = ipaddress.ip_interface(address["address"]).ip
        for (version, length), segments in self.networks.items():
            if version == ip.version:
                segment = segments.get(ipaddress.ip_network((ip, length), strict=False))
                if segment:
                    return segment
        return ""

    def _supplier(self, kind: str, reference: Record | None) -> str:
        thing = self.suppliers.get((kind, reference["id"])) if reference else None
        return thing.id if thing else ""

    def _asset(
        self,
        kind: str,
        record: Record,
        asset_type: str,
        *,
        needs: list[str] | tuple[str, ...] = (),
        site: str = "",
    ) -> InventoryItem:
        origin = _origin(kind, record)
        name = record.get("name") or ""
        item_id = self.item_ids.take(name, origin, f"{kind.rpartition('.')[2]}-{record['id']}")
        if not name:
            self.problems.append(
                SourceProblem(
                    origin,
                    f"this object has no name in NetBox; it is {item_id} here until you give it one",
                    fr=f"cet objet n'a pas de nom dans NetBox ; il est {item_id} ici tant que vous ne lui en "
                    "donnez pas",
                )
            )
        return InventoryItem(
            id=item_id,
            kind=ASSET,
            origin=origin,
            name=name,
            type=asset_type,
            site=site or self._site(record),
            segment=self._segment(record),
            supplier=self._supplier("tenants", record.get("tenant")),
            needs=tuple(needs),
        )

    def _circuit(self, record: Record) -> InventoryItem:
        origin = _origin("circuits.circuit", record)
        provider = record["provider"]
        end = record.get("termination_a") or record.get("termination_z") or {}
        return InventoryItem(
            id=self.item_ids.take(
                f"{provider.get('slug') or provider['name']}-{record['cid']}", origin, "circuit"
            ),
            kind=ASSET,
            origin=origin,
            name=f"{provider['name']} {record['cid']}",
            type="link",
            site=self._site(end),
            supplier=self._supplier("providers", provider) or self._supplier("tenants", record.get("tenant")),
        )
