"""Priority orders for list scheduling, from the plain baseline to a process-by-process rule.

- `baseline_order`: each task ranked by the best priority among the care processes it helps bring
  back (then how many of them, then dependency order). This is the "simple priority list" the
  plan is measured against and never worse than.
- `process_sequence_order`: care processes taken one at a time, the most weight per hour of
  work still missing first (Smith's rule), each contributing the tasks it still needs.
- `improve_sequence`: a local search over that sequence of processes, within a deadline.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from bascule.recovery.availability import availability, objective
from bascule.recovery.listschedule import Schedule, list_schedule
from bascule.recovery.problem import NEVER, RestorationProblem

NO_PROCESS = 5  # rank of a task that brings back no care process: after all priorities


def upstream_tasks(problem: RestorationProblem, node: int) -> set[int]:
    """Every task that can matter to `node`: its own and those of all members of its needs."""
    seen = {node}
    stack = [node]
    tasks: set[int] = set()
    while stack:
        current = stack.pop()
        task = problem.task_of[current]
        if task is not None:
            tasks.add(task)
        for requirement in problem.needs[current]:
            for member in requirement.members:
                if member not in seen:
                    seen.add(member)
                    stack.append(member)
    return tasks


def baseline_order(problem: RestorationProblem) -> list[int]:
    best = [NO_PROCESS] * len(problem.tasks)
    count = [0] * len(problem.tasks)
    for node, priority in problem.processes:
        for task in upstream_tasks(problem, node):
            if priority < best[task]:
                best[task], count[task] = priority, 1
            elif priority == best[task]:
                count[task] += 1
    return sorted(range(len(problem.tasks)), key=lambda t: (best[t], -count[t], problem.tasks[t].node))


def needed_tasks(problem: RestorationProblem, earliest: Sequence[float]) -> list[frozenset[int]]:
    """Per node, the tasks it needs on its quickest way back: in each group, the K members that
    can come back soonest (unlimited teams), and recursively what they need."""
    needed: list[frozenset[int]] = []
    work: list[float] = []
    for node in range(problem.size):
        tasks: set[int] = set()
        for requirement in problem.needs[node]:
            members = sorted(requirement.members, key=lambda m: (earliest[m], work[m]))
            for member in members[: requirement.at_least]:
                tasks |= needed[member]
        task = problem.task_of[node]
        if task is not None and problem.tasks[task].started_at is None:
            tasks.add(task)
        needed.append(frozenset(tasks))
        work.append(sum(problem.tasks[t].hours for t in tasks))
    return needed


def waiting_processes(problem: RestorationProblem, earliest: Sequence[float]) -> list[int]:
    """Indices (into problem.processes) of the processes a plan can still bring back sooner."""
    return [i for i, (node, _) in enumerate(problem.processes) if 0 < earliest[node] < NEVER]


def greedy_sequence(
    problem: RestorationProblem,
    needed: Sequence[frozenset[int]],
    candidates: Sequence[int],
    by_priority_first: bool = False,
) -> list[int]:
    """Processes in the order of most weight per missing hour of work, recomputed as tasks are
    taken (work shared with processes already chosen is free)."""
    missing = {i: sum(problem.tasks[t].hours for t in needed[problem.processes[i][0]]) for i in candidates}
    sharing: dict[int, list[int]] = {}  # task -> candidate processes that need it
    for i in candidates:
        for t in needed[problem.processes[i][0]]:
            sharing.setdefault(t, []).append(i)
    covered: set[int] = set()
    sequence: list[int] = []

    def key(i: int) -> tuple[float, float, int]:
        priority = problem.processes[i][1]
        ratio = problem.weight(priority) / max(missing[i], 1e-6)
        return (float(priority) if by_priority_first else 0.0, -ratio, i)

    while missing:
        chosen = min(missing, key=key)
        del missing[chosen]
        sequence.append(chosen)
        for t in needed[problem.processes[chosen][0]] - covered:
            covered.add(t)
            for i in sharing[t]:
                if i in missing:
                    missing[i] -= problem.tasks[t].hours
    return sequence


def sequence_order(
    problem: RestorationProblem,
    sequence: Sequence[int],
    needed: Sequence[frozenset[int]],
    fallback: Sequence[int],
) -> list[int]:
    """The task order of a process sequence: each process's missing tasks in dependency order,
    then every other task in the `fallback` order."""
    order: list[int] = []
    taken: set[int] = set()
    for i in sequence:
        fresh = sorted(
            (t for t in needed[problem.processes[i][0]] if t not in taken),
            key=lambda t: problem.tasks[t].node,
        )
        order.extend(fresh)
        taken.update(fresh)
    order.extend(t for t in fallback if t not in taken)
    return order


Evaluation = tuple[float, Schedule]


def evaluate_order(
    problem: RestorationProblem, order: Sequence[int], links: list[list[tuple[int, int]]]
) -> Evaluation:
    schedule = list_schedule(problem, order, links=links)
    return objective(problem, availability(problem, schedule.end)), schedule


def improve_sequence(
    problem: RestorationProblem,
    sequence: list[int],
    to_order: Callable[[Sequence[int]], list[int]],
    current: Evaluation,
    links: list[list[tuple[int, int]]],
    deadline: float,
    seed: int = 0,
) -> tuple[list[int], Evaluation]:
    """Move one process earlier or swap two, keep what lowers the objective, until `deadline`."""
    rng = random.Random(seed)
    best_sequence, best = list(sequence), current
    count = len(sequence)
    if count < 2:
        return best_sequence, best
    while time.monotonic() < deadline:
        candidate = list(best_sequence)
        i, j = sorted(rng.sample(range(count), 2))
        if rng.random() < 0.5:
            candidate[i], candidate[j] = candidate[j], candidate[i]
        else:
            candidate.insert(i, candidate.pop(j))
        result = evaluate_order(problem, to_order(candidate), links)
        if result[0] < best[0] - 1e-9:
            best_sequence, best = candidate, result
    return best_sequence, best
