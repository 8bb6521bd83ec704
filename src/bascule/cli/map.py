"""`bascule map check`: is the map sound, and where is it fragile."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from bascule.cli.context import make_console
from bascule.cli.options import JsonOption, LangOption, MapArgument, output_lang
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.i18n import register as register_messages
from bascule.resilience import SinglePointOfFailure, single_points_of_failure

map_app = typer.Typer(help="Check and draw a hospital map.", no_args_is_help=True)

register_messages(
    "map",
    {
        "valid": {
            "fr": "La carte {source} est valide : {hospital}.",
            "en": "The map {source} is valid: {hospital}.",
        },
        "sections": {"fr": "Contenu", "en": "Contents"},
        "section": {"fr": "Section", "en": "Section"},
        "count": {"fr": "Nombre", "en": "Count"},
        "workstations": {"fr": "postes de travail (somme des parcs)", "en": "workstations (sum of pools)"},
        "beds": {"fr": "lits (unités de soins)", "en": "beds (care units)"},
        "priorities": {"fr": "Processus de soins par priorité", "en": "Care processes by priority"},
        "priority_1": {"fr": "P1 vital", "en": "P1 vital"},
        "priority_2": {"fr": "P2 urgent", "en": "P2 urgent"},
        "priority_3": {"fr": "P3 important", "en": "P3 important"},
        "priority_4": {"fr": "P4 différable", "en": "P4 deferrable"},
        "no_fallback": {
            "fr": "Processus sans procédure dégradée ({count}) :",
            "en": "Care processes without a fallback procedure ({count}):",
        },
        "all_fallback": {
            "fr": "Tous les processus de soins ont une procédure dégradée.",
            "en": "Every care process has a fallback procedure.",
        },
        "spof": {
            "fr": "Points uniques de défaillance ({count}) : leur seule perte arrête un processus vital (P1)",
            "en": "Single points of failure ({count}): their loss alone takes down a vital (P1) process",
        },
        "no_spof": {
            "fr": "Aucun élément ne peut à lui seul arrêter un processus vital (P1).",
            "en": "No single node can take down a vital (P1) process on its own.",
        },
        "col_node": {"fr": "Élément", "en": "Node"},
        "col_stops": {"fr": "Arrête", "en": "Takes down"},
        "searching": {
            "fr": "Recherche des points uniques de défaillance",
            "en": "Looking for single points of failure",
        },
    },
)

# Every list section of the map (hospital.validation.SECTIONS): a section left out here would be
# missing from the summary the cell reads to know its map is whole.
_SECTIONS = (
    "sites",
    "segments",
    "suppliers",
    "units",
    "assets",
    "applications",
    "processes",
    "procedures",
    "teams",
    "facilities",
    "contacts",
    "activities",
)


def map_summary(hospital_map: HospitalMap, weak_spots: list[SinglePointOfFailure]) -> dict[str, Any]:
    """The facts `map check` reports, as a JSON-ready document."""
    kinds = Counter(a.kind for a in hospital_map.assets)
    return {
        "hospital": hospital_map.hospital.id,
        "counts": {section: len(getattr(hospital_map, section)) for section in _SECTIONS},
        "asset_kinds": dict(sorted(kinds.items())),
        "workstations": sum(a.count for a in hospital_map.assets if a.kind == "workstations"),
        "beds": sum(u.beds for u in hospital_map.units),
        "processes_by_priority": {
            str(level): [p.id for p in hospital_map.processes if p.priority == level]
            for level in (1, 2, 3, 4)
        },
        "without_fallback": [p.id for p in hospital_map.processes if p.fallback is None],
        "single_points_of_failure": {w.node: list(w.processes) for w in weak_spots},
    }


def print_summary(hospital_map: HospitalMap, summary: dict[str, Any], lang: Lang, console: Console) -> None:
    console.print(
        t("map.valid", lang, source=hospital_map.source, hospital=hospital_map.hospital.name),
        style="bold green",
    )
    console.print(t("map.sections", lang), style="bold")
    contents = Table(header_style="bold")
    contents.add_column(t("map.section", lang))
    contents.add_column(t("map.count", lang), justify="right")
    for section, count in summary["counts"].items():
        contents.add_row(section, str(count))
    contents.add_row(t("map.workstations", lang), str(summary["workstations"]))
    contents.add_row(t("map.beds", lang), str(summary["beds"]))
    console.print(contents)
    console.print(t("map.priorities", lang), style="bold")
    priorities = Table(header_style="bold")
    priorities.add_column(t("map.section", lang))
    priorities.add_column(t("map.count", lang), justify="right")
    for level, ids in summary["processes_by_priority"].items():
        priorities.add_row(t(f"map.priority_{level}", lang), str(len(ids)))
    console.print(priorities)
    without = summary["without_fallback"]
    if without:
        console.print(t("map.no_fallback", lang, count=len(without)), style="bold yellow")
        for process_id in without:
            process = hospital_map.nodes[process_id]
            console.print(f"  • {escape(process.label)} ({process_id})")
    else:
        console.print(t("map.all_fallback", lang))
    weak = summary["single_points_of_failure"]
    if not weak:
        console.print(t("map.no_spof", lang))
        return
    console.print(t("map.spof", lang, count=len(weak)), style="bold red")
    table = Table(header_style="bold")
    table.add_column(t("map.col_node", lang))
    table.add_column(t("map.col_stops", lang))
    for node_id, processes in weak.items():
        table.add_row(f"{escape(hospital_map.nodes[node_id].label)} ({node_id})", ", ".join(processes))
    console.print(table)


@map_app.command("check")
def check_command(map_path: MapArgument, as_json: JsonOption = False, lang: LangOption = None) -> None:
    """Validate a map and report its contents, missing fallbacks and single points of failure."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    console = make_console(stderr=as_json)
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task(t("map.searching", language), total=None)
        weak = single_points_of_failure(
            hospital_map, lambda done, total: progress.update(task, completed=done, total=total)
        )
    summary = map_summary(hospital_map, weak)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    print_summary(hospital_map, summary, language, console)


def register(app: typer.Typer) -> None:
    app.add_typer(map_app, name="map")
