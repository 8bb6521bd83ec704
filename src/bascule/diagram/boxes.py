"""The graph that gets drawn: boxes (one node, or several alike nodes collapsed), links and junctions.

A map of ~300 nodes is unreadable drawn node by node, so assets that are interchangeable on the
drawing (same kind, segment, supplier and status, needing and needed by the same boxes in the same
way) are collapsed into one box with a count. Interchangeable is computed by partition refinement:
start from groups of alike assets, split any group whose members see different neighbour groups,
until nothing splits. Applications and care processes are never collapsed: their names matter.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bascule.diagram.impact_view import HIT_CAUSES, ImpactView, Status, group_status, worst
from bascule.errors import UserError
from bascule.hospital.model import Application, Asset, CareProcess, HospitalMap, Node

Category = Literal["asset", "application", "process"]
LinkKind = Literal["need", "optional", "group"]

# How one node relates to a node it needs: a plain need, an optional one, or a member of the
# group at that position of its `needs`, with K and the group size.
Relation = tuple[str, int, int, int]
_NEED: Relation = ("need", 0, 0, 0)
_OPTIONAL: Relation = ("optional", 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Box:
    """One rectangle of the drawing: a node, or `len(members)` interchangeable assets."""

    key: str
    members: tuple[str, ...]
    category: Category
    label: str
    kind: str
    segment: str | None
    supplier: str | None
    status: Status | None
    cause: str | None
    priority: int | None = None
    fallback: str | None = None
    fallback_title: str = ""
    uncovered: bool = False
    units: int = 1
    folded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.members:
            raise ValueError("a box draws at least one node")
        if self.category == "process" and self.priority is None:
            raise ValueError(f"{self.key}: a care process box needs its priority")

    @property
    def collapsed(self) -> bool:
        return len(self.members) > 1

    @property
    def hit(self) -> bool:
        return self.cause in HIT_CAUSES


@dataclass(frozen=True, slots=True)
class Junction:
    """An `any` / `at_least` group of a box's needs, drawn as a dot labelled "K of N"."""

    key: str
    target: str
    position: int
    at_least: int
    size: int
    status: Status | None

    def __post_init__(self) -> None:
        if not 1 <= self.at_least <= self.size:
            raise ValueError(f"{self.key}: at_least must be between 1 and the group size")


@dataclass(frozen=True, slots=True)
class Link:
    """`source` is needed by `target` (directly, optionally, or through the junction `junction`)."""

    source: str
    target: str
    kind: LinkKind
    junction: str | None = None

    def __post_init__(self) -> None:
        if (self.kind == "group") != (self.junction is not None):
            raise ValueError("exactly the group links go through a junction")


@dataclass(frozen=True, slots=True)
class DrawingGraph:
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    junctions: tuple[Junction, ...]
    hidden: int

    def box(self, key: str) -> Box:
        return self._by_key[key]

    @property
    def _by_key(self) -> Mapping[str, Box]:
        return {box.key: box for box in self.boxes}


def category_of(node: Node) -> Category:
    if isinstance(node, CareProcess):
        return "process"
    if isinstance(node, Application):
        return "application"
    return "asset"


def relations(node: Node) -> Iterable[tuple[str, Relation]]:
    """Every (needed id, relation) of `node`, each id once per relation."""
    for position, requirement in enumerate(node.needs):
        if requirement.grouped:
            relation = ("group", position, requirement.at_least, len(requirement.members))
            for member in dict.fromkeys(requirement.members):
                yield member, relation
        else:
            yield requirement.members[0], _NEED
    for optional in dict.fromkeys(node.optional):
        yield optional, _OPTIONAL


