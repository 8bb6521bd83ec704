"""The dependency graph compiled into flat arrays, so that impact is computed in milliseconds.

Nodes are numbered in map order. Every node gets a *level*: 0 when it needs nothing, else one
more than the deepest node it needs (or has as optional). Within a level no node needs
another, so a whole level is evaluated at once with numpy segment reductions.

Each entry of `needs` is a *requirement* (a group of members of which at least K must not be
down); each `optional` id becomes a requirement too, with K = 1 and its effect capped at
"degraded". Requirements are stored grouped by owner, members grouped by requirement (CSR).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from bascule.hospital.model import HospitalMap

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int8]

UP, DEGRADED, DOWN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Level:
    """The nodes of one level and their requirements and members, ready for segment reductions."""

    nodes: IntArray  # node indices, each with at least one requirement
    node_starts: IntArray  # offset of each node's first requirement within this level's requirements
    at_least: IntArray  # K of each requirement
    cap: SmallArray  # DOWN for needs, DEGRADED for optional
    requirement_starts: IntArray  # offset of each requirement's first member within this level's members
    members: IntArray  # member node indices
    member_requirement: IntArray  # requirement (level-local) of each member entry
    member_owner: IntArray  # position in `nodes` of each member entry's owner


@dataclass(frozen=True)
class CompiledGraph:
    ids: tuple[str, ...]
    index: Mapping[str, int]
    levels: tuple[Level, ...]
    segment_nodes: Mapping[str, IntArray]
    supplier_nodes: Mapping[str, IntArray]
    process_indices: IntArray

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def compile(cls, hospital_map: HospitalMap) -> CompiledGraph:
        nodes = list(hospital_map.nodes.values())
        ids = tuple(n.id for n in nodes)
        index = {node_id: i for i, node_id in enumerate(ids)}
        # requirement tuples per node: (K, cap, member indices)
        requirements: list[list[tuple[int, int, list[int]]]] = []
        for node in nodes:
            own = [(r.at_least, DOWN, [index[m] for m in r.members]) for r in node.needs]
            own += [(1, DEGRADED, [index[m]]) for m in node.optional]
            requirements.append(own)
        level = _levels(requirements)
        by_level: dict[int, list[int]] = {}
        for node_index, node_level in enumerate(level):
            if node_level > 0:
                by_level.setdefault(node_level, []).append(node_index)
        levels = tuple(_pack(by_level[k], requirements) for k in sorted(by_level))
        segment_nodes: dict[str, list[int]] = {}
        supplier_nodes: dict[str, list[int]] = {}
        for i, node in enumerate(nodes):
            if node.segment:
                segment_nodes.setdefault(node.segment, []).append(i)
            if node.supplier:
                supplier_nodes.setdefault(node.supplier, []).append(i)
        return cls(
            ids=ids,
            index=index,
            levels=levels,
            segment_nodes={k: np.asarray(v, dtype=np.int64) for k, v in segment_nodes.items()},
            supplier_nodes={k: np.asarray(v, dtype=np.int64) for k, v in supplier_nodes.items()},
            process_indices=np.asarray([index[p.id] for p in hospital_map.processes], dtype=np.int64),
        )


def _levels(requirements: list[list[tuple[int, int, list[int]]]]) -> list[int]:
    """Longest-path depth of every node over its requirements (Kahn's order; the map is acyclic)."""
    count = len(requirements)
    dependants: list[list[int]] = [[] for _ in range(count)]
    waiting = [0] * count
    for owner, own in enumerate(requirements):
        needed = {m for _, _, members in own for m in members}
        waiting[owner] = len(needed)
        for member in needed:
            dependants[member].append(owner)
    level = [0] * count
    ready = [i for i in range(count) if waiting[i] == 0]
    while ready:
        node = ready.pop()
        for owner in dependants[node]:
            level[owner] = max(level[owner], level[node] + 1)
            waiting[owner] -= 1
            if waiting[owner] == 0:
                ready.append(owner)
    if any(waiting):
        raise ValueError("the dependency graph has a cycle; validation should have refused it")
    return level


def _pack(level_nodes: list[int], requirements: list[list[tuple[int, int, list[int]]]]) -> Level:
    node_starts: list[int] = []
    at_least: list[int] = []
    cap: list[int] = []
    requirement_starts: list[int] = []
    members: list[int] = []
    member_requirement: list[int] = []
    member_owner: list[int] = []
    for position, node in enumerate(level_nodes):
        node_starts.append(len(at_least))
        for k, effect, group in requirements[node]:
            requirement_starts.append(len(members))
            member_requirement.extend([len(at_least)] * len(group))
            member_owner.extend([position] * len(group))
            members.extend(group)
            at_least.append(k)
            cap.append(effect)

    def ints(values: list[int]) -> IntArray:
        return np.asarray(values, dtype=np.int64)

    return Level(
        nodes=ints(level_nodes),
        node_starts=ints(node_starts),
        at_least=ints(at_least),
        cap=np.asarray(cap, dtype=np.int8),
        requirement_starts=ints(requirement_starts),
        members=ints(members),
        member_requirement=ints(member_requirement),
        member_owner=ints(member_owner),
    )
