"""Bascule: keep a hospital caring for patients while its IT is down.

The Python API (contract 4 of DESIGN.md)::

    from bascule import load_map, assess
    hospital = load_map("demo")
    impact = assess(hospital, down=["dc01", "dc02"])
    impact.to_json()
"""

from bascule.hospital.loading import load_map
from bascule.impact import Impact, assess

__all__ = ["Impact", "assess", "load_map"]
