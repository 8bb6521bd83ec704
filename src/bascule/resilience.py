"""Weak spots of a map before anything happens: single points of failure, and applications no
care process needs. Pure.

A single point of failure is an asset or application whose loss alone takes down a
priority-1 care process. Only ancestors of priority-1 processes can be one, so only they are
tried, each with one `assess`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bascule.hospital.model import Application, Asset, HospitalMap
from bascule.impact import assess


@dataclass(frozen=True, slots=True)
class SinglePointOfFailure:
    node: str
    processes: tuple[str, ...]  # the priority-1 processes its loss alone takes down


def vital_ancestors(hospital_map: HospitalMap) -> list[str]:
    """Assets and applications that some priority-1 process depends on, in map order."""
    seen: set[str] = set()
    stack = [p.id for p in hospital_map.processes if p.priority == 1]
    while stack:
        node = hospital_map.nodes[stack.pop()]
        for needed in (*node.required_ids(), *node.optional):
            if needed not in seen:
                seen.add(needed)
                stack.append(needed)
    return [n.id for n in hospital_map.nodes.values() if n.id in seen and isinstance(n, Asset | Application)]


def unneeded_applications(hospital_map: HospitalMap) -> list[str]:
    """Applications that no care process needs or uses optionally, directly or through other nodes,
    in map order: the crisis cell should decide (a need forgotten, or nothing to restore first)."""
    used: set[str] = set()
    stack = [p.id for p in hospital_map.processes]
    while stack:
        node = hospital_map.nodes[stack.pop()]
        for needed in (*node.required_ids(), *node.optional):
            if needed not in used:
                used.add(needed)
                stack.append(needed)
    return [a.id for a in hospital_map.applications if a.id not in used]


def single_points_of_failure(
    hospital_map: HospitalMap, progress: Callable[[int, int], None] | None = None
) -> list[SinglePointOfFailure]:
    vital = [p.id for p in hospital_map.processes if p.priority == 1]
    candidates = vital_ancestors(hospital_map)
    found = []
    for done, node_id in enumerate(candidates, start=1):
        impact = assess(hospital_map, down=[node_id])
        lost = tuple(p for p in vital if impact.is_down(p))
        if lost:
            found.append(SinglePointOfFailure(node_id, lost))
        if progress is not None:
            progress(done, len(candidates))
    return found
