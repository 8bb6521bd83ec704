"""`bascule map check`: is the map sound, and where is it fragile."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from bascule.cli.context import environment, make_console
from bascule.cli.options import JsonOption, LangOption, MapArgument, output_lang
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.i18n import register as register_messages
from bascule.resilience import SinglePointOfFailure, single_points_of_failure, unneeded_applications

if TYPE_CHECKING:
    from bascule.inventory.map_diff import MapDiff

map_app = typer.Typer(help="Check, draw, import and compare hospital maps.", no_args_is_help=True)

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
        "lab_tests": {
            "fr": "examens au menu dégradé du laboratoire",
            "en": "tests on the laboratory's downtime menu",
        },
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
        "unneeded": {
            "fr": "Applications dont aucun processus de soins n'a besoin ({count}) : à la cellule de décider",
            "en": "Applications no care process needs ({count}): the cell should decide",
        },
        "col_node": {"fr": "Élément", "en": "Node"},
        "col_stops": {"fr": "Arrête", "en": "Takes down"},
        "imported": {
            "fr": "{out} écrit : {assets} équipements, {applications} applications lus dans {source}.",
            "en": "Wrote {out}: {assets} assets, {applications} applications read from {source}.",
        },
        "draft_problems": {
            "fr": "Brouillon écrit avec {count} problème(s), listés en tête du fichier :",
            "en": "Draft written with {count} problem(s), listed at the top of the file:",
        },
        "warnings": {"fr": "À vérifier ({count}) :", "en": "To check ({count}):"},
        "diff_equal": {"fr": "Aucun changement.", "en": "No change."},
        "diff_added": {"fr": "Ajoutés ({count}) :", "en": "Added ({count}):"},
        "diff_removed": {"fr": "Retirés ({count}) :", "en": "Removed ({count}):"},
        "diff_needed": {"fr": "encore nécessaire à : {processes}", "en": "still needed by: {processes}"},
        "diff_changed": {"fr": "Modifiés ({count}) :", "en": "Changed ({count}):"},
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
        "laboratory_tests": len(hospital_map.laboratory.tests),
        "processes_by_priority": {
            str(level): [p.id for p in hospital_map.processes if p.priority == level]
            for level in (1, 2, 3, 4)
        },
        "without_fallback": [p.id for p in hospital_map.processes if p.fallback is None],
        "single_points_of_failure": {w.node: list(w.processes) for w in weak_spots},
        "unneeded_applications": unneeded_applications(hospital_map),
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
    contents.add_row(t("map.lab_tests", lang), str(summary["laboratory_tests"]))
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
    unneeded = summary["unneeded_applications"]
    if unneeded:
        console.print(t("map.unneeded", lang, count=len(unneeded)), style="bold yellow")
        for application_id in unneeded:
            console.print(f"  • {escape(hospital_map.nodes[application_id].label)} ({application_id})")
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


OutOption = Annotated[Path, typer.Option("--out", metavar="MAP.yaml", help="Where to write the map.")]
MappingOption = Annotated[
    Path | None,
    typer.Option("--mapping", metavar="M.yaml", help="Mapping file: a csv:, glpi: or netbox: section."),
]
IntoOption = Annotated[
    Path | None,
    typer.Option(
        "--into", metavar="EXISTING.yaml", help="A map whose hand-written sections and fields are kept."
    ),
]
HospitalOption = Annotated[
    str | None,
    typer.Option("--hospital", metavar="ID", help="Hospital id (without --into; default: the file's stem)."),
]
NameOption = Annotated[
    str | None, typer.Option("--name", metavar="NAME", help="Hospital name (without --into).")
]
DraftOption = Annotated[
    bool, typer.Option("--draft", help="Write the map even when it does not validate, problems at its top.")
]


@map_app.command("import")
def import_command(
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="A CSV (our layout or a GLPI export), glpi:URL or netbox:URL."),
    ],
    out: OutOption,
    mapping: MappingOption = None,
    into: IntoOption = None,
    hospital: HospitalOption = None,
    name: NameOption = None,
    draft: DraftOption = False,
    lang: LangOption = None,
) -> None:
    """Draft a map from an inventory; nothing is written unless it validates (or --draft)."""
    from bascule.durable import ORDINARY, write_atomically
    from bascule.inventory.importing import (
        default_header,
        import_map,
        load_mapping,
        read_inventory,
        refuse_if_invalid,
    )

    language = output_lang(lang)
    inventory = read_inventory(source, load_mapping(mapping), environment().variables)
    result = import_map(inventory, default_header(source, out, hospital, name), into, lang=language)
    if not draft:
        refuse_if_invalid(result, out)
    write_atomically(out, result.text.encode("utf-8"), ORDINARY)
    console = make_console()
    document = result.draft.document
    console.print(
        t(
            "map.imported",
            language,
            out=out,
            assets=len(document.get("assets") or []),
            applications=len(document.get("applications") or []),
            source=inventory.source or source,
        )
    )
    if result.draft.problems:
        console.print(t("map.draft_problems", language, count=len(result.draft.problems)), style="bold red")
        for problem in result.draft.problems:
            console.print(f"  {escape(problem.located(language))}")
    if result.draft.warnings:
        console.print(t("map.warnings", language, count=len(result.draft.warnings)), style="bold yellow")
        for warning in result.draft.warnings:
            console.print(f"  {escape(warning.located(language))}")
    if result.diff is not None:
        print_diff(result.diff, language, console)


def print_diff(diff: MapDiff, lang: Lang, console: Console) -> None:
    if diff.equal:
        console.print(t("map.diff_equal", lang))
        return
    if diff.added:
        console.print(t("map.diff_added", lang, count=len(diff.added)), style="bold green")
        console.print(f"  {', '.join(diff.added)}")
    if diff.removed:
        console.print(t("map.diff_removed", lang, count=len(diff.removed)), style="bold red")
        for removed in diff.removed:
            needed = diff.needed_by.get(removed)
            also = f" — {t('map.diff_needed', lang, processes=', '.join(needed))}" if needed else ""
            console.print(f"  {escape(removed)}{also}")
    if diff.changed:
        console.print(t("map.diff_changed", lang, count=len(diff.changed)), style="bold yellow")
        for changed, fields in diff.changed.items():
            said = "; ".join(f"{name}: {_shown(old)} → {_shown(new)}" for name, (old, new) in fields.items())
            console.print(f"  {escape(changed)}: {escape(said)}")


def _shown(value: object) -> str:
    return "—" if value is None else json.dumps(value, ensure_ascii=False)


@map_app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The map before.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The map after.")],
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """What changed between two maps: exit 0 when equal, 1 when they differ, 2 on errors."""
    from bascule.inventory.importing import map_document
    from bascule.inventory.map_diff import diff_maps

    diff = diff_maps(map_document(old), map_document(new))
    if as_json:
        typer.echo(json.dumps(diff.to_json(), ensure_ascii=False, indent=2))
    else:
        print_diff(diff, output_lang(lang), make_console())
    if not diff.equal:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(map_app, name="map")
