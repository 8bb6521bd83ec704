"""An independent checker of restoration plans, written from contract 2 and 3 of DESIGN.md only.

It shares no code with bascule.recovery: node status at a time is recomputed from scratch by the
impact semantics (hit nodes are down; others are down when a requirement has fewer than K
members not down), and so are ETAs, the objective and a brute-force optimum for tiny plans.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bascule.hospital.model import HospitalMap

WEIGHTS = {1: 1000, 2: 100, 3: 10, 4: 1}
EPS = 1e-6


@dataclass
class Scenario:
    down: list[str] = field(default_factory=list)
    isolate: list[str] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    reconnect: dict[str, float] = field(default_factory=dict)
    supplier_back: dict[str, float] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    done_at: dict[str, float] = field(default_factory=dict)  # when done work ended (else: at)
    started: dict[str, tuple[float, str | None]] = field(default_factory=dict)  # team None: any qualified
    at: float = 0.0

    def api_arguments(self) -> dict[str, Any]:
        return {
            "down": self.down,
            "isolate": self.isolate,
            "suppliers": self.suppliers,
            "reconnect": self.reconnect,
            "supplier_back": self.supplier_back,
            "done": {n: self.done_at.get(n, self.at) for n in self.done} if self.done_at else self.done,
            "started": {
                n: (since if team is None else (since, team)) for n, (since, team) in self.started.items()
            },
            "at": self.at,
        }


def external_return(hospital_map: HospitalMap, scenario: Scenario, node_id: str) -> float:
    """When isolation and supplier outages stop hitting this node (inf: never)."""
    node = hospital_map.nodes[node_id]
    time = 0.0
    if node.segment in scenario.isolate:
        time = max(time, scenario.reconnect.get(node.segment, math.inf))
    if node.supplier in scenario.suppliers:
        time = max(time, scenario.supplier_back.get(node.supplier, math.inf))
    return time


def down_at(
    hospital_map: HospitalMap, scenario: Scenario, ends: Mapping[str, float], moment: float
) -> set[str]:
    """The nodes down at `moment`, when each declared node's task ends at ends[node] (absent: never)."""
    nodes = hospital_map.nodes
    memo: dict[str, bool] = {}

    def hit(node_id: str) -> bool:
        if external_return(hospital_map, scenario, node_id) > moment:
            return True
        if node_id in scenario.down:
            if node_id in scenario.done:
                return moment < scenario.done_at.get(node_id, scenario.at)
            return ends.get(node_id, math.inf) > moment
        return False

    def is_down(node_id: str) -> bool:
        if node_id not in memo:
            node = nodes[node_id]
            down = hit(node_id) or any(
                sum(1 for m in r.members if not is_down(m)) < r.at_least for r in node.needs
            )
            memo[node_id] = down
        return memo[node_id]

    return {node_id for node_id in nodes if is_down(node_id)}


def requirements_met(
    hospital_map: HospitalMap, scenario: Scenario, ends: Mapping[str, float], node_id: str, moment: float
) -> bool:
    down = down_at(hospital_map, scenario, ends, moment)
    return all(
        sum(1 for m in r.members if m not in down) >= r.at_least for r in hospital_map.nodes[node_id].needs
    )


def moments(scenario: Scenario, ends: Iterable[float]) -> list[float]:
    """Every time at which a status can change."""
    times = {0.0, scenario.at, *scenario.reconnect.values(), *scenario.supplier_back.values()}
    times.update(scenario.done_at.values())
    times.update(e for e in ends if e < math.inf)
    return sorted(times)


def etas(hospital_map: HospitalMap, scenario: Scenario, ends: Mapping[str, float]) -> dict[str, float | None]:
    result: dict[str, float | None] = {p.id: None for p in hospital_map.processes}
    pending = set(result)
    for moment in moments(scenario, ends.values()):
        if not pending:
            break
        down = down_at(hospital_map, scenario, ends, moment)
        for process in sorted(pending):
            if process not in down:
                result[process] = moment
                pending.discard(process)
    return result


def objective_of(hospital_map: HospitalMap, eta: Mapping[str, float | None]) -> float:
    priority = {p.id: p.priority for p in hospital_map.processes}
    return sum(WEIGHTS[priority[p]] * e for p, e in eta.items() if e is not None)


