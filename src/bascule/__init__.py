"""Bascule: keep a hospital caring for patients while its IT is down.

The Python API (contract 4 of DESIGN.md)::

    from bascule import load_map, assess, plan
    hospital = load_map("demo")
    impact = assess(hospital, down=["dc01", "dc02"])
    impact.to_json()                       # contract 2
    plan(hospital, down=["dc01", "dc02"]).to_json()   # contract 3
"""

from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.impact import Impact, assess
from bascule.recovery import Plan, plan

__all__ = ["HospitalMap", "Impact", "Plan", "assess", "load_map", "plan"]
