"""The public Python API (contract 4) is exactly what `__all__` says, and it works end to end."""

from __future__ import annotations

import bascule


def test_all_is_the_public_api() -> None:
    assert sorted(bascule.__all__) == ["HospitalMap", "Impact", "Plan", "assess", "load_map", "plan"]
    for name in bascule.__all__:
        assert getattr(bascule, name) is not None


def test_contract_4_round_trip() -> None:
    hospital = bascule.load_map("demo")
    assert isinstance(hospital, bascule.HospitalMap)
    impact = bascule.assess(hospital, down=["dc01", "dc02"])
    assert isinstance(impact, bascule.Impact)
    assert set(impact.to_json()) == {"nodes", "processes", "summary"}
    restoration = bascule.plan(hospital, down=["dc01", "dc02"], time_limit=1.0)
    document = restoration.to_json()
    assert {"tasks", "processes", "objective", "lower_bound", "solver", "status"} <= set(document)
    assert {task["node"] for task in document["tasks"]} == {"dc01", "dc02"}
