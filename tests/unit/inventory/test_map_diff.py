"""Two maps compared: added, removed (and who needed it), changed field by field."""

from __future__ import annotations

from bascule.inventory.map_diff import diff_maps

OLD = {
    "segments": [{"id": "lan"}, {"id": "dc"}],
    "suppliers": [{"id": "biolab"}],
    "assets": [
        {"id": "san", "kind": "storage", "segment": "dc"},
        {"id": "pcs", "kind": "workstations", "segment": "lan", "count": 10},
        {"id": "old-box", "kind": "server"},
    ],
    "applications": [
        {"id": "lims", "supplier": "biolab", "needs": ["san", {"any": ["pcs", "old-box"]}]},
        {"id": "fax", "needs": ["old-box"]},
    ],
    "processes": [
        {"id": "transfusion", "priority": 1, "needs": ["lims"]},
        {"id": "admissions", "priority": 2, "needs": [{"at_least": 1, "of": ["old-box"]}]},
    ],
}


def test_the_same_map_is_equal() -> None:
    diff = diff_maps(OLD, OLD)
    assert diff.equal
    assert diff.to_json() == {"added": [], "removed": [], "changed": {}, "needed_by": {}}


def test_added_removed_and_changed() -> None:
    new = {
        **OLD,
        "segments": [{"id": "lan"}, {"id": "dc"}, {"id": "wifi"}],
        "assets": [
            {"id": "san", "kind": "storage", "segment": "dc"},
            {"id": "pcs", "kind": "workstations", "segment": "wifi", "count": 12},
        ],
        "applications": [{"id": "lims", "needs": ["san", {"any": ["pcs"]}]}, {"id": "fax"}],
    }
    diff = diff_maps(OLD, new)
    assert not diff.equal
    assert diff.to_json() == {
        "added": ["wifi"],
        "removed": ["old-box"],
        "changed": {
            "pcs": {"segment": ["lan", "wifi"], "count": [10, 12]},
            "lims": {"supplier": ["biolab", None], "needs": [OLD["applications"][0]["needs"], ["san", {"any": ["pcs"]}]]},
            "fax": {"needs": [["old-box"], None]},
        },
        # In the old map, both processes needed it: transfusion through lims, admissions directly.
        "needed_by": {"old-box": ["transfusion", "admissions"]},
    }  # fmt: skip


def test_a_removed_item_no_process_needed() -> None:
    new = {**OLD, "applications": [OLD["applications"][0]], "processes": OLD["processes"][:1]}
    new["applications"] = [*new["applications"], {"id": "fax2"}]
    diff = diff_maps({**OLD, "processes": OLD["processes"][:1]}, {**new, "applications": new["applications"]})
    assert diff.removed == ("fax",)
    assert diff.added == ("fax2",)
    assert diff.needed_by == {}


def test_an_item_moved_between_sections_is_changed() -> None:
    new = {**OLD, "assets": OLD["assets"][:2], "applications": [*OLD["applications"], {"id": "old-box"}]}
    assert diff_maps(OLD, new).changed["old-box"] == {
        "section": ("assets", "applications"),
        "kind": ("server", None),
    }
