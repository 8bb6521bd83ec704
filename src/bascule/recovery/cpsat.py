"""The CP-SAT model of the restoration plan.

Only tasks that can matter to a care process still to come back are modelled (the others can
always be placed afterwards without delaying any process, so the optimum is the same). Per task:
a start and, per qualified team, an optional interval; per team a cumulative (or no-overlap)
constraint with its member count. Per node that can change, an availability time A >= each of
its requirement times; a group "at least K of L" gets one boolean per member, at least K of them
true, each forcing the group time above that member's A: the group time is then at least the K-th
smallest, and minimisation makes it equal. The objective is sum of weight x A over processes.

Times are integers: hours times the smallest scale that makes every duration and release time
whole; when none does, minutes rounded up (still a valid plan, but the bound is then not used).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from bascule.recovery.availability import requirement_time
from bascule.recovery.listschedule import Schedule
from bascule.recovery.problem import NEVER, RestorationProblem

WORKERS = 2  # the target machine has two cores
_SCALES = (1, 2, 4, 10, 12, 20, 60, 100, 1000)
_FALLBACK_SCALE = 60


@dataclass(frozen=True)
class CpResult:
    """A CP-SAT answer for the modelled tasks: start hours and team, plus what it proved."""

    starts: dict[int, tuple[float, int]]  # task -> (start hours, team)
    bound: float | None  # lower bound on the modelled objective, in weighted hours (exact scale only)
    objective: float | None
    modelled: frozenset[int]  # processes (indices into problem.processes) in the objective


def choose_scale(values: Sequence[float]) -> tuple[int, bool]:
    """The smallest scale making every value an integer, and whether one was found."""
    for scale in _SCALES:
        if all(abs(v * scale - round(v * scale)) < 1e-7 for v in values):
            return scale, True
    return _FALLBACK_SCALE, False


def solve(
    problem: RestorationProblem,
    relevant: Sequence[int],
    relevant_nodes: set[int],
    waiting: Sequence[int],
    earliest: Sequence[float],
    hint: Schedule,
    hint_available: Sequence[float],
    time_limit: float,
) -> CpResult | None:
    """Optimise the `relevant` tasks for the `waiting` processes (indices into problem.processes)
    within `time_limit` seconds, building the model included."""
    deadline = time.monotonic() + time_limit
    tasks = problem.tasks
    relevant_set = set(relevant)
    started = [t for t, task in enumerate(tasks) if task.started_at is not None]
    times = (
        [problem.at]
        + [tasks[t].hours for t in relevant]
        + [r for r in problem.released if r < NEVER]
        + [v for t in started for v in (tasks[t].started_at or 0.0, tasks[t].hours)]
    )
    scale, exact = choose_scale(times)

    def up(hours: float) -> int:
        return math.ceil(hours * scale - 1e-7)

    horizon = up(
        max(
            [
                problem.at,
                *(r for r in problem.released if r < NEVER),
                *((tasks[t].started_at or 0.0) + tasks[t].hours for t in started),
            ]
        )
    )
    horizon += sum(up(task.hours) for task in tasks) + 1  # all tasks: the hint may place others first

    # interchangeable tasks start in index order; the hint is permuted to match
    classes = interchangeable(problem, relevant)
    hint_start = {t: hint.start[t] for t in relevant}
    hint_team = {t: hint.team[t] for t in relevant}
    hint_available = list(hint_available)
    for members in classes:
        placed = sorted((hint.start[t], hint.team[t], hint_available[tasks[t].node]) for t in members)
        for t, (begin, team, available) in zip(members, placed, strict=True):
            hint_start[t], hint_team[t] = begin, team
            hint_available[tasks[t].node] = available

    model = cp_model.CpModel()
    start_var: dict[int, cp_model.IntVar] = {}
    presence: dict[tuple[int, int], cp_model.IntVar] = {}
    intervals: dict[int, list[cp_model.IntervalVar]] = {k: [] for k in range(len(problem.team_ids))}
    for t in started:
        task = tasks[t]
        begin = math.floor((task.started_at or 0.0) * scale + 1e-7)
        size = up((task.started_at or 0.0) + task.hours) - begin
        intervals[task.teams[0]].append(model.new_fixed_size_interval_var(begin, size, f"busy{t}"))
    for t in relevant:
        task = tasks[t]
        size = up(task.hours)
        lowest = up(max(problem.at, earliest_start(problem, t, earliest)))
        start = model.new_int_var(lowest, horizon, f"s{t}")
        start_var[t] = start
        model.add_hint(start, up(hint_start[t]))
        if len(task.teams) == 1:
            intervals[task.teams[0]].append(model.new_fixed_size_interval_var(start, size, f"i{t}"))
            continue
        choices = []
        for k in task.teams:
            chosen = model.new_bool_var(f"x{t}_{k}")
            presence[t, k] = chosen
            model.add_hint(chosen, hint_team[t] == k)
            intervals[k].append(model.new_optional_fixed_size_interval_var(start, size, chosen, f"i{t}_{k}"))
            choices.append(chosen)
        model.add_exactly_one(choices)
    for members in classes:
        for before, after in itertools.pairwise(members):
            model.add(start_var[before] <= start_var[after])
    for k, team_intervals in intervals.items():
        if not team_intervals:
            continue
        if problem.team_members[k] == 1:
            model.add_no_overlap(team_intervals)
        else:
            model.add_cumulative(team_intervals, [1] * len(team_intervals), problem.team_members[k])

    # availability of the nodes that can still change: those with a modelled task upstream
    variable = [False] * problem.size
    for node in range(problem.size):
        own = problem.task_of[node]
        variable[node] = (
            node in relevant_nodes
            and earliest[node] < NEVER
            and (
                (own is not None and own in relevant_set)
                or any(variable[m] for r in problem.needs[node] for m in r.members)
            )
        )
    avail: dict[int, cp_model.IntVar] = {}

    def value_of(node: int) -> cp_model.IntVar | int:
        return avail[node] if variable[node] else up(earliest[node])

    for node in range(problem.size):
        if not variable[node]:
            continue
        a = model.new_int_var(up(earliest[node]), horizon, f"a{node}")
        avail[node] = a
        model.add_hint(a, up(hint_available[node]))
        own = problem.task_of[node]
        if own is not None and own in relevant_set:
            model.add(a >= start_var[own] + up(tasks[own].hours))
        for r in range(len(problem.needs[node])):
            needed = _requirement_var(
                model, problem, node, r, value_of, variable, earliest, hint_available, horizon, up
            )
            if needed is None:
                continue
            model.add(a >= needed)
            if own is not None and own in relevant_set:
                model.add(start_var[own] >= needed)

    weights = []
    terms = []
    modelled = set()
    for i in waiting:
        node, priority = problem.processes[i]
        if variable[node]:
            terms.append(avail[node])
            weights.append(problem.weight(priority))
            modelled.add(i)
    if not terms:
        return None
    model.minimize(cp_model.LinearExpr.weighted_sum(terms, weights))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, deadline - time.monotonic())
    solver.parameters.num_workers = WORKERS
    solver.parameters.random_seed = 1
    # CP-SAT's own Ctrl-C handler restores the C default when it is done, behind Python's back: a
    # later Ctrl-C then killed a server (demo --serve, a serve that re-planned) instead of stopping it.
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    starts: dict[int, tuple[float, int]] = {}
    for t in relevant:
        team = tasks[t].teams[0]
        if len(tasks[t].teams) > 1:
            team = next(k for k in tasks[t].teams if solver.boolean_value(presence[t, k]))
        starts[t] = (solver.value(start_var[t]) / scale, team)
    bound = solver.best_objective_bound / scale if exact else None
    return CpResult(
        starts,
        bound,
        solver.objective_value / scale,
        frozenset(modelled),
    )


def interchangeable(problem: RestorationProblem, relevant: Sequence[int]) -> list[list[int]]:
    """Classes of tasks that can trade places in any plan without changing anything: same hours,
    teams, needs and release, and members of exactly the same groups (hosts of one cluster)."""
    memberships: dict[int, list[tuple[int, int]]] = {}
    for owner, requirements in enumerate(problem.needs):
        for r, requirement in enumerate(requirements):
            for member in requirement.members:
                memberships.setdefault(member, []).append((owner, r))
    processes = {node for node, _ in problem.processes}
    classes: dict[object, list[int]] = {}
    for t in relevant:
        task = problem.tasks[t]
        node = task.node
        if node in processes:
            continue
        key = (
            task.hours,
            task.teams,
            problem.needs[node],
            problem.released[node],
            tuple(sorted(memberships.get(node, []))),
        )
        classes.setdefault(key, []).append(t)
    return [sorted(members) for members in classes.values() if len(members) > 1]


def earliest_start(problem: RestorationProblem, task: int, earliest: Sequence[float]) -> float:
    node = problem.tasks[task].node
    ready = 0.0
    for requirement in problem.needs[node]:
        ready = max(ready, requirement_time(requirement, earliest))
    return ready


def _requirement_var(
    model: cp_model.CpModel,
    problem: RestorationProblem,
    node: int,
    r: int,
    value_of: Callable[[int], cp_model.IntVar | int],
    variable: Sequence[bool],
    earliest: Sequence[float],
    hint_available: Sequence[float],
    horizon: int,
    up: Callable[[float], int],
) -> cp_model.IntVar | int | None:
    """The time requirement r of node is met: a member's A, a constant, or a K-th-order variable."""
    requirement = problem.needs[node][r]
    members = [m for m in requirement.members if earliest[m] < NEVER]
    if not any(variable[m] for m in members):
        return up(requirement_time(requirement, earliest))
    if len(members) == 1 or requirement.at_least == len(members):
        if len(members) == 1:
            value: cp_model.IntVar | int = value_of(members[0])
            return value
        group_all = model.new_int_var(0, horizon, f"g{node}_{r}")
        for m in members:
            model.add(group_all >= value_of(m))
        model.add_hint(group_all, up(requirement_time(requirement, hint_available)))
        return group_all
    group = model.new_int_var(up(requirement_time(requirement, earliest)), horizon, f"g{node}_{r}")
    hinted = requirement_time(requirement, hint_available)
    model.add_hint(group, up(hinted))
    counted = []
    for m in members:
        counts = model.new_bool_var(f"c{node}_{r}_{m}")
        model.add(group >= value_of(m)).only_enforce_if(counts)
        model.add_hint(counts, hint_available[m] <= hinted)
        counted.append(counts)
    model.add(sum(counted) >= requirement.at_least)
    return group