def check_plan(hospital_map: HospitalMap, scenario: Scenario, document: Mapping[str, Any]) -> float:
    """Assert that a plan's JSON is valid and its figures true; return the recomputed objective."""
    nodes = hospital_map.nodes
    teams = {t.id: t for t in hospital_map.teams}
    tasks = document["tasks"]
    planned = [t["node"] for t in tasks]
    assert len(planned) == len(set(planned)), "a node is restored twice"
    expected = [n for n in dict.fromkeys(scenario.down) if n not in scenario.done]
    blocked = set(document.get("blocked", []))
    assert set(planned) | blocked == set(expected) and not set(planned) & blocked
    ends = {t["node"]: t["end"] for t in tasks}
    for task in tasks:
        node = nodes[task["node"]]
        team = teams[task["team"]]
        assert not node.skills or set(node.skills) & set(team.skills), f"{team.id} cannot restore {node.id}"
        assert abs(task["end"] - task["start"] - node.restore_hours) < EPS, "wrong duration"
        assert 0 <= task["member"] < team.members
        if node.id in scenario.started:
            since, team_id = scenario.started[node.id]
            assert abs(task["start"] - since) < EPS and team_id in (None, team.id), "work under way moved"
        else:
            assert task["start"] >= scenario.at - EPS, "a task starts before now"
            assert requirements_met(hospital_map, scenario, ends, node.id, task["start"] + EPS), (
                f"{node.id} starts at {task['start']} before its requirements are met"
            )
    for node_id in blocked:  # truly never startable: requirements unmet even with everything done
        assert not _reachable(hospital_map, scenario, node_id), f"{node_id} is said blocked but is not"
    by_member: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for task in tasks:
        by_member.setdefault((task["team"], task["member"]), []).append((task["start"], task["end"]))
    for spans in by_member.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end - EPS, "a member does two tasks at once"
    for team in hospital_map.teams:
        spans = [(t["start"], t["end"]) for t in tasks if t["team"] == team.id and t["end"] > t["start"]]
        for start, _ in spans:
            running = sum(1 for s, e in spans if s <= start + EPS and e > start + EPS)
            assert running <= team.members, f"team {team.id} over capacity"
    eta = etas(hospital_map, scenario, ends)
    for process in hospital_map.processes:
        reported = document["processes"][process.id]
        assert reported["priority"] == process.priority
        if eta[process.id] is None:
            assert reported["eta_hours"] is None, f"{process.id} never comes back"
        else:
            assert reported["eta_hours"] is not None and abs(reported["eta_hours"] - eta[process.id]) < EPS
    value = objective_of(hospital_map, eta)
    # times are printed to 6 decimals: each ETA may be off by 5e-7 h
    slack = EPS * max(1.0, value) + 1e-6 * sum(WEIGHTS[p.priority] for p in hospital_map.processes)
    assert abs(document["objective"] - value) <= slack, "objective misreported"
    assert document["lower_bound"] <= value + slack
    assert document["status"] in ("optimal", "feasible") and document["solver"] in ("cp-sat", "greedy")
    return value


def _reachable(hospital_map: HospitalMap, scenario: Scenario, node_id: str) -> bool:
    """Could the node's requirements ever be met, if every other declared node were restored?"""
    everything = {n: 0.0 for n in scenario.down}
    far = max([0.0, scenario.at, *scenario.reconnect.values(), *scenario.supplier_back.values()]) + 1
    return requirements_met(hospital_map, scenario, everything, node_id, far)


def brute_force_optimum(hospital_map: HospitalMap, scenario: Scenario) -> float:
    """The best objective over every task order and team choice (serial placement; tiny plans only).

    Placing tasks one by one, each at the first moment its requirements are met and its team's
    earliest free member is free, over every order and team choice, reaches an optimal plan.
    """
    tasks = [
        n
        for n in dict.fromkeys(scenario.down)
        if n not in scenario.done and _reachable(hospital_map, scenario, n)
    ]
    choices = [
        [
            t.id
            for t in hospital_map.teams
            if not hospital_map.nodes[n].skills or set(hospital_map.nodes[n].skills) & set(t.skills)
        ]
        for n in tasks
    ]
    best = math.inf
    for order in itertools.permutations(range(len(tasks))):
        for teams in itertools.product(*choices):
            free = {t.id: [scenario.at] * t.members for t in hospital_map.teams}
            ends: dict[str, float] = {}
            feasible = True
            for i in order:
                node = tasks[i]
                ready = next(
                    (
                        m
                        for m in moments(scenario, ends.values())
                        if m >= scenario.at and requirements_met(hospital_map, scenario, ends, node, m)
                    ),
                    None,
                )
                if ready is None:
                    feasible = False
                    break
                members = free[teams[i]]
                member = min(range(len(members)), key=members.__getitem__)
                start = max(ready, members[member])
                ends[node] = start + hospital_map.nodes[node].restore_hours
                members[member] = ends[node]
            if feasible:
                best = min(best, objective_of(hospital_map, etas(hospital_map, scenario, ends)))
    return best
