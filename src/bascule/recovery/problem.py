"""The restoration problem (contract 3 of DESIGN.md), checked and numbered for the solvers.

Every node gets an *availability time*: the first hour at which it is no longer down. It is

    A(n) = max(H(n), max over n's requirements of the K-th smallest A of the members)

where H(n) is when n stops being hit: the end of its restoration task if it was declared down
(`at` if it is already done), the reconnection of its isolated segment, the return of its
supplier (infinite when the scenario does not say it comes back), 0 when it is not hit.
Everything only comes back, never goes down again, so these times describe the whole plan.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bascule.errors import ScenarioError, UserError
from bascule.hospital.model import PRIORITY_WEIGHTS, CareProcess, HospitalMap
from bascule.hospital.naming import did_you_mean

NEVER = math.inf

# A started task: since when (hours) and, when known, on which team.
StartedWork = float | tuple[float, str | None]


@dataclass(frozen=True, slots=True)
class RestorationTask:
    """Rebuilding one declared node: `hours` of one member of one of `teams`."""

    node: int  # index into RestorationProblem.node_ids
    hours: float
    teams: tuple[int, ...]  # indices of the teams whose skills meet the node's
    started_at: float | None = None  # in progress since then, on `teams[0]`

    def __post_init__(self) -> None:
        if self.hours < 0 or not self.teams:
            raise ValueError("a restoration task needs a duration and at least one team")
        if self.started_at is not None and len(self.teams) != 1:
            raise ValueError("work under way is kept on exactly one team")

    @property
    def started(self) -> bool:
        return self.started_at is not None


@dataclass(frozen=True, slots=True)
class Requirement:
    members: tuple[int, ...]
    at_least: int


@dataclass(frozen=True)
class RestorationProblem:
    """Nodes in dependency order (every node after what it needs), tasks, teams and times."""

    node_ids: tuple[str, ...]
    needs: tuple[tuple[Requirement, ...], ...]  # per node, its non-optional requirements
    released: tuple[float, ...]  # per node: when it stops being hit, apart from its own task
    task_of: tuple[int | None, ...]  # per node: its task index, if it is to be restored
    tasks: tuple[RestorationTask, ...]
    team_ids: tuple[str, ...]
    team_members: tuple[int, ...]
    processes: tuple[tuple[int, int], ...]  # (node index, priority) in map order
    at: float

    def __post_init__(self) -> None:
        count = len(self.node_ids)
        if not (len(self.needs) == len(self.released) == len(self.task_of) == count):
            raise ValueError("per-node tables must all have one entry per node")
        for node, requirements in enumerate(self.needs):
            for requirement in requirements:
                if any(member >= node for member in requirement.members):
                    raise ValueError("nodes must come after what they need")
        if self.at < 0:
            raise ValueError("the plan cannot start before the incident")

    @property
    def size(self) -> int:
        return len(self.node_ids)

    def weight(self, priority: int) -> int:
        return PRIORITY_WEIGHTS[priority]


def build_problem(
    hospital_map: HospitalMap,
    *,
    down: Iterable[str] = (),
    isolate: Iterable[str] = (),
    suppliers: Iterable[str] = (),
    reconnect: Mapping[str, float] | None = None,
    supplier_back: Mapping[str, float] | None = None,
    done: Iterable[str] = (),
    started: Mapping[str, StartedWork] | None = None,
    at: float = 0.0,
) -> RestorationProblem:
    """Check the scenario and the progress against the map, and number everything."""
    nodes = hospital_map.nodes
    down_ids = _known(list(dict.fromkeys(down)), nodes, "node")
    isolated = set(_known(isolate, hospital_map.segment_ids, "segment"))
    hit_suppliers = set(_known(suppliers, hospital_map.supplier_ids, "supplier"))
    reconnect = dict(reconnect or {})
    supplier_back = dict(supplier_back or {})
    _known(reconnect, hospital_map.segment_ids, "segment")
    _known(supplier_back, hospital_map.supplier_ids, "supplier")
    for what, times in (("reconnection", reconnect), ("supplier return", supplier_back)):
        for key, hours in times.items():
            if not math.isfinite(hours) or hours < 0:
                raise ScenarioError(f"The {what} time of {key} must be a number of hours, not {hours}.")
    if not math.isfinite(at) or at < 0:
        raise UserError(f"The plan's time --at must be a number of hours from the incident, not {at}.")
    done_ids = set(_progress_ids(done, nodes, down_ids, "done"))
    started = dict(started or {})
    _progress_ids(started, nodes, down_ids, "started")
    both = sorted(done_ids & set(started))
    if both:
        raise UserError(f"{both[0]} cannot be both done and started; give it only once.")

    order = _dependency_order(hospital_map)
    index = {node_id: i for i, node_id in enumerate(order)}
    team_ids = tuple(team.id for team in hospital_map.teams)
    team_index = {team_id: i for i, team_id in enumerate(team_ids)}
    released: list[float] = []
    for node_id in order:
        node = nodes[node_id]
        time = 0.0
        if node.segment in isolated:
            time = max(time, reconnect.get(node.segment, NEVER))
        if node.supplier in hit_suppliers:
            time = max(time, supplier_back.get(node.supplier, NEVER))
        if node_id in done_ids:
            time = max(time, at)  # known restored by now, not when
        released.append(time)

    tasks: list[RestorationTask] = []
    task_of: list[int | None] = [None] * len(order)
    busy = dict.fromkeys(team_ids, 0)
    for node_id in sorted((d for d in down_ids if d not in done_ids), key=index.__getitem__):
        node = nodes[node_id]
        teams = tuple(i for i, team in enumerate(hospital_map.teams) if team.can_restore(node))
        if not teams and node.skills:
            raise UserError(
                f"No team can restore {node_id}: it needs one of the skills {', '.join(node.skills)}; "
                "give one of them to a team in the map."
            )
        if not teams:
            raise UserError(f"No team can restore {node_id}: the map has no teams; add the IT teams to it.")
        started_at: float | None = None
        if node_id in started:
            started_at, teams = _started_on(
                node_id, started[node_id], teams, team_index, at, busy, hospital_map
            )
        task_of[index[node_id]] = len(tasks)
        tasks.append(RestorationTask(index[node_id], node.restore_hours, teams, started_at))

    needs = tuple(
        tuple(Requirement(tuple(index[m] for m in r.members), r.at_least) for r in nodes[node_id].needs)
        for node_id in order
    )
    processes = tuple((index[p.id], p.priority) for p in hospital_map.processes if isinstance(p, CareProcess))
    return RestorationProblem(
        node_ids=tuple(order),
        needs=needs,
        released=tuple(released),
        task_of=tuple(task_of),
        tasks=tuple(tasks),
        team_ids=team_ids,
        team_members=tuple(team.members for team in hospital_map.teams),
        processes=processes,
        at=float(at),
    )


def _known(ids: Iterable[str], known: Iterable[str], what: str) -> list[str]:
    known = list(known)
    ids = list(ids)
    for item in ids:
        if item not in known:
            raise ScenarioError(f'The map has no {what} "{item}"{did_you_mean(item, known)}.')
    return ids


def _progress_ids(
    ids: Iterable[str], nodes: Mapping[str, object], down: Sequence[str], flag: str
) -> list[str]:
    ids = list(ids)
    for item in ids:
        if item not in nodes:
            raise UserError(f'--{flag} names "{item}", which is not in the map{did_you_mean(item, nodes)}.')
        if item not in down:
            raise UserError(
                f'--{flag} names "{item}", which is not declared down, so it has no restoration task'
                f"{did_you_mean(item, down)}."
            )
    return ids


def _started_on(
    node_id: str,
    work: StartedWork,
    teams: tuple[int, ...],
    team_index: Mapping[str, int],
    at: float,
    busy: dict[str, int],
    hospital_map: HospitalMap,
) -> tuple[float, tuple[int, ...]]:
    """When and on which team work under way runs; a team not given is one with a free member."""
    since, team_id = work if isinstance(work, tuple) else (work, None)
    if not math.isfinite(since) or since < 0:
        raise UserError(f"{node_id} was started at {since} h; give a number of hours from the incident.")
    if since > at:
        raise UserError(f"{node_id} was started at {since} h, after the plan's time {at} h; give --at.")
    members = {team.id: team.members for team in hospital_map.teams}
    if team_id is None:
        free = [i for i in teams if busy[hospital_map.teams[i].id] < members[hospital_map.teams[i].id]]
        if not free:
            raise UserError(f"{node_id} is under way but every team able to restore it is fully busy.")
        chosen = max(free, key=lambda i: members[hospital_map.teams[i].id] - busy[hospital_map.teams[i].id])
    else:
        if team_id not in team_index:
            raise UserError(f'The map has no team "{team_id}"{did_you_mean(team_id, team_index)}.')
        chosen = team_index[team_id]
        if chosen not in teams:
            raise UserError(f"Team {team_id} lacks the skills to restore {node_id}; name another team.")
        if busy[team_id] >= members[team_id]:
            raise UserError(f"Team {team_id} has more work under way than members; check --started.")
    busy[hospital_map.teams[chosen].id] += 1
    return float(since), (chosen,)


def _dependency_order(hospital_map: HospitalMap) -> list[str]:
    """Node ids so that each comes after every node it needs (stable: map order otherwise)."""
    nodes = hospital_map.nodes
    position = {node_id: i for i, node_id in enumerate(nodes)}
    waiting = {node_id: len(set(node.required_ids())) for node_id, node in nodes.items()}
    dependants: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for node_id, node in nodes.items():
        for needed in set(node.required_ids()):
            dependants[needed].append(node_id)
    ready = [(position[n], n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node_id = heapq.heappop(ready)
        order.append(node_id)
        for owner in dependants[node_id]:
            waiting[owner] -= 1
            if waiting[owner] == 0:
                heapq.heappush(ready, (position[owner], owner))
    if len(order) != len(nodes):
        stuck = sorted(n for n, count in waiting.items() if count > 0)
        raise UserError(f"The map's needs form a cycle through {stuck[0]}; break it to plan restoration.")
    return order
