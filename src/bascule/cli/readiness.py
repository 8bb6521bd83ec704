"""`bascule readiness`: what can be checked between exercises, as findings and a score 0–100."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bascule.cli.context import make_console
from bascule.cli.options import JsonOption, LangOption, MapArgument, output_lang
from bascule.durations import parse_duration
from bascule.hospital.loading import load_map
from bascule.i18n import Lang, t
from bascule.readiness import Readiness, Upkeep, assess_readiness
from bascule.readiness.reading import read_kits, read_station

EXIT_BELOW = 4
_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "dim"}


def print_readiness(readiness: Readiness, hospital_name: str, lang: Lang, console: Console) -> None:
    console.print(t("readiness.title", lang, hospital=hospital_name), style="bold")
    if readiness.findings:
        table = Table(header_style="bold")
        for column in ("col_severity", "col_kind", "col_subject", "col_detail"):
            table.add_column(t(f"readiness.{column}", lang), overflow="fold")
        for finding in readiness.findings:
            style = _STYLE[finding.severity]
            table.add_row(
                f"[{style}]{t(f'readiness.severity_{finding.severity}', lang)}[/]",
                t(f"readiness.kind_{finding.kind}", lang),
                finding.subject,
                finding.detail(lang),
            )
        console.print(table)
    else:
        console.print(t("readiness.nothing", lang))
    components = ", ".join(
        f"{t(f'readiness.component_{name}', lang)} {float(value):.0f}"
        for name, value in readiness.components.items()
    )
    summary = t(
        "readiness.score",
        lang,
        score=readiness.score,
        components=components,
        findings=len(readiness.findings),
    )
    console.print(summary, style="bold", markup=False)


def readiness_command(
    map_path: MapArgument,
    station: Annotated[
        list[Path] | None,
        typer.Option("--station", metavar="DIR", help="A downtime station folder to check (repeatable)."),
    ] = None,
    max_age: Annotated[
        str,
        typer.Option("--max-age", metavar="DURATION", help="A station's data older than this is stale."),
    ] = "2h",
    kits: Annotated[
        Path | None,
        typer.Option("--kits", metavar="DIR", help="The folder the paper kits are printed into."),
    ] = None,
    kits_max_age: Annotated[
        str,
        typer.Option("--kits-max-age", metavar="DURATION", help="A kit printed longer ago than this is old."),
    ] = "7d",
    as_json: JsonOption = False,
    lang: LangOption = None,
    fail_under: Annotated[
        int | None,
        typer.Option(
            "--fail-under",
            metavar="N",
            min=0,
            max=100,
            help="Exit 4 when the score is below N (for a scheduled check).",
        ),
    ] = None,
) -> None:
    """Score what can be checked without an exercise: processes without fallback, single points of
    failure, restoration skills, stations' last bundle, paper kits. Exit 0; with --fail-under N, 4
    when the score is below N."""
    station_max_age = parse_duration(max_age, "--max-age")
    kit_max_age = parse_duration(kits_max_age, "--kits-max-age")
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    upkeep = Upkeep(
        now=datetime.now(UTC),
        stations=[read_station(folder) for folder in station] if station else None,
        station_max_age=station_max_age,
        kits=read_kits(kits) if kits is not None else None,
        kit_max_age=kit_max_age,
    )
    readiness = assess_readiness(hospital_map, upkeep)
    if as_json:
        typer.echo(json.dumps(readiness.to_json(language), ensure_ascii=False, indent=2))
    else:
        print_readiness(readiness, hospital_map.hospital.name, language, make_console())
    if fail_under is not None and readiness.score < fail_under:
        raise typer.Exit(EXIT_BELOW)


def register(app: typer.Typer) -> None:
    app.command("readiness")(readiness_command)
