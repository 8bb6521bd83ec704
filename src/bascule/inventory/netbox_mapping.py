"""How NetBox's words become the map's: the `netbox:` section of `--mapping`, with its defaults.

    netbox:
      roles: {core-switch: switch, baie-san: storage}   # device role slug -> asset type (added
                                                        # to and overriding DEFAULT_ROLE_TYPES)
      skip_roles: [patch-panel, pdu]                    # devices of these roles are not read
      suppliers: providers                              # providers | tenants | both | none

A role that neither the defaults nor `roles` name gives its slug as the type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from bascule.errors import UserError

__all__ = ["DEFAULT_ROLE_TYPES", "DEFAULT_SKIP_ROLES", "NetboxMapping", "parse_mapping"]

SupplierSource = Literal["providers", "tenants", "both", "none"]
SUPPLIER_SOURCES: Final[tuple[SupplierSource, ...]] = ("providers", "tenants", "both", "none")

DEFAULT_ROLE_TYPES: Final[Mapping[str, str]] = {
    "server": "server",
    "hypervisor": "hypervisor",
    "switch": "switch",
    "core-switch": "switch",
    "access-switch": "switch",
    "distribution-switch": "switch",
    "router": "router",
    "firewall": "firewall",
    "storage": "storage",
    "san": "storage",
    "nas": "storage",
    "load-balancer": "load-balancer",
    "wireless-controller": "wifi",
    "access-point": "wifi",
}
DEFAULT_SKIP_ROLES: Final[tuple[str, ...]] = ("patch-panel", "pdu", "cable-management")
_KEYS: Final = ("roles", "skip_roles", "suppliers")


@dataclass(frozen=True, slots=True)
class NetboxMapping:
    """Device role slug -> asset type, roles not read, and which NetBox objects are suppliers."""

    role_types: Mapping[str, str]
    skip_roles: frozenset[str]
    suppliers: SupplierSource = "providers"

    def type_of_role(self, role_slug: str) -> str:
        return self.role_types.get(role_slug, role_slug)

    @property
    def providers_are_suppliers(self) -> bool:
        return self.suppliers in ("providers", "both")

    @property
    def tenants_are_suppliers(self) -> bool:
        return self.suppliers in ("tenants", "both")


def parse_mapping(section: Mapping[str, Any] | None) -> NetboxMapping:
    """The mapping from the `netbox:` section (None: the defaults); a wrong section is a UserError."""
    section = section or {}
    if not isinstance(section, Mapping):
        raise _wrong("the netbox section is a mapping of roles, skip_roles and suppliers")
    unknown = sorted(str(key) for key in section if key not in _KEYS)
    if unknown:
        raise UserError(
            f"The netbox section of the mapping has unknown keys {', '.join(unknown)}; "
            f"use {', '.join(_KEYS)}.",
            fr=f"La section netbox de la correspondance a des clés inconnues {', '.join(unknown)} ; "
            f"utilisez {', '.join(_KEYS)}.",
        )
    roles = section.get("roles") or {}
    if not isinstance(roles, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) and value for key, value in roles.items()
    ):
        raise _wrong("netbox.roles maps role slugs to asset types")
    skip = section.get("skip_roles", DEFAULT_SKIP_ROLES)
    if not isinstance(skip, list | tuple) or not all(isinstance(slug, str) for slug in skip):
        raise _wrong("netbox.skip_roles is a list of role slugs")
    suppliers = section.get("suppliers", "providers")
    if suppliers not in SUPPLIER_SOURCES:
        raise _wrong(f"netbox.suppliers is one of {', '.join(SUPPLIER_SOURCES)}")
    return NetboxMapping(
        role_types={**DEFAULT_ROLE_TYPES, **roles}, skip_roles=frozenset(skip), suppliers=suppliers
    )


def _wrong(what: str) -> UserError:
    french = {
        "the netbox section is a mapping of roles, skip_roles and suppliers": (
            "la section netbox est un dictionnaire de roles, skip_roles et suppliers"
        ),
        "netbox.roles maps role slugs to asset types": (
            "netbox.roles associe des slugs de rôle à des types d'actifs"
        ),
        "netbox.skip_roles is a list of role slugs": "netbox.skip_roles est une liste de slugs de rôle",
    }.get(what, what.replace("is one of", "vaut l'un de"))
    return UserError(f"The mapping is wrong: {what}.", fr=f"La correspondance est incorrecte : {french}.")
