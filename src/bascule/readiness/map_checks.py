"""What the map alone says about readiness (pure): care processes without a fallback procedure,
single points of failure of the vital and urgent processes, and restoration skills that no team, or
a single person, holds.

A *single point of failure* is a node (asset or application), a segment or a supplier whose loss
alone takes down a priority 1 or 2 care process, by the semantics of contract 2. Every candidate that
lies on such a process's path is hit on its own; the candidates are propagated together over the
compiled graph, one bit each, so a map of 10,000 nodes is checked in 0.4 s where one `assess` per
candidate takes 8 s (bench/readiness.py; the tests hold the batch to `assess`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np
import numpy.typing as npt

from bascule.hospital.graph import DOWN, CompiledGraph
from bascule.hospital.model import CareProcess, HospitalMap, Node
from bascule.readiness.findings import SEVERITY_OF_PRIORITY, Finding, Severity

VITAL_PRIORITIES = (1, 2)  # the processes whose single points of failure are findings
_BATCH = 1024  # candidates propagated together: bits of 16 machine words per node
_WORD = np.dtype("<u8")


@dataclass(frozen=True)
class Candidate:
    """Something whose loss is tried alone: a node, a segment or a supplier."""

    what: str  # "node" | "segment" | "supplier"
    id: str


class MapReview:
    """The map's own findings and, per care process, whether it passes each check."""

    def __init__(self, hospital_map: HospitalMap) -> None:
        self.map = hospital_map

    @cached_property
    def chains(self) -> Mapping[str, int]:
        """Per care process, every asset and application it needs, directly or not (optional ones
        only degrade it and are left out), as a bit set over the compiled graph's node positions:
        Python integers make the union of thousands of paths a few word operations each."""
        graph = self.map.graph
        nodes = self.map.nodes
        below = [0] * graph.size
        for level in graph.levels:  # a node's level is above every node it needs
            for position in level.nodes.tolist():
                mask = 0
                for member in nodes[graph.ids[position]].required_ids():
                    index = graph.index[member]
                    mask |= below[index] | (1 << index)
                below[position] = mask
        return {process.id: below[graph.index[process.id]] for process in self.map.processes}

    def chain_ids(self, process_id: str) -> frozenset[str]:
        ids = self.map.graph.ids
        return frozenset(ids[position] for position in _positions(self.chains[process_id]))

    @cached_property
    def _segment_masks(self) -> Mapping[str, int]:
        return {segment: _mask(found) for segment, found in self.map.graph.segment_nodes.items()}

    @cached_property
    def _supplier_masks(self) -> Mapping[str, int]:
        return {supplier: _mask(found) for supplier, found in self.map.graph.supplier_nodes.items()}

    def path(self, process: CareProcess) -> frozenset[Candidate]:
        """Everything on a process's path whose loss could take it down: the nodes it needs, and
        the segments and suppliers of those nodes and of the process itself."""
        return self._path_of(self.chains[process.id], [process])

    def _path_of(self, chain: int, processes: Sequence[CareProcess]) -> frozenset[Candidate]:
        ids = self.map.graph.ids
        segments = {p.segment for p in processes} | {s for s, m in self._segment_masks.items() if m & chain}
        suppliers = {p.supplier for p in processes} | {
            s for s, m in self._supplier_masks.items() if m & chain
        }
        return frozenset(
            [
                *(Candidate("node", ids[position]) for position in _positions(chain)),
                *(Candidate("segment", s) for s in segments if s is not None),
                *(Candidate("supplier", s) for s in suppliers if s is not None),
            ]
        )

    def path_size(self, process: CareProcess) -> int:
        chain = self.chains[process.id]
        segments = {process.segment} | {s for s, m in self._segment_masks.items() if m & chain}
        suppliers = {process.supplier} | {s for s, m in self._supplier_masks.items() if m & chain}
        return chain.bit_count() + len(segments - {None}) + len(suppliers - {None})

    # Care processes without a fallback procedure.

    @cached_property
    def without_fallback(self) -> tuple[CareProcess, ...]:
        return tuple(p for p in self.map.processes if p.fallback is None)

    # Single points of failure.

    @cached_property
    def single_points(self) -> Mapping[Candidate, tuple[CareProcess, ...]]:
        """Each candidate whose loss alone takes down a priority 1 or 2 process, with those processes
        (most vital first)."""
        vital = [p for p in self.map.processes if p.priority in VITAL_PRIORITIES]
        if not vital:
            return {}
        union = 0
        for process in vital:
            union |= self.chains[process.id]
        candidates = sorted(self._path_of(union, vital), key=lambda c: (c.what, c.id))
        graph = self.map.graph
        hit_sets = [self._hit_indices(graph, candidate) for candidate in candidates]
        rows = np.asarray([graph.index[p.id] for p in vital], dtype=np.int64)
        found: dict[Candidate, tuple[CareProcess, ...]] = {}
        for start in range(0, len(candidates), _BATCH):
            down = down_when_hit_alone(graph, hit_sets[start : start + _BATCH])[rows]
            for column in np.flatnonzero(down.any(axis=0)):
                taken = [vital[int(row)] for row in np.flatnonzero(down[:, column])]
                found[candidates[start + int(column)]] = tuple(
                    sorted(taken, key=lambda p: (p.priority, p.id))
                )
        return found

    @cached_property
    def single_points_of(self) -> Mapping[str, int]:
        """Per P1 or P2 process, how many single points of failure its path holds."""
        counts = dict.fromkeys((p.id for p in self.map.processes if p.priority in VITAL_PRIORITIES), 0)
        for taken in self.single_points.values():
            for process in taken:
                counts[process.id] += 1
        return counts

    def redundant_share(self, process: CareProcess) -> Fraction:
        """The share of a process's path whose loss alone does not take it down (1 with no path)."""
        size = self.path_size(process)
        if size == 0:
            return Fraction(1)
        return Fraction(size - self.single_points_of.get(process.id, 0), size)

    @staticmethod
    def _hit_indices(graph: CompiledGraph, candidate: Candidate) -> npt.NDArray[np.int64]:
        if candidate.what == "segment":
            return graph.segment_nodes.get(candidate.id, np.zeros(0, dtype=np.int64))
        if candidate.what == "supplier":
            return graph.supplier_nodes.get(candidate.id, np.zeros(0, dtype=np.int64))
        return np.asarray([graph.index[candidate.id]], dtype=np.int64)

    # Restoration skills.

    @cached_property
    def restorers(self) -> Mapping[str, int]:
        """Per asset and application, how many team members could restore it."""
        nodes: Iterable[Node] = (*self.map.assets, *self.map.applications)
        return {n.id: sum(team.members for team in self.map.teams if team.can_restore(n)) for n in nodes}

    @cached_property
    def unrestorable(self) -> tuple[Node, ...]:
        """Assets and applications no team can restore (validation refuses skills no team has, so
        on a loaded map these are every node when the map names no team at all)."""
        return tuple(n for n in (*self.map.assets, *self.map.applications) if self.restorers[n.id] == 0)

    @cached_property
    def single_restorer(self) -> tuple[Node, ...]:
        """Assets and applications on a vital process's path that one person alone can restore."""
        vital_path = 0
        for process in self.map.processes:
            if process.priority == 1:
                vital_path |= self.chains[process.id]
        index = self.map.graph.index
        return tuple(
            n
            for n in (*self.map.assets, *self.map.applications)
            if vital_path >> index[n.id] & 1 and self.restorers[n.id] == 1
        )

    def skills_ready(self, process: CareProcess) -> bool:
        """Every node on its path can be restored by some team, and, for a vital process, by more
        than one person."""
        chain = self.chains[process.id]
        if chain & self._unrestorable_mask:
            return False
        return process.priority != 1 or not chain & self._single_restorer_mask

    @cached_property
    def _unrestorable_mask(self) -> int:
        return _mask(self.map.graph.index[n.id] for n in self.unrestorable)

    @cached_property
    def _single_restorer_mask(self) -> int:
        return _mask(self.map.graph.index[n.id] for n in self.single_restorer)

    def best_priority(self, node: Node) -> int | None:
        """The most vital priority among the processes whose path holds this node."""
        bit = 1 << self.map.graph.index[node.id]
        priorities = [p.priority for p in self.map.processes if self.chains[p.id] & bit]
        return min(priorities) if priorities else None

    # The findings.

    def findings(self) -> list[Finding]:
        found = [
            Finding("no_fallback", SEVERITY_OF_PRIORITY[p.priority], p.id, {"priority": p.priority})
            for p in self.without_fallback
        ]
        for candidate, taken in self.single_points.items():
            facts = {
                "what": candidate.what,
                "priority": taken[0].priority,
                "processes": tuple(p.id for p in taken),
            }
            found.append(
                Finding("single_point", SEVERITY_OF_PRIORITY[taken[0].priority], candidate.id, facts)
            )
        if not self.map.teams and self.unrestorable:  # one finding, not one per node
            found.append(
                Finding("no_teams", "critical", self.map.hospital.id, {"nodes": len(self.unrestorable)})
            )
        for node in self.unrestorable if self.map.teams else ():
            priority = self.best_priority(node)
            severity: Severity = "low" if priority is None else SEVERITY_OF_PRIORITY[priority]
            found.append(Finding("no_team", severity, node.id, {"skills": node.skills, "priority": priority}))
        for node in self.single_restorer:
            teams = tuple(team.id for team in self.map.teams if team.can_restore(node))
            found.append(Finding("single_person", "high", node.id, {"skills": node.skills, "teams": teams}))
        return found


