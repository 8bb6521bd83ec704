"""GLPI's inventory through its REST API (GLPI 10.0, apirest.php) into `InventoryItem`s.

Read: Computer and NetworkEquipment (assets), Software, Appliance and DatabaseInstance (applications),
as the mapping says; Location (the locations at the mapping's `site_level`, 1 = top, are the map's sites), Supplier and Infocom (an
item's supplier), Network (the item's network is its segment), and the needs: ImpactRelation (the
impacted item needs the source), Appliance_Item (an appliance needs its items) and a database
instance's host. Deleted items and templates are left out. Ids are slugs of GLPI's names, made
unique (collisions suffixed "-2" and reported); each item's origin is `glpi:Computer/42`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from bascule.inventory.glpi_mapping import GlpiMapping, glpi_mapping
from bascule.inventory.glpi_session import GlpiSession, UnknownItemtype, api_root, shown_url
from bascule.inventory.items import Inventory, InventoryItem, NamedThing, Origin, SourceProblem
from bascule.inventory.naming import IdAllocator, slug

SOURCE = "glpi"
# The GLPI field holding the item's type, per itemtype (names, with expand_dropdowns).
_TYPE_FIELD: Mapping[str, str] = {
    "Computer": "computertypes_id",
    "NetworkEquipment": "networkequipmenttypes_id",
    "Software": "softwarecategories_id",
    "Appliance": "appliancetypes_id",
    "DatabaseInstance": "databaseinstancetypes_id",
}
_NONE = ("", "0", "&nbsp;", " ")


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None or isinstance(value, bool):
        return ""
    text = str(value).strip()
    return "" if text in _NONE else text


@dataclass
class _Reading:
    """What the import gathered so far; turned into an `Inventory` at the end."""

    mapping: GlpiMapping
    items: dict[tuple[str, int], InventoryItem] = field(default_factory=dict)
    needs: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    problems: list[SourceProblem] = field(default_factory=list)
    ids: IdAllocator = field(default_factory=IdAllocator)
    sites: dict[str, NamedThing] = field(default_factory=dict)
    segments: dict[str, NamedThing] = field(default_factory=dict)
    suppliers: dict[int, NamedThing] = field(default_factory=dict)
    item_supplier: dict[tuple[str, int], int] = field(default_factory=dict)

    def problem(self, obj: str, message: str, fr: str) -> None:
        self.problems.append(SourceProblem(Origin(SOURCE, object=obj), message, fr))

    def add(self, itemtype: str, row: Mapping[str, Any]) -> None:
        number = int(row["id"])
        obj = f"{itemtype}/{number}"
        if row.get("is_deleted") in (1, True, "1") or row.get("is_template") in (1, True, "1"):
            return
        glpi_type = _text(row, _TYPE_FIELD.get(itemtype, ""))
        if self.mapping.skips(glpi_type, _text(row, "states_id")):
            return
        name = _text(row, "name")
        if not name:
            self.problem(
                obj,
                "has no name; its id was made from its GLPI number.",
                "n'a pas de nom ; son id a été fait de son numéro GLPI.",
            )
        item_id, collided = self.ids.allocate(name, f"{itemtype}-{number}")
        if collided:
            self.problem(
                obj,
                f"its name {name!r} gives an id already taken; it was named {item_id!r} (rename it in GLPI).",
                f"son nom {name!r} donne un id déjà pris ; il a été nommé {item_id!r} (renommez-le dans GLPI).",
            )
        site = self.mapping.site_of(_text(row, "locations_id"))
        if site:
            self.sites.setdefault(slug(site), NamedThing(slug(site), site))
        network = _text(row, "networks_id")
        if network:
            self.segments.setdefault(slug(network), NamedThing(slug(network), network, slug(site)))
        self.items[(itemtype, number)] = InventoryItem(
            id=item_id,
            kind=self.mapping.kind_of(itemtype, glpi_type),
            origin=Origin(SOURCE, object=obj),
            name=name,
            type=self.mapping.type_word(itemtype, glpi_type),
            site=slug(site),
            segment=slug(network),
        )

    def unreadable(self, obj: str) -> None:
        self.problem(
            obj,
            "lacks the itemtype or number of one of its items; it was left out.",
            "n'a pas le type ou le numéro de l'un de ses objets ; elle est écartée.",
        )

    def need(self, obj: str, needing: tuple[str, int], needed: tuple[str, int]) -> None:
        """`needing` needs `needed`, said by GLPI object `obj`; a side not imported is reported."""
        for side in (needing, needed):
            if side not in self.items and side[0] in self.mapping.itemtypes:
                self.problem(
                    obj,
                    f"names {side[0]}/{side[1]}, which was not imported (deleted, skipped or out of reach).",
                    f"nomme {side[0]}/{side[1]}, qui n'a pas été importé (supprimé, écarté ou hors de portée).",
                )
                return
        if needing in self.items and needed in self.items:
            wanted = self.needs.setdefault(needing, [])
            if self.items[needed].id not in wanted:
                wanted.append(self.items[needed].id)

    def inventory(self, source: str) -> Inventory:
        finished = []
        for key, item in self.items.items():
            supplier = self.suppliers.get(self.item_supplier.get(key, 0))
            finished.append(
                InventoryItem(
                    id=item.id,
                    kind=item.kind,
                    origin=item.origin,
                    name=item.name,
                    type=item.type,
                    site=item.site,
                    segment=item.segment,
                    supplier=supplier.id if supplier else "",
                    needs=tuple(self.needs.get(key, ())),
                )
            )
        return Inventory(
            items=tuple(finished),
            sites=tuple(self.sites.values()),
            segments=tuple(self.segments.values()),
            suppliers=tuple(self.suppliers.values()),
            problems=tuple(self.problems),
            source=source,
        )


def _ref(row: Mapping[str, Any], itemtype_key: str, id_key: str) -> tuple[str, int] | None:
    itemtype, number = row.get(itemtype_key), row.get(id_key)
    if not isinstance(itemtype, str) or not itemtype:
        return None
    if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).isdigit():
        return None  # a relation without a usable number names nothing
    return itemtype, int(number)


def _rows(
    glpi: GlpiSession, reading: _Reading, itemtype: str, *, expand: bool = False
) -> Iterable[dict[str, Any]]:
    """Every row of `itemtype`; an itemtype this GLPI does not serve is reported and read as empty."""
    try:
        yield from glpi.rows(itemtype, expand_dropdowns=expand)
    except UnknownItemtype:
        reading.problem(
            itemtype,
            f"this GLPI does not serve {itemtype} (older than 10.0, or a plugin not installed); none were read.",
            f"ce GLPI ne sert pas {itemtype} (antérieur à 10.0, ou greffon absent) ; aucun n'a été lu.",
        )


def read_glpi_api(
    url: str,
    user_token: str,
    app_token: str,
    mapping: Mapping[str, Any] | None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> Inventory:
    """The inventory GLPI's REST API at `url` gives (see the module's docstring for what is read)."""
    reading = _Reading(glpi_mapping(mapping))
    with GlpiSession(url, user_token, app_token, transport=transport) as glpi:
        for location in _rows(glpi, reading, "Location"):
            top = reading.mapping.site_of(_text(location, "completename") or _text(location, "name"))
            if top:
                reading.sites.setdefault(slug(top), NamedThing(slug(top), top))
        supplier_ids = IdAllocator()
        for supplier in _rows(glpi, reading, "Supplier"):
            name = _text(supplier, "name")
            supplier_id, _ = supplier_ids.allocate(name, f"supplier-{supplier['id']}")
            reading.suppliers[int(supplier["id"])] = NamedThing(supplier_id, name)
        for itemtype in reading.mapping.itemtypes:
            for row in _rows(glpi, reading, itemtype, expand=True):
                reading.add(itemtype, row)
                host = _ref(row, "itemtype", "items_id") if itemtype == "DatabaseInstance" else None
                if host is not None and host[1] > 0:
                    reading.need(f"{itemtype}/{row['id']}", (itemtype, int(row["id"])), host)
        for infocom in _rows(glpi, reading, "Infocom"):
            item = _ref(infocom, "itemtype", "items_id")
            if (
                item is not None
                and isinstance(infocom.get("suppliers_id"), int)
                and infocom["suppliers_id"] > 0
            ):
                reading.item_supplier[item] = infocom["suppliers_id"]
        if "Appliance" in reading.mapping.itemtypes:
            for link in _rows(glpi, reading, "Appliance_Item"):
                part = _ref(link, "itemtype", "items_id")
                appliance = _ref({**link, "itemtype": "Appliance"}, "itemtype", "appliances_id")
                if part is not None and appliance is not None:
                    reading.need(f"Appliance_Item/{link['id']}", appliance, part)
                else:
                    reading.unreadable(f"Appliance_Item/{link['id']}")
        for relation in _rows(glpi, reading, "ImpactRelation"):
            source = _ref(relation, "itemtype_source", "items_id_source")
            impacted = _ref(relation, "itemtype_impacted", "items_id_impacted")
            if source is not None and impacted is not None:
                reading.need(f"ImpactRelation/{relation['id']}", impacted, source)
            else:
                reading.unreadable(f"ImpactRelation/{relation['id']}")
    return reading.inventory(f"{SOURCE}:{shown_url(api_root(url))}")
