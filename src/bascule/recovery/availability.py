"""When each node comes back, given when each restoration task ends: the plan's truth.

Whatever produced a schedule (list scheduling, CP-SAT), its ETAs and objective are computed
here from the task end times alone, so no solver shortcut can leak into what is reported.
"""

from __future__ import annotations

from collections.abc import Sequence

from bascule.recovery.problem import NEVER, Requirement, RestorationProblem


def requirement_time(requirement: Requirement, available: Sequence[float]) -> float:
    """When at least K members are back: the K-th smallest of their availability times."""
    members = requirement.members
    if len(members) == 1:
        return available[members[0]]
    times = sorted(available[m] for m in members)
    return times[requirement.at_least - 1]


def ready_time(problem: RestorationProblem, node: int, available: Sequence[float]) -> float:
    """When every requirement of `node` is met (0 when it needs nothing)."""
    ready = 0.0
    for requirement in problem.needs[node]:
        ready = max(ready, requirement_time(requirement, available))
    return ready


def availability(problem: RestorationProblem, task_end: Sequence[float]) -> list[float]:
    """The availability time of every node; `task_end[i]` is NEVER for a task not scheduled."""
    available: list[float] = []
    for node in range(problem.size):
        time = max(problem.released[node], ready_time(problem, node, available))
        task = problem.task_of[node]
        if task is not None:
            time = max(time, task_end[task])
        available.append(time)
    return available


def earliest_availability(problem: RestorationProblem) -> tuple[list[float], list[float]]:
    """Availability and task ends with unlimited teams: the bound no plan can beat.

    Tasks that can never start (they need something that never comes back) end at NEVER.
    """
    available: list[float] = []
    ends = [NEVER] * len(problem.tasks)
    for node in range(problem.size):
        ready = ready_time(problem, node, available)
        time = max(problem.released[node], ready)
        task_index = problem.task_of[node]
        if task_index is not None:
            task = problem.tasks[task_index]
            if task.started_at is not None:
                ends[task_index] = task.started_at + task.hours
            elif ready < NEVER:
                ends[task_index] = max(ready, problem.at) + task.hours
            time = max(time, ends[task_index])
        available.append(time)
    return available, ends


def objective(problem: RestorationProblem, available: Sequence[float]) -> float:
    """Sum of weight x ETA over the care processes that come back (those that never do are
    listed with a null ETA and left out: no finite plan can change them)."""
    total = 0.0
    for node, priority in problem.processes:
        eta = available[node]
        if eta < NEVER:
            total += problem.weight(priority) * eta
    return total
