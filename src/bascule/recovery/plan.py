"""The restoration plan: which team restores what, when, and when each care process comes back.

`plan()` builds the problem, schedules it with the baseline priority list, with better priority
rules, then with CP-SAT warm-started from the best of those, and returns the best plan found: it
is never worse than the baseline list schedule. Every reported figure is recomputed from the task
times (`availability`), whatever produced them.

Care processes that can never come back within the plan (they need a segment never reconnected or a
supplier that does not return) get `eta_hours: null` and are left out of the objective: no plan can
change them. Restoration tasks that can never start for the same reason are listed in `blocked`.

`solver` is "cp-sat" when the plan returned is CP-SAT's (possibly equal to its warm start, which it
then confirmed or proved optimal), "greedy" when it is a list schedule (CP-SAT not needed, out of
time, or no better). `status` is "optimal" when proved (CP-SAT optimality on exact times, or the
objective meets the lower bound), else "feasible". `lower_bound` is the larger of CP-SAT's bound
(exact time scale only) and the bound with unlimited teams.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.recovery.availability import availability, earliest_availability, objective
from bascule.recovery.listschedule import Schedule, dependants, list_schedule
from bascule.recovery.priorities import (
    baseline_order,
    evaluate_order,
    greedy_sequence,
    improve_sequence,
    needed_tasks,
    sequence_order,
    upstream_tasks,
    waiting_processes,
)
from bascule.recovery.problem import NEVER, RestorationProblem, StartedWork, build_problem
from bascule.scenario import Scenario

if TYPE_CHECKING:
    from bascule.recovery import cpsat

Solver = Literal["cp-sat", "greedy"]
Status = Literal["optimal", "feasible"]
_LOCAL_SEARCH_SHARE = 0.25  # of the time limit, for large plans where CP-SAT needs a good start
_LOCAL_SEARCH_FROM = 150  # modelled tasks


@dataclass(frozen=True, slots=True)
class PlannedTask:
    node: str
    team: str
    member: int  # 0-based index of the team member doing it
    start: float
    end: float
    brings_back: tuple[str, ...]  # care processes that come back when it ends

    def __post_init__(self) -> None:
        if self.end < self.start or self.member < 0:
            raise ValueError(f"{self.node}: a planned task ends after it starts, on a real member")


@dataclass(frozen=True, slots=True)
class ProcessEta:
    process: str
    priority: int
    eta_hours: float | None  # None: never within the plan


@dataclass(frozen=True)
class Plan:
    tasks: tuple[PlannedTask, ...]  # by start time
    processes: tuple[ProcessEta, ...]  # in map order
    objective: float
    lower_bound: float
    solver: Solver
    status: Status
    baseline_objective: float  # the simple priority list schedule's
    blocked: tuple[str, ...]  # declared nodes whose task can never start
    at: float

    def __post_init__(self) -> None:
        if self.objective > self.baseline_objective + 1e-6 * max(1.0, self.baseline_objective):
            raise ValueError("a plan is never worse than the baseline list schedule")

    def to_json(self) -> dict[str, Any]:
        """Contract 3's document (with extra fields: member, brings_back, baseline, blocked, at)."""
        return {
            "tasks": [
                {
                    "node": t.node,
                    "team": t.team,
                    "start": _hours(t.start),
                    "end": _hours(t.end),
                    "member": t.member,
                    "brings_back": list(t.brings_back),
                }
                for t in self.tasks
            ],
            "processes": {
                p.process: {
                    "priority": p.priority,
                    "eta_hours": None if p.eta_hours is None else _hours(p.eta_hours),
                }
                for p in self.processes
            },
            "objective": _hours(self.objective),
            "lower_bound": _hours(self.lower_bound),
            "solver": self.solver,
            "status": self.status,
            "baseline_objective": _hours(self.baseline_objective),
            "blocked": list(self.blocked),
            "at": _hours(self.at),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Plan:
        """The plan a stored `to_json()` document describes (for faces that keep plans)."""
        tasks = tuple(
            PlannedTask(
                t["node"],
                t["team"],
                int(t["member"]),
                float(t["start"]),
                float(t["end"]),
                tuple(t["brings_back"]),
            )
            for t in document["tasks"]
        )
        processes = tuple(
            ProcessEta(process, int(p["priority"]), None if p["eta_hours"] is None else float(p["eta_hours"]))
            for process, p in document["processes"].items()
        )
        return cls(
            tasks,
            processes,
            float(document["objective"]),
            float(document["lower_bound"]),
            document["solver"],
            document["status"],
            float(document["baseline_objective"]),
            tuple(document["blocked"]),
            float(document["at"]),
        )


def _hours(value: float) -> float:
    return round(float(value), 6)


def plan(
    hospital_map: HospitalMap,
    down: Scenario | Iterable[str] = (),
    isolate: Iterable[str] = (),
    suppliers: Iterable[str] = (),
    reconnect: Mapping[str, float] | None = None,
    supplier_back: Mapping[str, float] | None = None,
    done: Iterable[str] | Mapping[str, float] = (),
    started: Mapping[str, StartedWork] | None = None,
    at: float = 0.0,
    time_limit: float = 10.0,
) -> Plan:
    """The best restoration plan found within `time_limit` seconds (contract 3).

    Every time is in hours since the incident: `reconnect` and `supplier_back` say when outside
    things come back, `at` is now (no new task starts before it), `done` lists nodes already
    restored (back at `at`) or maps them to the hour they came back, and `started` maps a node
    under way to the hour its restoration began, or to (hour, team id); it keeps a member of that
    team until it ends.

    Pass the `Scenario` whole (`plan(map, scenario, at=...)`); the loose `down, isolate,
    suppliers, reconnect, supplier_back` remain for the Python API of contract 4.
    """
    if isinstance(down, Scenario):
        scenario = down
        down, isolate, suppliers = scenario.down, scenario.isolate, scenario.suppliers
        reconnect, supplier_back = scenario.reconnect, scenario.supplier_back
    if not time_limit > 0:
        raise UserError(
            f"The time limit must be a positive number of seconds, not {time_limit}.",
            fr=f"La limite de temps doit être un nombre positif de secondes, pas {time_limit}.",
        )
    deadline = time.monotonic() + time_limit
    problem = build_problem(
        hospital_map,
        down=down,
        isolate=isolate,
        suppliers=suppliers,
        reconnect=reconnect,
        supplier_back=supplier_back,
        done=done,
        started=started,
        at=at,
    )
    return solve_problem(problem, deadline)


@dataclass(frozen=True)
class _Candidate:
    value: float
    schedule: Schedule
    solver: Solver


def solve_problem(problem: RestorationProblem, deadline: float) -> Plan:
    earliest, earliest_ends = earliest_availability(problem)
    links = dependants(problem)
    base = baseline_order(problem)
    baseline_value, baseline_schedule = evaluate_order(problem, base, links)
    best = _Candidate(baseline_value, baseline_schedule, "greedy")
    lower_bound = objective(problem, earliest)
    waiting = waiting_processes(problem, earliest)
    relevant_nodes: set[int] = set()
    relevant_tasks: set[int] = set()
    for i in waiting:
        node = problem.processes[i][0]
        relevant_tasks |= upstream_tasks(problem, node)
        relevant_nodes |= _upstream_nodes(problem, node)
    relevant = sorted(
        t for t in relevant_tasks if earliest_ends[t] < NEVER and problem.tasks[t].started_at is None
    )

    if relevant and best.value > lower_bound:
        needed = needed_tasks(problem, earliest)
        sequences = []
        for priority_first in (False, True):
            sequence = greedy_sequence(problem, needed, waiting, by_priority_first=priority_first)
            value, schedule = evaluate_order(problem, sequence_order(problem, sequence, needed, base), links)
            sequences.append((value, sequence, schedule))
            if value < best.value:
                best = _Candidate(value, schedule, "greedy")
        if len(relevant) >= _LOCAL_SEARCH_FROM:
            value, sequence, schedule = min(sequences, key=lambda item: item[0])
            budget = _LOCAL_SEARCH_SHARE * max(0.0, deadline - time.monotonic())
            _, (value, schedule) = improve_sequence(
                problem,
                sequence,
                lambda s: sequence_order(problem, s, needed, base),
                (value, schedule),
                links,
                time.monotonic() + budget,
            )
            if value < best.value:
                best = _Candidate(value, schedule, "greedy")

        if best.value > lower_bound:
            from bascule.recovery import cpsat  # OR-Tools loads in half a second: only when solving
        # leave time to turn CP-SAT's answer into the plan (about 0.4 ms per task)
        remaining = deadline - time.monotonic() - 0.1 - 0.0004 * len(problem.tasks)
        if best.value > lower_bound:
            result = cpsat.solve(
                problem,
                relevant,
                relevant_nodes,
                waiting,
                earliest,
                best.schedule,
                availability(problem, best.schedule.end),
                remaining,
            )
            if result is not None:
                for schedule in _from_cp(problem, result, base, links):
                    value = objective(problem, availability(problem, schedule.end))
                    if value <= best.value + 1e-9:
                        best = _Candidate(value, schedule, "cp-sat")
                if result.bound is not None:
                    constant = sum(
                        problem.weight(priority) * earliest[node]
                        for i, (node, priority) in enumerate(problem.processes)
                        if earliest[node] < NEVER and i not in result.modelled
                    )
                    lower_bound = max(lower_bound, result.bound + constant)

    # a proof of optimality by CP-SAT (exact scale) shows here too: its bound then equals the objective
    status: Status = "optimal" if best.value <= lower_bound + 1e-6 * max(1.0, lower_bound) else "feasible"
    return _to_plan(problem, best, baseline_value, min(lower_bound, best.value), status, earliest_ends)


def _upstream_nodes(problem: RestorationProblem, node: int) -> set[int]:
    seen = {node}
    stack = [node]
    while stack:
        current = stack.pop()
        for requirement in problem.needs[current]:
            for member in requirement.members:
                if member not in seen:
                    seen.add(member)
                    stack.append(member)
    return seen


def _from_cp(
    problem: RestorationProblem,
    result: cpsat.CpResult,
    base: Sequence[int],
    links: list[list[tuple[int, int]]],
) -> list[Schedule]:
    """CP-SAT's times as they are (members by interval colouring), and left-shifted on the same
    teams in the same order; the other tasks follow in the baseline order."""
    modelled = sorted(result.starts, key=lambda t: (result.starts[t][0], t))
    pinned: dict[int, tuple[float, int, int]] = {}
    member_free: dict[int, list[float]] = {k: [-NEVER] * m for k, m in enumerate(problem.team_members)}
    for t, task in enumerate(problem.tasks):
        if task.started_at is not None:
            free = member_free[task.teams[0]]
            m = min(range(len(free)), key=free.__getitem__)
            pinned[t] = (task.started_at, task.teams[0], m)
            free[m] = task.started_at + task.hours
    for t in modelled:
        begin, team = result.starts[t]
        free = member_free[team]
        m = min(range(len(free)), key=free.__getitem__)
        if free[m] > begin + 1e-9:  # CP-SAT's rounding made room that the colouring cannot find
            break
        pinned[t] = (begin, team, m)
        free[m] = begin + problem.tasks[t].hours
    else:
        rest = [t for t in base if t not in result.starts]
        as_is = list_schedule(problem, rest, links=links, pinned=pinned)
        fixed = [-1] * len(problem.tasks)
        for t in modelled:
            fixed[t] = result.starts[t][1]
        shifted = list_schedule(problem, modelled + rest, fixed_team=fixed, links=links)
        return [as_is, shifted]
    return []


def _to_plan(
    problem: RestorationProblem,
    best: _Candidate,
    baseline_value: float,
    lower_bound: float,
    status: Status,
    earliest_ends: Sequence[float],
) -> Plan:
    schedule = best.schedule
    available = availability(problem, schedule.end)
    ids = problem.node_ids
    brings_back: dict[int, list[str]] = {}
    for node, _ in problem.processes:
        eta = available[node]
        if 0 < eta < NEVER:
            for t in sorted(upstream_tasks(problem, node)):
                if abs(schedule.end[t] - eta) < 1e-9:
                    brings_back.setdefault(t, []).append(ids[node])
    tasks = [
        PlannedTask(
            ids[task.node],
            problem.team_ids[schedule.team[t]],
            schedule.member[t],
            schedule.start[t],
            schedule.end[t],
            tuple(brings_back.get(t, ())),
        )
        for t, task in enumerate(problem.tasks)
        if schedule.start[t] < NEVER
    ]
    tasks.sort(key=lambda p: (p.start, p.team, p.member, p.node))
    processes = tuple(
        ProcessEta(ids[node], priority, available[node] if available[node] < NEVER else None)
        for node, priority in problem.processes
    )
    blocked = tuple(ids[task.node] for t, task in enumerate(problem.tasks) if earliest_ends[t] == NEVER)
    return Plan(
        tuple(tasks),
        processes,
        best.value,
        lower_bound,
        best.solver,
        status,
        baseline_value,
        blocked,
        problem.at,
    )
