"""A Scenario (or its Hits) travels whole to `assess` and `plan`: the same answer as the loose ids
of the Python API (contract 4), which stay."""

from __future__ import annotations

from bascule import assess, plan
from bascule.crisis.testing import SAMPLE_MAP
from bascule.impact import Hits
from bascule.incident.maps import parse_map
from bascule.scenario import Scenario

SCENARIO = Scenario(
    hits=Hits(down=("san",), isolate=("clinical-lan",), suppliers=("pathlab",)),
    reconnect={"clinical-lan": 5.0},
    supplier_back={"pathlab": 12.0},
)


def test_assess_takes_the_hits_whole() -> None:
    hospital = parse_map(SAMPLE_MAP, "chtest.yaml")
    loose = assess(hospital, SCENARIO.down, SCENARIO.isolate, SCENARIO.suppliers)
    assert assess(hospital, SCENARIO.hits).to_json() == loose.to_json()
    assert assess(hospital, SCENARIO.hits).status("transfusion") == "down"


def test_plan_takes_the_scenario_whole_with_its_return_times() -> None:
    hospital = parse_map(SAMPLE_MAP, "chtest.yaml")
    etas = {
        p: v["eta_hours"] for p, v in plan(hospital, SCENARIO, time_limit=1.0).to_json()["processes"].items()
    }
    assert etas["transfusion"] == 12.0  # the supplier's return, given only by the scenario
    assert etas["outpatient"] == 5.0  # the segment's reconnection
    loose = plan(
        hospital,
        SCENARIO.down,
        SCENARIO.isolate,
        SCENARIO.suppliers,
        SCENARIO.reconnect,
        SCENARIO.supplier_back,
        time_limit=1.0,
    ).to_json()["processes"]
    assert {p: v["eta_hours"] for p, v in loose.items()} == etas
