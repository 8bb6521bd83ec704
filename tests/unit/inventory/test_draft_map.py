"""Inventory items to a draft map: sections declared, --into kept, problems at the item's line."""

from __future__ import annotations

import yaml

from bascule.hospital.loading import load_map_text
from bascule.inventory.csv_layout import read_csv_layout
from bascule.inventory.draft import build_draft, draft_document, imported_ids, render_draft

CSV = (
    "id,name,kind,type,site,segment,supplier,needs,restore_hours,skills,count\n"
    "dc01,DC 1,asset,server,main,dc,,,6,windows,\n"
    "pcs,Postes,asset,workstation,main,lan,,dc01,,,300\n"
    "lims,Laboratoire,application,,main,dc,biolab,dc01|pcs,8.5,lims,\n"
)
HEADER = {"id": "chx", "name": "CH X"}
HAND = {
    "bascule": 1,
    "hospital": {"id": "chsv", "name": "CH Simone Veil", "lang": "fr"},
    "sites": [{"id": "main", "name": "Site principal", "beds": 400}],
    "assets": [
        {"id": "dc01", "name": "Contrôleur", "kind": "server", "optional": [], "restore_hours": 2},
        {"id": "stations", "kind": "workstations", "count": 4, "segment": "lan"},
    ],
    "processes": [{"id": "transfusion", "priority": 1, "needs": ["lims", {"any": ["pcs", "stations"]}]}],
    "procedures": [{"id": "paper", "title": "Papier", "steps": ["Écrire"]}],
    "guard": {"max_change": 0.5},
}


def test_a_draft_from_the_inventory_alone() -> None:
    document = draft_document(read_csv_layout(CSV, "inv.csv"), HEADER, None)
    assert document == {
        "bascule": 1,
        "hospital": {"id": "chx", "name": "CH X"},
        "sites": [{"id": "main"}],
        "segments": [{"id": "dc", "site": "main"}, {"id": "lan", "site": "main"}],
        "suppliers": [{"id": "biolab"}],
        "assets": [
            {"id": "dc01", "name": "DC 1", "kind": "server", "site": "main", "segment": "dc", "restore_hours": 6,
             "skills": ["windows"]},
            {"id": "pcs", "name": "Postes", "kind": "workstations", "site": "main", "segment": "lan",
             "needs": ["dc01"], "count": 300},
        ],
        "applications": [
            {"id": "lims", "name": "Laboratoire", "segment": "dc", "supplier": "biolab", "needs": ["dc01", "pcs"],
             "restore_hours": 8.5, "skills": ["lims"]},
        ],
    }  # fmt: skip


def test_into_keeps_hand_written_sections_and_fields() -> None:
    document = draft_document(read_csv_layout(CSV, "inv.csv"), HEADER, HAND)
    assert document["hospital"] == HAND["hospital"]
    assert document["sites"] == HAND["sites"]
    assert document["processes"] == HAND["processes"]
    assert document["procedures"] == HAND["procedures"]
    assert document["guard"] == HAND["guard"]
    dc01, stations, pcs = document["assets"]
    # The inventory states name and restore_hours; optional is the map's alone.
    assert dc01["name"] == "DC 1" and dc01["restore_hours"] == 6 and dc01["optional"] == []
    assert stations == HAND["assets"][1]  # hand-written: not in the inventory, kept
    assert pcs["id"] == "pcs"


def test_needs_only_grow_and_groups_are_kept() -> None:
    into = {**HAND, "applications": [{"id": "lims", "needs": [{"any": ["dc01", "stations"]}, "pcs"]}]}
    document = draft_document(read_csv_layout(CSV, "inv.csv"), HEADER, into)
    assert document["applications"][0]["needs"] == [{"any": ["dc01", "stations"]}, "pcs", "dc01"]


def test_an_item_an_earlier_import_brought_goes_when_the_inventory_drops_it() -> None:
    first = build_draft(read_csv_layout(CSV, "inv.csv"), HEADER)
    text = render_draft(first)
    assert imported_ids(text) == {"dc01", "pcs", "lims"}
    smaller = read_csv_layout(CSV.replace("pcs,Postes,asset,workstation,main,lan,,dc01,,,300\n", "").replace(
        "dc01|pcs", "dc01"), "inv.csv")  # fmt: skip
    document = draft_document(smaller, HEADER, yaml.safe_load(text), imported_ids(text))
    assert [entry["id"] for entry in document["assets"]] == ["dc01"]


def test_a_valid_draft_renders_as_a_map_with_each_origin() -> None:
    draft = build_draft(read_csv_layout(CSV, "inv.csv"), HEADER, HAND, into_source="hand.yaml")
    assert draft.problems == ()
    text = render_draft(draft)
    assert "#   dc01  inv.csv:2\n#   pcs   inv.csv:3\n#   lims  inv.csv:4\n" in text
    hospital_map = load_map_text(text, source="out.yaml")
    assert hospital_map.nodes["pcs"].needs[0].members == ("dc01",)


def test_an_unknown_need_is_located_at_the_items_line() -> None:
    draft = build_draft(read_csv_layout(CSV.replace("dc01|pcs", "dc1|pcs"), "inv.csv"), HEADER)
    assert [p.located() for p in draft.problems] == [
        'inv.csv:4: applications[0].needs[0]: unknown id "dc1" (did you mean "dc01"?)'
    ]
    assert draft.problems[0].located("fr") == (
        "inv.csv:4: applications[0].needs[0] : id inconnu « dc1 » (vouliez-vous dire « dc01 » ?)"
    )


def test_a_cycle_is_located_at_the_items_line() -> None:
    csv = "id,kind,segment,needs\na,application,lan,b\nb,application,lan,a\n"
    draft = build_draft(read_csv_layout(csv, "inv.csv"), HEADER)
    assert draft.problems
    assert {p.origin.line for p in draft.problems} <= {2, 3}
    assert all("cycle" in p.message for p in draft.problems)


def test_an_asset_in_no_segment_is_a_warning() -> None:
    draft = build_draft(read_csv_layout("id,kind\nbox,asset\n", "inv.csv"), HEADER)
    assert draft.problems == ()
    assert [w.located() for w in draft.warnings] == [
        'inv.csv:2: assets[0] "box" is in no segment: isolating a segment can never cut it'
    ]
    assert "# To check (1):" in render_draft(draft)
    assert "# À vérifier (1):" in render_draft(draft, "fr")


def test_a_draft_with_problems_lists_them_in_its_header() -> None:
    draft = build_draft(read_csv_layout("id,kind\nbox,asset\nbox,asset\n", "inv.csv"), HEADER)
    text = render_draft(draft, "fr")
    assert "# PROBLÈMES à corriger avant usage (1):\n#   inv.csv:3: identifiant « box » en double" in text
