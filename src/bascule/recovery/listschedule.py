"""Serial list scheduling: take tasks in a priority order, each as early as a member is free.

A task is *released* once each of its requirements has K members back (times known from the
tasks already placed); among released tasks the one first in the priority list goes next, on
the qualified member that lets it start soonest. This is the baseline the plan must never be
worse than, and the engine the better priority rules and the CP-SAT clean-up reuse.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bascule.recovery.problem import NEVER, RestorationProblem


@dataclass(frozen=True)
class Schedule:
    """Per task: start, end, team and member (index within the team); NEVER/-1 when blocked."""

    start: tuple[float, ...]
    end: tuple[float, ...]
    team: tuple[int, ...]
    member: tuple[int, ...]

    def __post_init__(self) -> None:
        if not (len(self.start) == len(self.end) == len(self.team) == len(self.member)):
            raise ValueError("a schedule has one start, end, team and member per task")


def dependants(problem: RestorationProblem) -> list[list[tuple[int, int]]]:
    """For each node, the (owner node, requirement index) pairs it is a member of."""
    result: list[list[tuple[int, int]]] = [[] for _ in range(problem.size)]
    for owner, requirements in enumerate(problem.needs):
        for r, requirement in enumerate(requirements):
            for member in requirement.members:
                result[member].append((owner, r))
    return result


def list_schedule(
    problem: RestorationProblem,
    order: Sequence[int],
    fixed_team: Sequence[int] | None = None,
    links: list[list[tuple[int, int]]] | None = None,
    pinned: Mapping[int, tuple[float, int, int]] | None = None,
) -> Schedule:
    """Place the tasks in the priority `order` (task indices, each once).

    `fixed_team[t]` >= 0 keeps task t on that team (to left-shift a CP-SAT solution); `pinned`
    tasks keep their (start, team, member), as work under way always does.
    """
    tasks = problem.tasks
    links = dependants(problem) if links is None else links
    rank = [0] * len(tasks)
    for position, ordered in enumerate(order):
        rank[ordered] = position
    start = [NEVER] * len(tasks)
    end = [NEVER] * len(tasks)
    team_of = [-1] * len(tasks)
    member_of = [-1] * len(tasks)
    free = [[-NEVER] * members for members in problem.team_members]

    fixed = dict(pinned or {})
    for t, task in enumerate(tasks):
        if task.started_at is not None and t not in fixed:  # under way: keeps a member till it ends
            fixed[t] = (task.started_at, task.teams[0], -1)
    for t, (begin, team, member) in sorted(fixed.items(), key=lambda item: item[1][0]):
        if member < 0:
            member = min(range(len(free[team])), key=free[team].__getitem__)
        start[t], end[t] = begin, begin + tasks[t].hours
        team_of[t], member_of[t] = team, member
        free[team][member] = max(free[team][member], end[t])
    free = [[max(f, problem.at) for f in members] for members in free]

    size = problem.size
    waiting = [len(problem.needs[n]) for n in range(size)]
    got: list[list[list[float]]] = [[[] for _ in problem.needs[n]] for n in range(size)]
    ready = [0.0] * size
    available = [NEVER] * size
    released: list[tuple[int, int, float]] = []  # heap of (rank, task, release time)

    def settle(node: int) -> list[int]:
        """The node's requirements are all met: release its task, or fix its time."""
        t = problem.task_of[node]
        if t is not None and t not in fixed and ready[node] < NEVER:
            heapq.heappush(released, (rank[t], t, ready[node]))
            return []
        time = max(problem.released[node], ready[node])
        if t is not None:
            time = max(time, end[t])
        available[node] = time
        return [node]

    def propagate(known: list[int]) -> None:
        while known:
            node = known.pop()
            value = available[node]
            for owner, r in links[node]:
                values = got[owner][r]
                requirement = problem.needs[owner][r]
                if _met(values, requirement.at_least, len(requirement.members)):  # settled already
                    continue
                values.append(value)
                if _met(values, requirement.at_least, len(requirement.members)):
                    ready[owner] = max(ready[owner], _kth(values, requirement.at_least))
                    waiting[owner] -= 1
                    if waiting[owner] == 0:
                        known.extend(settle(owner))

    initial: list[int] = []
    for node in range(size):
        if waiting[node] == 0:
            initial.extend(settle(node))
    propagate(initial)

    while released:
        _, t, release = heapq.heappop(released)
        task = tasks[t]
        best: tuple[float, float, int, int] | None = None
        teams = task.teams if fixed_team is None or fixed_team[t] < 0 else (fixed_team[t],)
        for team in teams:
            for member, free_at in enumerate(free[team]):
                begin = max(release, free_at, problem.at)
                # soonest start, then the member idle the least before it
                key = (begin, -free_at, team, member)
                if best is None or key < best:
                    best = key
        assert best is not None
        begin, _, team, member = best
        start[t], end[t] = begin, begin + task.hours
        team_of[t], member_of[t] = team, member
        free[team][member] = end[t]
        node = task.node
        available[node] = max(problem.released[node], ready[node], end[t])
        propagate([node])
    return Schedule(tuple(start), tuple(end), tuple(team_of), tuple(member_of))


def _met(values: list[float], at_least: int, members: int) -> bool:
    """A group is settled once K members are back at finite times, or every member is known."""
    if len(values) == members:
        return True
    return sum(1 for v in values if v < NEVER) >= at_least


def _kth(values: list[float], at_least: int) -> float:
    return sorted(values)[at_least - 1]
