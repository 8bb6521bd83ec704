"""Bascule: keep a hospital caring for patients while its IT is down.

The Python API (contract 4 of DESIGN.md)::

    from bascule import load_map, assess, plan
    hospital = load_map("demo")
    impact = assess(hospital, down=["dc01", "dc02"])
    impact.to_json()                                   # contract 2
    plan(hospital, down=["dc01", "dc02"]).to_json()    # contract 3
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.impact import Impact, assess

if TYPE_CHECKING:
    from bascule.recovery import Plan, plan

__all__ = ["HospitalMap", "Impact", "Plan", "assess", "load_map", "plan"]


def __getattr__(name: str) -> Any:
    # The solver pulls in OR-Tools (half a second): only when a plan is asked for.
    if name in ("Plan", "plan"):
        import bascule.recovery

        return getattr(bascule.recovery, name)
    raise AttributeError(f"module 'bascule' has no attribute {name!r}")
