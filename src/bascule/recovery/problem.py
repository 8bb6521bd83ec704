"""The restoration problem (contract 3 of DESIGN.md), checked and numbered for the solvers.

Every node gets an *availability time*: the first hour at which it is no longer down. It is

    A(n) = max(H(n), max over n's requirements of the K-th smallest A of the members)

where H(n) is when n stops being hit: the end of its restoration task if it was declared down
(when it was done, `at` if not said), the reconnection of its isolated segment, the return of its
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
# The French words for the kinds of ids and times named in refusals.
_QUOI = {
    "node": "nœud",
    "segment": "segment",
    "supplier": "fournisseur",
    "reconnection": "reconnexion",
    "supplier return": "retour fournisseur",
}

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
    done: Iterable[str] | Mapping[str, float] = (),
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
                raise ScenarioError(
                    f"The {what} time of {key} must be a number of hours, not {hours}.",
                    fr=f"L'heure de {_QUOI.get(what, what)} de {key} doit être un nombre d'heures, pas {hours}.",
                )
    if not math.isfinite(at) or at < 0:
        raise UserError(
            f"The plan's time --at must be a number of hours from the incident, not {at}.",
            fr=f"L'heure du plan --at doit être un nombre d'heures depuis l'incident, pas {at}.",
        )
    finished = dict(done) if isinstance(done, Mapping) else dict.fromkeys(done, at)
    done_ids = set(_progress_ids(finished, nodes, down_ids, "done"))
    for node_id, hours in finished.items():
        if not math.isfinite(hours) or not 0 <= hours <= at:
            raise UserError(
                f"{node_id} was done at {hours} h; give a time between 0 and now ({at} h).",
                fr=f"{node_id} a été terminé à {hours} h ; donnez une heure entre 0 et maintenant ({at} h).",
            )
    started = dict(started or {})
    _progress_ids(started, nodes, down_ids, "started")
    both = sorted(done_ids & set(started))
    if both:
        raise UserError(
            f"{both[0]} cannot be both done and started; give it only once.",
            fr=f"{both[0]} ne peut pas être à la fois terminé et commencé ; donnez-le une seule fois.",
        )

    order = _dependency_order(hospital_map)
    index = {node_id: i for i, node_id in enumerate(order)}
    team_ids = tuple(team.id for team in hospital_map.teams)
    released: list[float] = []
    for node_id in order:
        node = nodes[node_id]
        time = 0.0
        if node.segment in isolated:
            time = max(time, reconnect.get(node.segment, NEVER))
        if node.supplier in hit_suppliers:
            time = max(time, supplier_back.get(node.supplier, NEVER))
        if node_id in done_ids:
            time = max(time, finished[node_id])
        released.append(time)

    restored = sorted((d for d in down_ids if d not in done_ids), key=index.__getitem__)
    eligible: dict[str, tuple[int, ...]] = {}
    for node_id in restored:
        node = nodes[node_id]
        eligible[node_id] = tuple(i for i, team in enumerate(hospital_map.teams) if team.can_restore(node))
        if not eligible[node_id] and node.skills:
            raise UserError(
                f"No team can restore {node_id}: it needs one of the skills {', '.join(node.skills)}; "
                "give one of them to a team in the map.",
                fr=f"Aucune équipe ne peut restaurer {node_id} : il lui faut l'une des compétences {', '.join(node.skills)} ; "
                "donnez l'une d'elles à une équipe dans la carte.",
            )
        if not eligible[node_id]:
            raise UserError(
                f"No team can restore {node_id}: the map has no teams; add the IT teams to it.",
                fr=f"Aucune équipe ne peut restaurer {node_id} : la carte n'a pas d'équipes ; ajoutez-y les équipes informatiques.",
            )
    under_way = _assign_started(started, eligible, hospital_map, at)
    tasks: list[RestorationTask] = []
    task_of: list[int | None] = [None] * len(order)
    for node_id in restored:
        since, team = under_way.get(node_id, (None, -1))
        teams = (team,) if since is not None else eligible[node_id]
        task_of[index[node_id]] = len(tasks)
        tasks.append(RestorationTask(index[node_id], nodes[node_id].restore_hours, teams, since))

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
            raise ScenarioError(
                f'The map has no {what} "{item}"{did_you_mean(item, known)}.',
                fr=f"La carte n'a pas de {_QUOI.get(what, what)} « {item} »{did_you_mean(item, known, 'fr')}.",
            )
    return ids


def _progress_ids(
    ids: Iterable[str], nodes: Mapping[str, object], down: Sequence[str], flag: str
) -> list[str]:
    ids = list(ids)
    for item in ids:
        if item not in nodes:
            raise UserError(
                f'--{flag} names "{item}", which is not in the map{did_you_mean(item, nodes)}.',
                fr=f"--{flag} nomme « {item} », qui n'est pas dans la carte{did_you_mean(item, nodes, 'fr')}.",
            )
        if item not in down:
            raise UserError(
                f'--{flag} names "{item}", which is not declared down, so it has no restoration task'
                f"{did_you_mean(item, down)}.",
                fr=f"--{flag} nomme « {item} », qui n'est pas déclaré en panne et n'a donc pas de tâche de restauration"
                f"{did_you_mean(item, down, 'fr')}.",
            )
    return ids


def _assign_started(
    started: Mapping[str, StartedWork],
    eligible: Mapping[str, tuple[int, ...]],
    hospital_map: HospitalMap,
    at: float,
) -> dict[str, tuple[float, int]]:
    """When and on which team each piece of work under way runs. A team not named is one that has
    a member free all along; no team ever runs more work at once than it has members."""
    teams = hospital_map.teams
    team_index = {team.id: i for i, team in enumerate(teams)}
    spans: list[list[tuple[float, float]]] = [[] for _ in teams]

    def crowd(team: int, begin: float, end: float) -> int:
        """How many members of `team` would be busy at the busiest moment of [begin, end)."""
        moments = [begin] + [b for b, _ in spans[team] if begin < b < end]
        return max(sum(1 for b, e in spans[team] if b <= m < e) for m in moments) + 1

    resolved: dict[str, tuple[float, int]] = {}
    unnamed: list[tuple[str, float]] = []
    for node_id, work in started.items():
        since, team_id = work if isinstance(work, tuple) else (work, None)
        if not math.isfinite(since) or since < 0:
            raise UserError(
                f"{node_id} was started at {since} h; give a number of hours from the incident.",
                fr=f"{node_id} a été commencé à {since} h ; donnez un nombre d'heures depuis l'incident.",
            )
        if since > at:
            raise UserError(
                f"{node_id} was started at {since} h, after the plan's time {at} h; give --at.",
                fr=f"{node_id} a été commencé à {since} h, après l'heure du plan {at} h ; donnez --at.",
            )
        if team_id is None:
            unnamed.append((node_id, float(since)))
            continue
        if team_id not in team_index:
            raise UserError(
                f'The map has no team "{team_id}"{did_you_mean(team_id, team_index)}.',
                fr=f"La carte n'a pas d'équipe « {team_id} »{did_you_mean(team_id, team_index, 'fr')}.",
            )
        chosen = team_index[team_id]
        if chosen not in eligible[node_id]:
            raise UserError(
                f"Team {team_id} lacks the skills to restore {node_id}; name another team.",
                fr=f"L'équipe {team_id} n'a pas les compétences pour restaurer {node_id} ; nommez une autre équipe.",
            )
        end = since + hospital_map.nodes[node_id].restore_hours
        if end > since and crowd(chosen, since, end) > teams[chosen].members:
            raise UserError(
                f"Team {team_id} would have more work under way than members; check --started.",
                fr=f"L'équipe {team_id} aurait plus de travaux en cours que de membres ; vérifiez --started.",
            )
        if end > since:
            spans[chosen].append((since, end))
        resolved[node_id] = (float(since), chosen)
    unnamed.sort(key=lambda item: (len(eligible[item[0]]), item[1], item[0]))
    for node_id, since in unnamed:
        end = since + hospital_map.nodes[node_id].restore_hours
        room = [(teams[k].members - crowd(k, since, end), k) for k in eligible[node_id]]
        spare, chosen = max(room, key=lambda item: (item[0], -item[1]))
        if end > since and spare < 0:
            raise UserError(
                f"{node_id} is under way but every team able to restore it is fully busy; name its team.",
                fr=f"{node_id} est en cours mais toutes les équipes capables de le restaurer sont occupées ; nommez son équipe.",
            )
        if end > since:
            spans[chosen].append((since, end))
        resolved[node_id] = (since, chosen)
    return resolved


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
        raise UserError(
            f"The map's needs form a cycle through {stuck[0]}; break it to plan restoration.",
            fr=f"Les besoins de la carte forment un cycle passant par {stuck[0]} ; rompez-le pour planifier la restauration.",
        )
    return order
