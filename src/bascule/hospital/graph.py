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
        # One flat pass over every requirement; everything after it is numpy.
        owner: list[int] = []
        at_least: list[int] = []
        cap: list[int] = []
        size: list[int] = []
        members: list[int] = []
        for i, node in enumerate(nodes):
            for requirement in node.needs:
                owner.append(i)
                at_least.append(requirement.at_least)
                cap.append(DOWN)
                size.append(len(requirement.members))
                members.extend([index[m] for m in requirement.members])
            for optional in node.optional:
                owner.append(i)
                at_least.append(1)
                cap.append(DEGRADED)
                size.append(1)
                members.append(index[optional])
        requirements = _Requirements(
            owner=np.asarray(owner, dtype=np.int64),
            at_least=np.asarray(at_least, dtype=np.int64),
            cap=np.asarray(cap, dtype=np.int8),
            size=np.asarray(size, dtype=np.int64),
            members=np.asarray(members, dtype=np.int64),
        )
        level = _levels(len(nodes), requirements)
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
            levels=_pack_levels(level, requirements),
            segment_nodes={k: np.asarray(v, dtype=np.int64) for k, v in segment_nodes.items()},
            supplier_nodes={k: np.asarray(v, dtype=np.int64) for k, v in supplier_nodes.items()},
            process_indices=np.asarray([index[p.id] for p in hospital_map.processes], dtype=np.int64),
        )


@dataclass(frozen=True, slots=True)
class _Requirements:
    """Every requirement of the map, grouped by owner; members grouped by requirement."""

    owner: IntArray
    at_least: IntArray
    cap: SmallArray
    size: IntArray
    members: IntArray

    @property
    def starts(self) -> IntArray:
        return np.concatenate(([0], np.cumsum(self.size)[:-1])).astype(np.int64)


def _levels(count: int, requirements: _Requirements) -> IntArray:
    """Longest-path depth of every node, relaxed one level per round (rounds = depth of the map)."""
    level = np.zeros(count, dtype=np.int64)
    if len(requirements.owner) == 0:
        return level
    member_owner = np.repeat(requirements.owner, requirements.size)
    # Members are grouped by owner, so each owner's edges form one contiguous run.
    boundaries = np.flatnonzero(np.r_[True, member_owner[1:] != member_owner[:-1]])
    owners = member_owner[boundaries]
    for _ in range(count + 1):
        deeper = np.maximum.reduceat(level[requirements.members] + 1, boundaries)
        if np.array_equal(deeper, level[owners]):
            return level
        level[owners] = deeper
    raise ValueError("the dependency graph has a cycle; validation should have refused it")


def _pack_levels(level: IntArray, requirements: _Requirements) -> tuple[Level, ...]:
    if len(requirements.owner) == 0:
        return ()
    requirement_level = level[requirements.owner]
    order = np.argsort(requirement_level, kind="stable")  # keeps owner order, then declaration order
    sorted_levels = requirement_level[order]
    starts = requirements.starts
    packed = []
    for value in np.unique(sorted_levels):
        chosen = order[
            np.searchsorted(sorted_levels, value, "left") : np.searchsorted(sorted_levels, value, "right")
        ]
        sizes = requirements.size[chosen]
        local_starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        # The members of the chosen requirements, in order: each requirement's run, concatenated.
        member_positions = np.repeat(starts[chosen] - local_starts, sizes) + np.arange(int(sizes.sum()))
        owners = requirements.owner[chosen]
        first = np.r_[True, owners[1:] != owners[:-1]]
        owner_position = np.cumsum(first) - 1
        packed.append(
            Level(
                nodes=owners[first],
                node_starts=np.flatnonzero(first).astype(np.int64),
                at_least=requirements.at_least[chosen],
                cap=requirements.cap[chosen],
                requirement_starts=local_starts,
                members=requirements.members[member_positions],
                member_requirement=np.repeat(np.arange(len(chosen), dtype=np.int64), sizes),
                member_owner=np.repeat(owner_position, sizes),
            )
        )
    return tuple(packed)
