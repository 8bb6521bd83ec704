"""A layered layout of the drawing graph, left to right: assets, then applications, then care processes.

Boxes sit in columns by dependency depth; a link that jumps over columns follows a trunk shared by
every long link of the same source, threaded between the boxes of the columns it crosses (so no
curve runs over a box). The order within each column comes from barycentre sweeps that keep the
order with the fewest crossings; the care processes keep a fixed reading order (uncovered first,
then by priority). Heights then come from a least-squares pull toward neighbours under the
no-overlap constraints, solved exactly by isotonic regression.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bascule.diagram.boxes import Box, Category, DrawingGraph, Link
from bascule.diagram.impact_view import STATUS_RANK

BOX_WIDTH = 270.0
PROCESS_WIDTH = 420.0
BOX_HEIGHT = 70.0
COLUMN_GAP = 190.0
ROW_GAP = 26.0
TRUNK_GAP = 9.0
JUNCTION_OFFSET = 40.0
JUNCTION_GAP = 20.0
SWEEPS = 12
TRANSPOSE_ROUNDS = 6
TRANSPOSE_LIMIT = 1500
MAX_ROWS = 24
SMOOTHING_ROUNDS = 16

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def middle(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: Rect) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )


@dataclass(frozen=True, slots=True)
class Route:
    """The way of one link: waypoints joined by curves that leave and arrive horizontally."""

    link: Link
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Region:
    """The columns holding one category, for its heading."""

    category: Category
    x: float
    right: float


@dataclass(frozen=True, slots=True)
class Placement:
    boxes: Mapping[str, Rect]
    routes: tuple[Route, ...]
    junctions: Mapping[str, tuple[Point, Point]]  # the dot, and where its line meets the box
    regions: tuple[Region, ...]
    width: float
    height: float


def place(graph: DrawingGraph, *, left: float, top: float) -> Placement:
    boxes = {box.key: box for box in graph.boxes}
    layer = _layers(graph)
    count = max(layer.values(), default=-1) + 1
    trunk_points: dict[tuple[str, int], str] = {}
    taken = set(layer)
    chains = {link: _chain(link, layer, trunk_points, taken) for link in graph.links}
    columns: list[list[str]] = [[] for _ in range(count)]
    for box in graph.boxes:
        columns[layer[box.key]].append(box.key)
    for chain in chains.values():
        for step, key in enumerate(chain[1:-1], start=layer[chain[0]] + 1):
            if key not in layer:
                layer[key] = step
                columns[step].append(key)
    processes = [k for k in columns[-1] if boxes[k].category == "process"] if columns else []
    if processes:
        position = {key: i for i, key in enumerate(processes)}
        columns[-1] = sorted(processes, key=lambda k: _reading_order(boxes[k], position[k]))
    segments = sorted({pair for chain in chains.values() for pair in pairwise(chain)})
    columns = _order(columns, segments, layer, fixed_last=bool(processes))
    middle = _heights(columns, segments, boxes)
    origin = top - min((middle[k] - _half(k, boxes) for k in middle), default=0.0)

    widths = [
        PROCESS_WIDTH if any(k in boxes and boxes[k].category == "process" for k in column) else BOX_WIDTH
        for column in columns
    ]
    starts = [left + sum(widths[:step]) + step * COLUMN_GAP for step in range(count)]

    def x_of(step: int) -> float:
        return starts[step]

    def right_of(step: int) -> float:
        return starts[step] + widths[step]

    rects = {
        key: Rect(x_of(layer[key]), origin + middle[key] - BOX_HEIGHT / 2, widths[layer[key]], BOX_HEIGHT)
        for key in boxes
    }
    ports, junctions = _ports(graph, chains, rects, middle, origin)
    routes = []
    for link, chain in chains.items():
        source = rects[link.source]
        points: list[Point] = [(source.right, source.middle)]
        for key in chain[1:-1]:
            y = origin + middle[key]
            points += [(x_of(layer[key]), y), (right_of(layer[key]), y)]
        points.append(ports[link])
        routes.append(Route(link, tuple(points)))
    regions = _regions(graph, layer, x_of, right_of)
    width = right_of(count - 1) if count else left
    height = max((rect.bottom for rect in rects.values()), default=top)
    return Placement(rects, tuple(routes), junctions, regions, width, height)


def _reading_order(box: Box, index: int) -> tuple[int, int, int, int]:
    return (not box.uncovered, box.priority or 4, -STATUS_RANK.get(box.status or "up", 0), index)


def _layers(graph: DrawingGraph) -> dict[str, int]:
    """Longest-path depth, assets before applications before care processes; lone assets move right."""
    boxes = {box.key: box for box in graph.boxes}
    needs: dict[str, list[str]] = {key: [] for key in boxes}
    needed_by: dict[str, list[str]] = {key: [] for key in boxes}
    for link in graph.links:
        if link.source not in needs[link.target]:
            needs[link.target].append(link.source)
            needed_by[link.source].append(link.target)
    order = _topological(list(boxes), needs, needed_by)
    layer: dict[str, int] = {}
    for key in order:
        if boxes[key].category == "asset":
            layer[key] = 1 + max((layer[n] for n in needs[key] if n in layer), default=-1)
    application_floor = max(layer.values(), default=-1) + 1
    for key in order:
        if boxes[key].category != "process":
            floor = 0 if boxes[key].category == "asset" else application_floor
            layer[key] = max(floor, 1 + max((layer[n] for n in needs[key]), default=-1))
    process_layer = max(layer.values(), default=-1) + 1
    for key in order:
        if boxes[key].category == "process":
            layer[key] = process_layer
    for key in reversed(order):
        box = boxes[key]
        if box.category == "process" or needs[key] or not needed_by[key]:
            continue
        ceiling = application_floor - 1 if box.category == "asset" else process_layer - 1
        layer[key] = max(layer[key], min(ceiling, min(layer[d] for d in needed_by[key]) - 1))
    return _split_tall_columns(layer, list(boxes), needed_by, process_layer)


def _split_tall_columns(
    layer: Mapping[str, int], keys: Sequence[str], needed_by: Mapping[str, list[str]], process_layer: int
) -> dict[str, int]:
    """Spread a column of more than MAX_ROWS boxes over several, so the drawing is not a tower.

    Boxes of one column never need each other, so any of them can move one column right once
    every later column moves too. Dead ends go first: only boxes that something needs pass their
    links across the new columns.
    """
    split: dict[str, int] = {}
    shift = 0
    for step in range(process_layer + 1):
        column = [key for key in keys if layer[key] == step]
        parts = 1 if step == process_layer else -(-len(column) // MAX_ROWS)
        size = -(-len(column) // max(parts, 1))
        ranked = sorted(column, key=lambda key: bool(needed_by[key]))
        for i, key in enumerate(ranked):
            split[key] = step + shift + (i // size if parts > 1 else 0)
        shift += max(parts, 1) - 1
    return split


def _topological(
    keys: Sequence[str], needs: Mapping[str, list[str]], needed_by: Mapping[str, list[str]]
) -> list[str]:
    waiting = {key: len(needs[key]) for key in keys}
    ready = [key for key in keys if waiting[key] == 0]
    order: list[str] = []
    while ready:
        key = ready.pop(0)
        order.append(key)
        for dependant in needed_by[key]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                ready.append(dependant)
    if len(order) != len(keys):
        raise ValueError("the drawing graph has a cycle")
    return order


def _chain(
    link: Link, layer: Mapping[str, int], trunk_points: dict[tuple[str, int], str], taken: set[str]
) -> tuple[str, ...]:
    """Source, the trunk point of the source in every column crossed, target.

    Trunk points are named apart from every box (whatever characters node ids hold).
    """
    start, end = layer[link.source], layer[link.target]
    trunk = []
    for step in range(start + 1, end):
        point = trunk_points.get((link.source, step))
        if point is None:
            point = f"~{link.source}@{step}"
            while point in taken:
                point = "~" + point
            trunk_points[(link.source, step)] = point
            taken.add(point)
        trunk.append(point)
    return (link.source, *trunk, link.target)


def _order(
    columns: list[list[str]],
    segments: Sequence[tuple[str, str]],
    layer: Mapping[str, int],
    *,
    fixed_last: bool,
) -> list[list[str]]:
    """Barycentre sweeps, right to left then left to right; keep the order with fewest crossings."""
    left_of: dict[str, list[str]] = {}
    right_of: dict[str, list[str]] = {}
    for u, v in segments:
        right_of.setdefault(u, []).append(v)
        left_of.setdefault(v, []).append(u)
    current = [list(column) for column in columns]
    best = [list(column) for column in current]
    best_crossings = _crossings(current, segments, layer)
    last = len(current) - 1
    for sweep in range(SWEEPS):
        if sweep % 2 == 0:
            steps, neighbours, reference = range(last - 1, -1, -1), right_of, 1
        else:
            steps, neighbours, reference = range(1, last + 1), left_of, -1
        for step in steps:
            if step == last and fixed_last:
                continue
            position = {key: i for i, key in enumerate(current[step + reference])}
            here = {key: i for i, key in enumerate(current[step])}

            barycentre: dict[str, tuple[float, int]] = {}
            for key in current[step]:
                seen = [position[n] for n in neighbours.get(key, ()) if n in position]
                barycentre[key] = (sum(seen) / len(seen) if seen else float(here[key]), here[key])
            current[step] = sorted(current[step], key=barycentre.__getitem__)
        crossings = _crossings(current, segments, layer)
        if crossings < best_crossings:
            best, best_crossings = [list(column) for column in current], crossings
    if len(segments) <= TRANSPOSE_LIMIT:  # a polish worth its time only on drawings people can read
        _transpose(best, left_of, right_of, fixed_last=fixed_last)
    return best


def _transpose(
    columns: list[list[str]],
    left_of: Mapping[str, list[str]],
    right_of: Mapping[str, list[str]],
    *,
    fixed_last: bool,
) -> None:
    """Swap neighbours within a column while that removes crossings (the barycentre leaves some)."""
    position = {key: i for column in columns for i, key in enumerate(column)}

    def crossings(upper: str, lower: str) -> int:
        return sum(
            1
            for neighbours in (left_of, right_of)
            for a in neighbours.get(upper, ())
            for b in neighbours.get(lower, ())
            if position[a] > position[b]
        )

    last = len(columns) - 1
    for _ in range(TRANSPOSE_ROUNDS):
        improved = False
        for step, column in enumerate(columns):
            if step == last and fixed_last:
                continue
            for j in range(len(column) - 1):
                upper, lower = column[j], column[j + 1]
                if crossings(lower, upper) < crossings(upper, lower):
                    column[j], column[j + 1] = lower, upper
                    position[upper], position[lower] = j + 1, j
                    improved = True
        if not improved:
            return


def _crossings(
    columns: Sequence[Sequence[str]], segments: Sequence[tuple[str, str]], layer: Mapping[str, int]
) -> int:
    position = {key: i for column in columns for i, key in enumerate(column)}
    by_gap: dict[int, list[tuple[int, int]]] = {}
    for u, v in segments:
        by_gap.setdefault(layer[u], []).append((position[u], position[v]))
    total = 0
    for pairs in by_gap.values():
        pairs.sort()
        seen: list[int] = []
        for _, lower in pairs:
            total += len(seen) - bisect_right(seen, lower)
            seen.insert(bisect_right(seen, lower), lower)
    return total


def _half(key: str, boxes: Mapping[str, Box]) -> float:
    return BOX_HEIGHT / 2 if key in boxes else 0.0


def _gap(upper: str, lower: str, boxes: Mapping[str, Box]) -> float:
    if upper in boxes and lower in boxes:
        return BOX_HEIGHT + ROW_GAP
    return _half(upper, boxes) + _half(lower, boxes) + TRUNK_GAP


def _heights(
    columns: Sequence[Sequence[str]], segments: Sequence[tuple[str, str]], boxes: Mapping[str, Box]
) -> dict[str, float]:
    """Centre heights: each column pulled toward its neighbours, never closer than the gaps allow."""
    neighbours: dict[str, list[str]] = {}
    for u, v in segments:
        neighbours.setdefault(u, []).append(v)
        neighbours.setdefault(v, []).append(u)
    middle: dict[str, float] = {}
    for column in columns:
        y = 0.0
        for i, key in enumerate(column):
            y += _gap(column[i - 1], key, boxes) if i else 0.0
            middle[key] = y
    tallest = max((middle[c[-1]] for c in columns if c), default=0.0)
    for column in columns:
        if column:
            shift = (tallest - middle[column[-1]]) / 2
            for key in column:
                middle[key] += shift
    order = list(range(len(columns)))
    for round_ in range(SMOOTHING_ROUNDS):
        for step in order if round_ % 2 == 0 else reversed(order):
            column = columns[step]
            if not column:
                continue
            targets = []
            weights = []
            for key in column:
                seen = [middle[n] for n in neighbours.get(key, ())]
                targets.append(sum(seen) / len(seen) if seen else middle[key])
                weights.append(float(max(1, len(seen))))
            offsets = [0.0]
            for upper, lower in pairwise(column):
                offsets.append(offsets[-1] + _gap(upper, lower, boxes))
            fitted = _isotonic([t - o for t, o in zip(targets, offsets, strict=True)], weights)
            for key, z, offset in zip(column, fitted, offsets, strict=True):
                middle[key] = z + offset
    return middle


def _isotonic(values: Sequence[float], weights: Sequence[float]) -> list[float]:
    """The non-decreasing sequence closest to `values` in weighted least squares (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [weighted sum, weight, length]
    for value, weight in zip(values, weights, strict=True):
        blocks.append([value * weight, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight_sum, length = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight_sum
            blocks[-1][2] += length
    fitted: list[float] = []
    for total, weight_sum, length in blocks:
        fitted += [total / weight_sum] * int(length)
    return fitted


def _ports(
    graph: DrawingGraph,
    chains: Mapping[Link, tuple[str, ...]],
    rects: Mapping[str, Rect],
    middle: Mapping[str, float],
    origin: float,
) -> tuple[dict[Link, Point], dict[str, tuple[Point, Point]]]:
    """Where each link arrives: a slot on the left side of its target, or its group's junction dot."""

    def arriving_height(link: Link) -> float:
        before = chains[link][-2]
        return rects[before].middle if before in rects else origin + middle[before]

    # a slot is a junction ("junction", key) or a direct link ("link", source, kind)
    slots: dict[str, dict[tuple[str, ...], list[float]]] = {}
    for link in graph.links:
        slot = _slot(link)
        slots.setdefault(link.target, {}).setdefault(slot, []).append(arriving_height(link))
    slot_point: dict[tuple[str, tuple[str, ...]], Point] = {}
    for target, by_slot in slots.items():
        rect = rects[target]
        ranked = sorted(by_slot, key=lambda s: (sum(by_slot[s]) / len(by_slot[s]), s))
        for i, slot in enumerate(ranked):
            slot_point[(target, slot)] = (rect.x, rect.y + (i + 1) * rect.height / (len(ranked) + 1))
    junctions: dict[str, tuple[Point, Point]] = {}
    for target, by_slot in slots.items():
        # dots at least JUNCTION_GAP apart, centred on their ports, so labels never pile up
        groups = sorted((slot_point[(target, s)][1], s) for s in by_slot if s[0] == "junction")
        spread = [y for y, _ in groups]
        for i in range(1, len(spread)):
            spread[i] = max(spread[i], spread[i - 1] + JUNCTION_GAP)
        shift = (sum(spread) - sum(y for y, _ in groups)) / len(groups) if groups else 0.0
        for (y, slot), dot_y in zip(groups, spread, strict=True):
            x = rects[target].x
            junctions[slot[1]] = ((x - JUNCTION_OFFSET, dot_y - shift), (x, y))
    ports: dict[Link, Point] = {}
    for link in graph.links:
        if link.junction is not None:
            ports[link] = junctions[link.junction][0]
        else:
            ports[link] = slot_point[(link.target, _slot(link))]
    return ports, junctions


def _slot(link: Link) -> tuple[str, ...]:
    return ("junction", link.junction) if link.junction is not None else ("link", link.source, link.kind)


def _regions(
    graph: DrawingGraph,
    layer: Mapping[str, int],
    x_of: Callable[[int], float],
    right_of: Callable[[int], float],
) -> tuple[Region, ...]:
    categories: tuple[Category, ...] = ("asset", "application", "process")
    spans: dict[Category, list[int]] = {}
    for box in graph.boxes:
        spans.setdefault(box.category, []).append(layer[box.key])
    regions = []
    for category in categories:
        steps = spans.get(category)
        if steps:
            regions.append(Region(category, x_of(min(steps)), right_of(max(steps))))
    return tuple(regions)
