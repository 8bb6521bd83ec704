"""What is down and why: `assess(map, hit) -> Impact` (contract 2 of DESIGN.md). Pure.

1. A node is hit when declared down, in an isolated segment, or run by a hit supplier.
2. Every other node takes its status from its requirements, level by level (see
   `hospital/graph.py`): a group of K of L is down when fewer than K members are not down,
   degraded when any member is not up; a node is down when a requirement is down, degraded
   when one is degraded or an optional node is not up.
3. Every node that is not up carries `via`, a shortest chain of ids down to a hit node that
   explains its status (ties go to the requirement declared first).
4. A care process that is down runs on its fallback procedure, or is *uncovered*.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bascule.errors import ScenarioError
from bascule.hospital.graph import DEGRADED, DOWN, UP, CompiledGraph
from bascule.hospital.model import CareProcess, HospitalMap
from bascule.hospital.naming import missing

Status = Literal["up", "degraded", "down"]
Cause = Literal["declared", "isolated", "supplier", "dependency"]
STATUSES: tuple[Status, ...] = ("up", "degraded", "down")
CAUSES: tuple[Cause | None, ...] = (None, "declared", "isolated", "supplier", "dependency")
_DECLARED, _ISOLATED, _SUPPLIER, _DEPENDENCY = 1, 2, 3, 4
_FAR = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True)
class Hits:
    """What the crisis cell declared: nodes down, segments isolated, suppliers down."""

    down: tuple[str, ...] = ()
    isolate: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.down or self.isolate or self.suppliers)

    def plus(
        self, *, down: Iterable[str] = (), isolate: Iterable[str] = (), suppliers: Iterable[str] = ()
    ) -> Hits:
        def merged(first: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys((*first, *more)))

        return Hits(merged(self.down, down), merged(self.isolate, isolate), merged(self.suppliers, suppliers))

    def unknown_in(self, hospital_map: HospitalMap) -> list[str]:
        """A phrase for each id the map does not have."""
        return [
            *missing("node", self.down, list(hospital_map.nodes)),
            *missing("segment", self.isolate, [g.id for g in hospital_map.segments]),
            *missing("supplier", self.suppliers, [g.id for g in hospital_map.suppliers]),
        ]

    def check_against(self, hospital_map: HospitalMap) -> None:
        """Refuse, in one sentence, any id the map does not have."""
        refuse_unknown(hospital_map, self.unknown_in(hospital_map))


def refuse_unknown(hospital_map: HospitalMap, unknown: list[str]) -> None:
    if unknown:
        raise ScenarioError(
            f"The map {hospital_map.source} has no {', no '.join(unknown)}.",
            fr=f"La carte {hospital_map.source} n'a pas : {', '.join(unknown)}.",
        )


def assess(
    hospital_map: HospitalMap,
    down: Hits | Iterable[str] = (),
    isolate: Iterable[str] = (),
    suppliers: Iterable[str] = (),
) -> Impact:
    """The status of every node and care process when these things are hit.

    Pass the `Hits` whole (`assess(map, scenario.hits)`); `down, isolate, suppliers` as loose ids
    remain for the Python API of contract 4.
    """
    hits = down if isinstance(down, Hits) else Hits(tuple(down), tuple(isolate), tuple(suppliers))
    hits.check_against(hospital_map)
    graph = hospital_map.graph
    cause = np.zeros(graph.size, dtype=np.int8)
    # Later assignments win: a declared node stays "declared" even if also isolated.
    for supplier in hits.suppliers:
        cause[graph.supplier_nodes.get(supplier, _NONE)] = _SUPPLIER
    for segment in hits.isolate:
        cause[graph.segment_nodes.get(segment, _NONE)] = _ISOLATED
    cause[np.asarray([graph.index[node_id] for node_id in hits.down], dtype=np.int64)] = _DECLARED
    status, parent = _propagate(graph, cause > 0)
    cause[(status != UP) & (cause == 0)] = _DEPENDENCY
    return Impact(hospital_map, hits, status, cause, parent)


_NONE = np.zeros(0, dtype=np.int64)


def _propagate(
    graph: CompiledGraph, hit: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """Statuses level by level, and for each non-up node the member that explains it best."""
    status = np.where(hit, DOWN, UP).astype(np.int8)
    distance = np.where(hit, 0, _FAR).astype(np.int64)
    parent = np.full(graph.size, -1, dtype=np.int64)
    for level in graph.levels:
        member_status = status[level.members]
        not_down = (member_status != DOWN).astype(np.int32)
        met = np.add.reduceat(not_down, level.requirement_starts)
        worst = np.maximum.reduceat(member_status, level.requirement_starts)
        requirement = np.where(met < level.at_least, DOWN, np.where(worst > UP, DEGRADED, UP)).astype(np.int8)
        requirement = np.minimum(requirement, level.cap)
        node_status = np.maximum.reduceat(requirement, level.node_starts)
        node_hit = hit[level.nodes]
        node_status = np.where(node_hit, DOWN, node_status).astype(np.int8)
        status[level.nodes] = node_status
        if not node_status.any():
            continue
        # A member explains its owner when it is not up and, for a down owner, sits in a down requirement.
        owner_status = node_status[level.member_owner]
        explains = (member_status != UP) & (
            (owner_status == DEGRADED)
            | ((requirement[level.member_requirement] == DOWN) & (member_status == DOWN))
        )
        width = len(level.members)
        key = np.where(explains, distance[level.members] * width + np.arange(width), _FAR)
        best = np.minimum.reduceat(key, level.requirement_starts[level.node_starts])
        explained = (best != _FAR) & ~node_hit
        owners = level.nodes[explained]
        distance[owners] = best[explained] // width + 1
        parent[owners] = level.members[best[explained] % width]
    return status, parent


class Impact:
    """The answer to "this is hit: what is down, and why"."""

    def __init__(
        self,
        hospital_map: HospitalMap,
        hits: Hits,
        status: npt.NDArray[np.int8],
        cause: npt.NDArray[np.int8],
        parent: npt.NDArray[np.int64],
    ) -> None:
        self.map = hospital_map
        self.hits = hits
        self._status = status
        self._cause = cause
        self._parent = parent
        self._index = hospital_map.graph.index
        self._ids = hospital_map.graph.ids

    @property
    def status_array(self) -> npt.NDArray[np.int8]:
        """Statuses by node position (0 up, 1 degraded, 2 down), read-only."""
        view = self._status.view()
        view.flags.writeable = False
        return view

    def status(self, node_id: str) -> Status:
        return STATUSES[int(self._status[self._index[node_id]])]

    def cause(self, node_id: str) -> Cause | None:
        return CAUSES[int(self._cause[self._index[node_id]])]

    def is_down(self, node_id: str) -> bool:
        return bool(self._status[self._index[node_id]] == DOWN)

    def via(self, node_id: str) -> tuple[str, ...]:
        """A shortest chain from this node to a hit node that explains it; () when up."""
        position = self._index[node_id]
        if self._status[position] == UP:
            return ()
        chain = [node_id]
        while self._parent[position] >= 0:
            position = int(self._parent[position])
            chain.append(self._ids[position])
        return tuple(chain)

    def is_uncovered(self, process_id: str) -> bool:
        process = self.map.nodes[process_id]
        return isinstance(process, CareProcess) and self.is_down(process_id) and process.fallback is None

    def ids_with(self, status: Status) -> Iterator[str]:
        wanted = STATUSES.index(status)
        for position in np.flatnonzero(self._status == wanted):
            yield self._ids[int(position)]

    @cached_property
    def process_order(self) -> tuple[CareProcess, ...]:
        """Care processes as the crisis cell must read them: uncovered first, then down, by priority."""
        rank = {"down": 0, "degraded": 1, "up": 2}
        return tuple(
            sorted(
                self.map.processes,
                key=lambda p: (not self.is_uncovered(p.id), rank[self.status(p.id)], p.priority, p.id),
            )
        )

    def summary(self) -> dict[str, int]:
        counts = {"up": 0, "degraded": 0, "down": 0, "uncovered": 0}
        for process in self.map.processes:
            counts[self.status(process.id)] += 1
            counts["uncovered"] += self.is_uncovered(process.id)
        return counts

    def to_json(self) -> dict[str, Any]:
        """Contract 2's document."""
        nodes: dict[str, Any] = {}
        for node_id in self._ids:
            status = self.status(node_id)
            up = status == "up"
            nodes[node_id] = {
                "status": status,
                "cause": None if up else self.cause(node_id),
                "via": None if up else list(self.via(node_id)),
            }
        processes = {
            p.id: {
                "status": self.status(p.id),
                "priority": p.priority,
                "fallback": p.fallback,
                "uncovered": self.is_uncovered(p.id),
            }
            for p in self.map.processes
        }
        return {"nodes": nodes, "processes": processes, "summary": self.summary()}


