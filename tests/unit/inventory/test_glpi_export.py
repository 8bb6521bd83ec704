"""GLPI's CSV export of a list (GLPI 10.0: BOM, semicolons, quoted cells, French or English column
names) read into inventory items, every row located by its line (the header is line 1)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bascule.errors import UserError
from bascule.inventory.glpi_export import looks_like_glpi_export, read_glpi_export
from bascule.inventory.items import Inventory, InventoryItem

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "glpi"


def export(name: str, mapping: Mapping[str, Any] | None = None) -> Inventory:
    return read_glpi_export((CORPUS / name).read_text(encoding="utf-8"), name, mapping)


def by_id(inventory: Inventory) -> dict[str, InventoryItem]:
    return {item.id: item for item in inventory.items}


@pytest.mark.parametrize(
    ("header", "glpi"),
    [
        ('\ufeff"Nom";"Entité";"Statut";"Fabricant";"Numéro de série";"Type";"Modèle"', True),
        ('"Name";"Entity";"Status";"Manufacturer";"Serial number";"Type"', True),
        ('"Nom";"Entité";"Éditeur";"Versions - Nom"', True),
        ("Name,Location,Type", True),
        ("id,name,kind,type,site,segment,supplier,needs", False),
        ("id;name;kind;type;site", False),
        ('"Nom";"Commentaires"', False),
        ("", False),
    ],
)
def test_a_glpi_export_is_told_from_our_layout_by_its_header(header: str, glpi: bool) -> None:
    assert looks_like_glpi_export(header) is glpi


def test_the_french_computers_list_is_read_row_by_row() -> None:
    inventory = export("computers-fr.csv")
    assert len(inventory.items) == 39
    first = inventory.items[0]
    assert (first.id, first.kind, first.name, first.type, first.site, str(first.origin)) == (
        "srv-ad-01",
        "asset",
        "SRV-AD-01",
        "serveur",
        "ch-val-de-sevre",
        "computers-fr.csv:2",
    )
    assert by_id(inventory)["pc-urg-033"].site == "ch-val-de-sevre"
    assert [(site.id, site.name) for site in inventory.sites] == [("ch-val-de-sevre", "CH Val de Sèvre")]
    assert [problem.located() for problem in inventory.problems] == [
        "computers-fr.csv:14: its name 'srv dpi app' gives an id already taken; it was named 'srv-dpi-app-2' "
        "(rename it in GLPI).",
    ]


def test_the_english_list_reads_as_the_french_one() -> None:
    french, english = export("computers-fr.csv"), export("computers-en.csv")
    assert [(i.id, i.kind, i.type, i.site, i.origin.line) for i in english.items] == [
        (i.id, i.kind, i.type, i.site, i.origin.line) for i in french.items
    ]


def test_the_software_list_gives_applications() -> None:
    inventory = export("software-fr.csv")
    assert [(i.id, i.kind, i.type) for i in inventory.items[:3]] == [
        ("dxcare", "application", "dossier-patient"),
        ("synapse-pacs", "application", "imagerie"),
        ("glims", "application", "laboratoire"),
    ]
    assert len(inventory.items) == 10 and not inventory.problems


def test_the_mapping_names_the_list_and_chooses_types_sites_and_skips() -> None:
    mapping = {
        "glpi": {
            "export_list": "NetworkEquipment",
            "types": {"Switch": "switch", "Routeur": "link"},
            "skip_types": ["Contrôleur Wi-Fi"],
            "site_level": 2,
        }
    }
    inventory = export("network-en.csv", mapping)
    items = by_id(inventory)
    assert [(i.id, i.type, i.site) for i in inventory.items][:2] == [
        ("sw-core-01", "switch", "site-nord"),
        ("sw-core-02", "switch", "site-nord"),
    ]
    assert (items["rtr-liaison-sud"].type, items["rtr-liaison-sud"].site) == ("link", "site-sud")
    assert "wifi-ctrl" not in items
    assert all(item.kind == "asset" for item in inventory.items)
    software_as_assets = export("software-fr.csv", {"glpi": {"export_list": "Computer"}})
    assert {item.kind for item in software_as_assets.items} == {"asset"}
    retired = export(
        "computers-fr.csv", {"glpi": {"skip_states": ["Rebut"], "skip_types": ["Poste de travail"]}}
    )
    assert len(retired.items) == 39 - 1 - 24


def test_problems_are_located_by_line_and_the_rest_read() -> None:
    inventory = export("computers-problems-fr.csv")
    assert [problem.located() for problem in inventory.problems] == [
        "computers-problems-fr.csv:4: has no name; the row was left out (name it in GLPI).",
        "computers-problems-fr.csv:5: has 5 cells where the header has 8; check its quotes and semicolons.",
        "computers-problems-fr.csv:6: its name 'SRV-RIS' gives an id already taken; it was named 'srv-ris-2' "
        "(rename it in GLPI).",
    ]
    assert inventory.problems[0].located("fr") == (
        "computers-problems-fr.csv:4: n'a pas de nom ; la ligne est écartée (nommez-la dans GLPI)."
    )
    items = by_id(inventory)
    assert [(i.id, i.origin.line) for i in inventory.items] == [
        ("srv-ris", 2),
        ("srv-ris-2", 6),
        ("srv-dialyse", 8),
    ]
    assert (items["srv-ris"].segment, items["srv-ris"].supplier) == ("dc-imagerie", "fujifilm-medical")
    assert (items["srv-dialyse"].type, items["srv-dialyse"].supplier) == ("serveur", "orange-business")
    assert [s.id for s in inventory.suppliers] == ["fujifilm-medical", "orange-business"]
    assert [(s.id, s.site) for s in inventory.segments] == [
        ("dc-imagerie", "ch-val-de-sevre"),
        ("dc-secours", "ch-val-de-sevre"),
        ("lan-tilleuls", "clinique-les-tilleuls"),
    ]


@pytest.mark.parametrize("text", ["id;name;kind\nx;X;asset\n", "", '"Nom";"Commentaires"\n"A";"b"\n'])
def test_a_file_that_is_not_a_glpi_export_is_one_sentence(text: str) -> None:
    with pytest.raises(UserError, match=r"^inventory\.csv is not a GLPI list export") as raised:
        read_glpi_export(text, "inventory.csv", None)
    assert raised.value.in_lang("fr").startswith("inventory.csv n'est pas un export de liste GLPI")


def test_a_wrong_export_list_setting_is_one_sentence() -> None:
    with pytest.raises(UserError, match=r"glpi\.export_list is a GLPI itemtype"):
        export("software-fr.csv", {"glpi": {"export_list": ["Software"]}})
