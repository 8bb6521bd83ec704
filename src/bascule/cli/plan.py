"""`bascule plan`: the order of work per team, and when each care process comes back."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bascule.cli.context import make_console
from bascule.cli.options import (
    DownOption,
    IsolateOption,
    JsonOption,
    LangOption,
    MapArgument,
    ScenarioOption,
    SupplierOption,
    map_and_scenario,
    output_lang,
)
from bascule.durable import ORDINARY, write_atomically
from bascule.errors import UserError
from bascule.gantt import write_gantt
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.recovery import Plan, plan
from bascule.recovery import texts as _texts  # noqa: F401  (registers the plan's words)
from bascule.recovery.problem import StartedWork
from bascule.scenario import Scenario

DEMO_TIME_LIMIT = 5.0


def parse_started(values: list[str]) -> dict[str, StartedWork]:
    """`ID=HOURS` or `ID=HOURS@TEAM`, as given to --started."""
    started: dict[str, StartedWork] = {}
    for value in values:
        node, equals, rest = value.partition("=")
        hours_text, at_sign, team = rest.partition("@")
        try:
            hours = float(hours_text)
        except ValueError:
            hours = math.nan
        if not equals or not node or not math.isfinite(hours) or (at_sign and not team):
            raise UserError(
                f"--started takes ID=HOURS or ID=HOURS@TEAM (e.g. dc01=2.5@infra), not {value!r}.",
                fr=f"--started prend ID=HEURES ou ID=HEURES@ÉQUIPE (p. ex. dc01=2.5@infra), pas {value!r}.",
            )
        if node in started:
            raise UserError(
                f"--started names {node} twice; give it once.",
                fr=f"--started nomme {node} deux fois ; donnez-le une seule fois.",
            )
        started[node] = (hours, team) if team else hours
    return started


def parse_done(values: list[str], at: float) -> dict[str, float]:
    """`ID` (restored by now) or `ID=HOURS` (restored then), as given to --done."""
    done: dict[str, float] = {}
    for value in values:
        node, equals, hours_text = value.partition("=")
        try:
            when = float(hours_text) if equals else at
        except ValueError:
            when = math.nan
        if not node or not math.isfinite(when):
            raise UserError(
                f"--done takes ID or ID=HOURS (e.g. dc01=6), not {value!r}.",
                fr=f"--done prend ID ou ID=HEURES (p. ex. dc01=6), pas {value!r}.",
            )
        done[node] = when
    return done


def hours(value: float) -> str:
    """2.5, 6, 3548811: no exponent, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def print_plan(result: Plan, hospital_map: HospitalMap, lang: Lang, console: Console) -> None:
    console.print(t("plan.title", lang, hospital=escape(hospital_map.hospital.name)), style="bold")
    teams_used = [team for team in hospital_map.teams if any(task.team == team.id for task in result.tasks)]
    console.print(
        t(
            "plan.summary",
            lang,
            tasks=len(result.tasks),
            teams=len(teams_used),
            at=hours(result.at),
            objective=hours(result.objective),
            baseline=hours(result.baseline_objective),
            bound=hours(result.lower_bound),
            solver=result.solver,
            status=t(f"plan.{result.status}", lang),
        )
    )
    if not result.tasks:
        console.print(t("plan.nothing", lang))
    nodes = hospital_map.nodes
    for team in teams_used:
        tasks = [task for task in result.tasks if task.team == team.id]
        table = Table(
            title=t(
                "plan.team_title",
                lang,
                team=escape(team.name or team.id),
                members=team.members,
                count=len(tasks),
            ),
            title_justify="left",
            header_style="bold",
        )
        for column in ("col_member", "col_start", "col_end", "col_node", "col_brings_back"):
            table.add_column(t(f"plan.{column}", lang), overflow="fold")
        for task in tasks:
            label = escape(nodes[task.node].label)
            node_text = f"{label} [dim]({escape(task.node)})[/]" if label != task.node else label
            start = t("plan.back_at", lang, hours=hours(task.start))
            if task.start < result.at:
                start += f" ({t('plan.under_way', lang)})"
            table.add_row(
                str(task.member + 1),
                start,
                t("plan.back_at", lang, hours=hours(task.end)),
                node_text,
                escape(", ".join(nodes[p].label for p in task.brings_back)),
            )
        console.print(table)
    table = Table(title=t("plan.etas_title", lang), title_justify="left", header_style="bold")
    for column in ("col_priority", "col_process", "col_eta"):
        table.add_column(t(f"plan.{column}", lang), overflow="fold")
    for eta in sorted(
        result.processes,
        key=lambda p: (p.priority, math.inf if p.eta_hours is None else p.eta_hours, p.process),
    ):
        table.add_row(
            f"P{eta.priority}",
            f"{escape(nodes[eta.process].label)} [dim]({escape(eta.process)})[/]",
            _when(eta.eta_hours, lang),
        )
    console.print(table)
    if result.blocked:
        console.print(escape(t("plan.blocked", lang, nodes=", ".join(result.blocked))), style="bold red")


