"""The parts of the restoration planner: time scales, priority lists, started work parsing, chart layout."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bascule.cli.plan import parse_started
from bascule.errors import UserError
from bascule.gantt.layout import bar_label, fitted, lay_out, nice_step
from bascule.hospital.model import Asset, CareProcess, Hospital, HospitalMap, Requirement, Team
from bascule.recovery import Plan, plan
from bascule.recovery.availability import availability, earliest_availability, objective
from bascule.recovery.cpsat import choose_scale, interchangeable
from bascule.recovery.listschedule import list_schedule
from bascule.recovery.priorities import baseline_order
from bascule.recovery.problem import NEVER, build_problem

MAP = HospitalMap(
    hospital=Hospital("u", "Unit"),
    assets=(
        Asset(id="a", restore_hours=3.0),
        Asset(id="b", restore_hours=1.0),
        Asset(id="c", restore_hours=2.0, needs=(Requirement.of("a"),)),
    ),
    processes=(
        CareProcess(id="vital", priority=1, needs=(Requirement.of("c"),)),
        CareProcess(id="billing", priority=4, needs=(Requirement.of("b"),)),
    ),
    teams=(Team("it", 1),),
)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 2.0], (1, True)),
        ([0.5, 3.0], (2, True)),
        ([0.25], (4, True)),
        ([0.1, 0.7], (10, True)),
        ([1 / 3], (12, True)),
        ([0.123456789], (60, False)),
    ],
)
def test_the_smallest_exact_time_scale(values: list[float], expected: tuple[int, bool]) -> None:
    assert choose_scale(values) == expected


def test_baseline_order_puts_tasks_of_vital_care_first() -> None:
    problem = build_problem(MAP, down=["a", "b", "c"])
    order = [problem.node_ids[problem.tasks[t].node] for t in baseline_order(problem)]
    assert order == ["a", "c", "b"]
    schedule = list_schedule(problem, baseline_order(problem))
    available = availability(problem, schedule.end)
    assert objective(problem, available) == 1000 * 5 + 1 * 6


def test_earliest_availability_ignores_team_capacity() -> None:
    problem = build_problem(MAP, down=["a", "b", "c"])
    available, ends = earliest_availability(problem)
    index = {node: i for i, node in enumerate(problem.node_ids)}
    assert available[index["vital"]] == 5.0 and available[index["billing"]] == 1.0
    assert sorted(ends) == [1.0, 3.0, 5.0]


def test_a_task_waiting_for_what_never_returns_is_never_scheduled() -> None:
    problem = build_problem(MAP, down=["c"], done=[], at=0.0)
    problem_never = replace(
        problem, released=tuple(NEVER if node == "a" else 0.0 for node in problem.node_ids)
    )
    schedule = list_schedule(problem_never, [0])
    assert schedule.start == (NEVER,) and schedule.team == (-1,)


def test_a_plan_worse_than_its_baseline_cannot_exist() -> None:
    with pytest.raises(ValueError, match="never worse"):
        Plan(
            (),
            (),
            objective=10.0,
            lower_bound=0.0,
            solver="greedy",
            status="feasible",
            baseline_objective=5.0,
            blocked=(),
            at=0.0,
        )


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["db=2"], {"db": 2.0}), (["db=2.5@infra"], {"db": (2.5, "infra")}), ([], {})],
)
def test_started_work_is_id_equals_hours_at_team(values: list[str], expected: dict[str, object]) -> None:
    assert parse_started(values) == expected


@pytest.mark.parametrize("value", ["db", "db=", "=2", "db=two", "db=2@", "db=nan"])
def test_started_work_mistakes(value: str) -> None:
    with pytest.raises(UserError, match="--started takes ID=HOURS"):
        parse_started([value])


@pytest.mark.parametrize(("span", "step"), [(5, 0.5), (10, 1), (100, 12), (300, 24), (2000, 168)])
def test_hour_ticks_stay_readable(span: float, step: float) -> None:
    assert nice_step(span) == step


def test_the_chart_has_a_row_per_member_and_a_marker_per_vital_return() -> None:
    result = plan(MAP, down=["a", "b", "c"], time_limit=1.0)
    chart = lay_out(result, MAP, "en")
    contents = [label.content for label in chart.labels]
    assert "it #1" in contents and "5 h: vital" in contents
    assert not any("billing" in content for content in contents)  # priority 4: no marker
    assert {"a", "b", "c"} <= set(contents)


def test_hosts_of_one_cluster_are_interchangeable_but_not_a_host_needed_by_name() -> None:
    hosts = tuple(Asset(id=f"esx{i}", restore_hours=4.0) for i in range(4))
    cluster = HospitalMap(
        hospital=Hospital("u", "Unit"),
        assets=(
            *hosts,
            Asset(id="vms", needs=(Requirement(tuple(h.id for h in hosts), 2, grouped=True),)),
            Asset(id="mgmt", needs=(Requirement.of("esx3"),)),
        ),
        processes=(
            CareProcess(id="care", priority=1, needs=(Requirement.of("vms"), Requirement.of("mgmt"))),
        ),
        teams=(Team("it", 2),),
    )
    problem = build_problem(cluster, down=["esx0", "esx1", "esx2", "esx3"])
    classes = interchangeable(problem, range(len(problem.tasks)))
    assert [[problem.node_ids[problem.tasks[t].node] for t in c] for c in classes] == [
        ["esx0", "esx1", "esx2"]
    ]
    result = plan(cluster, down=["esx0", "esx1", "esx2", "esx3"], time_limit=2.0)
    assert result.status == "optimal" and result.processes[0].eta_hours == 4.0


def test_a_stored_plan_reads_back_as_the_same_document() -> None:
    document = plan(MAP, down=["a", "b", "c"], time_limit=1.0).to_json()
    assert Plan.from_json(document).to_json() == document


NAMED = HospitalMap(
    hospital=Hospital("u", "Unit"),
    assets=(
        Asset(id="srv-lab01", name="Laboratoire", restore_hours=6.0, skills=("windows",)),
        Asset(id="esx-tl-01", name="Hôte ESXi 01 du site des Tilleuls, baie 3", restore_hours=0.5),
    ),
    processes=(
        CareProcess(
            id="transfusion", name="Transfusion sanguine", priority=1, needs=(Requirement.of("srv-lab01"),)
        ),
        CareProcess(id="beds", name="Gestion des lits", priority=2, needs=(Requirement.of("esx-tl-01"),)),
    ),
    teams=(Team("team-infra", 1, ("windows",), "Postes de travail, systèmes, virtualisation et sauvegarde"),),
)


def test_the_chart_names_what_the_map_names_and_keeps_ids_for_the_engineers_tooltip() -> None:
    result = plan(NAMED, down=["srv-lab01", "esx-tl-01"], time_limit=1.0)
    chart = lay_out(result, NAMED, "fr")
    contents = [label.content for label in chart.labels]
    assert "Laboratoire" in contents and "6.5 h: Transfusion sanguine" in contents
    assert not any(word in text for text in contents for word in ("srv-lab01", "transfusion", "team-infra"))
    # A name longer than its room is cut with an ellipsis, not drawn over the chart's edge.
    member = next(text for text in contents if text.endswith("n°1"))
    assert member.startswith("Postes de travail") and "…" in member
    assert len(member) * 11 * 0.56 <= 230 - 8
    tooltips = [box.tooltip for box in chart.boxes if box.tooltip]
    assert any(
        tip.startswith("Laboratoire (srv-lab01): ") and tip.endswith("→ Transfusion sanguine")
        for tip in tooltips
    )


@pytest.mark.parametrize(
    ("content", "room", "shown"),
    [
        ("Laboratoire", 100.0, "Laboratoire"),  # fits: as it is
        ("Laboratoire", 40.0, "Labora…"),  # 40 / (9 * 0.56) = 7 characters, the last one "…"
        ("Laboratoire", 20.0, ""),  # 3 characters: "La…" names nothing, so nothing
    ],
)
def test_labels_are_cut_to_their_room(content: str, room: float, shown: str) -> None:
    assert fitted(content, 9, room) == shown


def test_a_bar_too_short_for_its_name_shows_the_id_the_engineer_types() -> None:
    assert bar_label(NAMED, "srv-lab01", 100.0) == "Laboratoire"
    assert bar_label(NAMED, "esx-tl-01", 60.0) == "esx-tl-01"  # the name would read "Hôte ES…"
    assert bar_label(NAMED, "esx-tl-01", 30.0) == "Hôte…"  # not even the id fits


PLAN_THEN_CTRL_C = """
import os, signal, time
from bascule.hospital.loading import load_map
from bascule.recovery import plan
from bascule.scenario import load_scenario
demo = load_map("demo")
plan(demo, load_scenario("ransomware", demo), time_limit=1.0)  # CP-SAT searches
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)  # the signal interrupts it at once
except KeyboardInterrupt:
    raise SystemExit(7)
"""


def test_ctrl_c_after_a_plan_is_still_pythons_to_handle() -> None:
    """CP-SAT must not leave its SIGINT handling behind: a server that planned once (demo --serve,
    a re-plan in serve) would then be killed by Ctrl-C instead of stopping in order."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", PLAN_THEN_CTRL_C], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 7, (done.returncode, done.stderr[-500:])
