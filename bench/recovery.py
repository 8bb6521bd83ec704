"""Benchmark of the restoration plan: generated hospitals of 50 to 2,000 restoration tasks.

For each size: the plan's objective over the baseline list schedule's (target at 500 tasks:
<= 0.85 within the default 10 s), the gap to the lower bound, the solve time and the peak memory
(maxrss of a fresh subprocess per run, target <= 2 GB). Writes bench/results/recovery.json.

    .venv/bin/python bench/recovery.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from bascule.hospital.model import (
    Application,
    Asset,
    CareProcess,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
    Supplier,
    Team,
)

SKILLS = ("windows", "linux", "network", "storage", "vmware", "database", "ehr", "lims", "pacs", "backup")
HOURS = (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0)
# (tasks, teams, time limit in seconds, generator seeds)
SIZES = (
    (50, 3, 10.0, (7, 8, 9)),
    (200, 5, 10.0, (7, 8, 9)),
    (500, 6, 10.0, (7, 8, 9)),
    (2000, 8, 30.0, (7,)),
)
QUICK_SIZES = ((50, 3, 2.0, (7,)), (200, 5, 4.0, (7,)))


def generate(tasks: int, teams: int, seed: int) -> tuple[HospitalMap, dict[str, object]]:
    """A layered hospital (network, storage and hypervisors, servers, services, applications,
    care processes) with `tasks` declared nodes, plus one isolated segment and one supplier."""
    rng = random.Random(seed)
    infra_total = int(tasks / 0.85)
    segments = tuple(Segment(f"seg{i}") for i in range(max(3, tasks // 60)))
    suppliers = (Supplier("lab-partner"), Supplier("pacs-vendor"))
    layers = (("net", 0.05), ("hyp", 0.12), ("srv", 0.4), ("svc", 0.25), ("app", 0.18))
    previous: list[str] = []
    assets: list[Asset] = []
    applications: list[Application] = []
    for name, share in layers:
        count = max(2, int(infra_total * share))
        current: list[str] = []
        for i in range(count):
            node_id = f"{name}{i}"
            needs: list[Requirement] = []
            if previous:
                for _ in range(rng.randint(1, 2)):
                    roll = rng.random()
                    if roll < 0.6 or len(previous) < 3:
                        needs.append(Requirement.of(rng.choice(previous)))
                    else:
                        size = rng.randint(2, min(4, len(previous)))
                        members = tuple(rng.sample(previous, size))
                        needs.append(Requirement(members, rng.randint(1, size - 1), grouped=True))
                needs = list({r.members: r for r in needs}.values())
            fields = {
                "id": node_id,
                "needs": tuple(needs),
                "segment": rng.choice(segments).id,
                "restore_hours": rng.choice(HOURS),
                "skills": tuple(rng.sample(SKILLS, rng.randint(1, 2))),
            }
            if name == "app":
                supplier = suppliers[rng.randrange(2)].id if rng.random() < 0.05 else None
                applications.append(Application(supplier=supplier, **fields))  # type: ignore[arg-type]
            else:
                assets.append(Asset(kind="server", **fields))  # type: ignore[arg-type]
            current.append(node_id)
        previous = current if name != "srv" else current + previous[: len(previous) // 3]
    apps = [a.id for a in applications]
    processes = []
    for i in range(max(5, tasks // 8)):
        priority = rng.choices((1, 2, 3, 4), weights=(1, 2, 3, 4))[0]
        needs = [Requirement.of(a) for a in rng.sample(apps, rng.randint(1, 3))]
        if rng.random() < 0.3:
            needs.append(Requirement(tuple(rng.sample(apps, 2)), 1, grouped=True))
        needs = list({r.members: r for r in needs}.values())
        processes.append(CareProcess(id=f"care{i}", priority=priority, needs=tuple(needs)))
    team_list = []
    for k in range(teams):
        skills = tuple(rng.sample(SKILLS, rng.randint(2, 4)))
        team_list.append(Team(f"team{k}", members=rng.randint(1, 4), skills=skills))
    covered = {s for team in team_list for s in team.skills}
    missing = tuple(s for s in SKILLS if s not in covered)
    if missing:
        first = team_list[0]
        team_list[0] = Team(first.id, first.members, first.skills + missing)
    hospital_map = HospitalMap(
        hospital=Hospital("bench", "Bench hospital"),
        segments=segments,
        suppliers=suppliers,
        assets=tuple(assets),
        applications=tuple(applications),
        processes=tuple(processes),
        teams=tuple(team_list),
    )
    candidates = [a.id for a in assets] + apps
    down = rng.sample(candidates, min(tasks, len(candidates)))
    scenario: dict[str, object] = {
        "down": down,
        "isolate": [segments[0].id],
        "suppliers": [suppliers[0].id],
        "reconnect": {segments[0].id: 24.0},
        "supplier_back": {suppliers[0].id: 72.0},
    }
    return hospital_map, scenario


def rules_only(hospital_map: HospitalMap, scenario: dict[str, object]) -> float:
    """The best of the process-sequence priority rules alone (no local search, no CP-SAT)."""
    from bascule.recovery.availability import earliest_availability
    from bascule.recovery.listschedule import dependants
    from bascule.recovery.priorities import (
        baseline_order,
        evaluate_order,
        greedy_sequence,
        needed_tasks,
        sequence_order,
        waiting_processes,
    )
    from bascule.recovery.problem import build_problem

    problem = build_problem(hospital_map, **scenario)  # type: ignore[arg-type]
    earliest, _ = earliest_availability(problem)
    links, base = dependants(problem), baseline_order(problem)
    needed, waiting = needed_tasks(problem, earliest), waiting_processes(problem, earliest)
    values = [evaluate_order(problem, base, links)[0]]
    for first in (False, True):
        order = sequence_order(problem, greedy_sequence(problem, needed, waiting, first), needed, base)
        values.append(evaluate_order(problem, order, links)[0])
    return min(values)


def run_one(tasks: int, teams: int, time_limit: float, seed: int) -> dict[str, object]:
    """Plan one generated hospital in this process and measure it."""
    from bascule.recovery import plan

    hospital_map, scenario = generate(tasks, teams, seed)
    rules = rules_only(hospital_map, scenario)
    began = time.perf_counter()
    result = plan(hospital_map, time_limit=time_limit, **scenario)  # type: ignore[arg-type]
    seconds = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gap = (result.objective - result.lower_bound) / result.objective if result.objective else 0.0
    return {
        "tasks": len(result.tasks) + len(result.blocked),
        "teams": teams,
        "seed": seed,
        "time_limit_s": time_limit,
        "objective": result.objective,
        "baseline_objective": result.baseline_objective,
        "ratio_to_baseline": result.objective / result.baseline_objective
        if result.baseline_objective
        else 1.0,
        "rules_ratio_to_baseline": rules / result.baseline_objective if result.baseline_objective else 1.0,
        "lower_bound": result.lower_bound,
        "gap_to_bound": gap,
        "solver": result.solver,
        "status": result.status,
        "solve_seconds": round(seconds, 2),
        "peak_memory_mb": round(peak_kb / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two small sizes with short time limits")
    parser.add_argument(
        "--one", nargs=4, type=float, metavar=("TASKS", "TEAMS", "LIMIT", "SEED"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        tasks, teams, limit, seed = args.one
        print(json.dumps(run_one(int(tasks), int(teams), limit, int(seed))))
        return
    rows = []
    for tasks, teams, limit, seeds in QUICK_SIZES if args.quick else SIZES:
        for seed in seeds:
            # a fresh process per run, so that its peak memory is this run's alone
            output = subprocess.run(
                [sys.executable, __file__, "--one", str(tasks), str(teams), str(limit), str(seed)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row = json.loads(output.strip().splitlines()[-1])
            rows.append(row)
            print(
                f"{row['tasks']:>6} tasks {row['teams']} teams seed {seed}: plan/list {row['ratio_to_baseline']:.3f}  "
                f"(rules alone {row['rules_ratio_to_baseline']:.3f})  "
                f"gap {row['gap_to_bound']:.3f}  {row['solver']}/{row['status']}  "
                f"{row['solve_seconds']:.1f} s (limit {limit:.0f})  {row['peak_memory_mb']:.0f} MB",
                flush=True,
            )
    out = Path(__file__).parent / "results" / "recovery.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"benchmark": "recovery", "runs": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
