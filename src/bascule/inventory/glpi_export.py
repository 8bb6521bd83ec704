"""GLPI's CSV export of a list (Computers, Network devices, Software, Appliances, ...), as GLPI 10.0
writes it from a search list: UTF-8 with a BOM, semicolons, every cell quoted, column names in the
user's language (French or English), a tree dropdown as its complete name ("CH > Site Nord").

Columns understood (others are ignored): Nom/Name, Lieu/Location (its level `site_level` is the
site), Type (Catégorie/Category for software), Statut/Status (for `skip_states`), Réseau/Network (the
segment), Fournisseur/Supplier. Which list it is comes from the columns (Éditeur/Publisher, Versions,
Nombre d'installations: Software; Environnement/Environment: Appliance; else Computer), or from the
mapping's `glpi.export_list`. Every row is located by its line in the file (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from bascule.errors import UserError
from bascule.inventory.glpi_mapping import glpi_mapping
from bascule.inventory.items import Inventory, InventoryItem, NamedThing, Origin, SourceProblem
from bascule.inventory.naming import IdAllocator, slug

# What each column means, by its name in GLPI's French and English lists (compared case-folded).
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("Nom", "Name"),
    "location": ("Lieu", "Location"),
    "type": ("Type", "Catégorie", "Category"),
    "status": ("Statut", "Status"),
    "network": ("Réseau", "Network"),
    "supplier": (
        "Fournisseur",
        "Supplier",
        "Informations financières et administratives - Fournisseur",
        "Financial and administrative information - Supplier",
    ),
}
_SOFTWARE = (
    "Éditeur",
    "Publisher",
    "Versions - Nom",
    "Versions - Name",
    "Nombre d'installations",
    "Number of installations",
)
_APPLIANCE = ("Environnement", "Environment")
# Columns only GLPI's lists have: with a name column, they tell a GLPI export from our own CSV layout.
_GLPI_ONLY = (
    "Entité",
    "Entity",
    "Lieu",
    "Location",
    "Statut",
    "Status",
    "Fabricant",
    "Manufacturer",
    "Numéro de série",
    "Serial number",
    "Dernière modification",
    "Last update",
    *_SOFTWARE,
    "Modèle",
    "Model",
)


def _fold(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().casefold()


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _header(header_line: str) -> list[str]:
    line = header_line.lstrip("\ufeff").splitlines()[0] if header_line.strip() else ""
    return [_fold(cell) for cell in next(csv.reader([line], delimiter=_delimiter(line)), [])]


def looks_like_glpi_export(header_line: str) -> bool:
    """Whether a file's first line is the header of a GLPI list export (not our CSV layout): it has
    a name column, no `kind` column, and a column only GLPI's lists have."""
    columns = set(_header(header_line))
    names = {_fold(n) for n in COLUMNS["name"]}
    return bool(columns & names) and "kind" not in columns and bool(columns & {_fold(n) for n in _GLPI_ONLY})


def _list_of(columns: set[str], chosen: str) -> str:
    if chosen:
        return chosen
    if columns & {_fold(n) for n in _SOFTWARE}:
        return "Software"
    if columns & {_fold(n) for n in _APPLIANCE}:
        return "Appliance"
    return "Computer"


def read_glpi_export(text: str, source: str, mapping: Mapping[str, Any] | None) -> Inventory:
    """The items of GLPI list export `text` (read from `source`, the name problems are located in)."""
    settings = glpi_mapping(mapping)
    body = text.lstrip("\ufeff")
    first = body.splitlines()[0] if body.strip() else ""
    if not looks_like_glpi_export(first):
        raise UserError(
            f"{source} is not a GLPI list export: its first line has no Name (Nom) column with GLPI's columns.",
            fr=f"{source} n'est pas un export de liste GLPI : sa première ligne n'a pas de colonne Nom (Name) "
            "avec les colonnes de GLPI.",
        )
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=_delimiter(first))
    header = [_fold(cell) for cell in next(reader)]
    where = {
        meaning: next((header.index(_fold(n)) for n in names if _fold(n) in header), None)
        for meaning, names in COLUMNS.items()
    }
    itemtype = _list_of(set(header), settings.export_list)
    problems: list[SourceProblem] = []
    items: list[InventoryItem] = []
    sites: dict[str, NamedThing] = {}
    segments: dict[str, NamedThing] = {}
    suppliers: dict[str, NamedThing] = {}
    ids = IdAllocator()
    line = 2
    for row in reader:
        origin = Origin(source, line=line)
        line = reader.line_num + 1  # a quoted cell may hold line breaks: the next row starts after them

        def cell(meaning: str, row: list[str] = row) -> str:
            index = where[meaning]
            value = row[index].strip() if index is not None and index < len(row) else ""
            return value.split("$$##$$")[0].strip()  # a many-valued cell: its first value

        if not any(value.strip() for value in row):
            continue
        if len(row) != len(header):
            problems.append(
                SourceProblem(
                    origin,
                    f"has {len(row)} cells where the header has {len(header)}; check its quotes and semicolons.",
                    f"a {len(row)} cellules quand l'en-tête en a {len(header)} ; vérifiez ses guillemets et points-virgules.",
                )
            )
            continue
        name, glpi_type = cell("name"), cell("type")
        if not name:
            problems.append(
                SourceProblem(
                    origin,
                    "has no name; the row was left out (name it in GLPI).",
                    "n'a pas de nom ; la ligne est écartée (nommez-la dans GLPI).",
                )
            )
            continue
        if settings.skips(glpi_type, cell("status")):
            continue
        item_id, collided = ids.allocate(name, f"line-{origin.line}")
        if collided:
            problems.append(
                SourceProblem(
                    origin,
                    f"its name {name!r} gives an id already taken; it was named {item_id!r} (rename it in GLPI).",
                    f"son nom {name!r} donne un id déjà pris ; il a été nommé {item_id!r} (renommez-le dans GLPI).",
                )
            )
        site = settings.site_of(cell("location"))
        if site:
            sites.setdefault(slug(site), NamedThing(slug(site), site))
        network, supplier = cell("network"), cell("supplier")
        if network:
            segments.setdefault(slug(network), NamedThing(slug(network), network, slug(site)))
        if supplier:
            suppliers.setdefault(slug(supplier), NamedThing(slug(supplier), supplier))
        items.append(
            InventoryItem(
                id=item_id,
                kind=settings.kind_of(itemtype, glpi_type),
                origin=origin,
                name=name,
                type=settings.type_word(itemtype, glpi_type),
                site=slug(site),
                segment=slug(network),
                supplier=slug(supplier),
            )
        )
    return Inventory(
        items=tuple(items),
        sites=tuple(sites.values()),
        segments=tuple(segments.values()),
        suppliers=tuple(suppliers.values()),
        problems=tuple(problems),
        source=source,
    )
