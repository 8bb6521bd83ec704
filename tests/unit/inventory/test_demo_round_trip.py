"""The demo hospital exported to our CSV layout and imported back --into its hand-written sections
gives the same impact on every embedded demo scenario."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bascule.hospital.loading import demo_map_path, load_map, load_map_text
from bascule.impact import assess
from bascule.inventory.csv_layout import read_csv_layout, write_csv
from bascule.inventory.draft import build_draft, render_draft
from bascule.scenario import embedded_scenario_names, load_scenario

HAND_SECTIONS = (
    "hospital",
    "units",
    "processes",
    "procedures",
    "teams",
    "facilities",
    "contacts",
    "activities",
)


def hand_written(demo: dict[str, Any]) -> dict[str, Any]:
    """What a CSV cannot say: the sections above, and each item's requirement groups and optional."""
    hand: dict[str, Any] = {"bascule": 1, **{s: demo[s] for s in HAND_SECTIONS if s in demo}}
    for section in ("assets", "applications"):
        stubs = []
        for entry in demo.get(section) or []:
            groups = [need for need in entry.get("needs") or [] if not isinstance(need, str)]
            stub = {"id": entry["id"], **({"needs": groups} if groups else {})}
            if entry.get("optional"):
                stub["optional"] = entry["optional"]
            if len(stub) > 1:
                stubs.append(stub)
        if stubs:
            hand[section] = stubs
    return hand


@pytest.fixture(scope="module")
def round_trip() -> Any:
    demo = load_map("demo")
    inventory = read_csv_layout(write_csv(demo), "demo.csv")
    assert inventory.problems == ()
    document = yaml.safe_load(demo_map_path().read_text(encoding="utf-8"))
    draft = build_draft(inventory, {"id": "x"}, hand_written(document), into_source="hand.yaml")
    assert draft.problems == ()
    return demo, load_map_text(render_draft(draft), source="back.yaml")


def test_every_node_comes_back(round_trip: Any) -> None:
    demo, back = round_trip
    assert set(back.nodes) == set(demo.nodes)
    assert back.hospital == demo.hospital


@pytest.mark.parametrize("name", embedded_scenario_names())
def test_the_same_impact_on_every_demo_scenario(round_trip: Any, name: str) -> None:
    demo, back = round_trip
    scenario = load_scenario(name, demo)
    hits = {"down": scenario.down, "isolate": scenario.isolate, "suppliers": scenario.suppliers}
    assert assess(back, **hits).to_json() == assess(demo, **hits).to_json()


def test_the_export_starts_with_our_header() -> None:
    assert write_csv(load_map("demo")).split("\n", 1)[0] == (
        "id,name,kind,type,site,segment,supplier,needs,restore_hours,skills,count"
    )
