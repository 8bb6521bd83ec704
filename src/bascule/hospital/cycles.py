"""Cycles among the map's dependencies: whether there is one (fast, on positions, for large maps that
are nearly always right) and, when there is, one simple cycle per knot to show the user."""

from __future__ import annotations

from collections.abc import Mapping

# Up to this many "needs" edges a plain topological sort is quicker than importing scipy (a third
# of a second, paid by every command that loads a map, the station viewer's start among them).
SMALL_GRAPH_EDGES = 20_000


def has_cycle(count: int, owners: list[int], needed: list[int]) -> bool:
    """A cycle exists when some strongly connected component has more than one node, or a node needs itself."""
    if not owners:
        return False
    if any(o == n for o, n in zip(owners, needed, strict=True)):
        return True
    if len(owners) <= SMALL_GRAPH_EDGES:
        return _has_cycle_small(count, owners, needed)
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(owners), dtype=np.int8), (owners, needed)), shape=(count, count))
    components, _ = connected_components(graph.tocsr(), directed=True, connection="strong")
    return bool(components < count)


def _has_cycle_small(count: int, owners: list[int], needed: list[int]) -> bool:
    """Kahn's topological sort: the nodes never freed of what they need lie on or behind a cycle."""
    waiting = [0] * count
    needers: list[list[int]] = [[] for _ in range(count)]
    for owner, member in zip(owners, needed, strict=True):
        waiting[owner] += 1
        needers[member].append(owner)
    free = [node for node in range(count) if waiting[node] == 0]
    freed = 0
    while free:
        node = free.pop()
        freed += 1
        for owner in needers[node]:
            waiting[owner] -= 1
            if waiting[owner] == 0:
                free.append(owner)
    return freed < count


def find_cycles(edges: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (iterative Tarjan + a walk)."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index_of:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = edges.get(node, [])
            if child_index < len(children):
                work.append((node, child_index + 1))
                child = children[child_index]
                if child not in index_of:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index_of[child])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, []):
                    components.append(component)
    return [_walk_cycle(component, edges) for component in components]


def _walk_cycle(component: list[str], edges: Mapping[str, list[str]]) -> list[str]:
    """A simple cycle inside a strongly connected component, starting at its first-declared node."""
    members = set(component)
    start = min(component, key=list(edges).index)
    path = [start]
    seen = {start}
    node = start
    while True:
        successors = [c for c in edges[node] if c in members]
        if start in successors:
            return path
        following = next((c for c in successors if c not in seen), successors[0])
        if following in seen:
            return path[path.index(following) :]
        path.append(following)
        seen.add(following)
        node = following