def _when(eta_hours: float | None, lang: Lang) -> str:
    if eta_hours is None:
        return f"[bold red]{t('plan.never', lang)}[/]"
    if eta_hours == 0:
        return t("plan.not_down", lang)
    return t("plan.back_at", lang, hours=hours(eta_hours))


def plan_scenario(
    hospital_map: HospitalMap,
    scenario: Scenario,
    *,
    done: Iterable[str] | Mapping[str, float] = (),
    started: Mapping[str, StartedWork] | None = None,
    at: float = 0.0,
    time_limit: float = 10.0,
) -> Plan:
    return plan(
        hospital_map,
        scenario,
        done=done,
        started=started,
        at=at,
        time_limit=time_limit,
    )


def plan_command(
    map_path: MapArgument,
    down: DownOption = None,
    isolate: IsolateOption = None,
    supplier: SupplierOption = None,
    scenario: ScenarioOption = None,
    done: Annotated[
        list[str] | None,
        typer.Option(
            "--done", metavar="ID[=HOURS]", help="A node already restored, at HOURS if given (repeatable)."
        ),
    ] = None,
    started: Annotated[
        list[str] | None,
        typer.Option(
            "--started",
            metavar="ID=HOURS[@TEAM]",
            help="A restoration under way since HOURS, on TEAM if given (repeatable).",
        ),
    ] = None,
    at: Annotated[
        float, typer.Option("--at", metavar="HOURS", help="Now, in hours since the incident.")
    ] = 0.0,
    time_limit: Annotated[
        float, typer.Option("--time-limit", metavar="SECONDS", help="How long to search for a better plan.")
    ] = 10.0,
    gantt: Annotated[
        Path | None,
        typer.Option("--gantt", metavar="FILE.svg|png", help="Also draw the plan as a Gantt chart."),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Plan the restoration: which team restores what, when, and when care comes back."""
    hospital_map, chosen = map_and_scenario(map_path, scenario, down, isolate, supplier)
    language = output_lang(lang, hospital_map)
    if gantt is not None and gantt.suffix.lower() not in (".svg", ".png"):
        raise UserError(
            f"The Gantt chart must be a .svg or .png file, not {gantt.name}.",
            fr=f"Le diagramme de Gantt doit être un fichier .svg ou .png, pas {gantt.name}.",
        )
    under_way = parse_started(started or [])

    def solve() -> Plan:
        return plan_scenario(
            hospital_map,
            chosen,
            done=parse_done(done or [], at),
            started=under_way,
            at=at,
            time_limit=time_limit,
        )

    if as_json:
        result = solve()
    else:
        with make_console(stderr=True).status(t("plan.solving", language, seconds=hours(time_limit))):
            result = solve()
    if gantt is not None:
        write_gantt(result, hospital_map, gantt, language)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    console = make_console()
    print_plan(result, hospital_map, language, console)
    if gantt is not None:
        console.print(t("plan.gantt_written", language, path=escape(str(gantt))))


def demo_part(
    hospital_map: HospitalMap, scenario: Scenario, out_dir: Path, lang: Lang, console: Console
) -> None:
    """`bascule demo`'s restoration step: plan.json and plan-gantt.svg, and when care comes back."""
    result = plan_scenario(hospital_map, scenario, time_limit=DEMO_TIME_LIMIT)
    json_path, gantt_path = out_dir / "plan.json", out_dir / "plan-gantt.svg"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot write the plan to {json_path}: {error.strerror or error}.",
            fr=f"Impossible d'écrire le plan dans {json_path} : {error.strerror or error}.",
        ) from error
    write_atomically(
        json_path, (json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n").encode(), ORDINARY
    )
    write_gantt(result, hospital_map, gantt_path, lang)
    console.print(
        t(
            "plan.demo_written",
            lang,
            tasks=len(result.tasks),
            json=escape(str(json_path)),
            gantt=escape(str(gantt_path)),
        ),
        style="bold",
    )
    nodes = hospital_map.nodes
    for eta in sorted(
        result.processes,
        key=lambda p: (p.priority, math.inf if p.eta_hours is None else p.eta_hours, p.process),
    ):
        console.print(
            t(
                "plan.demo_eta",
                lang,
                priority=eta.priority,
                process=escape(nodes[eta.process].label),
                when=_when(eta.eta_hours, lang),
            )
        )


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
