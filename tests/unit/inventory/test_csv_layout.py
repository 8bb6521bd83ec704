"""Reading our CSV layout: separators, BOM, CRLF, lists, numbers, declared names, pools."""

from __future__ import annotations

import pytest

from bascule.errors import UserError
from bascule.inventory.csv_layout import collapse_rules, looks_like_our_csv, read_csv_layout
from bascule.inventory.items import InventoryItem, NamedThing, Origin

EXCEL = (
    "\ufeffid;name;kind;type;site;segment;supplier;needs;restore_hours;skills;count\r\n"
    "dc01;Contrôleur 1;asset;server;main;dc-core;;;6,5;windows|ad;\r\n"
    "ehr;Dossier patient;application;;main;dc-core;editeur;dc01 | ;8;ehr;\r\n"
    "pcs;Postes;asset;workstation;main;lan;;dc01;;;1500\r\n"
)


def test_french_excel_semicolons_bom_and_crlf() -> None:
    inventory = read_csv_layout(EXCEL, "inv.csv")
    assert inventory.problems == ()
    dc01, ehr, pcs = inventory.items
    assert dc01 == InventoryItem(
        id="dc01",
        kind="asset",
        origin=Origin("inv.csv", 2),
        name="Contrôleur 1",
        type="server",
        site="main",
        segment="dc-core",
        restore_hours=6.5,
        skills=("windows", "ad"),
    )
    assert ehr.needs == ("dc01",) and ehr.supplier == "editeur" and ehr.kind == "application"
    assert pcs.count == 1500 and pcs.origin == Origin("inv.csv", 4)
    assert inventory.sites == (NamedThing("main"),)
    assert inventory.segments == (NamedThing("dc-core", site="main"), NamedThing("lan", site="main"))
    assert inventory.suppliers == (NamedThing("editeur"),)
    assert inventory.source == "inv.csv"


def test_only_id_and_kind_are_needed_and_columns_ignore_case() -> None:
    inventory = read_csv_layout("ID,Kind\na,asset\nb,application\n", "x.csv")
    assert [(i.id, i.kind, i.needs, i.count) for i in inventory.items] == [
        ("a", "asset", (), None),
        ("b", "application", (), None),
    ]


def test_a_quoted_cell_may_hold_the_separator() -> None:
    inventory = read_csv_layout('id,name,kind\na,"Serveur, salle 2",asset\n', "x.csv")
    assert inventory.items[0].name == "Serveur, salle 2"


@pytest.mark.parametrize(
    ("header", "ours"),
    [
        ("id,name,kind", True),
        ("\ufeffid;kind;needs\r\n", True),
        ("Nom;Entité;Statut;Fabricant;Numéro de série", False),
        ("Name,Entity,Status,ID", False),
        ("", False),
    ],
)
def test_our_layout_is_told_from_an_export(header: str, ours: bool) -> None:
    assert looks_like_our_csv(header) is ours


POOLS = (
    "id,kind,type,segment,needs,count\n"
    "pc1,asset,workstation,lan,ad,\n"
    "pc2,asset,workstation,lan,ad,\n"
    "pc3,asset,workstation,lan,ad,3\n"
    "pc4,asset,workstation,wifi,ad,\n"
    "pc5,asset,workstation,lan,,\n"
    "ad,asset,service,,,\n"
    "app,application,,,pc1|pc2|pc5,\n"
)


def test_rows_are_kept_unless_the_mapping_collapses() -> None:
    assert len(read_csv_layout(POOLS, "x.csv").items) == 7


def test_identical_workstations_of_one_segment_become_one_pool() -> None:
    inventory = read_csv_layout(POOLS, "x.csv", {"collapse": [{"type": "workstation", "by": "segment"}]})
    assert [(i.id, i.segment, i.count, i.origin.line) for i in inventory.items] == [
        ("workstation-lan", "lan", 5, 2),
        ("pc4", "wifi", None, 5),  # alone: nothing to pool
        ("pc5", "lan", None, 6),  # needs differ from the pool's
        ("ad", "", None, 7),
        ("app", "", None, 8),
    ]
    assert inventory.items[-1].needs == ("workstation-lan", "pc5")


@pytest.mark.parametrize(
    "mapping",
    [{"colapse": []}, {"collapse": [{"by": "segment"}]}, {"collapse": [{"type": "pc", "by": "floor"}]}],
)
def test_a_bad_csv_mapping_is_refused(mapping: dict[str, object]) -> None:
    with pytest.raises(UserError) as refused:
        collapse_rules(mapping)
    assert refused.value.french


def test_no_mapping_no_rules() -> None:
    assert collapse_rules(None) == ()
    assert collapse_rules({"collapse": [{"type": "pc"}]}) == (("pc", "segment"),)
