"""The `glpi:` section of an import mapping: which GLPI itemtypes and types become assets or
applications, what to skip, and which map type word a GLPI type becomes.

Default (documented in docs/inventory-glpi.md):

    glpi:
      assets: [Computer, NetworkEquipment]
      applications: [Software, Appliance, DatabaseInstance]
      application_types: []      # GLPI types (Type column) read as applications whatever the itemtype
      skip_types: []             # GLPI types left out ("Imprimante", "Poste de travail", ...)
      skip_states: []            # GLPI statuses left out ("Rebut", "Retired", ...)
      types: {}                  # GLPI type -> map type word ({"Serveur": server, "Switch": switch})
      site_level: 1              # which level of GLPI's location tree is a site (1: the top)
      export_list: ""            # a CSV list export's itemtype (Computer, Software, ...); "" = from its columns
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bascule.errors import UserError
from bascule.inventory.items import APPLICATION, ASSET, ItemKind
from bascule.inventory.naming import slug

ASSET_ITEMTYPES: tuple[str, ...] = ("Computer", "NetworkEquipment")
APPLICATION_ITEMTYPES: tuple[str, ...] = ("Software", "Appliance", "DatabaseInstance")
# The map's type word when GLPI gives the item no type.
DEFAULT_TYPE: Mapping[str, str] = {
    "Computer": "computer",
    "NetworkEquipment": "network",
    "Software": "software",
    "Appliance": "service",
    "DatabaseInstance": "database",
}
_KEYS = (
    "assets",
    "applications",
    "application_types",
    "skip_types",
    "skip_states",
    "types",
    "site_level",
    "export_list",
)


@dataclass(frozen=True, slots=True)
class GlpiMapping:
    assets: tuple[str, ...] = ASSET_ITEMTYPES
    applications: tuple[str, ...] = APPLICATION_ITEMTYPES
    application_types: frozenset[str] = frozenset()
    skip_types: frozenset[str] = frozenset()
    skip_states: frozenset[str] = frozenset()
    types: Mapping[str, str] = field(default_factory=dict)
    site_level: int = 1
    export_list: str = ""

    def __post_init__(self) -> None:
        both = set(self.assets) & set(self.applications)
        if both:
            raise UserError(
                f"The GLPI mapping lists {', '.join(sorted(both))} both as assets and as applications; keep one.",
                fr=f"Le mapping GLPI range {', '.join(sorted(both))} à la fois dans assets et applications ; "
                "n'en gardez qu'un.",
            )

    @property
    def itemtypes(self) -> tuple[str, ...]:
        return self.assets + self.applications

    def kind_of(self, itemtype: str, glpi_type: str) -> ItemKind:
        if glpi_type.casefold() in self.application_types or itemtype in self.applications:
            return APPLICATION
        return ASSET

    def skips(self, glpi_type: str, state: str) -> bool:
        return glpi_type.casefold() in self.skip_types or state.casefold() in self.skip_states

    def site_of(self, location: str) -> str:
        """The site's name in a GLPI location ("CH > Site Nord > Salle A"): the part at `site_level`;
        "" for a location above that level (it names no one site)."""
        parts = [part.strip() for part in location.split(">") if part.strip()]
        return parts[self.site_level - 1] if len(parts) >= self.site_level else ""

    def type_word(self, itemtype: str, glpi_type: str) -> str:
        """The map's word for a GLPI type: the mapping's, else the type's slug, else the itemtype's."""
        if glpi_type:
            return self.types.get(glpi_type.casefold()) or slug(glpi_type)
        return DEFAULT_TYPE.get(itemtype, slug(itemtype))


def _names(section: Mapping[str, Any], key: str) -> list[str] | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(
            f"In the mapping, glpi.{key} is a list of names.",
            fr=f"Dans le mapping, glpi.{key} est une liste de noms.",
        )
    return value


def glpi_mapping(mapping: Mapping[str, Any] | None) -> GlpiMapping:
    """The GLPI mapping from the `glpi:` section of a mapping file (or the whole file's `glpi` key)."""
    section: Any = {}
    if mapping and "glpi" in mapping:
        section = mapping["glpi"] or {}
    elif mapping and any(key in _KEYS for key in mapping):
        section = mapping  # the `glpi:` section itself
    if not isinstance(section, Mapping):
        raise UserError(
            "In the mapping, glpi: is a table of settings.",
            fr="Dans le mapping, glpi: est une table de réglages.",
        )
    unknown = sorted(str(k) for k in section if k not in _KEYS)
    if unknown:
        raise UserError(
            f"Unknown setting glpi.{unknown[0]} in the mapping; known: {', '.join(_KEYS)}.",
            fr=f"Réglage inconnu glpi.{unknown[0]} dans le mapping ; connus : {', '.join(_KEYS)}.",
        )
    types = section.get("types") or {}
    if not isinstance(types, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in types.items()
    ):
        raise UserError(
            "In the mapping, glpi.types maps a GLPI type to a map type word.",
            fr="Dans le mapping, glpi.types associe un type GLPI à un mot de type de la carte.",
        )
    site_level = section.get("site_level", 1)
    if not isinstance(site_level, int) or isinstance(site_level, bool) or site_level < 1:
        raise UserError(
            "In the mapping, glpi.site_level is a whole number from 1 (the top of GLPI's locations).",
            fr="Dans le mapping, glpi.site_level est un entier à partir de 1 (le haut des lieux de GLPI).",
        )
    export_list = section.get("export_list") or ""
    if not isinstance(export_list, str):
        raise UserError(
            "In the mapping, glpi.export_list is a GLPI itemtype such as Computer or Software.",
            fr="Dans le mapping, glpi.export_list est un type d'objet GLPI comme Computer ou Software.",
        )
    assets = _names(section, "assets")
    applications = _names(section, "applications")
    return GlpiMapping(
        assets=tuple(assets) if assets is not None else ASSET_ITEMTYPES,
        applications=tuple(applications) if applications is not None else APPLICATION_ITEMTYPES,
        application_types=frozenset(n.casefold() for n in _names(section, "application_types") or ()),
        skip_types=frozenset(n.casefold() for n in _names(section, "skip_types") or ()),
        skip_states=frozenset(n.casefold() for n in _names(section, "skip_states") or ()),
        types={k.casefold(): v for k, v in types.items()},
        site_level=site_level,
        export_list=export_list,
    )
