"""A plain pure-Python evaluator of contract 2, written straight from DESIGN.md.

It is the benchmark's baseline and the tests' independent oracle; it shares no code with
`bascule.impact` beyond reading the frozen map.
"""

from __future__ import annotations

from collections.abc import Iterable

from bascule.hospital.model import HospitalMap

UP, DEGRADED, DOWN = "up", "degraded", "down"
_RANK = {UP: 0, DEGRADED: 1, DOWN: 2}


def hit_nodes(
    hospital_map: HospitalMap, down: Iterable[str], isolate: Iterable[str], suppliers: Iterable[str]
) -> set[str]:
    down, isolate, suppliers = set(down), set(isolate), set(suppliers)
    return {
        n.id
        for n in hospital_map.nodes.values()
        if n.id in down or n.segment in isolate or n.supplier in suppliers
    }


def evaluate(
    hospital_map: HospitalMap,
    down: Iterable[str] = (),
    isolate: Iterable[str] = (),
    suppliers: Iterable[str] = (),
) -> tuple[dict[str, str], dict[str, int]]:
    """(status by node, length of the shortest explaining chain by non-up node; 0 for hit nodes)."""
    hits = hit_nodes(hospital_map, down, isolate, suppliers)
    status: dict[str, str] = {}
    distance: dict[str, int] = {}
    order = _topological(hospital_map)
    for node_id in order:
        node = hospital_map.nodes[node_id]
        if node_id in hits:
            status[node_id] = DOWN
            distance[node_id] = 0
            continue
        worst = UP
        for requirement in node.needs:
            members = [status[m] for m in requirement.members]
            if sum(s != DOWN for s in members) < requirement.at_least:
                group = DOWN
            elif any(s != UP for s in members):
                group = DEGRADED
            else:
                group = UP
            worst = max(worst, group, key=_RANK.__getitem__)
        if worst != DOWN and any(status[o] != UP for o in node.optional):
            worst = DEGRADED
        status[node_id] = worst
        if worst != UP:
            distance[node_id] = 1 + min(
                distance[m] for m in explaining_members(hospital_map, node_id, status)
            )
    return status, distance


def explaining_members(hospital_map: HospitalMap, node_id: str, status: dict[str, str]) -> list[str]:
    """Members whose state explains the node's: a down member of a down requirement for a down
    node; any member or optional node that is not up for a degraded one."""
    node = hospital_map.nodes[node_id]
    if status[node_id] == DOWN:
        found = []
        for requirement in node.needs:
            members = [status[m] for m in requirement.members]
            if sum(s != DOWN for s in members) < requirement.at_least:
                found += [m for m in requirement.members if status[m] == DOWN]
        return found
    return [m for m in (*node.required_ids(), *node.optional) if status[m] != UP]


def _topological(hospital_map: HospitalMap) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()
    for root in hospital_map.nodes:
        if root in seen:
            continue
        stack = [(root, False)]
        while stack:
            node_id, expanded = stack.pop()
            if expanded:
                order.append(node_id)
                continue
            if node_id in seen:
                continue
            seen.add(node_id)
            stack.append((node_id, True))
            node = hospital_map.nodes[node_id]
            stack.extend((m, False) for m in (*node.required_ids(), *node.optional) if m not in seen)
    return order