@dataclass(frozen=True)
class ContainmentWhatIf:
    """What isolating more segments would newly take down or degrade, on top of current hits."""

    segments: tuple[str, ...]
    before: Impact
    after: Impact

    @cached_property
    def newly_down(self) -> tuple[str, ...]:
        return self._changed((self.after.status_array == DOWN) & (self.before.status_array != DOWN))

    @cached_property
    def newly_degraded(self) -> tuple[str, ...]:
        return self._changed((self.after.status_array == DEGRADED) & (self.before.status_array == UP))

    def _changed(self, mask: npt.NDArray[np.bool_]) -> tuple[str, ...]:
        ids = self.after.map.graph.ids
        return tuple(ids[int(i)] for i in np.flatnonzero(mask))

    @property
    def processes_newly_down(self) -> tuple[CareProcess, ...]:
        down = set(self.newly_down)
        return tuple(p for p in self.after.process_order if p.id in down)

    def to_json(self) -> dict[str, Any]:
        processes: Mapping[str, Any] = {
            p.id: {
                "priority": p.priority,
                "fallback": p.fallback,
                "uncovered": self.after.is_uncovered(p.id),
                "via": list(self.after.via(p.id)),
            }
            for p in self.processes_newly_down
        }
        return {
            "isolate": list(self.segments),
            "newly_down": list(self.newly_down),
            "newly_degraded": list(self.newly_degraded),
            "processes_newly_down": dict(processes),
        }


def what_if_isolate(
    hospital_map: HospitalMap, hits: Hits, segments: Iterable[str], before: Impact | None = None
) -> ContainmentWhatIf:
    """Compare the current impact (`before`, computed when not given) with isolating `segments` too."""
    extra = tuple(segments)
    if before is None:
        before = assess(hospital_map, hits)
    more = hits.plus(isolate=extra)
    after = assess(hospital_map, more)
    return ContainmentWhatIf(extra, before, after)
