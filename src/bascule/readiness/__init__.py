"""Readiness between exercises: what can be checked without an exercise (`bascule readiness MAP`).

Findings, each with a severity (critical, high, medium, low):
- `no_fallback`: a care process without a fallback procedure (severity by priority: P1 critical,
  P2 high, P3 medium, P4 low);
- `single_point`: a node, segment or supplier whose loss alone takes down a P1 or P2 process
  (severity of the most vital process it takes down);
- `no_teams`: the map names no restoration team, so nothing could be restored (critical); `no_team`:
  an asset or application no team can restore (a loaded map cannot have one, validation refuses
  it; a map built in Python can) (severity of the most vital process whose path holds it; low when
  none does);
- `single_person`: an asset or application on a P1 process's path that only one person can restore
  (the teams able to restore it have one member in all) (high);
- `station_no_bundle`, `station_stale`, `station_quarantined`: a station given with `--station`
  that has accepted no verified bundle, whose last verified bundle's data is older than the maximum
  age (2 h), or whose state lists a quarantined bundle newer than the one in use (high);
- `kit_missing`, `kit_old`: a care unit of the map with no kit in the kits folder, a kit printed
  longer ago than the maximum age (7 d) (medium).

The score, 0–100. With W(p) the priority weight of care process p (1000, 100, 10, 1 for P1..P4, as
the restoration plan's objective), each component is:
- fallback      = 100 × Σ W(p with a fallback) / Σ W(p), over every care process;
- single_points = 100 × Σ W(p) × R(p) / Σ W(p), over P1 and P2 processes, where R(p) is the share
                  of p's path (the nodes it needs, directly or not, and their segments and
                  suppliers) whose loss alone does not take p down;
- skills        = 100 × Σ W(p whose path is restorable) / Σ W(p), over every care process, where a
                  path is restorable when a team can restore each of its nodes and, for a P1
                  process, none of them rests on one person;
- stations      = 100 × stations with no finding / stations given (only with `--station`);
- kits          = 100 × care units with a kit not older than the maximum age / care units of the
                  map (a map without units: kits young enough / kits found) (only with `--kits`);
(a component over no process is 100), and the score is their weighted mean, rounded down, with the
weights fallback 3, single_points 3, skills 2, stations 1, kits 1, over the components checked. One
vital process without a fallback costs 3 × 100 × 1000 / Σ W / 8 points; ten deferrable ones cost a
hundredth of that.
"""

from __future__ import annotations

from bascule.readiness.findings import KINDS, SEVERITIES, Finding
from bascule.readiness.score import COMPONENT_WEIGHTS, Readiness, Upkeep, assess_readiness
from bascule.readiness.upkeep import DEFAULT_KIT_MAX_AGE, DEFAULT_STATION_MAX_AGE, KitFacts, StationFacts

__all__ = [
    "COMPONENT_WEIGHTS",
    "DEFAULT_KIT_MAX_AGE",
    "DEFAULT_STATION_MAX_AGE",
    "KINDS",
    "SEVERITIES",
    "Finding",
    "KitFacts",
    "Readiness",
    "StationFacts",
    "Upkeep",
    "assess_readiness",
]
