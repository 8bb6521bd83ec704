"""Bascule: keep a hospital caring for patients while its IT is down.

The Python API (contract 4 of DESIGN.md)::

    from bascule import load_map, assess, plan
    hospital = load_map("demo")
    impact = assess(hospital, down=["dc01", "dc02"])
    impact.to_json()                                   # contract 2
    plan(hospital, down=["dc01", "dc02"]).to_json()    # contract 3
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bascule.hospital.loading import load_map
    from bascule.hospital.model import HospitalMap
    from bascule.impact import Impact, assess
    from bascule.recovery import Plan, plan

__all__ = ["HospitalMap", "Impact", "Plan", "assess", "load_map", "plan"]

# Imported when first asked for: the map and impact need numpy and scipy, the plan OR-Tools, and
# the rest of Bascule (sealing on a station laptop, the crisis cell's pages) needs none of them.
_HOMES = {
    "load_map": "bascule.hospital.loading",
    "HospitalMap": "bascule.hospital.model",
    "Impact": "bascule.impact",
    "assess": "bascule.impact",
    "Plan": "bascule.recovery",
    "plan": "bascule.recovery",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'bascule' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