def focus_nodes(hospital_map: HospitalMap, focus: Iterable[str]) -> list[str]:
    """The focused ids with everything they need and everything that needs them, in map order."""
    wanted = list(dict.fromkeys(focus))
    nodes = hospital_map.nodes
    for node_id in wanted:
        if node_id not in nodes:
            close = difflib.get_close_matches(node_id, list(nodes), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            indice = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            raise UserError(
                f'Cannot focus on "{node_id}": the map has no such node{hint}.',
                fr=f"Impossible de centrer sur « {node_id} » : la carte n'a pas ce nœud{indice}.",
            )
    needs: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    needed_by: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for node in nodes.values():
        for needed, _relation in relations(node):
            needs[node.id].append(needed)
            needed_by[needed].append(node.id)
    kept: set[str] = set()
    for edges in (needs, needed_by):
        seen = set(wanted)
        stack = list(wanted)
        while stack:
            for neighbour in edges[stack.pop()]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    stack.append(neighbour)
        kept |= seen
    return [node_id for node_id in nodes if node_id in kept]


def build(
    hospital_map: HospitalMap,
    impact: ImpactView | None,
    *,
    focus: Sequence[str] = (),
    collapse: bool = True,
    affected_only: bool = False,
) -> DrawingGraph:
    """The boxes, links and junctions that draw `hospital_map`.

    `focus` keeps the given nodes with what they need and what needs them; `affected_only` keeps
    the nodes that the impact leaves degraded or down.
    """
    nodes = hospital_map.nodes
    shown = focus_nodes(hospital_map, focus) if focus else list(nodes)
    if affected_only:
        if impact is None:
            raise UserError(
                "Drawing only what is affected needs a scenario or hits (--down, --isolate, --supplier).",
                fr="Ne dessiner que ce qui est touché demande un scénario ou des pannes (--down, --isolate, --supplier).",
            )
        shown = [node_id for node_id in shown if impact.status(node_id) != "up"]
    shown_set = set(shown)
    status = {n: _status(impact, n) for n in shown}
    edges = {n: [(m, r) for m, r in relations(nodes[n]) if m in shown_set] for n in shown}
    classes = (
        _refine(hospital_map, shown, edges, status, impact, set(focus))
        if collapse
        else {n: i for i, n in enumerate(shown)}
    )
    members: dict[int, list[str]] = {}
    for node_id in shown:
        members.setdefault(classes[node_id], []).append(node_id)
    keys = _box_keys(list(members.values()), nodes)
    box_key = {node_id: keys[i] for i, group in enumerate(members.values()) for node_id in group}
    boxes = tuple(
        _make_box(hospital_map, impact, group, status, keys[i]) for i, group in enumerate(members.values())
    )
    links: dict[tuple[str, str, LinkKind, str | None], None] = {}
    junction_shape: dict[str, tuple[str, int, int, int]] = {}
    for needer in shown:
        for needed, (kind, position, at_least, size) in edges[needer]:
            target = box_key[needer]
            junction = None
            if kind == "group":
                junction = f"{target}#{position}.{at_least}.{size}"
                junction_shape[junction] = (target, position, at_least, size)
            link_kind: LinkKind = "group" if kind == "group" else "optional" if kind == "optional" else "need"
            links[(box_key[needed], target, link_kind, junction)] = None
    box_members = {keys[i]: group for i, group in enumerate(members.values())}
    junctions = []
    for key, (target, position, at_least, size) in junction_shape.items():
        junction_status: Status | None = None
        if impact is not None:
            junction_status = worst(
                [
                    group_status([impact.status(m) for m in nodes[needer].needs[position].members], at_least)
                    for needer in box_members[target]
                ]
            )
        junctions.append(Junction(key, target, position, at_least, size, junction_status))
    all_links = tuple(Link(s, t, k, j) for s, t, k, j in links)
    if collapse and not focus:
        boxes, all_links = _fold_private(boxes, all_links)
    return DrawingGraph(
        boxes=boxes, links=all_links, junctions=tuple(junctions), hidden=len(nodes) - len(shown)
    )


def _fold_private(
    boxes: tuple[Box, ...], links: tuple[Link, ...]
) -> tuple[tuple[Box, ...], tuple[Link, ...]]:
    """Fold each server that serves one box only into that box ("+ 2 servers"), unless it is hit.

    Only plain needs are folded, so no group or optional dependency disappears from the drawing.
    """
    by_key = {box.key: box for box in boxes}
    outgoing: dict[str, dict[Link, None]] = {box.key: {} for box in boxes}
    incoming: dict[str, dict[Link, None]] = {box.key: {} for box in boxes}
    for link in links:
        outgoing[link.source][link] = None
        incoming[link.target][link] = None
    folded: dict[str, list[str]] = {}
    changed = True
    while changed:
        changed = False
        for box in boxes:
            if box.key not in by_key or not _foldable(by_key[box.key]):
                continue
            out, into = list(outgoing[box.key]), list(incoming[box.key])
            if len(out) != 1 or out[0].kind != "need" or any(link.kind != "need" for link in into):
                continue
            host = out[0].target
            if by_key[host].category == "process":
                continue
            del outgoing[box.key], incoming[box.key]
            incoming[host].pop(out[0])
            for link in into:
                outgoing[link.source].pop(link)
                moved = Link(link.source, host, "need")
                outgoing[link.source][moved] = None
                incoming[host][moved] = None
            folded.setdefault(host, []).extend([*box.members, *box.folded, *folded.pop(box.key, [])])
            del by_key[box.key]
            changed = True
    kept = tuple(
        replace(by_key[box.key], folded=tuple(folded[box.key])) if box.key in folded else by_key[box.key]
        for box in boxes
        if box.key in by_key
    )
    return kept, tuple(link for box in kept for link in outgoing[box.key])


FOLDABLE_KINDS = frozenset({"server", "vm"})


def _foldable(box: Box) -> bool:
    return box.category == "asset" and box.kind in FOLDABLE_KINDS and not box.hit


def _status(impact: ImpactView | None, node_id: str) -> Status | None:
    if impact is None:
        return None
    value = impact.status(node_id)
    if value not in ("up", "degraded", "down"):
        raise ValueError(f"{node_id}: unknown status {value!r}")
    return value  # type: ignore[return-value]


def _refine(
    hospital_map: HospitalMap,
    shown: Sequence[str],
    edges: Mapping[str, list[tuple[str, Relation]]],
    status: Mapping[str, Status | None],
    impact: ImpactView | None,
    focused: set[str],
) -> dict[str, int]:
    """Coarsest partition of alike assets in which members see the same neighbour classes."""
    nodes = hospital_map.nodes
    needed_by: dict[str, list[tuple[str, Relation]]] = {n: [] for n in shown}
    for needer in shown:
        for needed, relation in edges[needer]:
            needed_by[needed].append((needer, relation))

    def start_key(node_id: str) -> Hashable:
        node = nodes[node_id]
        if not isinstance(node, Asset) or node_id in focused:
            return ("single", node_id)
        cause = impact.cause(node_id) if impact is not None else None
        return ("asset", node.kind, node.segment, node.supplier, node.site, status[node_id], cause)

    classes = _numbered(shown, start_key)
    while True:
        current = classes

        signatures: dict[str, Hashable] = {
            node_id: (
                current[node_id],
                frozenset((current[m], r) for m, r in edges[node_id]),
                frozenset((current[d], r) for d, r in needed_by[node_id]),
            )
            for node_id in shown
        }
        classes = _numbered(shown, signatures.__getitem__)
        if len(set(classes.values())) == len(set(current.values())):
            return classes


def _numbered(shown: Sequence[str], key_of: Callable[[str], Hashable]) -> dict[str, int]:
    """Number the classes of `key_of` in order of first appearance, so the result is deterministic."""
    numbers: dict[Hashable, int] = {}
    return {node_id: numbers.setdefault(key_of(node_id), len(numbers)) for node_id in shown}


def _box_keys(groups: Sequence[Sequence[str]], taken: Mapping[str, object]) -> list[str]:
    """A box is named by its node, or "first+N" for N more; never the name of another node."""
    keys = []
    for group in groups:
        key = group[0] if len(group) == 1 else f"{group[0]}+{len(group) - 1}"
        while len(group) > 1 and key in taken:
            key += "+"
        keys.append(key)
    return keys


_LOOSE_ENDS = " -_.,;:#/(·"
_TRAILING_NUMBER = re.compile(r"[\s\-_.#]*\d+[a-z]?$", re.IGNORECASE)


def _common_label(labels: Sequence[str]) -> str:
    """What alike labels share ("ESXi host 01", "ESXi host 02" -> "ESXi host"), or "" if nothing useful."""
    stems = {_TRAILING_NUMBER.sub("", label).strip() for label in labels}
    if len(stems) == 1:
        return stems.pop().rstrip(_LOOSE_ENDS)
    prefix = labels[0]
    for label in labels[1:]:
        while not label.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip(_LOOSE_ENDS + "0123456789").rstrip(_LOOSE_ENDS)
    if prefix.count("(") > prefix.count(")"):
        prefix = prefix[: prefix.rindex("(")].rstrip(_LOOSE_ENDS)
    return prefix if len(prefix) >= 3 else ""


def _procedure_title(hospital_map: HospitalMap, procedure_id: str | None) -> str:
    if procedure_id is None:
        return ""
    procedure = hospital_map.procedures_by_id.get(procedure_id)
    return (procedure.title if procedure is not None else "") or procedure_id


def _make_box(
    hospital_map: HospitalMap,
    impact: ImpactView | None,
    group: Sequence[str],
    status: Mapping[str, Status | None],
    key: str,
) -> Box:
    first = hospital_map.nodes[group[0]]
    cause = impact.cause(first.id) if impact is not None else None
    kind = first.kind if isinstance(first, Asset) else category_of(first)
    units = sum(n.count for n in (hospital_map.nodes[m] for m in group) if isinstance(n, Asset))
    label = first.label if len(group) == 1 else _common_label([hospital_map.nodes[m].label for m in group])
    if isinstance(first, CareProcess):
        return Box(
            key=key,
            members=tuple(group),
            category="process",
            label=label,
            kind=kind,
            segment=first.segment,
            supplier=first.supplier,
            status=status[first.id],
            cause=cause,
            priority=first.priority,
            fallback=first.fallback,
            fallback_title=_procedure_title(hospital_map, first.fallback),
            uncovered=impact is not None and impact.is_uncovered(first.id),
        )
    return Box(
        key=key,
        members=tuple(group),
        category=category_of(first),
        label=label or kind,
        kind=kind,
        segment=first.segment,
        supplier=first.supplier,
        status=status[first.id],
        cause=cause,
        units=max(units, 1),
    )