def down_when_hit_alone(
    graph: CompiledGraph, hit_sets: Sequence[npt.NDArray[np.int64]]
) -> npt.NDArray[np.bool_]:
    """Column j: which nodes are down when only `hit_sets[j]` is hit (contract 2, "down" only: a
    requirement is down when fewer than K of its members are not down; an optional one never is).

    The candidates are bits: 64 to a machine word, so one bitwise AND (all members down: an `any`
    group) or OR (one member down: a plain id, or a group that needs them all) per requirement
    serves 64 candidates at once; only the other `at_least` groups are counted bit by bit."""
    count = len(hit_sets)
    packed = np.zeros((graph.size, max(1, -(-count // 64)) * 8), dtype=np.uint8)
    for column, indices in enumerate(hit_sets):
        packed[indices, column // 8] |= np.uint8(1 << (column % 8))
    hit = packed.view(_WORD)
    down = hit.copy()
    for level in graph.levels:
        members = down[level.members]
        starts = level.requirement_starts
        sizes = np.diff(np.r_[starts, len(level.members)])
        at_least = level.at_least
        requirement_down = np.where(
            (at_least == 1)[:, None],
            np.bitwise_and.reduceat(members, starts, axis=0),
            np.bitwise_or.reduceat(members, starts, axis=0),
        )
        counted = np.flatnonzero((at_least > 1) & (at_least < sizes))
        if len(counted):
            requirement_down[counted] = _down_by_count(members, starts, sizes, at_least, counted)
        requirement_down[level.cap != DOWN] = 0
        node_down = np.bitwise_or.reduceat(requirement_down, level.node_starts, axis=0)
        down[level.nodes] = node_down | hit[level.nodes]
    return np.unpackbits(down.view(np.uint8), axis=1, bitorder="little")[:, :count].astype(np.bool_)


def _down_by_count(
    members: npt.NDArray[np.uint64],
    starts: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    at_least: npt.NDArray[np.int64],
    counted: npt.NDArray[np.int64],
) -> npt.NDArray[np.uint64]:
    """The K-of-L groups (1 < K < L): down when more than L - K members are down, bit by bit."""
    rows = np.concatenate([np.arange(starts[r], starts[r] + sizes[r]) for r in counted])
    bits = np.unpackbits(members[rows].view(np.uint8), axis=1, bitorder="little")
    local_starts = np.r_[0, np.cumsum(sizes[counted])[:-1]].astype(np.int64)
    down_members = np.add.reduceat(bits, local_starts, axis=0, dtype=np.int32)
    is_down = down_members > (sizes[counted] - at_least[counted])[:, None]
    return np.packbits(is_down, axis=1, bitorder="little").view(_WORD)


def _mask(positions: Iterable[int]) -> int:
    mask = 0
    for position in positions:
        mask |= 1 << int(position)
    return mask


def _positions(mask: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    return [position for position, bit in enumerate(reversed(bin(mask)[2:])) if bit == "1"]


__all__ = ["Candidate", "MapReview", "down_when_hit_alone"]
